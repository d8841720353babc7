package verify

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

func TestNearestRank(t *testing.T) {
	seq := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(i + 1)
		}
		return out
	}
	tests := []struct {
		name   string
		values []float64
		want   Percentiles
	}{
		{"empty", nil, Percentiles{}},
		{"one value", []float64{7}, Percentiles{P50: 7, P95: 7, P99: 7}},
		{"1..10", seq(10), Percentiles{P50: 5, P95: 10, P99: 10}},
		// rank ⌈0.95·20⌉ = 19 exactly: floating point would round 19.000000000000004 up.
		{"1..20", seq(20), Percentiles{P50: 10, P95: 19, P99: 20}},
		{"1..100", seq(100), Percentiles{P50: 50, P95: 95, P99: 99}},
		{"1..101", seq(101), Percentiles{P50: 51, P95: 96, P99: 100}},
		{"unsorted with outlier", []float64{30, 10, 20, 1000, 40}, Percentiles{P50: 30, P95: 1000, P99: 1000}},
		{"two values", []float64{2, 1}, Percentiles{P50: 1, P95: 2, P99: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := percentiles(tt.values)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("percentiles (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummariseCountsErrorsAndStatuses(t *testing.T) {
	samples := []sample{
		{status: 200, total: 10 * time.Millisecond},
		{status: 200, total: 20 * time.Millisecond},
		{status: 500, total: 30 * time.Millisecond},
		{err: "connection refused", total: 40 * time.Millisecond},
	}
	got := summarise("https://x.test/", "GET", samples, 200)
	want := &HTTPDetail{
		URL: "https://x.test/", Method: "GET", Requests: 4, Errors: 2, ErrorRate: 0.5,
		Statuses:     map[string]int{"200": 2, "500": 1, "error": 1},
		Total:        Percentiles{P50: 20, P95: 40, P99: 40},
		ErrorSamples: []string{"status 500", "connection refused"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summarise (-want +got):\n%s", diff)
	}
}

func TestJudgeExpiry(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		name     string
		notAfter time.Time
		before   time.Time
		want     Status
		reason   string
	}{
		{"90 days", now.Add(90 * day), now.Add(-day), Pass, "in 90 days"},
		{"31 days", now.Add(31*day + time.Hour), now.Add(-day), Pass, "in 31 days"},
		{"30 days warns", now.Add(30*day + time.Hour), now.Add(-day), Warn, "in 30 days"},
		{"20 days warns", now.Add(20*day + time.Hour), now.Add(-day), Warn, "in 20 days"},
		{"14 days warns", now.Add(14*day + time.Hour), now.Add(-day), Warn, "in 14 days"},
		{"13 days fails", now.Add(13*day + time.Hour), now.Add(-day), Fail, "fewer than 14 days"},
		{"expired", now.Add(-3 * day), now.Add(-90 * day), Fail, "expired on 2026-02-26 (3 days ago)"},
		{"not yet valid", now.Add(90 * day), now.Add(day), Fail, "not valid before 2026-03-02"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason, _ := judgeExpiry(tt.notAfter, tt.before, now)
			if got != tt.want || !strings.Contains(reason, tt.reason) {
				t.Errorf("got %s %q, want %s containing %q", got, reason, tt.want, tt.reason)
			}
		})
	}
}

func zoneWith(t *testing.T, records ...*schema.Record) *schema.Zone {
	return &schema.Zone{Name: "example.com", Records: records}
}

func TestBuildRedirectSpec(t *testing.T) {
	z := zoneWith(t,
		rrset(t, "example.com", "shop", "CNAME", true, 0, "shops.example.net"),
		rrset(t, "example.com", "*", "A", true, 0, "192.0.2.1"),
		rrset(t, "example.com", "_dmarc", "TXT", false, 0, "v=DMARC1; p=none"),
	)
	expr := func(name, expression, target, targetExpr string, status int, preserve bool) *schema.Redirect {
		return &schema.Redirect{Name: name, Rule: model.Rule{Expression: expression, Redirect: &model.RedirectAction{
			TargetURL: target, TargetExpression: targetExpr, StatusCode: status, PreserveQuery: preserve}}}
	}
	tests := []struct {
		name    string
		rd      *schema.Redirect
		want    redirectSpec
		wantErr string
	}{
		{"path wildcard, query preserved",
			redirectBlock("r", "https://www.example.com/*", "https://example.com/${1}", 301, true),
			redirectSpec{testURL: "https://www.example.com/launchready-verify/probe?x=1", wantStatus: 301,
				wantLocation: "https://example.com/launchready-verify/probe?x=1"}, ""},
		{"query not preserved",
			redirectBlock("r", "https://www.example.com/*", "https://example.com/${1}", 308, false),
			redirectSpec{testURL: "https://www.example.com/launchready-verify/probe?x=1", wantStatus: 308,
				wantLocation: "https://example.com/launchready-verify/probe"}, ""},
		{"host and path wildcards",
			redirectBlock("r", "https://*.example.com/*", "https://example.com/${1}/${2}", 302, false),
			redirectSpec{testURL: "https://shop.example.com/launchready-verify/probe?x=1", wantStatus: 302,
				wantLocation: "https://example.com/shop/launchready-verify/probe"}, ""},
		{"fixed URL, target with a query, preserved",
			redirectBlock("r", "https://old.example.com/", "https://example.com/?ref=old", 301, true),
			redirectSpec{testURL: "https://old.example.com/?x=1", wantStatus: 301, wantLocation: "https://example.com/?ref=old&x=1"}, ""},
		{"status defaults to 301",
			redirectBlock("r", "https://old.example.com/a", "https://example.com/b", 0, false),
			redirectSpec{testURL: "https://old.example.com/a?x=1", wantStatus: 301, wantLocation: "https://example.com/b"}, ""},
		{"scheme wildcard",
			redirectBlock("r", "*://old.example.com/*", "https://example.com/${2}", 301, false),
			redirectSpec{testURL: "https://old.example.com/launchready-verify/probe?x=1", wantStatus: 301,
				wantLocation: "https://example.com/launchready-verify/probe"}, ""},
		{"expression on the host, static target",
			expr("r", `(http.host eq "old.example.com")`, "https://example.com/", "", 301, false),
			redirectSpec{testURL: "https://old.example.com/?x=1", wantStatus: 301, wantLocation: "https://example.com/"}, ""},
		{"expression on host and path",
			expr("r", `http.host eq "example.com" and http.request.uri.path eq "/old"`, "https://example.com/new", "", 302, true),
			redirectSpec{testURL: "https://example.com/old?x=1", wantStatus: 302, wantLocation: "https://example.com/new?x=1"}, ""},
		{"dashboard wildcard expression",
			expr("r", `(http.request.full_uri wildcard r"https://www.example.com/*")`, "",
				`wildcard_replace(http.request.full_uri, r"https://www.example.com/*", r"https://example.com/${1}")`, 301, false),
			redirectSpec{testURL: "https://www.example.com/launchready-verify/probe?x=1", wantStatus: 301,
				wantLocation: "https://example.com/launchready-verify/probe"}, ""},
		{"dynamic target is not compared",
			expr("r", `http.host eq "old.example.com"`, "", `concat("https://example.com", http.request.uri.path)`, 301, false),
			redirectSpec{testURL: "https://old.example.com/?x=1", wantStatus: 301}, ""},
		{"expression verify cannot read",
			expr("r", `ip.src in {192.0.2.0/24}`, "https://example.com/", "", 301, false),
			redirectSpec{}, "cannot derive a test URL from expression"},
		{"host pattern matching no record",
			redirectBlock("r", "https://*.other.org/*", "https://example.com/", 301, false),
			redirectSpec{}, "no record of zone example.com matches"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := buildRedirectSpec(z, tt.rd)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(redirectSpec{})); diff != "" {
				t.Errorf("spec (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHTTPSHosts(t *testing.T) {
	z := "example.com"
	zone := &schema.Zone{
		Name: z,
		Records: []*schema.Record{
			rrset(t, z, "@", "A", true, 0, "192.0.2.1"),
			rrset(t, z, "*.preview", "CNAME", true, 0, "pages.example.net"),
			rrset(t, z, "mail", "A", false, 0, "192.0.2.2"), // not proxied: not assumed to serve HTTPS
			rrset(t, z, "@", "TXT", false, 0, "v=spf1 -all"),
		},
		Redirects: []*schema.Redirect{
			redirectBlock("a", "https://WWW.example.com/*", "https://example.com/${1}", 301, false),
			redirectBlock("b", "http://legacy.example.com/*", "https://docs.example.org/${1}", 301, false),
			redirectBlock("c", "https://*.old.example.com/*", "http://insecure.example.org/", 301, false),
		},
		Checks: []*schema.Check{{Name: "c", URL: "https://app.example.com/api"}, {Name: "d", URL: "http://status.example.com/"}},
	}
	got := httpsHosts(zone)
	want := []string{"app.example.com", "docs.example.org", "example.com", "launchready-verify.preview.example.com", "www.example.com"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("httpsHosts (-want +got):\n%s", diff)
	}
}

func TestRRValueIsCanonical(t *testing.T) {
	tests := []struct{ rr, want string }{
		{"a.example. 300 IN A 192.0.2.1", "192.0.2.1"},
		{"a.example. 300 IN AAAA 2001:DB8::0001", "2001:db8::1"},
		{"a.example. 300 IN CNAME Target.Example.NET.", "target.example.net"},
		{"a.example. 300 IN MX 10 MX1.Example.net.", "10 mx1.example.net"},
		{"a.example. 300 IN MX 0 .", "0 ."},
		{`a.example. 300 IN TXT "v=spf1 " "-all"`, "v=spf1 -all"},
		{"a.example. 300 IN SRV 10 5 443 Svc.Example.", "10 5 443 svc.example"},
		{`a.example. 300 IN CAA 0 ISSUE "letsencrypt.org"`, `0 issue "letsencrypt.org"`},
		{"a.example. 300 IN NS NS1.Example.", "ns1.example"},
	}
	for _, tt := range tests {
		t.Run(tt.rr, func(t *testing.T) {
			rr, err := dns.NewRR(tt.rr)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := rrValue(rr)
			if !ok || got != tt.want {
				t.Errorf("rrValue = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
}

func TestInsecureSubresources(t *testing.T) {
	tests := []struct {
		name, page string
		want       []string
	}{
		{"clean", `<script src="https://a/x.js"></script><img src="/local.png"><a href="http://ok/">link</a>`, nil},
		{"script", `<SCRIPT SRC="HTTP://cdn/x.js"></SCRIPT>`, []string{"<script src=HTTP://cdn/x.js>"}},
		{"stylesheet link", `<link rel="preconnect" href="http://a/"><link rel="Stylesheet" href="http://a/s.css">`, []string{"<link href=http://a/s.css>"}},
		{"srcset", `<img src="https://a/1.png" srcset="https://a/1.png 1x, http://a/2.png 2x">`, []string{"<img srcset=http://a/2.png>"}},
		{"iframe and object", `<iframe src="http://f/"></iframe><object data="http://o/"></object>`, []string{"<iframe src=http://f/>", "<object data=http://o/>"}},
		{"self-closing", `<img src="http://i/x.png"/>`, []string{"<img src=http://i/x.png>"}},
		{"text mentioning http", `<p>see http://example.org/</p>`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := insecureSubresources([]byte(tt.page))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRobotsNoindex(t *testing.T) {
	tests := []struct {
		v    string
		want bool
	}{
		{"noindex", true},
		{"NoIndex, nofollow", true},
		{"none", true},
		{"googlebot: noindex", true},
		{"nofollow", false},
		{"index, follow", false},
		{"", false},
		{"max-snippet:20, noindex", true},
	}
	for _, tt := range tests {
		if got := robotsNoindex(tt.v); got != tt.want {
			t.Errorf("robotsNoindex(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
}

func TestMetaRobots(t *testing.T) {
	got, ok := metaRobots([]byte(`<html><head><meta charset="utf-8"><meta NAME="Robots" content="noindex,nofollow"></head><body></body></html>`))
	if !ok || got != "noindex,nofollow" {
		t.Errorf("metaRobots = %q, %v", got, ok)
	}
	if _, ok := metaRobots([]byte(`<html><body><p><meta name="robots" content="noindex"></p></body></html>`)); ok {
		t.Error("a meta tag inside <body> does not count")
	}
}

func TestSameURL(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"https://example.com/", "https://example.com/", true},
		{"https://Example.com:443/", "https://example.com", true},
		{"http://example.com:80/a?b=1", "http://example.com/a?b=1", true},
		{"https://example.com/a", "https://example.com/a?x=1", false},
		{"http://example.com/", "https://example.com/", false},
		{"https://example.com:8443/", "https://example.com/", false},
	}
	for _, tt := range tests {
		if got := sameURL(tt.a, tt.b); got != tt.want {
			t.Errorf("sameURL(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSortResults(t *testing.T) {
	rs := []Result{
		{Kind: KindHTTP, Name: "api", Check: CheckLatency},
		{Kind: KindDNS, Name: "www.example.com A", Check: CheckRRSet},
		{Kind: KindDNS, Name: "example.com MX", Check: CheckRRSet},
		{Kind: KindDNS, Name: "example.com", Check: CheckNameservers},
		{Kind: KindDNS, Name: "example.com A", Check: CheckProxied},
		{Kind: KindTLS, Name: "example.com", Check: CheckExpiry},
		{Kind: KindTLS, Name: "example.com", Check: CheckCertificate},
		{Kind: KindHTTP, Name: "api", Check: CheckErrors},
		{Kind: KindEmail, Name: "example.com", Check: "spf"},
	}
	sortResults(rs)
	var got []string
	for _, r := range rs {
		got = append(got, fmt.Sprintf("%s %s %s", r.Kind, r.Name, r.Check))
	}
	want := []string{
		"dns example.com nameservers",
		"dns example.com A proxied",
		"dns example.com MX rrset",
		"dns www.example.com A rrset",
		"tls example.com certificate",
		"tls example.com expiry",
		"http api errors",
		"http api latency",
		"email example.com spf",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestRunRejectsBadOptions(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &schema.Config{}
	tests := []struct {
		name string
		cfg  *schema.Config
		opts Options
		want string
	}{
		{"no config", nil, Options{}, "no configuration"},
		{"resolver without port", cfg, Options{Resolver: "127.0.0.1"}, "must be HOST:PORT"},
		{"missing CA file", cfg, Options{CAFile: filepath.Join(dir, "absent.pem")}, "reading CA file"},
		{"CA file without certificates", cfg, Options{CAFile: garbage}, "holds no PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), tt.cfg, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestRunTasksBoundsConcurrency(t *testing.T) {
	r, err := newRunner(Options{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	var inFlight, peak atomic.Int64
	var tasks []task
	for i := range 12 {
		tasks = append(tasks, task{label: fmt.Sprint(i), run: func(context.Context) []Result {
			n := inFlight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(10 * time.Millisecond)
			inFlight.Add(-1)
			return []Result{{Name: fmt.Sprint(i)}}
		}})
	}
	var mu sync.Mutex
	var progress []int
	r.opts.Progress = func(done, total int, _ string) {
		mu.Lock()
		progress = append(progress, done)
		mu.Unlock()
	}
	r.total = len(tasks)
	got := r.runTasks(context.Background(), tasks, r.opts.Concurrency)
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrency %d, want at most 3 (and some overlap)", p)
	}
	for i, res := range got {
		if res.Name != fmt.Sprint(i) {
			t.Fatalf("results out of task order: %v", got)
		}
	}
	if len(progress) != 12 || progress[len(progress)-1] != 12 {
		t.Errorf("progress calls %v, want 12 ending at 12", progress)
	}
}

func TestReadJSONRoundTripAndVersion(t *testing.T) {
	rep := goldenReport()
	var b strings.Builder
	if err := RenderJSON(&b, rep); err != nil {
		t.Fatal(err)
	}
	got, err := ReadJSON(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(rep, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	_, err = ReadJSON(strings.NewReader(`{"format_version":"0","zones":[]}`))
	if err == nil || !strings.Contains(err.Error(), `format_version "0"`) {
		t.Errorf("error = %v, want a format_version error", err)
	}
}

func TestDialerLookup(t *testing.T) {
	s := newDNSServer(t, "r.test")
	s.set(t,
		"alias.r.test. 300 IN CNAME target.r.test.",
		"target.r.test. 300 IN A 127.0.0.5",
		"target.r.test. 300 IN AAAA ::1",
		"loopa.r.test. 300 IN CNAME loopb.r.test.",
		"loopb.r.test. 300 IN CNAME loopa.r.test.",
		"out.r.test. 300 IN CNAME elsewhere.example.",
	)
	d := &dialer{resolver: s.addr, httpPort: 8080, httpsPort: 8443, timeout: time.Second}
	tests := []struct {
		host    string
		want    []string
		wantErr string
	}{
		{"target.r.test", []string{"127.0.0.5", "::1"}, ""},
		{"alias.r.test", []string{"127.0.0.5", "::1"}, ""},
		{"127.0.0.9", []string{"127.0.0.9"}, ""},
		{"nothing.r.test", nil, "no A or AAAA record"},
		{"loopa.r.test", nil, "CNAME chain too long"},
		{"out.r.test", nil, "REFUSED"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			addrs, err := d.lookup(context.Background(), tt.host)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range addrs {
				got = append(got, a.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("addresses (-want +got):\n%s", diff)
			}
		})
	}
	for port, want := range map[string]string{"80": "8080", "443": "8443", "8000": "8000"} {
		if got := d.mapPort(port); got != want {
			t.Errorf("mapPort(%s) = %s, want %s", port, got, want)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://app.example.com/api?x=1":       "https://app.example.com/api?x=1",
		"https://user:hunter2@app.example.com/": "https://user:xxxxx@app.example.com/",
	} {
		if got := redactURL(in); got != want {
			t.Errorf("redactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
