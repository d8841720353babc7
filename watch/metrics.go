package watch

import (
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/launchready/launchready/verify"
)

// Metrics are watch's Prometheus metrics, on a registry of their own.
type Metrics struct {
	reg       *prometheus.Registry
	status    *prometheus.GaugeVec
	failing   *prometheus.GaugeVec
	latency   *prometheus.GaugeVec
	roundDur  *prometheus.GaugeVec
	rounds    *prometheus.CounterVec
	alerts    *prometheus.CounterVec
	mu        sync.Mutex
	lastRound time.Time
}

var checkLabels = []string{"zone", "kind", "name"}

// NewMetrics registers the metrics.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		status: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "launchready_check_status",
			Help: "Last status of a check: 0 pass, 1 warn, 2 fail, 3 skip."}, checkLabels),
		failing: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "launchready_check_failing",
			Help: "1 while a check is alerting (failed for --failures consecutive rounds), else 0."}, checkLabels),
		latency: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "launchready_check_latency_seconds",
			Help: "p95 of a declared check's requests in its last round."}, checkLabels),
		roundDur: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "launchready_round_duration_seconds",
			Help: "Duration of the last round of this kind (fast: declared checks; slow: DNS, TLS, redirects, email)."}, []string{"round"}),
		rounds: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "launchready_rounds_total",
			Help: "Rounds run."}, []string{"round"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "launchready_alerts_total",
			Help: "Alerts sent per alert block, by result (sent, error)."}, []string{"alert", "result"}),
	}
	m.reg.MustRegister(m.status, m.failing, m.latency, m.roundDur, m.rounds, m.alerts)
	return m
}

var statusValue = map[verify.Status]float64{verify.Pass: 0, verify.Warn: 1, verify.Fail: 2, verify.Skip: 3}

func (m *Metrics) observeCheck(cs *CheckState) {
	if m == nil {
		return
	}
	l := prometheus.Labels{"zone": cs.Zone, "kind": string(cs.Kind), "name": cs.Name}
	m.status.With(l).Set(statusValue[cs.Status])
	f := 0.0
	if cs.Alerting {
		f = 1
	}
	m.failing.With(l).Set(f)
	if cs.LatencyMs > 0 {
		m.latency.With(l).Set(cs.LatencyMs / 1000)
	}
}

func (m *Metrics) forget(cs *CheckState) {
	if m == nil {
		return
	}
	l := prometheus.Labels{"zone": cs.Zone, "kind": string(cs.Kind), "name": cs.Name}
	m.status.Delete(l)
	m.failing.Delete(l)
	m.latency.Delete(l)
}

func (m *Metrics) observeRound(round string, d time.Duration, at time.Time) {
	if m == nil {
		return
	}
	m.roundDur.WithLabelValues(round).Set(d.Seconds())
	m.rounds.WithLabelValues(round).Inc()
	m.mu.Lock()
	m.lastRound = at
	m.mu.Unlock()
}

func (m *Metrics) observeAlert(alert string, err error) {
	if m == nil {
		return
	}
	result := "sent"
	if err != nil {
		result = "error"
	}
	m.alerts.WithLabelValues(alert, result).Inc()
}

// Handler serves /metrics (Prometheus text format) and /healthz ("ok" and the time
// of the last round).
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		m.mu.Lock()
		last := m.lastRound
		m.mu.Unlock()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if last.IsZero() {
			fmt.Fprintln(w, "ok (first round running)")
			return
		}
		fmt.Fprintf(w, "ok (last round %s)\n", last.UTC().Format(time.RFC3339))
	})
	return mux
}
