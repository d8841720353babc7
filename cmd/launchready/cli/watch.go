package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/schema"
	"github.com/launchready/launchready/verify"
	"github.com/launchready/launchready/watch"
)

// defaultWatchState is where watch keeps its state unless --state says otherwise.
const defaultWatchState = ".launchready/watch/state.json"

type watchFlags struct {
	verify        verifyFlags
	interval      time.Duration
	slowInterval  time.Duration
	failures      int
	state         string
	metricsListen string
	once          bool
}

func newWatchCmd(e *env) *cobra.Command {
	var f watchFlags
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Keep verifying after launch and alert when a check starts failing or recovers",
		Long: `watch runs verify's checks in rounds: the declared check blocks every --interval, and the DNS, TLS (certificate expiry), redirect and email checks every --slow-interval. A check that fails --failures rounds in a row is announced once to every alert block of launch.hcl, and once more when it recovers; the state is kept in --state, so a restart does not announce anything again. One log line per round goes to stderr.

With --metrics-listen, /metrics (Prometheus) and /healthz are served. SIGTERM or Ctrl-C stops watch cleanly (exit 0).

--once runs one round of every check, sends the alerts due and exits: 0 when nothing fails, 4 when a check fails (for cron, CI schedules and systemd timers).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			return e.runWatch(cmd.Context(), cfg, f)
		},
	}
	f.verify.register(cmd, 0)
	cmd.Flags().DurationVar(&f.interval, "interval", watch.DefaultInterval, "how often the declared check blocks run")
	cmd.Flags().DurationVar(&f.slowInterval, "slow-interval", watch.DefaultSlowInterval, "how often the DNS, TLS-expiry, redirect and email checks run")
	cmd.Flags().IntVar(&f.failures, "failures", watch.DefaultFailures, "consecutive failed rounds before a check alerts")
	cmd.Flags().StringVar(&f.state, "state", defaultWatchState, "state file (survives restarts, so nothing is announced twice)")
	cmd.Flags().StringVar(&f.metricsListen, "metrics-listen", "", "serve /metrics and /healthz on this address (e.g. 127.0.0.1:9464)")
	cmd.Flags().BoolVar(&f.once, "once", false, "run one round of every check and exit (0 all pass, 4 a check fails)")
	return cmd
}

func (e *env) runWatch(ctx context.Context, cfg *schema.Config, f watchFlags) error {
	if f.failures < 1 {
		return exitCode(ExitError, fmt.Errorf("--failures must be at least 1"))
	}
	if f.interval <= 0 || f.slowInterval <= 0 {
		return exitCode(ExitError, fmt.Errorf("--interval and --slow-interval must be positive"))
	}
	for _, a := range cfg.Alerts {
		if a.Webhook.Env != "" {
			e.secretEnv = append(e.secretEnv, a.Webhook.Env)
		}
	}
	targets, err := watch.Targets(cfg.Alerts, e.lookup)
	if err != nil {
		return exitCode(ExitError, err)
	}
	opts, cleanup, simMsg, err := e.verifyOptions(ctx, cfg, &f.verify)
	if err != nil {
		return exitCode(ExitError, err)
	}
	defer cleanup()
	log := e.watchLogger()
	if simMsg != "" {
		log.Info("checking the launchready simulator's DNS server and HTTPS edge", "dns", f.verify.resolver)
	}
	if len(targets) == 0 {
		log.Warn("launch.hcl declares no alert block: changes of state are only logged")
	}
	w := &watch.Watcher{
		Verify: func(ctx context.Context, kinds []verify.Kind) (*verify.Report, error) {
			o := opts
			o.Kinds = kinds
			return verify.Run(ctx, cfg, o)
		},
		Targets:      targets,
		StatePath:    f.state,
		Failures:     f.failures,
		Interval:     f.interval,
		SlowInterval: f.slowInterval,
		Log:          log,
	}
	defer w.Close()
	if f.metricsListen != "" {
		w.Metrics = watch.NewMetrics()
		ln, err := net.Listen("tcp", f.metricsListen)
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("--metrics-listen: %w", err))
		}
		if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
			log.Warn("metrics are served beyond loopback, without authentication", "address", ln.Addr().String())
		}
		srv := &http.Server{Handler: w.Metrics.Handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics server stopped", "error", err)
			}
		}()
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_ = srv.Shutdown(sctx)
		}()
		log.Info("serving metrics", "address", "http://"+ln.Addr().String()+"/metrics")
	}
	if f.once {
		failing, err := w.RunOnce(ctx)
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("watch: %w", err))
		}
		if failing {
			return exitCode(ExitCheckFailed, nil)
		}
		return nil
	}
	log.Info("watching", "interval", f.interval.String(), "slow_interval", f.slowInterval.String(), "failures", f.failures,
		"alerts", len(targets), "state", f.state)
	if err := w.Run(ctx); err != nil {
		return exitCode(ExitError, fmt.Errorf("watch: %w", err))
	}
	log.Info("stopped")
	return nil
}

// watchLogger logs watch's rounds at info level (LAUNCHREADY_LOG may change it) to
// stderr, through the same redaction as every other log line.
func (e *env) watchLogger() hclog.Logger {
	level := hclog.Info
	if v := e.getenv("LAUNCHREADY_LOG"); v != "" {
		if l := hclog.LevelFromString(v); l != hclog.NoLevel {
			level = l
		}
	}
	return hclog.New(&hclog.LoggerOptions{Name: "launchready.watch", Level: level, Output: &redactingWriter{e: e, w: e.stderr}, Color: hclog.ColorOff})
}
