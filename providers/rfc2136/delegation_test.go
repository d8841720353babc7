package rfc2136

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
)

// TestReadDelegation: an RFC 2136 zone's delegation is its apex NS, and with a
// DNSKEY in the zone, the DS of its key-signing key.
func TestReadDelegation(t *testing.T) {
	key := &dns.DNSKEY{Hdr: dns.RR_Header{Name: zone + ".", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 300},
		Flags: 257, Protocol: 3, Algorithm: dns.ECDSAP256SHA256}
	if _, err := key.Generate(256); err != nil {
		t.Fatal(err)
	}
	srv := testbind.Start(t, zone, "@ IN NS ns2.example.net.\n"+key.String()+"\n")
	d, err := newProvider(t, srv).ReadDelegation(ctx(t), zone)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(d.Nameservers, " ") != "ns1.example.test ns2.example.net" || d.Status != "" {
		t.Errorf("delegation = %+v", d)
	}
	ds := key.ToDS(dns.SHA256)
	want := strings.ToUpper(strings.Join(strings.Fields(ds.String())[4:], " "))
	if d.DNSSEC == nil || d.DNSSEC.Status != "active" || len(d.DNSSEC.DS) != 1 || d.DNSSEC.DS[0] != want {
		t.Errorf("DNSSEC = %+v, want DS %s", d.DNSSEC, want)
	}

	plain := testbind.Start(t, zone, "")
	d, err = newProvider(t, plain).ReadDelegation(ctx(t), zone)
	if err != nil {
		t.Fatal(err)
	}
	if d.DNSSEC.Status != "disabled" || len(d.DNSSEC.DS) != 0 {
		t.Errorf("unsigned zone DNSSEC = %+v", d.DNSSEC)
	}
}
