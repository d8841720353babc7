package main

// The lock taken against a read, end to end, under the ways an adversarial review
// found to break it (each test failed before its fix).

import (
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/ownership"
)

// TestFaultRaceToAdopt again, but the apply that wins the race waited for a lock
// (--lock-timeout), so it took the lock after a read of its own rather than inside its
// first write. That taking must replace the lock's generation too, or the promo
// apply, whose read is older than the app's adoption, would write on that stale read
// and take the record over.
func TestFaultRaceToAdoptAfterALockWait(t *testing.T) {
	fw := newAdoptRace(t)
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"5s","count":1}`)
	before := simStats(t, fw.base)[batchKey]
	promo, pout := fw.start(nil, "apply", "--config", "promo.hcl", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, before+1) // promo read the zone; its write waits at the API

	// A third apply holds the zone's lock (as its lock record); the app apply reads,
	// sees it, and waits.
	zed := ownership.LockInfo{Holder: "zed@ci", PID: 99, Since: time.Now().UTC(), Token: "zzzz"}
	fw.api.createRecord(fw.zid, map[string]any{"type": "TXT", "name": ownership.LockName("example.com"), "content": ownership.LockContent, "ttl": 60, "comment": zed.String()})
	app, aout := fw.start(nil, "apply", "--auto-approve", "--no-verify", "--lock-timeout", "30s")
	time.Sleep(2 * time.Second)
	for _, r := range fw.api.records(fw.zid) { // zed's apply finishes
		if heldLock(r) {
			fw.api.deleteRecord(fw.zid, r.ID)
		}
	}
	if err := app.Wait(); err != nil || !strings.Contains(aout.String(), "adopt") {
		t.Fatalf("app apply: %v\n%s", err, aout)
	}
	err := promo.Wait()
	t.Logf("promo apply (exit %v):\n%s", err, pout)
	if got := fw.api.findRecord(fw.zid, "legacy.example.com", "A").Comment; got != "old server [launchready:app]" {
		t.Errorf("legacy.example.com comment %q after the race, want the app's marker: the promo apply wrote on a read older than the app's adoption and took the record over", got)
	}
}

// TestFaultRaceToAdopt, and the answer to the loser's second taking of the lock
// (writeLocked's fallback, after its first was refused) is lost: the lock was created,
// the retry is refused 81058, and the lock is found with its own token. The provider
// must then know the lock as held (not as the refused taking's "released"), so the
// apply releases it on the way out: no lock is left behind.
func TestFaultFallbackLockLostAnswer(t *testing.T) {
	fw := newAdoptRace(t)
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"4s","count":1}`)
	before := simStats(t, fw.base)[batchKey]
	promo, out := fw.start(nil, "apply", "--config", "promo.hcl", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, before+1)
	if app := fw.run(nil, "apply", "--auto-approve", "--no-verify"); app.code != 0 {
		t.Fatalf("app apply: exit %d\n%s%s", app.code, app.stdout, app.stderr)
	}
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","reply_lost":true,"count":1}`) // promo's plain lock
	err := promo.Wait()
	t.Logf("promo apply (exit %v):\n%s", err, out)
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) {
			t.Errorf("a lock is left behind by the promo apply, which has exited: %+v", r)
		}
	}
}

// An apply that waits for locks (--lock-timeout) takes the lock inside its first
// batch; another apply's lock appears between its read and that batch, so the taking
// is refused (the lock is held). It says it waits for that holder — not the refusal's
// advice to use --lock-timeout, which it does — waits, and applies once the holder is
// gone.
func TestFaultLockTakenBeforeTheBatchWhileWaiting(t *testing.T) {
	cfg, want := hosts(3, 10)
	fw := newFaultWorld(t, cfg)
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"2s","count":1}`)
	before := simStats(t, fw.base)[batchKey]
	// Two batches, so the first creates a lock record (a single batch would only
	// replace the generation, which zed's lock, made by hand, did not replace).
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"}
	app, out := fw.start(env, "apply", "--auto-approve", "--no-verify", "--lock-timeout", "30s")
	fw.waitStats(batchKey, before+1) // read, and its batch (with the taking) waits at the API
	zed := ownership.LockInfo{Holder: "zed@ci", PID: 99, Since: time.Now().UTC(), Token: "zzzz"}
	// As launchready writes it (quoted), so that a second creation is refused.
	fw.api.createRecord(fw.zid, map[string]any{"type": "TXT", "name": ownership.LockName("example.com"), "content": `"` + ownership.LockContent + `"`, "ttl": 60, "comment": zed.String()})
	time.Sleep(4 * time.Second) // the batch is refused; the apply waits for zed
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) {
			fw.api.deleteRecord(fw.zid, r.ID)
		}
	}
	if err := app.Wait(); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if s := out.String(); !strings.Contains(s, "zone example.com is locked by another apply: zed@ci") || !strings.Contains(s, "waiting up to 30s") || strings.Contains(s, "use --lock-timeout") {
		t.Errorf("apply's output while it waits for zed's lock:\n%s", s)
	}
	fw.converges(want...)
}
