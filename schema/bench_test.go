package schema

import (
	"fmt"
	"strings"
	"testing"
)

// recordsSource is a launch.hcl of zones × n A records, one block per line, the
// shape internal/bench plans (9 × 1,000 records is about 0.5 MB).
func recordsSource(zones, n int) []byte {
	var b strings.Builder
	for z := 0; z < zones; z++ {
		fmt.Fprintf(&b, "zone \"client%d.example\" {\n", z)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "  record \"h%04d\" \"A\" { value = \"10.%d.%d.%d\" }\n", i, i/65536%256, i/256%256, i%256)
		}
		b.WriteString("}\n")
	}
	return []byte(b.String())
}

func benchLoad(b *testing.B, zones int) {
	src := recordsSource(zones, 1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		cfg, diags := LoadSource("launch.hcl", src, Options{})
		if diags.HasErrors() || len(cfg.Zones) != zones {
			b.Fatalf("%d zones loaded: %v", len(cfg.Zones), diags)
		}
	}
}

// BenchmarkLoad1000 and BenchmarkLoad9000 load one zone of 1,000 records and nine
// zones of 1,000 (internal/bench's plan rows). Time is for comparing runs on one
// machine only.
func BenchmarkLoad1000(b *testing.B) { benchLoad(b, 1) }
func BenchmarkLoad9000(b *testing.B) { benchLoad(b, 9) }

// BenchmarkCheckSource is the input-limit scan alone on the nine-zone file.
func BenchmarkCheckSource(b *testing.B) {
	src := recordsSource(9, 1000)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if diags := checkSource("launch.hcl", src); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}
