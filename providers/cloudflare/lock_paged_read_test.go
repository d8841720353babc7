package cloudflare_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// A zone of more than cloudflare.MaxPageSize records is read in pages, one request
// each, and the API lists by type: the generation (TXT) comes on a later page than
// the A records. Were the pages all there is, an apply that ran entirely between
// ann's first page and her last would leave ann a read whose records are older than
// its generation: her taking, against that generation, would be accepted, and her
// write would rest on records another apply changed since (a lost update). The lock
// name is therefore read first, alone, and the pages after it.
//
// bob's whole apply (lock, change h0000 on ann's first page, release) runs while one
// of ann's record requests is held: the second (the first page of a listing that
// turns out to have more; before this fix, the second page), the third (the first
// page again) or the fourth (the last page). Whichever it is, ann's plan, from her
// read, must not put back the h0000 bob replaced: her write is refused as moved, or
// her read already saw bob's value.
func TestPagedReadIsNotOlderThanItsGeneration(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{Plan: "enterprise", RecordQuota: 6000})
	bob := env.provider(t, cloudflare.Options{})
	var ops []model.RecordOp
	for i := range cloudflare.MaxPageSize + 1 {
		r := model.Record{Name: fmt.Sprintf("h%04d.example.com", i), Type: "A", Value: "192.0.2.1", TTL: 300}
		ops = append(ops, model.RecordOp{Op: model.OpCreate, After: &r})
	}
	if err := bob.ApplyRecords(ctx, mustRead(t, bob), ops); err != nil {
		t.Fatal(err)
	}
	withGeneration(t, bob)
	zid := mustRead(t, bob).ID
	const listing = "GET /zones/{zone_id}/dns_records"
	h0 := func(live *model.LiveZone) model.Record {
		for _, r := range live.Records {
			if r.Name == "h0000.example.com" {
				return r
			}
		}
		t.Fatal("h0000 not read")
		return model.Record{}
	}

	for k, held := range map[int]string{2: "the first page of the listing read after the lock name", 3: "the first page", 4: "the last page"} {
		bobs := fmt.Sprintf("198.51.100.%d", k)
		t.Run(held, func(t *testing.T) {
			base := env.srv.Stats()[listing]
			passed := make(chan struct{})
			close(passed)
			for range k - 1 {
				env.srv.InjectFault(sim.Fault{Method: "GET", PathPrefix: "/zones/" + zid + "/dns_records", Hold: passed, Count: 1})
			}
			hold := make(chan struct{})
			env.srv.InjectFault(sim.Fault{Method: "GET", PathPrefix: "/zones/" + zid + "/dns_records", Hold: hold, Count: 1})
			defer env.srv.ClearFaults()
			ann := env.provider(t, cloudflare.Options{})
			type read struct {
				live *model.LiveZone
				err  error
			}
			got := make(chan read, 1)
			go func() {
				live, err := ann.ReadZone(ctx, "example.com")
				got <- read{live, err}
			}()
			deadline := time.Now().Add(time.Minute)
			for env.srv.Stats()[listing] < base+k { // ann's k-th request is held
				select {
				case r := <-got:
					t.Fatalf("ann's read made %d requests of the listing, not %d (err %v)", env.srv.Stats()[listing]-base, k, r.err)
				default:
				}
				if time.Now().After(deadline) {
					close(hold)
					t.Fatalf("ann's read made %d requests of the listing in a minute, not %d", env.srv.Stats()[listing]-base, k)
				}
				time.Sleep(5 * time.Millisecond)
			}

			// bob's whole apply, while ann's request is held.
			now := mustRead(t, bob)
			before := h0(now)
			after := before
			after.Value = bobs
			if _, err := bob.ApplyRecordsWith(ctx, now, []model.RecordOp{{Op: model.OpUpdate, Before: &before, After: &after}}, providers.ApplyOptions{Acquire: &revBob, Release: &revBob}); err != nil {
				t.Fatal(err)
			}
			close(hold)

			r := <-got
			if r.err != nil {
				t.Fatal(r.err)
			}
			// ann's plan, from her read, rewrites h0000 (its TTL), whole record.
			seen := h0(r.live)
			mine := seen
			mine.TTL = 600
			_, err := ann.ApplyRecordsWith(ctx, r.live, []model.RecordOp{{Op: model.OpUpdate, Before: &seen, After: &mine}}, providers.ApplyOptions{Acquire: &revAnn, Release: &revAnn})
			var me *ownership.MovedError
			if err != nil && !errors.As(err, &me) {
				t.Fatalf("ann's write: %v, want success or MovedError", err)
			}
			if final := h0(mustRead(t, bob)); final.Value != bobs {
				t.Errorf("h0000 = %s after ann's write (read %s, err %v): bob's %s was overwritten by a write on a stale read", final.Value, seen.Value, err, bobs)
			}
			if held, _ := cloudflareLockState(mustRead(t, bob)); held != nil {
				t.Errorf("a lock is left: %+v", held)
			}
		})
	}
}

// cloudflareLockState finds the lock record and the generation among live's records.
func cloudflareLockState(live *model.LiveZone) (held, gen *model.Record) {
	for i := range live.Records {
		r := &live.Records[i]
		if model.CanonicalLiveName(r.Name) != ownership.LockName("example.com") {
			continue
		}
		if ownership.IsLockGeneration(*r) {
			gen = r
		} else {
			held = r
		}
	}
	return held, gen
}
