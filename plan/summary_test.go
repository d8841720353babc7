package plan

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestMassChanges(t *testing.T) {
	tests := []struct {
		name     string
		managed  int
		rewrites int
		want     []string
	}{
		{"nothing managed", 0, 0, nil},
		{"small share", 30, 9, nil},
		{"large share but fewer than the minimum", 10, 4, nil},
		{"exactly the threshold share is allowed", 100, 33, nil},
		{"over the threshold", 100, 34, []string{"zone example.com: this plan deletes or rewrites 34 of the 100 records launchready manages (34%, more than 33%); use --allow-mass-changes if that is intended"}},
		{"everything", 6, 6, []string{"zone example.com: this plan deletes or rewrites 6 of the 6 records launchready manages (100%, more than 33%); use --allow-mass-changes if that is intended"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Plan{Zones: []ZonePlan{{Zone: zn, ManagedRecords: tt.managed, ManagedRewrites: tt.rewrites}}}
			if diff := cmp.Diff(tt.want, p.MassChanges(DefaultMassThreshold, DefaultMassMin)); diff != "" {
				t.Errorf("MassChanges mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMassChangesFromCompute(t *testing.T) {
	// Ten owned records; the file now declares four of them: six deletions.
	var recs [][]model.Record
	var kept []model.RRSet
	for i := 1; i <= 10; i++ {
		name := fmt.Sprintf("h%d", i)
		recs = append(recs, owned(fmt.Sprintf("m%d", i), rec(fmt.Sprintf("r%d", i), name, "A", fmt.Sprintf("192.0.2.%d", i), 0)))
		if i <= 4 {
			kept = append(kept, rr(name, "A", fmt.Sprintf("192.0.2.%d", i)))
		}
	}
	// Unowned records and adoptions do not count.
	recs = append(recs, one(rec("u1", "adopt-me", "A", "192.0.2.99", 300)))
	kept = append(kept, rr("adopt-me", "A", "192.0.2.99"))
	p := mustCompute(t, cfZone(kept...), live(recs...))
	zp := p.Zones[0]
	if zp.ManagedRecords != 10 || zp.ManagedRewrites != 6 {
		t.Fatalf("ManagedRecords, ManagedRewrites = %d, %d; want 10, 6", zp.ManagedRecords, zp.ManagedRewrites)
	}
	if got := p.MassChanges(DefaultMassThreshold, DefaultMassMin); len(got) != 1 {
		t.Errorf("MassChanges = %q, want one message", got)
	}
	if got := p.MassChanges(0.7, DefaultMassMin); got != nil {
		t.Errorf("MassChanges(0.7) = %q, want none", got)
	}
}

func TestSummaryCounts(t *testing.T) {
	p := &Plan{Zones: []ZonePlan{
		{Changes: []Change{{Action: ActionCreate}, {Action: ActionCreate, Kind: KindOwnership}, {Action: ActionAdopt}}, Unmanaged: make([]model.Record, 2)},
		{Changes: []Change{{Action: ActionUpdate, Kind: KindSetting}, {Action: ActionForget, Kind: KindSetting}, {Action: ActionDelete, Kind: KindCache}}},
		{},
	}}
	want := Summary{Add: 1, Change: 1, Delete: 1, Adopt: 1, Forget: 1, Unmanaged: 2}
	if diff := cmp.Diff(want, p.Summary()); diff != "" {
		t.Errorf("Summary mismatch (-want +got):\n%s", diff)
	}
	if !p.HasChanges() || p.Zones[2].HasChanges() {
		t.Errorf("HasChanges: plan %v, empty zone %v; want true, false", p.HasChanges(), p.Zones[2].HasChanges())
	}
	onlyWrites := &Plan{Zones: []ZonePlan{{SettingWrites: &model.Settings{}}}}
	if !onlyWrites.HasChanges() {
		t.Error("a zone with setting writes reports no changes")
	}
}

func TestFingerprint(t *testing.T) {
	base := func() map[string]*model.LiveZone {
		a := live(one(rec("r1", "a", "A", "192.0.2.1", 0), rec("r2", "b", "A", "192.0.2.2", 0)))
		a.Settings = &model.Settings{Values: map[string]string{"ssl": "full"}}
		a.Rules = map[string][]model.Rule{model.PhaseRedirect: {handRule("h1", model.PhaseRedirect, "legacy")}}
		return map[string]*model.LiveZone{zn: a, "other.example": {Name: "other.example", Serial: 7}}
	}
	fp := Fingerprint(base())
	if len(fp) != 64 {
		t.Fatalf("Fingerprint = %q, want 64 hex digits", fp)
	}

	reordered := base()
	rs := reordered[zn].Records
	rs[0], rs[1] = rs[1], rs[0]
	if got := Fingerprint(reordered); got != fp {
		t.Error("record order changed the fingerprint")
	}
	if Fingerprint(base()) != fp {
		t.Error("fingerprint is not stable")
	}
	// Reordering must not alter the caller's slice beyond what it did itself.
	if reordered[zn].Records[0].ID != "r2" {
		t.Error("Fingerprint sorted the caller's records in place")
	}

	moves := map[string]func(map[string]*model.LiveZone){
		"record id":      func(l map[string]*model.LiveZone) { l[zn].Records[0].ID = "r9" },
		"record ttl":     func(l map[string]*model.LiveZone) { l[zn].Records[0].TTL = 300 },
		"record comment": func(l map[string]*model.LiveZone) { l[zn].Records[0].Comment = "x" },
		"setting":        func(l map[string]*model.LiveZone) { l[zn].Settings.Values["ssl"] = "strict" },
		"rule raw":       func(l map[string]*model.LiveZone) { l[zn].Rules[model.PhaseRedirect][0].Raw = []byte(`{}`) },
		"serial":         func(l map[string]*model.LiveZone) { l["other.example"].Serial = 8 },
		"zone added":     func(l map[string]*model.LiveZone) { l["third.example"] = &model.LiveZone{Name: "third.example"} },
	}
	for name, move := range moves {
		t.Run(name, func(t *testing.T) {
			l := base()
			move(l)
			if Fingerprint(l) == fp {
				t.Errorf("changing the %s did not change the fingerprint", name)
			}
		})
	}
}
