package watch

import (
	"context"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/launchready/launchready/verify"
)

// FastKinds are checked every Interval; SlowKinds every SlowInterval.
var (
	FastKinds = []verify.Kind{verify.KindHTTP}
	SlowKinds = []verify.Kind{verify.KindDelegation, verify.KindDNS, verify.KindTLS, verify.KindRedirect, verify.KindEmail}
)

// Defaults of Watcher.
const (
	DefaultInterval     = time.Minute
	DefaultSlowInterval = time.Hour
	DefaultFailures     = 2
)

// Watcher runs rounds of checks and alerts on changes of state.
type Watcher struct {
	// Verify runs the checks of the given kinds (verify.Run with Options.Kinds set).
	Verify func(ctx context.Context, kinds []verify.Kind) (*verify.Report, error)
	// Targets receive alerts.
	Targets []*Target
	// StatePath is the state file.
	StatePath string
	// Failures is how many consecutive failed rounds make a check alert; 0 means
	// DefaultFailures.
	Failures int
	// Interval and SlowInterval space the fast and slow rounds; 0 means the defaults.
	Interval, SlowInterval time.Duration
	Log                    hclog.Logger
	Metrics                *Metrics // nil: no metrics
	Now                    func() time.Time

	state   *State
	release func() // the state file's lock
}

// Close releases the state file's lock (held from the first round on).
func (w *Watcher) Close() {
	if w.release != nil {
		w.release()
		w.release = nil
	}
}

func (w *Watcher) init() error {
	if w.Failures <= 0 {
		w.Failures = DefaultFailures
	}
	if w.Interval <= 0 {
		w.Interval = DefaultInterval
	}
	if w.SlowInterval <= 0 {
		w.SlowInterval = DefaultSlowInterval
	}
	if w.Log == nil {
		w.Log = hclog.NewNullLogger()
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.state == nil {
		release, err := lockState(w.StatePath)
		if err != nil {
			return err
		}
		st, err := LoadState(w.StatePath)
		if err != nil {
			release()
			return err
		}
		w.release = release
		w.state = st
		for _, cs := range st.Checks {
			w.Metrics.observeCheck(cs)
		}
	}
	return nil
}

// RunOnce runs one round of every check and reports whether any check fails now.
func (w *Watcher) RunOnce(ctx context.Context) (failing bool, err error) {
	if err := w.init(); err != nil {
		return false, err
	}
	return w.round(ctx, "all", append(append([]verify.Kind{}, FastKinds...), SlowKinds...))
}

// Run runs a fast and a slow round at once, then each on its interval, until ctx is
// cancelled (then it returns nil). A round that cannot run at all is logged and tried
// again on the next tick.
func (w *Watcher) Run(ctx context.Context) error {
	if err := w.init(); err != nil {
		return err
	}
	fast := time.NewTicker(w.Interval)
	defer fast.Stop()
	slow := time.NewTicker(w.SlowInterval)
	defer slow.Stop()
	w.roundLogged(ctx, "slow", SlowKinds)
	w.roundLogged(ctx, "fast", FastKinds)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-slow.C:
			w.roundLogged(ctx, "slow", SlowKinds)
		case <-fast.C:
			w.roundLogged(ctx, "fast", FastKinds)
		}
	}
}

func (w *Watcher) roundLogged(ctx context.Context, name string, kinds []verify.Kind) {
	if _, err := w.round(ctx, name, kinds); err != nil && ctx.Err() == nil {
		w.Log.Error("round could not run", "round", name, "error", err)
	}
}

// round runs the checks of kinds, updates the state, sends the alerts due, saves the
// state and logs one line.
func (w *Watcher) round(ctx context.Context, name string, kinds []verify.Kind) (bool, error) {
	if err := w.init(); err != nil {
		return false, err
	}
	began := w.Now()
	rep, err := w.Verify(ctx, kinds)
	if err != nil {
		return false, err
	}
	now := w.Now()
	seen := map[string]bool{}
	failing, checks := 0, 0
	var due []*CheckState
	// One state per subject (a check block, a host, a record set, a redirect): its
	// worst result decides, and the reasons of the results that share that status
	// are kept ("errors: …; latency: …"), so one fault makes one alert.
	type agg struct {
		status  verify.Status
		checks  []string
		reasons []string
		latency float64
	}
	subjects := map[string]*agg{}
	var order []string
	for _, z := range rep.Zones {
		for _, r := range z.Results {
			id := checkID(r)
			a := subjects[id]
			if a == nil {
				a = &agg{status: r.Status}
				subjects[id] = a
				order = append(order, id)
				if w.state.Checks[id] == nil {
					w.state.Checks[id] = &CheckState{Zone: r.Zone, Kind: r.Kind, Name: r.Name}
				}
			}
			if r.HTTP != nil && r.Check == verify.CheckLatency {
				a.latency = r.HTTP.Total.P95
			}
			switch {
			case severity[r.Status] > severity[a.status]:
				a.status, a.checks, a.reasons = r.Status, nil, nil
				fallthrough
			case r.Status == a.status:
				a.checks = append(a.checks, r.Check)
				a.reasons = append(a.reasons, r.Check+": "+r.Reason)
			}
		}
	}
	for _, id := range order {
		a := subjects[id]
		cs := w.state.Checks[id]
		seen[id] = true
		checks++
		cs.Status, cs.Check, cs.Reason, cs.LastRun, cs.LatencyMs = a.status, strings.Join(a.checks, ","), strings.Join(a.reasons, "; "), now, a.latency
	}
	for id := range seen {
		cs := w.state.Checks[id]
		if cs.Status == verify.Fail {
			cs.Failures++
			failing++
		} else {
			cs.Failures = 0
		}
		switch {
		case cs.Failures >= w.Failures && !cs.Alerting:
			cs.Alerting, cs.Since = true, now
		case cs.Status != verify.Fail && cs.Alerting:
			cs.Alerting, cs.Since = false, now
		}
		w.Metrics.observeCheck(cs)
	}
	// Checks of these kinds that no longer exist are forgotten.
	for id, cs := range w.state.Checks {
		if !seen[id] && containsKind(kinds, cs.Kind) {
			w.Metrics.forget(cs)
			delete(w.state.Checks, id)
		}
	}
	// Alerts due: any check whose alerting state some target has not been told,
	// whatever round produced it (a failed delivery is retried).
	for _, cs := range w.state.Checks {
		for _, t := range w.Targets {
			if told, ok := cs.Told[t.Name]; (ok && told != cs.Alerting) || (!ok && cs.Alerting) {
				due = append(due, cs)
				break
			}
		}
	}
	sent, errs := 0, []error{}
	for _, cs := range due {
		a := newAlert(cs, now)
		for _, t := range w.Targets {
			if told, ok := cs.Told[t.Name]; (ok && told == cs.Alerting) || (!ok && !cs.Alerting) {
				continue
			}
			err := t.Send(ctx, a)
			w.Metrics.observeAlert(t.Name, err)
			if err != nil {
				errs = append(errs, err)
				w.Log.Error("alert not delivered (retried after the next round)", "alert", t.Name, "check", a.Name+" "+a.Check, "error", err)
				continue
			}
			if cs.Told == nil {
				cs.Told = map[string]bool{}
			}
			cs.Told[t.Name] = cs.Alerting
			sent++
			w.Log.Info("alert sent", "alert", t.Name, "state", a.State, "zone", a.Zone, "check", string(a.Kind)+" "+a.Name+" "+a.Check)
		}
	}
	if err := w.state.Save(w.StatePath); err != nil {
		return failing > 0, err
	}
	d := w.Now().Sub(began)
	w.Metrics.observeRound(name, d, now)
	alerting := 0
	for _, cs := range w.state.Checks {
		if cs.Alerting {
			alerting++
		}
	}
	w.Log.Info("round", "round", name, "checks", checks, "failed", failing, "alerting", alerting, "alerts_sent", sent,
		"alert_errors", len(errs), "duration", d.Round(time.Millisecond).String())
	// Delivery errors are logged and retried after the next round, not fatal.
	return failing > 0, nil
}

// severity orders statuses: the worst result of a subject decides its state.
var severity = map[verify.Status]int{verify.Skip: 0, verify.Pass: 1, verify.Warn: 2, verify.Fail: 3}

func containsKind(kinds []verify.Kind, k verify.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}
