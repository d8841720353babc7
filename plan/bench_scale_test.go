package plan

import (
	"fmt"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// inSyncZone builds a zone of n owned, in-sync A records and its live state.
func inSyncZone(n int) (*schema.Config, map[string]*model.LiveZone) {
	sets := make([]model.RRSet, 0, n)
	var recs []model.Record
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("h%06d", i)
		v := fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256)
		sets = append(sets, withTTL(rr(name, "A", v), 300))
		recs = append(recs, owned(fmt.Sprintf("m%d", i), rec(fmt.Sprintf("r%d", i), name, "A", v, 300))...)
	}
	return cfgOf(cfZone(sets...)), map[string]*model.LiveZone{zn: live(recs)}
}

func benchCompute(b *testing.B, n int) {
	cfg, lz := inSyncZone(n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p, err := Compute(cfg, lz)
		if err != nil {
			b.Fatal(err)
		}
		if p.HasChanges() {
			b.Fatal("an in-sync zone planned changes")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/record")
}

// BenchmarkCompute10k and BenchmarkCompute100k plan in-sync zones of 10,000 and
// 100,000 records: ns/record and B/op divided by the record count must stay flat
// (linear); see BENCHMARKS.md.
func BenchmarkCompute10k(b *testing.B)  { benchCompute(b, 10000) }
func BenchmarkCompute100k(b *testing.B) { benchCompute(b, 100000) }
