package cloudflare_test

// Releasing and breaking the lock when the answer to the delete is lost: the delete
// was applied, the SDK's retry is refused with 81044 (the record is gone), and the
// lock is gone — which is what was asked.

import (
	"context"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// A lock whose id this process does not know (its taking's answer was lost, the
// lock found by its token) is released by reading the zone and deleting it by id.
// When that delete's answer is lost too, the retry is refused 81044 and Unlock
// reports a failure, so the engine warns "releasing the apply lock failed; break it
// with `launchready unlock`" — about a lock that is gone. The delete-by-known-id
// path already counts 81044 as released.
func TestUnlockWhoseAnswerIsLostSucceeds(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	p := env.provider(t, cloudflare.Options{})
	live := mustRead(t, p)
	env.srv.InjectFault(sim.Fault{Method: "POST", PathPrefix: "/zones/", ReplyLost: true, Count: 1})
	if err := p.LockFrom(ctx, live, revAnn); err != nil { // taken; its id unknown
		t.Fatal(err)
	}
	env.srv.InjectFault(sim.Fault{Method: "POST", PathPrefix: "/zones/", ReplyLost: true, Count: 1})
	err := p.Unlock(ctx, "example.com", revAnn)
	if held, _ := lockRecords(t, p, "example.com"); len(held) != 0 {
		t.Fatalf("setup: the lock is still there: %+v", held)
	}
	if err != nil {
		t.Errorf("Unlock of a lock it deleted (answer lost, retry refused 81044): %v, want nil", err)
	}
}

// `launchready unlock` (BreakLock) whose delete's answer is lost: the lock is broken,
// the retry refused 81044, and the command fails with "breaking the apply lock:
// ... Record does not exist" for a lock that it broke.
func TestBreakLockWhoseAnswerIsLostSucceeds(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	other := env.provider(t, cloudflare.Options{})
	if err := other.LockFrom(ctx, mustRead(t, other), revBob); err != nil {
		t.Fatal(err)
	}
	p := env.provider(t, cloudflare.Options{})
	if _, err := p.ReadLock(ctx, "example.com"); err != nil { // zone looked up
		t.Fatal(err)
	}
	env.srv.InjectFault(sim.Fault{Method: "POST", PathPrefix: "/zones/", ReplyLost: true, Count: 1})
	err := p.BreakLock(ctx, "example.com")
	if held, _ := lockRecords(t, p, "example.com"); len(held) != 0 {
		t.Fatalf("setup: the lock is still there: %+v", held)
	}
	if err != nil {
		t.Errorf("BreakLock that broke the lock (answer lost, retry refused 81044): %v, want nil", err)
	}
}
