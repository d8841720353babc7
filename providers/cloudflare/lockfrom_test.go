package cloudflare_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// lockRecords returns the TXT records at the zone's lock name: the lock itself
// (content ownership.LockContent) and the generation.
func lockRecords(t *testing.T, p *cloudflare.Provider, zone string) (held, gens []model.Record) {
	t.Helper()
	live, err := p.ReadZone(context.Background(), zone)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range live.Records {
		if model.CanonicalLiveName(r.Name) != ownership.LockName(zone) {
			continue
		}
		switch r.Value {
		case ownership.LockContent:
			held = append(held, r)
		case ownership.GenerationContent:
			gens = append(gens, r)
		default:
			t.Errorf("unexpected record at the lock name: %+v", r)
		}
	}
	return held, gens
}

func batches(s *sim.Server) int { return s.Stats()["POST /zones/{zone_id}/dns_records/batch"] }

// TestLockFrom: the lock taken against a read costs one request; it fails, changing
// nothing, when another apply took the lock since the read (even one that finished),
// when the lock is held (named from the read, without a request), and when a lock or
// a generation appeared in a zone read without one; a lost answer counts as taken.
func TestLockFrom(t *testing.T) {
	ctx := context.Background()
	ann := ownership.LockInfo{Holder: "ann@laptop", PID: 1, Token: "aaaa"}
	bob := ownership.LockInfo{Holder: "bob@ci", PID: 2, Token: "bbbb"}

	t.Run("one request, then a generation stays and the lock goes", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, err := p.ReadZone(ctx, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		env.srv.ResetStats()
		if err := p.LockFrom(ctx, live, ann); err != nil {
			t.Fatal(err)
		}
		if got := env.srv.Stats(); len(got) != 1 || batches(env.srv) != 1 {
			t.Errorf("requests to take the lock: %v, want one batch", got)
		}
		held, gens := lockRecords(t, p, "example.com")
		if len(held) != 1 || len(gens) != 1 || ownership.ParseLockInfo(held[0].Comment).Token != "aaaa" {
			t.Fatalf("after taking: lock %+v, generations %+v; want ann's lock and one generation", held, gens)
		}
		if err := p.Unlock(ctx, "example.com", ann); err != nil {
			t.Fatal(err)
		}
		held, gens2 := lockRecords(t, p, "example.com")
		if len(held) != 0 || len(gens2) != 1 || gens2[0].ID != gens[0].ID {
			t.Errorf("after release: lock %+v, generations %+v; want no lock and the same generation", held, gens2)
		}
	})

	t.Run("another apply came and went since the read", func(t *testing.T) {
		for _, fresh := range []bool{true, false} {
			env := startSim(t, sim.Options{})
			p := env.provider(t, cloudflare.Options{})
			if !fresh { // a zone locked this way before: it has a generation
				live, _ := p.ReadZone(ctx, "example.com")
				if err := p.LockFrom(ctx, live, ann); err != nil {
					t.Fatal(err)
				}
				if err := p.Unlock(ctx, "example.com", ann); err != nil {
					t.Fatal(err)
				}
			}
			stale, err := p.ReadZone(ctx, "example.com")
			if err != nil {
				t.Fatal(err)
			}
			other := env.provider(t, cloudflare.Options{})
			now, _ := other.ReadZone(ctx, "example.com")
			if err := other.LockFrom(ctx, now, bob); err != nil {
				t.Fatal(err)
			}
			if err := other.Unlock(ctx, "example.com", bob); err != nil {
				t.Fatal(err)
			}
			before, beforeGens := lockRecords(t, p, "example.com")
			err = p.LockFrom(ctx, stale, ann)
			var me *ownership.MovedError
			if !errors.As(err, &me) {
				t.Fatalf("fresh=%v: taking the lock on a read older than bob's apply: %v, want MovedError", fresh, err)
			}
			after, afterGens := lockRecords(t, p, "example.com")
			if len(before) != 0 || len(after) != 0 || len(afterGens) != 1 || afterGens[0].ID != beforeGens[0].ID {
				t.Errorf("fresh=%v: the refused taking changed the zone: lock %+v, generations %+v → %+v", fresh, after, beforeGens, afterGens)
			}
		}
	})

	t.Run("held: named from the read, no request", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		if err := p.LockFrom(ctx, live, bob); err != nil {
			t.Fatal(err)
		}
		seen, _ := p.ReadZone(ctx, "example.com")
		env.srv.ResetStats()
		err := p.LockFrom(ctx, seen, ann)
		var le *ownership.LockedError
		if !errors.As(err, &le) || le.Info.Holder != "bob@ci" {
			t.Fatalf("taking a held lock: %v, want LockedError naming bob@ci", err)
		}
		if got := env.srv.Stats(); len(got) != 0 {
			t.Errorf("requests to learn the lock is held: %v, want none", got)
		}
	})

	t.Run("taken by another between the read and the taking", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		other := env.provider(t, cloudflare.Options{})
		if err := other.LockFrom(ctx, live, bob); err != nil {
			t.Fatal(err)
		}
		err := p.LockFrom(ctx, live, ann)
		var le *ownership.LockedError
		if !errors.As(err, &le) || le.Info.Holder != "bob@ci" {
			t.Fatalf("racing bob: %v, want LockedError naming bob@ci", err)
		}
		held, gens := lockRecords(t, p, "example.com")
		if len(held) != 1 || len(gens) != 1 || ownership.ParseLockInfo(held[0].Comment).Token != "bbbb" {
			t.Errorf("after the race: lock %+v, generations %+v; want bob's lock only", held, gens)
		}
	})

	t.Run("the answer is lost: taken, and released", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		env.srv.InjectFault(sim.Fault{Method: "POST", PathPrefix: "/zones/", ReplyLost: true, Count: 1})
		if err := p.LockFrom(ctx, live, ann); err != nil {
			t.Fatalf("a taking whose answer was lost: %v", err)
		}
		held, _ := lockRecords(t, p, "example.com")
		if len(held) != 1 || ownership.ParseLockInfo(held[0].Comment).Token != "aaaa" {
			t.Fatalf("lock after a lost answer: %+v, want ann's", held)
		}
		if err := p.Unlock(ctx, "example.com", ann); err != nil {
			t.Fatal(err)
		}
		if held, _ := lockRecords(t, p, "example.com"); len(held) != 0 {
			t.Errorf("lock left after release: %+v", held)
		}
	})

	t.Run("unlock breaks the lock and keeps the generation", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		if err := p.LockFrom(ctx, live, bob); err != nil {
			t.Fatal(err)
		}
		_, gens := lockRecords(t, p, "example.com")
		info, err := p.ReadLock(ctx, "example.com")
		if err != nil || info == nil || info.Token != "bbbb" {
			t.Fatalf("ReadLock: %+v, %v; want bob's", info, err)
		}
		if err := p.BreakLock(ctx, "example.com"); err != nil {
			t.Fatal(err)
		}
		held, gens2 := lockRecords(t, p, "example.com")
		if len(held) != 0 || len(gens2) != 1 || gens2[0].ID != gens[0].ID {
			t.Errorf("after unlock: lock %+v, generations %+v; want none and the same generation", held, gens2)
		}
		if info, err := p.ReadLock(ctx, "example.com"); err != nil || info != nil {
			t.Errorf("ReadLock after unlock: %+v, %v; want nobody (the generation is not a lock)", info, err)
		}
	})
}

// TestApplyTakesTheLock: the lock taken in the first record batch. One batch that
// also releases is the whole lock (the generation replaced, no lock record, one
// request); several batches carry the lock record from the first to the last; a batch
// on a read older than another apply's lock is refused whole, changing nothing.
func TestApplyTakesTheLock(t *testing.T) {
	ctx := context.Background()
	ann := ownership.LockInfo{Holder: "ann@laptop", PID: 1, Token: "aaaa"}
	bob := ownership.LockInfo{Holder: "bob@ci", PID: 2, Token: "bbbb"}
	creates := func(names ...string) []model.RecordOp {
		var ops []model.RecordOp
		for i, n := range names {
			ops = append(ops, model.RecordOp{Op: model.OpCreate, After: &model.Record{Name: n + ".example.com", Type: "A", Value: fmt.Sprintf("192.0.2.%d", i+1), TTL: 300}})
		}
		return ops
	}
	names := func(p *cloudflare.Provider) []string {
		live, err := p.ReadZone(ctx, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range live.Records {
			if !ownership.IsLockName(model.CanonicalLiveName(r.Name)) {
				out = append(out, r.Name)
			}
		}
		return out
	}

	t.Run("one batch: the generation replaced, no lock record", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		if err := p.LockFrom(ctx, live, bob); err != nil { // a generation to replace
			t.Fatal(err)
		}
		if err := p.Unlock(ctx, "example.com", bob); err != nil {
			t.Fatal(err)
		}
		_, gens := lockRecords(t, p, "example.com")
		live, _ = p.ReadZone(ctx, "example.com")
		env.srv.ResetStats()
		res, err := p.ApplyRecordsWith(ctx, live, creates("a", "b"), providers.ApplyOptions{Acquire: &ann, Release: &ann})
		if err != nil {
			t.Fatal(err)
		}
		if got := env.srv.Stats(); len(got) != 1 || batches(env.srv) != 1 {
			t.Errorf("requests: %v, want one batch", got)
		}
		if !res.Released || !res.Complete || len(res.Stored) != 2 {
			t.Errorf("result: released %v, complete %v, stored %d; want released, complete, the 2 creates only", res.Released, res.Complete, len(res.Stored))
		}
		held, gens2 := lockRecords(t, p, "example.com")
		if len(held) != 0 || len(gens2) != 1 || gens2[0].ID == gens[0].ID || ownership.ParseLockInfo(gens2[0].Comment).Token != "aaaa" {
			t.Errorf("after: lock %+v, generation %+v (was %+v); want no lock and a new generation by ann", held, gens2, gens)
		}
	})

	t.Run("several batches: the lock record from the first to the last", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{BatchLimit: 3})
		live, _ := p.ReadZone(ctx, "example.com")
		env.srv.ResetStats()
		res, err := p.ApplyRecordsWith(ctx, live, creates("a", "b", "c"), providers.ApplyOptions{Acquire: &ann, Release: &ann})
		if err != nil {
			t.Fatal(err)
		}
		// A new zone: the first batch creates the generation and the lock, and a; the
		// second b, c and the lock's delete.
		if got := batches(env.srv); got != 2 || !res.Released || len(res.Stored) != 3 {
			t.Errorf("%d batches, released %v, %d stored; want 2, released, 3", got, res.Released, len(res.Stored))
		}
		held, gens := lockRecords(t, p, "example.com")
		if len(held) != 0 || len(gens) != 1 {
			t.Errorf("after: lock %+v, generations %+v; want none and one", held, gens)
		}
	})

	t.Run("several batches, no release: the lock stays for Unlock", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		if _, err := p.ApplyRecordsWith(ctx, live, creates("a"), providers.ApplyOptions{Acquire: &ann}); err != nil {
			t.Fatal(err)
		}
		if held, _ := lockRecords(t, p, "example.com"); len(held) != 1 || ownership.ParseLockInfo(held[0].Comment).Token != "aaaa" {
			t.Fatalf("lock after records that are not the last write: %+v, want ann's", held)
		}
		env.srv.ResetStats()
		if err := p.Unlock(ctx, "example.com", ann); err != nil {
			t.Fatal(err)
		}
		if got := env.srv.Stats(); len(got) != 1 || batches(env.srv) != 1 {
			t.Errorf("requests to release: %v, want one batch (the lock's id is known)", got)
		}
		if held, _ := lockRecords(t, p, "example.com"); len(held) != 0 {
			t.Errorf("lock left after Unlock: %+v", held)
		}
	})

	t.Run("a read older than another apply: refused whole", func(t *testing.T) {
		for _, fresh := range []bool{true, false} {
			env := startSim(t, sim.Options{})
			p := env.provider(t, cloudflare.Options{})
			if !fresh {
				live, _ := p.ReadZone(ctx, "example.com")
				if _, err := p.ApplyRecordsWith(ctx, live, creates("x"), providers.ApplyOptions{Acquire: &bob, Release: &bob}); err != nil {
					t.Fatal(err)
				}
			}
			stale, _ := p.ReadZone(ctx, "example.com")
			other := env.provider(t, cloudflare.Options{})
			now, _ := other.ReadZone(ctx, "example.com")
			if _, err := other.ApplyRecordsWith(ctx, now, creates("y"), providers.ApplyOptions{Acquire: &bob, Release: &bob}); err != nil {
				t.Fatal(err)
			}
			before := names(p)
			_, err := p.ApplyRecordsWith(ctx, stale, creates("a", "b"), providers.ApplyOptions{Acquire: &ann, Release: &ann})
			var me *ownership.MovedError
			if !errors.As(err, &me) {
				t.Fatalf("fresh=%v: a batch on a read older than bob's apply: %v, want MovedError", fresh, err)
			}
			if after := names(p); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("fresh=%v: the refused batch changed records: %v → %v", fresh, before, after)
			}
			if held, _ := lockRecords(t, p, "example.com"); len(held) != 0 {
				t.Errorf("fresh=%v: a lock left: %+v", fresh, held)
			}
			// Unlock after a refused taking has nothing to do, and sends nothing.
			env.srv.ResetStats()
			if err := p.Unlock(ctx, "example.com", ann); err != nil || len(env.srv.Stats()) != 0 {
				t.Errorf("fresh=%v: Unlock after a refused taking: %v, requests %v; want none", fresh, err, env.srv.Stats())
			}
		}
	})

	t.Run("held in the read: refused without a request", func(t *testing.T) {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		live, _ := p.ReadZone(ctx, "example.com")
		if err := p.LockFrom(ctx, live, bob); err != nil {
			t.Fatal(err)
		}
		seen, _ := p.ReadZone(ctx, "example.com")
		if who := p.HeldIn(seen); who == nil || who.Holder != "bob@ci" {
			t.Errorf("HeldIn = %+v, want bob@ci", who)
		}
		env.srv.ResetStats()
		_, err := p.ApplyRecordsWith(ctx, seen, creates("a"), providers.ApplyOptions{Acquire: &ann, Release: &ann})
		var le *ownership.LockedError
		if !errors.As(err, &le) || le.Info.Holder != "bob@ci" || len(env.srv.Stats()) != 0 {
			t.Errorf("applying under bob's lock: %v, requests %v; want LockedError naming bob@ci and none", err, env.srv.Stats())
		}
	})
}
