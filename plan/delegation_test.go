package plan

import (
	"bytes"
	"strings"
	"testing"
)

// TestZoneStatusInPlan: a zone that is not active shows its status and the name
// servers to set beside its header; an active zone shows nothing more.
func TestZoneStatusInPlan(t *testing.T) {
	lz := live()
	lz.Status = "pending"
	lz.Nameservers = []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}
	p := mustCompute(t, cfZone(rr("www", "A", "192.0.2.1")), lz)
	if zp := p.Zones[0]; zp.Status != "pending" || strings.Join(zp.Nameservers, ",") != "ada.ns.cloudflare.com,bob.ns.cloudflare.com" {
		t.Fatalf("ZonePlan status = %q %v", zp.Status, zp.Nameservers)
	}
	var b bytes.Buffer
	if err := RenderText(&b, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	want := "  Not active: zone pending at the provider: set the name servers ada.ns.cloudflare.com, bob.ns.cloudflare.com at the registrar; until then the world reads the old provider"
	if !strings.HasPrefix(lines[0], "zone "+zn+" (cloudflare)") || lines[1] != want {
		t.Errorf("text:\n%s\nwant line 2:\n%s", b.String(), want)
	}
	b.Reset()
	if err := RenderMarkdown(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "> **Not active:** zone pending at the provider: set the name servers ada.ns.cloudflare.com, bob.ns.cloudflare.com") {
		t.Errorf("markdown:\n%s", b.String())
	}

	lz = live()
	lz.Status, lz.Nameservers = "active", []string{"ada.ns.cloudflare.com"}
	p = mustCompute(t, cfZone(rr("www", "A", "192.0.2.1")), lz)
	b.Reset()
	if err := RenderText(&b, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if zp := p.Zones[0]; zp.Status != "" || zp.Nameservers != nil || strings.Contains(b.String(), "Not active") {
		t.Errorf("active zone: %q %v\n%s", zp.Status, zp.Nameservers, b.String())
	}
}
