package cloudflare_test

import (
	"context"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// TestSimReadDelegation reads a pending zone's status, assigned name servers and
// DNSSEC state from the simulator; the DS it returns is the DNSKEY's digest, and
// ReadZone carries the status for plan.
func TestSimReadDelegation(t *testing.T) {
	e := startSim(t, sim.Options{Zones: []string{"shop.test"}})
	if err := e.srv.SetZoneDelegation("shop.test", sim.ZoneDelegation{Status: "pending",
		NameServers: []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}, OriginalNameServers: []string{"ns1.oldhost.example"}}); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	p := e.provider(t, cloudflare.Options{})
	d, err := p.ReadDelegation(ctx, "shop.test")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "pending" || strings.Join(d.Nameservers, " ") != "ada.ns.cloudflare.com bob.ns.cloudflare.com" ||
		strings.Join(d.OriginalNameservers, " ") != "ns1.oldhost.example" {
		t.Errorf("delegation = %+v", d)
	}
	if d.DNSSEC == nil || d.DNSSEC.Status != "disabled" || len(d.DNSSEC.DS) != 0 {
		t.Errorf("DNSSEC before enabling = %+v", d.DNSSEC)
	}
	live, err := p.ReadZone(ctx, "shop.test")
	if err != nil {
		t.Fatal(err)
	}
	if live.Status != "pending" {
		t.Errorf("LiveZone.Status = %q", live.Status)
	}

	if err := e.srv.SetZoneDelegation("shop.test", sim.ZoneDelegation{DNSSEC: "pending"}); err != nil {
		t.Fatal(err)
	}
	d, err = e.provider(t, cloudflare.Options{}).ReadDelegation(ctx, "shop.test")
	if err != nil {
		t.Fatal(err)
	}
	if d.DNSSEC.Status != "pending" || len(d.DNSSEC.DS) != 1 || len(d.DNSSEC.DNSKEY) != 1 {
		t.Fatalf("DNSSEC = %+v", d.DNSSEC)
	}
	rr, err := dns.NewRR("shop.test. 3600 IN DNSKEY " + d.DNSSEC.DNSKEY[0])
	if err != nil {
		t.Fatal(err)
	}
	ds := rr.(*dns.DNSKEY).ToDS(dns.SHA256)
	want := strings.ToUpper(strings.Join(strings.Fields(ds.String())[4:], " "))
	if d.DNSSEC.DS[0] != want {
		t.Errorf("DS = %q, want %q", d.DNSSEC.DS[0], want)
	}
}
