package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7"
	cfdns "github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/zones"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// TestZoneDelegation: the zone object carries the status and name servers set
// through the admin API, and the status filter of the zone list follows them. (The
// DNSSEC endpoint is not in the shared schema subset, so these exchanges go through
// the SDK's own client, not the conformance-checked one.)
func TestZoneDelegation(t *testing.T) {
	srv, err := sim.New(sim.Options{Token: testToken, Zones: []string{"shop.test", "other.test"}})
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	cf := cloudflare.NewClient(option.WithBaseURL(base), option.WithAPIToken(testToken), option.WithMaxRetries(0))
	admin := func(name string, body any) (int, string) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPatch, strings.TrimSuffix(base, "/client/v4")+"/__sim/zones/"+name, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.String()
	}

	if st, body := admin("shop.test", map[string]any{"status": "pending", "name_servers": []string{"Ada.NS.Cloudflare.com.", "bob.ns.cloudflare.com"},
		"original_name_servers": []string{"ns1.oldhost.example"}}); st != 200 {
		t.Fatalf("admin PATCH: %d %s", st, body)
	}
	if st, body := admin("shop.test", map[string]any{"status": "sleeping"}); st != 400 || !strings.Contains(body, "want one of initializing, pending, active, moved") {
		t.Errorf("bad status: %d %s", st, body)
	}
	if st, _ := admin("nope.test", map[string]any{"status": "active"}); st != 400 {
		t.Errorf("unknown zone: %d", st)
	}
	page, err := cf.Zones.List(ctx, zones.ZoneListParams{Status: cloudflare.F(zones.ZoneListParamsStatusPending)})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Result) != 1 || page.Result[0].Name != "shop.test" {
		t.Fatalf("pending zones: %+v", page.Result)
	}
	z := page.Result[0]
	if z.Status != "pending" || strings.Join(z.NameServers, ",") != "ada.ns.cloudflare.com,bob.ns.cloudflare.com" || strings.Join(z.OriginalNameServers, ",") != "ns1.oldhost.example" {
		t.Errorf("zone = %s %v %v", z.Status, z.NameServers, z.OriginalNameServers)
	}

	// DNSSEC: disabled, then enabled (pending until the DS is at the registrar), the
	// DS derived from the DNSKEY, then disabled again.
	get := func() *cfdns.DNSSEC {
		t.Helper()
		d, err := cf.DNS.DNSSEC.Get(ctx, cfdns.DNSSECGetParams{ZoneID: cloudflare.F(z.ID)})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := get(); d.Status != "disabled" || d.DS != "" {
		t.Errorf("initial DNSSEC = %s %q", d.Status, d.DS)
	}
	d, err := cf.DNS.DNSSEC.Edit(ctx, cfdns.DNSSECEditParams{ZoneID: cloudflare.F(z.ID), Status: cloudflare.F(cfdns.DNSSECEditParamsStatusActive)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "pending" || d.Algorithm != "13" || d.DigestType != "2" || d.Flags != 257 || d.KeyType != "ECDSAP256SHA256" {
		t.Fatalf("enabled DNSSEC = %+v", d)
	}
	key := &dns.DNSKEY{Hdr: dns.RR_Header{Name: "shop.test.", Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET}, Flags: 257, Protocol: 3, Algorithm: 13, PublicKey: d.PublicKey}
	ds := key.ToDS(dns.SHA256)
	if int(d.KeyTag) != int(key.KeyTag()) || !strings.EqualFold(d.Digest, ds.Digest) {
		t.Errorf("key tag %v digest %s, want %d %s", d.KeyTag, d.Digest, key.KeyTag(), ds.Digest)
	}
	rr, err := dns.NewRR(d.DS)
	if err != nil {
		t.Fatalf("ds %q: %v", d.DS, err)
	}
	if got := rr.(*dns.DS); got.KeyTag != ds.KeyTag || !strings.EqualFold(got.Digest, ds.Digest) || got.Hdr.Name != "shop.test." {
		t.Errorf("ds = %s", d.DS)
	}
	if st, body := admin("shop.test", map[string]any{"dnssec": "active"}); st != 200 {
		t.Fatalf("admin dnssec: %d %s", st, body)
	}
	if d := get(); d.Status != "active" || d.PublicKey != key.PublicKey {
		t.Errorf("after the DS was published: %s (key kept: %v)", d.Status, d.PublicKey == key.PublicKey)
	}
	d, err = cf.DNS.DNSSEC.Edit(ctx, cfdns.DNSSECEditParams{ZoneID: cloudflare.F(z.ID), Status: cloudflare.F(cfdns.DNSSECEditParamsStatusDisabled)})
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != "pending-disabled" {
		t.Errorf("disabling an active zone: %s, want pending-disabled", d.Status)
	}
}
