package edge

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// Defaults of Options.
const (
	DefaultCAValidity   = 365 * 24 * time.Hour
	DefaultCertValidity = 90 * 24 * time.Hour
	// DefaultOriginTimeout is how long the edge waits for an origin's response
	// headers before answering 524, as Cloudflare does after 100 seconds.
	DefaultOriginTimeout = 100 * time.Second
)

// Options configure an edge. Only Source is required: the zero value of every other
// field listens on 127.0.0.1 with ports chosen by the system, answers 127.0.0.1 for
// proxied names, and has no origins (every proxied request then answers 523).
type Options struct {
	// Source provides the zones (required).
	Source Source
	// DNSAddr is where the authoritative DNS server listens, on UDP and TCP (the same
	// port); "" means "127.0.0.1:0".
	DNSAddr string
	// HTTPAddr is the plain-HTTP edge (port 80's stand-in); "" means "127.0.0.1:0".
	HTTPAddr string
	// HTTPSAddr is the HTTPS edge (port 443's stand-in); "" means "127.0.0.1:0".
	HTTPSAddr string
	// EdgeIPv4 is the address answered for proxied names and the synthesised name
	// servers; the zero value means 127.0.0.1 (where the edge listens by default).
	EdgeIPv4 netip.Addr
	// EdgeIPv6, when set, is answered for AAAA questions about proxied names; the zero
	// value answers no AAAA for them (the edge listens on IPv4 only by default).
	EdgeIPv6 netip.Addr
	// Origins maps an origin as written in DNS records (an address such as
	// "203.0.113.10", or a host name such as "app-prod.fly.dev") to the real loopback
	// address serving it ("127.0.0.1:8081"). That address is dialled with http for
	// ssl off/flexible and with https for full/strict. A proxied name whose origin is
	// not mapped answers 523 (origin unreachable), unless FallbackOrigin is set.
	Origins map[string]string
	// FallbackOrigin, when set, serves every origin Origins does not map (the
	// `launchready sim` command points it at its built-in demo origin).
	FallbackOrigin string
	// OriginTLS verifies origins under ssl = "strict" (RootCAs; nil means the system
	// roots). The server name checked is the request's host unless it sets ServerName.
	OriginTLS *tls.Config
	// CAValidity and CertValidity are the lifetimes of the local CA and of the host
	// certificates it issues; 0 means DefaultCAValidity and DefaultCertValidity.
	CAValidity, CertValidity time.Duration
	// OriginTimeout bounds the wait for an origin's response headers (then 524);
	// 0 means DefaultOriginTimeout.
	OriginTimeout time.Duration
	// Now is the clock for certificates, cache ages and SOA serials; nil means
	// time.Now.
	Now func() time.Time
	// CertName, when set, chooses the name the certificate presented for an SNI host
	// is issued to (nil: the host itself). `launchready demo --break wrong-name-cert`
	// uses it to model a certificate issued for another name.
	CertName func(host string) string
	// Logger receives a debug line per request and rule problems (never secrets);
	// nil discards.
	Logger hclog.Logger
}

// Edge is a running simulated edge: an authoritative DNS server and HTTP and HTTPS
// front ends. Its methods are safe for concurrent use.
type Edge struct {
	opts Options
	log  hclog.Logger
	ca   *localCA

	udp, tcp          *dns.Server
	dnsAddr           string
	httpSrv, httpsSrv *http.Server
	httpAddr          string
	httpsAddr         string

	serialMu sync.Mutex
	serials  map[string]zoneSerial

	exprMu sync.Mutex
	exprs  map[string]parsedExpr

	trMu       sync.Mutex
	transports map[string]*http.Transport

	cache *memCache

	closeOnce sync.Once
	closeErr  error
}

// Start generates the local CA, opens the listeners and serves until Close.
func Start(o Options) (*Edge, error) {
	if o.Source == nil {
		return nil, errors.New("edge: Options.Source is required")
	}
	if o.DNSAddr == "" {
		o.DNSAddr = "127.0.0.1:0"
	}
	if o.HTTPAddr == "" {
		o.HTTPAddr = "127.0.0.1:0"
	}
	if o.HTTPSAddr == "" {
		o.HTTPSAddr = "127.0.0.1:0"
	}
	if !o.EdgeIPv4.IsValid() {
		o.EdgeIPv4 = netip.MustParseAddr("127.0.0.1")
	}
	if !o.EdgeIPv4.Is4() {
		return nil, fmt.Errorf("edge: EdgeIPv4 %s is not an IPv4 address", o.EdgeIPv4)
	}
	if o.EdgeIPv6.IsValid() && (!o.EdgeIPv6.Is6() || o.EdgeIPv6.Is4In6()) {
		return nil, fmt.Errorf("edge: EdgeIPv6 %s is not an IPv6 address", o.EdgeIPv6)
	}
	if o.CAValidity <= 0 {
		o.CAValidity = DefaultCAValidity
	}
	if o.CertValidity <= 0 {
		o.CertValidity = DefaultCertValidity
	}
	if o.OriginTimeout <= 0 {
		o.OriginTimeout = DefaultOriginTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = hclog.NewNullLogger()
	}
	origins := make(map[string]string, len(o.Origins))
	for k, v := range o.Origins {
		origins[canonicalOrigin(k)] = v
	}
	o.Origins = origins

	ca, err := newLocalCA(o.Now, o.CAValidity, o.CertValidity)
	if err != nil {
		return nil, fmt.Errorf("edge: %w", err)
	}
	e := &Edge{
		opts:       o,
		log:        o.Logger.Named("edge"),
		ca:         ca,
		serials:    map[string]zoneSerial{},
		exprs:      map[string]parsedExpr{},
		transports: map[string]*http.Transport{},
		cache:      newMemCache(maxCacheEntries),
	}
	if err := e.startDNS(); err != nil {
		e.Close()
		return nil, err
	}
	if err := e.startHTTP(); err != nil {
		e.Close()
		return nil, err
	}
	e.log.Info("edge started", "dns", e.dnsAddr, "http", e.httpAddr, "https", e.httpsAddr)
	return e, nil
}

// canonicalOrigin is the form Origins keys are compared in: record values' canonical
// form (addresses canonical, host names lower case without the trailing dot).
func canonicalOrigin(s string) string {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.String()
	}
	return model.CanonicalLiveName(s)
}

// startDNS listens on UDP and then TCP on the same port (retrying when the system
// picked a UDP port whose TCP twin is taken).
func (e *Edge) startDNS() error {
	var lastErr error
	for attempt := 0; attempt < 10; attempt++ {
		pc, err := net.ListenPacket("udp", e.opts.DNSAddr)
		if err != nil {
			return fmt.Errorf("edge: DNS listening on %s/udp: %w", e.opts.DNSAddr, err)
		}
		addr := pc.LocalAddr().String()
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			pc.Close()
			lastErr = fmt.Errorf("edge: DNS listening on %s/tcp: %w", addr, err)
			if _, port, _ := net.SplitHostPort(e.opts.DNSAddr); port == "0" {
				continue
			}
			return lastErr
		}
		e.dnsAddr = addr
		e.udp = &dns.Server{PacketConn: pc, Handler: e}
		e.tcp = &dns.Server{Listener: ln, Handler: e, ReadTimeout: 10 * time.Second}
		for _, s := range []*dns.Server{e.udp, e.tcp} {
			started := make(chan struct{})
			s.NotifyStartedFunc = func() { close(started) }
			go func() {
				if err := s.ActivateAndServe(); err != nil {
					e.log.Debug("DNS server stopped", "error", err)
				}
			}()
			<-started
		}
		return nil
	}
	return lastErr
}

func (e *Edge) startHTTP() error {
	errLog := e.log.StandardLogger(&hclog.StandardLoggerOptions{ForceLevel: hclog.Debug})
	ln, err := net.Listen("tcp", e.opts.HTTPAddr)
	if err != nil {
		return fmt.Errorf("edge: HTTP listening on %s: %w", e.opts.HTTPAddr, err)
	}
	e.httpAddr = ln.Addr().String()
	e.httpSrv = &http.Server{Handler: e.handler("http"), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
	go func() { _ = e.httpSrv.Serve(ln) }()

	tln, err := net.Listen("tcp", e.opts.HTTPSAddr)
	if err != nil {
		return fmt.Errorf("edge: HTTPS listening on %s: %w", e.opts.HTTPSAddr, err)
	}
	e.httpsAddr = tln.Addr().String()
	e.httpsSrv = &http.Server{Handler: e.handler("https"), ReadHeaderTimeout: 10 * time.Second, ErrorLog: errLog}
	go func() { _ = e.httpsSrv.Serve(tls.NewListener(tln, &tls.Config{GetConfigForClient: e.tlsConfigFor})) }()
	return nil
}

// DNSAddr is the authoritative DNS server's address (UDP and TCP), for
// `verify --resolver`.
func (e *Edge) DNSAddr() string { return e.dnsAddr }

// HTTPAddr is the plain-HTTP edge's address (what port 80 maps to).
func (e *Edge) HTTPAddr() string { return e.httpAddr }

// HTTPSAddr is the HTTPS edge's address (what port 443 maps to).
func (e *Edge) HTTPSAddr() string { return e.httpsAddr }

// CACertPEM returns the local CA's certificate in PEM form: the root to trust for the
// edge's certificates (`verify --ca-file`).
func (e *Edge) CACertPEM() []byte { return append([]byte(nil), e.ca.pem...) }

// WriteCAFile writes CACertPEM to path (mode 0644: it is a public certificate).
func (e *Edge) WriteCAFile(path string) error {
	if err := os.WriteFile(path, e.ca.pem, 0o644); err != nil {
		return fmt.Errorf("writing the edge CA certificate: %w", err)
	}
	return nil
}

// Close stops every server and drops the cache. It is safe to call more than once.
func (e *Edge) Close() error {
	e.closeOnce.Do(func() {
		var errs []error
		for _, s := range []*dns.Server{e.udp, e.tcp} {
			if s != nil {
				if err := s.Shutdown(); err != nil {
					errs = append(errs, fmt.Errorf("stopping the DNS server: %w", err))
				}
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, s := range []*http.Server{e.httpSrv, e.httpsSrv} {
			if s == nil {
				continue
			}
			if err := s.Shutdown(ctx); err != nil {
				_ = s.Close()
			}
		}
		e.trMu.Lock()
		for _, t := range e.transports {
			t.CloseIdleConnections()
		}
		e.trMu.Unlock()
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}
