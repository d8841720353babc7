package verify

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/schema"
)

// hostsWorld serves zone hosts.test: DNS on a test server, HTTPS on a loopback server
// that picks its certificate by SNI (ca issues a valid one unless setCert chose).
func hostsWorld(t *testing.T) (*dnsServer, *webWorld, *testCA) {
	t.Helper()
	ca := newTestCA(t, "hosts test CA")
	ds := newDNSServer(t, "hosts.test")
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })
	return ds, newWebWorld(t, ca, ok, ok), ca
}

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

func TestDNSOnlyHostsProbedOn443(t *testing.T) {
	ds, web, ca := hostsWorld(t)
	now := time.Now()
	// expired.hosts.test: an expired certificate; other.hosts.test: a certificate for
	// another name; good.hosts.test: valid; silent.hosts.test: nothing on 443;
	// plain.hosts.test: something that is not TLS on 443.
	web.setCert("expired.hosts.test", ca.issue(t, now.Add(-100*24*time.Hour), now.Add(-24*time.Hour), "expired.hosts.test"))
	web.setCert("other.hosts.test", ca.issue(t, now.Add(-time.Hour), now.Add(90*24*time.Hour), "elsewhere.example"))
	plain, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	plainSrv := &http.Server{Handler: http.NotFoundHandler(), ErrorLog: quietLog()}
	go func() { _ = plainSrv.Serve(plain) }()
	t.Cleanup(func() { plainSrv.Close() })
	ds.set(t,
		"expired.hosts.test. 300 IN A 127.0.0.1",
		"other.hosts.test. 300 IN A 127.0.0.1",
		"good.hosts.test. 300 IN CNAME alias.hosts.test.",
		"alias.hosts.test. 300 IN A 127.0.0.1",
		"silent.hosts.test. 300 IN A 192.0.2.1",
		"plain.hosts.test. 300 IN A 192.0.2.2",
	)
	z := &schema.Zone{Name: "hosts.test", Records: []*schema.Record{
		rrset(t, "hosts.test", "expired", "A", false, 300, "127.0.0.1"),
		rrset(t, "hosts.test", "other", "A", false, 300, "127.0.0.1"),
		rrset(t, "hosts.test", "good", "CNAME", false, 300, "alias.hosts.test."),
		rrset(t, "hosts.test", "silent", "A", false, 300, "192.0.2.1"),
		rrset(t, "hosts.test", "plain", "A", false, 300, "192.0.2.2"),
		rrset(t, "hosts.test", "*.preview", "CNAME", false, 300, "previews.example."),
		rrset(t, "hosts.test", "@", "MX", false, 300, "10 mail.hosts.test."),
	}}
	rep, err := Run(context.Background(), &schema.Config{Zones: []*schema.Zone{z}}, Options{
		Resolver: ds.addr, CAFile: ca.writeFile(t), HTTPSPort: web.httpsPort, HTTPPort: web.httpPort,
		// 192.0.2.1:443 → a closed loopback port; 192.0.2.2:443 → a plain HTTP server.
		ConnectTo: map[string]string{
			"192.0.2.1:443": fmt.Sprintf("127.0.0.1:%d", closedPort(t)),
			"192.0.2.2:443": plain.Addr().String(),
		},
		LoopbackOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	text := renderText(t, rep)
	for _, c := range []struct {
		name, check string
		st          Status
		reason      string
	}{
		{"expired.hosts.test", CheckCertificate, Fail, "outside its validity period"},
		{"expired.hosts.test", CheckExpiry, Fail, "expired on"},
		{"other.hosts.test", CheckCertificate, Fail, "does not cover other.hosts.test"},
		{"good.hosts.test", CheckCertificate, Pass, "valid chain"},
		{"good.hosts.test", CheckExpiry, Pass, ""},
		{"good.hosts.test", CheckTLSVersion, Pass, "no min_tls_version"},
		{"silent.hosts.test", CheckCertificate, Skip, "nothing answers on port 443"},
		{"plain.hosts.test", CheckCertificate, Skip, "no TLS handshake completed"},
		{"*.preview.hosts.test", CheckCertificate, Skip, "wildcard"},
	} {
		got := find(t, rep, "hosts.test", KindTLS, c.name, c.check)
		if got.Status != c.st || !strings.Contains(got.Reason, c.reason) {
			t.Errorf("%s %s = %s %q, want %s containing %q", c.name, c.check, got.Status, got.Reason, c.st, c.reason)
		}
	}
	// A skipped name gets exactly one line.
	n := 0
	for _, r := range rep.Zones[0].Results {
		if r.Name == "silent.hosts.test" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("silent.hosts.test has %d results, want 1:\n%s", n, text)
	}
	if !rep.Failed() {
		t.Errorf("report passes with an expired certificate on a DNS-only name:\n%s", text)
	}
}

func TestLoopbackOnlyNeverDialsOut(t *testing.T) {
	ds, web, ca := hostsWorld(t)
	ds.set(t, "api.hosts.test. 300 IN A 203.0.113.20")
	z := &schema.Zone{Name: "hosts.test", Records: []*schema.Record{rrset(t, "hosts.test", "api", "A", false, 300, "203.0.113.20")}}
	rep, err := Run(context.Background(), &schema.Config{Zones: []*schema.Zone{z}}, Options{
		Resolver: ds.addr, CAFile: ca.writeFile(t), HTTPSPort: web.httpsPort, HTTPPort: web.httpPort, LoopbackOnly: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	got := find(t, rep, "hosts.test", KindTLS, "api.hosts.test", CheckCertificate)
	if got.Status != Skip || !strings.Contains(got.Reason, "not probed on port 443") {
		t.Errorf("api.hosts.test = %s %q, want a skip saying it was not contacted", got.Status, got.Reason)
	}
}

func TestConnectToRefusesBadAddresses(t *testing.T) {
	_, err := Run(context.Background(), &schema.Config{}, Options{ConnectTo: map[string]string{"203.0.113.1": "127.0.0.1:1"}})
	if err == nil || !strings.Contains(err.Error(), "must be HOST:PORT") {
		t.Fatalf("err = %v, want a HOST:PORT complaint", err)
	}
}
