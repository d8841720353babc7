package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/email/analysis"
	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/schema"
	"github.com/launchready/launchready/verify"
)

// verifyReportPath is where the latest verify report is kept for the DNS map.
const verifyReportPath = ".launchready/verify/latest.json"

type verifyFlags struct {
	json          bool
	resolver      string
	caFile        string
	wait          time.Duration
	baseline      string
	maxRegression float64
	zones         []string
	httpPort      int
	httpsPort     int
}

func (f *verifyFlags) register(cmd *cobra.Command, wait time.Duration) {
	cmd.Flags().StringVar(&f.resolver, "resolver", "", "send every DNS query to HOST:PORT (taken as the zones' authoritative server)")
	cmd.Flags().StringVar(&f.caFile, "ca-file", "", "PEM file of extra trusted root certificates (in addition to the system roots)")
	cmd.Flags().IntVar(&f.httpPort, "http-port", 0, "dial this port instead of 80 (test worlds on loopback)")
	cmd.Flags().IntVar(&f.httpsPort, "https-port", 0, "dial this port instead of 443 (test worlds on loopback)")
	_ = cmd.Flags().MarkHidden("http-port")
	_ = cmd.Flags().MarkHidden("https-port")
	cmd.Flags().DurationVar(&f.wait, "wait", wait, "wait up to this long for every authoritative server to serve the desired records (0: check once)")
}

func newVerifyCmd(e *env) *cobra.Command {
	var f verifyFlags
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Prove the launch works as a customer sees it",
		Long: `verify runs every check derived from launch.hcl against the live world: DNS on each authoritative server, TLS on every HTTPS hostname, one-hop redirects, email authentication (SPF tree, DKIM, DMARC) and the declared HTTP checks with their latency and error budgets.

Exit codes: 0 all checks pass (warnings allowed), 1 an error prevented checking, 4 a check failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			return e.runVerify(cmd.Context(), cfg, f)
		},
	}
	f.register(cmd, 0)
	cmd.Flags().BoolVar(&f.json, "json", false, "print the report as JSON (format_version "+verify.FormatVersion+")")
	cmd.Flags().StringVar(&f.baseline, "baseline", "", "compare p95 latencies with an earlier --json report")
	cmd.Flags().Float64Var(&f.maxRegression, "max-regression", 0.20, "fail when a p95 regressed by more than this fraction of the baseline")
	cmd.Flags().StringArrayVar(&f.zones, "zone", nil, "verify only this zone (repeatable)")
	return cmd
}

// runVerify runs the checks, prints the report, saves it for the DNS map and returns
// the exit code as an error (nil when everything passed).
func (e *env) runVerify(ctx context.Context, cfg *schema.Config, f verifyFlags) error {
	cfg, err := restrictZones(cfg, f.zones)
	if err != nil {
		return exitCode(ExitError, err)
	}
	// An RFC 2136 zone is checked on the server it is managed on (its provider block's
	// server), unless --resolver says where to look for everything.
	var zoneServers map[string]string
	if f.resolver == "" {
		for _, z := range cfg.Zones {
			if p := cfg.Providers[z.Provider]; p != nil && p.Kind == "rfc2136" && p.Server != "" {
				if zoneServers == nil {
					zoneServers = map[string]string{}
				}
				zoneServers[z.Name] = p.Server
			}
		}
	}
	// Against the local simulator, verify what its edge serves (found through
	// CLOUDFLARE_BASE_URL) rather than the Internet, unless told otherwise.
	if base := e.getenv("CLOUDFLARE_BASE_URL"); base != "" && f.resolver == "" && f.caFile == "" {
		if info, ok := fetchSimEdge(ctx, base, e.getenv("CLOUDFLARE_API_TOKEN")); ok {
			sf, cleanup, err := simEdgeFlags(info)
			if err != nil {
				return exitCode(ExitError, fmt.Errorf("writing the simulator's CA: %w", err))
			}
			defer cleanup()
			f.resolver, f.caFile, f.httpPort, f.httpsPort = sf.resolver, sf.caFile, sf.httpPort, sf.httpsPort
			if !f.json {
				fmt.Fprintf(e.stdout, "(CLOUDFLARE_BASE_URL is the launchready simulator: checking its DNS server %s and HTTPS edge)\n", f.resolver)
			}
		}
	}
	opts := verify.Options{
		Resolver:      f.resolver,
		ZoneServers:   zoneServers,
		CAFile:        f.caFile,
		Wait:          f.wait,
		HTTPPort:      f.httpPort,
		HTTPSPort:     f.httpsPort,
		MaxRegression: f.maxRegression,
		// The flag defaults to 0.20, so its value is always what the user wants:
		// --max-regression 0 means any regression fails.
		MaxRegressionSet: true,
		EmailAnalyze:     emailAnalyzer(cfg, f.resolver),
	}
	if f.baseline != "" {
		fh, err := os.Open(f.baseline)
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("--baseline: %w", err))
		}
		b, err := verify.ReadJSON(fh)
		fh.Close()
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("--baseline %s: %w", f.baseline, err))
		}
		opts.Baseline = b
	}
	if isTerminal(e.stderr) && !f.json {
		opts.Progress = func(done, total int, current string) {
			fmt.Fprintf(e.stderr, "\r\033[Kverifying %d/%d %s", done, total, current)
		}
	}
	rep, err := verify.Run(ctx, cfg, opts)
	if opts.Progress != nil {
		fmt.Fprint(e.stderr, "\r\033[K")
	}
	if err != nil {
		return exitCode(ExitError, fmt.Errorf("verify: %w", err))
	}
	if f.json {
		err = verify.RenderJSON(e.stdout, rep)
	} else {
		err = verify.RenderText(e.stdout, rep, e.color(e.stdout))
	}
	if err != nil {
		return exitCode(ExitError, err)
	}
	if err := saveVerifyReport(rep); err != nil {
		e.log.Warn("could not save the verify report for the DNS map", "error", err)
	}
	if rep.Failed() {
		return exitCode(ExitCheckFailed, nil)
	}
	return nil
}

func saveVerifyReport(rep *verify.Report) error {
	var buf bytes.Buffer
	if err := verify.RenderJSON(&buf, rep); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(verifyReportPath), 0o755); err != nil {
		return err
	}
	return writeFileAtomic(verifyReportPath, buf.Bytes(), 0o644)
}

// emailAnalyzer adapts the email package's online analysis to verify's hook.
func emailAnalyzer(cfg *schema.Config, resolver string) func(ctx context.Context, domain string) []verify.Result {
	r := email.NewDNSResolver(resolver)
	return func(ctx context.Context, domain string) []verify.Result {
		z := cfg.Zone(domain)
		if z == nil || z.Email == nil {
			return nil
		}
		var out []verify.Result
		for _, fd := range analysis.Analyze(ctx, r, domain, z.Email) {
			st := verify.Pass // email.Info: a fact worth showing, not a problem
			switch fd.Severity {
			case email.Error:
				st = verify.Fail
			case email.Warning:
				st = verify.Warn
			}
			res := verify.Result{Zone: domain, Kind: verify.KindEmail, Name: domain, Check: fd.Check, Status: st, Reason: fd.Message}
			if len(fd.Chain) > 0 {
				res.Details = map[string]any{"chain": fd.Chain}
			}
			out = append(out, res)
		}
		checked := map[string]bool{}
		for _, fd := range out {
			checked[fd.Check] = true
		}
		for _, c := range []string{"spf", "dkim", "dmarc"} {
			declared := (c == "spf" && z.Email.SPF != nil) || (c == "dkim" && len(z.Email.DKIM) > 0) || (c == "dmarc" && z.Email.DMARC != nil)
			if declared && !checked[c] {
				out = append(out, verify.Result{Zone: domain, Kind: verify.KindEmail, Name: domain, Check: c, Status: verify.Pass, Reason: "published and valid: no finding"})
			}
		}
		return out
	}
}

// restrictZones returns cfg limited to the named zones (all when zones is empty).
func restrictZones(cfg *schema.Config, zones []string) (*schema.Config, error) {
	if len(zones) == 0 {
		return cfg, nil
	}
	sel, err := (&engine.Engine{Config: cfg, Zones: zones}).SelectedZones()
	if err != nil {
		return nil, err
	}
	c := *cfg
	c.Zones = sel
	return &c, nil
}
