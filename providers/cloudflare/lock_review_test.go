package cloudflare_test

// The lock taken against a read, under the ways an adversarial review found to break
// it (each test failed before its fix).

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

var (
	revAnn   = ownership.LockInfo{Holder: "ann@laptop", PID: 1, Token: "aaaa"}
	revBob   = ownership.LockInfo{Holder: "bob@ci", PID: 2, Token: "bbbb"}
	revCarol = ownership.LockInfo{Holder: "carol@ci", PID: 3, Token: "cccc"}
)

func revCreate(name, ip string) []model.RecordOp {
	return []model.RecordOp{{Op: model.OpCreate, After: &model.Record{Name: name + ".example.com", Type: "A", Value: ip, TTL: 300}}}
}

// withGeneration gives the zone a generation, as any earlier apply of this version does.
func withGeneration(t *testing.T, p *cloudflare.Provider) {
	t.Helper()
	ctx := context.Background()
	live, _ := p.ReadZone(ctx, "example.com")
	if err := p.LockFrom(ctx, live, revBob); err != nil {
		t.Fatal(err)
	}
	if err := p.Unlock(ctx, "example.com", revBob); err != nil {
		t.Fatal(err)
	}
}

// An apply that takes the lock plainly (providers.Locker.Lock: the fallback of
// writeLocked after a refused taking, every --lock-timeout wait, and every apply of
// the previous release) writes and releases without replacing the generation. A
// write taken against a read older than those writes is then accepted: a write on a
// stale read, the lost update the generation exists to prevent.
func TestPlainLockMovesTheGeneration(t *testing.T) {
	ctx := context.Background()
	for _, fresh := range []bool{true, false} {
		env := startSim(t, sim.Options{})
		p := env.provider(t, cloudflare.Options{})
		if !fresh {
			withGeneration(t, p)
		}
		stale, _ := p.ReadZone(ctx, "example.com") // ann's plan is read
		// carol's apply: plain lock, re-read, write, release (as writeLocked's fallback does)
		other := env.provider(t, cloudflare.Options{})
		if err := other.Lock(ctx, "example.com", revCarol); err != nil {
			t.Fatal(err)
		}
		now, _ := other.ReadZone(ctx, "example.com")
		if _, err := other.ApplyRecordsWith(ctx, now, revCreate("y", "192.0.2.7"), providers.ApplyOptions{Release: &revCarol}); err != nil {
			t.Fatal(err)
		}
		if err := other.Unlock(ctx, "example.com", revCarol); err != nil {
			t.Fatal(err)
		}
		// ann's write on the read older than carol's apply
		_, err := p.ApplyRecordsWith(ctx, stale, revCreate("a", "192.0.2.1"), providers.ApplyOptions{Acquire: &revAnn, Release: &revAnn})
		var me *ownership.MovedError
		if !errors.As(err, &me) {
			t.Errorf("generation existed=%v: a write on a read older than another apply's (plain-locked) writes: err %v, want MovedError", !fresh, err)
		}
	}
}

// A record batch that takes and releases the lock in one ("whole": the generation
// replaced, no lock record written) never meets a lock record, so it goes through
// while another apply holds the zone's lock taken plainly: two writers at once.
func TestWholeBatchMeetsAPlainLock(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	p := env.provider(t, cloudflare.Options{})
	withGeneration(t, p)
	stale, _ := p.ReadZone(ctx, "example.com")
	other := env.provider(t, cloudflare.Options{})
	if err := other.Lock(ctx, "example.com", revCarol); err != nil { // carol holds the lock now
		t.Fatal(err)
	}
	_, err := p.ApplyRecordsWith(ctx, stale, revCreate("a", "192.0.2.1"), providers.ApplyOptions{Acquire: &revAnn, Release: &revAnn})
	var le *ownership.LockedError
	if !errors.As(err, &le) {
		t.Errorf("a one-batch apply while carol holds the lock: err %v, want LockedError naming carol", err)
	}
}

// writeLocked's fallback: ann's inline taking is refused (MovedError), which marks
// ann's lock "released" in the provider; ann then takes the lock plainly with the
// same token. When that creation's answer is lost (applied; the retry refused 81058,
// the lock found with ann's token), Lock returns nil without recording the lock, so
// the stale "released" mark stays: the last record batch does not release it and
// Unlock returns without a request. The lock is left behind; every later apply is
// refused until someone runs `launchready unlock`.
func TestNoLockLeftAfterFallbackWithLostAnswer(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	p := env.provider(t, cloudflare.Options{})
	stale, _ := p.ReadZone(ctx, "example.com")
	other := env.provider(t, cloudflare.Options{})
	now, _ := other.ReadZone(ctx, "example.com")
	if _, err := other.ApplyRecordsWith(ctx, now, revCreate("y", "192.0.2.7"), providers.ApplyOptions{Acquire: &revBob, Release: &revBob}); err != nil {
		t.Fatal(err)
	}
	_, err := p.ApplyRecordsWith(ctx, stale, revCreate("a", "192.0.2.1"), providers.ApplyOptions{Acquire: &revAnn, Release: &revAnn})
	var me *ownership.MovedError
	if !errors.As(err, &me) {
		t.Fatalf("setup: %v, want MovedError", err)
	}
	env.srv.InjectFault(sim.Fault{Method: "POST", PathPrefix: "/zones/", ReplyLost: true, Count: 1})
	if err := p.Lock(ctx, "example.com", revAnn); err != nil { // the fallback's plain lock
		t.Fatal(err)
	}
	fresh, _ := p.ReadZone(ctx, "example.com")
	res, err := p.ApplyRecordsWith(ctx, fresh, revCreate("a", "192.0.2.1"), providers.ApplyOptions{Release: &revAnn})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Unlock(ctx, "example.com", revAnn); err != nil {
		t.Fatal(err)
	}
	if held, _ := lockRecords(t, p, "example.com"); len(held) != 0 {
		t.Errorf("ann's lock is left behind after the apply (released in batch: %v): %+v", res.Released, held)
	}
}

// Under a lock taken separately (plain Lock or LockFrom: multi-zone plans, rules
// first, the fallback), a plan whose records fit one batch used to release the lock
// in that batch (9744f52~1: `releasing := last && lockID != "" && …`). The new
// `!first` condition drops that: one more request per apply, and the README's
// "released in the last batch when it has room" is no longer true for one batch.
func TestOneBatchUnderAHeldLockReleasesIt(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	p := env.provider(t, cloudflare.Options{})
	live, _ := p.ReadZone(ctx, "example.com")
	if err := p.LockFrom(ctx, live, revAnn); err != nil {
		t.Fatal(err)
	}
	live, _ = p.ReadZone(ctx, "example.com")
	res, err := p.ApplyRecordsWith(ctx, live, revCreate("a", "192.0.2.1"), providers.ApplyOptions{Release: &revAnn})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Released {
		t.Errorf("one record batch under ann's lock did not release it (Released=false): Unlock needs another request")
	}
}

// A batch refused because of the plan's own ops (a record it deletes was deleted by
// hand: 81044) is reported as "another apply took the zone's lock since it was
// read" — no apply ran. lockRefused treats every 81044/81058 with no lock present as
// a moved generation.
func TestHandEditIsNotCalledAnotherApply(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	p := env.provider(t, cloudflare.Options{})
	if _, err := p.ApplyRecordsWith(ctx, mustRead(t, p), revCreate("old", "192.0.2.9"), providers.ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	stale := mustRead(t, p)
	var old model.Record
	for _, r := range stale.Records {
		if r.Name == "old.example.com" {
			old = r
		}
	}
	env.raw(t, "DELETE", "/zones/"+stale.ID+"/dns_records/"+old.ID, nil) // by hand
	_, err := p.ApplyRecordsWith(ctx, stale, []model.RecordOp{{Op: model.OpDelete, Before: &old}}, providers.ApplyOptions{Acquire: &revAnn, Release: &revAnn})
	// Refused whole, changing nothing; the message may not claim that an apply ran (it
	// says the zone changed, which the re-read that follows then shows).
	if err == nil || strings.Contains(err.Error(), "another apply took the zone's lock since it was read") {
		t.Errorf("a record deleted by hand: %v, want a refusal that does not claim another apply ran", err)
	}
}

func mustRead(t *testing.T, p *cloudflare.Provider) *model.LiveZone {
	t.Helper()
	live, err := p.ReadZone(context.Background(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	return live
}
