package edge

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// fakeSource is an in-memory Source; LiveZone returns deep copies, like the simulator.
type fakeSource struct {
	mu    sync.Mutex
	zones map[string]*model.LiveZone
}

var _ Source = (*fakeSource)(nil)

func newFakeSource(zones ...*model.LiveZone) *fakeSource {
	f := &fakeSource{zones: map[string]*model.LiveZone{}}
	for _, z := range zones {
		f.zones[z.Name] = z
	}
	return f
}

func (f *fakeSource) LiveZone(name string) (*model.LiveZone, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	z, ok := f.zones[name]
	if !ok {
		return nil, false
	}
	b, err := json.Marshal(z)
	if err != nil {
		panic(err)
	}
	var c model.LiveZone
	if err := json.Unmarshal(b, &c); err != nil {
		panic(err)
	}
	return &c, true
}

func (f *fakeSource) ZoneNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n := range f.zones {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// update changes a zone in place.
func (f *fakeSource) update(name string, fn func(z *model.LiveZone)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.zones[name])
}

func rec(name, typ, value string, proxied bool) model.Record {
	return model.Record{Name: name, Type: typ, Value: value, Proxied: proxied}
}

// testZone is example.com with every record kind, settings and rules.
func testZone() *model.LiveZone {
	z := &model.LiveZone{Name: "example.com", Records: []model.Record{
		rec("example.com", "A", "203.0.113.10", true),
		rec("example.com", "MX", "10 mx1.mailhost.net", false),
		rec("example.com", "MX", "20 mx2.mailhost.net", false),
		rec("example.com", "TXT", "google-site-verification=abc", false),
		rec("example.com", "CAA", `0 issue "letsencrypt.org"`, false),
		rec("www.example.com", "CNAME", "example.com", true),
		rec("app.example.com", "CNAME", "app-prod.fly.dev", true),
		rec("old.example.com", "A", "203.0.113.10", true),
		{Name: "api.example.com", Type: "A", Value: "203.0.113.20", TTL: 120},
		{Name: "api.example.com", Type: "A", Value: "203.0.113.21", TTL: 120},
		rec("v6.example.com", "AAAA", "2001:db8::1", true),
		rec("sip.example.com", "A", "203.0.113.30", false),
		rec("_sip._tcp.example.com", "SRV", "10 5 5060 sip.example.com", false),
		rec("*.preview.example.com", "CNAME", "previews.hosting.net", false),
		rec("*.apps.example.com", "A", "203.0.113.40", true),
		rec("alias.example.com", "CNAME", "api.example.com", false),
		rec("toproxied.example.com", "CNAME", "app.example.com", false),
		rec("dangling.example.com", "CNAME", "nowhere.example.com", false),
		rec("long.example.com", "TXT", strings.Repeat("a", 300), false),
		rec("ptr.example.com", "PTR", "host.example.net", false),
		rec("sub.example.com", "NS", "ns1.sub-dns.net", false),
		rec("deleg.example.com", "NS", "ns.deleg.example.com", false),
		rec("ns.deleg.example.com", "A", "192.0.2.53", false),
		rec("a.b.deep.example.com", "A", "192.0.2.1", false),
		rec("plain.example.com", "A", "203.0.113.50", false),
	}}
	z.Settings = &model.Settings{
		Values: map[string]string{
			model.SettingSSL:            "flexible",
			model.SettingAlwaysUseHTTPS: "on",
			model.SettingMinTLSVersion:  "1.2",
			model.SettingTLS13:          "on",
		},
		HSTS: &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true},
	}
	z.Rules = map[string][]model.Rule{
		model.PhaseRedirect: {
			{ // a hand-made rule the evaluator cannot read: must not match anything
				ID: "h1", Phase: model.PhaseRedirect, Expression: `(cf.bot_management.score lt 30)`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetURL: "https://example.com/bots", StatusCode: 302},
			},
			{
				Ref: "launchready:redirect:www-to-apex", Phase: model.PhaseRedirect, Action: "redirect", Enabled: true,
				Expression: `(http.request.full_uri wildcard "https://www.example.com/*")`,
				Redirect: &model.RedirectAction{StatusCode: 301, PreserveQuery: true,
					TargetExpression: `wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}")`},
			},
			{
				ID: "h2", Phase: model.PhaseRedirect, Action: "redirect", Enabled: true,
				Expression: `(http.host eq "old.example.com" and not starts_with(http.request.uri.path, "/keep"))`,
				Redirect:   &model.RedirectAction{StatusCode: 302, TargetURL: "https://example.com/new"},
			},
			{
				ID: "disabled", Phase: model.PhaseRedirect, Action: "redirect", Enabled: false,
				Expression: `(http.host eq "example.com")`,
				Redirect:   &model.RedirectAction{StatusCode: 307, TargetURL: "https://example.com/never"},
			},
		},
		model.PhaseCache: {
			{
				Ref: "launchready:cache:assets", Phase: model.PhaseCache, Action: "set_cache_settings", Enabled: true,
				Expression: `(http.host in {"example.com"} and starts_with(http.request.uri.path, "/assets/"))`,
				Cache:      &model.CacheAction{EdgeTTL: 3600, BrowserTTL: 86400},
			},
			{
				Ref: "launchready:cache:app-bypass", Phase: model.PhaseCache, Action: "set_cache_settings", Enabled: true,
				Expression: `(http.host in {"app.example.com"})`,
				Cache:      &model.CacheAction{Bypass: true},
			},
			{
				Ref: "launchready:cache:pages", Phase: model.PhaseCache, Action: "set_cache_settings", Enabled: true,
				Expression: `(http.host eq "example.com" and starts_with(http.request.uri.path, "/pages/"))`,
				Cache:      &model.CacheAction{},
			},
		},
	}
	return z
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// startEdge starts an edge on loopback and stops it with the test.
func startEdge(t *testing.T, o Options) *Edge {
	t.Helper()
	if o.Logger == nil {
		o.Logger = hclog.New(&hclog.LoggerOptions{Level: hclog.Debug, Output: testWriter{t}})
	}
	e, err := Start(o)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return e
}

// testWriter sends log lines to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// query asks the edge's DNS server one question without recursion.
func query(t *testing.T, addr, name string, qtype uint16, network string) *dns.Msg {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = false
	c := &dns.Client{Net: network, Timeout: 5 * time.Second}
	resp, _, err := c.Exchange(m, addr)
	if err != nil {
		t.Fatalf("query %s %s: %v", name, dns.TypeToString[qtype], err)
	}
	return resp
}

// originServer is a loopback origin that reports what it received and counts hits.
type originServer struct {
	*httptest.Server
	name string
	hits atomic.Int64
}

// newOrigin starts an origin; tlsCert nil means plain HTTP.
func newOrigin(t *testing.T, name string, tlsCert *tls.Certificate) *originServer {
	t.Helper()
	o := &originServer{name: name}
	o.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o.hits.Add(1)
		switch p := r.URL.Path; {
		case strings.Contains(p, "private"):
			w.Header().Set("Cache-Control", "private")
		case strings.Contains(p, "cookie"):
			w.Header().Set("Set-Cookie", "session=1")
		case strings.Contains(p, "maxage"):
			w.Header().Set("Cache-Control", "public, max-age=60")
		case strings.Contains(p, "missing"):
			http.NotFound(w, r)
			return
		case strings.Contains(p, "slow"):
			time.Sleep(time.Second)
		}
		w.Header().Set("Server", "origin")
		w.Header().Set("Content-Type", "text/plain")
		proto := "http"
		if r.TLS != nil {
			proto = "https"
		}
		fmt.Fprintf(w, "origin=%s conn=%s host=%s uri=%s visitor=%s ray=%t",
			o.name, proto, r.Host, r.URL.RequestURI(), r.Header.Get("X-Forwarded-Proto"), r.Header.Get("Cf-Ray") != "")
	}))
	o.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake failures are expected in some tests
	if tlsCert != nil {
		o.TLS = &tls.Config{Certificates: []tls.Certificate{*tlsCert}}
		o.StartTLS()
	} else {
		o.Start()
	}
	t.Cleanup(o.Close)
	return o
}

func (o *originServer) addr() string { return o.Listener.Addr().String() }

// testCA is a CA for origin certificates.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestCA(t *testing.T) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "origin test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// issue signs a certificate for names; with selfSigned the test CA is not used.
func (ca *testCA) issue(t *testing.T, selfSigned bool, names ...string) *tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	parent, signer := ca.cert, ca.key
	if selfSigned {
		parent, signer = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// client talks to the edge as a browser would reach host names: port 443 goes to the
// HTTPS edge, 80 to the HTTP edge; the edge CA is trusted; redirects are not followed.
func client(e *Edge) *http.Client { return clientAt(e, nil) }

// clientAt is client with a clock for certificate validity (nil: the real clock), so
// that certificates issued at a fake time verify.
func clientAt(e *Edge, now func() time.Time) *http.Client {
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(e.CACertPEM())
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				_, port, _ := net.SplitHostPort(addr)
				if port == "443" {
					return d.DialContext(ctx, network, e.HTTPSAddr())
				}
				return d.DialContext(ctx, network, e.HTTPAddr())
			},
			TLSClientConfig:   &tls.Config{RootCAs: roots, Time: now},
			DisableKeepAlives: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
