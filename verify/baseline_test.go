package verify

import (
	"math"
	"strings"
	"testing"
)

// TestMaxRegression checks how Options.MaxRegression and MaxRegressionSet decide the
// baseline result: the zero value tolerates DefaultMaxRegression, an explicit 0 fails
// any regression.
func TestMaxRegression(t *testing.T) {
	const prev = 100.0 // the baseline's p95, ms
	baseline := &Report{FormatVersion: FormatVersion, Zones: []ZoneReport{{Zone: "b.test", Results: []Result{
		{Zone: "b.test", Kind: KindHTTP, Name: "api", Check: CheckLatency, HTTP: &HTTPDetail{Total: Percentiles{P95: prev}}},
	}}}}
	tests := []struct {
		name   string
		maxReg float64
		set    bool
		p95    float64
		want   Status
		reason string
	}{
		{"zero value: +10% is within the default 20%", 0, false, 110, Pass, "(+10%, budget +20%)"},
		{"zero value: +25% regressed", 0, false, 125, Fail, "p95 regressed: p95 125.0 ms against 100.0 ms in the baseline (+25%, budget +20%)"},
		{"explicit 0: +0.1% fails", 0, true, 100.1, Fail, "p95 regressed: p95 100.1 ms against 100.0 ms in the baseline (+0.1%, budget +0%)"},
		{"explicit 0: equal passes", 0, true, 100, Pass, "(±0%, budget +0%)"},
		{"explicit 0: faster passes", 0, true, 95, Pass, "(-5.0%, budget +0%)"},
		{"explicit 0.5: +25% passes", 0.5, true, 125, Pass, "budget +50%"},
		{"non-zero without Set is taken as given", 0.05, false, 110, Fail, "budget +5%"},
		{"fractional budget", 0.025, true, 102, Pass, "(+2.0%, budget +2.5%)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := newRunner(Options{Baseline: baseline, MaxRegression: tt.maxReg, MaxRegressionSet: tt.set})
			if err != nil {
				t.Fatal(err)
			}
			base := Result{Zone: "b.test", Kind: KindHTTP, Name: "api"}
			d := &HTTPDetail{Total: Percentiles{P95: tt.p95}}
			got := r.judgeBaseline(base, d)
			if got.Status != tt.want || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("got %s %q, want %s containing %q", got.Status, got.Reason, tt.want, tt.reason)
			}
			if d.BaselineP95 != prev {
				t.Errorf("BaselineP95 = %v, want %v", d.BaselineP95, prev)
			}
		})
	}
}

func TestMaxRegressionInvalid(t *testing.T) {
	for _, v := range []float64{-0.1, math.NaN()} {
		for _, set := range []bool{false, true} {
			if _, err := newRunner(Options{MaxRegression: v, MaxRegressionSet: set}); err == nil || !strings.Contains(err.Error(), "max regression") {
				t.Errorf("MaxRegression %v (set %v): error %v, want a max regression error", v, set, err)
			}
		}
	}
}
