package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSummaryCountsWritesFoldedIntoAnAdoption: the file declares www A 192.0.2.1,
// which exists live but not owned (adopted), while 192.0.2.2 on the same name is
// owned and no longer declared (deleted): the summary counts the adoption and the
// delete its record ops hold. Likewise a declared value missing live is an add.
func TestSummaryCountsWritesFoldedIntoAnAdoption(t *testing.T) {
	p := mustCompute(t, cfZone(rr("www", "A", "192.0.2.1")), live(
		one(rec("u1", "www", "A", "192.0.2.1", 300)),
		owned("m1", rec("r2", "www", "A", "192.0.2.2", 300)),
	))
	deletes := 0
	for _, op := range p.Zones[0].RecordOps {
		if op.Before != nil && op.After == nil && op.Before.Value == "192.0.2.2" {
			deletes++
		}
	}
	if deletes != 1 {
		t.Fatalf("record ops %v: want the owned 192.0.2.2 deleted", opStrings(p.Zones[0].RecordOps))
	}
	if diff := cmp.Diff(Summary{Adopt: 1, Delete: 1}, p.Summary()); diff != "" {
		t.Errorf("Summary (-want +got):\n%s\nchanges: %v\nops: %v", diff, changeStrings(p.Zones[0].Changes), opStrings(p.Zones[0].RecordOps))
	}

	p = mustCompute(t, cfZone(rr("www", "A", "192.0.2.1", "192.0.2.3")), live(one(rec("u1", "www", "A", "192.0.2.1", 300))))
	if diff := cmp.Diff(Summary{Adopt: 1, Add: 1}, p.Summary()); diff != "" {
		t.Errorf("adopt + create: Summary (-want +got):\n%s\nops: %v", diff, opStrings(p.Zones[0].RecordOps))
	}
}
