package verify

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// dsOf returns the SHA-256 DS of key as "tag alg 2 DIGEST".
func dsOf(key *dns.DNSKEY) string {
	return dsText(key.ToDS(dns.SHA256))
}

func newKey(t *testing.T, zone string) *dns.DNSKEY {
	t.Helper()
	k := &dns.DNSKEY{Hdr: dns.RR_Header{Name: dns.Fqdn(zone), Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: 257, Protocol: 3, Algorithm: dns.ECDSAP256SHA256}
	if _, err := k.Generate(256); err != nil {
		t.Fatal(err)
	}
	return k
}

func keyText(k *dns.DNSKEY) string {
	return strings.Join(strings.Fields(k.String())[4:], " ")
}

// TestDelegation asks a real BIND9 serving the parent zone "test." (as the parent's
// own server, without recursion) about zones delegated in every way that breaks a
// launch, and compares with what the provider says.
func TestDelegation(t *testing.T) {
	signedKey, staleKey, otherKey := newKey(t, "signed.test"), newKey(t, "stale.test"), newKey(t, "stale.test")
	good := testbind.Start(t, "good.shop.test", "")
	parent := testbind.Start(t, "test", strings.Join([]string{
		"shop NS ada.ns.cloudflare.com.", "shop NS bob.ns.cloudflare.com.",
		"old NS ns1.oldhost.example.", "old NS ns2.oldhost.example.",
		"mixed NS ada.ns.cloudflare.com.", "mixed NS bob.ns.cloudflare.com.", "mixed NS ns1.oldhost.example.",
		"part NS ada.ns.cloudflare.com.",
		"signed NS ada.ns.cloudflare.com.", "signed NS bob.ns.cloudflare.com.", "signed " + strings.Replace(signedKey.ToDS(dns.SHA256).String(), "signed.test.", "", 1),
		"stale NS ada.ns.cloudflare.com.", "stale NS bob.ns.cloudflare.com.", "stale " + strings.Replace(otherKey.ToDS(dns.SHA256).String(), "stale.test.", "", 1),
		"nods NS ada.ns.cloudflare.com.", "nods NS bob.ns.cloudflare.com.",
		"unsigned NS ada.ns.cloudflare.com.", "unsigned NS bob.ns.cloudflare.com.", "unsigned " + strings.Replace(otherKey.ToDS(dns.SHA256).String(), "stale.test.", "", 1),
	}, "\n")+"\n")

	cf := []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}
	off := &model.DNSSEC{Status: "disabled"}
	delegations := map[string]*model.Delegation{
		"shop.test":     {Status: "active", Nameservers: cf, DNSSEC: off},
		"old.test":      {Status: "pending", Nameservers: cf, OriginalNameservers: []string{"ns1.oldhost.example", "ns2.oldhost.example"}, DNSSEC: off},
		"mixed.test":    {Status: "active", Nameservers: cf, DNSSEC: off},
		"part.test":     {Status: "active", Nameservers: cf, DNSSEC: off},
		"signed.test":   {Status: "active", Nameservers: cf, DNSSEC: &model.DNSSEC{Status: "active", DS: []string{dsOf(signedKey)}, DNSKEY: []string{keyText(signedKey)}}},
		"stale.test":    {Status: "active", Nameservers: cf, DNSSEC: &model.DNSSEC{Status: "active", DS: []string{dsOf(staleKey)}, DNSKEY: []string{keyText(staleKey)}}},
		"nods.test":     {Status: "active", Nameservers: cf, DNSSEC: &model.DNSSEC{Status: "pending", DS: []string{dsOf(staleKey)}, DNSKEY: []string{keyText(staleKey)}}},
		"unsigned.test": {Status: "active", Nameservers: cf, DNSSEC: off},
		"absent.test":   {Status: "pending", Nameservers: cf, DNSSEC: off},
	}
	cfg := &schema.Config{}
	for _, name := range []string{"shop.test", "old.test", "mixed.test", "part.test", "signed.test", "stale.test", "nods.test", "unsigned.test", "absent.test"} {
		z := &schema.Zone{Name: name}
		if name == "shop.test" {
			z.Records = []*schema.Record{
				rrset(t, name, "good", "NS", false, 300, "ns.good.shop.test"),
				rrset(t, name, "lab", "NS", false, 300, "ns1.lab.shop.test", "ns2.lab.shop.test"),
			}
		}
		cfg.Zones = append(cfg.Zones, z)
	}
	rep, err := Run(context.Background(), cfg, Options{
		Resolver:       parent.Addr,
		ParentResolver: parent.Addr,
		NSAddrs: map[string]string{
			"ns.good.shop.test.": good.Addr,
			"ns1.lab.shop.test":  good.Addr,   // serves good.shop.test, not lab: REFUSED
			"ns2.lab.shop.test":  parent.Addr, // the parent: a referral, not an answer
		},
		Timeout: 3 * time.Second,
		Delegation: func(_ context.Context, zone string) (*model.Delegation, error) {
			return delegations[zone], nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		zone, name, check string
		status            Status
		reason            string
	}{
		{"shop.test", "shop.test", CheckZoneStatus, Pass, "active"},
		{"shop.test", "shop.test", CheckParentNS, Pass, "the parent zone test lists exactly the zone's name servers: ada.ns.cloudflare.com, bob.ns.cloudflare.com"},
		{"shop.test", "shop.test", CheckDS, Pass, "not signed and the parent holds no DS"},
		{"shop.test", "good.shop.test", CheckSubdelegation, Pass, "answers authoritatively for good.shop.test"},
		{"shop.test", "lab.shop.test", CheckSubdelegation, Fail, "lame delegation: ns1.lab.shop.test (" + good.Addr + "): answers REFUSED for lab.shop.test; ns2.lab.shop.test (" + parent.Addr + "): answer for lab.shop.test is not authoritative"},
		{"old.test", "old.test", CheckZoneStatus, Fail, "the zone is pending at the provider: it does not see its name servers at the registrar yet, so the world still reads the old provider's records; set exactly ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar (then the provider activates the zone, usually within hours), replacing ns1.oldhost.example, ns2.oldhost.example"},
		{"old.test", "old.test", CheckParentNS, Fail, "the parent zone test lists other name servers (ns1.oldhost.example, ns2.oldhost.example), none of the zone's: the world still reads the old provider; set exactly ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar"},
		{"mixed.test", "mixed.test", CheckParentNS, Fail, "mixes the zone's name servers with others (ns1.oldhost.example): resolvers that pick those get other answers; set exactly ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar"},
		{"part.test", "part.test", CheckParentNS, Fail, "lists only ada.ns.cloudflare.com: missing bob.ns.cloudflare.com; set exactly"},
		{"signed.test", "signed.test", CheckDS, Pass, "the parent's DS " + dsOf(signedKey) + " matches the zone's key"},
		{"stale.test", "stale.test", CheckDS, Fail, "the parent holds DS " + dsOf(otherKey) + ", which matches no key of the zone: validating resolvers get SERVFAIL for every name in the zone; replace it at the registrar with stale.test. DS " + dsOf(staleKey)},
		{"nods.test", "nods.test", CheckDS, Warn, "DNSSEC is on at the provider (pending) but the parent holds no DS, so nothing is validated; publish this DS at the registrar: nods.test. DS " + dsOf(staleKey)},
		{"unsigned.test", "unsigned.test", CheckDS, Fail, "but the zone is not signed (DNSSEC disabled): validating resolvers get SERVFAIL"},
		{"absent.test", "absent.test", CheckParentNS, Fail, "answers NXDOMAIN for absent.test: the domain is not registered"},
	}
	for _, tt := range tests {
		got := find(t, rep, tt.zone, KindDelegation, tt.name, tt.check)
		if got.Status != tt.status || !strings.Contains(got.Reason, tt.reason) {
			t.Errorf("%s %s:\n got %s %q\nwant %s containing %q", tt.name, tt.check, got.Status, got.Reason, tt.status, tt.reason)
		}
	}
	if d := find(t, rep, "mixed.test", KindDelegation, "mixed.test", CheckParentNS).Delegation; d == nil || d.Parent != "test" || strings.Join(d.Extra, ",") != "ns1.oldhost.example" {
		t.Errorf("mixed detail = %+v", d)
	}
}

// TestDelegationNotAskedWithResolver: with every query sent to one server and no
// parent resolver, the parent is not asked (a world without a parent); the zone
// status is still judged.
func TestDelegationNotAskedWithResolver(t *testing.T) {
	srv := newDNSServer(t, "solo.test")
	cfg := &schema.Config{Zones: []*schema.Zone{{Name: "solo.test"}}}
	rep, err := Run(context.Background(), cfg, Options{Resolver: srv.addr, Timeout: time.Second,
		Delegation: func(context.Context, string) (*model.Delegation, error) {
			return &model.Delegation{Status: "moved", Nameservers: []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range rep.Zones[0].Results {
		if res.Check == CheckParentNS || res.Check == CheckDS {
			t.Errorf("the parent was asked: %+v", res)
		}
	}
	if got := find(t, rep, "solo.test", KindDelegation, "solo.test", CheckZoneStatus); got.Status != Fail || !strings.Contains(got.Reason, "moved") {
		t.Errorf("zone_status = %s %q", got.Status, got.Reason)
	}
	if rep.Zones[0].Results[0].Kind != KindDelegation {
		t.Errorf("first result is %s, want the delegation checks first", rep.Zones[0].Results[0].Kind)
	}
}

// TestDelegationOneServerForParentAndZone: a server that serves both the parent and
// the zone answers the zone's NS set authoritatively; that set is compared, and the
// reason says where it came from.
func TestDelegationOneServerForParentAndZone(t *testing.T) {
	srv := newDNSServer(t, "test", "both.test")
	srv.set(t,
		"test. 300 IN SOA ns1.test. hostmaster.test. 1 3600 600 604800 300",
		"both.test. 300 IN NS ada.ns.cloudflare.com.",
		"both.test. 300 IN NS ns1.oldhost.example.",
	)
	cfg := &schema.Config{Zones: []*schema.Zone{{Name: "both.test"}}}
	rep, err := Run(context.Background(), cfg, Options{Resolver: srv.addr, ParentResolver: srv.addr, Timeout: 2 * time.Second,
		Delegation: func(context.Context, string) (*model.Delegation, error) {
			return &model.Delegation{Status: "active", Nameservers: []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}, DNSSEC: &model.DNSSEC{Status: "disabled"}}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := find(t, rep, "both.test", KindDelegation, "both.test", CheckParentNS)
	want := "the parent zone test mixes the zone's name servers with others (ns1.oldhost.example): resolvers that pick those get other answers, and misses bob.ns.cloudflare.com; set exactly ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar (" + srv.addr + " also serves both.test and answered with the zone's own NS set)"
	if got.Status != Fail || got.Reason != want {
		t.Errorf("parent_ns = %s %q\nwant %q", got.Status, got.Reason, want)
	}
}

// TestDelegationWalk follows referrals down from --parent-resolver: the server of
// "test." refers "example.test" to its own server (reached through NSAddrs, as a
// name server on a loopback port), which holds the delegation of the zone.
func TestDelegationWalk(t *testing.T) {
	mid := testbind.Start(t, "example.test", "shop NS ada.ns.cloudflare.com.\nshop NS bob.ns.cloudflare.com.\n")
	top := testbind.Start(t, "test", "example NS ns.example.test.\nns.example IN A 127.0.0.1\n")
	cfg := &schema.Config{Zones: []*schema.Zone{{Name: "shop.example.test"}}}
	rep, err := Run(context.Background(), cfg, Options{Resolver: top.Addr, ParentResolver: top.Addr, Timeout: 3 * time.Second,
		NSAddrs: map[string]string{"NS.example.test.": mid.Addr},
		Delegation: func(context.Context, string) (*model.Delegation, error) {
			return &model.Delegation{Status: "active", Nameservers: []string{"bob.ns.cloudflare.com", "ada.ns.cloudflare.com"}, DNSSEC: &model.DNSSEC{Status: "disabled"}}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	got := find(t, rep, "shop.example.test", KindDelegation, "shop.example.test", CheckParentNS)
	if got.Status != Pass || got.Reason != "the parent zone example.test lists exactly the zone's name servers: bob.ns.cloudflare.com, ada.ns.cloudflare.com" ||
		got.Target != "ns.example.test ("+mid.Addr+")" {
		t.Errorf("parent_ns = %s %q (target %q)", got.Status, got.Reason, got.Target)
	}
	if got := find(t, rep, "shop.example.test", KindDelegation, "shop.example.test", CheckDS); got.Status != Pass {
		t.Errorf("ds = %s %q", got.Status, got.Reason)
	}
}
