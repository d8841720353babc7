package edge

import (
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

func TestStartRejectsBadOptions(t *testing.T) {
	src := newFakeSource(testZone())
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no source", Options{}, "Source is required"},
		{"IPv6 as the IPv4 edge", Options{Source: src, EdgeIPv4: netip.MustParseAddr("::1")}, "not an IPv4 address"},
		{"IPv4 as the IPv6 edge", Options{Source: src, EdgeIPv6: netip.MustParseAddr("127.0.0.1")}, "not an IPv6 address"},
		{"bad DNS address", Options{Source: src, DNSAddr: "127.0.0.1:notaport"}, "DNS listening"},
		{"bad HTTP address", Options{Source: src, HTTPAddr: "127.0.0.1:notaport"}, "HTTP listening"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Start(tt.o)
			if err == nil {
				e.Close()
				t.Fatalf("Start succeeded, want an error containing %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCloseStopsEverything(t *testing.T) {
	e, err := Start(Options{Source: newFakeSource(testZone())})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := e.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	c := &dns.Client{Net: "tcp", Timeout: time.Second}
	m := new(dns.Msg)
	m.SetQuestion("example.com.", dns.TypeA)
	if _, _, err := c.Exchange(m, e.DNSAddr()); err == nil {
		t.Errorf("DNS still answers over TCP after Close")
	}
	if resp, err := (&http.Client{Timeout: time.Second}).Get("http://" + e.HTTPAddr() + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("HTTP edge still answers after Close")
	}
}

func TestDNSOpcodeAndClass(t *testing.T) {
	e := startEdge(t, Options{Source: newFakeSource(testZone())})
	c := &dns.Client{Net: "udp", Timeout: 5 * time.Second}
	update := new(dns.Msg)
	update.SetUpdate("example.com.")
	chaos := new(dns.Msg)
	chaos.SetQuestion("version.bind.", dns.TypeTXT)
	chaos.Question[0].Qclass = dns.ClassCHAOS
	for _, tt := range []struct {
		name string
		m    *dns.Msg
		want string
	}{{"UPDATE", update, "NOTIMP"}, {"CHAOS class", chaos, "REFUSED"}} {
		resp, _, err := c.Exchange(tt.m, e.DNSAddr())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := dns.RcodeToString[resp.Rcode]; got != tt.want || resp.Authoritative {
			t.Errorf("%s: rcode %s AA=%t, want %s without AA", tt.name, got, resp.Authoritative, tt.want)
		}
	}
}

func TestOriginTTL(t *testing.T) {
	tests := []struct {
		header http.Header
		ttl    time.Duration
		ok     bool
	}{
		{http.Header{}, defaultEdgeTTL, true},
		{http.Header{"Cache-Control": {"public, max-age=60"}}, time.Minute, true},
		{http.Header{"Cache-Control": {"max-age=60, s-maxage=600"}}, 10 * time.Minute, true},
		{http.Header{"Cache-Control": {"max-age=0"}}, 0, false},
		{http.Header{"Cache-Control": {"no-store"}}, 0, false},
		{http.Header{"Cache-Control": {"public", "No-Cache"}}, 0, false},
		{http.Header{"Cache-Control": {"private, max-age=600"}}, 0, false},
		{http.Header{"Set-Cookie": {"a=1"}, "Cache-Control": {"max-age=600"}}, 0, false},
		{http.Header{"Cache-Control": {"max-age=bogus"}}, defaultEdgeTTL, true},
	}
	for _, tt := range tests {
		ttl, ok := originTTL(tt.header)
		if ttl != tt.ttl || ok != tt.ok {
			t.Errorf("originTTL(%v) = %s, %t; want %s, %t", tt.header, ttl, ok, tt.ttl, tt.ok)
		}
	}
}

func TestMemCacheEviction(t *testing.T) {
	now := time.Now()
	c := newMemCache(3)
	put := func(key string, age, ttl time.Duration) {
		c.put(key, &cacheEntry{status: 200, stored: now.Add(-age), expires: now.Add(-age + ttl)}, now)
	}
	put("old", 3*time.Minute, time.Hour)
	put("expired", 2*time.Minute, time.Minute)
	put("new", time.Minute, time.Hour)
	put("newest", 0, time.Hour) // full: the expired entry goes first
	put("fifth", 0, time.Hour)  // still full: then the oldest
	var keys []string
	for _, k := range []string{"old", "expired", "new", "newest", "fifth"} {
		if e, _ := c.get(k, now); e != nil {
			keys = append(keys, k)
		}
	}
	if diff := cmp.Diff([]string{"new", "newest", "fifth"}, keys); diff != "" {
		t.Errorf("kept entries (-want +got):\n%s", diff)
	}
}
