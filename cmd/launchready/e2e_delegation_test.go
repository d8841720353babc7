package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
)

// simDelegation changes a zone's status, assigned name servers or DNSSEC state
// through the simulator's admin API (what the registrar and Cloudflare's activation
// check do outside the API).
func (w *workspace) simDelegation(zone string, body map[string]any) {
	w.t.Helper()
	b, _ := json.Marshal(body)
	simAdmin(w.t, w.base, http.MethodPatch, "zones/"+zone, string(b))
}

// simDNSSEC enables DNSSEC through the API (as a user would) and returns the DS
// Cloudflare asks to publish, as "tag alg digest-type DIGEST".
func (w *workspace) simDNSSEC(zone string) string {
	w.t.Helper()
	var d struct {
		Status     string `json:"status"`
		KeyTag     int    `json:"key_tag"`
		Algorithm  string `json:"algorithm"`
		DigestType string `json:"digest_type"`
		Digest     string `json:"digest"`
	}
	w.api.call(http.MethodPatch, "/zones/"+w.api.zoneID(zone)+"/dnssec", map[string]any{"status": "active"}, &d)
	if d.Status != "pending" || d.Digest == "" {
		w.t.Fatalf("enabling DNSSEC on %s: %+v", zone, d)
	}
	return fmt.Sprintf("%d %s %s %s", d.KeyTag, d.Algorithm, d.DigestType, d.Digest)
}

// TestDelegationE2E: a real BIND9 serves the parent zone "test." on loopback and the
// simulator serves the zones; `launchready verify --parent-resolver` asks the parent
// and compares with what the Cloudflare API says about each zone.
func TestDelegationE2E(t *testing.T) {
	testbind.Require(t)
	zones := []string{"shop.test", "old.test", "mixed.test", "stale.test", "nods.test", "signed.test", "sub.test"}
	var cfg strings.Builder
	for _, z := range zones {
		fmt.Fprintf(&cfg, "zone %q {\n  provider = \"cloudflare\"\n", z)
		if z == "sub.test" {
			cfg.WriteString("  record \"lab\" \"NS\" { values = [\"ns1.lab.sub.test.\"] }\n")
		}
		cfg.WriteString("}\n")
	}
	w := newWorkspace(t, cfg.String(), zones...)
	cf := []any{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}
	for _, z := range zones {
		w.simDelegation(z, map[string]any{"name_servers": cf})
	}
	w.simDelegation("old.test", map[string]any{"status": "pending", "original_name_servers": []any{"ns1.oldhost.example", "ns2.oldhost.example"}})
	staleDS := w.simDNSSEC("stale.test")
	w.simDelegation("stale.test", map[string]any{"dnssec": "active"})
	nodsDS := w.simDNSSEC("nods.test")
	signedDS := w.simDNSSEC("signed.test")
	w.simDelegation("signed.test", map[string]any{"dnssec": "active"})
	// The stale DS is an old provider's: it names another key (the digest differs).
	f := strings.Fields(staleDS)
	oldDS := strings.Join(append(f[:3:3], strings.Repeat("AB", 32)), " ")

	var parentZone []string
	for _, z := range zones {
		label := strings.TrimSuffix(z, ".test")
		switch z {
		case "old.test":
			parentZone = append(parentZone, label+" NS ns1.oldhost.example.", label+" NS ns2.oldhost.example.")
			continue
		case "mixed.test":
			parentZone = append(parentZone, label+" NS ns1.oldhost.example.")
		case "stale.test":
			parentZone = append(parentZone, label+" DS "+oldDS)
		case "signed.test":
			parentZone = append(parentZone, label+" DS "+signedDS)
		}
		parentZone = append(parentZone, label+" NS ada.ns.cloudflare.com.", label+" NS bob.ns.cloudflare.com.")
	}
	parent := testbind.Start(t, "test", strings.Join(parentZone, "\n")+"\n")

	r := w.run(nil, "verify", "--json", "--parent-resolver", parent.Addr, "--ns-address", "ns1.lab.sub.test="+parent.Addr)
	if r.code != 4 {
		t.Fatalf("verify exit %d, want 4\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var rep verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	got := map[string]string{} // "zone check name" → "status: reason"
	for _, z := range rep.Zones {
		for _, res := range z.Results {
			if res.Kind == "delegation" {
				got[z.Zone+" "+res.Check+" "+res.Name] = res.Status + ": " + res.Reason
			}
		}
		if len(z.Results) == 0 || z.Results[0].Kind != "delegation" {
			t.Errorf("%s: the delegation checks do not come first", z.Zone)
		}
	}
	for _, tt := range []struct{ key, want string }{
		{"shop.test zone_status shop.test", "pass: the zone is active"},
		{"shop.test parent_ns shop.test", "pass: the parent zone test lists exactly the zone's name servers: ada.ns.cloudflare.com, bob.ns.cloudflare.com"},
		{"shop.test ds shop.test", "pass: the zone is not signed and the parent holds no DS"},
		{"old.test zone_status old.test", "fail: the zone is pending at the provider: it does not see its name servers at the registrar yet"},
		{"old.test zone_status old.test", "set exactly ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar (then the provider activates the zone, usually within hours), replacing ns1.oldhost.example, ns2.oldhost.example"},
		{"old.test parent_ns old.test", "fail: the parent zone test lists other name servers (ns1.oldhost.example, ns2.oldhost.example), none of the zone's: the world still reads the old provider; set exactly ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar"},
		{"mixed.test parent_ns mixed.test", "fail: the parent zone test mixes the zone's name servers with others (ns1.oldhost.example)"},
		{"stale.test ds stale.test", "fail: the parent holds DS " + oldDS + ", which matches no key of the zone: validating resolvers get SERVFAIL for every name in the zone; replace it at the registrar with stale.test. DS " + staleDS},
		{"nods.test ds nods.test", "warn: DNSSEC is on at the provider (pending) but the parent holds no DS, so nothing is validated; publish this DS at the registrar: nods.test. DS " + nodsDS},
		{"signed.test ds signed.test", "pass: the parent's DS " + signedDS + " matches the zone's key"},
		{"sub.test subdelegation lab.sub.test", "fail: lame delegation: ns1.lab.sub.test (" + parent.Addr + "): answer for lab.sub.test is not authoritative"},
	} {
		if !strings.Contains(got[tt.key], tt.want) {
			t.Errorf("%s:\n got %q\nwant it to contain %q", tt.key, got[tt.key], tt.want)
		}
	}

	// Without --parent-resolver the simulator world has no parent: only the zone
	// status is judged.
	r = w.run(nil, "verify", "--zone", "old.test")
	if r.code != 4 || !strings.Contains(r.stdout, "the zone is pending at the provider") || strings.Contains(r.stdout, "parent_ns") {
		t.Errorf("verify without a parent: exit %d\n%s", r.code, r.stdout)
	}

	// plan shows the pending zone's status and the name servers to set beside its
	// header; an active zone's header has nothing more.
	r = w.run(nil, "plan", "--zone", "old.test", "--zone", "shop.test")
	if !strings.Contains(r.stdout, "Not active: zone pending at the provider: set the name servers ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar") ||
		strings.Count(r.stdout, "Not active") != 1 {
		t.Errorf("plan (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The DNS map tells what the registrar must hold: the assigned name servers and,
	// for a signed zone, the DS to publish; and what verify found at the parent.
	w.run(nil, "verify", "--parent-resolver", parent.Addr, "--ns-address", "ns1.lab.sub.test="+parent.Addr)
	if r = w.run(nil, "handover"); r.code != 0 {
		t.Fatalf("handover exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	dnsMap := w.read("DNS-MAP.md")
	for _, want := range []string{
		"### Delegation",
		"must list exactly these name servers (assigned by the provider), and no others:\n\n- `ada.ns.cloudflare.com`\n- `bob.ns.cloudflare.com`",
		"DNSSEC is pending: the registrar must hold this DS record (key tag, algorithm, digest type, digest):\n\n- `nods.test. DS " + nodsDS + "`",
		"**The zone is pending at the provider:**",
		"| `old.test` | parent\\_ns | FAIL |",
	} {
		if !strings.Contains(dnsMap, want) {
			t.Errorf("DNS map lacks %q", want)
		}
	}
}

// TestDelegationRFC2136E2E: an RFC 2136 zone's delegation is its apex NS and the DS
// of its DNSKEY; a BIND9 parent that lists another server and holds a DS of another
// key fails both checks, naming what to set.
func TestDelegationRFC2136E2E(t *testing.T) {
	testbind.Require(t)
	t.Parallel()
	key := &dns.DNSKEY{Hdr: dns.RR_Header{Name: "corp.test.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 300},
		Flags: 257, Protocol: 3, Algorithm: dns.ECDSAP256SHA256}
	if _, err := key.Generate(256); err != nil {
		t.Fatal(err)
	}
	other := *key
	if _, err := other.Generate(256); err != nil {
		t.Fatal(err)
	}
	dsData := func(k *dns.DNSKEY) string {
		ds := k.ToDS(dns.SHA256)
		return fmt.Sprintf("%d %d %d %s", ds.KeyTag, ds.Algorithm, ds.DigestType, strings.ToUpper(ds.Digest))
	}
	child := testbind.Start(t, "corp.test", key.String()+"\n")
	parent := testbind.Start(t, "test", "corp NS ns1.corp.test.\ncorp NS ns9.oldhost.example.\nns1.corp IN A 127.0.0.1\ncorp DS "+dsData(&other)+"\n")
	w := &workspace{t: t, dir: t.TempDir(), env: []string{tsigEnv + "=" + child.Secret}}
	w.write("launch.hcl", rfc2136Provider(child)+`
zone "corp.test" {
  provider = "rfc2136.corp"
}
`)
	r := w.run(nil, "verify", "--json", "--parent-resolver", parent.Addr)
	if r.code != 4 {
		t.Fatalf("verify exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		`"the parent zone test mixes the zone's name servers with others (ns9.oldhost.example): resolvers that pick those get other answers; set exactly ns1.corp.test at the registrar"`,
		`"the parent holds DS ` + dsData(&other) + `, which matches no key of the zone: validating resolvers get SERVFAIL for every name in the zone; replace it at the registrar with corp.test. DS ` + dsData(key) + `"`,
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("verify output lacks %s\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "zone_status") {
		t.Errorf("an RFC 2136 zone has no status to check:\n%s", r.stdout)
	}
}
