package main

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// Fault injection on `launchready rollback` (the ownership suite's invariants, applied
// to the restore's write path): the rollback is killed between its lock and its first
// write or in the middle of a multi-batch restore, its record batch or rule write
// fails or loses its reply, or a record it restores is edited by hand while the
// operator reads the restore plan. Every time: nothing launchready does not own
// changed, nothing is left without its marker, the refused or failed rollback can be
// re-run (after `unlock --force` where it died holding the lock) and completes, and
// the zone then equals what the snapshot's apply found, so launch.hcl as it was then
// plans no changes.

// rollbackA is the first launch: six records, two launchready redirects.
func rollbackA() (string, []string) {
	cfg := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n"
	want := []string{"example.com A 192.0.2.1"}
	for i := 0; i < 6; i++ {
		cfg += fmt.Sprintf("  record \"h%d\" \"A\" { value = \"192.0.2.%d\" }\n", i, 10+i)
		want = append(want, fmt.Sprintf("h%d.example.com A 192.0.2.%d", i, 10+i))
	}
	cfg += "  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to = \"https://example.com/$${1}\"\n  }\n"
	cfg += "  redirect \"old\" {\n    from = \"https://old.example.com/*\"\n    to = \"https://example.com/old/$${1}\"\n  }\n}\n"
	return cfg, want
}

// rollbackB is the apply rolled back: four records updated, two deleted, two
// created, one redirect edited and one deleted. Its restore is 8 record ops (4
// batches of 2 with LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2), one rule edit (PATCH) and
// one rule create (POST), written in that order.
const rollbackB = `zone "example.com" {
  record "@" "A" {
    value = "192.0.2.1"
    proxied = true
  }
  record "h0" "A" { value = "192.0.2.100" }
  record "h1" "A" { value = "192.0.2.101" }
  record "h2" "A" { value = "192.0.2.102" }
  record "h3" "A" { value = "192.0.2.103" }
  record "n0" "A" { value = "192.0.2.50" }
  record "n1" "A" { value = "192.0.2.51" }
  redirect "www" {
    from = "https://www.example.com/*"
    to = "https://example.net/$${1}"
  }
}
`

var smallBatches = []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2"}

// rollbackWorld is a faultWorld after two applies (A, then B), ready to roll B back.
type rollbackWorld struct {
	*faultWorld
	snap    string   // B's snapshot, relative to the workspace
	records []string // the zone's records after A (recordKeys, no lock)
	rules   []string // launchready's redirect rules after A (ownedRules)
	cfgA    string
	wantA   []string // launchready's records after A, as converges wants them
}

func newRollbackWorld(t *testing.T) *rollbackWorld {
	t.Helper()
	cfgA, wantA := rollbackA()
	fw := newFaultWorld(t, cfgA)
	fw.converges(wantA...)
	rw := &rollbackWorld{faultWorld: fw, cfgA: cfgA, wantA: wantA}
	rw.records, rw.rules = rw.now()
	fw.write("launch.hcl", rollbackB)
	fw.mustRun(0, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	snaps, err := filepath.Glob(filepath.Join(fw.dir, ".launchready", "snapshots", "*.json"))
	if err != nil || len(snaps) != 2 {
		t.Fatalf("want the two applies' snapshots, found %v (%v)", snaps, err)
	}
	sort.Strings(snaps)
	if rw.snap, err = filepath.Rel(fw.dir, snaps[1]); err != nil {
		t.Fatal(err)
	}
	if recs, rules := rw.now(); cmp.Equal(recs, rw.records) || cmp.Equal(rules, rw.rules) {
		t.Fatalf("apply B changed no records or no rules:\n%v\n%v", recs, rules)
	}
	fw.checkSafe("after apply B")
	return rw
}

// now returns the zone's records (without the lock) and launchready's redirect rules.
func (rw *rollbackWorld) now() ([]string, []string) {
	rw.t.Helper()
	var recs []string
	for _, r := range recordKeys(rw.api.liveZone("example.com")) {
		if !strings.HasPrefix(r, ownership.LockName("example.com")+" ") {
			recs = append(recs, r)
		}
	}
	return recs, ownedRules(rw.api.entrypoint(rw.zid, model.PhaseRedirect))
}

// locked reports whether the zone holds an apply lock.
func (rw *rollbackWorld) locked() bool {
	rw.t.Helper()
	for _, r := range rw.api.records(rw.zid) {
		if heldLock(r) {
			return true
		}
	}
	return false
}

// completes re-runs the rollback with no fault left and checks that it finishes
// (or finds nothing left to restore, when the faulted run recovered), that the zone
// equals what apply B found (hand-made things as they are), that no lock is left,
// and that launch.hcl A then plans no changes and converges. It returns the re-run's
// output.
func (rw *rollbackWorld) completes() string {
	rw.t.Helper()
	rw.clearFaults()
	r := rw.run(nil, "rollback", rw.snap, "--auto-approve")
	if r.code != 0 || !strings.Contains(r.stdout, "Rollback complete") && !strings.Contains(r.stdout, "Nothing to restore") {
		rw.t.Fatalf("re-running the rollback: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rw.checkSafe("after the re-run rollback")
	recs, rules := rw.now()
	if d := cmp.Diff(rw.records, recs); d != "" {
		rw.t.Errorf("records after the rollback differ from before apply B (-want +got):\n%s", d)
	}
	if d := cmp.Diff(rw.rules, rules); d != "" {
		rw.t.Errorf("launchready's rules after the rollback differ from before apply B (-want +got):\n%s", d)
	}
	if rw.locked() {
		rw.t.Error("the completed rollback left a lock behind")
	}
	if r := rw.run(nil, "rollback", rw.snap, "--auto-approve"); r.code != 0 || !strings.Contains(r.stdout, "Nothing to restore") {
		rw.t.Errorf("a second rollback after completion: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rw.write("launch.hcl", rw.cfgA)
	if r := rw.run(nil, "plan", "--detailed-exitcode", "--no-email-check"); r.code != 0 || !strings.Contains(r.stdout, "No changes") {
		rw.t.Errorf("launch.hcl as it was before apply B does not plan \"No changes\" after the rollback: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	rw.converges(rw.wantA...)
	return r.stdout
}

// SIGKILL after the rollback took the lock, before its first record batch is served:
// nothing restored, the lock names the dead process; the next rollback is refused
// naming it; unlock --force breaks it; the re-run completes.
func TestFaultRollbackSIGKILLBetweenLockAndWrite(t *testing.T) {
	rw := newRollbackWorld(t)
	before, beforeRules := rw.now()
	// the lock goes through at once; the first record batch waits, then is never
	// served (the killed client closed its connection).
	rw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":1}`, `{"method":"POST","path_prefix":"/client/v4/zones/","latency":"30s","count":1}`)
	n := simStats(t, rw.base)[batchKey]
	cmd, out := rw.start(smallBatches, "rollback", rw.snap, "--auto-approve")
	rw.waitLock()
	rw.waitStats(batchKey, n+2) // the lock, then the first record batch in flight
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	rw.clearFaults()
	rw.checkSafe("after SIGKILL")
	if recs, rules := rw.now(); !cmp.Equal(recs, before) || !cmp.Equal(rules, beforeRules) {
		t.Errorf("a rollback killed before its first write changed the zone:\n%s\n%s\n%s", cmp.Diff(before, recs), cmp.Diff(beforeRules, rules), out)
	}
	if !rw.locked() {
		t.Fatalf("the killed rollback held no lock:\n%s", out)
	}
	r := rw.run(nil, "rollback", rw.snap, "--auto-approve")
	if r.code != 1 || !strings.Contains(r.stderr, "is locked by another apply") || !strings.Contains(r.stderr, fmt.Sprintf("(pid %d)", cmd.Process.Pid)) {
		t.Errorf("rollback beside a dead rollback's lock: exit %d, want 1 naming pid %d\n%s", r.code, cmd.Process.Pid, r.stderr)
	}
	if recs, _ := rw.now(); !cmp.Equal(recs, before) {
		t.Errorf("the rollback refused by the lock changed records:\n%s", cmp.Diff(before, recs))
	}
	rw.mustRun(0, "unlock", "example.com", "--force")
	rw.completes()
}

// SIGKILL while batch 2 of 4 is in flight: batch 1 is restored, the rest not; every
// record keeps its marker; unlock --force and the re-run restores the rest.
func TestFaultRollbackSIGKILLMidRestore(t *testing.T) {
	rw := newRollbackWorld(t)
	before, _ := rw.now()
	rw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1500ms"}`)
	n := simStats(t, rw.base)[batchKey]
	cmd, out := rw.start(smallBatches, "rollback", rw.snap, "--auto-approve")
	rw.waitStats(batchKey, n+3) // the lock, batch 1 done, batch 2 in flight
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	rw.clearFaults()
	rw.checkSafe("after SIGKILL mid-restore")
	recs, _ := rw.now()
	if cmp.Equal(recs, before) || cmp.Equal(recs, rw.records) {
		t.Errorf("the kill did not land mid-restore (the records are all or nothing):\n%s", out)
	}
	if !rw.locked() {
		t.Errorf("the killed rollback held no lock:\n%s", out)
	}
	if r := rw.run(nil, "rollback", rw.snap, "--auto-approve"); r.code != 1 || !strings.Contains(r.stderr, "is locked by another apply") {
		t.Errorf("rollback beside a dead rollback's lock: exit %d\n%s", r.code, r.stderr)
	}
	rw.mustRun(0, "unlock", "example.com", "--force")
	rw.completes()
}

// Faults on the restore's writes: 5xx (every retry), reset and reply lost on a
// record batch (the second of four, so the restore is partial) and on the rule
// writes (the edit, a PATCH, and the re-creation of the deleted rule, a POST). The
// rollback fails with a clear error or recovers; either way the zone is safe and a
// re-run completes.
func TestFaultRollbackWrites(t *testing.T) {
	const (
		lockAndBatch1 = `{"method":"POST","path_prefix":"/client/v4/zones/{zid}/dns_records/batch","latency":"1ms","count":2}`
		rules         = `/client/v4/zones/{zid}/rulesets/`
	)
	for _, tt := range []struct {
		name, fault string
		fails       bool   // the rollback must fail, saying says; else it must recover
		says        string // (a retry that finds what the lost reply did) and complete
	}{
		{"500 on a record batch", lockAndBatch1 + `|{"method":"POST","path_prefix":"/client/v4/zones/{zid}/dns_records/batch","status":500,"count":20}`, true, "remain"},
		{"503 on the first record batch", `{"method":"POST","path_prefix":"/client/v4/zones/{zid}/dns_records/batch","latency":"1ms","count":1}|{"method":"POST","path_prefix":"/client/v4/zones/{zid}/dns_records/batch","status":503,"count":20}`, true, "rollback failed"},
		{"reset on a record batch", lockAndBatch1 + `|{"method":"POST","path_prefix":"/client/v4/zones/{zid}/dns_records/batch","drop":true,"count":1}`, false, ""},
		{"reply lost after a record batch", lockAndBatch1 + `|{"method":"POST","path_prefix":"/client/v4/zones/{zid}/dns_records/batch","reply_lost":true,"count":1}`, false, ""},
		{"500 on the rule edit", `{"method":"PATCH","path_prefix":"` + rules + `","status":500,"count":20}`, true, "rollback failed"},
		{"reply lost after the rule edit", `{"method":"PATCH","path_prefix":"` + rules + `","reply_lost":true,"count":1}`, false, ""},
		{"503 on the rule create", `{"method":"POST","path_prefix":"` + rules + `","status":503,"count":20}`, true, "rollback failed"},
		{"reply lost after the rule create", `{"method":"POST","path_prefix":"` + rules + `","reply_lost":true,"count":1}`, false, ""},
		{"reset on the rule create", `{"method":"POST","path_prefix":"` + rules + `","drop":true,"count":1}`, false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rw := newRollbackWorld(t)
			rw.fault(strings.Split(strings.ReplaceAll(tt.fault, "{zid}", rw.zid), "|")...)
			r := rw.run(smallBatches, "rollback", rw.snap, "--auto-approve")
			t.Logf("rollback with %s: exit %d\n%s", tt.name, r.code, r.stderr)
			if tt.fails && (r.code != 1 || !strings.Contains(r.stderr, tt.says) || !strings.Contains(r.stderr, "Run the same rollback again")) {
				t.Errorf("rollback with %s: exit %d, want 1 saying %q and how to finish\n%s\n%s", tt.name, r.code, tt.says, r.stdout, r.stderr)
			}
			if !tt.fails && (r.code != 0 || !strings.Contains(r.stdout, "Rollback complete")) {
				t.Errorf("rollback with %s: exit %d, want it to recover and complete\n%s\n%s", tt.name, r.code, r.stdout, r.stderr)
			}
			rw.clearFaults()
			rw.checkSafe("after rollback with " + tt.name)
			rw.run(nil, "unlock", "example.com", "--force")
			rw.completes()
		})
	}
}

// A record the restore writes is edited by hand while the operator reads the
// restore plan: on "yes" the rollback re-reads under the lock, refuses the stale
// restore and changes nothing; run again, it restores (overriding the edit, as its
// plan warns).
func TestFaultRollbackRecordEditedDuringConfirmation(t *testing.T) {
	rw := newRollbackWorld(t)
	var edited []string
	var editedRules []string
	out := rw.interactiveAt("Do you want to restore the snapshot?", func() {
		h0 := rw.api.findRecord(rw.zid, "h0.example.com", "A")
		rw.api.patchRecord(rw.zid, h0.ID, map[string]any{"ttl": 600})
		edited, editedRules = rw.now()
	}, "rollback", rw.snap)
	if !strings.Contains(out, "live state changed since the rollback was shown") || !strings.Contains(out, "Nothing was changed") {
		t.Errorf("rollback after a hand edit during confirmation:\n%s", out)
	}
	if edited == nil {
		t.Fatalf("the restore prompt never showed:\n%s", out)
	}
	if recs, rules := rw.now(); !cmp.Equal(recs, edited) || !cmp.Equal(rules, editedRules) {
		t.Errorf("the refused rollback changed the zone (-edited +now):\n%s%s", cmp.Diff(edited, recs), cmp.Diff(editedRules, rules))
	}
	if rw.locked() {
		t.Error("the refused rollback left its lock behind")
	}
	rw.checkSafe("after the refused rollback")
	if out := rw.completes(); !strings.Contains(out, "Rollback complete") || !strings.Contains(out, "h0.example.com") || !strings.Contains(out, "changed again after that apply") {
		t.Errorf("the re-run rollback does not warn that it overrides the hand edit of h0:\n%s", out)
	}
}
