package rfc2136

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// These tests run against a real BIND9 named on loopback (internal/testbind): they
// skip without named, and fail without it when CI=true.

const zone = "example.test"

const secretEnv = "LAUNCH_TSIG_SECRET"

func newProvider(t *testing.T, srv *testbind.Server) *Provider {
	t.Helper()
	p, err := New(Config{
		Server:        srv.Addr,
		TSIGKey:       srv.KeyName,
		TSIGAlgorithm: srv.Algorithm,
		TSIGSecret:    srv.Secret,
		TSIGSecretEnv: secretEnv,
		Timeout:       5 * time.Second,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return p
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func rec(name, typ, value string, ttl int) model.Record {
	return model.Record{Name: name, Type: typ, Value: value, TTL: ttl}
}

func create(r model.Record) model.RecordOp { return model.RecordOp{Op: model.OpCreate, After: &r} }
func del(r model.Record) model.RecordOp    { return model.RecordOp{Op: model.OpDelete, Before: &r} }
func update(before, after model.Record) model.RecordOp {
	return model.RecordOp{Op: model.OpUpdate, Before: &before, After: &after}
}

// harnessHead reports whether r is one of the records testbind writes into every
// zone (SOA, apex NS, ns1 A), so tests can compare only their own.
func harnessHead(r model.Record) bool {
	return r.Type == "SOA" || (r.Name == zone && r.Type == "NS") || (r.Name == "ns1."+zone && r.Type == "A")
}

func own(lz *model.LiveZone) []model.Record {
	var out []model.Record
	for _, r := range lz.Records {
		if !harnessHead(r) {
			out = append(out, r)
		}
	}
	return out
}

// canon builds a record whose value is made canonical the way schema does it, so the
// round trip compares against exactly what a plan would hold.
func canon(t *testing.T, name, typ, value string, ttl int) model.Record {
	t.Helper()
	v, err := model.CanonicalValue(typ, value, zone)
	if err != nil {
		t.Fatalf("CanonicalValue(%s, %q): %v", typ, value, err)
	}
	n, err := model.CanonicalName(name, zone)
	if err != nil {
		t.Fatalf("CanonicalName(%q): %v", name, err)
	}
	return rec(n, typ, v, ttl)
}

func readZone(t *testing.T, p *Provider) *model.LiveZone {
	t.Helper()
	lz, err := p.ReadZone(ctx(t), zone)
	if err != nil {
		t.Fatalf("ReadZone: %v", err)
	}
	return lz
}

func apply(t *testing.T, p *Provider, live *model.LiveZone, ops ...model.RecordOp) {
	t.Helper()
	if err := p.ApplyRecords(ctx(t), live, ops); err != nil {
		t.Fatalf("ApplyRecords: %v", err)
	}
}

func withTTL(rs []model.Record, def int) []model.Record {
	out := make([]model.Record, len(rs))
	for i, r := range rs {
		if r.TTL == 0 {
			r.TTL = def
		}
		out[i] = r
	}
	model.SortRecords(out)
	return out
}

func TestReadZoneReturnsCanonicalRecordsAndSerial(t *testing.T) {
	srv := testbind.Start(t, zone, `
WWW      600 IN A     192.0.2.1
v6           IN AAAA  2001:DB8:0:0:0:0:0:1
Alias        IN CNAME Target.Example.NET.
@            IN MX    10 MX1.example.net.
@            IN TXT   "v=spf1 " "-all"
_sip._tcp    IN SRV   10 5 5060 SIP.example.net.
@            IN CAA   0 ISSUE "letsencrypt.org"
sub          IN NS    ns.other.example.
4            IN PTR   host.example.net.
key          IN SSHFP 1 1 123456789ABCDEF67890123456789ABCDEF67890
`)
	p := newProvider(t, srv)
	lz := readZone(t, p)
	if lz.Name != zone || lz.Serial != testbind.InitialSerial {
		t.Errorf("Name, Serial = %q, %d; want %q, %d", lz.Name, lz.Serial, zone, testbind.InitialSerial)
	}
	want := []model.Record{
		rec(zone, "CAA", `0 issue "letsencrypt.org"`, 300),
		rec(zone, "MX", "10 mx1.example.net", 300),
		rec(zone, "NS", "ns1.example.test", 300),
		rec(zone, "SOA", "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 300", 300),
		rec(zone, "TXT", "v=spf1 -all", 300),
		rec("_sip._tcp."+zone, "SRV", "10 5 5060 sip.example.net", 300),
		rec("4."+zone, "PTR", "host.example.net", 300),
		rec("alias."+zone, "CNAME", "target.example.net", 300),
		rec("key."+zone, "SSHFP", "1 1 123456789ABCDEF67890123456789ABCDEF67890", 300),
		rec("ns1."+zone, "A", "127.0.0.1", 300),
		rec("sub."+zone, "NS", "ns.other.example", 300),
		rec("v6."+zone, "AAAA", "2001:db8::1", 300),
		rec("www."+zone, "A", "192.0.2.1", 600),
	}
	model.SortRecords(want)
	if diff := cmp.Diff(want, lz.Records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// longTXT is > 255 bytes, with quotes, a backslash, semicolons and a two-byte UTF-8
// character at bytes 254-255, straddling the 255-byte boundary.
var longTXT = func() string {
	prefix := `v=DKIM1; k=rsa; n="quoted \ note"; p=`
	return prefix + strings.Repeat("A", 254-len(prefix)) + "é" + strings.Repeat("B", 300)
}()

func TestEveryRecordTypeRoundTrips(t *testing.T) {
	srv := testbind.Start(t, zone, "")
	p := newProvider(t, srv)
	live := readZone(t, p)

	want := []model.Record{
		canon(t, "@", "A", "203.0.113.10", 0),
		canon(t, "api", "A", "203.0.113.20", 3600),
		canon(t, "api", "A", "203.0.113.21", 3600),
		canon(t, "v6", "AAAA", "2001:DB8:0:0::10", 0),
		canon(t, "www", "CNAME", "Example.TEST.", 0),
		canon(t, "*.preview", "CNAME", "previews.hosting.net", 120),
		canon(t, "@", "MX", "10 mx1.mailhost.net.", 0),
		canon(t, "@", "MX", "20 MX2.mailhost.net", 0),
		canon(t, "nomail", "MX", "0 .", 0),
		canon(t, "@", "TXT", "v=spf1 include:_spf.google.com -all", 0),
		canon(t, "google._domainkey", "TXT", longTXT, 0),
		canon(t, "quotes", "TXT", `he said "hi" \o/ ; done`, 0),
		canon(t, "_sip._tcp", "SRV", "10 5 5060 sip.example.com.", 0),
		canon(t, "@", "CAA", `0 issue "letsencrypt.org"`, 0),
		canon(t, "@", "CAA", `128 iodef "mailto:security@example.test"`, 0),
		canon(t, "delegated", "NS", "ns1.other-provider.net.", 0),
		canon(t, "delegated", "NS", "ns2.other-provider.net.", 0),
		canon(t, "10.rev", "PTR", "host.example.net", 0),
		canon(t, "bücher", "A", "192.0.2.77", 0),
	}
	var ops []model.RecordOp
	for _, r := range want {
		ops = append(ops, create(r))
	}
	apply(t, p, live, ops...)

	got := readZone(t, p)
	if diff := cmp.Diff(withTTL(want, 300), own(got)); diff != "" {
		t.Errorf("records read back (-want +got):\n%s", diff)
	}
	if got.Serial != live.Serial+1 {
		t.Errorf("serial %d → %d: want exactly one UPDATE message", live.Serial, got.Serial)
	}
	// The IDN name is stored in Punycode.
	if rrs := srv.Query(t, "xn--bcher-kva."+zone, dns.TypeA); len(rrs) != 1 {
		t.Errorf("xn--bcher-kva.%s A: %v, want one record", zone, rrs)
	}
}

func TestTXTIsSplitIntoCharacterStringsOf255Bytes(t *testing.T) {
	srv := testbind.Start(t, zone, "")
	p := newProvider(t, srv)
	r := canon(t, "dkim", "TXT", longTXT, 0)
	apply(t, p, readZone(t, p), create(r))

	rrs := srv.Query(t, "dkim."+zone, dns.TypeTXT)
	if len(rrs) != 1 {
		t.Fatalf("dkim TXT: %d records, want 1", len(rrs))
	}
	var lens []int
	var joined string
	for _, s := range rrs[0].(*dns.TXT).Txt {
		raw := model.UnescapeDNSString(s)
		lens = append(lens, len(raw))
		joined += raw
	}
	// 254 not 255: the é (2 bytes) starts at byte 254 and is not cut.
	wantLens := []int{254, 255, len(longTXT) - 254 - 255}
	if diff := cmp.Diff(wantLens, lens); diff != "" {
		t.Errorf("character-string lengths (-want +got):\n%s", diff)
	}
	if joined != longTXT {
		t.Errorf("joined strings = %q, want %q", joined, longTXT)
	}
	got := own(readZone(t, p))
	if diff := cmp.Diff([]model.Record{rec("dkim."+zone, "TXT", longTXT, 300)}, got); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
}

func TestTypeChangeInOneMessage(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	p := newProvider(t, srv)
	live := readZone(t, p)
	apply(t, p, live,
		del(rec("www."+zone, "A", "192.0.2.1", 300)),
		create(rec("www."+zone, "CNAME", "app.hosting.net", 300)),
	)
	got := readZone(t, p)
	if diff := cmp.Diff([]model.Record{rec("www."+zone, "CNAME", "app.hosting.net", 300)}, own(got)); diff != "" {
		t.Errorf("after type change (-want +got):\n%s", diff)
	}
	if got.Serial != live.Serial+1 {
		t.Errorf("serial %d → %d: want one message", live.Serial, got.Serial)
	}
}

func TestUpdateAndDelete(t *testing.T) {
	srv := testbind.Start(t, zone, "api 300 IN A 192.0.2.1\napi 300 IN A 192.0.2.2\nold IN TXT \"bye\"\n")
	p := newProvider(t, srv)
	live := readZone(t, p)
	apply(t, p, live,
		del(rec("old."+zone, "TXT", "bye", 300)),
		update(rec("api."+zone, "A", "192.0.2.2", 300), rec("api."+zone, "A", "192.0.2.3", 300)),
	)
	want := []model.Record{rec("api."+zone, "A", "192.0.2.1", 300), rec("api."+zone, "A", "192.0.2.3", 300)}
	if diff := cmp.Diff(want, own(readZone(t, p))); diff != "" {
		t.Errorf("after update and delete (-want +got):\n%s", diff)
	}
}

// A DNS RRset has one TTL. With BIND, changing the TTL of one value (delete it, add it
// back with the new TTL) gives the whole RRset the new TTL.
func TestTTLChangeOfOneValueAppliesToTheRRset(t *testing.T) {
	srv := testbind.Start(t, zone, "api 300 IN A 192.0.2.1\napi 300 IN A 192.0.2.2\n")
	p := newProvider(t, srv)
	apply(t, p, readZone(t, p),
		update(rec("api."+zone, "A", "192.0.2.1", 300), rec("api."+zone, "A", "192.0.2.1", 3600)))
	want := []model.Record{rec("api."+zone, "A", "192.0.2.1", 3600), rec("api."+zone, "A", "192.0.2.2", 3600)}
	if diff := cmp.Diff(want, own(readZone(t, p))); diff != "" {
		t.Errorf("after TTL change of one value (-want +got):\n%s", diff)
	}
}

func TestWrongTSIGSecretIsAClearError(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	good := newProvider(t, srv)
	live := readZone(t, good)

	bad, err := New(Config{Server: srv.Addr, TSIGKey: srv.KeyName, TSIGAlgorithm: srv.Algorithm,
		TSIGSecret: "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldC13cm9uZyE=", TSIGSecretEnv: secretEnv})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	wantMsg := fmt.Sprintf("rfc2136: reading zone %s on %s: TSIG verification failed (BADSIG): check the secret in $%s", zone, srv.Addr, secretEnv)
	_, err = bad.ReadZone(ctx(t), zone)
	if err == nil || err.Error() != wantMsg || !errors.Is(err, ErrTSIG) {
		t.Errorf("ReadZone with wrong secret: %v\nwant: %s (ErrTSIG)", err, wantMsg)
	}

	err = bad.ApplyRecords(ctx(t), live, []model.RecordOp{create(rec("new."+zone, "A", "192.0.2.9", 300))})
	wantMsg = strings.Replace(wantMsg, "reading zone", "updating zone", 1)
	if err == nil || err.Error() != wantMsg || !errors.Is(err, ErrTSIG) {
		t.Errorf("ApplyRecords with wrong secret: %v\nwant: %s (ErrTSIG)", err, wantMsg)
	}
	if rrs := srv.Query(t, "new."+zone, dns.TypeA); len(rrs) != 0 {
		t.Errorf("update with wrong secret was applied: %v", rrs)
	}
	if strings.Contains(err.Error(), srv.Secret) {
		t.Errorf("error contains the secret")
	}
}

func TestUnknownKeyIsAClearError(t *testing.T) {
	srv := testbind.Start(t, zone, "")
	p, err := New(Config{Server: srv.Addr, TSIGKey: "other-key", TSIGAlgorithm: "hmac-sha256", TSIGSecret: srv.Secret})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	_, err = p.ReadZone(ctx(t), zone)
	if err == nil || !errors.Is(err, ErrTSIG) || !strings.Contains(err.Error(), "(BADKEY): the server has no key other-key. with algorithm hmac-sha256") {
		t.Errorf("ReadZone with unknown key: %v; want a BADKEY error naming the key", err)
	}
}

func TestRefusedUpdateIsAClearError(t *testing.T) {
	srv := testbind.Start(t, zone, "", testbind.DenyUpdate())
	p := newProvider(t, srv)
	live := readZone(t, p)
	err := p.ApplyRecords(ctx(t), live, []model.RecordOp{create(rec("new."+zone, "A", "192.0.2.9", 300))})
	want := fmt.Sprintf("rfc2136: updating zone %s on %s: update refused by server: check allow-update for key test-key., that the server is the zone's primary, and the server's integrity checks (BIND's check-integrity refuses an MX or SRV whose in-zone target has no A or AAAA record; validate warns about those)", zone, srv.Addr)
	if err == nil || err.Error() != want || !errors.Is(err, ErrRefused) {
		t.Errorf("ApplyRecords: %v\nwant: %s (ErrRefused)", err, want)
	}
	if got := srv.Serial(t); got != live.Serial {
		t.Errorf("serial moved to %d after a refused update", got)
	}
}

func TestRefusedTransferIsAClearError(t *testing.T) {
	srv := testbind.Start(t, zone, "", testbind.DenyTransfer())
	_, err := newProvider(t, srv).ReadZone(ctx(t), zone)
	want := fmt.Sprintf("rfc2136: reading zone %s on %s: zone transfer refused (REFUSED): check that the server serves %s and that allow-transfer includes key test-key.", zone, srv.Addr, zone)
	if err == nil || err.Error() != want || !errors.Is(err, ErrRefused) {
		t.Errorf("ReadZone: %v\nwant: %s (ErrRefused)", err, want)
	}
	// A zone the server does not serve is refused the same way.
	srv2 := testbind.Start(t, zone, "")
	_, err = newProvider(t, srv2).ReadZone(ctx(t), "other.test")
	want = fmt.Sprintf("rfc2136: reading zone other.test on %s: the server is not authoritative for the zone (NOTAUTH)", srv2.Addr)
	if err == nil || err.Error() != want || !errors.Is(err, ErrRefused) {
		t.Errorf("ReadZone of a zone not served: %v\nwant: %s (ErrRefused)", err, want)
	}
}

func TestUnsignedAXFRIsRefused(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	m := new(dns.Msg)
	m.SetAxfr(zone + ".")
	ch, err := (&dns.Transfer{}).In(m, srv.Addr)
	if err != nil {
		t.Fatalf("In: %v", err)
	}
	var got []dns.RR
	var xfrErr error
	for env := range ch {
		got = append(got, env.RR...)
		if env.Error != nil {
			xfrErr = env.Error
		}
	}
	rc, ok := 0, false
	if xfrErr != nil {
		rc, ok = xfrRcode(xfrErr)
	}
	if len(got) != 0 || !ok || rc != dns.RcodeRefused {
		t.Errorf("unsigned AXFR: %d RRs, error %v; want none and REFUSED", len(got), xfrErr)
	}
}

func TestConcurrentEditBetweenReadAndApply(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	p := newProvider(t, srv)
	live := readZone(t, p)

	// Someone edits the zone after the plan was computed.
	srv.Update(t, []string{"other." + zone + ". 300 IN A 192.0.2.50"}, nil)

	err := p.ApplyRecords(ctx(t), live, []model.RecordOp{
		del(rec("www."+zone, "A", "192.0.2.1", 300)),
		create(rec("new."+zone, "A", "192.0.2.9", 300)),
	})
	want := fmt.Sprintf("rfc2136: updating zone %s on %s: zone changed since it was read (serial %d is now %d): nothing was changed; re-run plan",
		zone, srv.Addr, live.Serial, live.Serial+1)
	if err == nil || err.Error() != want || !errors.Is(err, ErrZoneChanged) {
		t.Fatalf("ApplyRecords: %v\nwant: %s (ErrZoneChanged)", err, want)
	}
	// Nothing of the apply happened; the concurrent edit is intact.
	wantRecs := []model.Record{rec("other."+zone, "A", "192.0.2.50", 300), rec("www."+zone, "A", "192.0.2.1", 300)}
	if diff := cmp.Diff(wantRecs, own(readZone(t, p))); diff != "" {
		t.Errorf("zone after refused apply (-want +got):\n%s", diff)
	}
}

func TestCNAMENextToUnmanagedDataIsRefusedBeforeSending(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	p := newProvider(t, srv)
	live := readZone(t, p)
	err := p.ApplyRecords(ctx(t), live, []model.RecordOp{create(rec("www."+zone, "CNAME", "app.hosting.net", 300))})
	if err == nil || !strings.Contains(err.Error(), "www.example.test would have a CNAME next to other records (A 192.0.2.1, CNAME app.hosting.net)") {
		t.Errorf("ApplyRecords: %v; want a CNAME conflict error", err)
	}
	if got := srv.Serial(t); got != live.Serial {
		t.Errorf("serial moved to %d: something was sent", got)
	}
}

// More than 64 KiB of changes: several messages, each with the serial as re-read.
func TestLargeApplyIsSplitIntoSeveralMessages(t *testing.T) {
	srv := testbind.Start(t, zone, "")
	p := newProvider(t, srv)
	live := readZone(t, p)
	var ops []model.RecordOp
	var want []model.Record
	for i := 0; i < 300; i++ {
		r := rec(fmt.Sprintf("r%03d.%s", i, zone), "TXT", fmt.Sprintf("%03d-%s", i, strings.Repeat("x", 240)), 300)
		ops = append(ops, create(r))
		want = append(want, r)
	}
	apply(t, p, live, ops...)
	got := readZone(t, p)
	model.SortRecords(want)
	if diff := cmp.Diff(want, own(got)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	// 300 × ~290 bytes ≈ 87 KB: two messages, so the serial moved by two.
	if got.Serial != live.Serial+2 {
		t.Errorf("serial %d → %d, want two UPDATE messages", live.Serial, got.Serial)
	}
}

// An IXFR answered AXFR-style (the serial asked for is not in the journal) carries the
// whole zone and is accepted like an AXFR.
func TestAXFRStyleIXFRIsAccepted(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	p := newProvider(t, srv)
	rrs, err := p.transfer(ctx(t), zone, dns.TypeIXFR, 1)
	if err != nil {
		t.Fatalf("IXFR: %v", err)
	}
	got, err := p.liveZone(zone, rrs)
	if err != nil {
		t.Fatalf("liveZone(IXFR answer): %v", err)
	}
	if diff := cmp.Diff(readZone(t, p), got); diff != "" {
		t.Errorf("IXFR zone differs from AXFR zone (-axfr +ixfr):\n%s", diff)
	}
}

func TestUnreachableServer(t *testing.T) {
	// A port nobody listens on: connection refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	// A listener that accepts and never answers: timeout.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	tests := []struct {
		name, addr, want string
	}{
		{"refused", closedAddr, "connection refused: no DNS server is listening on " + closedAddr + " over TCP"},
		{"timeout", silent.Addr().String(), "no answer within 300ms (is " + silent.Addr().String() + " reachable over TCP?)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(Config{Server: tt.addr, TSIGKey: "k.", TSIGAlgorithm: "hmac-sha256", TSIGSecret: "c2VjcmV0", Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.ReadZone(ctx(t), zone)
			want := fmt.Sprintf("rfc2136: reading zone %s on %s: %s", zone, tt.addr, tt.want)
			if err == nil || err.Error() != want || !errors.Is(err, ErrUnreachable) {
				t.Errorf("ReadZone: %v\nwant: %s (ErrUnreachable)", err, want)
			}
		})
	}
}

// TestIntegrityCheckRefusesMXWithoutAddress models what validate warns about: BIND's
// check-integrity (on by default for a primary zone) refuses an update adding an MX
// whose in-zone target has no A or AAAA record, and the error names that cause.
func TestIntegrityCheckRefusesMXWithoutAddress(t *testing.T) {
	srv := testbind.Start(t, zone, "")
	p := newProvider(t, srv)
	live := readZone(t, p)
	err := p.ApplyRecords(ctx(t), live, []model.RecordOp{create(rec(zone, "MX", "10 nomail."+zone, 300))})
	if err == nil || !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "integrity checks") {
		t.Fatalf("ApplyRecords of an MX without address: %v; want ErrRefused naming the integrity checks", err)
	}
	if rrs := srv.Query(t, zone, dns.TypeMX); len(rrs) != 0 {
		t.Errorf("refused MX was applied: %v", rrs)
	}
}

// TestLockOnBIND: the apply lock is an UPDATE with a "name not in use" prerequisite:
// a second taker is refused with the holder named, the taker's retry is its own,
// Unlock only removes the taker's own lock, BreakLock removes any.
func TestLockOnBIND(t *testing.T) {
	srv := testbind.Start(t, zone, "www IN A 192.0.2.1\n")
	p := newProvider(t, srv)
	a := ownership.LockInfo{Holder: "ann@laptop", PID: 42, Since: time.Now().UTC().Truncate(time.Second), Token: "aaaa1111"}
	b := ownership.LockInfo{Holder: "ci@runner", PID: 7, Since: time.Now().UTC().Truncate(time.Second), Token: "bbbb2222"}
	if err := p.Lock(ctx(t), zone, a); err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	if err := p.Lock(ctx(t), zone, a); err != nil {
		t.Errorf("the holder's own retry: %v", err)
	}
	err := p.Lock(ctx(t), zone, b)
	var le *ownership.LockedError
	if !errors.As(err, &le) || le.Info.Holder != "ann@laptop" || le.Info.PID != 42 {
		t.Fatalf("second Lock: %v, want a LockedError naming ann@laptop", err)
	}
	if err := p.Unlock(ctx(t), zone, b); err != nil {
		t.Fatal(err)
	}
	if held, err := p.ReadLock(ctx(t), zone); err != nil || held == nil || held.Token != a.Token {
		t.Fatalf("after someone else's Unlock: %+v, %v; want ann's lock kept", held, err)
	}
	// The zone's records as plan sees them (ownership.ReadLedger) omit the lock.
	_, rest := ownership.ReadLedger(zone, readZone(t, p).Records)
	for _, r := range rest {
		if ownership.IsLockName(r.Name) {
			t.Errorf("lock record %v among the zone's records", r)
		}
	}
	if err := p.Unlock(ctx(t), zone, a); err != nil {
		t.Fatal(err)
	}
	if held, err := p.ReadLock(ctx(t), zone); err != nil || held != nil {
		t.Fatalf("after Unlock: %+v, %v", held, err)
	}
	if err := p.Lock(ctx(t), zone, b); err != nil {
		t.Fatal(err)
	}
	if err := p.BreakLock(ctx(t), zone); err != nil {
		t.Fatal(err)
	}
	if held, _ := p.ReadLock(ctx(t), zone); held != nil {
		t.Errorf("after BreakLock: %+v", held)
	}
}
