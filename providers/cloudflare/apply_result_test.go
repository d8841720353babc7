package cloudflare

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/providers"
)

// TestApplyRecordsWithReleasesLock: the lock taken by Lock is released in the last
// record batch when it has room, by the id its creation answered with (no read of the
// zone), and the stored records come back; with no room, Unlock deletes it with one
// request, still without reading the zone.
func TestApplyRecordsWithReleasesLock(t *testing.T) {
	ctx := context.Background()
	info := ownership.LockInfo{Holder: "me@host", PID: 1, Token: "t1"}
	recs := func(n int) []model.Record {
		var out []model.Record
		for i := 0; i < n; i++ {
			out = append(out, model.Record{Name: fmt.Sprintf("h%d.example.com", i), Type: "A", Value: fmt.Sprintf("192.0.2.%d", i+1), TTL: 300})
		}
		return out
	}
	lockLeft := func(f *fakeAPI) bool {
		for _, w := range f.records["zone01"] {
			if lockRecord("example.com", w) { // the lock, not its generation (which stays)
				return true
			}
		}
		return false
	}

	t.Run("room in the last batch", func(t *testing.T) {
		p, f := newFakeProvider(t, Options{BatchLimit: 3}, "example.com")
		if err := p.Lock(ctx, "example.com", info); err != nil {
			t.Fatal(err)
		}
		listsBefore := f.calls["list"]
		res, err := p.ApplyRecordsWith(ctx, &model.LiveZone{Name: "example.com"}, creates(recs(4)...), providers.ApplyOptions{Release: &info})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Released || !res.Complete || len(res.Stored) != 4 {
			t.Fatalf("result: released %v, complete %v, %d stored; want released, complete, 4", res.Released, res.Complete, len(res.Stored))
		}
		for _, r := range res.Stored {
			if r.ID == "" || !strings.HasPrefix(r.Name, "h") {
				t.Errorf("stored record without its id or not one of the writes: %+v", r)
			}
		}
		if lockLeft(f) {
			t.Error("the lock is left after the last batch released it")
		}
		last := f.batches[len(f.batches)-1]
		if len(last.Posts) != 1 || len(last.Deletes) != 1 {
			t.Errorf("last batch: %d posts, %d deletes; want the last create and the lock's delete", len(last.Posts), len(last.Deletes))
		}
		if err := p.Unlock(ctx, "example.com", info); err != nil {
			t.Fatal(err)
		}
		if got := f.calls["list"] - listsBefore; got != 0 {
			t.Errorf("%d zone reads to apply and release, want none", got)
		}
	})

	t.Run("no room: released apart, by id", func(t *testing.T) {
		p, f := newFakeProvider(t, Options{BatchLimit: 2}, "example.com")
		if err := p.Lock(ctx, "example.com", info); err != nil {
			t.Fatal(err)
		}
		listsBefore, batchesBefore := f.calls["list"], f.calls["batch"]
		res, err := p.ApplyRecordsWith(ctx, &model.LiveZone{Name: "example.com"}, creates(recs(4)...), providers.ApplyOptions{Release: &info})
		if err != nil {
			t.Fatal(err)
		}
		if res.Released {
			t.Fatal("released in a full batch")
		}
		if !lockLeft(f) {
			t.Fatal("the lock went before Unlock")
		}
		if err := p.Unlock(ctx, "example.com", info); err != nil {
			t.Fatal(err)
		}
		if lockLeft(f) {
			t.Error("the lock is left after Unlock")
		}
		if got := f.calls["batch"] - batchesBefore; got != 3 {
			t.Errorf("%d batches, want 2 and the release", got)
		}
		if got := f.calls["list"] - listsBefore; got != 0 {
			t.Errorf("%d zone reads to release, want none", got)
		}
	})

	t.Run("a lock broken meanwhile is not an error, and another's is left alone", func(t *testing.T) {
		p, f := newFakeProvider(t, Options{}, "example.com")
		if err := p.Lock(ctx, "example.com", info); err != nil {
			t.Fatal(err)
		}
		if err := p.BreakLock(ctx, "example.com"); err != nil {
			t.Fatal(err)
		}
		other := ownership.LockInfo{Holder: "you@there", PID: 2, Token: "t2"}
		if err := p.Lock(ctx, "example.com", other); err != nil {
			t.Fatal(err)
		}
		if err := p.Unlock(ctx, "example.com", info); err != nil {
			t.Fatalf("releasing a broken lock: %v", err)
		}
		if !lockLeft(f) {
			t.Error("releasing a broken lock deleted the lock another apply took since")
		}
	})
}
