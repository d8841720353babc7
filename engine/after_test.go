package engine

import (
	"context"
	"fmt"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/schema"
)

// answering is a provider whose record writes answer with what they stored, and which
// counts its zone reads (to see that PlanAfter needs none).
type answering struct {
	recs     []model.Record
	reads    int
	nextID   int
	complete bool
	locked   bool
	released bool
}

func (a *answering) Kind() string { return "cloudflare" }

func (a *answering) ReadZone(_ context.Context, zone string) (*model.LiveZone, error) {
	a.reads++
	return &model.LiveZone{Name: zone, ID: "z", Records: append([]model.Record(nil), a.recs...)}, nil
}

func (a *answering) ApplyRecords(ctx context.Context, live *model.LiveZone, ops []model.RecordOp) error {
	_, err := a.ApplyRecordsWith(ctx, live, ops, providers.ApplyOptions{})
	return err
}

func (a *answering) ApplyRecordsWith(_ context.Context, _ *model.LiveZone, ops []model.RecordOp, opts providers.ApplyOptions) (providers.ApplyResult, error) {
	res := providers.ApplyResult{Complete: a.complete}
	for _, op := range ops {
		if op.Before != nil {
			for i, r := range a.recs {
				if r.ID == op.Before.ID {
					a.recs = append(a.recs[:i], a.recs[i+1:]...)
					break
				}
			}
		}
		if op.After != nil {
			r := *op.After
			if r.ID == "" {
				a.nextID++
				r.ID = fmt.Sprintf("new%d", a.nextID)
			}
			r.Name = model.CanonicalLiveName(r.Name)
			a.recs = append(a.recs, r)
			res.Stored = append(res.Stored, r)
		}
	}
	if opts.Release != nil && a.locked {
		a.locked, a.released, res.Released = false, true, true
	}
	return res, nil
}

func (a *answering) Lock(context.Context, string, ownership.LockInfo) error {
	a.locked = true
	return nil
}
func (a *answering) Unlock(context.Context, string, ownership.LockInfo) error {
	a.locked = false
	return nil
}
func (a *answering) ReadLock(context.Context, string) (*ownership.LockInfo, error) { return nil, nil }
func (a *answering) BreakLock(context.Context, string) error                       { return nil }

// TestPlanAfterFromAnswers: after apply, the state comes from the writes' answers
// (no read) and plans no change; the lock is released in the records' write; when an
// answer is incomplete, the zone is read again.
func TestPlanAfterFromAnswers(t *testing.T) {
	for _, complete := range []bool{true, false} {
		t.Run(fmt.Sprintf("complete=%v", complete), func(t *testing.T) {
			z := &schema.Zone{Name: "example.com", Provider: "cloudflare", ProviderKind: "cloudflare",
				Records: []*schema.Record{
					{RRSet: model.RRSet{Name: "www.example.com", Type: "A", Values: []string{"192.0.2.1"}, Origin: "record"}},
					{RRSet: model.RRSet{Name: "api.example.com", Type: "A", Values: []string{"192.0.2.9"}, Origin: "record"}},
				}}
			prov := &answering{complete: complete, recs: []model.Record{
				{ID: "old", Name: "api.example.com", Type: "A", Value: "192.0.2.2", Comment: ownership.Marker(ownership.DefaultOwner)},
				{ID: "hand", Name: "hand.example.com", Type: "A", Value: "192.0.2.3"},
			}}
			e := &Engine{Config: &schema.Config{Zones: []*schema.Zone{z}}, Providers: map[string]providers.Provider{"cloudflare": prov}}
			ctx := context.Background()
			p, live, err := e.Plan(ctx)
			if err != nil {
				t.Fatal(err)
			}
			release, _, err := e.Lock(ctx, p, live, ownership.LockInfo{Token: "t"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			if err := e.Apply(ctx, p, live, nil); err != nil {
				t.Fatal(err)
			}
			if !prov.released {
				t.Error("the lock was not released with the zone's only write")
			}
			release()
			reads := prov.reads
			after, state, err := e.PlanAfter(ctx, p, live)
			if err != nil {
				t.Fatal(err)
			}
			if after.HasChanges() {
				t.Errorf("the state after apply plans changes: %+v", after.Zones[0].Changes)
			}
			wantReads := 0
			if !complete {
				wantReads = 1
			}
			if got := prov.reads - reads; got != wantReads {
				t.Errorf("PlanAfter read the zone %d times, want %d", got, wantReads)
			}
			var got, want []string
			for _, r := range state["example.com"].Records {
				got = append(got, r.ID+" "+r.Name+" "+r.Value)
			}
			for _, r := range prov.recs {
				want = append(want, r.ID+" "+r.Name+" "+r.Value)
			}
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("state after apply differs from the provider's records (-provider +state):\n%s", diff)
			}
		})
	}
}

// TestRecordsLast: the lock rides in the record batch only when nothing is written
// after the records (released phases are written before them).
func TestRecordsLast(t *testing.T) {
	rules := map[string][]model.Rule{model.PhaseRedirect: nil}
	tests := []struct {
		name string
		zp   plan.ZonePlan
		want bool
	}{
		{"records only", plan.ZonePlan{}, true},
		{"settings after", plan.ZonePlan{SettingWrites: &model.Settings{Values: map[string]string{"ssl": "strict"}}}, false},
		{"empty settings write", plan.ZonePlan{SettingWrites: &model.Settings{}}, true},
		{"rules after", plan.ZonePlan{RuleWrites: rules}, false},
		{"released phase only (written first)", plan.ZonePlan{RuleWrites: rules, ReleasedPhases: []string{model.PhaseRedirect}}, true},
	}
	for _, tt := range tests {
		if got := recordsLast(&tt.zp); got != tt.want {
			t.Errorf("%s: recordsLast = %v, want %v", tt.name, got, tt.want)
		}
	}
}
