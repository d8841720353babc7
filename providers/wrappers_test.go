package providers

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// recorder is a provider that records the calls it receives.
type recorder struct {
	calls []string
	n     int
}

func (r *recorder) Kind() string { return "test" }
func (r *recorder) ReadZone(_ context.Context, zone string) (*model.LiveZone, error) {
	r.calls = append(r.calls, "ReadZone "+zone)
	r.n++
	return &model.LiveZone{Name: zone}, nil
}
func (r *recorder) ApplyRecords(_ context.Context, live *model.LiveZone, _ []model.RecordOp) error {
	r.calls = append(r.calls, "ApplyRecords "+live.Name)
	return nil
}
func (r *recorder) Requests() int { return r.n }

type recorderSettings struct{ *recorder }

func (r recorderSettings) ReadSettings(_ context.Context, zone string, _ []string) (*model.Settings, error) {
	r.calls = append(r.calls, "ReadSettings "+zone)
	return &model.Settings{}, nil
}
func (r recorderSettings) WriteSettings(_ context.Context, zone string, _ *model.Settings) error {
	r.calls = append(r.calls, "WriteSettings "+zone)
	return nil
}

type recorderRules struct{ *recorder }

func (r recorderRules) ReadRules(_ context.Context, zone, phase string) ([]model.Rule, error) {
	r.calls = append(r.calls, "ReadRules "+zone)
	return nil, nil
}
func (r recorderRules) WriteRules(_ context.Context, zone, phase string, _ []model.Rule) error {
	r.calls = append(r.calls, "WriteRules "+zone)
	return nil
}

type recorderBoth struct {
	recorderSettings
	recorderRules
}

func (r recorderBoth) Kind() string { return r.recorderSettings.Kind() }
func (r recorderBoth) ReadZone(ctx context.Context, zone string) (*model.LiveZone, error) {
	return r.recorderSettings.ReadZone(ctx, zone)
}
func (r recorderBoth) ApplyRecords(ctx context.Context, live *model.LiveZone, ops []model.RecordOp) error {
	return r.recorderSettings.ApplyRecords(ctx, live, ops)
}
func (r recorderBoth) Requests() int { return r.recorderSettings.Requests() }

func TestReadOnly(t *testing.T) {
	tests := []struct {
		name         string
		build        func(*recorder) Provider
		settings     bool
		rules        bool
		wantReadCall []string
	}{
		{"records only", func(r *recorder) Provider { return r }, false, false, []string{"ReadZone example.com"}},
		{"settings", func(r *recorder) Provider {
			return struct {
				*recorder
				recorderSettings
			}{r, recorderSettings{r}}
		}, true, false, []string{"ReadZone example.com", "ReadSettings example.com"}},
		{"rules", func(r *recorder) Provider {
			return struct {
				*recorder
				recorderRules
			}{r, recorderRules{r}}
		}, false, true, []string{"ReadZone example.com", "ReadRules example.com"}},
		{"both", func(r *recorder) Provider { return recorderBoth{recorderSettings{r}, recorderRules{r}} }, true, true,
			[]string{"ReadZone example.com", "ReadSettings example.com", "ReadRules example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			rec := &recorder{}
			inner := tt.build(rec)
			ro := ReadOnly(inner)
			if ro.Kind() != "test" {
				t.Errorf("Kind = %q", ro.Kind())
			}
			s, isS := ro.(SettingsProvider)
			r, isR := ro.(RulesProvider)
			if isS != tt.settings || isR != tt.rules {
				t.Fatalf("optional powers: settings %v rules %v, want %v %v", isS, isR, tt.settings, tt.rules)
			}
			if _, err := ro.ReadZone(ctx, "example.com"); err != nil {
				t.Fatal(err)
			}
			var writeErrs []error
			writeErrs = append(writeErrs, ro.ApplyRecords(ctx, &model.LiveZone{Name: "example.com"}, nil))
			if isS {
				if _, err := s.ReadSettings(ctx, "example.com", nil); err != nil {
					t.Fatal(err)
				}
				writeErrs = append(writeErrs, s.WriteSettings(ctx, "example.com", &model.Settings{}))
			}
			if isR {
				if _, err := r.ReadRules(ctx, "example.com", model.PhaseCache); err != nil {
					t.Fatal(err)
				}
				writeErrs = append(writeErrs, r.WriteRules(ctx, "example.com", model.PhaseCache, nil))
			}
			for _, err := range writeErrs {
				if !errors.Is(err, ErrReadOnly) {
					t.Errorf("write error = %v, want ErrReadOnly", err)
				}
			}
			if diff := cmp.Diff(tt.wantReadCall, rec.calls); diff != "" {
				t.Errorf("calls reaching the provider (-want +got):\n%s", diff)
			}
			if ro.(Unwrapper).Unwrap() != inner {
				t.Error("Unwrap does not return the wrapped provider")
			}
			if n, ok := Requests(ro); !ok || n != 1 {
				t.Errorf("Requests through the wrapper = %d, %v; want 1, true", n, ok)
			}
		})
	}
}

func TestRequestsUncounted(t *testing.T) {
	type plain struct{ Provider }
	if _, ok := Requests(plain{}); ok {
		t.Error("a provider without a counter reported one")
	}
}

func TestPacer(t *testing.T) {
	ctx := context.Background()
	p := NewPacer(-1, 0)
	for i := 0; i < 100; i++ {
		if err := p.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if p.Requests() != 100 {
		t.Errorf("unlimited pacer counted %d, want 100", p.Requests())
	}

	// 40/s, burst 2: 2 at once, then one every 25 ms: 6 requests >= 100 ms.
	p = NewPacer(40, 2)
	start := time.Now()
	for i := 0; i < 6; i++ {
		if err := p.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if el := time.Since(start); el < 90*time.Millisecond {
		t.Errorf("6 requests at 40/s burst 2 took %v, want >= 100ms", el)
	}
	if p.Limit() != 40 {
		t.Errorf("Limit = %v", p.Limit())
	}

	// A context that ends while waiting: the wait returns its error and is not counted.
	p = NewPacer(1, 1)
	_ = p.Wait(ctx) // uses the burst
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	start = time.Now()
	if err := p.Wait(cctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Wait = %v, want deadline exceeded", err)
	}
	if el := time.Since(start); el > 500*time.Millisecond {
		t.Errorf("cancelled wait took %v", el)
	}
	if p.Requests() != 1 {
		t.Errorf("Requests = %d, want 1 (cancelled wait not counted)", p.Requests())
	}
	// The cancelled reservation was given back: the next wait is about 1 s after the
	// first, not 2 s.
	cctx2, cancel2 := context.WithTimeout(ctx, 1500*time.Millisecond)
	defer cancel2()
	if err := p.Wait(cctx2); err != nil {
		t.Errorf("wait after a cancelled one: %v", err)
	}
}
