package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// BenchmarkDNSOnlyHosts1000 verifies a zone of 1,000 DNS-only A names on loopback:
// even-numbered names reach an HTTPS server with a valid wildcard certificate, odd
// ones an address where nothing listens (skipped). The target is one run
// (ns/op) under 10 s:
//
//	go test -run '^$' -bench DNSOnlyHosts1000 -benchtime 1x ./verify/
func BenchmarkDNSOnlyHosts1000(b *testing.B) {
	const n = 1000
	zone := "bench.test"
	caFile, cert := benchPKI(b, "*."+zone)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), ErrorLog: quietLog(),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	b.Cleanup(func() { srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port

	addrOf := func(i int) string {
		if i%2 == 0 {
			return "127.0.0.1"
		}
		return "127.0.0.2"
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ds := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(func(w dns.ResponseWriter, req *dns.Msg) {
		m := new(dns.Msg)
		m.SetReply(req)
		m.Authoritative = true
		q := req.Question[0]
		label, _, _ := strings.Cut(q.Name, ".")
		if i, err := strconv.Atoi(strings.TrimPrefix(label, "h")); err == nil && q.Qtype == dns.TypeA {
			rr, _ := dns.NewRR(fmt.Sprintf("%s 300 IN A %s", q.Name, addrOf(i)))
			m.Answer = append(m.Answer, rr)
		}
		_ = w.WriteMsg(m)
	})}
	go func() { _ = ds.ActivateAndServe() }()
	b.Cleanup(func() { _ = ds.Shutdown() })

	z := &schema.Zone{Name: zone}
	for i := range n {
		z.Records = append(z.Records, &schema.Record{RRSet: model.RRSet{
			Name: fmt.Sprintf("h%d.%s", i, zone), Type: "A", TTL: 300, Values: []string{addrOf(i)}, Origin: "record"}})
	}
	cfg := &schema.Config{Zones: []*schema.Zone{z}}
	opts := Options{Resolver: pc.LocalAddr().String(), CAFile: caFile, HTTPSPort: port, HTTPPort: port}
	b.ResetTimer()
	for b.Loop() {
		rep, err := Run(context.Background(), cfg, opts)
		if err != nil {
			b.Fatal(err)
		}
		// The name servers, 1,000 DNS results, 500 names × 3 TLS results, 500 skips.
		if s := rep.Summary; s.Pass != 1+n+n/2*3 || s.Skip != n/2 || s.Fail != 0 {
			b.Fatalf("summary %+v", s)
		}
	}
}

// benchPKI makes a CA (written to a file) and a certificate for names.
func benchPKI(b *testing.B, names ...string) (string, tls.Certificate) {
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bench CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		b.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(90 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o600); err != nil {
		b.Fatal(err)
	}
	return p, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
