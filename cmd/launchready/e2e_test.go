package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

// binPath is the launchready binary built once for the end-to-end tests.
var binPath string

// conformanceSchema is the Cloudflare schema every simulator startSim runs validates
// its API traffic against (`launchready sim --conformance`): launchready's own
// requests and the simulator's answers. "" only outside CI without ../shared.
var conformanceSchema string

// findConformanceSchema locates and loads the schema; missing, it is an error in CI
// and a notice elsewhere.
func findConformanceSchema() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	path, err := conformance.Find(wd)
	if err != nil {
		return "", err
	}
	if _, err := conformance.Load(path); err != nil {
		if errors.Is(err, os.ErrNotExist) && !conformance.Required() {
			fmt.Fprintf(os.Stderr, "Cloudflare schema not found, the simulator's API traffic is not validated: %v\n", err)
			return "", nil
		}
		return "", err
	}
	return path, nil
}

func TestMain(m *testing.M) {
	var err error
	if conformanceSchema, err = findConformanceSchema(); err != nil {
		fmt.Fprintf(os.Stderr, "the Cloudflare schema (required in CI, CI=true): %v\n", err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "launchready-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binPath = filepath.Join(dir, "launchready")
	out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building launchready: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is one CLI invocation's outcome.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the binary in dir with env (plus PATH/HOME) and returns its result.
func runCLI(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "NO_COLOR=1"}, env...)
	if conformanceSchema != "" {
		// `launchready demo` runs its simulator in process: it checks too.
		cmd.Env = append(cmd.Env, "LAUNCHREADY_SIM_CONFORMANCE="+conformanceSchema)
	}
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running launchready %v: %v", args, err)
	}
	return result{code: code, stdout: so.String(), stderr: se.String()}
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// startSim runs `launchready sim` as a separate process, as a user would, and returns
// its API base URL. The simulator validates every API request and answer against
// the Cloudflare schema (conformanceSchema); at the end of the test, any failure it
// recorded fails the test, naming method, path and what failed.
func startSim(t *testing.T, args ...string) string {
	t.Helper()
	base := startSimUnchecked(t, args...)
	if conformanceSchema != "" {
		// Registered after the process's cleanup, so it runs first, while the
		// simulator still answers.
		t.Cleanup(func() { checkSimConformance(t, base) })
	}
	return base
}

// startSimUnchecked is startSim without the final conformance check (the simulator
// still validates, and serves what failed at /__sim/conformance).
func startSimUnchecked(t *testing.T, args ...string) string {
	t.Helper()
	addr := freePort(t)
	simArgs := []string{"sim", "--listen", addr}
	if conformanceSchema != "" {
		simArgs = append(simArgs, "--conformance", conformanceSchema)
	}
	cmd := exec.Command(binPath, append(simArgs, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on") {
				ready <- sc.Text()
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		t.Fatal("simulator did not start")
	}
	base := "http://" + addr + "/client/v4"
	for i, a := range args {
		if a == "--token" && i+1 < len(args) {
			simTokens.Store(base, args[i+1])
		}
	}
	return base
}

// checkSimConformance fails the test for every exchange the simulator at base found
// not to conform to the Cloudflare schema.
func checkSimConformance(t *testing.T, base string) {
	t.Helper()
	rep, err := simConformance(base)
	if err != nil {
		t.Errorf("schema conformance: %v", err)
		return
	}
	if !rep.Enabled {
		t.Errorf("schema conformance: the simulator was started with --conformance but validated nothing")
	}
	for _, f := range rep.Failures {
		t.Errorf("schema conformance: %s", f)
	}
}

// simConformance asks the simulator at base what its conformance check found.
func simConformance(base string) (sim.ConformanceReport, error) {
	var rep sim.ConformanceReport
	req, err := http.NewRequest(http.MethodGet, strings.TrimSuffix(base, "/client/v4")+"/__sim/conformance", nil)
	if err != nil {
		return rep, err
	}
	if tok, ok := simTokens.Load(base); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return rep, fmt.Errorf("asking the simulator: %w", err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil || resp.StatusCode != http.StatusOK {
		return rep, fmt.Errorf("GET /__sim/conformance: HTTP %d, %v", resp.StatusCode, err)
	}
	return rep, nil
}

// simTokens remembers the --token each simulator started with (by base URL): its
// /__sim/* endpoints answer only to it.
var simTokens sync.Map

// simAdmin sends a request to the simulator's admin API at base (/__sim/…), with the
// simulator's token and, with a body, as JSON. It fails the test unless the answer is
// 2xx, and returns the body. Admin requests are not counted as API requests.
func simAdmin(t testing.TB, base, method, path, body string) []byte {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(base, "/client/v4")+"/__sim/"+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok, ok := simTokens.Load(base); ok {
		req.Header.Set("Authorization", "Bearer "+tok.(string))
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s /__sim/%s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s /__sim/%s %s: HTTP %d: %s", method, path, body, resp.StatusCode, raw)
	}
	return raw
}

func simStats(t *testing.T, base string) map[string]int {
	t.Helper()
	var m map[string]int
	if err := json.Unmarshal(simAdmin(t, base, http.MethodGet, "stats", ""), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

const quickstartConfig = `variable "origin_ip" { default = "203.0.113.10" }

zone "example.com" {
  provider = "cloudflare"
  ignore   = ["_acme-challenge*"]

  record "@" "A" {
    value   = var.origin_ip
    proxied = true
    comment = "marketing site"
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "api" "A" {
    values = ["203.0.113.21", "203.0.113.20"]
    ttl    = 300
  }
  record "@" "MX" { values = ["10 mx1.mailhost.net.", "20 mx2.mailhost.net."] }
  record "@" "TXT" { value = "google-site-verification=abc" }
  record "@" "CAA" { value = "0 issue \"letsencrypt.org\"" }
  record "_sip._tcp" "SRV" { value = "10 5 5060 sip.example.com." }
  record "*.preview" "CNAME" { value = "previews.hosting.net" }
  record "v6" "AAAA" { value = "2001:DB8:0:0::1" }
  record "long" "TXT" { value = "k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;k=v;\"quoted\" end" }
  record "sub" "NS" { values = ["ns1.other.net", "ns2.other.net"] }
  record "10.2.0.192.in-addr.arpa." "PTR" { value = "host.example.com" }
}
`

// TestQuickstart runs the README's quick start against `launchready sim` in another
// process: validate, plan (exit 2), apply, plan (exit 0), fmt --check.
func TestQuickstart(t *testing.T) {
	base := startSim(t, "--zone", "example.com", "--token", "quickstart-token")
	dir := t.TempDir()
	cfg := strings.Replace(quickstartConfig, `  record "10.2.0.192.in-addr.arpa." "PTR" { value = "host.example.com" }`+"\n", `  record "ptr" "PTR" { value = "host.example.com" }`+"\n", 1)
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"CLOUDFLARE_BASE_URL=" + base, "CLOUDFLARE_API_TOKEN=quickstart-token"}

	if r := runCLI(t, dir, nil, "validate"); r.code != 0 {
		t.Fatalf("validate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r := runCLI(t, dir, env, "plan", "--detailed-exitcode")
	if r.code != 2 {
		t.Fatalf("first plan: exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "to add") {
		t.Errorf("plan output lacks a summary line:\n%s", r.stdout)
	}
	r = runCLI(t, dir, env, "apply")
	if r.code != 1 || !strings.Contains(r.stderr, "--auto-approve") {
		t.Fatalf("apply on non-interactive stdin must refuse (exit 1, mention --auto-approve); got %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// As in the README: apply verifies afterwards, against the simulator's own DNS
	// server and HTTPS edge (found through CLOUDFLARE_BASE_URL).
	r = runCLI(t, dir, env, "apply", "--auto-approve")
	if r.code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"converged", "launchready simulator", "PASSED", "DNS map written"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("apply output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The simulator holds what the file declares: every record set, each value with
	// its ownership mark beside it.
	api := &simAPI{t: t, base: base, token: "quickstart-token", client: http.DefaultClient}
	zid := api.zoneID("example.com")
	for _, k := range [][2]string{{"example.com", "A"}, {"www.example.com", "CNAME"}, {"example.com", "CAA"}, {"_sip._tcp.example.com", "SRV"}, {"*.preview.example.com", "CNAME"}, {"v6.example.com", "AAAA"}, {"long.example.com", "TXT"}, {"ptr.example.com", "PTR"}} {
		if c := api.findRecord(zid, k[0], k[1]).Comment; !strings.HasSuffix(c, "[launchready:default]") {
			t.Errorf("%s %s: comment %q does not carry the ownership marker", k[0], k[1], c)
		}
	}
	if got := api.findRecord(zid, "v6.example.com", "AAAA").Content; got != "2001:db8::1" {
		t.Errorf("AAAA stored as %q, want the canonical 2001:db8::1", got)
	}
	snaps, _ := filepath.Glob(filepath.Join(dir, ".launchready", "snapshots", "*.json"))
	if len(snaps) != 1 {
		t.Errorf("want 1 snapshot after apply, found %v", snaps)
	}
	r = runCLI(t, dir, env, "plan", "--detailed-exitcode")
	if r.code != 0 {
		t.Fatalf("second plan: exit %d, want 0 (no perpetual diff)\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, nil, "fmt", "--check"); r.code != 0 {
		t.Errorf("fmt --check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The token never shows up anywhere, even at trace level.
	r = runCLI(t, dir, append(env, "LAUNCHREADY_LOG=trace"), "plan")
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, "quickstart-token") {
			t.Errorf("API token leaked into output:\n%s", s)
		}
	}
	if stats := simStats(t, base); len(stats) == 0 {
		t.Errorf("simulator served no counted requests")
	}
}

// TestDemo runs `launchready demo` exactly as the README's first command does.
func TestDemo(t *testing.T) {
	r := runCLI(t, t.TempDir(), nil, "demo")
	if r.code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"No changes", "Demo complete", "converged"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, r.stdout)
		}
	}
}

// TestPlanEmailFindings: plan shows the online email analysis under the plan, through
// the simulator's DNS: an SPF include that does not exist is reported before apply.
func TestPlanEmailFindings(t *testing.T) {
	base := startSim(t, "--zone", "example.com")
	dir := t.TempDir()
	cfg := `zone "example.com" {
  record "@" "MX" { value = "10 mx.example.com." }
  record "mx" "A" { value = "192.0.2.25" }
  email {
    spf {
      include = ["_spf.example.com"]
      all     = "fail"
    }
    dmarc {
      policy = "reject"
      rua    = ["mailto:dmarc@example.com"]
    }
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"CLOUDFLARE_BASE_URL=" + base, "CLOUDFLARE_API_TOKEN=dev"}
	r := runCLI(t, dir, env, "plan")
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"email (checked through DNS as it will be after apply):", "error spf: include target _spf.example.com does not exist"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, " dmarc: ") {
		t.Errorf("the DMARC report address is served by the MX the plan creates: no finding expected:\n%s", r.stdout)
	}
	if r := runCLI(t, dir, env, "plan", "--no-email-check"); strings.Contains(r.stdout, "email (checked") {
		t.Errorf("--no-email-check still checked:\n%s", r.stdout)
	}
	// The Markdown plan (the PR comment) and the JSON plan carry the findings too.
	if r := runCLI(t, dir, env, "plan", "--markdown"); !strings.Contains(r.stdout, `:x: **example.com** error spf: include target \_spf.example.com does not exist`) {
		t.Errorf("markdown plan lacks the email error:\n%s", r.stdout)
	}
	if r := runCLI(t, dir, env, "plan", "--json"); !strings.Contains(r.stdout, `"email_findings"`) {
		t.Errorf("JSON plan lacks email_findings:\n%s", r.stdout)
	}

	// An SPF record made by hand, left alone beside the one the email block creates,
	// would make two SPF records after apply: plan reports it before it happens.
	api := &simAPI{t: t, base: base, token: "dev", client: http.DefaultClient}
	api.createRecord(api.zoneID("example.com"), map[string]any{"type": "TXT", "name": "example.com", "content": `"v=spf1 include:_spf.google.com -all"`, "ttl": 1})
	cfg2 := strings.Replace(cfg, `include = ["_spf.example.com"]`, `ip4     = ["192.0.2.25"]`, 1)
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(cfg2), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, dir, env, "plan")
	if !strings.Contains(r.stdout, "error spf:") || !strings.Contains(r.stdout, "SPF records") {
		t.Errorf("plan does not report the two SPF records the apply would leave:\n%s", r.stdout)
	}
}

// TestBatchLimit: LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT sets the records per batch
// request, for accounts whose limit differs from the Free plan's 200.
func TestBatchLimit(t *testing.T) {
	base := startSim(t, "--zone", "example.com", "--batch-limit", "3", "--no-edge")
	dir := t.TempDir()
	cfg := "zone \"example.com\" {\n"
	for i := 0; i < 4; i++ {
		cfg += fmt.Sprintf("  record \"h%d\" \"A\" { value = \"192.0.2.%d\" }\n", i, i+1)
	}
	cfg += "}\n"
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"CLOUDFLARE_BASE_URL=" + base, "CLOUDFLARE_API_TOKEN=dev"}
	// 4 records (their marks are in their comments): over the simulator's limit of 3.
	if r := runCLI(t, dir, env, "apply", "--auto-approve", "--no-verify"); r.code != 1 || !strings.Contains(r.stderr, "batch") {
		t.Fatalf("apply with the default limit against a server limit of 3: exit %d, want 1 naming the batch\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, append(env, "LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=abc"), "plan"); r.code != 1 || !strings.Contains(r.stderr, "LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT") {
		t.Errorf("a bad limit must be refused: exit %d\n%s", r.code, r.stderr)
	}
	before := simStats(t, base)["POST /zones/{zone_id}/dns_records/batch"]
	r := runCLI(t, dir, append(env, "LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3"), "apply", "--auto-approve", "--no-verify")
	if r.code != 0 {
		t.Fatalf("apply with LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=3: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The apply lock's create, then 2 record batches: 3 writes, then 1 and the lock's
	// release, which has room in the last batch.
	if got := simStats(t, base)["POST /zones/{zone_id}/dns_records/batch"] - before; got != 3 {
		t.Errorf("4 writes at 3 per batch: %d batch requests, want 3 (the lock, and 2 batches, the last releasing the lock)", got)
	}
	if r := runCLI(t, dir, env, "plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("plan after apply: exit %d\n%s", r.code, r.stdout)
	}
}

// TestOwnershipSurvivesCommentEdits: the ownership marker lives in the record's
// comment. Editing the comment around the marker keeps the record launchready's;
// removing the marker by hand makes it unowned, so the plan offers to adopt it (never
// to delete it); a hand-made record stays unmanaged whatever its comment says.
func TestOwnershipSurvivesCommentEdits(t *testing.T) {
	cfg := `zone "example.com" {
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    comment = "customer dashboard"
  }
  record "api" "A" { value = "192.0.2.10" }
  record "old" "A" { value = "192.0.2.11" }
}
`
	w := newWorkspace(t, cfg, "example.com")
	w.converge()
	zid := w.api.zoneID("example.com")
	w.api.createRecord(zid, map[string]any{"type": "A", "name": "hand.example.com", "content": "192.0.2.99", "ttl": 1, "comment": "made by hand"})
	app := w.api.findRecord(zid, "app.example.com", "CNAME")
	if app.Comment != "customer dashboard [launchready:default]" {
		t.Fatalf("app comment = %q, want the user's comment and the marker", app.Comment)
	}
	api := w.api.findRecord(zid, "api.example.com", "A")
	old := w.api.findRecord(zid, "old.example.com", "A")
	hand := w.api.findRecord(zid, "hand.example.com", "A")
	w.api.patchRecord(zid, app.ID, map[string]any{"comment": "edited in the dashboard [launchready:default]"})
	w.api.patchRecord(zid, api.ID, map[string]any{"comment": "a note someone added"})
	w.api.patchRecord(zid, old.ID, map[string]any{"comment": "mine now"})
	w.api.patchRecord(zid, hand.ID, map[string]any{"comment": "launchready"})

	// The file drops "old": its marker was removed by hand, so it is not deleted.
	w.write("launch.hcl", strings.Replace(cfg, "  record \"old\" \"A\" { value = \"192.0.2.11\" }\n", "", 1))
	r := w.mustRun(2, "plan", "--detailed-exitcode", "--no-email-check")
	for _, want := range []string{"~  app.example.com CNAME", `comment: "edited in the dashboard" → "customer dashboard"`, "api.example.com A", "0 to delete", "2 unmanaged left alone"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan after comment edits lacks %q:\n%s", want, r.stdout)
		}
	}
	w.converge()
	if got := w.api.findRecord(zid, "api.example.com", "A").Comment; got != "a note someone added [launchready:default]" {
		t.Errorf("adopting api kept %q, want the user's note and the marker", got)
	}
	if got := w.api.findRecord(zid, "old.example.com", "A").Comment; got != "mine now" {
		t.Errorf("a record whose marker was removed was changed: comment %q", got)
	}
	// Removing the blocks deletes exactly what they own.
	w.write("launch.hcl", "zone \"example.com\" {\n}\n")
	r = w.mustRun(2, "plan", "--detailed-exitcode")
	if !strings.Contains(r.stdout, "0 to add, 0 to change, 2 to delete, 2 unmanaged left alone") {
		t.Errorf("removing the blocks must delete their two records and leave the others:\n%s", r.stdout)
	}
	w.converge()
	var rs []apiRecord
	for _, r := range w.api.records(zid) {
		if !lockGeneration(r) {
			rs = append(rs, r)
		}
	}
	if len(rs) != 2 {
		t.Errorf("after removing the blocks, want the two unowned records left, got %+v", rs)
	}
}

// TestMassChangeGuard: a plan deleting most of a zone's managed records is refused
// without --allow-mass-changes, and nothing is changed.
func TestMassChangeGuard(t *testing.T) {
	cfg := "zone \"example.com\" {\n"
	for i := 0; i < 6; i++ {
		cfg += fmt.Sprintf("  record \"h%d\" \"A\" { value = \"192.0.2.%d\" }\n", i, i+1)
	}
	cfg += "}\n"
	w := newWorkspace(t, cfg, "example.com")
	w.converge()
	zid := w.api.zoneID("example.com")
	before := len(w.api.records(zid))
	w.write("launch.hcl", "zone \"example.com\" {\n  record \"h0\" \"A\" { value = \"192.0.2.1\" }\n}\n")
	r := w.run(nil, "apply", "--auto-approve", "--no-verify")
	if r.code != 1 || !strings.Contains(r.stderr, "refusing a mass change") || !strings.Contains(r.stderr, "--allow-mass-changes") {
		t.Fatalf("deleting 5 of 6 records: exit %d, want 1 refusing a mass change\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := len(w.api.records(zid)); got != before {
		t.Errorf("a refused mass change changed the zone: %d records, was %d", got, before)
	}
	w.mustRun(0, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	w.mustRun(0, "plan", "--detailed-exitcode")
}

// TestRetriesAfter429: the API throttles (429 with Retry-After) and fails (503) now
// and then; plan and apply retry, honouring Retry-After, and succeed.
func TestRetriesAfter429(t *testing.T) {
	w := newWorkspace(t, "zone \"example.com\" {\n  record \"www\" \"A\" { value = \"192.0.2.1\" }\n}\n", "example.com")
	for _, f := range []string{
		`{"method":"GET","path_prefix":"/client/v4/zones","status":429,"retry_after":0.2,"count":2}`,
		`{"method":"POST","path_prefix":"/client/v4/zones","status":503,"count":1}`,
	} {
		simAdmin(t, w.base, http.MethodPost, "faults", f)
	}
	start := time.Now()
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("two 429s with Retry-After 0.2 s were retried in %s: Retry-After not honoured", d)
	}
	w.mustRun(0, "plan", "--detailed-exitcode")
	if rec := w.api.findRecord(w.api.zoneID("example.com"), "www.example.com", "A"); rec.Content != "192.0.2.1" {
		t.Errorf("www A is %q", rec.Content)
	}
}
