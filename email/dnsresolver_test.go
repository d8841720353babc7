package email

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

func TestDNSResolver(t *testing.T) {
	var many []string
	for i := 0; i < 40; i++ {
		many = append(many, fmt.Sprintf("big.example. TXT \"record %02d %s\"", i, strings.Repeat("x", 60)))
	}
	m := mustZone(t, `
a.example.        A     192.0.2.1
a.example.        AAAA  2001:db8::1
a.example.        TXT   "part one " "part two"
a.example.        MX    10 mx.a.example.
a.example.        MX    0 .
alias.example.    CNAME a.example.
alias2.example.   CNAME alias.example.
dangling.example. CNAME nowhere.example.
loop1.example.    CNAME loop2.example.
loop2.example.    CNAME loop1.example.
1.2.0.192.in-addr.arpa. PTR a.example.
`+strings.Join(many, "\n")+"\n")
	m.SetTimeout("slow.example")
	m.Add(&dns.TXT{Hdr: dns.RR_Header{Name: "fail.example.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{"x"}})
	m.SetTimeout("fail.example", dns.TypeA) // the server drops A queries for it; TXT is answered
	// The CNAME loop makes the server answer SERVFAIL (or, with cnameOnly, makes the
	// resolver detect the loop while chasing): both are temporary errors.

	for _, cnameOnly := range []bool{false, true} {
		t.Run(fmt.Sprintf("cnameOnly=%v", cnameOnly), func(t *testing.T) {
			srv := startTestServer(t, m, cnameOnly)
			r := NewDNSResolver(srv.addr)
			r.Timeout = 300 * time.Millisecond
			ctx := context.Background()

			txt, err := r.LookupTXT(ctx, "A.Example.")
			if err != nil || !cmp.Equal(txt, []string{"part one part two"}) {
				t.Errorf("LookupTXT = %q, %v", txt, err)
			}
			ips, err := r.LookupA(ctx, "alias2.example")
			if err != nil || len(ips) != 1 || !ips[0].Equal(net.ParseIP("192.0.2.1")) {
				t.Errorf("LookupA through two CNAMEs = %v, %v", ips, err)
			}
			ips, err = r.LookupAAAA(ctx, "alias.example")
			if err != nil || len(ips) != 1 || !ips[0].Equal(net.ParseIP("2001:db8::1")) {
				t.Errorf("LookupAAAA through a CNAME = %v, %v", ips, err)
			}
			mxs, err := r.LookupMX(ctx, "a.example")
			if err != nil || len(mxs) != 2 {
				t.Errorf("LookupMX = %v, %v", mxs, err)
			}
			ptrs, err := r.LookupPTR(ctx, ReverseName(net.ParseIP("192.0.2.1")))
			if err != nil || !cmp.Equal(ptrs, []string{"a.example"}) {
				t.Errorf("LookupPTR = %v, %v", ptrs, err)
			}
			big, err := r.LookupTXT(ctx, "big.example")
			if err != nil || len(big) != 40 {
				t.Errorf("LookupTXT of a truncated answer = %d records, %v", len(big), err)
			}

			for _, tc := range []struct {
				name string
				f    func() error
				kind error
			}{
				{"nxdomain", func() error { _, err := r.LookupA(ctx, "nope.example"); return err }, ErrNXDomain},
				{"nodata", func() error { _, err := r.LookupA(ctx, "big.example"); return err }, ErrNoData},
				{"dangling cname", func() error { _, err := r.LookupA(ctx, "dangling.example"); return err }, ErrNXDomain},
				{"cname loop", func() error { _, err := r.LookupA(ctx, "loop1.example"); return err }, ErrTemporary},
				{"timeout", func() error { _, err := r.LookupTXT(ctx, "slow.example"); return err }, ErrTemporary},
				{"one type times out", func() error { _, err := r.LookupA(ctx, "fail.example"); return err }, ErrTemporary},
				{"invalid name", func() error { _, err := r.LookupA(ctx, strings.Repeat("a", 64)+".example"); return err }, ErrNXDomain},
			} {
				err := tc.f()
				if LookupKind(0, err) != tc.kind {
					t.Errorf("%s: error %v, want kind %v", tc.name, err, tc.kind)
				}
			}
		})
	}
	srv := startTestServer(t, m, false)
	if srv.tcp.Load() != 0 {
		t.Errorf("fresh server already saw TCP queries")
	}
	r := NewDNSResolver(srv.addr)
	if _, err := r.LookupTXT(context.Background(), "big.example"); err != nil || srv.tcp.Load() == 0 {
		t.Errorf("a truncated UDP answer was not retried over TCP (tcp queries %d, err %v)", srv.tcp.Load(), err)
	}
}

func TestNewDNSResolverServers(t *testing.T) {
	tests := []struct{ in, want string }{
		{"127.0.0.1:5353", "127.0.0.1:5353"},
		{"192.0.2.53", "192.0.2.53:53"},
		{"::1", "[::1]:53"},
		{"[::1]:8053", "[::1]:8053"},
		{"ns.example.com", "ns.example.com:53"},
	}
	for _, tc := range tests {
		r := NewDNSResolver(tc.in)
		if !cmp.Equal(r.servers, []string{tc.want}) || r.err != nil {
			t.Errorf("NewDNSResolver(%q) servers = %v (err %v), want [%s]", tc.in, r.servers, r.err, tc.want)
		}
	}
	sys := NewDNSResolver("")
	if (len(sys.servers) == 0) == (sys.err == nil) {
		t.Errorf("system resolver: servers %v and err %v; want exactly one of them", sys.servers, sys.err)
	}
}

// TestDNSResolverUnreachable: a server that does not answer is a temporary error,
// which CheckHost turns into temperror.
func TestDNSResolverUnreachable(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	r := NewDNSResolver(addr)
	r.Timeout = 200 * time.Millisecond
	res, tr := CheckHost(context.Background(), r, net.ParseIP("192.0.2.1"), "a@example.com", "h.example.com")
	if res != SPFTempError {
		t.Errorf("CheckHost with no server = %s, want temperror (%s)", res, tr.Reason)
	}
}
