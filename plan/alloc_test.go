package plan

import (
	"runtime"
	"testing"
)

// Allocation bounds for planning an in-sync zone (issue 13: 100,000 records in less
// than 150 MB, linear in the records). Allocation counts and bytes do not depend on
// the machine or its load, unlike time, so they are what this test asserts.
// Measured when this was written: 2.0 allocations and 500–600 bytes per record
// (20 and 2,400 before issue 13's work).
const (
	maxAllocsPerRecord = 3
	maxBytesPerRecord  = 800
	// maxGrowth bounds how much more a record may cost in a 10× larger zone: maps
	// and slices sized for the zone round up differently at each size, but a cost
	// that grows with the zone (a quadratic step, a per-record copy of something
	// zone-sized) exceeds it.
	maxGrowth = 1.25
)

func TestComputeAllocationsPerRecord(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts differ under the race detector")
	}
	sizes := []int{1000, 10000, 100000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	var baseAllocs, baseBytes float64
	for i, n := range sizes {
		cfg, live := inSyncZone(n)
		allocs, bytes := allocated(3, func() {
			p, err := Compute(cfg, live)
			if err != nil || p.HasChanges() {
				t.Fatalf("%d records: Compute = changes %v, error %v; want an in-sync plan", n, p != nil && p.HasChanges(), err)
			}
		})
		perAlloc, perByte := allocs/float64(n), bytes/float64(n)
		t.Logf("%7d records: %9.0f allocations (%.2f per record), %11.0f bytes (%.0f per record)", n, allocs, perAlloc, bytes, perByte)
		if perAlloc > maxAllocsPerRecord {
			t.Errorf("%d records: %.2f allocations per record, want at most %d", n, perAlloc, maxAllocsPerRecord)
		}
		if perByte > maxBytesPerRecord {
			t.Errorf("%d records: %.0f bytes allocated per record, want at most %d", n, perByte, maxBytesPerRecord)
		}
		if i == 0 {
			baseAllocs, baseBytes = perAlloc, perByte
			continue
		}
		if perAlloc > baseAllocs*maxGrowth {
			t.Errorf("%d records: %.2f allocations per record, %.2f at %d records: not linear", n, perAlloc, baseAllocs, sizes[0])
		}
		if perByte > baseBytes*maxGrowth {
			t.Errorf("%d records: %.0f bytes per record, %.0f at %d records: not linear", n, perByte, baseBytes, sizes[0])
		}
	}
}

// allocated returns the average number of heap allocations and bytes allocated by
// one call of f, over runs calls after a warm-up call. Like testing.AllocsPerRun
// (which counts allocations only) it runs with GOMAXPROCS 1; the test is not
// parallel, so nothing else in the process allocates meanwhile.
func allocated(runs int, f func()) (allocs, bytes float64) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < runs; i++ {
		f()
	}
	runtime.ReadMemStats(&after)
	return float64(after.Mallocs-before.Mallocs) / float64(runs), float64(after.TotalAlloc-before.TotalAlloc) / float64(runs)
}
