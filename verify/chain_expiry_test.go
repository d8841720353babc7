package verify

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/schema"
)

// intermediate makes a CA signed by root, valid until notAfter.
func (ca *testCA) intermediate(t *testing.T, name string, notAfter time.Time) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(100 + serial.Add(1)),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-48 * time.Hour),
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert: cert, key: key}
}

// TestExpiryJudgesTheEarliestCertificateOfTheChain: a leaf valid for 90 days under an
// intermediate that expires in 10 days fails the expiry check on the intermediate's
// date (the chain stops validating then), and a leaf expiring before its
// intermediate is judged on its own date; the root's date is not the site's to renew.
func TestExpiryJudgesTheEarliestCertificateOfTheChain(t *testing.T) {
	lw := newLaunchWorld(t)
	now := time.Now()
	shortInter := lw.ca.intermediate(t, "short-lived intermediate", now.Add(10*24*time.Hour+time.Hour))
	leaf := shortInter.issue(t, now.Add(-time.Hour), now.Add(90*24*time.Hour), "chain.launch.test")
	leaf.Certificate = append(leaf.Certificate, shortInter.cert.Raw)
	lw.web.setCert("chain.launch.test", leaf)

	longInter := lw.ca.intermediate(t, "long-lived intermediate", now.Add(400*24*time.Hour))
	leaf2 := longInter.issue(t, now.Add(-time.Hour), now.Add(20*24*time.Hour+time.Hour), "leafsoon.launch.test")
	leaf2.Certificate = append(leaf2.Certificate, longInter.cert.Raw)
	lw.web.setCert("leafsoon.launch.test", leaf2)

	z := "launch.test"
	zone := &schema.Zone{Name: z, Provider: "cloudflare", ProviderKind: "cloudflare",
		Records: []*schema.Record{
			rrset(t, z, "chain", "A", true, 0, "192.0.2.40"),
			rrset(t, z, "leafsoon", "A", true, 0, "192.0.2.41"),
		}}
	rep, err := Run(context.Background(), &schema.Config{Zones: []*schema.Zone{zone}}, lw.opts)
	if err != nil {
		t.Fatal(err)
	}
	if r := find(t, rep, z, KindTLS, "chain.launch.test", CheckCertificate); r.Status != Pass {
		t.Fatalf("certificate check: %s %s; want a valid chain", r.Status, r.Reason)
	}
	r := find(t, rep, z, KindTLS, "chain.launch.test", CheckExpiry)
	if r.Status != Fail || !strings.Contains(r.Reason, "in 10 days") {
		t.Errorf("expiry with an intermediate expiring in 10 days: %s %q; want fail, in 10 days", r.Status, r.Reason)
	}
	if r.TLS == nil || !r.TLS.NotAfter.Equal(shortInter.cert.NotAfter.UTC()) {
		t.Errorf("expiry detail %+v: want the intermediate's NotAfter %s", r.TLS, shortInter.cert.NotAfter.UTC())
	}
	r = find(t, rep, z, KindTLS, "leafsoon.launch.test", CheckExpiry)
	if r.Status != Warn || !strings.Contains(r.Reason, "in 20 days") {
		t.Errorf("expiry of a leaf expiring before its intermediate: %s %q; want warn, in 20 days", r.Status, r.Reason)
	}
}
