package email

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantProblem is an expected Problem: exact severity, field and index, and a
// substring of the message.
type wantProblem struct {
	Severity Severity
	Field    string
	Index    int
	Msg      string
}

func checkProblems(t *testing.T, got []Problem, want []wantProblem) {
	t.Helper()
	type proj struct {
		Severity Severity
		Field    string
		Index    int
	}
	var g, w []proj
	for _, p := range got {
		g = append(g, proj{p.Severity, p.Field, p.Index})
	}
	for _, p := range want {
		w = append(w, proj{p.Severity, p.Field, p.Index})
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("problems (-want +got):\n%s\ngot: %+v", diff, got)
		return
	}
	for i := range want {
		if !strings.Contains(got[i].Message, want[i].Msg) {
			t.Errorf("problem %d (%s) message %q, want it to contain %q", i, got[i].Field, got[i].Message, want[i].Msg)
		}
	}
}

func goodPolicy(t testing.TB) *Policy {
	return &Policy{
		SPF: &SPF{Include: []string{"_spf.google.com", "sendgrid.net"}, IP4: []string{"203.0.113.5"}, IP6: []string{"2001:db8::/32"}, All: "fail"},
		DKIM: []DKIM{
			{Selector: "google", PublicKey: fakeRSA(t, 2048, false)},
			{Selector: "s1", CNAME: "s1.domainkey.u123.wl.sendgrid.net"},
		},
		DMARC: &DMARC{Policy: "quarantine", SubdomainPolicy: "reject", RUA: []string{"mailto:dmarc@example.com"}, Pct: 100, ADKIM: "relaxed", ASPF: "strict"},
	}
}

func TestValidate(t *testing.T) {
	rawEd, _ := ed25519Keys(t)
	many := func(n int, f func(i int) string) []string {
		var out []string
		for i := 0; i < n; i++ {
			out = append(out, f(i))
		}
		return out
	}
	tests := []struct {
		name   string
		modify func(p *Policy)
		want   []wantProblem
	}{
		{"good policy", nil, nil},
		{"spf only, no mechanisms", func(p *Policy) { p.DKIM, p.DMARC = nil, nil; p.SPF = &SPF{} }, nil},

		{"all pass", func(p *Policy) { p.SPF.All = "pass" }, []wantProblem{{Error, "spf.all", -1, "authorises every host"}}},
		{"all unknown", func(p *Policy) { p.SPF.All = "hardfail" }, []wantProblem{{Error, "spf.all", -1, `must be "fail"`}}},
		{"all neutral", func(p *Policy) { p.SPF.All = "neutral" }, []wantProblem{{Warning, "spf.all", -1, "protects nothing"}}},
		{"softfail with quarantine", func(p *Policy) { p.SPF.All = "softfail" }, []wantProblem{{Warning, "spf.all", -1, "softfail\" (~all) with DMARC p=quarantine"}}},
		{"softfail with none", func(p *Policy) { p.SPF.All = "softfail"; p.DMARC.Policy = "none" },
			[]wantProblem{{Warning, "dmarc.policy", -1, "only monitors"}}},

		{"include not a domain", func(p *Policy) { p.SPF.Include = []string{"_spf.google.com", "localhost"} },
			[]wantProblem{{Error, "spf.include", 1, "does not end in a dot and a top-level label"}}},
		{"include with a space", func(p *Policy) { p.SPF.Include = []string{"_spf.google.com "} },
			[]wantProblem{{Error, "spf.include", 0, "character 0x20"}}},
		{"include empty", func(p *Policy) { p.SPF.Include = []string{""} }, []wantProblem{{Error, "spf.include", 0, "empty include domain"}}},
		{"include empty label", func(p *Policy) { p.SPF.Include = []string{"spf..example.com"} },
			[]wantProblem{{Error, "spf.include", 0, "not a valid domain name"}}},
		{"include long label", func(p *Policy) { p.SPF.Include = []string{strings.Repeat("a", 64) + ".example.com"} },
			[]wantProblem{{Error, "spf.include", 0, "not a valid domain name"}}},
		{"include trailing dot and duplicate", func(p *Policy) { p.SPF.Include = []string{"sendgrid.net.", "SendGrid.net"} },
			[]wantProblem{{Warning, "spf.include", 1, "already included (element 0)"}}},
		{"include with macros", func(p *Policy) { p.SPF.Include = []string{"%{ir}._spf.example.net"} }, nil},
		{"eleven DNS terms at the top", func(p *Policy) {
			p.SPF.Include = many(10, func(i int) string { return fmt.Sprintf("spf%d.example.net", i) })
			p.SPF.MX = true
		}, []wantProblem{{Error, "spf.include", -1, "11 DNS-querying terms at the top level"}}},

		{"ip4 host bits", func(p *Policy) { p.SPF.IP4 = []string{"203.0.113.5/24"} }, []wantProblem{{Warning, "spf.ip4", 0, "SPF reads it as 203.0.113.0/24"}}},
		{"ip4 everything", func(p *Policy) { p.SPF.IP4 = []string{"0.0.0.0/0"} }, []wantProblem{{Error, "spf.ip4", 0, "every IPv4 address"}}},
		{"ip4 given an ipv6", func(p *Policy) { p.SPF.IP4 = []string{"203.0.113.5", "2001:db8::1"} }, []wantProblem{{Error, "spf.ip4", 1, "use ip6:"}}},
		{"ip4 invalid", func(p *Policy) { p.SPF.IP4 = []string{"203.0.113.256"} }, []wantProblem{{Error, "spf.ip4", 0, "not an IP address"}}},
		{"ip4 bad prefix", func(p *Policy) { p.SPF.IP4 = []string{"203.0.113.0/33"} }, []wantProblem{{Error, "spf.ip4", 0, "over 32"}}},
		{"ip4 duplicate", func(p *Policy) { p.SPF.IP4 = []string{"203.0.113.0/24", "203.0.113.0/24"} }, []wantProblem{{Warning, "spf.ip4", 1, "repeats element 0"}}},
		{"ip6 given an ipv4", func(p *Policy) { p.SPF.IP6 = []string{"203.0.113.5"} }, []wantProblem{{Error, "spf.ip6", 0, "use ip4:"}}},
		{"ip6 everything", func(p *Policy) { p.SPF.IP6 = []string{"::/0"} }, []wantProblem{{Error, "spf.ip6", 0, "every IPv6 address"}}},
		{"record too long", func(p *Policy) {
			p.SPF.IP4 = many(30, func(i int) string { return fmt.Sprintf("198.51.100.%d", i+1) })
		}, []wantProblem{{Warning, "spf", -1, "may not fit in 512 bytes"}}},

		{"dkim both key and cname", func(p *Policy) { p.DKIM[1].PublicKey = fakeRSA(t, 2048, false) },
			[]wantProblem{{Error, "dkim.s1", -1, "not both"}}},
		{"dkim neither", func(p *Policy) { p.DKIM[1].CNAME = "" }, []wantProblem{{Error, "dkim.s1", -1, "set public_key"}}},
		{"dkim bad selector", func(p *Policy) { p.DKIM[1].Selector = "s_1" }, []wantProblem{{Error, "dkim.s_1", -1, "selector \"s_1\""}}},
		{"dkim duplicate selector", func(p *Policy) { p.DKIM[1].Selector = "Google" }, []wantProblem{{Error, "dkim.Google", -1, "declared twice"}}},
		{"dkim key type", func(p *Policy) { p.DKIM[0].KeyType = "dsa" }, []wantProblem{{Error, "dkim.google.key_type", -1, `"rsa" or "ed25519"`}}},
		{"dkim PEM", func(p *Policy) {
			p.DKIM[0].PublicKey = "-----BEGIN PUBLIC KEY-----\n" + p.DKIM[0].PublicKey + "\n-----END PUBLIC KEY-----"
		}, []wantProblem{{Error, "dkim.google.public_key", -1, "PEM"}}},
		{"dkim key with line breaks", func(p *Policy) {
			k := p.DKIM[0].PublicKey
			p.DKIM[0].PublicKey = k[:64] + "\n" + k[64:128] + "\n  " + k[128:]
		}, nil},
		{"dkim 1024", func(p *Policy) { p.DKIM[0].PublicKey = fakeRSA(t, 1024, false) }, []wantProblem{{Warning, "dkim.google.public_key", -1, "use 2048 bits"}}},
		{"dkim 512", func(p *Policy) { p.DKIM[0].PublicKey = fakeRSA(t, 512, true) }, []wantProblem{{Error, "dkim.google.public_key", -1, "under 1024 bits"}}},
		{"dkim ed25519", func(p *Policy) { p.DKIM[0].PublicKey, p.DKIM[0].KeyType = rawEd, "ed25519" }, nil},
		{"dkim ed25519 key declared rsa", func(p *Policy) { p.DKIM[0].PublicKey = rawEd }, []wantProblem{{Error, "dkim.google.public_key", -1, "not an RSA public key"}}},
		{"dkim not base64", func(p *Policy) { p.DKIM[0].PublicKey = "not-a-key" }, []wantProblem{{Error, "dkim.google.public_key", -1, "not valid base64"}}},
		{"dkim bad cname", func(p *Policy) { p.DKIM[1].CNAME = "not a host" }, []wantProblem{{Error, "dkim.s1.cname", -1, "not a valid host name"}}},
		{"dkim cname with key type", func(p *Policy) { p.DKIM[1].KeyType = "rsa" }, []wantProblem{{Warning, "dkim.s1.key_type", -1, "no effect with cname"}}},
		{"dkim huge key", func(p *Policy) { p.DKIM[0].PublicKey = fakeRSA(t, 16384, false) },
			[]wantProblem{{Warning, "dkim.google.public_key", -1, "up to 4096 bits"}, {Warning, "dkim.google.public_key", -1, "at most 2048 in one TXT record"}}},

		{"dmarc policy missing", func(p *Policy) { p.DMARC.Policy = "" }, []wantProblem{{Error, "dmarc.policy", -1, "policy is required"}}},
		{"dmarc policy invalid", func(p *Policy) { p.DMARC.Policy = "Reject" }, []wantProblem{{Error, "dmarc.policy", -1, `policy = "Reject"`}}},
		{"dmarc none without reports", func(p *Policy) { p.DMARC.Policy, p.DMARC.SubdomainPolicy, p.DMARC.RUA = "none", "", nil },
			[]wantProblem{{Warning, "dmarc.policy", -1, "only monitors"}, {Warning, "dmarc.rua", -1, "no aggregate reports"}}},
		{"dmarc sp weaker", func(p *Policy) { p.DMARC.Policy, p.DMARC.SubdomainPolicy = "reject", "none" },
			[]wantProblem{{Warning, "dmarc.subdomain_policy", -1, "weaker than policy"}}},
		{"dmarc sp invalid", func(p *Policy) { p.DMARC.SubdomainPolicy = "deny" }, []wantProblem{{Error, "dmarc.subdomain_policy", -1, `"deny"`}}},
		{"dmarc rua not a uri", func(p *Policy) { p.DMARC.RUA = []string{"mailto:dmarc@example.com", "dmarc@example.com"} },
			[]wantProblem{{Error, "dmarc.rua", 1, "write mailto:dmarc@example.com"}}},
		{"dmarc rua with comma", func(p *Policy) { p.DMARC.RUA = []string{"mailto:a@example.com,mailto:b@example.com"} },
			[]wantProblem{{Error, "dmarc.rua", 0, "must be percent-encoded"}}},
		{"dmarc rua size", func(p *Policy) { p.DMARC.RUA = []string{"mailto:dmarc@example.com!10m"} }, nil},
		{"dmarc ruf https", func(p *Policy) { p.DMARC.RUF = []string{"https://reports.example.net/f"} },
			[]wantProblem{{Warning, "dmarc.ruf", 0, "only send reports to mailto:"}}},
		{"dmarc pct out of range", func(p *Policy) { p.DMARC.Pct = 150 }, []wantProblem{{Error, "dmarc.pct", -1, "from 0 to 100"}}},
		{"dmarc pct partial", func(p *Policy) { p.DMARC.Pct = 25 }, []wantProblem{{Warning, "dmarc.pct", -1, "only 25%"}}},
		{"dmarc alignment values", func(p *Policy) { p.DMARC.ADKIM, p.DMARC.ASPF = "s", "loose" },
			[]wantProblem{{Error, "dmarc.adkim", -1, `adkim = "s"`}, {Error, "dmarc.aspf", -1, `aspf = "loose"`}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := goodPolicy(t)
			if tc.modify != nil {
				tc.modify(p)
			}
			checkProblems(t, Validate(p), tc.want)
		})
	}
	if got := Validate(nil); got != nil {
		t.Errorf("Validate(nil) = %v, want nil", got)
	}
}

// TestValidatedRecordsParse: whatever Validate accepts renders to records that the
// parsers accept.
func TestValidatedRecordsParse(t *testing.T) {
	p := goodPolicy(t)
	if probs := Validate(p); len(probs) != 0 {
		t.Fatalf("good policy: %v", probs)
	}
	for _, rs := range p.Records("example.com") {
		if rs.Type != "TXT" {
			continue
		}
		v := rs.Values[0]
		switch {
		case strings.HasPrefix(v, "v=spf1"):
			if _, err := ParseSPF(v); err != nil {
				t.Errorf("SPF %q: %v", v, err)
			}
		case strings.HasPrefix(v, "v=DKIM1"):
			if k, probs := ParseDKIMKey(v); k == nil || HasError(probs) {
				t.Errorf("DKIM %q: %v", v, probs)
			}
		case strings.HasPrefix(v, "v=DMARC1"):
			if r, probs := ParseDMARC(v); r == nil || len(probs) != 0 {
				t.Errorf("DMARC %q: %v", v, probs)
			}
		}
	}
}
