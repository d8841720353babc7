package verify

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

const (
	testToken    = "s3cr3t-launch-token-do-not-print"
	testTokenEnv = "LAUNCHREADY_VERIFY_TEST_TOKEN"
	unsetEnv     = "LAUNCHREADY_VERIFY_TEST_UNSET_TOKEN"
)

// launchWorld is the loopback world of zone launch.test (and split.test).
type launchWorld struct {
	ca   *testCA
	dns  *dnsServer
	web  *webWorld
	opts Options
}

func hostOf(r *http.Request) string {
	h := r.Host
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	return strings.ToLower(h)
}

func redirectTo(w http.ResponseWriter, loc string, status int) {
	w.Header().Set("Location", loc)
	w.WriteHeader(status)
}

func htmlPage(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprint(w, "<!doctype html><html><head><title>t</title></head><body>"+body+"</body></html>")
}

func newLaunchWorld(t *testing.T) *launchWorld {
	t.Helper()
	lw := &launchWorld{ca: newTestCA(t, "launchready test CA")}
	var flaky atomic.Int64

	https := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := hostOf(r)
		rest := strings.TrimPrefix(r.URL.Path, "/")
		q := ""
		if r.URL.RawQuery != "" {
			q = "?" + r.URL.RawQuery
		}
		switch host {
		case "www.launch.test":
			redirectTo(w, "https://launch.test/"+rest+q, 301)
		case "two.launch.test":
			redirectTo(w, "https://mid.launch.test/"+rest+q, 301)
		case "mid.launch.test":
			redirectTo(w, "https://launch.test/"+rest+q, 301)
		case "loop.launch.test":
			redirectTo(w, "https://loopback.launch.test/"+rest+q, 301)
		case "loopback.launch.test":
			redirectTo(w, "https://loop.launch.test/"+rest+q, 301)
		case "status.launch.test":
			redirectTo(w, "https://launch.test/"+rest+q, 302)
		case "query.launch.test":
			redirectTo(w, "https://launch.test/"+rest, 301)
		case "split.test":
			redirectTo(w, "https://www.split.test/", 301)
		case "www.split.test":
			redirectTo(w, "https://split.test/", 301)
		case "app.launch.test":
			appRoutes(w, r, &flaky)
		default:
			htmlPage(w, "<p>welcome</p>")
		}
	})
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hostOf(r) == "nohttps.launch.test" {
			htmlPage(w, "<p>plain</p>")
			return
		}
		redirectTo(w, "https://"+hostOf(r)+r.URL.RequestURI(), 301)
	})
	lw.web = newWebWorld(t, lw.ca, https, plain)

	now := time.Now()
	lw.web.setCert("expired.launch.test", lw.ca.issue(t, now.Add(-100*24*time.Hour), now.Add(-24*time.Hour), "expired.launch.test"))
	lw.web.setCert("soon.launch.test", lw.ca.issue(t, now.Add(-time.Hour), now.Add(20*24*time.Hour+time.Hour), "soon.launch.test"))
	lw.web.setCert("wrongsan.launch.test", lw.ca.issue(t, now.Add(-time.Hour), now.Add(90*24*time.Hour), "other.launch.test"))
	lw.web.setCert("untrusted.launch.test", newTestCA(t, "rogue CA").issue(t, now.Add(-time.Hour), now.Add(90*24*time.Hour), "untrusted.launch.test"))
	lw.web.mu.Lock()
	lw.web.tls10["legacy.launch.test"] = true
	lw.web.mu.Unlock()

	lw.dns = newDNSServer(t, "launch.test", "split.test")
	lw.dns.setFallback("launch.test", "127.0.0.1")
	lw.dns.setFallback("split.test", "127.0.0.1")
	lw.dns.set(t,
		// the correct zone: proxied names answer with the edge (127.0.0.1)
		"launch.test. 300 IN A 127.0.0.1",
		"www.launch.test. 300 IN A 127.0.0.1",
		"app.launch.test. 300 IN A 127.0.0.1",
		"api.launch.test. 300 IN A 127.0.0.20",
		"api.launch.test. 300 IN A 127.0.0.21",
		"launch.test. 3600 IN MX 10 MX1.Mailhost.NET.",
		"launch.test. 3600 IN MX 20 mx2.mailhost.net.",
		`launch.test. 300 IN TXT "v=spf1 include:_spf.google.com " "-all"`,
		`_dmarc.launch.test. 300 IN TXT "v=DMARC1; p=quarantine"`,
		`launch.test. 300 IN CAA 0 issue "letsencrypt.org"`,
		"_sip._tcp.launch.test. 300 IN SRV 10 5 5060 sip.launch.test.",
		// faults
		"bad.launch.test. 300 IN A 127.0.0.20",
		"bad.launch.test. 300 IN A 127.0.0.99",
		"exposed.launch.test. 300 IN A 127.0.0.3",
		"cname-exposed.launch.test. 300 IN CNAME app-prod.fly.dev.",
		"ttl.launch.test. 60 IN A 127.0.0.40",
	)
	t.Setenv(testTokenEnv, "Bearer "+testToken)
	lw.opts = Options{
		Resolver:  lw.dns.addr,
		CAFile:    lw.ca.writeFile(t),
		HTTPPort:  lw.web.httpPort,
		HTTPSPort: lw.web.httpsPort,
		Timeout:   3 * time.Second,
	}
	return lw
}

// appRoutes serve app.launch.test.
func appRoutes(w http.ResponseWriter, r *http.Request, flaky *atomic.Int64) {
	authed := r.Header.Get("Authorization") == "Bearer "+testToken
	switch r.URL.Path {
	case "/api/me":
		if !authed {
			http.Error(w, "unauthorised", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cf-Cache-Status", "DYNAMIC")
		fmt.Fprint(w, `{"user":"ada"}`)
	case "/api/cached":
		if !authed {
			http.Error(w, "unauthorised", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cf-Cache-Status", "HIT")
		w.Header().Set("Age", "42")
		fmt.Fprint(w, `{"user":"someone else"}`)
	case "/admin":
		w.Header().Set("X-Robots-Tag", "noindex, nofollow")
		htmlPage(w, `<script src="https://app.launch.test/app.js"></script><img srcset="https://app.launch.test/a.png 1x, /b.png 2x">`)
	case "/admin-meta":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><meta name="robots" content="noindex"></head><body>admin</body></html>`)
	case "/public":
		htmlPage(w, `<p>hello</p>`)
	case "/mixed":
		htmlPage(w, `<link rel="stylesheet" href="https://app.launch.test/s.css"><script src="http://cdn.launch.test/app.js"></script><a href="http://example.org/">a link is fine</a>`)
	case "/slow":
		time.Sleep(60 * time.Millisecond)
		fmt.Fprint(w, "slow")
	case "/flaky":
		if flaky.Add(1)%50 == 0 {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, "ok")
	default:
		http.NotFound(w, r)
	}
}

var emailPolicyForTest = email.Policy{DMARC: &email.DMARC{Policy: "reject"}}

func bearer(env string) map[string]schema.Secret {
	return map[string]schema.Secret{"Authorization": {Env: env}}
}

// goodZone is launch.test declared correctly: every check must pass.
func goodZone(t *testing.T) *schema.Zone {
	z := "launch.test"
	return &schema.Zone{
		Name: z, Provider: "cloudflare", ProviderKind: "cloudflare",
		Settings: settings(map[string]string{model.SettingAlwaysUseHTTPS: "on", model.SettingMinTLSVersion: "1.2"}),
		Records: []*schema.Record{
			rrset(t, z, "@", "A", true, 0, "192.0.2.1"),
			rrset(t, z, "www", "CNAME", true, 0, "launch.test"),
			rrset(t, z, "app", "A", true, 0, "192.0.2.2"),
			rrset(t, z, "api", "A", false, 300, "127.0.0.21", "127.0.0.20"),
			rrset(t, z, "@", "MX", false, 3600, "10 mx1.mailhost.net.", "20 mx2.mailhost.net"),
			rrset(t, z, "@", "TXT", false, 300, "v=spf1 include:_spf.google.com -all"),
			rrset(t, z, "_dmarc", "TXT", false, 0, "v=DMARC1; p=quarantine"),
			rrset(t, z, "@", "CAA", false, 300, `0 issue "letsencrypt.org"`),
			rrset(t, z, "_sip._tcp", "SRV", false, 300, "10 5 5060 sip.launch.test."),
		},
		Redirects: []*schema.Redirect{
			redirectBlock("www-to-apex", "https://www.launch.test/*", "https://launch.test/${1}", 301, true),
		},
		Checks: []*schema.Check{
			{Name: "dashboard", URL: "https://app.launch.test/api/me", Method: "GET", Headers: bearer(testTokenEnv),
				ExpectStatus: 200, Requests: 20, Concurrency: 4, P95Ms: 2000, MaxErrorRate: 0.01, NeverCached: true},
			{Name: "admin", URL: "https://app.launch.test/admin", Requests: 4, Concurrency: 2, P95Ms: 2000,
				MaxErrorRate: 0.01, NoMixedContent: true, Noindex: true},
			{Name: "admin-meta", URL: "https://app.launch.test/admin-meta", Requests: 2, P95Ms: 2000, Noindex: true, NoMixedContent: true},
		},
		Email: nil,
	}
}

func renderText(t *testing.T, rep *Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := RenderText(&b, rep, false); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRunCorrectSetupPassesWithoutWarning(t *testing.T) {
	lw := newLaunchWorld(t)
	cfg := &schema.Config{Zones: []*schema.Zone{goodZone(t)}}
	var calls atomic.Int64
	opts := lw.opts
	opts.Progress = func(done, total int, current string) {
		calls.Add(1)
		if done > total {
			t.Errorf("progress %d/%d", done, total)
		}
	}
	rep, err := Run(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	text := renderText(t, rep)
	// The one skip: the DNS-only api.launch.test has nothing on port 443.
	if rep.Summary.Fail != 0 || rep.Summary.Warn != 0 || rep.Summary.Skip != 1 || rep.Failed() {
		t.Fatalf("a correct setup must pass without warning; got %+v:\n%s", rep.Summary, text)
	}
	if r := find(t, rep, "launch.test", KindTLS, "api.launch.test", CheckCertificate); r.Status != Skip {
		t.Errorf("api.launch.test probe = %s %q, want skip (nothing on 443)", r.Status, r.Reason)
	}
	// Every kind of check ran.
	for _, want := range []struct {
		kind        Kind
		name, check string
	}{
		{KindDNS, "launch.test", CheckNameservers},
		{KindDNS, "api.launch.test A", CheckRRSet},
		{KindDNS, "launch.test TXT", CheckRRSet},
		{KindDNS, "launch.test MX", CheckRRSet},
		{KindDNS, "launch.test CAA", CheckRRSet},
		{KindDNS, "_sip._tcp.launch.test SRV", CheckRRSet},
		{KindDNS, "launch.test A", CheckProxied},
		{KindDNS, "www.launch.test CNAME", CheckProxied},
		{KindTLS, "launch.test", CheckCertificate},
		{KindTLS, "launch.test", CheckExpiry},
		{KindTLS, "launch.test", CheckTLSVersion},
		{KindTLS, "launch.test", CheckHTTPToHTTPS},
		{KindTLS, "www.launch.test", CheckCertificate},
		{KindTLS, "app.launch.test", CheckCertificate},
		{KindRedirect, "www-to-apex", CheckRedirect},
		{KindRedirect, "launch.test/www.launch.test", CheckApexWWW},
		{KindHTTP, "dashboard", CheckErrors},
		{KindHTTP, "dashboard", CheckLatency},
		{KindHTTP, "dashboard", CheckNeverCached},
		{KindHTTP, "admin", CheckMixed},
		{KindHTTP, "admin", CheckNoindex},
		{KindHTTP, "admin-meta", CheckNoindex},
	} {
		r := find(t, rep, "launch.test", want.kind, want.name, want.check)
		if r.Status != Pass {
			t.Errorf("%s %s %s: %s (%s)", want.kind, want.name, want.check, r.Status, r.Reason)
		}
	}
	if got := find(t, rep, "launch.test", KindTLS, "launch.test", CheckTLSVersion).Reason; !strings.Contains(got, "TLS 1.1 refused") {
		t.Errorf("tls_version reason %q does not say the version below the minimum was refused", got)
	}
	lat := find(t, rep, "launch.test", KindHTTP, "dashboard", CheckLatency)
	if lat.HTTP == nil || lat.HTTP.Requests != 20 || lat.HTTP.Statuses["200"] != 20 || lat.HTTP.Total.P95 <= 0 || lat.HTTP.TTFB.P50 <= 0 {
		t.Errorf("dashboard metrics incomplete: %+v", lat.HTTP)
	}
	if lat.HTTP != nil && (lat.HTTP.DNS.P99 <= 0 || lat.HTTP.Connect.P99 <= 0 || lat.HTTP.TLS.P99 <= 0) {
		t.Errorf("the phases of new connections were not traced: dns %+v connect %+v tls %+v", lat.HTTP.DNS, lat.HTTP.Connect, lat.HTTP.TLS)
	}
	t.Logf("report:\n%s", text)
	if calls.Load() == 0 {
		t.Error("Progress was never called")
	}
	var js bytes.Buffer
	if err := RenderJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text+js.String(), testToken) {
		t.Error("the check's secret header value appears in the report")
	}
}

// faultZone declares one fault per record, host, redirect and check.
func faultZone(t *testing.T) *schema.Zone {
	z := "launch.test"
	proxied := func(name, origin string) *schema.Record { return rrset(t, z, name, "A", true, 0, origin) }
	return &schema.Zone{
		Name: z, Provider: "cloudflare", ProviderKind: "cloudflare",
		Settings: settings(map[string]string{model.SettingAlwaysUseHTTPS: "on", model.SettingMinTLSVersion: "1.2"}),
		Records: []*schema.Record{
			rrset(t, z, "bad", "A", false, 300, "127.0.0.20", "127.0.0.21"),
			rrset(t, z, "exposed", "A", true, 0, "127.0.0.3"),
			rrset(t, z, "cname-exposed", "CNAME", true, 0, "app-prod.fly.dev"),
			rrset(t, z, "ttl", "A", false, 300, "127.0.0.40"),
			rrset(t, z, "missing", "TXT", false, 0, "hello"),
			proxied("expired", "192.0.2.10"),
			proxied("soon", "192.0.2.11"),
			proxied("wrongsan", "192.0.2.12"),
			proxied("legacy", "192.0.2.13"),
			proxied("untrusted", "192.0.2.14"),
			proxied("nohttps", "192.0.2.15"),
		},
		Redirects: []*schema.Redirect{
			redirectBlock("two-hops", "https://two.launch.test/*", "https://mid.launch.test/${1}", 301, true),
			redirectBlock("loop", "https://loop.launch.test/*", "https://loopback.launch.test/${1}", 301, true),
			redirectBlock("wrong-status", "https://status.launch.test/*", "https://launch.test/${1}", 301, true),
			redirectBlock("query-dropped", "https://query.launch.test/*", "https://launch.test/${1}", 301, true),
			redirectBlock("no-redirect", "https://noredir.launch.test/*", "https://launch.test/${1}", 308, false),
		},
		Checks: []*schema.Check{
			{Name: "slow", URL: "https://app.launch.test/slow", Requests: 6, Concurrency: 3, P95Ms: 20, MaxErrorRate: 0.01},
			{Name: "flaky", URL: "https://app.launch.test/flaky", Requests: 100, Concurrency: 4, P95Ms: 2000, MaxErrorRate: 0.01},
			{Name: "cached", URL: "https://app.launch.test/api/cached", Headers: bearer(testTokenEnv), Requests: 5, P95Ms: 2000, MaxErrorRate: 0.01, NeverCached: true},
			{Name: "mixed", URL: "https://app.launch.test/mixed", Requests: 2, P95Ms: 2000, NoMixedContent: true},
			{Name: "public", URL: "https://app.launch.test/public", Requests: 2, P95Ms: 2000, Noindex: true},
			{Name: "no-secret", URL: "https://app.launch.test/api/me", Headers: bearer(unsetEnv), Requests: 2, P95Ms: 2000},
		},
		Email: &emailPolicyForTest,
	}
}

func splitZone(t *testing.T) *schema.Zone {
	z := "split.test"
	return &schema.Zone{
		Name: z, Provider: "cloudflare", ProviderKind: "cloudflare",
		Records: []*schema.Record{
			rrset(t, z, "@", "A", true, 0, "192.0.2.30"),
			rrset(t, z, "www", "CNAME", true, 0, "split.test"),
		},
	}
}

func TestRunReportsEachFault(t *testing.T) {
	lw := newLaunchWorld(t)
	cfg := &schema.Config{Zones: []*schema.Zone{faultZone(t), splitZone(t)}}
	rep, err := Run(context.Background(), cfg, lw.opts)
	if err != nil {
		t.Fatal(err)
	}
	text := renderText(t, rep)
	tests := []struct {
		zone        string
		kind        Kind
		name, check string
		status      Status
		reason      string // must be contained in Reason
	}{
		{"launch.test", KindDNS, "bad.launch.test A", CheckRRSet, Fail, "missing 127.0.0.21, unexpected 127.0.0.99"},
		{"launch.test", KindDNS, "exposed.launch.test A", CheckProxied, Fail, "origin exposed: answers 127.0.0.3"},
		{"launch.test", KindDNS, "cname-exposed.launch.test CNAME", CheckProxied, Fail, "origin exposed: answers CNAME app-prod.fly.dev"},
		{"launch.test", KindDNS, "ttl.launch.test A", CheckRRSet, Warn, "TTL 60, want 300"},
		{"launch.test", KindDNS, "missing.launch.test TXT", CheckRRSet, Fail, "serves nothing, want hello"},
		{"launch.test", KindTLS, "expired.launch.test", CheckCertificate, Fail, "outside its validity period"},
		{"launch.test", KindTLS, "expired.launch.test", CheckExpiry, Fail, "certificate expired on"},
		{"launch.test", KindTLS, "soon.launch.test", CheckExpiry, Warn, "in 20 days"},
		{"launch.test", KindTLS, "soon.launch.test", CheckCertificate, Pass, "valid chain"},
		{"launch.test", KindTLS, "wrongsan.launch.test", CheckCertificate, Fail, "does not cover wrongsan.launch.test: it is valid for other.launch.test"},
		{"launch.test", KindTLS, "legacy.launch.test", CheckTLSVersion, Fail, "negotiated TLS 1.0, below min_tls_version TLS 1.2"},
		{"launch.test", KindTLS, "legacy.launch.test", CheckCertificate, Pass, "valid chain"},
		{"launch.test", KindTLS, "untrusted.launch.test", CheckCertificate, Fail, "does not lead to a trusted root (issued by rogue CA)"},
		{"launch.test", KindTLS, "untrusted.launch.test", CheckTLSVersion, Skip, "handshake did not complete"},
		{"launch.test", KindTLS, "nohttps.launch.test", CheckHTTPToHTTPS, Fail, "http://nohttps.launch.test/ answered 200 instead of redirecting"},
		{"launch.test", KindTLS, "soon.launch.test", CheckHTTPToHTTPS, Pass, "redirects to https://soon.launch.test/"},
		{"launch.test", KindTLS, "exposed.launch.test", CheckCertificate, Fail, "cannot connect"},
		{"launch.test", KindRedirect, "two-hops", CheckRedirect, Fail, "2 redirects instead of one"},
		{"launch.test", KindRedirect, "loop", CheckRedirect, Fail, "redirect loop"},
		{"launch.test", KindRedirect, "wrong-status", CheckRedirect, Fail, "status 302, want 301"},
		{"launch.test", KindRedirect, "query-dropped", CheckRedirect, Fail,
			"Location https://launch.test/launchready-verify/probe, want https://launch.test/launchready-verify/probe?x=1"},
		{"launch.test", KindRedirect, "no-redirect", CheckRedirect, Fail, "no redirect: https://noredir.launch.test/launchready-verify/probe?x=1 answered 200, want 308"},
		{"launch.test", KindHTTP, "slow", CheckLatency, Fail, "too slow: p95"},
		{"launch.test", KindHTTP, "slow", CheckErrors, Pass, "0 of 6 requests failed"},
		{"launch.test", KindHTTP, "flaky", CheckErrors, Fail, "2 of 100 requests failed (2%, budget 1%): 2× status 500"},
		{"launch.test", KindHTTP, "flaky", CheckLatency, Pass, "p95"},
		{"launch.test", KindHTTP, "cached", CheckNeverCached, Fail, "5 of 5 responses came from a cache (cf-cache-status: HIT)"},
		{"launch.test", KindHTTP, "cached", CheckErrors, Pass, "0 of 5 requests failed"},
		{"launch.test", KindHTTP, "mixed", CheckMixed, Fail, "<script src=http://cdn.launch.test/app.js>"},
		{"launch.test", KindHTTP, "public", CheckNoindex, Fail, "may be indexed"},
		{"launch.test", KindHTTP, "no-secret", CheckHeaders, Fail, "header Authorization: environment variable " + unsetEnv + " is not set"},
		{"launch.test", KindEmail, "launch.test", CheckEmail, Skip, "Options.EmailAnalyze is nil"},
		{"split.test", KindRedirect, "split.test/www.split.test", CheckApexWWW, Fail, "(loop)"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s/%s", tt.kind, tt.name, tt.check), func(t *testing.T) {
			got := find(t, rep, tt.zone, tt.kind, tt.name, tt.check)
			if got.Status != tt.status || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("got %s %q\nwant %s containing %q", got.Status, got.Reason, tt.status, tt.reason)
			}
		})
	}
	if !rep.Failed() {
		t.Error("Failed() = false for a report with failures")
	}
	if strings.Contains(text, testToken) {
		t.Error("secret printed")
	}
	if t.Failed() {
		t.Logf("report:\n%s", text)
	}
}
