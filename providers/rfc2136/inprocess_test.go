package rfc2136

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// An in-process miekg/dns server on loopback. It complements the BIND tests (it does
// not replace them): it checks the exact UPDATE message the provider sends, TSIG over
// a multi-message AXFR, and how every rcode is reported, including ones BIND is hard
// to provoke into.

type fakeServer struct {
	addr   string
	secret string

	mu      sync.Mutex
	serial  uint32
	records []dns.RR // zone body for AXFR (between the SOAs)
	rcode   int      // answer to UPDATE
	// refuseFrom > 0: UPDATE number refuseFrom (1-based) and later are REFUSED.
	refuseFrom int
	bump       bool       // bump the serial when answering an UPDATE (like a real server)
	updates    []*dns.Msg // UPDATE messages received
}

func (f *fakeServer) soa() *dns.SOA {
	rr, _ := dns.NewRR(fmt.Sprintf("example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. %d 3600 600 86400 300", f.serial))
	return rr.(*dns.SOA)
}

func startFake(t *testing.T, records ...string) *fakeServer {
	t.Helper()
	f := &fakeServer{secret: testSecret, serial: 100}
	for _, s := range records {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		f.records = append(f.records, rr)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = l.Addr().String()
	started := make(chan struct{})
	srv := &dns.Server{
		Listener:          l,
		Net:               "tcp",
		TsigSecret:        map[string]string{"test-key.": testSecret},
		Handler:           dns.HandlerFunc(f.serve),
		NotifyStartedFunc: func() { close(started) },
		// The default accept func answers NOTIMP to UPDATE; a primary accepts it.
		MsgAcceptFunc: func(dns.Header) dns.MsgAcceptAction { return dns.MsgAccept },
	}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	t.Cleanup(func() { _ = srv.Shutdown() })
	return f
}

func (f *fakeServer) serve(w dns.ResponseWriter, r *dns.Msg) {
	ts := r.IsTsig()
	reply := func(m *dns.Msg) {
		if ts != nil {
			m.SetTsig(ts.Hdr.Name, ts.Algorithm, 300, time.Now().Unix())
		}
		_ = w.WriteMsg(m)
	}
	if ts == nil || w.TsigStatus() != nil {
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeRefused)
		_ = w.WriteMsg(m)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Opcode == dns.OpcodeUpdate:
		f.updates = append(f.updates, r.Copy())
		rcode := f.rcode
		if f.refuseFrom > 0 && len(f.updates) >= f.refuseFrom {
			rcode = dns.RcodeRefused
		}
		m := new(dns.Msg)
		m.SetRcode(r, rcode)
		if rcode == dns.RcodeSuccess && f.bump || rcode == dns.RcodeNXRrset {
			f.serial++ // NXRRSET: as if someone else had bumped it
		}
		reply(m)
	case r.Question[0].Qtype == dns.TypeAXFR:
		// Two RRs per message, so TSIG runs over several messages (timers-only after
		// the first, RFC 8945 §5.3.1).
		all := append(append([]dns.RR{f.soa()}, f.records...), f.soa())
		ch := make(chan *dns.Envelope)
		done := make(chan struct{})
		go func() {
			_ = new(dns.Transfer).Out(w, r, ch)
			close(done)
		}()
		for i := 0; i < len(all); i += 2 {
			ch <- &dns.Envelope{RR: all[i:min(i+2, len(all))]}
		}
		close(ch)
		<-done
	case r.Question[0].Qtype == dns.TypeSOA:
		m := new(dns.Msg)
		m.SetReply(r)
		m.Authoritative = true
		m.Answer = []dns.RR{f.soa()}
		reply(m)
	default:
		m := new(dns.Msg)
		m.SetRcode(r, dns.RcodeNotImplemented)
		reply(m)
	}
}

func fakeProvider(t *testing.T, f *fakeServer) *Provider {
	t.Helper()
	p, err := New(Config{Server: f.addr, TSIGKey: "Test-Key", TSIGAlgorithm: "hmac-sha256", TSIGSecret: f.secret, TSIGSecretEnv: secretEnv, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInProcessMultiMessageAXFR(t *testing.T) {
	f := startFake(t,
		"example.test. 300 IN NS ns1.example.test.",
		"ns1.example.test. 300 IN A 127.0.0.1",
		"www.example.test. 60 IN A 192.0.2.1",
		`txt.example.test. 300 IN TXT "a\"b" "c"`,
		"mx.example.test. 300 IN MX 10 MAIL.example.net.",
		"x.example.test. 300 IN TYPE65280 \\# 2 abcd",
	)
	lz, err := fakeProvider(t, f).ReadZone(ctx(t), "Example.Test.")
	if err != nil {
		t.Fatalf("ReadZone: %v", err)
	}
	want := &model.LiveZone{Name: "example.test", Serial: 100, Records: []model.Record{
		rec("example.test", "NS", "ns1.example.test", 300),
		rec("example.test", "SOA", "ns1.example.test. hostmaster.example.test. 100 3600 600 86400 300", 300),
		rec("mx.example.test", "MX", "10 mail.example.net", 300),
		rec("ns1.example.test", "A", "127.0.0.1", 300),
		rec("txt.example.test", "TXT", `a"bc`, 300),
		rec("www.example.test", "A", "192.0.2.1", 60),
		rec("x.example.test", "TYPE65280", `\# 2 abcd`, 300),
	}}
	if diff := cmp.Diff(want, lz); diff != "" {
		t.Errorf("ReadZone (-want +got):\n%s", diff)
	}
}

func TestInProcessUpdateMessageLayout(t *testing.T) {
	f := startFake(t, "www.example.test. 300 IN A 192.0.2.1", "api.example.test. 300 IN A 192.0.2.5")
	f.bump = true
	p := fakeProvider(t, f)
	live, err := p.ReadZone(ctx(t), "example.test")
	if err != nil {
		t.Fatal(err)
	}
	err = p.ApplyRecords(ctx(t), live, []model.RecordOp{
		del(rec("www.example.test", "A", "192.0.2.1", 300)),
		update(rec("api.example.test", "A", "192.0.2.5", 300), rec("api.example.test", "A", "192.0.2.6", 600)),
		create(rec("www.example.test", "CNAME", "App.Hosting.NET", 0)),
		create(rec("_launchready.www.example.test", "TXT", "v=launchready1 CNAME:0123abcd", 300)),
	})
	if err != nil {
		t.Fatalf("ApplyRecords: %v", err)
	}
	if len(f.updates) != 1 {
		t.Fatalf("%d UPDATE messages, want 1", len(f.updates))
	}
	u := f.updates[0]
	flat := func(rrs []dns.RR) []string {
		var out []string
		for _, rr := range rrs {
			out = append(out, rrString(rr))
		}
		return out
	}
	got := map[string][]string{
		"zone":    {u.Question[0].String()},
		"prereq":  flat(u.Answer),
		"update":  flat(u.Ns),
		"trailer": {fmt.Sprint(len(u.Extra)), u.Extra[len(u.Extra)-1].Header().Name, dns.TypeToString[u.Extra[len(u.Extra)-1].Header().Rrtype]},
	}
	want := map[string][]string{
		"zone": {";example.test.\tIN\t SOA"},
		// RFC 2136 §2.4.2: RRset exists (value dependent), TTL 0, class IN.
		"prereq": {"example.test. 0 IN SOA ns1.example.test. hostmaster.example.test. 100 3600 600 86400 300"},
		// §2.5.4 delete an RR (class NONE, TTL 0), §2.5.1 add (class IN), in op order.
		"update": {
			"www.example.test. 0 NONE A 192.0.2.1",
			"api.example.test. 0 NONE A 192.0.2.5",
			"api.example.test. 600 IN A 192.0.2.6",
			"www.example.test. 300 IN CNAME app.hosting.net.",
			`_launchready.www.example.test. 300 IN TXT "v=launchready1 CNAME:0123abcd"`,
		},
		"trailer": {"1", "test-key.", "TSIG"}, // TSIG last, the only additional RR
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UPDATE message (-want +got):\n%s", diff)
	}
}

func TestInProcessRcodes(t *testing.T) {
	const prefix = "rfc2136: updating zone example.test on %s: "
	tests := []struct {
		rcode int
		want  string
		kind  error
	}{
		{dns.RcodeNXRrset, "zone changed since it was read (serial 100 is now 101): nothing was changed; re-run plan", ErrZoneChanged},
		{dns.RcodeYXRrset, "zone changed since it was read (serial 100 is unchanged, but the SOA record was edited): nothing was changed; re-run plan", ErrZoneChanged},
		{dns.RcodeRefused, "update refused by server: check allow-update for key test-key., that the server is the zone's primary, and the server's integrity checks (BIND's check-integrity refuses an MX or SRV whose in-zone target has no A or AAAA record; validate warns about those)", ErrRefused},
		{dns.RcodeNotZone, "a record name is outside the zone (NOTZONE)", nil},
		{dns.RcodeFormatError, "the server could not parse the update (FORMERR)", nil},
		{dns.RcodeServerFailure, "the server failed to apply the update (SERVFAIL): check its log", nil},
		{dns.RcodeNotImplemented, "update failed: the server answered NOTIMP", nil},
	}
	for _, tt := range tests {
		t.Run(dns.RcodeToString[tt.rcode], func(t *testing.T) {
			f := startFake(t, "www.example.test. 300 IN A 192.0.2.1")
			p := fakeProvider(t, f)
			live, err := p.ReadZone(ctx(t), "example.test")
			if err != nil {
				t.Fatal(err)
			}
			f.rcode = tt.rcode
			err = p.ApplyRecords(ctx(t), live, []model.RecordOp{create(rec("new.example.test", "A", "192.0.2.9", 300))})
			want := fmt.Sprintf(prefix, f.addr) + tt.want
			if err == nil || err.Error() != want {
				t.Fatalf("ApplyRecords: %v\nwant: %s", err, want)
			}
			if tt.kind != nil && !errors.Is(err, tt.kind) {
				t.Errorf("errors.Is(err, %v) = false", tt.kind)
			}
		})
	}
}

// When ops need several messages, each message's prerequisite is the SOA re-read after
// the previous one; a failure in a later message says how many were applied.
func TestInProcessSplitRereadsSerialBetweenMessages(t *testing.T) {
	f := startFake(t)
	f.bump = true
	p := fakeProvider(t, f)
	live, err := p.ReadZone(ctx(t), "example.test")
	if err != nil {
		t.Fatal(err)
	}
	var ops []model.RecordOp
	for i := 0; i < 5; i++ {
		ops = append(ops, create(rec(fmt.Sprintf("r%d.example.test", i), "TXT", strings.Repeat("y", 200), 300)))
	}
	g, _ := opToRRs("example.test", ops[0])
	p.maxMsgSize = 12 + len("example.test.") + 1 + 4 + dns.Len(f.soa()) + tsigSize(p.key) + 2*g.size
	if err := p.ApplyRecords(ctx(t), live, ops); err != nil {
		t.Fatalf("ApplyRecords: %v", err)
	}
	var serials []uint32
	var counts []int
	for _, u := range f.updates {
		serials = append(serials, u.Answer[0].(*dns.SOA).Serial)
		counts = append(counts, len(u.Ns))
	}
	if diff := cmp.Diff([]uint32{100, 101, 102}, serials); diff != "" {
		t.Errorf("prerequisite serials (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{2, 2, 1}, counts); diff != "" {
		t.Errorf("records per message (-want +got):\n%s", diff)
	}

	// Again, with the server refusing the second message.
	live, err = p.ReadZone(ctx(t), "example.test")
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.updates, f.refuseFrom = nil, 2
	f.mu.Unlock()
	err = p.ApplyRecords(ctx(t), live, ops)
	want := fmt.Sprintf("rfc2136: updating zone example.test on %s: update refused by server: check allow-update for key test-key., that the server is the zone's primary, and the server's integrity checks (BIND's check-integrity refuses an MX or SRV whose in-zone target has no A or AAAA record; validate warns about those)"+
		" (1 of 3 update messages had been applied before this one; re-run plan to see what remains)", f.addr)
	if err == nil || err.Error() != want || !errors.Is(err, ErrRefused) {
		t.Errorf("ApplyRecords: %v\nwant: %s", err, want)
	}
	if len(f.updates) != 2 {
		t.Errorf("%d messages sent, want 2 (stop at the first failure)", len(f.updates))
	}
}

func TestInProcessContextAndTrivialCalls(t *testing.T) {
	f := startFake(t, "www.example.test. 300 IN A 192.0.2.1")
	p := fakeProvider(t, f)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.ReadZone(cancelled, "example.test")
	want := fmt.Sprintf("rfc2136: reading zone example.test on %s: interrupted: context canceled", f.addr)
	if err == nil || err.Error() != want || !errors.Is(err, context.Canceled) {
		t.Errorf("ReadZone with a cancelled context: %v\nwant: %s", err, want)
	}

	live, err := p.ReadZone(ctx(t), "example.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.ApplyRecords(cancelled, live, nil); err != nil {
		t.Errorf("ApplyRecords with no ops: %v, want nil (and no message sent)", err)
	}
	if err := p.ApplyRecords(ctx(t), nil, []model.RecordOp{create(rec("x.example.test", "A", "192.0.2.1", 300))}); err == nil {
		t.Errorf("ApplyRecords without live state: no error")
	}
	err = p.ApplyRecords(ctx(t), live, []model.RecordOp{{Op: model.OpUpdate, After: &model.Record{Name: "x.example.test", Type: "A", Value: "192.0.2.1"}}})
	if err == nil || !strings.Contains(err.Error(), "update without the record it changes") {
		t.Errorf("ApplyRecords with an update lacking Before: %v", err)
	}
	// A live zone built by hand (no SOA record) falls back to the server's SOA, and
	// still refuses when its serial moved.
	err = p.ApplyRecords(ctx(t), &model.LiveZone{Name: "example.test", Serial: 99}, []model.RecordOp{create(rec("x.example.test", "A", "192.0.2.1", 300))})
	if !errors.Is(err, ErrZoneChanged) || !strings.Contains(err.Error(), "serial 99 is now 100") {
		t.Errorf("ApplyRecords with a stale hand-built live zone: %v, want ErrZoneChanged (99 → 100)", err)
	}
	if len(f.updates) != 0 {
		t.Errorf("%d UPDATE messages sent, want none", len(f.updates))
	}
	if err := p.ApplyRecords(ctx(t), &model.LiveZone{Name: "example.test", Serial: 100}, []model.RecordOp{create(rec("x.example.test", "A", "192.0.2.1", 300))}); err != nil {
		t.Errorf("ApplyRecords with a current hand-built live zone: %v", err)
	}
	if len(f.updates) != 1 || f.updates[0].Answer[0].(*dns.SOA).Serial != 100 {
		t.Errorf("want one UPDATE with the server's SOA (serial 100) as prerequisite, got %d messages", len(f.updates))
	}
}
