package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/examples"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// demoToken is the simulator's token during the demo: a throwaway, loopback-only value.
const demoToken = "launchready-demo-token"

func newDemoCmd(e *env) *cobra.Command {
	var keep string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole story end to end on loopback, no account needed",
		Long: `demo starts the Cloudflare simulator in-process on loopback, writes the demo launch.hcl (examples/demo/launch.hcl) to a temporary directory, and runs validate, plan, apply and plan again, showing that the second plan has nothing to do.

Nothing leaves this machine. Use --dir to keep the demo's files (config, snapshots) in a directory of your choice.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return e.demo(cmd, keep)
		},
	}
	cmd.Flags().StringVar(&keep, "dir", "", "write the demo's files here instead of a temporary directory")
	return cmd
}

func (e *env) demo(cmd *cobra.Command, dir string) error {
	ctx := cmd.Context()
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
	s, err := sim.New(sim.Options{Token: demoToken, Zones: []string{"example.com"}, Logger: e.log})
	if err != nil {
		return exitCode(ExitError, err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		return exitCode(ExitError, err)
	}
	defer s.Close()
	if err := seedDemoZone(ctx, base); err != nil {
		return exitCode(ExitError, fmt.Errorf("preparing the demo zone: %w", err))
	}
	cfgPath := filepath.Join(dir, "launch.hcl")
	if err := os.WriteFile(cfgPath, examples.DemoConfig, 0o644); err != nil {
		return exitCode(ExitError, err)
	}
	overlay := map[string]string{
		"CLOUDFLARE_BASE_URL":  base,
		"CLOUDFLARE_API_TOKEN": demoToken,
	}
	lookup := func(k string) (string, bool) {
		if v, ok := overlay[k]; ok {
			return v, true
		}
		return e.lookup(k)
	}
	fmt.Fprintf(e.stdout, "launchready demo: a simulated Cloudflare account on %s with zone example.com.\n", base)
	fmt.Fprintf(e.stdout, "The zone already holds two records made by hand in the dashboard; launchready must leave them alone.\n")
	fmt.Fprintf(e.stdout, "Config: %s\n", cfgPath)
	snapDir := filepath.Join(dir, ".launchready", "snapshots")
	steps := []struct {
		title string
		args  []string
		want  int
	}{
		{"Validate the config offline", []string{"validate"}, ExitOK},
		{"Plan: what would change", []string{"plan", "--detailed-exitcode"}, ExitChanges},
		{"Apply: snapshot, batch write, re-read", []string{"apply", "--auto-approve", "--no-verify", "--snapshot-dir", snapDir}, ExitOK},
		{"Plan again: nothing left to do, no perpetual diff", []string{"plan", "--detailed-exitcode"}, ExitOK},
	}
	steps = append(steps, demoExtraSteps(dir)...)
	for i, st := range steps {
		args := append(append([]string{}, st.args...), "--config", cfgPath)
		fmt.Fprintf(e.stdout, "\n── %d. %s\n$ launchready %s\n\n", i+1, st.title, strings.Join(st.args, " "))
		code := run(ctx, args, e.stdin, e.stdout, e.stderr, lookup)
		if code != st.want {
			return exitCode(ExitError, fmt.Errorf("demo step %q exited %d, expected %d", st.title, code, st.want))
		}
	}
	stats := s.Stats()
	total := 0
	for _, n := range stats {
		total += n
	}
	fmt.Fprintf(e.stdout, "\nDemo complete: the simulator served %d API requests in all.\n", total)
	return nil
}

// demoExtraSteps are the demo's later chapters (verify, handover…), appended by the
// files that implement them.
var demoExtraSteps = func(dir string) []struct {
	title string
	args  []string
	want  int
} {
	return nil
}
