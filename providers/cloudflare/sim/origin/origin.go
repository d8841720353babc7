// Package origin is a small web origin for `launchready demo`: the "real servers"
// behind the simulated Cloudflare edge. It serves a marketing page with cacheable
// assets and a dashboard that must never be cached, over HTTPS with a certificate from
// its own throwaway CA, so the edge can reach it in ssl = "strict" mode, and over
// plain HTTP on the same port for ssl off/flexible.
//
// It is demo scaffolding, not a test double for anything launchready does: it has no
// behaviour to configure beyond the host names it answers for.
package origin

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Origin is a running origin server.
type Origin struct {
	srv   *http.Server
	ln    net.Listener
	roots *x509.CertPool

	mu     sync.Mutex
	faults Faults
	served int // dashboard requests served, for Faults.ErrorEvery
}

// Faults make the dashboard (app.*) misbehave, for `launchready demo --break`.
type Faults struct {
	// Delay is added before every dashboard response.
	Delay time.Duration
	// ErrorEvery, when > 0, answers every n-th dashboard request with a 500.
	ErrorEvery int
	// MixedContent makes the dashboard load its stylesheet over http://.
	MixedContent bool
}

// SetFaults replaces the origin's faults (the zero value heals it).
func (o *Origin) SetFaults(f Faults) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.faults = f
}

// Start serves hosts (names like "example.com", wildcards like "*.example.com") on a
// loopback port over TLS.
func Start(hosts []string) (*Origin, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "launchready demo origin CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: hosts[0]},
		DNSNames:     hosts,
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(90 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	o := &Origin{ln: ln, roots: roots}
	o.srv = &http.Server{
		Handler:           http.HandlerFunc(o.serve),
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{{Certificate: [][]byte{leafDER}, PrivateKey: key}},
		},
	}
	go func() { _ = o.srv.Serve(&sniffListener{Listener: ln, tls: o.srv.TLSConfig}) }()
	return o, nil
}

// sniffListener serves TLS and plain HTTP on one port: a connection whose first byte
// is a TLS handshake record (0x16) is wrapped in TLS, any other is plain HTTP. The
// edge reaches the origin over HTTPS for ssl full/strict and over HTTP for
// off/flexible, and one origin serves both. Each connection is sniffed in its own
// goroutine, so a client slow to send its first byte delays nobody else.
type sniffListener struct {
	net.Listener
	tls    *tls.Config
	once   sync.Once
	conns  chan net.Conn
	errc   chan error
	closed chan struct{} // closed when the listener stops accepting
}

func (l *sniffListener) start() {
	l.conns, l.errc, l.closed = make(chan net.Conn), make(chan error, 1), make(chan struct{})
	go func() {
		for {
			c, err := l.Listener.Accept()
			if err != nil {
				l.errc <- err
				close(l.closed)
				return
			}
			go func() {
				br := bufio.NewReader(c)
				_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
				first, err := br.Peek(1)
				_ = c.SetReadDeadline(time.Time{})
				if err != nil {
					c.Close()
					return
				}
				var out net.Conn = &peekedConn{Conn: c, r: br}
				if first[0] == 0x16 {
					out = tls.Server(out, l.tls)
				}
				select {
				case l.conns <- out:
				case <-l.closed:
					out.Close()
				}
			}()
		}
	}()
}

func (l *sniffListener) Accept() (net.Conn, error) {
	l.once.Do(l.start)
	select {
	case c := <-l.conns:
		return c, nil
	case err := <-l.errc:
		l.errc <- err // every later Accept sees it too
		return nil, err
	}
}

// peekedConn replays the bytes the listener peeked at.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// Addr is the origin's host:port.
func (o *Origin) Addr() string { return o.ln.Addr().String() }

// RootCAs trusts the origin's certificate (for the edge's ssl = "strict").
func (o *Origin) RootCAs() *x509.CertPool { return o.roots }

// Close stops the server.
func (o *Origin) Close() error { return o.srv.Close() }

func (o *Origin) serve(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	switch {
	case strings.HasPrefix(host, "app."):
		o.mu.Lock()
		f := o.faults
		o.served++
		n := o.served
		o.mu.Unlock()
		if f.Delay > 0 {
			select {
			case <-time.After(f.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if f.ErrorEvery > 0 && n%f.ErrorEvery == 0 {
			http.Error(w, "internal server error", http.StatusInternalServerError)
			return
		}
		scheme := "https"
		if f.MixedContent {
			scheme = "http"
		}
		// The dashboard: personal data, never cacheable.
		w.Header().Set("Cache-Control", "private, no-store")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Dashboard</title><link rel="stylesheet" href="%s://example.com/assets/site.css"></head><body><h1>Your subscription</h1></body></html>`, scheme)
	case strings.HasPrefix(r.URL.Path, "/assets/"):
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "body { font-family: sans-serif; }\n")
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html><head><title>Example</title><link rel="stylesheet" href="/assets/site.css"></head><body><h1>Launching soon</h1></body></html>`)
	}
}
