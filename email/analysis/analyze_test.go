package analysis

import (
	"github.com/launchready/launchready/email"

	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// wantFinding is an expected Finding: exact severity, check and chain, and a
// substring of the message.
type wantFinding struct {
	Severity email.Severity
	Check    string
	Chain    []string
	Msg      string
}

func checkFindings(t *testing.T, got []Finding, want []wantFinding) {
	t.Helper()
	type proj struct {
		Severity email.Severity
		Check    string
		Chain    []string
	}
	var g, w []proj
	for _, f := range got {
		g = append(g, proj{f.Severity, f.Check, f.Chain})
	}
	for _, f := range want {
		w = append(w, proj{f.Severity, f.Check, f.Chain})
	}
	if diff := cmp.Diff(w, g); diff != "" {
		var lines []string
		for _, f := range got {
			lines = append(lines, f.String())
		}
		t.Errorf("findings (-want +got):\n%s\ngot:\n  %s", diff, strings.Join(lines, "\n  "))
		return
	}
	for i := range want {
		if !strings.Contains(got[i].Message, want[i].Msg) {
			t.Errorf("finding %d message %q, want it to contain %q", i, got[i].Message, want[i].Msg)
		}
	}
}

// analyzeZone is the DNS world of the Analyze tests. example.com's own SPF record
// matches analyzePolicy's.
func analyzeZone(t testing.TB) string {
	key := "v=DKIM1; k=rsa; p=" + fakeRSA(t, 2048, false)
	weak := "v=DKIM1; k=rsa; p=" + fakeRSA(t, 1024, false)
	var b strings.Builder
	b.WriteString(`
example.com.                 TXT "v=spf1 ip4:203.0.113.5 include:_spf.google.com include:sendgrid.net -all"
example.com.                 TXT "google-site-verification=abc"
example.com.                 MX  10 mx.example.com.
; the policy's DMARC record, written differently (compared tag by tag)
_dmarc.example.com.          TXT "v=DMARC1;P=Reject ; pct=100; rua=mailto:postmaster@example.com, mailto:DMARC@reports.example.net"
mx.example.com.              A   203.0.113.25
_spf.google.com.             TXT "v=spf1 include:_netblocks.google.com ~all"
_netblocks.google.com.       TXT "v=spf1 ip4:35.190.247.0/24 ip6:2001:4860:4000::/36 ~all"
sendgrid.net.                TXT "v=spf1 ip4:167.89.0.0/17 ~all"
reports.example.net.         MX  10 mx.reports.example.net.
example.com._report._dmarc.reports.example.net. TXT "v=DMARC1"
wrong.example.org.           MX  10 mx.wrong.example.org.
example.com._report._dmarc.wrong.example.org. TXT "hello"
noauth.example.org.          MX  10 mx.noauth.example.org.
nomail.example.org.          TXT "v=spf1 -all"
nullmx.example.org.          MX  0 .
a-only.example.org.          A   192.0.2.80

; include trees
loop-a.example.net.          TXT "v=spf1 include:loop-b.example.net -all"
loop-b.example.net.          TXT "v=spf1 include:loop-a.example.net -all"
nospf.example.net.           TXT "hello"
two.example.net.             TXT "v=spf1 -all"
two.example.net.             TXT "v=spf1 ~all"
broken.example.net.          TXT "v=spf1 ip4:300.1.1.1 -all"
open.example.net.            TXT "v=spf1 +all"
legacy.example.net.          TXT "v=spf1 ptr:example.net ?all"
voids.example.net.           TXT "v=spf1 a:nx1.example.net mx:nx2.example.net exists:nx3.example.net ?all"
redir.example.net.           TXT "v=spf1 redirect=sendgrid.net"
redir-all.example.net.       TXT "v=spf1 ip4:192.0.2.1 redirect=sendgrid.net ~all"
macro.example.net.           TXT "v=spf1 include:%{ir}.%{v}._spf.example.net ~all"
manymx.example.net.          TXT "v=spf1 mx ~all"
`)
	for i := 0; i < 11; i++ {
		fmt.Fprintf(&b, "manymx.example.net. MX %d mx%d.example.net.\n", i, i)
	}
	var big []string
	for i := 1; i <= 10; i++ {
		big = append(big, fmt.Sprintf("a:h%d.example.net", i))
		fmt.Fprintf(&b, "h%d.example.net. A 192.0.2.%d\n", i, i)
	}
	fmt.Fprintf(&b, "big.example.net. TXT %q\n", "v=spf1 "+strings.Join(big, " ")+" ~all")
	fmt.Fprintf(&b, "s1.domainkey.u123.wl.sendgrid.net. TXT %s\n", model.QuoteTXT(key))
	fmt.Fprintf(&b, "weak.dkim.example.net. TXT %s\n", model.QuoteTXT(weak))
	b.WriteString("revoked.dkim.example.net. TXT \"v=DKIM1; p=\"\n")
	return b.String()
}

func analyzePolicy() *email.Policy {
	return &email.Policy{
		SPF:   &email.SPF{IP4: []string{"203.0.113.5"}, Include: []string{"_spf.google.com", "sendgrid.net"}, All: "fail"},
		DKIM:  []email.DKIM{{Selector: "s1", CNAME: "s1.domainkey.u123.wl.sendgrid.net"}},
		DMARC: &email.DMARC{Policy: "reject", RUA: []string{"mailto:dmarc@reports.example.net", "mailto:postmaster@example.com"}},
	}
}

func TestAnalyze(t *testing.T) {
	base := analyzeZone(t)
	withInclude := func(inc ...string) func(p *email.Policy) {
		return func(p *email.Policy) { p.SPF.Include = inc; p.DKIM = nil; p.DMARC = nil }
	}
	spfOnly := []string{"example.com"}
	tests := []struct {
		name    string
		modify  func(p *email.Policy)
		extra   string // zone text added to the base
		timeout string // a name whose lookups time out
		want    []wantFinding
	}{
		{name: "good policy", want: []wantFinding{
			{email.Info, "spf", spfOnly, "at most 3 of the 10 DNS lookups allowed and 0 void lookups"},
			{email.Info, "dkim", []string{"s1._domainkey.example.com", "s1.domainkey.u123.wl.sendgrid.net"}, "serves a valid rsa key (2048 bits)"},
			{email.Info, "dmarc", []string{"_dmarc.example.com"}, "_dmarc.example.com publishes the policy's DMARC record (p=reject)"},
			{email.Info, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.reports.example.net"}, "reports.example.net authorises reports for example.com"},
		}},
		{name: "include loop", modify: withInclude("loop-a.example.net"), want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs from the policy's"},
			{email.Error, "spf", []string{"example.com", "include:loop-a.example.net", "include:loop-b.example.net", "include:loop-a.example.net"}, "loops back to loop-a.example.net"},
			{email.Info, "spf", spfOnly, "at most 3 of the 10"},
		}},
		{name: "eleven lookups", modify: withInclude("_spf.google.com", "big.example.net"), want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs"},
			{email.Error, "spf", []string{"example.com", "include:big.example.net", "a:h8.example.net in big.example.net"}, "can need 13 DNS lookups"},
		}},
		{name: "nine lookups is a warning", modify: withInclude("big2.example.net"), extra: "big2.example.net. TXT \"v=spf1 a:h1.example.net a:h2.example.net a:h3.example.net a:h4.example.net a:h5.example.net a:h6.example.net a:h7.example.net a:h8.example.net ~all\"\n",
			want: []wantFinding{
				{email.Info, "spf", spfOnly, "differs"},
				{email.Warning, "spf", spfOnly, "can need 9 of the 10 DNS lookups allowed"},
			}},
		{name: "void lookups", modify: withInclude("voids.example.net"), want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs"},
			{email.Warning, "spf", []string{"example.com", "include:voids.example.net"}, "a:nx1.example.net in the SPF record of voids.example.net never matches"},
			{email.Warning, "spf", []string{"example.com", "include:voids.example.net"}, "nx2.example.net has no MX records"},
			{email.Warning, "spf", []string{"example.com", "include:voids.example.net"}, "nx3.example.net has no A record"},
			{email.Info, "spf", spfOnly, "at most 4 of the 10"},
			{email.Error, "spf", []string{"example.com", "include:voids.example.net", "exists:nx3.example.net in voids.example.net"}, "makes 3 void lookups"},
		}},
		{name: "included domains without SPF, with two, invalid, open", modify: withInclude("nospf.example.net", "nx.example.net", "two.example.net", "broken.example.net", "open.example.net"), want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs"},
			{email.Error, "spf", []string{"example.com", "include:nospf.example.net"}, "include target nospf.example.net has no SPF record"},
			{email.Error, "spf", []string{"example.com", "include:nx.example.net"}, "include target nx.example.net does not exist"},
			{email.Error, "spf", []string{"example.com", "include:two.example.net"}, "publishes 2 SPF records"},
			{email.Error, "spf", []string{"example.com", "include:broken.example.net"}, "the SPF record of broken.example.net is invalid"},
			{email.Error, "spf", []string{"example.com", "include:open.example.net"}, "+all in the SPF record of open.example.net lets every host"},
			{email.Info, "spf", spfOnly, "at most 5 of the 10"},
		}},
		{name: "ptr, redirect, redirect after all, macros, many MX", modify: withInclude("legacy.example.net", "redir.example.net", "redir-all.example.net", "macro.example.net", "manymx.example.net"), want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs"},
			{email.Warning, "spf", []string{"example.com", "include:legacy.example.net"}, "ptr is deprecated"},
			{email.Warning, "spf", []string{"example.com", "include:redir-all.example.net"}, "redirect=sendgrid.net in the SPF record of redir-all.example.net is never used"},
			{email.Info, "spf", []string{"example.com", "include:macro.example.net"}, "uses macros"},
			{email.Error, "spf", []string{"example.com", "include:manymx.example.net"}, "has 11 MX records"},
			{email.Warning, "spf", spfOnly, "can need 9 of the 10 DNS lookups allowed: one more include breaks it"},
		}},
		{name: "temporary failure of an include", modify: withInclude("flaky.example.net"), timeout: "flaky.example.net", want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs"},
			{email.Warning, "spf", []string{"example.com", "include:flaky.example.net"}, "could not read the TXT records of flaky.example.net"},
			{email.Info, "spf", spfOnly, "at most 1 of the 10"},
		}},
		{name: "two published SPF records", modify: func(p *email.Policy) { p.DKIM, p.DMARC = nil, nil }, extra: "example.com. TXT \"v=spf1 -all\"\n", want: []wantFinding{
			{email.Error, "spf", spfOnly, "publishes 2 SPF records"},
			{email.Info, "spf", spfOnly, "at most 3 of the 10"},
		}},
		{name: "policy differs from the published record", modify: func(p *email.Policy) { p.SPF.Include = nil; p.DKIM, p.DMARC = nil, nil }, want: []wantFinding{
			{email.Info, "spf", spfOnly, "differs from the policy's \"v=spf1 ip4:203.0.113.5 -all\""},
			{email.Info, "spf", spfOnly, "at most 0 of the 10"},
		}},
		{name: "dkim targets", modify: func(p *email.Policy) {
			p.SPF, p.DMARC = nil, nil
			p.DKIM = []email.DKIM{
				{Selector: "missing", CNAME: "missing.dkim.example.net"},
				{Selector: "weak", CNAME: "weak.dkim.example.net."},
				{Selector: "revoked", CNAME: "revoked.dkim.example.net"},
				{Selector: "slow", CNAME: "slow.dkim.example.net"},
			}
		}, timeout: "slow.dkim.example.net", want: []wantFinding{
			{email.Info, "spf", spfOnly, "at most 3 of the 10"},
			{email.Error, "dkim", []string{"missing._domainkey.example.com", "missing.dkim.example.net"}, "has no key record"},
			{email.Warning, "dkim", []string{"weak._domainkey.example.com", "weak.dkim.example.net"}, "RSA key of 1024 bits"},
			{email.Info, "dkim", []string{"weak._domainkey.example.com", "weak.dkim.example.net"}, "serves a valid rsa key (1024 bits)"},
			{email.Error, "dkim", []string{"revoked._domainkey.example.com", "revoked.dkim.example.net"}, "the key is revoked"},
			{email.Warning, "dkim", []string{"slow._domainkey.example.com", "slow.dkim.example.net"}, "could not read the key"},
		}},
		{name: "dmarc destinations", modify: func(p *email.Policy) {
			p.SPF, p.DKIM = nil, nil
			p.DMARC.RUA = []string{"mailto:a@noauth.example.org", "mailto:b@wrong.example.org!10m", "mailto:c@nomail.example.org", "mailto:d@nullmx.example.org", "mailto:e@a-only.example.org"}
			p.DMARC.RUF = []string{"mailto:f@sub.example.com", "https://reports.example.net/x"}
		}, extra: "sub.example.com. MX 10 mx.example.com.\nexample.com._report._dmarc.a-only.example.org. TXT \"v=DMARC1\"\nexample.com._report._dmarc.nomail.example.org. TXT \"v=DMARC1\"\nexample.com._report._dmarc.nullmx.example.org. TXT \"v=DMARC1\"\n",
			want: []wantFinding{
				{email.Info, "spf", spfOnly, "at most 3 of the 10"},
				{email.Warning, "dmarc", []string{"_dmarc.example.com"}, "rua=mailto:dmarc@reports.example.net,mailto:postmaster@example.com instead of mailto:a@noauth.example.org,"},
				{email.Error, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.noauth.example.org"}, "noauth.example.org has not authorised it"},
				{email.Error, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.wrong.example.org"}, "does not start with v=DMARC1"},
				{email.Error, "dmarc", []string{"_dmarc.example.com", "nomail.example.org"}, "has no MX and no address"},
				{email.Info, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.nomail.example.org"}, "authorises"},
				{email.Error, "dmarc", []string{"_dmarc.example.com", "nullmx.example.org"}, "null MX"},
				{email.Info, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.nullmx.example.org"}, "authorises"},
				{email.Info, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.a-only.example.org"}, "authorises"},
				{email.Info, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.reports.example.net"}, "authorises"},
			}},
		{name: "nil policy analyses the published record", modify: nil, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := mustZone(t, base+tc.extra)
			if tc.timeout != "" {
				m.SetTimeout(tc.timeout)
			}
			p := analyzePolicy()
			if tc.modify != nil {
				tc.modify(p)
			}
			if tc.name == "nil policy analyses the published record" {
				p = nil
				tc.want = []wantFinding{
					{email.Info, "spf", spfOnly, "at most 3 of the 10 DNS lookups"},
					{email.Info, "dmarc", []string{"_dmarc.example.com"}, "_dmarc.example.com publishes a DMARC policy of p=reject"},
					// the published record's report destinations are checked too
					{email.Info, "dmarc", []string{"_dmarc.example.com", "example.com._report._dmarc.reports.example.net"}, "reports.example.net authorises reports for example.com"},
				}
			}
			checkFindings(t, Analyze(context.Background(), m, "example.com", p), tc.want)
		})
	}
}

func TestAnalyzeFreshDomain(t *testing.T) {
	m := mustZone(t, analyzeZone(t))
	p := &email.Policy{SPF: &email.SPF{Include: []string{"sendgrid.net"}, MX: true, All: "fail"}}
	checkFindings(t, Analyze(context.Background(), m, "Fresh.Example.", p), []wantFinding{
		{email.Info, "spf", []string{"fresh.example"}, `publishes no SPF record yet; apply creates "v=spf1 mx include:sendgrid.net -all"`},
		{email.Warning, "spf", []string{"fresh.example"}, "mx in the SPF record of fresh.example never matches: fresh.example has no MX records (a void lookup)"},
		{email.Info, "spf", []string{"fresh.example"}, "at most 2 of the 10 DNS lookups allowed and 1 void lookups"},
	})
	checkFindings(t, Analyze(context.Background(), m, "fresh.example", nil), []wantFinding{
		{email.Info, "spf", []string{"fresh.example"}, "declares and publishes no SPF record"},
		{email.Info, "dmarc", []string{"_dmarc.fresh.example"}, "fresh.example declares and publishes no DMARC record at _dmarc.fresh.example"},
	})
}

// TestAnalyzeThroughRealDNS runs the analysis and check_host() through a real DNS
// server on loopback with email.NewDNSResolver, and compares with the in-memory results.
func TestAnalyzeThroughRealDNS(t *testing.T) {
	m := mustZone(t, analyzeZone(t))
	srv := startTestServer(t, m)
	r := email.NewDNSResolver(srv.addr)
	r.Timeout = 2 * time.Second
	ctx := context.Background()

	policies := map[string]*email.Policy{"good": analyzePolicy(), "published": nil}
	bad := analyzePolicy()
	bad.SPF.Include = []string{"loop-a.example.net", "voids.example.net", "nx.example.net", "big.example.net"}
	bad.DMARC.RUA = []string{"mailto:a@noauth.example.org"}
	bad.DKIM = []email.DKIM{{Selector: "weak", CNAME: "weak.dkim.example.net"}}
	policies["bad"] = bad
	for name, p := range policies {
		t.Run(name, func(t *testing.T) {
			want := Analyze(ctx, m, "example.com", p)
			got := Analyze(ctx, r, "example.com", p)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Analyze through DNS differs from in memory (-memory +dns):\n%s", diff)
			}
			if len(got) == 0 {
				t.Errorf("no findings")
			}
		})
	}

	for _, tc := range []struct {
		ip   string
		want email.SPFResult
	}{{"35.190.247.9", email.SPFPass}, {"167.89.1.1", email.SPFPass}, {"198.51.100.1", email.SPFFail}, {"2001:4860:4000::1", email.SPFPass}} {
		res, tr := email.CheckHost(ctx, r, net.ParseIP(tc.ip), "user@example.com", "mail.example.com")
		if res != tc.want {
			t.Errorf("CheckHost(%s) through DNS = %s, want %s (%s)", tc.ip, res, tc.want, tr.Reason)
		}
		memRes, memTr := email.CheckHost(ctx, m, net.ParseIP(tc.ip), "user@example.com", "mail.example.com")
		if diff := cmp.Diff(memTr.Steps, tr.Steps); diff != "" || memRes != res {
			t.Errorf("CheckHost(%s) trace through DNS differs from in memory (-memory +dns):\n%s", tc.ip, diff)
		}
	}
}
