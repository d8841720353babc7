package email

import (
	"github.com/launchready/launchready/model"

	"context"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/miekg/dns"
	"gopkg.in/yaml.v3"
)

// Seeds run with `go test ./email/`; explore with e.g.
//
//	go test ./email/ -run '^$' -fuzz FuzzParseSPF -fuzztime 30s

var spfSeeds = []string{
	"v=spf1",
	"v=spf1 -all",
	"v=spf1 include:_spf.google.com include:sendgrid.net ip4:203.0.113.5 ip6:2001:db8::/32 mx -all",
	"v=spf1 a:mail.example.com/24//64 mx//0 ptr:example.org exists:%{ir}.%{l1r+-}._spf.%{d} ~all",
	"v=spf1 redirect=_spf.example.com",
	"v=spf1 -all exp=explain._spf.%{d}",
	"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all",
	"v=spf1 a:foo:bar/baz.example.com ip6:::ffff:1.2.3.4",
	"v=spf1 include:fuzz.example -all",
	"v=spf1 a/33 ip4:1.2.3.4//32 redirect= exp=%{r} foo=%x",
	"v=spf1 %{d}.%{D3r-} ~ALL",
}

// suiteSPFSeeds adds every SPF/TXT string of the RFC 7208 suite's zonedata, when the
// suite is present.
func suiteSPFSeeds(t testing.TB) []string {
	path, ok := findSharedTestdata(t, "rfc7208-tests.yml")
	if !ok {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	dec := yaml.NewDecoder(f)
	for {
		var s suiteScenario
		if dec.Decode(&s) != nil {
			break
		}
		for _, items := range s.ZoneData {
			for _, it := range items {
				if it.Kind == yaml.MappingNode && len(it.Content) == 2 && (it.Content[0].Value == "SPF" || it.Content[0].Value == "TXT") && it.Content[1].Kind == yaml.ScalarNode {
					out = append(out, it.Content[1].Value)
				}
			}
		}
	}
	return out
}

func FuzzParseSPF(f *testing.F) {
	for _, s := range append(spfSeeds, suiteSPFSeeds(f)...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		rec, err := ParseSPF(txt)
		// CheckSPFRecord (record blocks' values) agrees: a record that does not parse
		// has an error (so one without errors parses).
		if probs := CheckSPFRecord(txt); err != nil && !HasError(probs) {
			t.Fatalf("ParseSPF(%q) = %v but CheckSPFRecord found %+v", txt, err, probs)
		}
		if err == nil {
			canon := rec.String()
			again, err := ParseSPF(canon)
			if err != nil {
				t.Fatalf("canonical form %q of %q does not parse: %v", canon, txt, err)
			}
			if again.String() != canon || again.DNSLookups() != rec.DNSLookups() {
				t.Fatalf("canonical form is not stable: %q → %q", canon, again.String())
			}
		}
		// Evaluate it: the record at fuzz.example, which may include itself.
		m := NewMemoryResolver(
			&dns.TXT{Hdr: dns.RR_Header{Name: "fuzz.example.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{model.EscapeDNSString(txt)}},
			&dns.A{Hdr: dns.RR_Header{Name: "fuzz.example.", Rrtype: dns.TypeA, Class: dns.ClassINET}, A: net.ParseIP("192.0.2.1").To4()},
			&dns.MX{Hdr: dns.RR_Header{Name: "fuzz.example.", Rrtype: dns.TypeMX, Class: dns.ClassINET}, Preference: 1, Mx: "fuzz.example."},
		)
		for _, ip := range []string{"192.0.2.1", "2001:db8::1"} {
			res, tr := CheckHost(context.Background(), m, net.ParseIP(ip), "user@fuzz.example", "helo.example")
			switch {
			case !IsSPFRecord(txt) && res != SPFNone:
				t.Fatalf("non-SPF text %q gave %s, want none", txt, res)
			case IsSPFRecord(txt) && err != nil && res != SPFPermError:
				t.Fatalf("invalid record %q gave %s, want permerror", txt, res)
			}
			if tr.Lookups > 11 || tr.Result != res || tr.Reason == "" {
				t.Fatalf("inconsistent trace for %q: %+v", txt, tr)
			}
			if res == SPFFail && tr.Explanation == "" {
				t.Fatalf("fail without explanation for %q", txt)
			}
		}
	})
}

func FuzzExpandSPFMacros(f *testing.F) {
	for _, s := range []string{"%{s}", "%{ir}.%{v}._spf.%{d2}", "%{l1r+-}", "%{D99R=}", "%%%_%-", "%{c}%{r}%{t}", "%", "%{", "%{x}", "plain"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, exp bool) {
		for _, ip := range []string{"192.0.2.3", "2001:db8::cb01"} {
			out, err := ExpandSPFMacros(s, exp, net.ParseIP(ip), "strong-bad@email.example.com", "mail.example.org", "email.example.com")
			if err == nil && !exp && strings.ContainsAny(out, " ") && !strings.Contains(s, "%_") && !strings.Contains(s, "%{") {
				t.Fatalf("a domain-spec expansion of %q produced a space: %q", s, out)
			}
		}
	})
}

func FuzzParseDMARC(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=reject",
		"v=DMARC1; p=quarantine; sp=reject; np=reject; rua=mailto:a@example.com,mailto:b@reports.example.net!10m; ruf=mailto:f@example.com!512k; pct=50; adkim=s; aspf=s; fo=1:d:s; rf=afrf; ri=3600",
		" v = DMARC1 ;P=Reject ; ADKIM=S;",
		"v=DMARC1; p=none; rua=dmarc@example.com",
		"v=DMARC1; p=reject; rua=mailto:a@example.com!99999999999999999t",
		"v=DMARC1;; p=reject; t=y",
		"p=reject; v=DMARC1",
		"v=DMARC1; p=reject; rua=https://reports.example.net/x,ftp://x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		r, probs := ParseDMARC(txt)
		for _, p := range probs {
			if p.Severity != Error && p.Severity != Warning || p.Message == "" || p.Index < -1 {
				t.Fatalf("malformed problem %+v for %q", p, txt)
			}
		}
		if r == nil {
			if !HasError(probs) {
				t.Fatalf("no record and no error for %q", txt)
			}
			return
		}
		if r.Pct < 0 || r.Pct > 100 || (r.Policy != "" && !dmarcPolicies[r.Policy]) || (r.ADKIM != "r" && r.ADKIM != "s") {
			t.Fatalf("out-of-range values %+v for %q", r, txt)
		}
		for _, u := range append(r.RUA, r.RUF...) {
			if u.URI == "" || u.Domain == "" {
				t.Fatalf("empty URI %+v for %q", u, txt)
			}
		}
	})
}

func FuzzParseDKIMKey(f *testing.F) {
	rawEd, spkiEd := ed25519Keys(f)
	for _, s := range []string{
		"v=DKIM1; k=rsa; p=" + fakeRSA(f, 2048, false),
		"v=DKIM1; h=sha256; k=rsa; n=x; s=email; t=y:s; p=" + fakeRSA(f, 1024, true),
		"v=DKIM1; k=ed25519; p=" + rawEd,
		"k=ed25519; p=" + spkiEd,
		"v=DKIM1; p=",
		"v=DKIM1; p=MIIB!!!",
		"v=DKIM2; g=*; zz=1; p=" + fakeRSA(f, 512, false),
		"v=DKIM1;; P=x; p=a; p=b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, txt string) {
		k, probs := ParseDKIMKey(txt)
		if k == nil {
			if !HasError(probs) {
				t.Fatalf("no key and no error for %q", txt)
			}
			return
		}
		if !k.Revoked && (k.PublicKey == nil || k.Bits <= 0) {
			t.Fatalf("a key without a public key: %+v for %q", k, txt)
		}
		if k.KeyType != "rsa" && k.KeyType != "ed25519" {
			t.Fatalf("key type %q accepted for %q", k.KeyType, txt)
		}
	})
}

// FuzzValidate checks that whatever Validate accepts renders records the parsers
// accept.
func FuzzValidate(f *testing.F) {
	f.Add("_spf.google.com", "203.0.113.5", "2001:db8::/32", "fail", "google", "s1.domainkey.u1.wl.sendgrid.net", "quarantine", "mailto:dmarc@example.com", 100)
	f.Add("%{ir}._spf.example.net", "203.0.113.0/24", "::1", "softfail", "s1", "", "none", "mailto:d@example.com!10m", 50)
	f.Add("bad domain", "300.1.1.1", "1.2.3.4", "pass", "a_b", "x", "", "d@example.com", 101)
	f.Fuzz(func(t *testing.T, include, ip4, ip6, all, selector, cname, policy, rua string, pct int) {
		p := &Policy{
			SPF:   &SPF{Include: []string{include}, IP4: []string{ip4}, IP6: []string{ip6}, All: all},
			DKIM:  []DKIM{{Selector: selector, CNAME: cname}},
			DMARC: &DMARC{Policy: policy, RUA: []string{rua}, Pct: pct},
		}
		probs := Validate(p)
		errs := map[string]bool{}
		for _, pr := range probs {
			if pr.Severity == Error {
				errs[strings.SplitN(pr.Field, ".", 2)[0]] = true
			}
		}
		if !errs["spf"] {
			if _, err := ParseSPF(p.SPF.SPFText()); err != nil {
				t.Fatalf("Validate accepted SPF %+v but its record %q does not parse: %v", p.SPF, p.SPF.SPFText(), err)
			}
		}
		if !errs["dmarc"] {
			if r, tp := ParseDMARC(p.DMARC.DMARCText()); r == nil || HasError(tp) {
				t.Fatalf("Validate accepted DMARC %+v but its record %q has errors: %v", p.DMARC, p.DMARC.DMARCText(), tp)
			}
		}
	})
}
