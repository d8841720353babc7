package email

import (
	"strings"
	"testing"
)

func TestCheckSPFRecord(t *testing.T) {
	many := "v=spf1 " + strings.Repeat("include:a.example.com ", 11) + "-all"
	long := "v=spf1 " + strings.Repeat("ip4:192.0.2.1 ", 32) + "-all"
	tests := []struct {
		name string
		in   string
		want []wantTag
	}{
		{"good", "v=spf1 mx ip4:203.0.113.0/24 include:_spf.google.com -all", nil},
		{"good with redirect", "v=spf1 redirect=_spf.example.com", nil},
		{"upper case, extra spaces", "V=SPF1  MX   -ALL", nil},
		{"every bad term reported", "v=spf1 foo:bar ip4:300.1.1.1 +all", []wantTag{
			{Error, "foo:bar", -1, `foo:bar: unknown mechanism "foo"; receivers return permerror for the whole record`},
			{Error, "ip4:300.1.1.1", -1, `ip4:300.1.1.1: "300.1.1.1" is not an IP address`},
			{Error, "+all", -1, "+all lets every host on the internet send"},
		}},
		{"redirect twice", "v=spf1 redirect=a.example.com redirect=b.example.com", []wantTag{
			{Error, "redirect=b.example.com", -1, "redirect= appears more than once; receivers return permerror"},
		}},
		{"exp twice", "v=spf1 -all exp=a.example.com exp=b.example.com", []wantTag{
			{Error, "exp=b.example.com", -1, "exp= appears more than once"},
		}},
		{"bad CIDR, bad domain", "v=spf1 a/33 include:nodot -all", []wantTag{
			{Error, "a/33", -1, "CIDR length /33 is over 32"},
			{Error, "include:nodot", -1, "does not end in a dot and a top-level label"},
		}},
		{"zero-length networks", "v=spf1 ip4:0.0.0.0/0 ip6:::/0 -all", []wantTag{
			{Error, "ip4:0.0.0.0/0", -1, "authorises every address"},
			{Error, "ip6:::/0", -1, "authorises every address"},
		}},
		{"ptr and neutral all warn", "v=spf1 ptr ?all", []wantTag{
			{Warning, "ptr", -1, "ptr is deprecated"},
			{Warning, "?all", -1, "(neutral) makes no statement"},
		}},
		{"redirect after all", "v=spf1 -all redirect=a.example.com", []wantTag{
			{Warning, "redirect=a.example.com", -1, "is never used"},
		}},
		{"eleven lookups", many, []wantTag{{Error, "", -1, "11 DNS-querying terms"}}},
		{"long", long, []wantTag{{Warning, "", -1, "over 450"}}},
		{"not SPF", "v=spf10 -all", []wantTag{{Error, "", -1, `does not start with "v=spf1"`}}},
		{"not ASCII", "v=spf1 include:exämple.com -all", []wantTag{{Error, "", -1, "printable 7-bit ASCII"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckSPFRecord(tt.in)
			checkTagProblems(t, got, tt.want)
			if _, err := ParseSPF(tt.in); (err == nil) == HasError(syntaxOnly(got)) {
				t.Errorf("ParseSPF error %v, but CheckSPFRecord syntax errors %v", err, syntaxOnly(got))
			}
		})
	}
}

// syntaxOnly keeps the errors that are grammar errors (those ParseSPF reports): not
// the checks about meaning (+all, /0, lookups).
func syntaxOnly(ps []TagProblem) []TagProblem {
	var out []TagProblem
	for _, p := range ps {
		if p.Severity == Error && !strings.Contains(p.Message, "every") && !strings.Contains(p.Message, "DNS-querying") {
			out = append(out, p)
		}
	}
	return out
}

func TestCheckDMARCReportAuthorization(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []wantTag
	}{
		{"bare", "v=DMARC1", nil},
		{"with a trailing semicolon", "v=DMARC1;", nil},
		{"redirecting reports", "v=DMARC1; rua=mailto:other@reports.example.net", nil},
		{"a policy is allowed", "v=DMARC1; p=none", nil},
		{"bad policy still an error", "v=DMARC1; p=maybe", []wantTag{{Error, "p", -1, "must be none, quarantine or reject"}}},
		{"not first", "rua=mailto:a@example.net; v=DMARC1", []wantTag{{Error, "v", -1, "must start with v=DMARC1"}}},
		{"bad uri", "v=DMARC1; rua=dmarc@example.net", []wantTag{{Error, "rua", 0, "write mailto:dmarc@example.net"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkTagProblems(t, CheckDMARCReportAuthorization(tt.in), tt.want)
		})
	}
}

func TestIsDKIMKeyRecord(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"v=DKIM1; k=rsa; p=MIIB", true},
		{"  v=DKIM1; p=", true},
		{"k=rsa; p=MIIB", true},
		{"p=MIIB", true},
		{"k=rsa; t=y", false},
		{"o=~; r=postmaster@example.com", false},
		{"google-site-verification=abc", false},
		{"v=spf1 -all", false},
	}
	for _, tt := range tests {
		if got := IsDKIMKeyRecord(tt.in); got != tt.want {
			t.Errorf("IsDKIMKeyRecord(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
