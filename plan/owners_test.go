package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

func markedBy(owner string, r model.Record) model.Record {
	r.Comment = ownership.WithMarker(r.Comment, owner)
	return r
}

// Two launch.hcl files, one zone: the marketing file never touches the app's records,
// even in an authoritative zone, and lists them as theirs.
func TestTwoOwnersSideBySide(t *testing.T) {
	z := cfZone(withTTL(rr("blog", "A", "192.0.2.9"), 300))
	z.Owner = "marketing"
	z.Authoritative = true
	lz := live(one(
		markedBy("app", rec("r1", "api", "A", "192.0.2.1", 300)),
		markedBy("app", rec("r2", "www", "CNAME", "example.com", 0)),
		markedBy("marketing", rec("r3", "old", "A", "192.0.2.5", 300)),
	))
	p := mustCompute(t, z, lz)
	zp := p.Zones[0]
	if diff := cmp.Diff([]string{
		`create blog.example.com A "192.0.2.9" ttl=300 comment="[launchready:marketing]"`,
		`delete r3 old.example.com A "192.0.2.5" ttl=300 comment="[launchready:marketing]"`,
	}, sortedCopy(opStrings(zp.RecordOps))); diff != "" {
		t.Errorf("ops (-want +got):\n%s", diff)
	}
	if len(zp.Foreign) != 2 || zp.Foreign[0].Owner != "app" || zp.Foreign[1].Owner != "app" {
		t.Errorf("Foreign = %+v, want the app's two records", zp.Foreign)
	}
	if len(zp.Unmanaged) != 0 {
		t.Errorf("Unmanaged = %v, want none (the app's records are listed as theirs)", zp.Unmanaged)
	}
	var b strings.Builder
	if err := RenderText(&b, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2 records owned by other launch.hcl files left alone (app: 2)") {
		t.Errorf("text plan does not list the app's records as theirs:\n%s", b.String())
	}
}

// A value another owner holds is neither created twice nor taken.
func TestDeclaredValueHeldByAnotherOwner(t *testing.T) {
	z := cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300))
	lz := live(one(markedBy("app", rec("r1", "api", "A", "192.0.2.1", 300))))
	zp := mustCompute(t, z, lz).Zones[0]
	if len(zp.RecordOps) != 0 {
		t.Errorf("ops = %v, want none", opStrings(zp.RecordOps))
	}
	if len(zp.Warnings) != 1 || !strings.Contains(zp.Warnings[0], `owned by "app"`) {
		t.Errorf("warnings = %v", zp.Warnings)
	}
}

// A marker removed by hand makes the record unowned: adopted when declared, never
// deleted when not.
func TestMarkerRemovedByHand(t *testing.T) {
	lz := live(one(recComment(rec("r1", "api", "A", "192.0.2.1", 300), "edited")))
	zp := mustCompute(t, cfZone(), lz).Zones[0]
	if len(zp.RecordOps) != 0 || len(zp.Unmanaged) != 1 {
		t.Errorf("undeclared unmarked record: ops %v unmanaged %v, want no op and one unmanaged", opStrings(zp.RecordOps), zp.Unmanaged)
	}
	zp = mustCompute(t, cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300)), lz).Zones[0]
	if got := changeStrings(zp.Changes); len(got) != 1 || !strings.HasPrefix(got[0], "adopt record api.example.com A") {
		t.Errorf("changes = %v, want one adopt", got)
	}
	want := `update r1 api.example.com A "192.0.2.1" ttl=300 comment="edited" => r1 api.example.com A "192.0.2.1" ttl=300 comment="edited [launchready:default]"`
	if got := opStrings(zp.RecordOps); len(got) != 1 || got[0] != want {
		t.Errorf("ops = %v, want [%s]", got, want)
	}
}

// A comment-marked CNAME edited by hand is still launchready's (its marker says so)
// and is restored; a CNAME someone else made at a declared name is a conflict.
func TestCNAMEOwnershipFollowsTheMarker(t *testing.T) {
	z := cfZone(proxied(rr("app", "CNAME", "app-prod.fly.dev")))
	zp := mustCompute(t, z, live(owned("", recProxied(rec("r1", "app", "CNAME", "hijack.example.net", 0))))).Zones[0]
	if got := changeStrings(zp.Changes); len(got) != 1 || !strings.HasPrefix(got[0], "update record app.example.com CNAME") {
		t.Errorf("changes = %v, want the CNAME restored", got)
	}
	zp = mustCompute(t, z, live(one(recProxied(rec("r1", "app", "CNAME", "other-team.example.net", 0))))).Zones[0]
	if len(zp.RecordOps) != 0 {
		t.Errorf("someone else's CNAME: ops = %v, want none", opStrings(zp.RecordOps))
	}
	if len(zp.Warnings) != 1 || !strings.Contains(zp.Warnings[0], "conflict") || !strings.Contains(zp.Warnings[0], "to adopt it") {
		t.Errorf("warnings = %v, want the conflict and how to adopt", zp.Warnings)
	}
	// the block removed: still never deleted
	zp = mustCompute(t, cfZone(), live(one(recProxied(rec("r1", "app", "CNAME", "other-team.example.net", 0))))).Zones[0]
	if len(zp.RecordOps) != 0 {
		t.Errorf("block removed: ops = %v, want none", opStrings(zp.RecordOps))
	}
}

// Migration: records under TXT marks get their marker and the marks go, in one plan,
// one ownership line with the count, the marks' deletes grouped with their names.
func TestMigrationFromTXTMarks(t *testing.T) {
	z := cfZone(withTTL(rr("api", "A", "192.0.2.1", "192.0.2.2"), 300), withTTL(rr("www", "A", "192.0.2.3"), 300))
	lz := live(
		ownedTXT("m1", rec("r1", "api", "A", "192.0.2.1", 300), rec("r2", "api", "A", "192.0.2.2", 300)),
		ownedTXT("m2", rec("r3", "www", "A", "192.0.2.3", 300)),
	)
	p := mustCompute(t, z, lz)
	zp := p.Zones[0]
	if zp.Migrated != 3 {
		t.Errorf("Migrated = %d, want 3", zp.Migrated)
	}
	if s := zp.Summary(); s.Add+s.Change+s.Delete+s.Adopt != 0 {
		t.Errorf("summary %+v: migration is not a record change", s)
	}
	if zp.ManagedRewrites != 0 {
		t.Errorf("ManagedRewrites = %d, want 0 (the mass-change guard must not count a migration)", zp.ManagedRewrites)
	}
	batches, _ := ownership.Batches(zp.RecordOps, 3, nil)
	if len(batches) != 2 {
		t.Fatalf("batches of 3: %d, want 2 (api with its mark, www with its mark)", len(batches))
	}
	for _, b := range batches {
		names := map[string]bool{}
		for _, n := range ownership.Names(b) {
			names[n] = true
		}
		if len(names) != 1 {
			t.Errorf("a batch mixes names %v", names)
		}
	}
	// after: no changes
	var after []model.Record
	after = append(after, owned("", rec("r1", "api", "A", "192.0.2.1", 300), rec("r2", "api", "A", "192.0.2.2", 300), rec("r3", "www", "A", "192.0.2.3", 300))...)
	if zp := mustCompute(t, z, live(after)).Zones[0]; zp.HasChanges() {
		t.Errorf("after migration: %v", opStrings(zp.RecordOps))
	}
}

func sortedCopy(ss []string) []string { return ownership.SortedUnique(append([]string(nil), ss...)) }
