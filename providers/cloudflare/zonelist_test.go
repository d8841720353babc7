package cloudflare_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// TestPrepareZonesListsTheAccountOnce: the zones of a run are found in one listing
// of the account (50 a page), not one lookup each; one zone keeps its own lookup; a
// zone the account lacks is still reported by name.
func TestPrepareZonesListsTheAccountOnce(t *testing.T) {
	var names []string
	for i := 0; i < 60; i++ {
		names = append(names, fmt.Sprintf("client%02d.example", i))
	}
	e := startSim(t, sim.Options{Zones: names})
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		zones     []string
		wantLists int // GET /zones requests in all
	}{
		{"nine zones on the first page", []string{"client00.example", "client01.example", "client02.example", "client03.example", "client04.example", "client05.example", "client06.example", "client07.example", "client08.example"}, 1},
		{"zones on both pages", []string{"client00.example", "client59.example"}, 2},
		{"one zone", []string{"client30.example"}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.srv.ResetStats()
			p := e.provider(t, cloudflare.Options{})
			if err := p.PrepareZones(ctx, tc.zones); err != nil {
				t.Fatal(err)
			}
			for _, z := range tc.zones {
				lz, err := p.ReadZone(ctx, z)
				if err != nil || lz.Name != z {
					t.Fatalf("ReadZone(%s) = %v, %v", z, lz, err)
				}
			}
			st := e.srv.Stats()
			if got := st["GET /zones"]; got != tc.wantLists {
				t.Errorf("GET /zones requests = %d, want %d (stats %v)", got, tc.wantLists, st)
			}
			if got := st["GET /zones/{zone_id}/dns_records"]; got != len(tc.zones) {
				t.Errorf("record reads = %d, want %d", got, len(tc.zones))
			}
		})
	}

	e.srv.ResetStats()
	p := e.provider(t, cloudflare.Options{})
	if err := p.PrepareZones(ctx, []string{"client00.example", "missing.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := p.ReadZone(ctx, "missing.example"); err == nil {
		t.Fatal("ReadZone of a zone the account lacks succeeded")
	} else if want := "zone missing.example: not found"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

// TestPrepareZonesFallsBack: when the account listing fails (say the token may not
// list zones), each zone is looked up by name as before, and the run goes on.
func TestPrepareZonesFallsBack(t *testing.T) {
	e := startSim(t, sim.Options{Zones: []string{"a.example", "b.example"}})
	e.srv.InjectFault(sim.Fault{Method: "GET", PathPrefix: "/client/v4/zones", Status: 500, Count: 1})
	p := e.provider(t, cloudflare.Options{MaxRetries: -1})
	ctx := context.Background()
	if err := p.PrepareZones(ctx, []string{"a.example", "b.example"}); err != nil {
		t.Fatalf("PrepareZones after a failed listing: %v", err)
	}
	for _, z := range []string{"a.example", "b.example"} {
		if _, err := p.ReadZone(ctx, z); err != nil {
			t.Errorf("ReadZone(%s): %v", z, err)
		}
	}
	if got := e.srv.Stats()["GET /zones"]; got != 3 {
		t.Errorf("GET /zones = %d, want 3 (the failed listing, then one lookup per zone)", got)
	}
}
