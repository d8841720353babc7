package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

// demoToken is the simulator's token during the demo: a throwaway, loopback-only value.
const demoToken = "launchready-demo-token"

func newDemoCmd(e *env) *cobra.Command {
	var keep, brk string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole story end to end on loopback, no account needed",
		Long: `demo starts, in this process and on loopback only: the Cloudflare API simulator, its DNS server and HTTPS edge, and a small origin web server. It writes the demo launch.hcl (examples/demo/launch.hcl) to a directory and runs validate, plan, apply (which verifies DNS, TLS, redirects, email and the dashboard's latency as a customer sees them), plan again (no changes), a drift check after a hand edit, and the DNS map.

Nothing leaves this machine. Files go to a temporary directory, or to --dir.

With --break FAULT the demo seeds one launch fault (--break list names them) and runs validate, plan and apply, then the fault happens and verify catches it: the demo ends with verify's exit code 4.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var fault *demoFault
			if brk != "" {
				if brk == "list" {
					listDemoFaults(e.stdout)
					return nil
				}
				if fault = findDemoFault(brk); fault == nil {
					return exitCode(ExitError, fmt.Errorf("--break %q: unknown fault; `launchready demo --break list` names them", brk))
				}
			}
			return e.demoChecked(cmd, keep, fault)
		},
	}
	cmd.Flags().StringVar(&keep, "dir", "", "write the demo's files (config, snapshots, DNS map) here instead of a temporary directory")
	cmd.Flags().StringVar(&brk, "break", "", "seed one launch fault and show verify catching it (\"list\" lists the faults)")
	return cmd
}

// demoChecked runs the demo; with LAUNCHREADY_SIM_CONFORMANCE=FILE (the end-to-end
// tests set it) its simulator validates every exchange against the Cloudflare schema
// in FILE, and any failure (each printed as it happens) fails the demo.
func (e *env) demoChecked(cmd *cobra.Command, dir string, fault *demoFault) error {
	path := e.getenv(envSimConformance)
	if path == "" {
		return e.demo(cmd, dir, fault, nil)
	}
	c, err := newSimConformance(path, e.stderr)
	if err != nil {
		return exitCode(ExitError, fmt.Errorf("%s: %w", envSimConformance, err))
	}
	if err := e.demo(cmd, dir, fault, c); err != nil {
		return err
	}
	if fs := c.Failures(); len(fs) > 0 {
		return exitCode(ExitError, fmt.Errorf("%d exchanges with the demo's simulator do not conform to the Cloudflare schema (listed above)", len(fs)))
	}
	return nil
}

func (e *env) demo(cmd *cobra.Command, dir string, fault *demoFault, checker *conformance.Checker) error {
	ctx := cmd.Context()
	keep := dir != ""
	if dir == "" {
		tmp, err := os.MkdirTemp("", "launchready-demo-")
		if err != nil {
			return exitCode(ExitError, err)
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return exitCode(ExitError, err)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return exitCode(ExitError, err)
	}
	wo := simWorldOptions{api: sim.Options{Token: demoToken, Zones: []string{"example.com", "mailhost.net"}, Logger: e.log, Conformance: checker}, logger: e.log}
	if fault != nil && fault.world != nil {
		fault.world(&wo)
	}
	w, err := startSimWorld(wo)
	if err != nil {
		return exitCode(ExitError, fmt.Errorf("starting the demo world: %w", err))
	}
	defer w.close()
	if err := seedDemoZone(ctx, w.base); err != nil {
		return exitCode(ExitError, fmt.Errorf("preparing the demo zone: %w", err))
	}
	cfgPath := filepath.Join(dir, "launch.hcl")
	if err := os.WriteFile(cfgPath, examples.DemoConfig, 0o644); err != nil {
		return exitCode(ExitError, err)
	}
	// Snapshots, the verify report and DNS-MAP.md are written relative to the working
	// directory, as in a real project: run the story inside the demo directory.
	prev, err := os.Getwd()
	if err != nil {
		return exitCode(ExitError, err)
	}
	if err := os.Chdir(dir); err != nil {
		return exitCode(ExitError, err)
	}
	defer os.Chdir(prev)

	overlay := map[string]string{"CLOUDFLARE_BASE_URL": w.base, "CLOUDFLARE_API_TOKEN": demoToken}
	lookup := func(k string) (string, bool) {
		if v, ok := overlay[k]; ok {
			return v, true
		}
		return e.lookup(k)
	}
	fmt.Fprintf(e.stdout, "launchready demo — everything below runs on this machine, on loopback:\n")
	fmt.Fprintf(e.stdout, "  Cloudflare API simulator  %s (zone example.com, two records already made by hand)\n", w.base)
	fmt.Fprintf(e.stdout, "  its DNS server            %s\n", w.edge.DNSAddr())
	fmt.Fprintf(e.stdout, "  its HTTPS edge            %s (HTTP %s), certificates from a local CA\n", w.edge.HTTPSAddr(), w.edge.HTTPAddr())
	fmt.Fprintf(e.stdout, "  the product's origin      %s\n", w.origin.Addr())
	fmt.Fprintf(e.stdout, "  config                    %s\n", cfgPath)

	type step struct {
		title  string
		args   []string
		want   int
		before func() error
	}
	steps := []step{
		{title: "Validate the config offline", args: []string{"validate"}, want: ExitOK},
		{title: "Plan: what would change (the hand-made records are left alone)", args: []string{"plan", "--detailed-exitcode"}, want: ExitChanges},
		{title: "Apply: snapshot, batch write, re-read, then verify what customers see", args: []string{"apply", "--auto-approve"}, want: ExitOK},
		{title: "Plan again: nothing left to do, no perpetual diff", args: []string{"plan", "--detailed-exitcode"}, want: ExitOK},
		{title: "Someone turns off the proxy for app.example.com in the dashboard; scheduled drift detection notices", args: []string{"drift", "--markdown"}, want: ExitChanges,
			before: func() error { return demoHandEdit(ctx, w.base) }},
		{title: "Apply repairs the drift", args: []string{"apply", "--auto-approve", "--no-verify"}, want: ExitOK},
		{title: "Hand over: the DNS map for the next maintainer", args: []string{"handover", "--out", "DNS-MAP.md"}, want: ExitOK},
	}
	if fault != nil {
		fmt.Fprintf(e.stdout, "  seeded fault              %s: %s\n", fault.name, fault.what)
		steps = []step{
			steps[0], steps[1],
			{title: "Apply (verify comes after the fault)", args: []string{"apply", "--auto-approve", "--no-verify"}, want: ExitOK},
			{title: "The fault happens: " + fault.what + "; verify catches it", args: []string{"verify"}, want: ExitCheckFailed,
				before: func() error {
					if fault.after == nil {
						return nil
					}
					return fault.after(ctx, w)
				}},
		}
	}
	for i, st := range steps {
		if st.before != nil {
			if err := st.before(); err != nil {
				return exitCode(ExitError, fmt.Errorf("demo step %q: %w", st.title, err))
			}
		}
		fmt.Fprintf(e.stdout, "\n── %d. %s\n$ launchready %s\n\n", i+1, st.title, strings.Join(st.args, " "))
		args := append(append([]string{}, st.args...), "--config", cfgPath)
		if code := run(ctx, args, e.stdin, e.stdout, e.stderr, lookup); code != st.want {
			return exitCode(ExitError, fmt.Errorf("demo step %q exited %d, expected %d", st.title, code, st.want))
		}
	}
	if fault != nil {
		fmt.Fprintf(e.stdout, "\nverify caught the seeded fault %q (exit %d): the FAIL lines above are what a broken launch looks like.\n", fault.name, ExitCheckFailed)
		return exitCode(ExitCheckFailed, nil)
	}
	total := 0
	for _, n := range w.api.Stats() {
		total += n
	}
	fmt.Fprintf(e.stdout, "\nDemo complete: %d Cloudflare API requests in all. ", total)
	if keep {
		fmt.Fprintf(e.stdout, "Files: %s (launch.hcl, DNS-MAP.md, .launchready/).\n", dir)
	} else {
		fmt.Fprintln(e.stdout, "Run `launchready demo --dir DIR` to keep its files (launch.hcl, DNS-MAP.md, snapshots).")
	}
	return nil
}
