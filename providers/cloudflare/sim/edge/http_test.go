package edge

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// answer is what a test looks at in a response.
type answer struct {
	Status      int
	Location    string `json:",omitempty"`
	CacheStatus string `json:",omitempty"`
	Age         string `json:",omitempty"`
	Body        string `json:",omitempty"`
}

var rayFormat = regexp.MustCompile(`^[0-9a-f]{16}-SIM$`)

// do sends one request and checks the headers every edge response carries.
func do(t *testing.T, c *http.Client, method, url string) (answer, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Server"); got != "cloudflare" {
		t.Errorf("%s %s: Server %q, want cloudflare", method, url, got)
	}
	if got := resp.Header.Get("Cf-Ray"); !rayFormat.MatchString(got) {
		t.Errorf("%s %s: CF-Ray %q, want 16 hex digits and -SIM", method, url, got)
	}
	return answer{
		Status: resp.StatusCode, Location: resp.Header.Get("Location"), CacheStatus: resp.Header.Get("Cf-Cache-Status"),
		Age: resp.Header.Get("Age"), Body: string(b),
	}, resp.Header
}

// flexibleWorld is the test zone with plain-HTTP origins (ssl flexible).
type flexibleWorld struct {
	src          *fakeSource
	e            *Edge
	c            *http.Client
	clock        *fakeClock
	apex, app    *originServer
	apps, oldApp *originServer
}

func newFlexibleWorld(t *testing.T) *flexibleWorld {
	t.Helper()
	w := &flexibleWorld{src: newFakeSource(testZone()), clock: newFakeClock()}
	w.apex = newOrigin(t, "apex", nil)
	w.app = newOrigin(t, "app", nil)
	w.apps = newOrigin(t, "apps", nil)
	w.e = startEdge(t, Options{Source: w.src, Now: w.clock.Now, Origins: map[string]string{
		"203.0.113.10":     w.apex.addr(),
		"APP-PROD.fly.dev": w.app.addr(), // keys are compared canonically
		"203.0.113.40":     w.apps.addr(),
	}})
	w.c = clientAt(w.e, w.clock.Now)
	return w
}

func originBody(name, conn, host, uri, visitor string) string {
	return "origin=" + name + " conn=" + conn + " host=" + host + " uri=" + uri + " visitor=" + visitor + " ray=true"
}

func TestHTTPRequests(t *testing.T) {
	w := newFlexibleWorld(t)
	tests := []struct {
		name, method, url string
		want              answer
	}{
		{"always_use_https keeps path and query, drops the port", "GET", "http://example.com/path/x?q=1&r=2",
			answer{Status: 301, Location: "https://example.com/path/x?q=1&r=2"}},
		{"always_use_https comes before redirect rules", "GET", "http://www.example.com/a",
			answer{Status: 301, Location: "https://www.example.com/a"}},
		{"wildcard redirect with the query preserved", "GET", "https://www.example.com/a/b?x=1",
			answer{Status: 301, Location: "https://example.com/a/b?x=1"}},
		{"wildcard redirect of the root", "GET", "https://www.example.com/",
			answer{Status: 301, Location: "https://example.com/"}},
		{"wildcard redirect matches any method", "POST", "https://www.example.com/form",
			answer{Status: 301, Location: "https://example.com/form"}},
		{"static redirect drops the query", "GET", "https://old.example.com/anything?x=1",
			answer{Status: 302, Location: "https://example.com/new"}},
		{"not() excludes a path: proxied instead", "GET", "https://old.example.com/keep/me?x=1",
			answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("apex", "http", "old.example.com", "/keep/me?x=1", "https")}},
		{"apex proxied to its origin; disabled rule ignored", "GET", "https://example.com/",
			answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("apex", "http", "example.com", "/", "https")}},
		{"CNAME to an external origin; bypass rule", "GET", "https://app.example.com/api/me",
			answer{Status: 200, CacheStatus: "BYPASS", Body: originBody("app", "http", "app.example.com", "/api/me", "https")}},
		{"proxied wildcard", "GET", "https://pr-7.apps.example.com/x",
			answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("apps", "http", "pr-7.apps.example.com", "/x", "https")}},
		{"unmapped origin is 523", "GET", "https://v6.example.com/",
			answer{Status: 523, Body: "error code: 523\n"}},
		{"name that is not proxied is 1001", "GET", "http://plain.example.com/",
			answer{Status: 409, Body: "error code: 1001\n"}},
		{"unknown zone is 1001", "GET", "http://example.org/",
			answer{Status: 409, Body: "error code: 1001\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := do(t, w.c, tt.method, tt.url)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tt.method, tt.url, diff)
			}
		})
	}
}

func TestHTTPSecurityHeaders(t *testing.T) {
	w := newFlexibleWorld(t)
	_, h := do(t, w.c, "GET", "https://example.com/")
	got := map[string]string{"hsts": h.Get("Strict-Transport-Security"), "nosniff": h.Get("X-Content-Type-Options")}
	want := map[string]string{"hsts": "max-age=31536000; includeSubDomains", "nosniff": "nosniff"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HTTPS response (-want +got):\n%s", diff)
	}
	_, h = do(t, w.c, "GET", "https://www.example.com/") // a redirect carries HSTS too
	if h.Get("Strict-Transport-Security") == "" {
		t.Errorf("redirect over HTTPS has no HSTS header")
	}
	_, h = do(t, w.c, "GET", "http://example.com/")
	if got := h.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("plain HTTP response carries HSTS %q", got)
	}
	w.src.update("example.com", func(z *model.LiveZone) { z.Settings.HSTS.Enabled = false })
	_, h = do(t, w.c, "GET", "https://example.com/")
	if got := h.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("HSTS disabled, header %q still sent", got)
	}
}

func TestHTTPWithoutAlwaysUseHTTPS(t *testing.T) {
	w := newFlexibleWorld(t)
	w.src.update("example.com", func(z *model.LiveZone) { z.Settings.Values[model.SettingAlwaysUseHTTPS] = "off" })
	tests := []struct {
		url  string
		want answer
	}{
		// The www rule's pattern is https://, so plain HTTP reaches the origin.
		{"http://www.example.com/a?b=1", answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("apex", "http", "www.example.com", "/a?b=1", "http")}},
		{"http://old.example.com/x", answer{Status: 302, Location: "https://example.com/new"}},
	}
	for _, tt := range tests {
		got, _ := do(t, w.c, "GET", tt.url)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.url, diff)
		}
	}
	// The cache key holds the scheme: http and https are cached apart.
	var statuses []string
	for _, u := range []string{"https://example.com/assets/both.js", "http://example.com/assets/both.js",
		"https://example.com/assets/both.js", "http://example.com/assets/both.js"} {
		got, _ := do(t, w.c, "GET", u)
		statuses = append(statuses, got.CacheStatus)
	}
	if diff := cmp.Diff([]string{"MISS", "MISS", "HIT", "HIT"}, statuses); diff != "" {
		t.Errorf("cache statuses (-want +got):\n%s", diff)
	}
}

func TestHTTPCache(t *testing.T) {
	w := newFlexibleWorld(t)
	type step struct {
		advance      time.Duration
		method, url  string
		status       int
		cache, age   string
		originHits   int64 // of the apex origin, after the step
		cacheControl string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"eligible rule with edge TTL: MISS, HIT with Age, EXPIRED", []step{
			{0, "GET", "https://example.com/assets/app.js", 200, "MISS", "", 1, "max-age=86400"},
			{0, "GET", "https://example.com/assets/app.js", 200, "HIT", "0", 1, "max-age=86400"},
			{30 * time.Second, "GET", "https://example.com/assets/app.js", 200, "HIT", "30", 1, "max-age=86400"},
			{0, "HEAD", "https://example.com/assets/app.js", 200, "HIT", "30", 1, "max-age=86400"},
			{0, "GET", "https://example.com/assets/app.js?v=2", 200, "MISS", "", 2, "max-age=86400"},
			{time.Hour, "GET", "https://example.com/assets/app.js", 200, "EXPIRED", "", 3, "max-age=86400"},
			{0, "GET", "https://example.com/assets/app.js", 200, "HIT", "0", 3, "max-age=86400"},
			{0, "POST", "https://example.com/assets/app.js", 200, "DYNAMIC", "", 4, ""},
		}},
		{"edge TTL override caches what the origin calls private", []step{
			{0, "GET", "https://example.com/assets/private.css", 200, "MISS", "", 1, "max-age=86400"},
			{0, "GET", "https://example.com/assets/private.css", 200, "HIT", "0", 1, "max-age=86400"},
		}},
		{"only 200 is stored", []step{
			{0, "GET", "https://example.com/assets/missing.js", 404, "MISS", "", 1, "max-age=86400"},
			{0, "GET", "https://example.com/assets/missing.js", 404, "MISS", "", 2, "max-age=86400"},
		}},
		{"eligible rule respecting the origin", []step{
			{0, "GET", "https://example.com/pages/private", 200, "BYPASS", "", 1, "private"},
			{0, "GET", "https://example.com/pages/private", 200, "BYPASS", "", 2, "private"},
			{0, "GET", "https://example.com/pages/cookie", 200, "BYPASS", "", 3, ""},
			{0, "GET", "https://example.com/pages/maxage", 200, "MISS", "", 4, "public, max-age=60"},
			{59 * time.Second, "GET", "https://example.com/pages/maxage", 200, "HIT", "59", 4, "public, max-age=60"},
			{time.Second, "GET", "https://example.com/pages/maxage", 200, "EXPIRED", "", 5, "public, max-age=60"},
			{0, "GET", "https://example.com/pages/plain", 200, "MISS", "", 6, ""},
			{time.Hour, "GET", "https://example.com/pages/plain", 200, "HIT", "3600", 6, ""},
		}},
		{"no rule: static extensions cached, the rest DYNAMIC", []step{
			{0, "GET", "https://example.com/logo.png", 200, "MISS", "", 1, ""},
			{0, "GET", "https://example.com/logo.png", 200, "HIT", "0", 1, ""},
			{0, "GET", "https://example.com/dashboard", 200, "DYNAMIC", "", 2, ""},
			{0, "GET", "https://example.com/dashboard", 200, "DYNAMIC", "", 3, ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.apex.hits.Store(0)
			for i, s := range tt.steps {
				w.clock.Advance(s.advance)
				got, h := do(t, w.c, s.method, s.url)
				gotStep := step{s.advance, s.method, s.url, got.Status, got.CacheStatus, got.Age, w.apex.hits.Load(), h.Get("Cache-Control")}
				if diff := cmp.Diff(s, gotStep, cmp.AllowUnexported(step{})); diff != "" {
					t.Errorf("step %d: %s %s (-want +got):\n%s", i, s.method, s.url, diff)
				}
			}
		})
	}
	// The bypass rule wins over the default caching of static files.
	w.app.hits.Store(0)
	for i := 0; i < 2; i++ {
		got, _ := do(t, w.c, "GET", "https://app.example.com/bundle.js")
		if got.CacheStatus != "BYPASS" {
			t.Errorf("app bundle: cf-cache-status %q, want BYPASS", got.CacheStatus)
		}
	}
	if n := w.app.hits.Load(); n != 2 {
		t.Errorf("app origin served %d requests, want 2 (nothing cached)", n)
	}
}

// TestOriginSSLModes runs the apex against origins with different certificates under
// each SSL mode.
func TestOriginSSLModes(t *testing.T) {
	ca := newTestCA(t)
	trusted := newOrigin(t, "trusted", ca.issue(t, false, "example.com"))
	selfSigned := newOrigin(t, "self-signed", ca.issue(t, true, "example.com"))
	wrongName := newOrigin(t, "wrong-name", ca.issue(t, false, "other.example.net"))
	plain := newOrigin(t, "plain", nil)
	closed := func() string { // a port with nothing listening
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return addr
	}()
	tests := []struct {
		ssl    string
		origin string
		want   answer
	}{
		{"strict", trusted.addr(), answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("trusted", "https", "example.com", "/", "https")}},
		{"strict", selfSigned.addr(), answer{Status: 526, Body: "error code: 526\n"}},
		{"strict", wrongName.addr(), answer{Status: 526, Body: "error code: 526\n"}},
		{"strict", plain.addr(), answer{Status: 525, Body: "error code: 525\n"}},
		{"full", selfSigned.addr(), answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("self-signed", "https", "example.com", "/", "https")}},
		{"full", wrongName.addr(), answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("wrong-name", "https", "example.com", "/", "https")}},
		{"flexible", plain.addr(), answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("plain", "http", "example.com", "/", "https")}},
		{"off", plain.addr(), answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("plain", "http", "example.com", "/", "https")}},
		{"flexible", closed, answer{Status: 521, Body: "error code: 521\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.ssl+" "+tt.origin, func(t *testing.T) {
			src := newFakeSource(testZone())
			src.update("example.com", func(z *model.LiveZone) { z.Settings.Values[model.SettingSSL] = tt.ssl })
			e := startEdge(t, Options{Source: src, Origins: map[string]string{"203.0.113.10": tt.origin},
				OriginTLS: &tls.Config{RootCAs: ca.pool}})
			got, _ := do(t, client(e), "GET", "https://example.com/")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestOriginTimeout(t *testing.T) {
	slow := newOrigin(t, "slow", nil)
	e := startEdge(t, Options{Source: newFakeSource(testZone()), Origins: map[string]string{"203.0.113.10": slow.addr()},
		OriginTimeout: 100 * time.Millisecond})
	got, _ := do(t, client(e), "GET", "https://example.com/slow")
	if diff := cmp.Diff(answer{Status: 524, Body: "error code: 524\n"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestRulesChangeTakeEffectAtOnce(t *testing.T) {
	w := newFlexibleWorld(t)
	url := "https://www.example.com/docs?x=1"
	if got, _ := do(t, w.c, "GET", url); got.Status != 301 {
		t.Fatalf("before: status %d, want 301", got.Status)
	}
	// Remove the www rule (as an apply deleting the redirect block would).
	w.src.update("example.com", func(z *model.LiveZone) {
		var kept []model.Rule
		for _, r := range z.Rules[model.PhaseRedirect] {
			if !strings.HasSuffix(r.Ref, "www-to-apex") {
				kept = append(kept, r)
			}
		}
		z.Rules[model.PhaseRedirect] = kept
	})
	got, _ := do(t, w.c, "GET", url)
	want := answer{Status: 200, CacheStatus: "DYNAMIC", Body: originBody("apex", "http", "www.example.com", "/docs?x=1", "https")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after removing the rule (-want +got):\n%s", diff)
	}
}
