package edge_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/providers/cloudflare/sim/edge"
	"github.com/launchready/launchready/schema"
	"github.com/launchready/launchready/verify"
)

// The API simulator is the edge's source in the CLI.
var _ edge.Source = (*sim.Server)(nil)

// launchHCL is a small launch: proxied apex, www and app, unproxied records of every
// kind, settings, a wildcard and a static redirect, cache rules and an HTTP check.
const launchHCL = `
zone "example.com" {
  provider = "cloudflare"

  settings {
    ssl              = "strict"
    always_use_https = true
    min_tls_version  = "1.2"
    tls_1_3          = "on"
    hsts {
      max_age            = 31536000
      include_subdomains = true
    }
  }

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
  }
  record "api" "A" {
    values = ["203.0.113.20", "203.0.113.21"]
    ttl    = 300
  }
  record "@" "MX" { values = ["10 mx1.mailhost.net.", "20 mx2.mailhost.net."] }
  record "@" "TXT" { value = "google-site-verification=abc" }
  record "@" "CAA" { value = "0 issue \"letsencrypt.org\"" }
  record "_sip._tcp" "SRV" { value = "10 5 5060 sip.example.com." }
  record "sip" "A" { value = "203.0.113.30" }
  record "*.preview" "CNAME" { value = "previews.hosting.net" }
  record "long" "TXT" { value = "` + "v=long " + `${join("", [for i in range(60) : "abcde"])}" }

  redirect "www-to-apex" {
    from           = "https://www.example.com/*"
    to             = "https://example.com/$${1}"
    status         = 301
    preserve_query = true
  }
  redirect "legacy" {
    from   = "https://example.com/legacy/*"
    to     = "https://example.com/"
    status = 302
  }

  cache "assets" {
    hosts       = ["example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "30d"
  }
  cache "app-bypass" {
    hosts  = ["app.example.com"]
    bypass = true
  }

  check "dashboard" {
    url          = "https://app.example.com/api/me"
    requests     = 10
    p95_ms       = 1000
    never_cached = true
  }
}
`

// world is the simulator with the launch applied, its edge, and TLS origins.
type world struct {
	cfg    *schema.Config
	sim    *sim.Server
	cf     *cloudflare.Provider
	edge   *edge.Edge
	caFile string
}

func loadConfig(t *testing.T) *schema.Config {
	t.Helper()
	cfg, diags := schema.Load(fstest.MapFS{"launch.hcl": {Data: []byte(launchHCL)}}, "launch.hcl", schema.Options{})
	if diags.HasErrors() {
		t.Fatalf("loading the config: %s", diags.Error())
	}
	return cfg
}

// newWorld starts the simulator, applies the launch through plan and the Cloudflare
// provider, and starts the edge with origins that present certificates from their
// own CA (trusted by the edge through OriginTLS, as ssl strict requires).
func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{cfg: loadConfig(t)}
	s, err := sim.New(sim.Options{Zones: []string{"example.com"}, Plan: "business"}) // a 1-hour edge TTL needs Pro or more
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	w.sim = s
	w.cf, err = cloudflare.New(cloudflare.Options{BaseURL: base, Token: "test-token", RequestsPerSecond: -1, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	live := w.readLive(t)
	p, err := plan.Compute(w.cfg, live)
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	for _, zp := range p.Zones {
		if err := w.cf.ApplyRecords(ctx, live[zp.Zone], zp.RecordOps); err != nil {
			t.Fatalf("applying records: %v", err)
		}
		if zp.SettingWrites != nil {
			if err := w.cf.WriteSettings(ctx, zp.Zone, zp.SettingWrites); err != nil {
				t.Fatalf("writing settings: %v", err)
			}
		}
		for phase, rules := range zp.RuleWrites {
			if err := w.cf.WriteRules(ctx, zp.Zone, phase, rules); err != nil {
				t.Fatalf("writing rules of %s: %v", phase, err)
			}
		}
	}
	if again, err := plan.Compute(w.cfg, w.readLive(t)); err != nil || again.HasChanges() {
		t.Fatalf("the launch did not converge on the simulator (err %v)", err)
	}

	originCA := newOriginCA(t)
	apex := startOrigin(t, originCA.issue(t, "example.com", "www.example.com"))
	app := startOrigin(t, originCA.issue(t, "app.example.com"))
	w.edge, err = edge.Start(edge.Options{
		Source:    s,
		Origins:   map[string]string{"203.0.113.10": apex, "app-prod.fly.dev": app},
		OriginTLS: &tls.Config{RootCAs: originCA.pool},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.edge.Close() })
	w.caFile = filepath.Join(t.TempDir(), "edge-ca.pem")
	if err := w.edge.WriteCAFile(w.caFile); err != nil {
		t.Fatal(err)
	}
	return w
}

var settingIDs = []string{model.SettingSSL, model.SettingAlwaysUseHTTPS, model.SettingMinTLSVersion, model.SettingTLS13,
	model.SettingAutomaticHTTPSRewrites, model.SettingSecurityLevel, model.SettingSecurityHeader}

func (w *world) readLive(t *testing.T) map[string]*model.LiveZone {
	t.Helper()
	ctx := context.Background()
	lz, err := w.cf.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if lz.Settings, err = w.cf.ReadSettings(ctx, "example.com", settingIDs); err != nil {
		t.Fatal(err)
	}
	lz.Rules = map[string][]model.Rule{}
	for _, ph := range []string{model.PhaseRedirect, model.PhaseCache} {
		if lz.Rules[ph], err = w.cf.ReadRules(ctx, "example.com", ph); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]*model.LiveZone{"example.com": lz}
}

func port(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func (w *world) verify(t *testing.T) *verify.Report {
	t.Helper()
	rep, err := verify.Run(context.Background(), w.cfg, verify.Options{
		Resolver:  w.edge.DNSAddr(),
		CAFile:    w.caFile,
		HTTPPort:  port(t, w.edge.HTTPAddr()),
		HTTPSPort: port(t, w.edge.HTTPSAddr()),
		Timeout:   5 * time.Second,
		// As the CLI does against the simulator: never dial the records' addresses.
		LoopbackOnly: true,
	})
	if err != nil {
		t.Fatalf("verify.Run: %v", err)
	}
	return rep
}

// results lists "status kind name check: reason" for every result not passing
// (skipped results included), sorted.
func notPassing(rep *verify.Report) []string {
	var out []string
	for _, z := range rep.Zones {
		for _, r := range z.Results {
			// A DNS-only name's origin is not on the edge: its port-443 probe is skipped,
			// as the CLI's loopback-only verify against the simulator skips it.
			dnsOnlySkip := r.Status == verify.Skip && strings.HasPrefix(r.Reason, "DNS-only")
			if r.Status != verify.Pass && !dnsOnlySkip {
				out = append(out, fmt.Sprintf("%s %s %s %s: %s", r.Status, r.Kind, r.Name, r.Check, r.Reason))
			}
		}
	}
	sort.Strings(out)
	return out
}

// failed lists "kind name check" of failed results, sorted.
func failed(rep *verify.Report) []string {
	var out []string
	for _, z := range rep.Zones {
		for _, r := range z.Results {
			if r.Status == verify.Fail {
				out = append(out, fmt.Sprintf("%s %s %s", r.Kind, r.Name, r.Check))
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestVerifyPassesOnTheEdge(t *testing.T) {
	w := newWorld(t)
	rep := w.verify(t)
	var b strings.Builder
	if err := verify.RenderText(&b, rep, false); err != nil {
		t.Fatal(err)
	}
	t.Logf("verify report:\n%s", b.String())
	if got := notPassing(rep); len(got) != 0 {
		t.Errorf("a correct launch must pass every check, without warnings; not passing:\n  %s", strings.Join(got, "\n  "))
	}
	// Every kind of check ran, so a pass means something.
	kinds := map[verify.Kind]int{}
	for _, z := range rep.Zones {
		for _, r := range z.Results {
			kinds[r.Kind]++
		}
	}
	for _, k := range []verify.Kind{verify.KindDNS, verify.KindTLS, verify.KindRedirect, verify.KindHTTP} {
		if kinds[k] == 0 {
			t.Errorf("no %s check ran", k)
		}
	}
	if rep.Summary.Pass < 30 {
		t.Errorf("only %d checks passed; want the whole launch checked", rep.Summary.Pass)
	}
}

func TestVerifyDetectsFaultsOnTheEdge(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		break_ func(t *testing.T, w *world)
		want   []string // failed checks, "kind name check"
	}{
		{"missing redirect rule", func(t *testing.T, w *world) {
			var kept []model.Rule
			for _, r := range w.readLive(t)["example.com"].Rules[model.PhaseRedirect] {
				if !strings.HasSuffix(r.Ref, ":www-to-apex") {
					kept = append(kept, r)
				}
			}
			if err := w.cf.WriteRules(ctx, "example.com", model.PhaseRedirect, kept); err != nil {
				t.Fatal(err)
			}
			// apex_www still passes: both names now answer 200, which verify accepts.
		}, []string{"redirect www-to-apex redirect"}},
		{"always_use_https off", func(t *testing.T, w *world) {
			setSetting(t, w, model.SettingAlwaysUseHTTPS, "off")
		}, []string{"tls app.example.com http_to_https", "tls example.com http_to_https", "tls www.example.com http_to_https"}},
		{"minimum TLS version lowered", func(t *testing.T, w *world) {
			setSetting(t, w, model.SettingMinTLSVersion, "1.0")
		}, []string{"tls app.example.com tls_version", "tls example.com tls_version", "tls www.example.com tls_version"}},
		{"origin exposed: app no longer proxied", func(t *testing.T, w *world) {
			live := w.readLive(t)["example.com"]
			for _, r := range live.Records {
				if r.Name == "app.example.com" && r.Type == "CNAME" {
					after := r
					after.Proxied = false
					before := r
					if err := w.cf.ApplyRecords(ctx, live, []model.RecordOp{{Op: model.OpUpdate, Before: &before, After: &after}}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}, []string{
			"dns app.example.com CNAME proxied",
			// The name now leads out of the zone (app-prod.fly.dev, which the edge's
			// authoritative-only server refuses), so nothing reaches it any more.
			"http dashboard errors", "tls app.example.com certificate", "tls app.example.com http_to_https",
		}},
		{"authenticated route cached", func(t *testing.T, w *world) {
			live := w.readLive(t)["example.com"]
			rules := live.Rules[model.PhaseCache]
			for i, r := range rules {
				if strings.HasSuffix(r.Ref, ":app-bypass") {
					rules[i].Cache = &model.CacheAction{Hosts: r.Cache.Hosts, EdgeTTL: 3600}
				}
			}
			if err := w.cf.WriteRules(ctx, "example.com", model.PhaseCache, rules); err != nil {
				t.Fatal(err)
			}
		}, []string{"http dashboard never_cached"}},
		{"wrong record value", func(t *testing.T, w *world) {
			live := w.readLive(t)["example.com"]
			for _, r := range live.Records {
				if r.Name == "sip.example.com" && r.Type == "A" {
					before, after := r, r
					after.Value = "192.0.2.99"
					if err := w.cf.ApplyRecords(ctx, live, []model.RecordOp{{Op: model.OpUpdate, Before: &before, After: &after}}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}, []string{"dns sip.example.com A rrset"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			tt.break_(t, w)
			rep := w.verify(t)
			if !rep.Failed() {
				t.Fatalf("verify passed a broken launch")
			}
			got := failed(rep)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("failed checks:\n  got  %q\n  want %q\nnot passing:\n  %s", got, tt.want, strings.Join(notPassing(rep), "\n  "))
			}
		})
	}
}

func setSetting(t *testing.T, w *world, id, value string) {
	t.Helper()
	if err := w.cf.WriteSettings(context.Background(), "example.com", &model.Settings{Values: map[string]string{id: value}}); err != nil {
		t.Fatal(err)
	}
}

// originCA issues the origins' certificates.
type originCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newOriginCA(t *testing.T) *originCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "origin CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &originCA{cert: cert, key: key, pool: pool}
}

func (ca *originCA) issue(t *testing.T, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: names[0]},
		DNSNames: names, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// startOrigin serves a small HTML page over TLS and returns its address.
func startOrigin(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>%s</title><p>hello from %s</p>", r.Host, r.URL.Path)
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}
