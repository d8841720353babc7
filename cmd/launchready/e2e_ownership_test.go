package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/launchready/launchready/ownership"
)

// The ownership fault-injection suite (issue 11): every scenario runs the binary
// against `launchready sim`, breaks something (the sim's fault API, a hand edit, a
// killed process, a second apply), and then checks the invariants:
//   - no record or rule launchready does not own was changed (hand-made records, a
//     hand-made rule, another owner's record);
//   - no record exists without its owner's marker (nothing orphaned, nothing lost:
//     a record is either someone else's or marked);
//   - the next apply converges to "No changes", and afterwards launchready's records
//     are exactly what the file declares (no name answers a value it no longer
//     declares), and no lock is left behind.

const ownMarker = "[launchready:default]"

// faultWorld is a workspace whose zone also holds things launchready must never touch.
type faultWorld struct {
	*workspace
	zid         string
	untouchable map[string]apiRecord // id → record as it was
	handRule    apiRule
}

func newFaultWorld(t *testing.T, cfg string, extraSim ...string) *faultWorld {
	t.Helper()
	w := newWorkspace(t, cfg, "example.com")
	fw := &faultWorld{workspace: w, zid: w.api.zoneID("example.com"), untouchable: map[string]apiRecord{}}
	w.api.createRecord(fw.zid, map[string]any{"type": "A", "name": "hand.example.com", "content": "192.0.2.200", "ttl": 300, "comment": "made by hand"})
	w.api.createRecord(fw.zid, map[string]any{"type": "CNAME", "name": "team.example.com", "content": "other.example.net", "ttl": 1})
	w.api.createRecord(fw.zid, map[string]any{"type": "A", "name": "mkt.example.com", "content": "192.0.2.201", "ttl": 300, "comment": "[launchready:marketing]"})
	for _, r := range w.api.records(fw.zid) {
		fw.untouchable[r.ID] = r
	}
	fw.handRule = apiRule{"ref": "by-hand", "enabled": true, "expression": `(http.host eq "h.example.com")`, "action": "redirect",
		"action_parameters": map[string]any{"from_value": map[string]any{"target_url": map[string]any{"value": "https://example.com/"}, "status_code": 302}}}
	w.api.putEntrypoint(fw.zid, "http_request_dynamic_redirect", []apiRule{fw.handRule})
	return fw
}

// fault injects sim faults (JSON objects).
func (fw *faultWorld) fault(fs ...string) {
	fw.t.Helper()
	for _, f := range fs {
		simAdmin(fw.t, fw.base, http.MethodPost, "faults", f)
	}
}

func (fw *faultWorld) clearFaults() {
	fw.t.Helper()
	simAdmin(fw.t, fw.base, http.MethodDelete, "faults", "")
}

// checkSafe asserts the invariants that hold at every moment, even mid-failure.
func (fw *faultWorld) checkSafe(when string) {
	fw.t.Helper()
	seen := map[string]bool{}
	for _, r := range fw.api.records(fw.zid) {
		if old, ok := fw.untouchable[r.ID]; ok {
			seen[r.ID] = true
			if fmt.Sprint(old) != fmt.Sprint(r) {
				fw.t.Errorf("%s: a record launchready does not own changed:\n was %+v\n now %+v", when, old, r)
			}
			continue
		}
		if strings.HasPrefix(r.Name, "_launchready-lock.") || strings.HasPrefix(r.Name, "_launchready.") {
			continue
		}
		if !strings.Contains(r.Comment, "[launchready:") {
			fw.t.Errorf("%s: record %s %s %s exists without its ownership marker (orphaned)", when, r.Name, r.Type, r.Content)
		}
	}
	for id, r := range fw.untouchable {
		if !seen[id] {
			fw.t.Errorf("%s: a record launchready does not own was deleted: %+v", when, r)
		}
	}
	rules := fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect")
	found := false
	for _, r := range rules {
		if r["ref"] == "by-hand" {
			found = true
			if r["expression"] != fw.handRule["expression"] || fmt.Sprint(r["action_parameters"]) != fmt.Sprint(fw.handRule["action_parameters"]) {
				fw.t.Errorf("%s: the hand-made rule changed: %v", when, r)
			}
		}
	}
	if !found {
		fw.t.Errorf("%s: the hand-made rule is gone: %v", when, rules)
	}
}

// converges applies, then checks that plan shows no changes, that launchready's
// records are exactly want ("name TYPE content"), and that no lock is left.
func (fw *faultWorld) converges(want ...string) {
	fw.t.Helper()
	fw.clearFaults()
	if r := fw.run(nil, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes", "--lock-timeout", "30s"); r.code != 0 {
		fw.t.Fatalf("converging apply: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r := fw.mustRun(0, "plan", "--detailed-exitcode", "--no-email-check")
	if !strings.Contains(r.stdout, "No changes") {
		fw.t.Errorf("plan after apply:\n%s", r.stdout)
	}
	fw.checkSafe("after converging")
	var got []string
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) {
			fw.t.Errorf("a lock is left behind: %+v", r)
		}
		if strings.HasPrefix(r.Name, "_launchready.") {
			// The apex mark lists the rule kinds launchready manages (and settings).
			if !strings.Contains(r.Content, " rules=") {
				fw.t.Errorf("an ownership mark without a rules list after converging: %+v", r)
			}
			continue
		}
		if strings.HasSuffix(r.Comment, ownMarker) {
			got = append(got, r.Name+" "+r.Type+" "+r.Content)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		fw.t.Errorf("launchready's records after converging:\n%s\nwant exactly:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// hosts is a config of n A records h0..h(n-1) with last octet base+i.
func hosts(n, base int) (string, []string) {
	cfg := "zone \"example.com\" {\n"
	var want []string
	for i := 0; i < n; i++ {
		cfg += fmt.Sprintf("  record \"h%d\" \"A\" { value = \"192.0.2.%d\" }\n", i, base+i)
		want = append(want, fmt.Sprintf("h%d.example.com A 192.0.2.%d", i, base+i))
	}
	return cfg + "}\n", want
}

const batchPath = `"method":"POST","path_prefix":"/client/v4/zones/","count":1`

// start runs the CLI in the background.
func (fw *faultWorld) start(extra []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	fw.t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir = fw.dir
	cmd.Env = append(append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "NO_COLOR=1"}, fw.env...), extra...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		fw.t.Fatal(err)
	}
	return cmd, &out
}

// waitStats waits until the sim has served at least n requests of key.
func (fw *faultWorld) waitStats(key string, n int) {
	fw.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if simStats(fw.t, fw.base)[key] >= n {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	fw.t.Fatalf("the simulator never served %d × %s", n, key)
}

const batchKey = "POST /zones/{zone_id}/dns_records/batch"

// waitLock waits until an apply holds the zone's lock.
func (fw *faultWorld) waitLock() {
	fw.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		for _, r := range fw.api.records(fw.zid) {
			if heldLock(r) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	fw.t.Fatal("no apply ever took the lock")
}

// Story 1: two launch.hcl files, one zone, different owners.
func TestFaultTwoOwners(t *testing.T) {
	fw := newFaultWorld(t, "zone \"example.com\" {\n  owner = \"app\"\n  record \"api\" \"A\" { value = \"192.0.2.1\" }\n  record \"www\" \"CNAME\" {\n    value = \"example.com\"\n    proxied = true\n  }\n  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to = \"https://example.com/$${1}\"\n  }\n}\n")
	if r := fw.run(nil, "apply", "--auto-approve", "--no-verify"); r.code != 0 {
		t.Fatalf("app apply: %s\nrules: %v", r.stderr, fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect"))
	}
	fw.write("marketing.hcl", "zone \"example.com\" {\n  owner = \"marketing\"\n  authoritative = true\n  ignore = [\"hand\", \"team\"]\n  record \"blog\" \"A\" {\n    value = \"192.0.2.9\"\n    proxied = true\n  }\n  record \"mkt\" \"A\" {\n    value = \"192.0.2.201\"\n    ttl = 300\n  }\n  redirect \"blog\" {\n    from = \"https://blog.example.com/*\"\n    to = \"https://example.com/blog/$${1}\"\n  }\n}\n")
	r := fw.mustRun(0, "plan", "--config", "marketing.hcl", "--no-email-check")
	if !strings.Contains(r.stdout, "owned by other launch.hcl files left alone (app: 2)") {
		t.Errorf("the marketing plan does not list the app's records as theirs:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "0 to delete") {
		t.Errorf("the marketing plan deletes something:\n%s", r.stdout)
	}
	fw.mustRun(0, "apply", "--config", "marketing.hcl", "--auto-approve", "--no-verify", "--allow-mass-changes")
	fw.mustRun(0, "plan", "--config", "marketing.hcl", "--detailed-exitcode")
	fw.mustRun(0, "plan", "--detailed-exitcode")
	for _, k := range [][3]string{{"api.example.com", "A", "[launchready:app]"}, {"www.example.com", "CNAME", "[launchready:app]"}, {"blog.example.com", "A", "[launchready:marketing]"}} {
		if c := fw.api.findRecord(fw.zid, k[0], k[1]).Comment; c != k[2] {
			t.Errorf("%s %s comment %q, want %q", k[0], k[1], c, k[2])
		}
	}
	fw.checkSafe("after both owners applied")
	refs := map[string]bool{}
	for _, r := range fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect") {
		refs[fmt.Sprint(r["ref"])] = true
	}
	if !refs["launchready:redirect:www@app"] || !refs["launchready:redirect:blog@marketing"] || !refs["by-hand"] || len(refs) != 3 {
		t.Errorf("redirect rules after both owners applied: %v", refs)
	}
}

// Story 2: a multi-batch update fails half-way; the file is reverted; every name
// answers one address, nothing is orphaned.
func TestFaultInterruptedUpdateThenRevert(t *testing.T) {
	cfg, want := hosts(8, 10)
	fw := newFaultWorld(t, cfg)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"}
	if r := fw.run(env, "apply", "--auto-approve", "--no-verify"); r.code != 0 {
		t.Fatalf("first apply: %s%s", r.stdout, r.stderr)
	}
	cfg2, _ := hosts(8, 100)
	fw.write("launch.hcl", cfg2)
	// the lock and batch 1 go through; batch 2 fails on every retry
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":2}`, `{"method":"POST","path_prefix":"/client/v4/zones/","status":500,"count":6}`)
	r := fw.run(env, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	if r.code == 0 {
		t.Fatalf("apply with failing batches succeeded:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "remain") {
		t.Errorf("the error does not say what remains:\n%s", r.stderr)
	}
	fw.checkSafe("after the failed apply")
	fw.write("launch.hcl", cfg)
	fw.converges(want...)
}

// Story 2 (creates): a create interrupted after some batches leaves no orphan.
func TestFaultInterruptedCreates(t *testing.T) {
	cfg, want := hosts(7, 10)
	fw := newFaultWorld(t, cfg)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2"}
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":3}`, `{"method":"POST","path_prefix":"/client/v4/zones/","status":503,"count":6}`)
	fw.run(env, "apply", "--auto-approve", "--no-verify")
	fw.checkSafe("after the failed apply")
	fw.converges(want...)
}

// Story 3: a rule made by hand while the operator reads the plan survives; apply
// refuses the stale plan, changing nothing.
func TestFaultHandRuleDuringConfirmation(t *testing.T) {
	cfg := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to = \"https://example.com/$${1}\"\n  }\n}\n"
	fw := newFaultWorld(t, cfg)
	out := fw.interactive(func() {
		rules := fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect")
		rules = append(rules, apiRule{"ref": "late", "enabled": true, "expression": `(http.host eq "late.example.com")`, "action": "redirect",
			"action_parameters": map[string]any{"from_value": map[string]any{"target_url": map[string]any{"value": "https://example.com/"}, "status_code": 302}}})
		fw.api.putEntrypoint(fw.zid, "http_request_dynamic_redirect", rules)
	}, "apply", "--no-verify")
	if !strings.Contains(out, "live state changed since the plan was shown") || !strings.Contains(out, "Nothing was changed") {
		t.Errorf("apply after a hand edit during confirmation:\n%s", out)
	}
	if len(fw.api.records(fw.zid)) != len(fw.untouchable) {
		t.Errorf("the refused apply wrote records")
	}
	fw.converges("example.com A 192.0.2.1")
	late := false
	for _, r := range fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect") {
		late = late || r["ref"] == "late"
	}
	if !late {
		t.Error("the rule made by hand during confirmation was removed")
	}
}

// interactive runs the CLI on a terminal, calls edit when the confirmation prompt
// shows, answers yes, and returns the screen.
func (fw *faultWorld) interactive(edit func(), args ...string) string {
	fw.t.Helper()
	return fw.interactiveAt("Do you want to apply", edit, args...)
}

// interactiveAt is interactive for a command whose confirmation prompt is prompt.
func (fw *faultWorld) interactiveAt(prompt string, edit func(), args ...string) string {
	fw.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = fw.dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TERM=xterm", "NO_COLOR=1"}, fw.env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 60, Cols: 200})
	if err != nil {
		fw.t.Fatal(err)
	}
	defer tty.Close()
	var screen bytes.Buffer
	buf := make([]byte, 4096)
	answered := false
	for {
		n, err := tty.Read(buf)
		screen.Write(buf[:n])
		if !answered && strings.Contains(screen.String(), prompt) {
			answered = true
			edit()
			io.WriteString(tty, "yes\n")
		}
		if err != nil {
			break
		}
	}
	_ = cmd.Wait()
	return screen.String()
}

// A record edited by hand between plan and confirmation: refused, nothing changed.
func TestFaultRecordEditedDuringConfirmation(t *testing.T) {
	fw := newFaultWorld(t, "zone \"example.com\" {\n  record \"api\" \"A\" { value = \"192.0.2.1\" }\n}\n")
	fw.converges("api.example.com A 192.0.2.1")
	fw.write("launch.hcl", "zone \"example.com\" {\n  record \"api\" \"A\" { value = \"192.0.2.2\" }\n}\n")
	api := fw.api.findRecord(fw.zid, "api.example.com", "A")
	out := fw.interactive(func() {
		fw.api.patchRecord(fw.zid, api.ID, map[string]any{"ttl": 600})
	}, "apply", "--no-verify")
	if !strings.Contains(out, "Nothing was changed") {
		t.Errorf("apply after a hand edit during confirmation:\n%s", out)
	}
	if got := fw.api.findRecord(fw.zid, "api.example.com", "A"); got.Content != "192.0.2.1" || got.TTL != 600 {
		t.Errorf("the refused apply changed api: %+v", got)
	}
	fw.converges("api.example.com A 192.0.2.2")
}

// A saved plan made stale by a hand edit is refused.
func TestFaultSavedPlanStale(t *testing.T) {
	fw := newFaultWorld(t, "zone \"example.com\" {\n  record \"api\" \"A\" { value = \"192.0.2.1\" }\n}\n")
	fw.mustRun(2, "plan", "--out", "p.json", "--detailed-exitcode", "--no-email-check")
	fw.api.createRecord(fw.zid, map[string]any{"type": "A", "name": "api.example.com", "content": "192.0.2.77", "ttl": 300})
	r := fw.run(nil, "apply", "p.json", "--no-verify")
	if r.code != 1 || !strings.Contains(r.stderr, "stale") {
		t.Errorf("stale saved plan: exit %d\n%s", r.code, r.stderr)
	}
	extra := fw.api.findRecord(fw.zid, "hand.example.com", "A")
	_ = extra
	for _, rec := range fw.api.records(fw.zid) {
		if rec.Content == "192.0.2.77" {
			fw.untouchable[rec.ID] = rec
		}
	}
	fw.converges("api.example.com A 192.0.2.1")
}

// Story 4: a CNAME someone else created at a declared name is never rewritten or
// deleted, even once the block is removed.
func TestFaultForeignCNAMENeverReclaimed(t *testing.T) {
	fw := newFaultWorld(t, "zone \"example.com\" {\n  record \"app\" \"CNAME\" { value = \"app-prod.fly.dev\" }\n}\n")
	fw.converges("app.example.com CNAME app-prod.fly.dev")
	app := fw.api.findRecord(fw.zid, "app.example.com", "CNAME")
	fw.api.deleteRecord(fw.zid, app.ID)
	fw.api.createRecord(fw.zid, map[string]any{"type": "CNAME", "name": "app.example.com", "content": "other-team.example.net", "ttl": 1})
	other := fw.api.findRecord(fw.zid, "app.example.com", "CNAME")
	fw.untouchable[other.ID] = other
	r := fw.mustRun(0, "plan", "--no-email-check")
	if !strings.Contains(r.stdout, "conflict") || !strings.Contains(r.stdout, "to adopt it") {
		t.Errorf("plan does not show the conflict and how to adopt:\n%s", r.stdout)
	}
	fw.converges()
	fw.write("launch.hcl", "zone \"example.com\" {\n}\n")
	fw.converges()
}

// Story 5: two applies at once. The second fails at once naming the holder (or
// waits with --lock-timeout); nothing interleaves.
func TestFaultTwoAppliesAtOnce(t *testing.T) {
	cfg, want := hosts(3, 10)
	fw := newFaultWorld(t, cfg)
	// Two batches: the first, which takes the lock, goes through at once; the second
	// takes 2 s.
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"}
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":1}`, `{"method":"POST","path_prefix":"/client/v4/zones/","latency":"2s","count":1}`)
	first, out := fw.start(env, "apply", "--auto-approve", "--no-verify")
	fw.waitLock()
	r := fw.run(env, "apply", "--auto-approve", "--no-verify")
	if r.code != 1 || !strings.Contains(r.stderr, "is locked by another apply") || !strings.Contains(r.stderr, "pid") {
		t.Errorf("second apply while the first runs: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first apply: %v\n%s", err, out)
	}
	fw.converges(want...)
}

// --lock-timeout waits for the other apply instead of failing at once.
func TestFaultLockTimeoutWaits(t *testing.T) {
	cfg, want := hosts(3, 10)
	fw := newFaultWorld(t, cfg)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"} // two batches: the lock shows while it runs
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":1}`, `{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1500ms","count":1}`)
	first, out := fw.start(env, "apply", "--auto-approve", "--no-verify")
	fw.waitLock()
	// It waits for the lock instead of failing; once it holds it, its plan is stale
	// (the first apply made the same changes), so it refuses, changing nothing.
	r := fw.run(env, "apply", "--auto-approve", "--no-verify", "--lock-timeout", "30s")
	if r.code != 1 || strings.Contains(r.stderr, "is locked") || !strings.Contains(r.stderr, "another apply ran") {
		t.Errorf("apply --lock-timeout 30s beside a running apply: exit %d\n%s", r.code, r.stderr)
	}
	if err := first.Wait(); err != nil {
		t.Fatalf("first apply: %v\n%s", err, out)
	}
	fw.converges(want...)
}

// SIGKILL during a batch: the lock stays; apply names the holder; unlock refuses a
// young lock, --force breaks it; the next apply converges.
func TestFaultSIGKILLDuringBatch(t *testing.T) {
	cfg, want := hosts(6, 10)
	fw := newFaultWorld(t, cfg)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2"}
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"3s"}`)
	n := simStats(t, fw.base)[batchKey]
	cmd, _ := fw.start(env, "apply", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, n+3) // lock, batch 1 done, batch 2 in flight
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	fw.clearFaults()
	fw.checkSafe("after SIGKILL")
	r := fw.run(nil, "apply", "--auto-approve", "--no-verify")
	if r.code != 1 || !strings.Contains(r.stderr, "is locked by another apply") {
		t.Fatalf("apply with a dead apply's lock: exit %d\n%s", r.code, r.stderr)
	}
	if r := fw.run(nil, "unlock", "example.com"); r.code != 1 || !strings.Contains(r.stderr, "younger than") {
		t.Errorf("unlock of a young lock: exit %d\n%s", r.code, r.stderr)
	}
	fw.mustRun(0, "unlock", "example.com", "--force")
	fw.converges(want...)
}

// SIGKILL between batches: batch 1 applied and answered, batch 2 not yet served.
func TestFaultSIGKILLBetweenBatches(t *testing.T) {
	cfg, want := hosts(6, 10)
	fw := newFaultWorld(t, cfg)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2"}
	// the record list read before batch 2 is slow: kill while it waits.
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1s"}`)
	n := simStats(t, fw.base)[batchKey]
	cmd, _ := fw.start(env, "apply", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, n+2)
	time.Sleep(1200 * time.Millisecond) // batch 1 answered; batch 2 not yet served
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	fw.clearFaults()
	fw.checkSafe("after SIGKILL")
	fw.mustRun(0, "unlock", "example.com", "--force")
	fw.converges(want...)
}

// SIGINT during a batch: apply stops, releases its lock, changes nothing unsafe.
func TestFaultSIGINTDuringBatch(t *testing.T) {
	cfg, want := hosts(6, 10)
	fw := newFaultWorld(t, cfg)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2"}
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"2s","count":3}`)
	n := simStats(t, fw.base)[batchKey]
	cmd, out := fw.start(env, "apply", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, n+2)
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	fw.checkSafe("after SIGINT")
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) {
			t.Errorf("SIGINT left the lock behind:\n%s", out)
		}
	}
	fw.converges(want...)
}

// Faults on reads, batches, rule writes and the lock: 429, 5xx, reset, reply lost.
func TestFaultTransient(t *testing.T) {
	cfg := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n  record \"api\" \"A\" { value = \"192.0.2.2\" }\n  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to = \"https://example.com/$${1}\"\n  }\n}\n"
	want := []string{"example.com A 192.0.2.1", "api.example.com A 192.0.2.2"}
	for _, tt := range []struct{ name, fault string }{
		{"429 on reads", `{"method":"GET","path_prefix":"/client/v4/zones/","status":429,"retry_after":0.1,"count":2}`},
		{"503 on reads", `{"method":"GET","path_prefix":"/client/v4/zones/","status":503,"count":2}`},
		{"reset on reads", `{"method":"GET","path_prefix":"/client/v4/zones/","drop":true,"count":1}`},
		{"429 on batches", `{"method":"POST","path_prefix":"/client/v4/zones/","status":429,"retry_after":0.1,"count":2}`},
		{"502 on batches", `{"method":"POST","path_prefix":"/client/v4/zones/","status":502,"count":1}`},
		{"reset on batches", `{"method":"POST","path_prefix":"/client/v4/zones/","drop":true,"count":1}`},
		{"reply lost on the batch that takes the lock and writes the records", `{"method":"POST","path_prefix":"/client/v4/zones/","reply_lost":true,"count":1}`},
		{"reply lost on the write after it", `{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":1}|{"method":"POST","path_prefix":"/client/v4/zones/","reply_lost":true,"count":1}`},
		{"503 on rule writes", `{"method":"POST","path_prefix":"/client/v4/zones/{zid}/rulesets/","status":503,"count":2}`},
		{"reply lost after a rule write", `{"method":"POST","path_prefix":"/client/v4/zones/{zid}/rulesets/","reply_lost":true,"count":1}`},
		{"reset on rule writes", `{"method":"POST","path_prefix":"/client/v4/zones/{zid}/rulesets/","drop":true,"count":1}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fw := newFaultWorld(t, cfg)
			fw.fault(strings.Split(strings.ReplaceAll(tt.fault, "{zid}", fw.zid), "|")...)
			r := fw.run(nil, "apply", "--auto-approve", "--no-verify")
			t.Logf("apply with %s: exit %d\n%s", tt.name, r.code, r.stderr)
			fw.clearFaults()
			fw.checkSafe("after apply with " + tt.name)
			fw.run(nil, "unlock", "example.com", "--force")
			fw.converges(want...)
		})
	}
}

// Rule writes edit one rule at a time: a rule launchready owns is changed while
// the hand-made rule keeps its place; reply lost on a per-rule POST.
func TestFaultRuleWriteReplyLost(t *testing.T) {
	cfg := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n}\n"
	fw := newFaultWorld(t, cfg)
	fw.converges("example.com A 192.0.2.1")
	fw.write("launch.hcl", "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to = \"https://example.com/$${1}\"\n  }\n}\n")
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/` + fw.zid + `/rulesets/","reply_lost":true,"count":1}`)
	// The create was applied; its retry is refused (the ref is taken), and apply
	// finds the rule it made instead of failing.
	if r := fw.run(nil, "apply", "--auto-approve", "--no-verify"); r.code != 0 {
		t.Errorf("apply after a lost reply to its rule create: exit %d\n%s", r.code, r.stderr)
	}
	fw.checkSafe("after a lost rule reply")
	fw.run(nil, "unlock", "example.com", "--force")
	fw.converges("example.com A 192.0.2.1")
	n := 0
	for _, r := range fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect") {
		if strings.HasPrefix(fmt.Sprint(r["ref"]), "launchready:") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d launchready rules, want 1", n)
	}
}

// Migration from TXT marks: markers written and old marks deleted in one batch per
// name, one plan line with the count, then no changes.
func TestFaultMigrationFromTXTMarks(t *testing.T) {
	cfg, want := hosts(4, 10)
	fw := newFaultWorld(t, cfg)
	fw.seedLegacy(4, 10)
	r := fw.mustRun(2, "plan", "--detailed-exitcode", "--no-email-check")
	if !strings.Contains(r.stdout, "migrate 4 records from TXT marks to [launchready:default] markers") {
		t.Errorf("plan does not show the migration on one line:\n%s", r.stdout)
	}
	fw.converges(want...)
	for _, r := range fw.api.records(fw.zid) {
		if strings.HasPrefix(r.Name, "_launchready.") {
			t.Errorf("an old mark is left: %+v", r)
		}
	}
}

// Migration interrupted after some batches: never a record unowned (each has its
// marker, or its old mark still exists); the next apply finishes it.
func TestFaultMigrationInterrupted(t *testing.T) {
	cfg, want := hosts(4, 10)
	fw := newFaultWorld(t, cfg)
	fw.seedLegacy(4, 10)
	env := []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=2"}
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":2}`, `{"method":"POST","path_prefix":"/client/v4/zones/","status":500,"count":6}`)
	fw.run(env, "apply", "--auto-approve", "--no-verify")
	marks := map[string]bool{}
	for _, r := range fw.api.records(fw.zid) {
		if strings.HasPrefix(r.Name, "_launchready.") {
			marks[strings.TrimPrefix(r.Name, "_launchready.")] = true
		}
	}
	for _, r := range fw.api.records(fw.zid) {
		if _, theirs := fw.untouchable[r.ID]; theirs || strings.HasPrefix(r.Name, "_launchready") {
			continue
		}
		if !strings.HasSuffix(r.Comment, ownMarker) && !marks[r.Name] {
			t.Errorf("%s is owned by neither a marker nor a mark mid-migration", r.Name)
		}
	}
	fw.run(nil, "unlock", "example.com", "--force")
	fw.converges(want...)
}

// seedLegacy writes n records with today's TXT marks, as launchready did before.
func (fw *faultWorld) seedLegacy(n, base int) {
	fw.t.Helper()
	var recs []map[string]any
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("h%d.example.com", i)
		v := fmt.Sprintf("192.0.2.%d", base+i)
		recs = append(recs, map[string]any{"type": "A", "name": name, "content": v, "ttl": 1},
			map[string]any{"type": "TXT", "name": "_launchready." + name, "content": legacyMark("A", v), "ttl": 1, "comment": "launchready ownership mark: do not edit"})
	}
	fw.api.batchCreate(fw.zid, recs)
}

// legacyMark renders a v1 TXT mark for one value.
func legacyMark(typ, value string) string {
	b, _ := json.Marshal("v=launchready1 " + ownership.ValueMark(typ, value))
	return string(b)
}

// A Free zone (200-record quota) takes a launch of 190 records: the ownership markers
// live in the records' comments and cost no record, so 190 records, the three made by
// others, the apply lock and its generation fit, even after a refused first batch. Ten more records
// would not fit: plan refuses them with the quota before anything is written.
func TestFaultFreeZoneQuota190(t *testing.T) {
	cfg, want := hosts(190, 10)
	fw := newFaultWorld(t, cfg)
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","status":503,"count":4}`)
	fw.run(nil, "apply", "--auto-approve", "--no-verify")
	fw.checkSafe("after the refused apply")
	fw.converges(want...)
	if n := len(fw.api.records(fw.zid)); n != 194 {
		t.Errorf("the Free zone holds %d records, want 194 (190 declared, 3 made by others, the lock's generation, no mark records)", n)
	}

	more, _ := hosts(200, 10)
	fw.write("launch.hcl", more)
	before := len(fw.api.records(fw.zid))
	r := fw.mustRun(1, "plan")
	for _, want := range []string{"would hold 204 DNS records after this plan (194 now)", "the Free Website plan allows 200"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("plan over the quota: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	fw.mustRun(1, "apply", "--auto-approve", "--no-verify")
	if after := len(fw.api.records(fw.zid)); after != before {
		t.Errorf("apply over the quota changed the zone: %d records, was %d", after, before)
	}
	fw.checkSafe("after the refused plan")
}

// A rule phase is read only while launch.hcl declares it or the apex mark lists it.
// Removing the last redirect block deletes launchready's rule before the record batch
// that drops the kind from the mark; when that batch is refused, the mark still lists
// the kind, so the next apply still finds and finishes the phase; afterwards plan
// reads no ruleset at all.
func TestFaultLastRuleBlockRemoved(t *testing.T) {
	withRedirect := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to = \"https://example.com/$${1}\"\n  }\n}\n"
	recordsOnly := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"192.0.2.1\"\n    proxied = true\n  }\n}\n"
	fw := newFaultWorld(t, withRedirect)
	fw.converges("example.com A 192.0.2.1")
	mark := func() string {
		for _, r := range fw.api.records(fw.zid) {
			if r.Name == "_launchready.example.com" {
				return r.Content
			}
		}
		return ""
	}
	ours := func() int {
		n := 0
		for _, r := range fw.api.entrypoint(fw.zid, "http_request_dynamic_redirect") {
			if strings.HasPrefix(fmt.Sprint(r["ref"]), "launchready:") {
				n++
			}
		}
		return n
	}
	if got := mark(); !strings.Contains(got, "rules=redirect") || ours() != 1 {
		t.Fatalf("after the redirect: apex mark %q, %d rules of launchready's", got, ours())
	}

	fw.write("launch.hcl", recordsOnly)
	// The rule's delete fails: nothing else is written, the mark still lists the kind.
	fw.fault(`{"method":"DELETE","path_prefix":"/client/v4/zones/` + fw.zid + `/rulesets/","status":500,"count":6}`)
	if r := fw.run(nil, "apply", "--auto-approve", "--no-verify"); r.code == 0 {
		t.Fatalf("apply with its rule delete failing: exit 0\n%s", r.stdout)
	}
	fw.checkSafe("after the rule delete failed")
	if got := mark(); !strings.Contains(got, "rules=redirect") || ours() != 1 {
		t.Fatalf("after the failed rule delete: apex mark %q (want it to still list redirect), %d rules of launchready's (want 1)", got, ours())
	}
	fw.clearFaults()
	fw.run(nil, "unlock", "example.com", "--force")

	batch := "/client/v4/zones/" + fw.zid + "/dns_records/batch"
	// The lock's batch passes; the record batch (dropping the kind) fails, retries
	// included.
	fw.fault(`{"method":"POST","path_prefix":"`+batch+`","latency":"1ms","count":1}`, `{"method":"POST","path_prefix":"`+batch+`","status":500,"count":6}`)
	if r := fw.run(nil, "apply", "--auto-approve", "--no-verify"); r.code == 0 {
		t.Fatalf("apply with its record batch refused: exit 0\n%s", r.stdout)
	}
	fw.checkSafe("after the record batch was refused")
	fw.clearFaults()
	fw.run(nil, "unlock", "example.com", "--force")
	if got := mark(); !strings.Contains(got, "rules=redirect") || ours() != 0 {
		t.Fatalf("after the refused batch: apex mark %q (want it to still list redirect), %d rules of launchready's (want 0: deleted first)", got, ours())
	}
	fw.converges("example.com A 192.0.2.1")
	if got := mark(); got != "" {
		t.Errorf("apex mark %q left after the last rule went", got)
	}
	before := simStats(t, fw.base)
	fw.mustRun(0, "plan", "--detailed-exitcode", "--no-email-check")
	after := simStats(t, fw.base)
	for k, n := range after {
		if strings.Contains(k, "rulesets") && n != before[k] {
			t.Errorf("a records-only plan sent %d × %s", n-before[k], k)
		}
	}
}

// A records-only apply takes its lock in its first record batch and releases it in
// its last. When the releasing batch's reply is lost (applied, lock gone with it, the
// retry refused), the apply still leaves no lock behind — no `unlock` needed —
// nothing unowned changes, and the next apply converges. Both shapes: one batch that
// takes and releases the lock (it only replaces the lock's generation), and the last
// of two batches, the first of which took the lock.
func TestFaultLockReleasedInLostBatch(t *testing.T) {
	for _, tt := range []struct {
		name   string
		env    []string
		faults func(batch string) []string
	}{
		{"one batch", nil, func(batch string) []string {
			return []string{`{"method":"POST","path_prefix":"` + batch + `","reply_lost":true,"count":1}`}
		}},
		{"the last of two", []string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"}, func(batch string) []string {
			return []string{`{"method":"POST","path_prefix":"` + batch + `","latency":"1ms","count":1}`, `{"method":"POST","path_prefix":"` + batch + `","reply_lost":true,"count":1}`}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fw := newFaultWorld(t, "zone \"example.com\" {\n  record \"api\" \"A\" { value = \"192.0.2.2\" }\n  record \"app\" \"A\" { value = \"192.0.2.3\" }\n  record \"web\" \"A\" { value = \"192.0.2.4\" }\n}\n")
			batch := "/client/v4/zones/" + fw.zid + "/dns_records/batch"
			fw.fault(tt.faults(batch)...)
			r := fw.run(tt.env, "apply", "--auto-approve", "--no-verify")
			t.Logf("apply with the releasing batch's reply lost: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			if n := simStats(t, fw.base)[batchKey]; n < 2 {
				t.Errorf("%d batch requests: the fault was not reached", n)
			}
			fw.clearFaults()
			fw.checkSafe("after the releasing batch's reply was lost")
			for _, rec := range fw.api.records(fw.zid) {
				if heldLock(rec) {
					t.Errorf("a lock is left behind after the releasing batch's reply was lost: %+v", rec)
				}
			}
			fw.converges("api.example.com A 192.0.2.2", "app.example.com A 192.0.2.3", "web.example.com A 192.0.2.4")
		})
	}
}

// newAdoptRace is a zone where two owners' files, launch.hcl (owner app) and
// promo.hcl (owner promo), both declare legacy.example.com A, a record made by hand
// that neither owns yet.
func newAdoptRace(t *testing.T) *faultWorld {
	t.Helper()
	decl := "  record \"legacy\" \"A\" {\n    value = \"192.0.2.9\"\n    ttl   = 300\n  }\n"
	fw := newFaultWorld(t, "zone \"example.com\" {\n  owner = \"app\"\n"+decl+"}\n")
	fw.write("promo.hcl", "zone \"example.com\" {\n  owner = \"promo\"\n"+decl+"}\n")
	fw.api.createRecord(fw.zid, map[string]any{"type": "A", "name": "legacy.example.com", "content": "192.0.2.9", "ttl": 300, "comment": "old server"})
	return fw
}

// Two owners race to adopt one record made by hand. The promo apply read the zone
// while the record was nobody's, but its write is held back at the API; meanwhile the
// app apply adopts it. Written on that stale read, promo's write would put its own
// marker over the app's: it would steal the record. Instead, the lock's generation it
// read is gone when its write arrives, so the whole batch is refused, changing
// nothing; promo takes the lock, reads again and leaves the app's record alone. The
// central promise, kept by the lock taken with the first write.
func TestFaultRaceToAdopt(t *testing.T) {
	fw := newAdoptRace(t)
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"2s","count":1}`)
	before := simStats(fw.t, fw.base)[batchKey]
	promo, out := fw.start(nil, "apply", "--config", "promo.hcl", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, before+1) // promo read the zone; its write waits at the API
	app := fw.run(nil, "apply", "--auto-approve", "--no-verify")
	if app.code != 0 || !strings.Contains(app.stdout, "adopt") {
		t.Fatalf("app apply: exit %d\n%s%s", app.code, app.stdout, app.stderr)
	}
	err := promo.Wait()
	t.Logf("promo apply (exit %v):\n%s", err, out)
	if !strings.Contains(out.String(), "changed since it was read (another apply took its lock") {
		t.Errorf("the promo write on a read older than the app's apply was not refused")
	}
	if got := fw.api.findRecord(fw.zid, "legacy.example.com", "A").Comment; got != "old server [launchready:app]" {
		t.Errorf("legacy.example.com comment %q after the race, want the app's marker: the promo apply took it over", got)
	}
	for _, r := range fw.api.records(fw.zid) {
		if heldLock(r) {
			t.Errorf("a lock is left behind: %+v", r)
		}
	}
	fw.checkSafe("after the race")
	if r := fw.run(nil, "plan", "--detailed-exitcode", "--no-email-check"); r.code != 0 {
		t.Errorf("the app's plan after the race: exit %d\n%s", r.code, r.stdout)
	}
	if r := fw.run(nil, "plan", "--config", "promo.hcl", "--detailed-exitcode", "--no-email-check"); r.code != 0 || !strings.Contains(r.stderr+r.stdout, `owned by "app"`) {
		t.Errorf("the promo plan after the race: exit %d (want 0, and a warning that app owns legacy)\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// The lock is taken by another apply after this apply's read: this apply's write
// (which takes the lock) is refused whole at the API, and apply says who holds the
// lock — not "apply failed" — and drops the snapshot of the apply that did not
// happen. The other apply finishes undisturbed.
func TestFaultLockTakenAfterTheRead(t *testing.T) {
	cfg, want := hosts(3, 10)
	fw := newFaultWorld(t, cfg)
	snapshots := func() int {
		es, _ := os.ReadDir(filepath.Join(fw.dir, ".launchready", "snapshots"))
		return len(es)
	}
	// B's write waits 2 s at the API; A's first batch (which takes the lock) passes,
	// its second holds the lock for 5 s.
	fw.fault(`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"2s","count":1}`,
		`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"1ms","count":1}`,
		`{"method":"POST","path_prefix":"/client/v4/zones/","latency":"5s","count":1}`)
	before := simStats(t, fw.base)[batchKey]
	b, bout := fw.start(nil, "apply", "--auto-approve", "--no-verify")
	fw.waitStats(batchKey, before+1) // B read the zone; its write waits
	a, aout := fw.start([]string{"LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"}, "apply", "--auto-approve", "--no-verify")
	fw.waitLock()
	errB := b.Wait()
	out := bout.String()
	if errB == nil || !strings.Contains(out, "is locked by another apply") || !strings.Contains(out, fmt.Sprintf("(pid %d)", a.Process.Pid)) || strings.Contains(out, "apply failed") {
		t.Errorf("an apply whose write met a lock taken after its read: %v, want exit 1 naming pid %d\n%s", errB, a.Process.Pid, out)
	}
	if err := a.Wait(); err != nil {
		t.Fatalf("the apply holding the lock: %v\n%s", err, aout)
	}
	if n := snapshots(); n != 1 {
		t.Errorf("%d snapshots, want 1 (the apply that happened)", n)
	}
	fw.converges(want...)
}
