package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// Issue 7 through the CLI: saved plans, drift, snapshots and rollback, handover.

// workflowConfig is a small zone with records, a setting and one rule per phase.
const workflowConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
    comment = "marketing site"
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "api" "A" {
    values = ["203.0.113.20", "203.0.113.21"]
    ttl    = 300
  }
  record "old" "TXT" { value = "legacy \"quoted\" verification" }

  settings {
    ssl = "full"
  }

  redirect "www-to-apex" {
    from = "https://www.example.com/*"
    to   = "https://example.com/$${1}"
  }
  cache "assets" {
    hosts       = ["example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "1d"
  }
}
`

// recordKeys lists a live zone's records as comparable strings without ids.
func recordKeys(lz *model.LiveZone) []string {
	var out []string
	for _, r := range lz.Records {
		if ownership.IsLockName(r.Name) && r.Value == ownership.GenerationContent {
			continue // replaced with every apply's lock: not state
		}
		out = append(out, fmt.Sprintf("%s %s %q ttl=%d proxied=%t comment=%q", r.Name, r.Type, r.Value, r.TTL, r.Proxied, r.Comment))
	}
	sort.Strings(out)
	return out
}

// TestSavedPlan covers plan --out and apply PLANFILE: applying a saved plan needs no
// --auto-approve, the file holds no secret, and a plan made stale by an edit through
// the API or of launch.hcl is refused without changing anything.
func TestSavedPlan(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, workflowConfig, "example.com")
	zid := w.api.zoneID("example.com")

	r := w.mustRun(0, "plan", "--out", "plan.json")
	if !strings.Contains(r.stdout, "launchready apply plan.json") {
		t.Errorf("plan --out does not say how to apply the saved plan:\n%s", r.stdout)
	}
	saved := w.read("plan.json")
	if strings.Contains(saved, w.token) {
		t.Errorf("the saved plan contains the API token")
	}
	var sp struct {
		FormatVersion     string `json:"format_version"`
		ConfigFingerprint string `json:"config_fingerprint"`
		LiveFingerprint   string `json:"live_fingerprint"`
	}
	if err := json.Unmarshal([]byte(saved), &sp); err != nil {
		t.Fatalf("the saved plan is not JSON: %v", err)
	}
	if sp.FormatVersion == "" || sp.ConfigFingerprint == "" || sp.LiveFingerprint == "" {
		t.Errorf("the saved plan lacks its version or fingerprints: %+v", sp)
	}

	// A reviewed saved plan is its own confirmation, even on a non-interactive stdin.
	r = w.mustRun(0, "apply", "plan.json", "--no-verify")
	if !strings.Contains(r.stdout, "converged") {
		t.Errorf("apply plan.json did not report convergence:\n%s", r.stdout)
	}
	w.mustRun(0, "plan", "--detailed-exitcode")

	// Stale by an edit through the API between plan and apply.
	w.write("launch.hcl", strings.Replace(workflowConfig, `"203.0.113.21"]`, `"203.0.113.22"]`, 1))
	w.mustRun(0, "plan", "--out", "stale.json")
	api := w.api.findRecord(zid, "www.example.com", "CNAME")
	w.api.patchRecord(zid, api.ID, map[string]any{"comment": "edited in the dashboard"})
	before := w.state("example.com")
	r = w.mustRun(1, "apply", "stale.json", "--no-verify")
	if !strings.Contains(r.stderr, "stale") {
		t.Errorf("apply of a stale plan does not say it is stale:\n%s", r.stderr)
	}
	if d := cmp.Diff(before, w.state("example.com")); d != "" {
		t.Errorf("apply of a stale plan changed live state (-before +after):\n%s", d)
	}

	// Stale by an edit of launch.hcl between plan and apply.
	w.mustRun(0, "plan", "--out", "config.json")
	w.write("launch.hcl", strings.Replace(workflowConfig, `"203.0.113.21"]`, `"203.0.113.23"]`, 1))
	before = w.state("example.com")
	r = w.mustRun(1, "apply", "config.json", "--no-verify")
	if !strings.Contains(r.stderr, "config.json") || !strings.Contains(r.stderr, "launch.hcl") || !strings.Contains(r.stderr, "plan again") {
		t.Errorf("apply of a plan made from another launch.hcl does not say so:\n%s", r.stderr)
	}
	if d := cmp.Diff(before, w.state("example.com")); d != "" {
		t.Errorf("apply of a plan made from another launch.hcl changed live state (-before +after):\n%s", d)
	}
}

// receiver is a loopback webhook receiver that records what it is sent.
type receiver struct {
	mu     sync.Mutex
	bodies []string
	types  []string
	srv    *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, r.Method+" "+string(b))
		rc.types = append(rc.types, r.Header.Get("Content-Type"))
		rc.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) received() ([]string, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string{}, rc.bodies...), append([]string{}, rc.types...)
}

// TestDrift covers drift: exit 0 when converged, 2 after an out-of-band edit; the
// Markdown, JSON and Slack notification outputs; and that it never changes anything.
func TestDrift(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, workflowConfig, "example.com")
	zid := w.api.zoneID("example.com")
	rc := newReceiver(t)
	w.converge()

	r := w.mustRun(0, "drift", "--notify-url", rc.srv.URL+"/hooks/secret-path")
	if !strings.Contains(r.stdout, "No changes") {
		t.Errorf("drift without drift does not say so:\n%s", r.stdout)
	}
	if got, _ := rc.received(); len(got) != 0 {
		t.Errorf("drift notified although nothing drifted: %v", got)
	}

	// Out-of-band edits: a record launchready owns, and a setting.
	rec := w.api.findRecord(zid, "www.example.com", "CNAME")
	w.api.patchRecord(zid, rec.ID, map[string]any{"proxied": false})
	w.api.patchSetting(zid, "ssl", "flexible")
	before := w.state("example.com")

	r = w.mustRun(2, "drift")
	if !strings.Contains(r.stdout, "www.example.com CNAME") || !strings.Contains(r.stdout, "ssl") {
		t.Errorf("drift does not name the drifted record and setting:\n%s", r.stdout)
	}

	r = w.mustRun(2, "drift", "--markdown")
	first := strings.SplitN(strings.TrimSpace(r.stdout), "\n", 2)[0]
	if !strings.HasPrefix(first, "**Plan:") || !strings.Contains(first, "to change") {
		t.Errorf("drift --markdown does not start with the summary line; first line: %q", first)
	}
	if !strings.Contains(r.stdout, "<details>") || !strings.Contains(r.stdout, "</details>") {
		t.Errorf("drift --markdown has no collapsible details:\n%s", r.stdout)
	}

	r = w.mustRun(2, "drift", "--json")
	var jp jsonPlan
	if err := json.Unmarshal([]byte(r.stdout), &jp); err != nil {
		t.Fatalf("drift --json is not JSON: %v\n%s", err, r.stdout)
	}
	if jp.FormatVersion != "1.0" || !jp.HasChanges {
		t.Errorf("drift --json: format_version %q, has_changes %t; want \"1.0\", true", jp.FormatVersion, jp.HasChanges)
	}
	wantKeys := []string{"update record www.example.com CNAME", "update setting ssl"}
	if d := cmp.Diff(wantKeys, jp.changeKeys()); d != "" {
		t.Errorf("drift --json changes (-want +got):\n%s", d)
	}

	if r := w.run(nil, "drift", "--json", "--markdown"); r.code != 1 {
		t.Errorf("drift --json --markdown: exit %d, want 1", r.code)
	}
	if r := w.run([]string{"CLOUDFLARE_API_TOKEN=not-the-token"}, "drift"); r.code != 1 {
		t.Errorf("drift with a token the API refuses: exit %d, want 1 (an error, not drift)\n%s%s", r.code, r.stdout, r.stderr)
	}

	w.mustRun(2, "drift", "--notify-url", rc.srv.URL+"/hooks/secret-path")
	got, types := rc.received()
	if len(got) != 1 {
		t.Fatalf("drift with drift sent %d notifications, want 1: %v", len(got), got)
	}
	method, body, _ := strings.Cut(got[0], " ")
	if method != http.MethodPost || types[0] != "application/json" {
		t.Errorf("notification was %s with Content-Type %q, want POST application/json", method, types[0])
	}
	var msg struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal([]byte(body), &msg); err != nil {
		t.Fatalf("notification is not JSON: %v\n%s", err, body)
	}
	if !strings.Contains(msg.Text, "drift") || !strings.Contains(msg.Text, "0 to add, 2 to change, 0 to delete") {
		t.Errorf("notification text = %q, want a drift summary", msg.Text)
	}
	if strings.Contains(body, w.token) {
		t.Errorf("notification contains the API token")
	}

	// drift never changes anything.
	if d := cmp.Diff(before, w.state("example.com")); d != "" {
		t.Errorf("drift changed live state (-before +after):\n%s", d)
	}
	if snaps, _ := filepath.Glob(filepath.Join(w.dir, ".launchready", "snapshots", "*.json")); len(snaps) != 1 {
		t.Errorf("want only the apply's snapshot, found %v", snaps)
	}
}

// TestSnapshotsRollback applies a second config that creates, changes and deletes
// records, changes a setting and rewrites rules, then rolls that apply back: live
// state returns to what it was (hand-made rules as they are now), and a plan shows
// again the changes to re-apply.
func TestSnapshotsRollback(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, workflowConfig, "example.com")
	zid := w.api.zoneID("example.com")
	w.converge()

	// Hand-made rules in both phases.
	w.api.putEntrypoint(zid, model.PhaseRedirect, append(w.api.entrypoint(zid, model.PhaseRedirect), handRedirect("hand-redirect", "legacy.example.com")))
	w.api.putEntrypoint(zid, model.PhaseCache, append([]apiRule{handCache("hand-cache", "static.example.com")}, w.api.entrypoint(zid, model.PhaseCache)...))
	beforeApply := w.state("example.com")

	second := strings.NewReplacer(
		`  record "old" "TXT" { value = "legacy \"quoted\" verification" }`+"\n", `  record "new" "CNAME" { value = "new-target.example.net" }`+"\n",
		`"203.0.113.21"]`, `"203.0.113.22"]`,
		`ssl = "full"`, `ssl = "strict"`,
		`edge_ttl    = "1d"`, `edge_ttl    = "2d"`,
		`  redirect "www-to-apex" {`, `  redirect "old-blog" {
    from = "https://blog.example.com/*"
    to   = "https://blog.example.net/$${1}"
  }
  redirect "www-to-apex" {`,
	).Replace(workflowConfig)
	if second == workflowConfig {
		t.Fatal("the second config is the same as the first")
	}
	w.write("launch.hcl", second)
	reapply := w.planJSON().changeKeys()
	for _, k := range []string{
		"update record api.example.com A", "delete record old.example.com TXT", "create record new.example.com CNAME",
		"update setting ssl", "create redirect launchready:redirect:old-blog", "update cache launchready:cache:assets",
	} {
		if !contains(reapply, k) {
			t.Errorf("plan of the second config lacks %q: %v", k, reapply)
		}
	}
	w.converge()

	r := w.mustRun(0, "snapshots")
	snaps, err := filepath.Glob(filepath.Join(w.dir, ".launchready", "snapshots", "*.json"))
	if err != nil || len(snaps) != 2 {
		t.Fatalf("want 2 snapshots, found %v (%v)", snaps, err)
	}
	sort.Strings(snaps)
	latest, err := filepath.Rel(w.dir, snaps[1])
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(r.stdout, "\n")
	if !strings.Contains(lines[0], latest) || !strings.Contains(lines[0], "example.com") ||
		!strings.Contains(lines[0], "create") || !strings.Contains(lines[0], "update") || !strings.Contains(lines[0], "delete") {
		t.Errorf("snapshots does not list the latest apply first with its zone and changes:\n%s", r.stdout)
	}

	// A rule made by hand after the apply must survive the rollback too.
	w.api.putEntrypoint(zid, model.PhaseCache, append(w.api.entrypoint(zid, model.PhaseCache), handCache("hand-late", "late.example.com")))
	now := w.state("example.com")

	r = w.mustRun(1, "rollback", latest)
	if !strings.Contains(r.stderr, "--auto-approve") {
		t.Errorf("rollback on a non-interactive stdin does not mention --auto-approve:\n%s", r.stderr)
	}
	if d := cmp.Diff(now, w.state("example.com")); d != "" {
		t.Errorf("a refused rollback changed live state (-before +after):\n%s", d)
	}

	// Another apply holds the zone's lock: rollback waits for nobody by default and
	// changes nothing (one writer per zone, like apply).
	w.api.createRecord(zid, map[string]any{"type": "TXT", "name": ownership.LockName("example.com"), "content": `"` + ownership.LockContent + `"`, "ttl": 60,
		"comment": "holder=ci@runner pid=7 since=" + time.Now().UTC().Format(time.RFC3339) + " token=0badc0de"})
	locked := w.state("example.com")
	r = w.mustRun(1, "rollback", latest, "--auto-approve")
	if d := cmp.Diff(locked, w.state("example.com")); d != "" {
		t.Errorf("a rollback refused by the lock changed live state (-before +after):\n%s", d)
	}
	if !strings.Contains(r.stderr, "ci@runner") {
		t.Errorf("rollback under another apply's lock does not name the holder:\n%s", r.stderr)
	}
	for _, rec := range w.api.records(zid) {
		if heldLock(rec) {
			if !strings.Contains(rec.Comment, "0badc0de") {
				t.Errorf("rollback replaced another apply's lock: %+v", rec)
			}
			w.api.deleteRecord(zid, rec.ID)
		}
	}

	r = w.mustRun(0, "rollback", latest, "--auto-approve")
	if !strings.Contains(r.stdout, "Rollback complete") {
		t.Errorf("rollback did not report completion:\n%s", r.stdout)
	}
	after := w.state("example.com")
	if d := cmp.Diff(recordKeys(beforeApply.Live), recordKeys(after.Live)); d != "" {
		t.Errorf("records after rollback differ from before the apply (-want +got):\n%s", d)
	}
	if got, want := after.Live.Settings.Values["ssl"], beforeApply.Live.Settings.Values["ssl"]; got != want {
		t.Errorf("ssl after rollback = %q, want %q", got, want)
	}
	for _, ph := range []struct {
		name                  string
		beforeApply, now, got []apiRule
	}{
		{"redirect", beforeApply.Redirects, now.Redirects, after.Redirects},
		{"cache", beforeApply.Caches, now.Caches, after.Caches},
	} {
		if d := cmp.Diff(ownedRules(ph.beforeApply), ownedRules(ph.got)); d != "" {
			t.Errorf("launchready's %s rules after rollback differ from before the apply (-want +got):\n%s", ph.name, d)
		}
		if d := cmp.Diff(handRules(ph.now), handRules(ph.got)); d != "" {
			t.Errorf("rollback changed hand-made %s rules (-want +got):\n%s", ph.name, d)
		}
	}
	// The config still asks for the second apply's changes.
	if d := cmp.Diff(reapply, w.planJSON().changeKeys()); d != "" {
		t.Errorf("plan after rollback should show the rolled-back changes again (-want +got):\n%s", d)
	}
	w.mustRun(2, "plan", "--detailed-exitcode")

	// The rollback wrote its own snapshot first, so it can be rolled back in turn:
	// that brings back the second apply, which matches launch.hcl.
	snaps, err = filepath.Glob(filepath.Join(w.dir, ".launchready", "snapshots", "*.json"))
	if err != nil || len(snaps) != 3 {
		t.Fatalf("want 3 snapshots after the rollback, found %v (%v)", snaps, err)
	}
	sort.Strings(snaps)
	for _, s := range snaps {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), w.token) {
			t.Errorf("snapshot %s contains the API token", s)
		}
	}
	w.mustRun(0, "rollback", snaps[2], "--auto-approve")
	w.mustRun(0, "plan", "--detailed-exitcode")
	if d := cmp.Diff(handRules(now.Caches), handRules(w.api.entrypoint(zid, model.PhaseCache))); d != "" {
		t.Errorf("rolling back the rollback changed hand-made cache rules (-want +got):\n%s", d)
	}
}

// TestHandoverMap writes the DNS map twice: it names the token's variable, never its
// value, and the same inputs give the same bytes.
func TestHandoverMap(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, workflowConfig, "example.com")
	w.converge()
	byApply := w.read("DNS-MAP.md") // apply writes the map too
	w.mustRun(0, "handover", "--out", "DNS-MAP.md")
	first := w.read("DNS-MAP.md")
	// apply --no-verify reads no delegation (DNSSEC is a request per zone): its map
	// says so where handover's tells the DNSSEC state; the rest is the same.
	const notRead = "DNSSEC: not read in this run (`apply --no-verify` skips the delegation reads; `launchready handover` reads them). A DS record at the registrar must match the zone's key, or be absent."
	const disabled = "DNSSEC is disabled: the registrar must hold **no** DS record for the zone. A leftover DS (from an old provider) makes every validating resolver answer SERVFAIL for every name in the zone."
	if !strings.Contains(byApply, notRead) || !strings.Contains(first, disabled) {
		t.Errorf("apply --no-verify's map must say DNSSEC was not read, handover's must tell its state:\n--- apply\n%s\n--- handover\n%s", byApply, first)
	}
	if d := cmp.Diff(strings.Replace(byApply, notRead, disabled, 1), first); d != "" {
		t.Errorf("the map apply wrote differs from handover's for the same state (-apply +handover):\n%s", d)
	}
	w.mustRun(0, "handover", "--out", "DNS-MAP.md")
	if second := w.read("DNS-MAP.md"); second != first {
		t.Errorf("handover is not deterministic:\n%s", cmp.Diff(first, second))
	}
	if !strings.Contains(first, "CLOUDFLARE_API_TOKEN") {
		t.Errorf("the DNS map does not say where the API token lives")
	}
	if strings.Contains(first, w.token) {
		t.Errorf("the DNS map contains the API token's value")
	}
	for _, want := range []string{"www.example.com", "203.0.113.20", "marketing site", "full", "www-to-apex", "assets"} {
		if !strings.Contains(first, want) {
			t.Errorf("the DNS map does not mention %q", want)
		}
	}
}
