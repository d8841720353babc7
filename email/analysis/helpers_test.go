package analysis

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"math/big"
	"net"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/email"
	"testing"
)

// fakeRSA returns a base64 RSA public key of the given size (the modulus need not be
// a product of primes: only its length matters to the checks).
func fakeRSA(t testing.TB, bits int, pkcs1 bool) string {
	t.Helper()
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	n.Add(n, big.NewInt(12345))
	pub := &rsa.PublicKey{N: n, E: 65537}
	if pkcs1 {
		return base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(pub))
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("marshal RSA: %v", err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func mustZone(t testing.TB, text string) *email.MemoryResolver {
	t.Helper()
	m := email.NewMemoryResolver()
	if err := m.AddZone(text); err != nil {
		t.Fatalf("zone: %v", err)
	}
	return m
}

type testServer struct{ addr string }

// startTestServer serves m over real DNS (UDP and TCP) on loopback, authoritatively.
func startTestServer(t *testing.T, m *email.MemoryResolver) *testServer {
	t.Helper()
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		resp := new(dns.Msg)
		resp.SetReply(r)
		resp.Authoritative = true
		q := r.Question[0]
		answer, err := m.Query(q.Name, q.Qtype)
		var le *email.LookupError
		switch {
		case errors.As(err, &le) && le.Kind == email.ErrNXDomain:
			resp.Rcode = dns.RcodeNameError
		case errors.As(err, &le) && le.Kind == email.ErrTemporary:
			resp.Rcode = dns.RcodeServerFailure
			answer = nil
		}
		resp.Answer = answer
		if _, isTCP := w.RemoteAddr().(*net.TCPAddr); !isTCP {
			size := dns.MinMsgSize
			if opt := r.IsEdns0(); opt != nil {
				size = int(opt.UDPSize())
			}
			resp.Truncate(size)
		}
		_ = w.WriteMsg(resp)
	})
	var pc net.PacketConn
	var ln net.Listener
	for attempt := 0; ; attempt++ {
		var err error
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			t.Fatalf("listening on UDP: %v", err)
		}
		if ln, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
		if attempt > 10 {
			t.Fatalf("listening on TCP next to UDP: %v", err)
		}
	}
	udp := &dns.Server{PacketConn: pc, Handler: handler}
	tcp := &dns.Server{Listener: ln, Handler: handler}
	for _, s := range []*dns.Server{udp, tcp} {
		started := make(chan struct{})
		s.NotifyStartedFunc = func() { close(started) }
		go func() { _ = s.ActivateAndServe() }()
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			t.Fatalf("DNS test server did not start")
		}
	}
	t.Cleanup(func() {
		_ = udp.Shutdown()
		_ = tcp.Shutdown()
	})
	return &testServer{addr: pc.LocalAddr().String()}
}
