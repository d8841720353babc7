package edge

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// handshake connects to the HTTPS edge with SNI and the edge CA as the only root.
func handshake(t *testing.T, e *Edge, serverName string, minV, maxV uint16) (tls.ConnectionState, error) {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(e.CACertPEM()) {
		t.Fatal("CACertPEM holds no certificate")
	}
	raw, err := net.DialTimeout("tcp", e.HTTPSAddr(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	c := tls.Client(raw, &tls.Config{ServerName: serverName, RootCAs: roots, MinVersion: minV, MaxVersion: maxV})
	if err := c.Handshake(); err != nil {
		return tls.ConnectionState{}, err
	}
	return c.ConnectionState(), nil
}

func TestTLSCertificates(t *testing.T) {
	clock := newFakeClock()
	e := startEdge(t, Options{Source: newFakeSource(testZone()), Now: clock.Now})
	for _, host := range []string{"example.com", "www.example.com", "app.example.com", "old.example.com", "launchready-verify.apps.example.com"} {
		t.Run(host, func(t *testing.T) {
			cs, err := handshake(t, e, host, tls.VersionTLS12, 0)
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			leaf := cs.PeerCertificates[0]
			if diff := cmp.Diff([]string{host}, leaf.DNSNames); diff != "" {
				t.Errorf("SAN (-want +got):\n%s", diff)
			}
			pub, ok := leaf.PublicKey.(*ecdsa.PublicKey)
			if !ok || pub.Curve != elliptic.P256() {
				t.Errorf("key is %T, want ECDSA P-256", leaf.PublicKey)
			}
			if got, want := leaf.NotAfter.Sub(clock.Now()).Round(time.Hour), DefaultCertValidity-time.Hour; got != want {
				t.Errorf("certificate valid for %s more, want %s", got, want)
			}
			if len(cs.VerifiedChains) == 0 || len(cs.VerifiedChains[0]) != 2 {
				t.Errorf("verified chain %v, want leaf and the edge CA", cs.VerifiedChains)
			}
		})
	}
}

func TestTLSRefusesNamesWithoutCertificate(t *testing.T) {
	e := startEdge(t, Options{Source: newFakeSource(testZone())})
	for _, sni := range []string{
		"plain.example.com",     // not proxied
		"api.example.com",       // not proxied
		"nope.example.com",      // does not exist
		"x.preview.example.com", // unproxied wildcard
		"www.sub.example.com",   // delegated away
		"example.org",           // no zone
		"127.0.0.1",             // an address: no SNI is sent
	} {
		t.Run(sni, func(t *testing.T) {
			if cs, err := handshake(t, e, sni, tls.VersionTLS12, 0); err == nil {
				t.Errorf("handshake succeeded with a certificate for %v, want a failure", cs.PeerCertificates[0].DNSNames)
			}
		})
	}
}

func TestTLSVersions(t *testing.T) {
	src := newFakeSource(testZone())
	e := startEdge(t, Options{Source: src})
	set := func(min, tls13 string) {
		src.update("example.com", func(z *model.LiveZone) {
			z.Settings.Values[model.SettingMinTLSVersion] = min
			z.Settings.Values[model.SettingTLS13] = tls13
			if min == "" {
				delete(z.Settings.Values, model.SettingMinTLSVersion)
			}
		})
	}
	names := map[uint16]string{tls.VersionTLS10: "1.0", tls.VersionTLS11: "1.1", tls.VersionTLS12: "1.2", tls.VersionTLS13: "1.3"}
	tests := []struct {
		min, tls13 string
		clientMax  uint16
		want       string // negotiated version, or "refused"
	}{
		{"1.2", "on", tls.VersionTLS13, "1.3"},
		{"1.2", "on", tls.VersionTLS12, "1.2"},
		{"1.2", "on", tls.VersionTLS11, "refused"},
		{"1.2", "off", tls.VersionTLS13, "1.2"},
		{"1.3", "on", tls.VersionTLS12, "refused"},
		{"1.3", "off", tls.VersionTLS13, "1.3"}, // a 1.3 minimum implies TLS 1.3
		{"1.1", "off", tls.VersionTLS11, "1.1"},
		{"1.1", "off", tls.VersionTLS10, "refused"},
		{"", "off", tls.VersionTLS10, "1.0"}, // Cloudflare's default minimum is 1.0
	}
	for _, tt := range tests {
		set(tt.min, tt.tls13)
		cs, err := handshake(t, e, "example.com", tls.VersionTLS10, tt.clientMax)
		got := "refused"
		if err == nil {
			got = names[cs.Version]
		}
		if got != tt.want {
			t.Errorf("min_tls_version %q, tls_1_3 %q, client up to %s: got %s, want %s (err %v)",
				tt.min, tt.tls13, names[tt.clientMax], got, tt.want, err)
		}
	}
}

func TestCAFileAndValidity(t *testing.T) {
	clock := newFakeClock()
	e := startEdge(t, Options{Source: newFakeSource(testZone()), Now: clock.Now, CAValidity: 30 * 24 * time.Hour, CertValidity: 60 * 24 * time.Hour})
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := e.WriteCAFile(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(e.CACertPEM()), string(b)); diff != "" {
		t.Errorf("CA file differs from CACertPEM:\n%s", diff)
	}
	block, _ := pem.Decode(b)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if !ca.IsCA || !strings.Contains(ca.Subject.CommonName, "launchready") {
		t.Errorf("CA certificate: IsCA=%t subject %q", ca.IsCA, ca.Subject)
	}
	cs, err := handshake(t, e, "example.com", tls.VersionTLS12, 0)
	if err != nil {
		t.Fatal(err)
	}
	// A leaf never outlives its CA.
	if got := cs.PeerCertificates[0].NotAfter; !got.Equal(ca.NotAfter) {
		t.Errorf("leaf expires %s, want the CA's expiry %s", got, ca.NotAfter)
	}
}
