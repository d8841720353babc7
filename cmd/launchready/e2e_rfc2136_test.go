package main

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
	"github.com/launchready/launchready/model"
)

// Issue 6 through the CLI: an RFC 2136 zone on a real BIND9 named, with the TSIG
// secret in the environment.

const tsigEnv = "LAUNCH_TSIG_SECRET"

func rfc2136Provider(srv *testbind.Server) string {
	return fmt.Sprintf(`provider "rfc2136" "corp" {
  server          = %q
  tsig_key        = %q
  tsig_algorithm  = %q
  tsig_secret_env = %q
}
`, srv.Addr, srv.KeyName, srv.Algorithm, tsigEnv)
}

const rfc2136Zone = `
zone "corp.example" {
  provider      = "rfc2136.corp"
  authoritative = true
  ignore        = ["_acme-challenge*"]

  record "ns1" "A" { value = "127.0.0.1" }
  record "@" "A" { value = "192.0.2.10" }
  record "www" "CNAME" { value = "corp.example" }
  record "api" "A" {
    values = ["192.0.2.20", "192.0.2.21"]
    ttl    = 600
  }
  record "v6" "AAAA" { value = "2001:db8::10" }
  record "@" "MX" { values = ["10 mx1.mailhost.net.", "20 mx2.mailhost.net."] }
  record "@" "TXT" { value = "v=spf1 mx -all" }
  record "long" "TXT" { value = "%s" }
  record "_sip._tcp" "SRV" { value = "10 5 5060 sip.corp.example." }
  record "@" "CAA" { value = "0 issue \"letsencrypt.org\"" }
  record "*.dev" "CNAME" { value = "dev.hosting.net" }
  record "sub" "NS" { values = ["ns1.other-dns.net.", "ns2.other-dns.net."] }
  record "10.rev" "PTR" { value = "host.corp.example." }
}
`

// TestRFC2136 plans and applies an authoritative zone on BIND9, then imports it back.
func TestRFC2136(t *testing.T) {
	testbind.Require(t)
	t.Parallel()
	srv := testbind.Start(t, "corp.example", "old IN A 192.0.2.99\n_acme-challenge IN TXT \"keep-me\"\n")
	long := strings.Repeat("0123456789", 30) + ` \"quoted\"`
	config := rfc2136Provider(srv) + fmt.Sprintf(rfc2136Zone, long)
	w := &workspace{t: t, dir: t.TempDir(), env: []string{tsigEnv + "=" + srv.Secret, "LAUNCHREADY_LOG=trace"}}
	w.write("launch.hcl", config)
	noSecret := func(r result, what string) {
		t.Helper()
		if strings.Contains(r.stdout+r.stderr, srv.Secret) {
			t.Errorf("%s printed the TSIG secret", what)
		}
	}

	r := w.mustRun(0, "validate")
	noSecret(r, "validate")
	r = w.mustRun(2, "plan", "--detailed-exitcode")
	noSecret(r, "plan")
	keys := w.planJSON().changeKeys()
	if !contains(keys, "delete record old.corp.example A") {
		t.Errorf("the authoritative plan does not delete the undeclared record old.corp.example A: %v", keys)
	}
	for _, k := range keys {
		if strings.Contains(k, "_acme-challenge") {
			t.Errorf("the plan touches an ignored record: %s", k)
		}
	}
	// apply verifies on the zone's own server (the provider block's), not the system
	// resolver: every declared record set is checked there.
	r = w.mustRun(0, "apply", "--auto-approve")
	noSecret(r, "apply")
	for _, want := range []string{"(the zone's own server)", "PASSED", "rrset        long.corp.example TXT"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply's verify output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = w.mustRun(0, "plan", "--detailed-exitcode")
	noSecret(r, "plan after apply")
	w.mustRun(0, "plan", "--out", "plan.json")
	files, _ := filepath.Glob(filepath.Join(w.dir, ".launchready", "snapshots", "*.json"))
	if len(files) != 1 {
		t.Errorf("want the apply's snapshot, found %v", files)
	}
	for _, f := range append(files, filepath.Join(w.dir, "plan.json"), filepath.Join(w.dir, "DNS-MAP.md")) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), srv.Secret) {
			t.Errorf("%s contains the TSIG secret", filepath.Base(f))
		}
	}

	// What named serves now.
	if got := srv.Query(t, "old.corp.example", dns.TypeA); len(got) != 0 {
		t.Errorf("old.corp.example A still served: %v", got)
	}
	if got := srv.Query(t, "_acme-challenge.corp.example", dns.TypeTXT); len(got) != 1 {
		t.Errorf("the ignored _acme-challenge TXT is gone or duplicated: %v", got)
	}
	var txt []string
	for _, rr := range srv.Query(t, "long.corp.example", dns.TypeTXT) {
		if n := len(rr.(*dns.TXT).Txt); n != 2 {
			t.Errorf("long TXT is served as %d character-strings, want 2 (split at 255 bytes)", n)
		}
		// miekg/dns keeps character-strings in presentation form (\" for a quote).
		txt = append(txt, strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(strings.Join(rr.(*dns.TXT).Txt, "")))
	}
	if want := strings.Repeat("0123456789", 30) + ` "quoted"`; len(txt) != 1 || txt[0] != want {
		t.Errorf("long TXT served as %q, want %q", txt, want)
	}
	if got := srv.Query(t, "x.dev.corp.example", dns.TypeCNAME); len(got) != 1 {
		t.Errorf("wildcard CNAME not served: %v", got)
	}
	if got := srv.Query(t, "10.rev.corp.example", dns.TypePTR); len(got) != 1 || got[0].(*dns.PTR).Ptr != "host.corp.example." {
		t.Errorf("10.rev.corp.example PTR served as %v, want host.corp.example.", got)
	}
	// A delegation is answered with a referral, so look at the zone itself.
	var delegation []string
	for _, rr := range srv.AXFR(t) {
		if ns, ok := rr.(*dns.NS); ok && ns.Hdr.Name == "sub.corp.example." {
			delegation = append(delegation, ns.Ns)
		}
	}
	sort.Strings(delegation)
	if diff := cmp.Diff([]string{"ns1.other-dns.net.", "ns2.other-dns.net."}, delegation); diff != "" {
		t.Errorf("delegation sub.corp.example NS in the zone (-want +got):\n%s", diff)
	}

	// A wrong secret: a clear error naming the variable, never a secret.
	wrong := make([]byte, 32)
	if _, err := rand.Read(wrong); err != nil {
		t.Fatal(err)
	}
	wrongSecret := base64.StdEncoding.EncodeToString(wrong)
	r = w.run([]string{tsigEnv + "=" + wrongSecret}, "plan")
	if r.code != 1 {
		t.Errorf("plan with a wrong TSIG secret: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "TSIG") || !strings.Contains(r.stderr, tsigEnv) {
		t.Errorf("plan with a wrong TSIG secret does not say the TSIG secret in $%s is wrong:\n%s", tsigEnv, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, wrongSecret) || strings.Contains(r.stdout+r.stderr, srv.Secret) {
		t.Errorf("plan with a wrong TSIG secret printed a secret")
	}
	r = w.run([]string{tsigEnv + "="}, "plan")
	if r.code != 1 || !strings.Contains(r.stderr, tsigEnv) {
		t.Errorf("plan without the TSIG secret: exit %d, want 1 naming %s\n%s", r.code, tsigEnv, r.stderr)
	}

	// Import round trip (every record type, a delegation and a PTR included): the
	// imported file plans no add/change/delete, applies, and then plans no change at
	// all.
	w.write("provider.hcl", rfc2136Provider(srv))
	r = w.mustRun(0, "import", "corp.example", "--provider", "rfc2136.corp", "--config", "provider.hcl", "--out", "imported.hcl")
	noSecret(r, "import")
	imported := w.read("imported.hcl")
	if strings.Contains(imported, srv.Secret) {
		t.Errorf("imported.hcl contains the TSIG secret")
	}
	for _, want := range []string{`provider "rfc2136" "corp"`, `tsig_secret_env = "` + tsigEnv + `"`, `"long" "TXT"`, `"_sip._tcp" "SRV"`, `"*.dev" "CNAME"`, `"@" "CAA"`, `"sub" "NS"`, `["ns1.other-dns.net", "ns2.other-dns.net"]`, `"10.rev" "PTR"`} {
		if !strings.Contains(imported, want) {
			t.Errorf("imported.hcl lacks %s:\n%s", want, imported)
		}
	}
	// The round trip covers every record type launch.hcl can declare.
	for _, typ := range model.RecordTypes {
		if info, _ := model.TypeInfo(typ); info.Presentation {
			continue // HTTPS, TLSA, …: TestEveryNewTypeOnBIND
		}
		if !regexp.MustCompile(`(?m)^\s*record "[^"]+" "` + typ + `"`).MatchString(imported) {
			t.Errorf("imported.hcl has no %s record:\n%s", typ, imported)
		}
	}
	w.mustRun(0, "validate", "--config", "imported.hcl")
	p := w.planJSON("--config", "imported.hcl")
	if s := p.Summary; s.Add != 0 || s.Change != 0 || s.Delete != 0 {
		t.Errorf("plan of the imported zone: %d to add, %d to change, %d to delete; want none: %v", s.Add, s.Change, s.Delete, p.changeKeys())
	}
	w.mustRun(0, "apply", "--config", "imported.hcl", "--auto-approve", "--no-verify")
	r = w.mustRun(0, "plan", "--config", "imported.hcl", "--detailed-exitcode")
	noSecret(r, "plan of the imported file")
}

// TestRFC2136Capabilities: Cloudflare-only arguments in an rfc2136 zone are
// validation errors at the argument's position, found without any server.
func TestRFC2136Capabilities(t *testing.T) {
	t.Parallel()
	config := `provider "rfc2136" "corp" {
  server          = "127.0.0.1:53"
  tsig_key        = "launch-key."
  tsig_algorithm  = "hmac-sha256"
  tsig_secret_env = "LAUNCH_TSIG_SECRET"
}

zone "corp.example" {
  provider      = "rfc2136.corp"
  authoritative = true

  record "@" "A" {
    value   = "192.0.2.10"
    proxied = true
  }
}
`
	dir := t.TempDir()
	w := &workspace{t: t, dir: dir}
	w.write("launch.hcl", config)
	r := w.mustRun(1, "validate")
	line, col := position(config, "proxied = true")
	want := fmt.Sprintf("launch.hcl:%d:%d: error: ", line, col)
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "proxied") {
		t.Errorf("validate does not report proxied in an rfc2136 zone at %s:\n%s", want, r.stderr)
	}
}

// position returns the 1-based line and column of the first occurrence of needle.
func position(src, needle string) (line, col int) {
	i := strings.Index(src, needle)
	if i < 0 {
		panic("position: " + needle + " not in the source")
	}
	before := src[:i]
	line = strings.Count(before, "\n") + 1
	col = i - strings.LastIndex(before, "\n")
	return line, col
}
