package email

import (
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// testServer is a real miekg/dns server on 127.0.0.1 (UDP and TCP on one port) that
// serves a MemoryResolver's data the way an authoritative server does: CNAME chains
// inside its data, NXDOMAIN, NODATA, SERVFAIL for simulated failures; names set to
// time out get no answer at all. UDP answers are truncated to the client's EDNS0 size.
type testServer struct {
	addr string
	// cnameOnly makes the server answer a CNAME alone, without its target's records,
	// like an authoritative server for a zone that does not hold the target.
	cnameOnly bool
	queries   atomic.Int64
	tcp       atomic.Int64
}

func startTestServer(t *testing.T, m *MemoryResolver, cnameOnly bool) *testServer {
	t.Helper()
	ts := &testServer{cnameOnly: cnameOnly}
	handler := dns.HandlerFunc(func(w dns.ResponseWriter, r *dns.Msg) {
		ts.queries.Add(1)
		_, isTCP := w.RemoteAddr().(*net.TCPAddr)
		if isTCP {
			ts.tcp.Add(1)
		}
		resp := new(dns.Msg)
		resp.SetReply(r)
		resp.Authoritative = true
		q := r.Question[0]
		answer, err := m.Query(q.Name, q.Qtype)
		if ts.cnameOnly && len(answer) > 0 {
			if _, ok := answer[0].(*dns.CNAME); ok {
				answer, err = answer[:1], nil
			}
		}
		var le *LookupError
		switch {
		case errors.As(err, &le) && errors.Is(le.Cause, errTimeout):
			return // no answer: the client times out
		case errors.As(err, &le) && le.Kind == ErrNXDomain:
			resp.Rcode = dns.RcodeNameError
		case errors.As(err, &le) && le.Kind == ErrTemporary:
			resp.Rcode = dns.RcodeServerFailure
			answer = nil
		}
		resp.Answer = answer
		if !isTCP {
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
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("listening on UDP: %v", err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
		if attempt > 10 {
			t.Fatalf("listening on TCP next to UDP: %v", err)
		}
	}
	ts.addr = pc.LocalAddr().String()
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
	return ts
}

// mustZone builds a MemoryResolver from zone-file text.
func mustZone(t testing.TB, text string) *MemoryResolver {
	t.Helper()
	m := NewMemoryResolver()
	if err := m.AddZone(text); err != nil {
		t.Fatalf("zone: %v", err)
	}
	return m
}
