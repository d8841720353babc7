package analysis

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// only keeps the findings of one check.
func only(check string, fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Check == check {
			out = append(out, f)
		}
	}
	return out
}

func TestAnalyzePublishedDMARC(t *testing.T) {
	const mail = "example.com. MX 10 mx.example.com.\nmx.example.com. A 192.0.2.25\nreports.example.net. MX 10 mx.reports.example.net.\n"
	policy := &email.Policy{DMARC: &email.DMARC{Policy: "reject", RUA: []string{"mailto:dmarc@example.com"}}}
	dmarc := []string{"_dmarc.example.com"}
	tests := []struct {
		name    string
		domain  string // default example.com
		policy  *email.Policy
		zone    string // added to mail
		timeout string
		want    []wantFinding
	}{
		{name: "none published", policy: policy, want: []wantFinding{
			{email.Error, "dmarc", dmarc, `no DMARC record published at _dmarc.example.com: receivers apply no DMARC policy to mail from example.com until "v=DMARC1; p=reject; rua=mailto:dmarc@example.com" is published`},
		}},
		{name: "only other TXT records", policy: policy, zone: `_dmarc.example.com. TXT "hello"`, want: []wantFinding{
			{email.Error, "dmarc", dmarc, "its 1 TXT record(s) do not start with v=DMARC1"},
		}},
		{name: "v= not first is no DMARC record", policy: policy, zone: `_dmarc.example.com. TXT "p=reject; v=DMARC1"`, want: []wantFinding{
			{email.Error, "dmarc", dmarc, "no DMARC record published"},
		}},
		{name: "two records", policy: policy, zone: "_dmarc.example.com. TXT \"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\"\n_dmarc.example.com. TXT \"v=DMARC1; p=none\"", want: []wantFinding{
			{email.Error, "dmarc", dmarc, "publishes 2 DMARC records; receivers ignore DMARC when there is more than one (RFC 7489 §6.6.3)"},
		}},
		{name: "no p=", policy: policy, zone: `_dmarc.example.com. TXT "v=DMARC1; rua=mailto:dmarc@example.com"`, want: []wantFinding{
			{email.Error, "dmarc", dmarc, `the published DMARC record "v=DMARC1; rua=mailto:dmarc@example.com" is invalid (receivers may ignore or misread it): p= (the policy) is required`},
		}},
		{name: "pct out of range", policy: policy, zone: `_dmarc.example.com. TXT "v=DMARC1; p=reject; pct=150; rua=mailto:dmarc@example.com"`, want: []wantFinding{
			{email.Error, "dmarc", dmarc, "pct=150: must be a whole number from 0 to 100"},
		}},
		{name: "syntax error", policy: policy, zone: `_dmarc.example.com. TXT "v=DMARC1; p reject"`, want: []wantFinding{
			{email.Error, "dmarc", dmarc, `"p reject" is not tag=value`},
		}},
		{name: "same tags written differently", policy: policy,
			zone: `_dmarc.example.com. TXT "v=DMARC1;P=Reject ; sp=reject; adkim=r; aspf=r; pct=100; rf=afrf; ri=86400; rua=mailto:DMARC@Example.com"`,
			want: []wantFinding{{email.Info, "dmarc", dmarc, "_dmarc.example.com publishes the policy's DMARC record (p=reject)"}}},
		{name: "explicit sp against the policy's", policy: &email.Policy{DMARC: &email.DMARC{Policy: "reject", SubdomainPolicy: "quarantine"}},
			zone: `_dmarc.example.com. TXT "v=DMARC1; p=reject"`,
			want: []wantFinding{{email.Warning, "dmarc", dmarc, "sp=reject instead of quarantine. Receivers apply the published one"}}},
		{name: "differs in p and rua", policy: policy, zone: `_dmarc.example.com. TXT "v=DMARC1; p=none"`, want: []wantFinding{
			{email.Warning, "dmarc", dmarc, `differs from the policy's "v=DMARC1; p=reject; rua=mailto:dmarc@example.com": p=none instead of reject; rua=(none) instead of mailto:dmarc@example.com.`},
		}},
		{name: "differs in pct, alignment and size limit", policy: &email.Policy{DMARC: &email.DMARC{Policy: "reject", RUA: []string{"mailto:dmarc@example.com!10m"}, Pct: 50, ADKIM: "strict"}},
			zone: `_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com!10485760; aspf=s"`,
			want: []wantFinding{{email.Warning, "dmarc", dmarc, "pct=100 instead of 50; adkim=r instead of s; aspf=s instead of r."}}},
		{name: "unknown tag warns, same policy", policy: policy, zone: `_dmarc.example.com. TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com; foo=bar"`, want: []wantFinding{
			{email.Warning, "dmarc", dmarc, "has a problem: unknown tag foo=, ignored by receivers"},
			{email.Info, "dmarc", dmarc, "publishes the policy's DMARC record"},
		}},
		{name: "DNS failure", policy: policy, timeout: "_dmarc.example.com", want: []wantFinding{
			{email.Warning, "dmarc", dmarc, "could not read the DMARC record at _dmarc.example.com"},
		}},
		{name: "nil policy: published record and its destinations", zone: `_dmarc.example.com. TXT "v=DMARC1; p=quarantine; rua=mailto:d@reports.example.net"`, want: []wantFinding{
			{email.Info, "dmarc", dmarc, "_dmarc.example.com publishes a DMARC policy of p=quarantine"},
			{email.Error, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.reports.example.net"}, "reports.example.net has not authorised it"},
		}},
		{name: "nil policy: invalid record", zone: `_dmarc.example.com. TXT "v=DMARC1; p=block"`, want: []wantFinding{
			{email.Error, "dmarc", dmarc, "p=block: must be none, quarantine or reject"},
		}},
		{name: "nil policy: two records", zone: "_dmarc.example.com. TXT \"v=DMARC1; p=none\"\n_dmarc.example.com. TXT \"v=DMARC1; p=reject\"", want: []wantFinding{
			{email.Error, "dmarc", dmarc, "publishes 2 DMARC records"},
		}},
		{name: "nil policy: none on a subdomain", domain: "mail.example.com", want: []wantFinding{
			{email.Info, "dmarc", []string{"_dmarc.mail.example.com"}, "mail.example.com declares and publishes no DMARC record at _dmarc.mail.example.com; receivers fall back to the record of the organizational domain example.com"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustZone(t, mail+tc.zone+"\n")
			if tc.timeout != "" {
				m.SetTimeout(tc.timeout)
			}
			domain := tc.domain
			if domain == "" {
				domain = "example.com"
			}
			checkFindings(t, only("dmarc", Analyze(context.Background(), m, domain, tc.policy)), tc.want)
		})
	}
}

func TestAnalyzePublishedDKIM(t *testing.T) {
	key := fakeRSA(t, 2048, false)
	pkcs1 := fakeRSA(t, 2048, true)
	other := fakeRSA(t, 3072, false)
	weak := fakeRSA(t, 1024, false)
	edPub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	ed := base64.StdEncoding.EncodeToString(edPub)
	txt := func(s string) string { return "mail._domainkey.example.com. TXT " + model.QuoteTXT(s) + "\n" }
	// spaced splits a key with spaces, as some DNS consoles show it.
	spaced := func(s string) string { return s[:40] + " " + s[40:100] + "\t" + s[100:] }
	rsaPolicy := &email.Policy{DKIM: []email.DKIM{{Selector: "mail", PublicKey: key}}}
	chain := []string{"mail._domainkey.example.com"}
	tests := []struct {
		name    string
		policy  *email.Policy
		zone    string
		timeout string
		want    []wantFinding
	}{
		{name: "the policy's key", policy: rsaPolicy, zone: txt("v=DKIM1; k=rsa; p=" + key), want: []wantFinding{
			{email.Info, "dkim", chain, "selector mail: mail._domainkey.example.com serves the policy's rsa key (2048 bits)"},
		}},
		{name: "same key written otherwise (no v=, no k=, spaces)", policy: rsaPolicy, zone: txt("p=" + spaced(key) + ";"), want: []wantFinding{
			{email.Info, "dkim", chain, "serves the policy's rsa key"},
		}},
		{name: "same key in PKCS#1 form", policy: rsaPolicy, zone: txt("v=DKIM1; p=" + pkcs1), want: []wantFinding{
			{email.Info, "dkim", chain, "serves the policy's rsa key (2048 bits)"},
		}},
		{name: "no record", policy: rsaPolicy, want: []wantFinding{
			{email.Error, "dkim", chain, "selector mail: no key record published at mail._domainkey.example.com: mail signed with this selector fails DKIM"},
		}},
		{name: "another key", policy: rsaPolicy, zone: txt("v=DKIM1; k=rsa; p=" + other), want: []wantFinding{
			{email.Warning, "dkim", chain, "publishes another key than the policy's (rsa 3072 bits, policy rsa 2048 bits"},
		}},
		{name: "an ed25519 key where the policy has RSA", policy: rsaPolicy, zone: txt("v=DKIM1; k=ed25519; p=" + ed), want: []wantFinding{
			{email.Warning, "dkim", chain, "(ed25519 256 bits, policy rsa 2048 bits"},
		}},
		{name: "not base64", policy: rsaPolicy, zone: txt("v=DKIM1; k=rsa; p=not*base64"), want: []wantFinding{
			{email.Error, "dkim", chain, "p= is not valid base64"},
		}},
		{name: "revoked", policy: rsaPolicy, zone: txt("v=DKIM1; k=rsa; p="), want: []wantFinding{
			{email.Error, "dkim", chain, "the key is revoked"},
		}},
		{name: "bad tag-list", policy: rsaPolicy, zone: txt("v=DKIM1; k=rsa; " + key), want: []wantFinding{
			{email.Error, "dkim", chain, "is not tag=value"},
		}},
		{name: "two records, one the policy's", policy: rsaPolicy, zone: txt("v=DKIM1; p="+other) + txt("v=DKIM1; p="+key), want: []wantFinding{
			{email.Warning, "dkim", chain, "mail._domainkey.example.com has 2 TXT records; verifiers may pick any of them"},
			{email.Info, "dkim", chain, "serves the policy's rsa key (2048 bits)"},
		}},
		{name: "weak key, the policy's", policy: &email.Policy{DKIM: []email.DKIM{{Selector: "mail", PublicKey: weak}}}, zone: txt("v=DKIM1; k=rsa; p=" + weak), want: []wantFinding{
			{email.Warning, "dkim", chain, "RSA key of 1024 bits"},
			{email.Info, "dkim", chain, "serves the policy's rsa key (1024 bits)"},
		}},
		{name: "ed25519, the policy's", policy: &email.Policy{DKIM: []email.DKIM{{Selector: "mail", PublicKey: ed, KeyType: "ed25519"}}}, zone: txt("v=DKIM1; k=ed25519; p=" + ed), want: []wantFinding{
			{email.Info, "dkim", chain, "serves the policy's ed25519 key (256 bits)"},
		}},
		{name: "DNS failure", policy: rsaPolicy, timeout: "mail._domainkey.example.com", want: []wantFinding{
			{email.Warning, "dkim", chain, "could not read the key at mail._domainkey.example.com"},
		}},
		{name: "the policy's key is unusable", policy: &email.Policy{DKIM: []email.DKIM{{Selector: "mail", PublicKey: "not a key"}}}, zone: txt("v=DKIM1; p=" + key), want: []wantFinding{
			{email.Error, "dkim", chain, "selector mail: the policy's key record is unusable (p= is not valid base64"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustZone(t, "example.com. MX 10 mx.example.com.\n"+tc.zone)
			if tc.timeout != "" {
				m.SetTimeout(tc.timeout)
			}
			checkFindings(t, only("dkim", Analyze(context.Background(), m, "example.com", tc.policy)), tc.want)
		})
	}
}

func TestDMARCDiff(t *testing.T) {
	parse := func(s string) *email.DMARCRecord {
		t.Helper()
		r, probs := email.ParseDMARC(s)
		if r == nil || email.HasError(probs) {
			t.Fatalf("ParseDMARC(%q): %v", s, probs)
		}
		return r
	}
	tests := []struct {
		pub, want string
		diff      string
	}{
		{"v=DMARC1; p=reject", "v=DMARC1; p=reject; sp=reject; np=reject; pct=100", ""},
		{"v=DMARC1; p=reject; rua=mailto:b@x.example,mailto:a@x.example", "v=DMARC1; p=reject; rua=mailto:a@x.example, mailto:B@X.example", ""},
		{"v=DMARC1; p=none; fo=1:d; ruf=mailto:a@x.example", "v=DMARC1; p=none; fo=d:1; ruf=mailto:a@x.example", ""},
		{"v=DMARC1; p=reject; rua=mailto:a@x.example!1k", "v=DMARC1; p=reject; rua=mailto:a@x.example!1024", ""},
		{"v=DMARC1; p=reject; np=none", "v=DMARC1; p=reject", "np=none instead of reject"},
		{"v=DMARC1; p=reject; sp=none", "v=DMARC1; p=reject; sp=none; np=reject", "np=none instead of reject"},
		{"v=DMARC1; p=quarantine; ri=3600", "v=DMARC1; p=reject", "p=quarantine instead of reject; ri=3600 instead of 86400"},
	}
	for _, tc := range tests {
		got := strings.Join(dmarcDiff(parse(tc.pub), parse(tc.want)), "; ")
		if got != tc.diff {
			t.Errorf("dmarcDiff(%q, %q) = %q, want %q", tc.pub, tc.want, got, tc.diff)
		}
	}
}
