package cloudflare_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// readAll prepares and reads zones as engine.ReadLive does (one PrepareZones, then
// ReadZone for each zone concurrently).
func readAll(t *testing.T, ctx context.Context, p *cloudflare.Provider, zones []string) map[string]*model.LiveZone {
	t.Helper()
	if err := p.PrepareZones(ctx, zones); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]*model.LiveZone)
	type res struct {
		z    string
		live *model.LiveZone
		err  error
	}
	ch := make(chan res)
	for _, z := range zones {
		go func() {
			live, err := p.ReadZone(ctx, z)
			ch <- res{z, live, err}
		}()
	}
	for range zones {
		r := <-ch
		if r.err != nil {
			t.Fatal(r.err)
		}
		out[r.z] = r.live
	}
	return out
}

// TestPrefetchSameRequests: reading zones after Prefetch makes exactly the requests
// (by endpoint) that reading them without it makes, and reads the same.
func TestPrefetchSameRequests(t *testing.T) {
	for _, zones := range [][]string{{"a.example"}, {"a.example", "b.example", "c.example"}} {
		env := startSim(t, sim.Options{Zones: []string{"a.example", "b.example", "c.example", "d.example"}})
		ctx := context.Background()
		// Some records to read.
		seed := env.provider(t, cloudflare.Options{})
		for _, z := range zones {
			live, err := seed.ReadZone(ctx, z)
			if err != nil {
				t.Fatal(err)
			}
			rec := model.Record{Name: "www." + z, Type: "A", Value: "192.0.2.1", TTL: 300}
			if err := seed.ApplyRecords(ctx, live, []model.RecordOp{{Op: model.OpCreate, After: &rec}}); err != nil {
				t.Fatal(err)
			}
		}

		env.srv.ResetStats()
		want := readAll(t, ctx, env.provider(t, cloudflare.Options{}), zones)
		wantStats := env.srv.Stats()

		env.srv.ResetStats()
		p := env.provider(t, cloudflare.Options{})
		p.Prefetch(ctx, zones)
		waitStat(t, env, recordsEndpoint, len(zones)) // read ahead, before anyone asks
		got := readAll(t, ctx, p, zones)
		if diff := cmp.Diff(wantStats, env.srv.Stats()); diff != "" {
			t.Errorf("%d zones: requests with Prefetch (-without +with):\n%s", len(zones), diff)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%d zones: read (-without +with):\n%s", len(zones), diff)
		}
	}
}

// waitStat waits until the simulator has served n requests to endpoint.
func waitStat(t *testing.T, env *simEnv, endpoint string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); env.srv.Stats()[endpoint] < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d requests, want %d", endpoint, env.srv.Stats()[endpoint], n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

const recordsEndpoint = "GET /zones/{zone_id}/dns_records"

// TestPrefetchWriteDropsReadAhead: a write through the provider discards the records
// read ahead, so the next read is a new request that sees changes made since.
func TestPrefetchWriteDropsReadAhead(t *testing.T) {
	env := startSim(t, sim.Options{})
	ctx := context.Background()
	p := env.provider(t, cloudflare.Options{})
	p.Prefetch(ctx, []string{"example.com"})
	waitStat(t, env, recordsEndpoint, 1)

	// Someone adds a record; then this provider writes (a setting).
	other := env.provider(t, cloudflare.Options{})
	live, err := other.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	rec := model.Record{Name: "new.example.com", Type: "A", Value: "192.0.2.9", TTL: 300}
	if err := other.ApplyRecords(ctx, live, []model.RecordOp{{Op: model.OpCreate, After: &rec}}); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteSettings(ctx, "example.com", &model.Settings{Values: map[string]string{model.SettingSSL: "strict"}}); err != nil {
		t.Fatal(err)
	}
	before := env.srv.Stats()[recordsEndpoint]
	got, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if n := env.srv.Stats()[recordsEndpoint]; n != before+1 {
		t.Errorf("ReadZone after a write: %d record listings, want a new one (%d)", n, before+1)
	}
	found := false
	for _, r := range got.Records {
		found = found || r.Name == "new.example.com"
	}
	if !found {
		t.Error("ReadZone after a write answered with the records read ahead (new.example.com missing)")
	}
}

// TestPrefetchFailureAnsweredOnce: a lookup or listing made ahead that fails is the
// answer of the call it stood in for, without a second request.
func TestPrefetchFailureAnsweredOnce(t *testing.T) {
	ctx := context.Background()
	t.Run("unknown zone", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		want := env.provider(t, cloudflare.Options{})
		_, wantErr := want.ReadZone(ctx, "nope.example")
		env.srv.ResetStats()
		p := env.provider(t, cloudflare.Options{})
		p.Prefetch(ctx, []string{"nope.example"})
		waitStat(t, env, "GET /zones", 1)
		_, err := p.ReadZone(ctx, "nope.example")
		if err == nil || wantErr == nil || err.Error() != wantErr.Error() {
			t.Errorf("error %v, want %v", err, wantErr)
		}
		if diff := cmp.Diff(map[string]int{"GET /zones": 1}, env.srv.Stats()); diff != "" {
			t.Errorf("requests (-want +got):\n%s", diff)
		}
	})
	t.Run("records listing fails", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		env.srv.InjectFault(sim.Fault{Method: http.MethodGet, PathPrefix: "/zones/", Status: http.StatusServiceUnavailable})
		p := env.provider(t, cloudflare.Options{MaxRetries: -1})
		p.Prefetch(ctx, []string{"example.com"})
		waitStat(t, env, recordsEndpoint, 1)
		_, err := p.ReadZone(ctx, "example.com")
		if err == nil {
			t.Fatal("no error")
		}
		if n := env.srv.Stats()[recordsEndpoint]; n != 1 {
			t.Errorf("%d record listings, want 1 (error: %v)", n, err)
		}
	})
}
