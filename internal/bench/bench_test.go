package main

import (
	"os"
	"testing"
)

// TestBenchRequestCounts runs the bench's API rows without added latency and holds
// the request counts this code guarantees, endpoint by endpoint (counts, never time):
// one listing of the account's zones serves every zone of a run, each zone's records
// are read in one request, and 31 mixed changes go in one batch (plus one each to take and release the lock). The rows' totals
// against issue 13's targets are the bench command's job (BENCHMARKS.md): the
// ruleset reads and ownership marks they also count are other features' business.
func TestBenchRequestCounts(t *testing.T) {
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(cwd) })
	for k, v := range map[string]string{"CLOUDFLARE_BASE_URL": "", "CLOUDFLARE_API_TOKEN": "", "NO_COLOR": "", "LAUNCHREADY_CLOUDFLARE_RECORD_QUOTA": ""} {
		t.Setenv(k, v)
	}

	for _, zones := range []int{1, 9} {
		r, err := rowPlan(0, zones, 10, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Stats["GET /zones"]; got != 1 {
			t.Errorf("plan of %d zone(s): %d zone lookups, want 1 listing (stats %v)", zones, got, r.Stats)
		}
		if got := r.Stats["GET /zones/{zone_id}/dns_records"]; got != zones {
			t.Errorf("plan of %d zone(s): %d record reads, want %d (stats %v)", zones, got, zones, r.Stats)
		}
		for k, n := range r.Stats {
			if k != "GET /zones" && k != "GET /zones/{zone_id}/dns_records" && k != "GET /zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint" {
				t.Errorf("plan of %d zone(s) sent %d × %s", zones, n, k)
			}
		}
	}

	r, err := rowMixed(0)
	if err != nil {
		t.Fatal(err)
	}
	// One batch carries the 31 changes; the zone's apply lock is taken and released
	// with one batch each (ownership: the lock lives with the zone).
	if got := r.Stats["POST /zones/{zone_id}/dns_records/batch"]; got != 3 {
		t.Errorf("31 mixed changes took %d batches, want 3 (lock, the changes, unlock) (stats %v)", got, r.Stats)
	}
	if got := r.Stats["GET /zones"]; got != 1 {
		t.Errorf("apply looked zones up %d times, want 1 (stats %v)", got, r.Stats)
	}

	if r, err := rowBigFile(); err != nil || r.Note == "" {
		t.Errorf("10 MB file row: %v (%q)", err, r.Note)
	}
}
