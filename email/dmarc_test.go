package email

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseDMARC(t *testing.T) {
	def := func(mod func(r *DMARCRecord)) *DMARCRecord {
		r := &DMARCRecord{Policy: "reject", Pct: 100, ADKIM: "r", ASPF: "r", FailureOptions: []string{"0"}, ReportFormats: []string{"afrf"}, ReportInterval: 86400}
		if mod != nil {
			mod(r)
		}
		return r
	}
	mailto := func(addr string, size uint64) DMARCURI {
		_, domain, _ := cutAt(addr)
		return DMARCURI{URI: "mailto:" + addr, Scheme: "mailto", Address: addr, Domain: domain, MaxSize: size}
	}
	tests := []struct {
		name  string
		in    string
		want  *DMARCRecord
		probs []wantTag
	}{
		{"minimal", "v=DMARC1; p=reject", def(nil), nil},
		{"every tag", "v=DMARC1; p=quarantine; sp=reject; np=reject; rua=mailto:a@example.com,mailto:b@reports.example.net!10m; ruf=mailto:f@example.com!512k; pct=50; adkim=s; aspf=s; fo=1:d:s; rf=afrf; ri=3600",
			def(func(r *DMARCRecord) {
				r.Policy, r.SubdomainPolicy, r.NonexistentPolicy = "quarantine", "reject", "reject"
				r.RUA = []DMARCURI{mailto("a@example.com", 0), mailto("b@reports.example.net", 10<<20)}
				r.RUF = []DMARCURI{mailto("f@example.com", 512<<10)}
				r.Pct, r.ADKIM, r.ASPF = 50, "s", "s"
				r.FailureOptions = []string{"1", "d", "s"}
				r.ReportInterval = 3600
			}), nil},
		{"white space and case", " v = DMARC1 ;P=Reject ; ADKIM=S; rua = mailto:a@example.com , mailto:b@example.com ;", def(func(r *DMARCRecord) {
			r.ADKIM = "s"
			r.RUA = []DMARCURI{mailto("a@example.com", 0), mailto("b@example.com", 0)}
		}), nil},
		{"size units", "v=DMARC1; p=reject; rua=mailto:a@example.com!1g,mailto:b@example.com!2T,mailto:c@example.com!300", def(func(r *DMARCRecord) {
			r.RUA = []DMARCURI{mailto("a@example.com", 1<<30), mailto("b@example.com", 2<<40), mailto("c@example.com", 300)}
		}), nil},
		{"https report uri", "v=DMARC1; p=reject; rua=https://reports.example.net/dmarc", def(func(r *DMARCRecord) {
			r.RUA = []DMARCURI{{URI: "https://reports.example.net/dmarc", Scheme: "https", Domain: "reports.example.net"}}
		}), []wantTag{{Warning, "rua", 0, "most receivers only send reports to mailto:"}}},

		// v
		{"v missing", "p=reject", nil, []wantTag{{Error, "v", -1, "must start with v=DMARC1"}}},
		{"v not first", "p=reject; v=DMARC1", nil, []wantTag{{Error, "v", -1, "must start with v=DMARC1"}}},
		{"v wrong case", "v=dmarc1; p=reject", nil, []wantTag{{Error, "v", -1, "must be exactly DMARC1"}}},
		{"v wrong version", "v=DMARC2; p=reject", nil, []wantTag{{Error, "v", -1, "must be exactly DMARC1"}}},
		{"v twice", "v=DMARC1; p=reject; v=DMARC1", nil, []wantTag{{Error, "v", -1, "appears more than once"}}},
		{"empty", "", nil, []wantTag{{Error, "v", -1, "must start with v=DMARC1"}}},
		{"not a tag list", "v=DMARC1; p reject", nil, []wantTag{{Error, "", -1, "is not tag=value"}}},

		// p, sp, np
		{"p missing", "v=DMARC1; rua=mailto:a@example.com", def(func(r *DMARCRecord) {
			r.Policy = ""
			r.RUA = []DMARCURI{mailto("a@example.com", 0)}
		}), []wantTag{{Error, "p", -1, "p= (the policy) is required"}}},
		{"p invalid", "v=DMARC1; p=block", def(func(r *DMARCRecord) { r.Policy = "" }), []wantTag{{Error, "p", -1, "must be none, quarantine or reject"}}},
		{"p empty", "v=DMARC1; p=", def(func(r *DMARCRecord) { r.Policy = "" }), []wantTag{{Error, "p", -1, "must be none, quarantine or reject"}}},
		{"sp invalid", "v=DMARC1; p=none; sp=all", def(func(r *DMARCRecord) { r.Policy = "none" }), []wantTag{{Error, "sp", -1, "sp=all"}}},
		{"np invalid", "v=DMARC1; p=none; np=yes", def(func(r *DMARCRecord) { r.Policy = "none" }), []wantTag{{Error, "np", -1, "np=yes"}}},
		{"duplicate p", "v=DMARC1; p=none; p=reject", nil, []wantTag{{Error, "p", -1, "appears more than once"}}},

		// rua, ruf
		{"rua without mailto", "v=DMARC1; p=reject; rua=dmarc@example.com", def(nil), []wantTag{{Error, "rua", 0, "write mailto:dmarc@example.com"}}},
		{"rua second element bad", "v=DMARC1; p=reject; rua=mailto:a@example.com,mailto:nobody", def(func(r *DMARCRecord) {
			r.RUA = []DMARCURI{mailto("a@example.com", 0)}
		}), []wantTag{{Error, "rua", 1, `"nobody" is not an e-mail address`}}},
		{"rua bad domain", "v=DMARC1; p=reject; rua=mailto:a@example", def(nil), []wantTag{{Error, "rua", 0, "is not a valid mail domain"}}},
		{"rua bad size", "v=DMARC1; p=reject; rua=mailto:a@example.com!10x", def(nil), []wantTag{{Error, "rua", 0, "size limit"}}},
		{"rua size overflow", "v=DMARC1; p=reject; rua=mailto:a@example.com!99999999999999999t", def(nil), []wantTag{{Error, "rua", 0, "too large"}}},
		{"rua empty", "v=DMARC1; p=reject; rua=", def(nil), []wantTag{{Error, "rua", -1, "rua= is empty"}}},
		{"rua empty element", "v=DMARC1; p=reject; rua=mailto:a@example.com,", def(func(r *DMARCRecord) {
			r.RUA = []DMARCURI{mailto("a@example.com", 0)}
		}), []wantTag{{Error, "rua", 1, "empty URI"}}},
		{"rua other scheme", "v=DMARC1; p=reject; rua=ftp://example.com/x", def(nil), []wantTag{{Error, "rua", 0, "not ftp:"}}},
		{"ruf bad", "v=DMARC1; p=reject; ruf=mailto:@example.com", def(nil), []wantTag{{Error, "ruf", 0, "is not an e-mail address"}}},

		// pct
		{"pct 0", "v=DMARC1; p=reject; pct=0", def(func(r *DMARCRecord) { r.Pct = 0 }), nil},
		{"pct 101", "v=DMARC1; p=reject; pct=101", def(nil), []wantTag{{Error, "pct", -1, "from 0 to 100"}}},
		{"pct negative", "v=DMARC1; p=reject; pct=-1", def(nil), []wantTag{{Error, "pct", -1, "from 0 to 100"}}},
		{"pct fraction", "v=DMARC1; p=reject; pct=50.5", def(nil), []wantTag{{Error, "pct", -1, "whole number"}}},
		{"pct four digits", "v=DMARC1; p=reject; pct=0100", def(nil), []wantTag{{Error, "pct", -1, "whole number"}}},

		// adkim, aspf
		{"adkim invalid", "v=DMARC1; p=reject; adkim=strict", def(nil), []wantTag{{Error, "adkim", -1, "must be r (relaxed) or s (strict)"}}},
		{"aspf invalid", "v=DMARC1; p=reject; aspf=x", def(nil), []wantTag{{Error, "aspf", -1, "must be r (relaxed) or s (strict)"}}},

		// fo, rf, ri
		{"fo without ruf", "v=DMARC1; p=reject; fo=1", def(func(r *DMARCRecord) { r.FailureOptions = []string{"1"} }),
			[]wantTag{{Warning, "fo", -1, "no effect without ruf="}}},
		{"fo invalid option", "v=DMARC1; p=reject; ruf=mailto:f@example.com; fo=1:x", def(func(r *DMARCRecord) {
			r.RUF = []DMARCURI{mailto("f@example.com", 0)}
		}), []wantTag{{Error, "fo", 1, `fo option "x"`}}},
		{"rf unregistered", "v=DMARC1; p=reject; rf=iodef", def(func(r *DMARCRecord) { r.ReportFormats = []string{"iodef"} }),
			[]wantTag{{Warning, "rf", 0, "not registered"}}},
		{"rf not a keyword", "v=DMARC1; p=reject; rf=afrf:", def(nil), []wantTag{{Error, "rf", 1, "is not a keyword"}}},
		{"ri invalid", "v=DMARC1; p=reject; ri=daily", def(nil), []wantTag{{Error, "ri", -1, "whole number of seconds"}}},
		{"ri too large", "v=DMARC1; p=reject; ri=4294967296", def(nil), []wantTag{{Error, "ri", -1, "32-bit"}}},
		{"ri max", "v=DMARC1; p=reject; ri=4294967295", def(func(r *DMARCRecord) { r.ReportInterval = 4294967295 }), nil},

		// other
		{"unknown tag", "v=DMARC1; p=reject; t=y", def(nil), []wantTag{{Warning, "t", -1, "unknown tag t="}}},
		{"control character", "v=DMARC1; p=reject\x00", nil, []wantTag{{Error, "p", -1, "is not allowed in a tag value"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, probs := ParseDMARC(tc.in)
			checkTagProblems(t, probs, tc.probs)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
		})
	}
}

func cutAt(addr string) (string, string, bool) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[:i], addr[i+1:], true
		}
	}
	return addr, "", false
}

func TestDMARCURIString(t *testing.T) {
	u, err := ParseDMARCURI("mailto:a@example.com!10m")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := u.String(), "mailto:a@example.com!10485760"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestIsDMARCRecord(t *testing.T) {
	for in, want := range map[string]bool{
		"v=DMARC1; p=reject":  true,
		"v=DMARC1":            true,
		" v = DMARC1 ;p=none": true,
		"v=DMARC1 ; p=none":   true,
		"v=DMARC10; p=none":   false,
		"v=dmarc1; p=none":    false,
		"p=none; v=DMARC1":    false,
		"v=spf1 -all":         false,
		"":                    false,
	} {
		if got := IsDMARCRecord(in); got != want {
			t.Errorf("IsDMARCRecord(%q) = %v, want %v", in, got, want)
		}
	}
}
