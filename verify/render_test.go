package verify

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// goldenReport is a report with every kind, status and detail type.
func goldenReport() *Report {
	rep := &Report{
		FormatVersion: FormatVersion,
		StartedAt:     time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		DurationMs:    1234.5,
		Zones: []ZoneReport{{
			Zone: "example.com",
			Results: []Result{
				{Zone: "example.com", Kind: KindHTTP, Name: "dashboard", Check: CheckLatency, Target: "https://app.example.com/api/me",
					Status: Fail, Reason: "too slow: p95 412.0 ms (budget 300 ms; p50 120.5 ms, p99 530.0 ms; time to first byte p95 400.1 ms)",
					HTTP: &HTTPDetail{URL: "https://app.example.com/api/me", Method: "GET", Requests: 50, Errors: 1, ErrorRate: 0.02,
						Statuses: map[string]int{"200": 49, "error": 1},
						Total:    Percentiles{P50: 120.5, P95: 412, P99: 530}, TTFB: Percentiles{P50: 110, P95: 400.1, P99: 520},
						DNS: Percentiles{P99: 3.2}, Connect: Percentiles{P99: 12.5}, TLS: Percentiles{P99: 25},
						Server: Percentiles{P50: 100, P95: 380, P99: 500}, ErrorSamples: []string{"context deadline exceeded"}, BaselineP95: 300}},
				{Zone: "example.com", Kind: KindHTTP, Name: "dashboard", Check: CheckErrors, Target: "https://app.example.com/api/me",
					Status: Fail, Reason: "1 of 50 requests failed (2%, budget 1%): 1× transport error (context deadline exceeded)"},
				{Zone: "example.com", Kind: KindDNS, Name: "example.com", Check: CheckNameservers, Target: "ns1.example.net (192.0.2.53:53), ns2.example.net (192.0.2.54:53)",
					Status: Pass, Reason: "2 authoritative name servers: ns1.example.net (192.0.2.53:53), ns2.example.net (192.0.2.54:53)"},
				{Zone: "example.com", Kind: KindDNS, Name: "api.example.com A", Check: CheckRRSet, Target: "ns1.example.net, ns2.example.net",
					Status: Fail, Reason: "ns2.example.net (192.0.2.54:53): missing 203.0.113.21, unexpected 203.0.113.99",
					DNS: &DNSDetail{Type: "A", Want: []string{"203.0.113.20", "203.0.113.21"}, TTL: 300, Servers: []ServerAnswer{
						{Server: "ns1.example.net", Address: "192.0.2.53:53", Values: []string{"203.0.113.20", "203.0.113.21"}, TTL: 300, Authoritative: true, OK: true},
						{Server: "ns2.example.net", Address: "192.0.2.54:53", Values: []string{"203.0.113.20", "203.0.113.99"}, TTL: 300, Authoritative: true},
					}}},
				{Zone: "example.com", Kind: KindDNS, Name: "example.com A", Check: CheckProxied, Target: "ns1.example.net, ns2.example.net",
					Status: Pass, Reason: "all 2 name servers answer edge addresses (104.16.0.1), not the origin"},
				{Zone: "example.com", Kind: KindTLS, Name: "example.com", Check: CheckExpiry, Target: "104.16.0.1:443",
					Status: Warn, Reason: "certificate expires on 2026-03-21, in 20 days (renew soon: verify fails below 14 days)",
					TLS: &TLSDetail{Host: "example.com", NotAfter: time.Date(2026, 3, 21, 10, 0, 0, 0, time.UTC), DaysLeft: 20}},
				{Zone: "example.com", Kind: KindTLS, Name: "example.com", Check: CheckCertificate, Target: "104.16.0.1:443",
					Status: Pass, Reason: "valid chain to a trusted root, issued by Example CA, covers example.com",
					TLS: &TLSDetail{Host: "example.com", Address: "104.16.0.1:443", Version: "TLS 1.3", MinVersion: "TLS 1.2",
						Subject: "CN=example.com", Issuer: "CN=Example CA", DNSNames: []string{"example.com", "*.example.com"},
						NotAfter: time.Date(2026, 3, 21, 10, 0, 0, 0, time.UTC), DaysLeft: 20}},
				{Zone: "example.com", Kind: KindRedirect, Name: "www-to-apex", Check: CheckRedirect, Target: "https://www.example.com/launchready-verify/probe?x=1",
					Status: Pass, Reason: "301 to https://example.com/launchready-verify/probe?x=1 in one hop; the target answers 200",
					Redirect: &RedirectDetail{URL: "https://www.example.com/launchready-verify/probe?x=1", WantStatus: 301,
						WantLocation: "https://example.com/launchready-verify/probe?x=1", Hops: []Hop{
							{URL: "https://www.example.com/launchready-verify/probe?x=1", Status: 301, Location: "https://example.com/launchready-verify/probe?x=1"},
							{URL: "https://example.com/launchready-verify/probe?x=1", Status: 200},
						}}},
				{Zone: "example.com", Kind: KindEmail, Name: "example.com", Check: "spf", Status: Pass,
					Reason: "SPF resolves in 4 DNS lookups (limit 10)", Details: map[string]any{"lookups": "4"}},
				{Zone: "example.com", Kind: KindEmail, Name: "example.com", Check: "spf", Status: Fail,
					Reason:  "include target _spf.gone.example does not exist: receivers return permerror (RFC 7208 §5.2, §6.1)",
					Details: map[string]any{"chain": []string{"example.com", "include:_spf.vendor.example", "include:_spf.gone.example"}}},
				{Zone: "example.com", Kind: KindHTTP, Name: "dashboard", Check: CheckHeaders, Status: Skip, Reason: "not run: an example of a skipped check"},
			},
		}, {
			Zone: "example.org",
		}},
	}
	rep.finish()
	return rep
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./verify -run Golden -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

func TestGoldenRenderText(t *testing.T) {
	for _, tt := range []struct {
		file  string
		color bool
	}{{"report.txt", false}, {"report-color.txt", true}} {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := RenderText(&b, goldenReport(), tt.color); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.file, b.Bytes())
		})
	}
}

// TestRenderTextAfterJSON renders a report read back from JSON (a --baseline file,
// the DNS map's latest report): the same text as the report in memory.
func TestRenderTextAfterJSON(t *testing.T) {
	var js, want, got bytes.Buffer
	if err := RenderJSON(&js, goldenReport()); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&js)
	if err != nil {
		t.Fatal(err)
	}
	if err := RenderText(&want, goldenReport(), false); err != nil {
		t.Fatal(err)
	}
	if err := RenderText(&got, back, false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("text of the report read back from JSON differs (-memory +json):\n%s", diff)
	}
}

func TestRenderTextSuffixes(t *testing.T) {
	lat := func(dns, connect, tls, server float64) *HTTPDetail {
		return &HTTPDetail{DNS: Percentiles{P95: dns, P99: dns + 1}, Connect: Percentiles{P95: connect}, TLS: Percentiles{P95: tls}, Server: Percentiles{P50: 1, P95: server}}
	}
	tests := []struct {
		name string
		res  Result
		want string // the row's reason column
	}{
		{"all phases", Result{Check: CheckLatency, Reason: "p95 40.0 ms", HTTP: lat(3.2, 12.5, 25, 380)},
			"p95 40.0 ms [p95 dns 3.2, connect 12.5, tls 25.0, server 380.0 ms]"},
		{"reused connections: only server", Result{Check: CheckLatency, Reason: "p95 4.0 ms", HTTP: lat(0, 0, 0, 3.25)},
			"p95 4.0 ms [p95 server 3.2 ms]"},
		{"no phase took time", Result{Check: CheckLatency, Reason: "p95 0.0 ms", HTTP: lat(0, 0, 0, 0)}, "p95 0.0 ms"},
		{"phases only on latency rows", Result{Check: CheckErrors, Reason: "0 of 20 requests failed", HTTP: lat(1, 1, 1, 1)}, "0 of 20 requests failed"},
		{"latency without metrics", Result{Check: CheckLatency, Reason: "not run"}, "not run"},
		{"chain", Result{Kind: KindEmail, Check: "dkim", Reason: "no key", Details: map[string]any{"chain": []string{"s1._domainkey.example.com", "s1.sendgrid.example"}}},
			"no key (via s1._domainkey.example.com → s1.sendgrid.example)"},
		{"chain read from JSON", Result{Kind: KindEmail, Check: "spf", Reason: "loop", Details: map[string]any{"chain": []any{"example.com", "include:a.example", "include:b.example"}}},
			"loop (via example.com → include:a.example → include:b.example)"},
		{"a chain of one name adds nothing", Result{Kind: KindEmail, Check: "dmarc", Reason: "no DMARC record", Details: map[string]any{"chain": []string{"_dmarc.example.com"}}}, "no DMARC record"},
		{"a chain of another shape is ignored", Result{Kind: KindEmail, Check: "spf", Reason: "odd", Details: map[string]any{"chain": []any{"example.com", 3}}}, "odd"},
		{"no details", Result{Kind: KindEmail, Check: "spf", Reason: "fine"}, "fine"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.res.Zone, tt.res.Name, tt.res.Status = "example.com", "subject", Pass
			if tt.res.Kind == "" {
				tt.res.Kind = KindHTTP
			}
			rep := &Report{Zones: []ZoneReport{{Zone: "example.com", Results: []Result{tt.res}}}}
			rep.finish()
			var b bytes.Buffer
			if err := RenderText(&b, rep, false); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(b.String(), "\n")
			row := strings.TrimSpace(lines[2])
			prefix := "PASS  " + tt.res.Check + "  subject  "
			if !strings.HasPrefix(row, prefix) {
				t.Fatalf("row %q does not start with %q", row, prefix)
			}
			if got := strings.TrimPrefix(row, prefix); got != tt.want {
				t.Errorf("reason column:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestGoldenRenderJSON(t *testing.T) {
	var b bytes.Buffer
	if err := RenderJSON(&b, goldenReport()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.json", b.Bytes())
}

func TestFailed(t *testing.T) {
	tests := []struct {
		name string
		sum  Summary
		want bool
	}{
		{"all pass", Summary{Pass: 3}, false},
		{"warnings and skips do not fail", Summary{Pass: 1, Warn: 2, Skip: 1}, false},
		{"one failure", Summary{Pass: 5, Fail: 1}, true},
	}
	for _, tt := range tests {
		if got := (&Report{Summary: tt.sum}).Failed(); got != tt.want {
			t.Errorf("%s: Failed() = %v, want %v", tt.name, got, tt.want)
		}
	}
	if (*Report)(nil).Failed() {
		t.Error("a nil report does not fail")
	}
}
