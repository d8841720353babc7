package main

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
	"github.com/launchready/launchready/model"
)

// Issue 16: every record type beyond A … PTR (model's type table), end to end.

const (
	hexA = "2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881"
	hexB = "A1FCE4363854FF888CFF4B8E7875D600C2682390412A8CF79B37D0B11148B0FA"
	keyA = "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ=="
)

// typeCase is one record set of a new type: its value, and the value with one field
// changed.
type typeCase struct {
	name, typ  string
	v1, v2     string
	dnsQueryOK bool // served by a DNS query (an NS-less DS at a non-delegation is not)
}

func typeCases() []typeCase {
	return []typeCase{
		{"@", "HTTPS", `1 . alpn="h3,h2"`, `1 . alpn="h2"`, true},
		{"_8443._svc", "SVCB", `1 svc.example.net. alpn="h2" port="8443"`, `1 svc.example.net. alpn="h2" port="9443"`, true},
		{"_25._tcp.mx", "TLSA", "3 1 1 " + hexA, "3 1 1 " + hexB, true},
		{"abc._smimecert", "SMIMEA", "3 0 1 " + hexA, "3 1 1 " + hexA, true},
		{"host", "SSHFP", "4 2 " + hexA, "1 2 " + hexA, true},
		{"sip", "NAPTR", `100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .`, `200 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .`, true},
		{"office", "LOC", "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m", "52 22 23.000 N 4 53 32.000 E 5.00m 0.00m 10000m 10m", true},
		{"child", "DS", "60485 13 2 " + hexA, "60486 13 2 " + hexA, true},
		{"keys", "DNSKEY", "257 3 13 " + keyA, "256 3 13 " + keyA, true},
		{"cert", "CERT", "PKIX 12345 RSASHA256 MIIBCgKCAQEA", "PKIX 12346 RSASHA256 MIIBCgKCAQEA", true},
		{"_ftp._tcp", "URI", `10 1 "ftp://ftp.example.com/public"`, `10 2 "ftp://ftp.example.com/public"`, true},
		{"c93f1e400f26708f98cb19d936620da35eec8f72e57f9eec01c1afd6._openpgpkey", "OPENPGPKEY", "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A==", "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1Q==", true},
	}
}

// typesConfig writes the zone with each case's first or second value.
func typesConfig(zone, head string, second bool, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "zone %q {\n%s", zone, head)
	for _, c := range typeCases() {
		v := c.v1
		if second {
			v = c.v2
		}
		fmt.Fprintf(&b, "  record %q %q { value = %q }\n", c.name, c.typ, v)
	}
	b.WriteString(extra)
	b.WriteString("}\n")
	return b.String()
}

// TestEveryNewTypeOnTheSimulator creates a record of each new type, changes one field
// of each, re-plans with no changes and deletes them; the simulator holds each in
// Cloudflare's data shape.
func TestEveryNewTypeOnTheSimulator(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, typesConfig("example.com", "", false, ""), "example.com")
	w.mustRun(0, "validate")
	r := w.mustRun(2, "plan", "--detailed-exitcode", "--no-email-check")
	for _, c := range typeCases() {
		if !strings.Contains(r.stdout, c.typ) {
			t.Errorf("plan does not create the %s record:\n%s", c.typ, r.stdout)
		}
	}
	w.converge()

	zid := w.api.zoneID("example.com")
	// Cloudflare's data shapes (openapi-subset.json dns-records_<TYPE>Record).
	naptr := w.api.findRecord(zid, "sip.example.com", "NAPTR")
	if f, ok := naptr.Data["flags"].(string); !ok || f != "U" {
		t.Errorf("NAPTR data.flags = %#v, want the string \"U\"", naptr.Data["flags"])
	}
	tlsa := w.api.findRecord(zid, "_25._tcp.mx.example.com", "TLSA")
	if tlsa.Data["usage"] != float64(3) || tlsa.Data["certificate"] != hexA {
		t.Errorf("TLSA data = %v", tlsa.Data)
	}
	uri := w.api.findRecord(zid, "_ftp._tcp.example.com", "URI")
	if uri.Priority == nil || *uri.Priority != 10 || uri.Data["target"] != "ftp://ftp.example.com/public" {
		t.Errorf("URI priority %v, data %v", uri.Priority, uri.Data)
	}
	https := w.api.findRecord(zid, "example.com", "HTTPS")
	if https.Data["target"] != "." || https.Data["value"] != `alpn="h3,h2"` {
		t.Errorf("HTTPS data = %v", https.Data)
	}

	// Import of the zone holding every type round-trips with no changes.
	w.mustRun(0, "import", "example.com", "--out", "imported.hcl")
	imported := w.read("imported.hcl")
	for _, c := range typeCases() {
		if !strings.Contains(imported, fmt.Sprintf("%q %q", c.name, c.typ)) {
			t.Errorf("imported.hcl has no %s record:\n%s", c.typ, imported)
		}
	}
	if strings.Contains(imported, "[launchready:") {
		t.Errorf("imported.hcl carries launchready's ownership marker as a user comment:\n%s", imported)
	}
	w.mustRun(0, "plan", "--config", "imported.hcl", "--detailed-exitcode")

	// One field of each changed: one update each, then no changes.
	w.write("launch.hcl", typesConfig("example.com", "", true, ""))
	keys := w.planJSON().changeKeys()
	var want []string
	for _, c := range typeCases() {
		full := "example.com"
		if c.name != "@" {
			full = c.name + ".example.com"
		}
		want = append(want, "update record "+full+" "+c.typ)
	}
	sort.Strings(want)
	sort.Strings(keys)
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Errorf("changing one field of each: changes\n%s\nwant\n%s", strings.Join(keys, "\n"), strings.Join(want, "\n"))
	}
	w.mustRun(0, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	w.mustRun(0, "plan", "--detailed-exitcode")
	if got := w.api.findRecord(zid, "sip.example.com", "NAPTR").Data["order"]; got != float64(200) {
		t.Errorf("NAPTR order after the change = %v, want 200", got)
	}

	// Removed from launch.hcl: deleted.
	w.write("launch.hcl", "zone \"example.com\" {\n}\n")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	w.mustRun(0, "plan", "--detailed-exitcode")
	for _, rec := range w.api.records(zid) {
		if model.IsRecordType(rec.Type) && rec.Type != "TXT" {
			t.Errorf("record left after removing every block: %s %s %s", rec.Name, rec.Type, rec.Content)
		}
	}
}

// TestEveryNewTypeOnBIND does the same on a real BIND9 through RFC 2136, checks what
// named serves, and imports the zone back with no changes.
func TestEveryNewTypeOnBIND(t *testing.T) {
	testbind.Require(t)
	t.Parallel()
	const zone = "types.example"
	srv := testbind.Start(t, zone, "")
	head := "  provider = \"rfc2136.corp\"\n  record \"ns1\" \"A\" { value = \"127.0.0.1\" }\n"
	// DS sits at a delegation, beside its NS records.
	extra := "  record \"child\" \"NS\" { value = \"ns1.child-dns.net.\" }\n"
	cfg := func(second bool) string {
		return rfc2136Provider(srv) + strings.ReplaceAll(typesConfig(zone, head, second, extra), "example.com", zone)
	}
	w := &workspace{t: t, dir: t.TempDir(), env: []string{tsigEnv + "=" + srv.Secret}}
	w.write("launch.hcl", cfg(false))
	w.mustRun(0, "validate")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	w.mustRun(0, "plan", "--detailed-exitcode")
	for _, c := range typeCases() {
		owner := zone
		if c.name != "@" {
			owner = c.name + "." + zone
		}
		if c.typ == "DS" {
			continue // below a delegation named answers with a referral
		}
		got := srv.Query(t, owner, dns.StringToType[c.typ])
		want, err := model.CanonicalValue(c.typ, strings.ReplaceAll(c.v1, "example.com", zone), zone)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 {
			t.Errorf("%s %s: named serves %v", owner, c.typ, got)
			continue
		}
		v, err := model.CanonicalValue(c.typ, model.RDataString(got[0]), zone)
		if err != nil || v != want {
			t.Errorf("%s %s: named serves %q (%v), want %q", owner, c.typ, v, err, want)
		}
	}

	// Import round-trips with no changes.
	w.write("provider.hcl", rfc2136Provider(srv))
	w.mustRun(0, "import", zone, "--provider", "rfc2136.corp", "--config", "provider.hcl", "--out", "imported.hcl")
	imported := w.read("imported.hcl")
	for _, c := range typeCases() {
		if !strings.Contains(imported, fmt.Sprintf("%q %q", c.name, c.typ)) {
			t.Errorf("imported.hcl has no %s record:\n%s", c.typ, imported)
		}
	}
	w.mustRun(0, "plan", "--config", "imported.hcl", "--detailed-exitcode")

	w.write("launch.hcl", cfg(true))
	r := w.mustRun(2, "plan", "--detailed-exitcode")
	for _, c := range typeCases() {
		if !strings.Contains(r.stdout, c.typ) {
			t.Errorf("changing one field: plan does not mention %s:\n%s", c.typ, r.stdout)
		}
	}
	// apply verifies every record set on the zone's own server.
	r = w.mustRun(0, "apply", "--auto-approve", "--allow-mass-changes")
	for _, c := range typeCases() {
		if c.typ != "DS" && !strings.Contains(r.stdout, " "+c.typ) {
			t.Errorf("apply's verify does not check the %s set:\n%s", c.typ, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "PASSED") {
		t.Errorf("verify after apply did not pass:\n%s", r.stdout)
	}
	// The DNS map lists every set with its value.
	dnsMap := w.read("DNS-MAP.md")
	for _, c := range typeCases() {
		v, _ := model.CanonicalValue(c.typ, strings.ReplaceAll(c.v2, "example.com", zone), zone)
		if !strings.Contains(dnsMap, "| "+c.typ+" | `"+v[:min(len(v), 40)]) { // long values are cut in the map
			t.Errorf("DNS-MAP.md does not list %s %s:\n%s", c.typ, v, dnsMap)
		}
	}
	w.mustRun(0, "plan", "--detailed-exitcode")

	w.write("launch.hcl", rfc2136Provider(srv)+"zone \""+zone+"\" {\n"+head+"}\n")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	w.mustRun(0, "plan", "--detailed-exitcode")
	for _, c := range typeCases() {
		if c.typ == "DS" {
			continue
		}
		owner := zone
		if c.name != "@" {
			owner = c.name + "." + zone
		}
		if got := srv.Query(t, owner, dns.StringToType[c.typ]); len(got) != 0 {
			t.Errorf("%s %s still served after its block was removed: %v", owner, c.typ, got)
		}
	}
}

// TestValidateRecordFieldErrors: a bad field of each new type is reported as
// launch.hcl:LINE:COL at that field, and nothing is written.
func TestValidateRecordFieldErrors(t *testing.T) {
	t.Parallel()
	cfg := `zone "example.com" {
  record "_25._tcp.mx" "TLSA" { value = "4 1 1 ` + hexA + `" }
  record "host" "SSHFP" { value = "0 2 ` + hexA + `" }
  record "child" "DS" { value = "60485 13 2 ABCDEF0123" }
  record "sip" "NAPTR" { value = "100 10 \"U!\" \"E2U+sip\" \"\" ." }
  record "@" "HTTPS" { value = "1 bad_host!. alpn=h2" }
}
`
	w := &workspace{t: t, dir: t.TempDir()}
	w.write("launch.hcl", cfg)
	r := w.mustRun(1, "validate")
	for _, d := range []struct{ at, summary string }{
		{"4 1 1", "Invalid TLSA usage"},
		{"0 2 ", "Invalid SSHFP algorithm"},
		{"ABCDEF0123", "Invalid DS digest"},
		// a string with escapes: the diagnostic points at the string
		{`"100 10 \"U!`, "Invalid NAPTR flags"},
		{"bad_host!.", "Invalid HTTPS"},
	} {
		line, col := position(cfg, d.at)
		want := fmt.Sprintf("launch.hcl:%d:%d: error: %s", line, col, d.summary)
		if !strings.Contains(r.stderr, want) {
			t.Errorf("validate output lacks %q:\n%s", want, r.stderr)
		}
	}
}
