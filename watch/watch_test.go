package watch

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/launchready/launchready/schema"
	"github.com/launchready/launchready/verify"
)

// receiver records the alerts POSTed to it; fail makes it answer 500.
type receiver struct {
	mu     sync.Mutex
	alerts []Alert
	bodies []string
	fail   bool
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.fail {
		http.Error(w, "down", http.StatusInternalServerError)
		return
	}
	rc.bodies = append(rc.bodies, string(b))
	var a Alert
	_ = json.Unmarshal(b, &a)
	rc.alerts = append(rc.alerts, a)
}

func (rc *receiver) states() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []string
	for _, a := range rc.alerts {
		out = append(out, a.State+" "+a.Name)
	}
	return out
}

// world is a fake verify: the dashboard check passes unless broken.
type world struct{ broken bool }

func (w *world) verify(_ context.Context, kinds []verify.Kind) (*verify.Report, error) {
	rep := &verify.Report{Zones: []verify.ZoneReport{{Zone: "example.com"}}}
	add := func(r verify.Result) { rep.Zones[0].Results = append(rep.Zones[0].Results, r) }
	for _, k := range kinds {
		switch k {
		case verify.KindHTTP:
			st, reason := verify.Pass, "p95 20 ms"
			if w.broken {
				st, reason = verify.Fail, "5 of 5 requests failed"
			}
			add(verify.Result{Zone: "example.com", Kind: k, Name: "dashboard", Check: verify.CheckErrors, Status: st, Reason: reason})
			add(verify.Result{Zone: "example.com", Kind: k, Name: "dashboard", Check: verify.CheckLatency, Status: verify.Pass, Reason: "ok",
				HTTP: &verify.HTTPDetail{Total: verify.Percentiles{P95: 20}}})
		case verify.KindDNS:
			add(verify.Result{Zone: "example.com", Kind: k, Name: "example.com A", Check: verify.CheckRRSet, Status: verify.Pass, Reason: "ok"})
		}
	}
	return rep, nil
}

func newTestWatcher(t *testing.T, w *world, hook string, statePath string) *Watcher {
	t.Helper()
	targets, err := Targets([]*schema.Alert{{Name: "ops", Webhook: schema.Secret{Env: "HOOK"}, Format: schema.AlertFormatJSON}},
		func(k string) (string, bool) { return hook, k == "HOOK" })
	if err != nil {
		t.Fatal(err)
	}
	return &Watcher{Verify: w.verify, Targets: targets, StatePath: statePath, Failures: 2, Metrics: NewMetrics()}
}

func TestAlertsOnlyOnChangeOfState(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w := &world{}
	state := filepath.Join(t.TempDir(), "state.json")
	wt := newTestWatcher(t, w, srv.URL, state)
	ctx := context.Background()
	round := func(wt *Watcher) bool {
		t.Helper()
		failing, err := wt.round(ctx, "fast", FastKinds)
		if err != nil {
			t.Fatal(err)
		}
		return failing
	}
	round(wt)
	w.broken = true
	if !round(wt) {
		t.Fatal("a failing round reports no failure")
	}
	if got := rc.states(); len(got) != 0 {
		t.Fatalf("alerted after one failed round (threshold 2): %v", got)
	}
	round(wt)
	round(wt)
	if got := rc.states(); strings.Join(got, ",") != "failing dashboard" {
		t.Fatalf("alerts = %v, want exactly one failing alert", got)
	}
	// A restart reads the state: no second alert for the same failure.
	wt.Close()
	wt2 := newTestWatcher(t, w, srv.URL, state)
	defer wt2.Close()
	if err := wt2.init(); err != nil {
		t.Fatal(err)
	}
	round(wt2)
	if got := rc.states(); len(got) != 1 {
		t.Fatalf("alerts after restart = %v, want no duplicate", got)
	}
	// Recovery is announced once, even if the receiver is down at first.
	w.broken = false
	rc.fail = true
	round(wt2)
	rc.mu.Lock()
	rc.fail = false
	rc.mu.Unlock()
	round(wt2)
	round(wt2)
	if got := rc.states(); strings.Join(got, ",") != "failing dashboard,recovered dashboard" {
		t.Fatalf("alerts = %v, want failing then recovered", got)
	}
	a := rc.alerts[0]
	if a.Zone != "example.com" || a.Kind != verify.KindHTTP || a.Check != verify.CheckErrors || a.Reason != "errors: 5 of 5 requests failed" || a.Failures != 2 || !strings.Contains(a.Text, "FAILING") {
		t.Errorf("failing alert = %+v", a)
	}
}

func TestSlackFormatAndCommand(t *testing.T) {
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	out := filepath.Join(t.TempDir(), "alert.json")
	targets, err := Targets([]*schema.Alert{
		{Name: "ops", Webhook: schema.Secret{Env: "HOOK"}, Format: schema.AlertFormatSlack},
		{Name: "pager", Command: []string{"sh", "-c", "cat > " + out}},
	}, func(k string) (string, bool) { return srv.URL, k == "HOOK" })
	if err != nil {
		t.Fatal(err)
	}
	a := newAlert(&CheckState{Zone: "example.com", Kind: verify.KindTLS, Name: "example.com", Check: "expiry", Status: verify.Fail, Reason: "expired", Failures: 2, Alerting: true}, nowForTest())
	for _, tg := range targets {
		if err := tg.Send(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	if len(rc.bodies) != 1 || !strings.HasPrefix(rc.bodies[0], `{"text":":red_circle: launchready: FAILING example.com: tls example.com, 2 rounds in a row: expired`) {
		t.Errorf("slack body = %q", rc.bodies)
	}
	var got Alert
	b := readFile(t, out)
	if err := json.Unmarshal(b, &got); err != nil || got.State != StateFailing || got.Check != "expiry" {
		t.Errorf("command got %s (%v)", b, err)
	}
}

func TestWebhookErrorsHideTheURL(t *testing.T) {
	secret := "http://127.0.0.1:1/services/T000/SECRET-PATH"
	targets, err := Targets([]*schema.Alert{{Name: "ops", Webhook: schema.Secret{Env: "HOOK"}, Format: "json"}},
		func(string) (string, bool) { return secret, true })
	if err != nil {
		t.Fatal(err)
	}
	err = targets[0].Send(context.Background(), Alert{})
	if err == nil || strings.Contains(err.Error(), "SECRET-PATH") {
		t.Fatalf("err = %v; want an error without the URL", err)
	}
	if _, err := Targets([]*schema.Alert{{Name: "ops", Webhook: schema.Secret{Env: "UNSET"}}}, func(string) (string, bool) { return "", false }); err == nil || !strings.Contains(err.Error(), "UNSET") {
		t.Errorf("unset variable: err = %v", err)
	}
}

func TestMetricsExposeChecks(t *testing.T) {
	w := &world{broken: true}
	wt := newTestWatcher(t, w, "http://127.0.0.1:1/", filepath.Join(t.TempDir(), "s.json"))
	wt.Targets = nil
	if _, err := wt.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(wt.Metrics.Handler())
	defer srv.Close()
	body := get(t, srv.URL+"/metrics")
	for _, want := range []string{
		`launchready_check_status{kind="http",name="dashboard",zone="example.com"} 2`,
		`launchready_check_status{kind="dns",name="example.com A",zone="example.com"} 0`,
		`launchready_check_latency_seconds{kind="http",name="dashboard",zone="example.com"} 0.02`,
		`launchready_rounds_total{round="all"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s:\n%s", want, body)
		}
	}
	if h := get(t, srv.URL+"/healthz"); !strings.HasPrefix(h, "ok") {
		t.Errorf("/healthz = %q", h)
	}
}

func TestRemovedChecksAreForgottenAndBadStateRefused(t *testing.T) {
	dir := t.TempDir()
	state := filepath.Join(dir, "state.json")
	w := &world{broken: true}
	wt := newTestWatcher(t, w, "http://127.0.0.1:1/", state)
	wt.Targets = nil
	for range 2 {
		if _, err := wt.round(context.Background(), "fast", FastKinds); err != nil {
			t.Fatal(err)
		}
	}
	if cs := wt.state.Checks["example.com http dashboard"]; cs == nil || !cs.Alerting {
		t.Fatalf("dashboard state = %+v, want alerting", cs)
	}
	// The check block is removed from launch.hcl: its state goes, without an alert.
	wt.Verify = func(context.Context, []verify.Kind) (*verify.Report, error) {
		return &verify.Report{Zones: []verify.ZoneReport{{Zone: "example.com"}}}, nil
	}
	if _, err := wt.round(context.Background(), "fast", FastKinds); err != nil {
		t.Fatal(err)
	}
	if _, ok := wt.state.Checks["example.com http dashboard"]; ok {
		t.Error("a removed check is still in the state")
	}
	st, err := LoadState(state)
	if err != nil || len(st.Checks) != 0 {
		t.Errorf("saved state: %+v, %v", st, err)
	}

	if err := os.WriteFile(state, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadState(state); err == nil || !strings.Contains(err.Error(), "remove it to start afresh") {
		t.Errorf("corrupt state: err = %v", err)
	}
}

func TestOneWatchPerStateFile(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	first := newTestWatcher(t, &world{}, "http://127.0.0.1:1/", state)
	if _, err := first.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := newTestWatcher(t, &world{}, "http://127.0.0.1:1/", state)
	if _, err := second.RunOnce(context.Background()); err == nil || !strings.Contains(err.Error(), "another launchready watch") {
		t.Fatalf("second watch on one state file: err = %v", err)
	}
	first.Close()
	if _, err := second.RunOnce(context.Background()); err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	second.Close()
}
