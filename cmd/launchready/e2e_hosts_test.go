package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Issue 14: every DNS-only name is tried on port 443.

const hostsConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "legacy" "A" {
    value = "203.0.113.50"
  }
  record "quiet" "A" {
    value = "203.0.113.51"
  }
}
`

// expiredServer serves HTTPS on loopback with a certificate for names that expired
// yesterday; it returns the address and the PEM of the CA that issued it.
func expiredServer(t *testing.T, names ...string) (string, string) {
	t.Helper()
	now := time.Now()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e private CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(365 * 24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: names[0]}, DNSNames: names,
		NotBefore: now.Add(-90 * 24 * time.Hour), NotAfter: now.Add(-24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler(), ErrorLog: log.New(io.Discard, "", 0),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}))
}

// TestVerifyDNSOnlyHosts: a DNS-only name whose server presents an expired
// certificate fails verify (exit 4); a DNS-only name where nothing answers on 443 is
// one skip line. The expired server runs on loopback; --connect-to maps the
// record's address to it, as it would map a staging server.
func TestVerifyDNSOnlyHosts(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, hostsConfig, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	addr, caPEM := expiredServer(t, "legacy.example.com")
	w.write("private-ca.pem", caPEM)

	// Without a mapping neither documentation address is contacted: two skips.
	r := w.mustRun(0, "verify")
	for _, name := range []string{"legacy.example.com", "quiet.example.com"} {
		if l := statusLine(r.stdout, "certificate", name); !strings.HasPrefix(l, "SKIP") || !strings.Contains(l, "outside loopback") {
			t.Errorf("verify: %s is %q, want one SKIP line\n%s", name, l, r.stdout)
		}
	}

	r = w.mustRun(4, "verify", "--ca-file", "private-ca.pem", "--connect-to", "203.0.113.50:443="+addr)
	for _, c := range [][3]string{
		{"certificate", "legacy.example.com", "outside its validity period"},
		{"expiry", "legacy.example.com", "expired on"},
	} {
		if l := statusLine(r.stdout, c[0], c[1]); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, c[2]) {
			t.Errorf("verify: %s %s is %q, want FAIL with %q\n%s", c[0], c[1], l, c[2], r.stdout)
		}
	}
	if l := statusLine(r.stdout, "certificate", "quiet.example.com"); !strings.HasPrefix(l, "SKIP") {
		t.Errorf("verify: quiet.example.com is %q, want SKIP\n%s", l, r.stdout)
	}
	n := 0
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.Contains(l, "quiet.example.com") && !strings.Contains(l, "quiet.example.com A") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("quiet.example.com appears on %d lines, want one skip line\n%s", n, r.stdout)
	}
	// The proxied apex still verifies against the simulator's own CA.
	if l := statusLine(r.stdout, "certificate", "example.com"); !strings.HasPrefix(l, "PASS") {
		t.Errorf("verify: example.com certificate is %q, want PASS\n%s", l, r.stdout)
	}

	// A bad mapping is refused up front.
	if r := w.run(nil, "verify", "--connect-to", "203.0.113.50"); r.code != 1 || !strings.Contains(r.stderr, "ADDRESS:PORT=HOST:PORT") {
		t.Errorf("verify --connect-to without '=': exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestMXTargetWithoutAddressWarns: validate and plan warn, with file:line:col, about
// an MX whose in-zone target has no address record.
func TestMXTargetWithoutAddressWarns(t *testing.T) {
	t.Parallel()
	cfg := `zone "example.com" {
  provider = "cloudflare"

  record "@" "MX" {
    value = "10 mail.example.com."
  }
}
`
	w := newWorkspace(t, cfg, "example.com")
	for _, args := range [][]string{{"validate"}, {"plan"}} {
		r := w.run(nil, args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
		}
		if out := r.stdout + r.stderr; !strings.Contains(out, "launch.hcl:5:13: warning: MX target has no address record: MX points at mail.example.com") {
			t.Errorf("%v does not warn about the MX target:\n%s", args, out)
		}
	}
}
