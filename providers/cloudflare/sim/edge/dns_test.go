package edge

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// rrLines renders records as "owner ttl TYPE rdata" (SOA as "owner SOA").
func rrLines(rrs []dns.RR) []string {
	out := []string{}
	for _, rr := range rrs {
		h := rr.Header()
		if h.Rrtype == dns.TypeSOA {
			out = append(out, h.Name+" SOA")
			continue
		}
		if h.Rrtype == dns.TypeOPT {
			continue
		}
		rdata := strings.TrimPrefix(rr.String(), h.String())
		out = append(out, strings.Join([]string{h.Name, strconv.FormatUint(uint64(h.Ttl), 10), dns.TypeToString[h.Rrtype], rdata}, " "))
	}
	return out
}

type dnsAnswer struct {
	Rcode      string
	AA, RA, TC bool
	Answer     []string
	Ns         []string
	Extra      []string
}

func summarize(m *dns.Msg) dnsAnswer {
	return dnsAnswer{
		Rcode: dns.RcodeToString[m.Rcode], AA: m.Authoritative, RA: m.RecursionAvailable, TC: m.Truncated,
		Answer: rrLines(m.Answer), Ns: rrLines(m.Ns), Extra: rrLines(m.Extra),
	}
}

func TestDNSAnswers(t *testing.T) {
	e := startEdge(t, Options{Source: newFakeSource(testZone())})
	soa := []string{"example.com. SOA"}
	ok := func(answer ...string) dnsAnswer {
		return dnsAnswer{Rcode: "NOERROR", AA: true, Answer: answer, Ns: []string{}, Extra: []string{}}
	}
	nodata := dnsAnswer{Rcode: "NOERROR", AA: true, Answer: []string{}, Ns: soa, Extra: []string{}}
	nxdomain := dnsAnswer{Rcode: "NXDOMAIN", AA: true, Answer: []string{}, Ns: soa, Extra: []string{}}
	tests := []struct {
		name  string
		qname string
		qtype uint16
		want  dnsAnswer
	}{
		{"proxied apex answers the edge", "example.com", dns.TypeA, ok("example.com. 300 A 127.0.0.1")},
		{"proxied apex has no AAAA without an IPv6 edge", "example.com", dns.TypeAAAA, nodata},
		{"proxied CNAME is flattened", "www.example.com", dns.TypeA, ok("www.example.com. 300 A 127.0.0.1")},
		{"proxied CNAME not revealed to a CNAME question", "www.example.com", dns.TypeCNAME, nodata},
		{"proxied external CNAME", "app.example.com", dns.TypeA, ok("app.example.com. 300 A 127.0.0.1")},
		{"proxied AAAA-only name answers A", "v6.example.com", dns.TypeA, ok("v6.example.com. 300 A 127.0.0.1")},
		{"proxied AAAA-only name, AAAA", "v6.example.com", dns.TypeAAAA, nodata},
		{"question case is kept", "WWW.Example.COM", dns.TypeA, ok("WWW.Example.COM. 300 A 127.0.0.1")},
		{"unproxied A with TTL", "api.example.com", dns.TypeA, ok("api.example.com. 120 A 203.0.113.20", "api.example.com. 120 A 203.0.113.21")},
		{"unproxied A automatic TTL", "plain.example.com", dns.TypeA, ok("plain.example.com. 300 A 203.0.113.50")},
		{"MX", "example.com", dns.TypeMX, ok("example.com. 300 MX 10 mx1.mailhost.net.", "example.com. 300 MX 20 mx2.mailhost.net.")},
		{"TXT next to a proxied A", "example.com", dns.TypeTXT, ok(`example.com. 300 TXT "google-site-verification=abc"`)},
		{"CAA", "example.com", dns.TypeCAA, ok(`example.com. 300 CAA 0 issue "letsencrypt.org"`)},
		{"SRV", "_sip._tcp.example.com", dns.TypeSRV, ok("_sip._tcp.example.com. 300 SRV 10 5 5060 sip.example.com.")},
		{"PTR", "ptr.example.com", dns.TypePTR, ok("ptr.example.com. 300 PTR host.example.net.")},
		{"wildcard CNAME leaving the zone", "pr-1.preview.example.com", dns.TypeA, ok("pr-1.preview.example.com. 300 CNAME previews.hosting.net.")},
		{"wildcard covers deeper names", "a.b.preview.example.com", dns.TypeA, ok("a.b.preview.example.com. 300 CNAME previews.hosting.net.")},
		{"wildcard owner itself", "*.preview.example.com", dns.TypeCNAME, ok("*.preview.example.com. 300 CNAME previews.hosting.net.")},
		{"proxied wildcard", "x.apps.example.com", dns.TypeA, ok("x.apps.example.com. 300 A 127.0.0.1")},
		{"empty non-terminal of a wildcard is NODATA", "preview.example.com", dns.TypeA, nodata},
		{"in-zone CNAME chain", "alias.example.com", dns.TypeA, ok(
			"alias.example.com. 300 CNAME api.example.com.", "api.example.com. 120 A 203.0.113.20", "api.example.com. 120 A 203.0.113.21")},
		{"CNAME chain into a proxied name", "toproxied.example.com", dns.TypeA, ok(
			"toproxied.example.com. 300 CNAME app.example.com.", "app.example.com. 300 A 127.0.0.1")},
		{"CNAME chain to a type the target lacks", "alias.example.com", dns.TypeMX, dnsAnswer{Rcode: "NOERROR", AA: true,
			Answer: []string{"alias.example.com. 300 CNAME api.example.com."}, Ns: soa, Extra: []string{}}},
		{"dangling in-zone CNAME", "dangling.example.com", dns.TypeA, dnsAnswer{Rcode: "NXDOMAIN", AA: true,
			Answer: []string{"dangling.example.com. 300 CNAME nowhere.example.com."}, Ns: soa, Extra: []string{}}},
		{"missing name", "nope.example.com", dns.TypeA, nxdomain},
		{"missing type", "sip.example.com", dns.TypeTXT, nodata},
		{"empty non-terminal", "deep.example.com", dns.TypeA, nodata},
		{"SOA", "example.com", dns.TypeSOA, ok("example.com. SOA")},
		{"apex NS with glue", "example.com", dns.TypeNS, dnsAnswer{Rcode: "NOERROR", AA: true,
			Answer: []string{"example.com. 300 NS ns1.example.com.", "example.com. 300 NS ns2.example.com."}, Ns: []string{},
			Extra: []string{"ns1.example.com. 300 A 127.0.0.1", "ns2.example.com. 300 A 127.0.0.1"}}},
		{"name server address", "ns1.example.com", dns.TypeA, ok("ns1.example.com. 300 A 127.0.0.1")},
		{"delegation is a referral", "www.sub.example.com", dns.TypeA, dnsAnswer{Rcode: "NOERROR",
			Answer: []string{}, Ns: []string{"sub.example.com. 300 NS ns1.sub-dns.net."}, Extra: []string{}}},
		{"delegation with glue", "deleg.example.com", dns.TypeNS, dnsAnswer{Rcode: "NOERROR",
			Answer: []string{}, Ns: []string{"deleg.example.com. 300 NS ns.deleg.example.com."},
			Extra: []string{"ns.deleg.example.com. 300 A 192.0.2.53"}}},
		{"another zone is refused", "example.org", dns.TypeA, dnsAnswer{Rcode: "REFUSED", Answer: []string{}, Ns: []string{}, Extra: []string{}}},
		{"the root is refused", ".", dns.TypeNS, dnsAnswer{Rcode: "REFUSED", Answer: []string{}, Ns: []string{}, Extra: []string{}}},
		{"AXFR is refused", "example.com", dns.TypeAXFR, dnsAnswer{Rcode: "REFUSED", Answer: []string{}, Ns: []string{}, Extra: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			network := "udp"
			if tt.qtype == dns.TypeAXFR {
				network = "tcp"
			}
			got := summarize(query(t, e.DNSAddr(), tt.qname, tt.qtype, network))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s %s (-want +got):\n%s", tt.qname, dns.TypeToString[tt.qtype], diff)
			}
		})
	}
}

func TestDNSLongTXTIsSplit(t *testing.T) {
	e := startEdge(t, Options{Source: newFakeSource(testZone())})
	resp := query(t, e.DNSAddr(), "long.example.com", dns.TypeTXT, "udp")
	if len(resp.Answer) != 1 {
		t.Fatalf("got %d answers, want 1 TXT record", len(resp.Answer))
	}
	var lens []int
	for _, s := range resp.Answer[0].(*dns.TXT).Txt {
		lens = append(lens, len(s))
	}
	if diff := cmp.Diff([]int{255, 45}, lens); diff != "" {
		t.Errorf("character-string lengths (-want +got):\n%s", diff)
	}
}

// TestDNSProxiedNeverRevealsOrigin asks every proxied name every question a
// resolver could ask and looks for the origin in any section.
func TestDNSProxiedNeverRevealsOrigin(t *testing.T) {
	z := testZone()
	e := startEdge(t, Options{Source: newFakeSource(z)})
	for _, r := range z.Records {
		if !r.Proxied {
			continue
		}
		name := strings.Replace(r.Name, "*", "probe", 1)
		for _, qt := range []uint16{dns.TypeA, dns.TypeAAAA, dns.TypeCNAME, dns.TypeANY} {
			resp := query(t, e.DNSAddr(), name, qt, "tcp")
			for _, rr := range append(append(resp.Answer, resp.Ns...), resp.Extra...) {
				reveals := false
				switch v := rr.(type) {
				case *dns.A:
					reveals = v.A.String() == r.Value
				case *dns.AAAA:
					reveals = v.AAAA.String() == r.Value
				case *dns.CNAME:
					reveals = strings.TrimSuffix(v.Target, ".") == r.Value
				}
				if reveals {
					t.Errorf("%s %s reveals the origin %s: %s", name, dns.TypeToString[qt], r.Value, rr)
				}
				if rr.Header().Rrtype == dns.TypeCNAME && strings.EqualFold(rr.Header().Name, dns.Fqdn(name)) {
					t.Errorf("%s %s answers a CNAME for a proxied name: %s", name, dns.TypeToString[qt], rr)
				}
			}
		}
	}
}

func TestDNSIPv6Edge(t *testing.T) {
	e := startEdge(t, Options{Source: newFakeSource(testZone()), EdgeIPv6: mustAddr("::1")})
	got := rrLines(query(t, e.DNSAddr(), "v6.example.com", dns.TypeAAAA, "udp").Answer)
	if diff := cmp.Diff([]string{"v6.example.com. 300 AAAA ::1"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDNSSeesChangesAndMovesSerial(t *testing.T) {
	src := newFakeSource(testZone())
	e := startEdge(t, Options{Source: src})
	serial := func() uint32 {
		resp := query(t, e.DNSAddr(), "example.com", dns.TypeSOA, "udp")
		return resp.Answer[0].(*dns.SOA).Serial
	}
	before := serial()
	if again := serial(); again != before {
		t.Fatalf("serial moved without a change: %d then %d", before, again)
	}
	src.update("example.com", func(z *model.LiveZone) {
		z.Records = append(z.Records, rec("new.example.com", "A", "192.0.2.77", false))
	})
	got := rrLines(query(t, e.DNSAddr(), "new.example.com", dns.TypeA, "udp").Answer)
	if diff := cmp.Diff([]string{"new.example.com. 300 A 192.0.2.77"}, got); diff != "" {
		t.Errorf("new record (-want +got):\n%s", diff)
	}
	if after := serial(); after != before+1 {
		t.Errorf("serial after a change = %d, want %d", after, before+1)
	}
}

func TestDNSOwnApexNS(t *testing.T) {
	z := testZone()
	z.Records = append(z.Records,
		rec("example.com", "NS", "ada.ns.cloudflare.com", false),
		rec("example.com", "NS", "bob.ns.cloudflare.com", false))
	e := startEdge(t, Options{Source: newFakeSource(z)})
	got := summarize(query(t, e.DNSAddr(), "example.com", dns.TypeNS, "udp"))
	want := dnsAnswer{Rcode: "NOERROR", AA: true, Answer: []string{
		"example.com. 300 NS ada.ns.cloudflare.com.", "example.com. 300 NS bob.ns.cloudflare.com."}, Ns: []string{}, Extra: []string{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if r := query(t, e.DNSAddr(), "ns1.example.com", dns.TypeA, "udp"); r.Rcode != dns.RcodeNameError {
		t.Errorf("ns1.example.com = %s, want NXDOMAIN when the zone has its own name servers", dns.RcodeToString[r.Rcode])
	}
}

func TestDNSTruncationAndTCP(t *testing.T) {
	z := testZone()
	for i := 0; i < 10; i++ {
		z.Records = append(z.Records, rec("big.example.com", "TXT", strings.Repeat(string(rune('a'+i)), 200), false))
	}
	e := startEdge(t, Options{Source: newFakeSource(z)})
	udp := query(t, e.DNSAddr(), "big.example.com", dns.TypeTXT, "udp")
	if !udp.Truncated {
		t.Errorf("UDP answer of %d records without EDNS: TC not set", len(udp.Answer))
	}
	tcp := query(t, e.DNSAddr(), "big.example.com", dns.TypeTXT, "tcp")
	if tcp.Truncated || len(tcp.Answer) != 10 {
		t.Errorf("TCP answer: TC=%t with %d records, want all 10", tcp.Truncated, len(tcp.Answer))
	}
}
