package verify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// This file builds the loopback world the integration tests verify: a certificate
// authority, an authoritative DNS server (miekg/dns), an HTTPS server choosing its
// certificate and TLS versions by SNI, and a plain HTTP server.

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-48 * time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

var serial atomic.Int64

// issue makes a leaf certificate for names valid from notBefore to notAfter.
func (ca *testCA) issue(t *testing.T, notBefore, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(100 + serial.Add(1)),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// writeFile writes data to a file in the test's temp dir.
func (ca *testCA) writeFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, ca.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// dnsServer is an authoritative server for some zones on 127.0.0.1:0 (UDP and TCP).
type dnsServer struct {
	addr    string
	mu      sync.Mutex
	rrs     map[string][]dns.RR // "name./TYPE" → records
	zones   []string            // FQDNs served
	fallbck map[string]string   // zone FQDN → A address for names without data (a wildcard)
	queries atomic.Int64
	aa      bool
}

func newDNSServer(t *testing.T, zones ...string) *dnsServer {
	t.Helper()
	// UDP and TCP on the same port: retry when the TCP port happens to be taken.
	var err error
	for range 20 {
		var s *dnsServer
		if s, err = startDNSServer(t, "127.0.0.1:0", zones...); err == nil {
			return s
		}
	}
	t.Fatal(err)
	return nil
}

// startDNSServer serves zones on addr (UDP and TCP) until the test ends.
func startDNSServer(t *testing.T, addr string, zones ...string) (*dnsServer, error) {
	s := &dnsServer{rrs: map[string][]dns.RR{}, fallbck: map[string]string{}, aa: true}
	for _, z := range zones {
		s.zones = append(s.zones, dns.Fqdn(z))
	}
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		return nil, err
	}
	s.addr = pc.LocalAddr().String()
	udp := &dns.Server{PacketConn: pc, Handler: s}
	tcp := &dns.Server{Listener: ln, Handler: s}
	go func() { _ = udp.ActivateAndServe() }()
	go func() { _ = tcp.ActivateAndServe() }()
	t.Cleanup(func() { _ = udp.Shutdown(); _ = tcp.Shutdown() })
	return s, nil
}

// set replaces the records of a name and type with zone-file lines
// ("api.launch.test. 300 IN A 127.0.0.20").
func (s *dnsServer) set(t *testing.T, lines ...string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := map[string]bool{}
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil {
			t.Fatalf("bad test record %q: %v", l, err)
		}
		k := strings.ToLower(rr.Header().Name) + "/" + dns.TypeToString[rr.Header().Rrtype]
		if !fresh[k] {
			s.rrs[k] = nil
			fresh[k] = true
		}
		s.rrs[k] = append(s.rrs[k], rr)
	}
}

// setFallback makes names of zone without data answer A addr (like a wildcard).
func (s *dnsServer) setFallback(zone, addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fallbck[dns.Fqdn(zone)] = addr
}

// setAuthoritative sets the AA bit of the answers.
func (s *dnsServer) setAuthoritative(aa bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.aa = aa
}

func (s *dnsServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	m := new(dns.Msg)
	m.SetReply(req)
	q := req.Question[0]
	name := strings.ToLower(q.Name)
	s.mu.Lock()
	defer s.mu.Unlock()
	zone := ""
	for _, z := range s.zones {
		if name == z || strings.HasSuffix(name, "."+z) {
			zone = z
		}
	}
	if zone == "" {
		m.Rcode = dns.RcodeRefused
		_ = w.WriteMsg(m)
		return
	}
	m.Authoritative = s.aa
	qt := dns.TypeToString[q.Qtype]
	if rrs := s.rrs[name+"/"+qt]; len(rrs) > 0 {
		m.Answer = append(m.Answer, rrs...)
	} else if c := s.rrs[name+"/CNAME"]; len(c) > 0 {
		m.Answer = append(m.Answer, c...)
	} else if a := s.fallbck[zone]; a != "" && q.Qtype == dns.TypeA && !s.hasName(name) {
		rr, _ := dns.NewRR(fmt.Sprintf("%s 300 IN A %s", name, a))
		m.Answer = append(m.Answer, rr)
	}
	_ = w.WriteMsg(m)
}

func (s *dnsServer) hasName(name string) bool {
	for k := range s.rrs {
		if strings.HasPrefix(k, name+"/") {
			return true
		}
	}
	return false
}

// webWorld is the HTTPS and HTTP side: one HTTPS listener answering every host name
// (certificate and versions chosen by SNI) and one plain HTTP listener.
type webWorld struct {
	httpsPort, httpPort int
	mu                  sync.Mutex
	certs               map[string]*tls.Certificate // SNI → certificate
	tls10               map[string]bool             // SNI → only TLS 1.0
	ca                  *testCA
	t                   *testing.T
	counters            sync.Map // path → *atomic.Int64
	httpsHandler        http.Handler
	httpHandler         http.Handler
}

func (w *webWorld) getConfig(hello *tls.ClientHelloInfo) (*tls.Config, error) {
	name := strings.ToLower(hello.ServerName)
	w.mu.Lock()
	c := w.certs[name]
	if c == nil {
		cert := w.ca.issue(w.t, time.Now().Add(-time.Hour), time.Now().Add(90*24*time.Hour), name)
		c = &cert
		w.certs[name] = c
	}
	only10 := w.tls10[name]
	w.mu.Unlock()
	cfg := &tls.Config{Certificates: []tls.Certificate{*c}, MinVersion: tls.VersionTLS12}
	if only10 {
		cfg.MinVersion, cfg.MaxVersion = tls.VersionTLS10, tls.VersionTLS10
	}
	return cfg, nil
}

func newWebWorld(t *testing.T, ca *testCA, httpsHandler, httpHandler http.Handler) *webWorld {
	t.Helper()
	w := &webWorld{certs: map[string]*tls.Certificate{}, tls10: map[string]bool{}, ca: ca, t: t,
		httpsHandler: httpsHandler, httpHandler: httpHandler}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tlsLn := tls.NewListener(ln, &tls.Config{GetConfigForClient: w.getConfig})
	hs := &http.Server{Handler: httpsHandler, ErrorLog: quietLog()}
	go func() { _ = hs.Serve(tlsLn) }()
	w.httpsPort = ln.Addr().(*net.TCPAddr).Port

	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &http.Server{Handler: httpHandler, ErrorLog: quietLog()}
	go func() { _ = ps.Serve(pln) }()
	w.httpPort = pln.Addr().(*net.TCPAddr).Port
	t.Cleanup(func() { _ = hs.Close(); _ = ps.Close() })
	return w
}

// setCert makes host present cert.
func (w *webWorld) setCert(host string, cert tls.Certificate) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.certs[host] = &cert
}

// --- config builders -------------------------------------------------------------

func rrset(t *testing.T, zone, name, typ string, proxied bool, ttl int, values ...string) *schema.Record {
	t.Helper()
	full, err := model.CanonicalName(name, zone)
	if err != nil {
		t.Fatal(err)
	}
	var vs []string
	for _, v := range values {
		c, err := model.CanonicalValue(typ, v, zone)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, c)
	}
	sort.Strings(vs)
	return &schema.Record{RRSet: model.RRSet{Name: full, Type: typ, TTL: ttl, Proxied: proxied, Values: vs, Origin: "record"}}
}

func redirectBlock(name, from, to string, status int, preserve bool) *schema.Redirect {
	return &schema.Redirect{
		Name: name, FromURL: from, ToURL: to,
		Rule: model.Rule{
			Phase: model.PhaseRedirect, Ref: model.RefPrefix + "redirect:" + name, Action: "redirect", Enabled: true,
			Redirect: &model.RedirectAction{From: from, To: to, StatusCode: status, PreserveQuery: preserve},
		},
	}
}

func settings(values map[string]string) *schema.Settings {
	return &schema.Settings{Settings: model.Settings{Values: values}}
}

// find returns the result with the given kind, subject and check.
func find(t *testing.T, rep *Report, zone string, kind Kind, name, check string) Result {
	t.Helper()
	var names []string
	for _, z := range rep.Zones {
		for _, r := range z.Results {
			if r.Zone == zone && r.Kind == kind && r.Name == name && r.Check == check {
				return r
			}
			names = append(names, fmt.Sprintf("%s/%s/%s/%s", r.Zone, r.Kind, r.Name, r.Check))
		}
	}
	t.Fatalf("no result %s/%s/%s/%s; have:\n%s", zone, kind, name, check, strings.Join(names, "\n"))
	return Result{}
}

// quietLog silences the test servers' handshake error logs (many tests fail
// handshakes on purpose).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
