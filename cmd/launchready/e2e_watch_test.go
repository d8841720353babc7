package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Issue 14: `launchready watch` against the simulator's edge.

const watchConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
  }

  check "dashboard" {
    url            = "https://app.example.com/"
    expect_status  = 200
    requests       = 3
    p95_ms         = 5000
    max_error_rate = 0.01
  }
}

alert "ops" {
  webhook = env("LAUNCH_ALERT_WEBHOOK")
  format  = "json"
}
`

// alertSink is a loopback webhook receiver.
type alertSink struct {
	mu     sync.Mutex
	alerts []map[string]any
}

func (s *alertSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var a map[string]any
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &a); err != nil {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.alerts = append(s.alerts, a)
	s.mu.Unlock()
}

func (s *alertSink) list() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, a := range s.alerts {
		out = append(out, fmt.Sprintf("%v %v %v", a["state"], a["kind"], a["name"]))
	}
	return out
}

// watchProc is a running `launchready watch`.
type watchProc struct {
	cmd     *exec.Cmd
	stderr  *bytes.Buffer
	metrics string
	done    chan error
}

func startWatch(t *testing.T, w *workspace, hook string, args ...string) *watchProc {
	t.Helper()
	metrics := freePort(t)
	cmd := exec.Command(binPath, append([]string{"watch", "--metrics-listen", metrics}, args...)...)
	cmd.Dir = w.dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "LAUNCH_ALERT_WEBHOOK=" + hook}, w.env...)
	p := &watchProc{cmd: cmd, stderr: &bytes.Buffer{}, metrics: "http://" + metrics, done: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: p.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
	})
	return p
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// stop sends SIGTERM and requires exit 0.
func (p *watchProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("watch after SIGTERM: %v\n%s", err, p.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("watch did not stop on SIGTERM\n%s", p.stderr)
	}
}

var roundsRE = regexp.MustCompile(`launchready_rounds_total\{round="fast"\} (\d+)`)

// metricsText fetches /metrics ("" while the server is not up yet).
func (p *watchProc) metricsText() string {
	resp, err := http.Get(p.metrics + "/metrics")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (p *watchProc) fastRounds() int {
	m := roundsRE.FindStringSubmatch(p.metricsText())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// waitFor polls cond for up to a minute.
func waitFor(t *testing.T, p *watchProc, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s\nwatch stderr:\n%s", what, p.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitRounds waits for n more fast rounds.
func (p *watchProc) waitRounds(t *testing.T, n int) {
	t.Helper()
	start := p.fastRounds()
	waitFor(t, p, fmt.Sprintf("%d more rounds", n), func() bool { return p.fastRounds() >= start+n })
}

// TestWatch: watch sends one alert when a seeded fault appears and one when it is
// cleared, survives a restart without a duplicate, exposes its metrics and stops with
// exit 0 on SIGTERM.
func TestWatch(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, watchConfig, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	sink := &alertSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	args := []string{"--interval", "300ms", "--slow-interval", "1h", "--failures", "2", "--state", "watch-state.json"}

	p := startWatch(t, w, hook.URL+"/hooks/SECRET-PATH", args...)
	p.waitRounds(t, 3)
	if got := sink.list(); len(got) != 0 {
		t.Fatalf("alerts while healthy: %v", got)
	}
	m := p.metricsText()
	for _, want := range []string{
		`launchready_check_status{kind="http",name="dashboard",zone="example.com"} 0`,
		`launchready_check_failing{kind="http",name="dashboard",zone="example.com"} 0`,
		`launchready_check_latency_seconds{kind="http",name="dashboard",zone="example.com"}`,
		`launchready_check_status{kind="tls",name="app.example.com",zone="example.com"} 0`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, m)
		}
	}
	if resp, err := http.Get(p.metrics + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Errorf("/healthz: %v %v", resp, err)
	}

	// The fault: someone turns off the proxy of app.example.com; the edge no longer
	// serves it and the dashboard check fails.
	zone := w.api.zoneID("example.com")
	app := w.api.findRecord(zone, "app.example.com", "CNAME")
	w.api.patchRecord(zone, app.ID, map[string]any{"proxied": false})
	waitFor(t, p, "the failing alert", func() bool { return len(sink.list()) >= 1 })
	p.waitRounds(t, 3)
	if got := sink.list(); strings.Join(got, ",") != "failing http dashboard" {
		t.Fatalf("alerts = %v, want exactly one failing alert for the dashboard", got)
	}
	if m := p.metricsText(); !strings.Contains(m, `launchready_check_failing{kind="http",name="dashboard",zone="example.com"} 1`) {
		t.Errorf("/metrics does not show the dashboard failing:\n%s", m)
	}
	p.stop(t)
	if strings.Contains(p.stderr.String(), "SECRET-PATH") {
		t.Errorf("the webhook URL reached the log:\n%s", p.stderr)
	}
	if n := strings.Count(p.stderr.String(), "round:"); n < 3 {
		t.Errorf("want one log line per round, found %d:\n%s", n, p.stderr)
	}

	// A restart reads the state: still failing, no second alert.
	p = startWatch(t, w, hook.URL+"/hooks/SECRET-PATH", args...)
	p.waitRounds(t, 4)
	if got := sink.list(); len(got) != 1 {
		t.Fatalf("alerts after restart = %v, want no duplicate", got)
	}

	// The fault is cleared: one recovery alert.
	w.api.patchRecord(zone, app.ID, map[string]any{"proxied": true})
	waitFor(t, p, "the recovery alert", func() bool { return len(sink.list()) >= 2 })
	p.waitRounds(t, 3)
	if got := sink.list(); strings.Join(got, ",") != "failing http dashboard,recovered http dashboard" {
		t.Fatalf("alerts = %v, want failing then recovered", got)
	}
	p.stop(t)

	// --once: one round of every check, exit 0 now that all pass.
	r := w.run([]string{"LAUNCH_ALERT_WEBHOOK=" + hook.URL}, "watch", "--once", "--state", "watch-state.json")
	if r.code != 0 {
		t.Fatalf("watch --once: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(w.dir, "watch-state.json")); err != nil {
		t.Errorf("state file: %v", err)
	}
}

// TestWatchOnceFails: --once exits 4 when a check fails, and refuses to start when an
// alert's webhook variable is not set.
func TestWatchOnceFails(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, watchConfig, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	if r := w.run(nil, "watch", "--once"); r.code != 1 || !strings.Contains(r.stderr, "LAUNCH_ALERT_WEBHOOK is not set") {
		t.Errorf("watch without the webhook variable: exit %d, stderr %q", r.code, r.stderr)
	}
	zone := w.api.zoneID("example.com")
	app := w.api.findRecord(zone, "app.example.com", "CNAME")
	w.api.patchRecord(zone, app.ID, map[string]any{"proxied": false})
	sink := &alertSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	env := []string{"LAUNCH_ALERT_WEBHOOK=" + hook.URL}
	for i, wantAlerts := range []int{0, 1, 1} { // --failures 2: the second failed run alerts, the third does not repeat it
		r := w.run(env, "watch", "--once", "--failures", "2")
		if r.code != 4 {
			t.Fatalf("watch --once #%d with a failing check: exit %d\n%s", i+1, r.code, r.stderr)
		}
		var dashboard int
		for _, a := range sink.list() {
			if a == "failing http dashboard" {
				dashboard++
			}
		}
		if dashboard != wantAlerts {
			t.Errorf("after run %d: alerts %v, want %d for the dashboard", i+1, sink.list(), wantAlerts)
		}
	}
	if _, err := os.Stat(filepath.Join(w.dir, ".launchready", "watch", "state.json")); err != nil {
		t.Errorf("default state file: %v", err)
	}
}
