package plan

import (
	"fmt"
	"testing"

	"github.com/launchready/launchready/model"
)

// BenchmarkCompute1000 plans a 1,000-record zone that is in sync (the common case for
// drift detection) and reports allocations; time is for comparison between runs on one
// machine only.
func BenchmarkCompute1000(b *testing.B) {
	var sets []model.RRSet
	var recs []model.Record
	for i := 0; i < 1000; i++ {
		name := fmt.Sprintf("h%04d", i)
		v := fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256)
		sets = append(sets, withTTL(rr(name, "A", v), 300))
		recs = append(recs, owned(fmt.Sprintf("m%d", i), rec(fmt.Sprintf("r%d", i), name, "A", v, 300))...)
	}
	z := cfZone(sets...)
	lz := live(recs)
	cfg := cfgOf(z)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := Compute(cfg, map[string]*model.LiveZone{zn: lz})
		if err != nil {
			b.Fatal(err)
		}
		if p.HasChanges() {
			b.Fatal("an in-sync zone planned changes")
		}
	}
}
