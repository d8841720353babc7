package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestRecordsAfter(t *testing.T) {
	live := []model.Record{
		rec("r1", "@", "TXT", "google-site-verification=x", 0),
		rec("r2", "api", "A", "192.0.2.1", 300),
		rec("r3", "old", "A", "192.0.2.9", 300),
		{Name: fqdn("noid"), Type: "A", Value: "192.0.2.7"},
	}
	upd := rec("r2", "api", "A", "192.0.2.2", 300)
	spf := rec("", "@", "TXT", "v=spf1 -all", 0)
	ops := []model.RecordOp{
		{Op: model.OpDelete, Before: &live[2]},
		{Op: model.OpDelete, Before: &model.Record{Name: fqdn("noid"), Type: "A", Value: "192.0.2.7"}},
		{Op: model.OpUpdate, Before: &live[1], After: &upd},
		{Op: model.OpCreate, After: &spf},
	}
	got := RecordsAfter(live, ops)
	want := []model.Record{
		rec("r2", "api", "A", "192.0.2.2", 300),
		rec("r1", "@", "TXT", "google-site-verification=x", 0),
		spf,
	}
	model.SortRecords(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records after apply (-want +got):\n%s", diff)
	}
	if len(live) != 4 || live[1].Value != "192.0.2.1" {
		t.Errorf("RecordsAfter changed its input: %v", live)
	}
}

// TestRecordsAfterConverges: applying a plan's ops with RecordsAfter gives live state
// that plans to nothing, for every record type (the same check the providers pass).
func TestRecordsAfterConverges(t *testing.T) {
	z := cfZone(everyType(false)...)
	lz := live(one(rec("h1", "@", "TXT", "made by hand", 0)))
	p := mustCompute(t, z, lz)
	after := &model.LiveZone{Name: zn, ID: lz.ID, Records: RecordsAfter(lz.Records, p.Zones[0].RecordOps)}
	again := mustCompute(t, z, after)
	if again.HasChanges() {
		t.Errorf("plan after RecordsAfter is not empty: %q", changeStrings(again.Zones[0].Changes))
	}
}
