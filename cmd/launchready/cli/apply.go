package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/plan"
)

type applyFlags struct {
	autoApprove      bool
	noVerify         bool
	allowMassChanges bool
	zones            []string
	snapshotDir      string
}

func newApplyCmd(e *env) *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE]",
		Short: "Make live state match launch.hcl",
		Long: `apply shows the plan, asks for "yes", writes a snapshot of the live state it is about to change (under .launchready/snapshots/), applies the changes, re-reads live state to prove it converged, then verifies.

With PLANFILE (from "plan --out") it applies exactly that plan, and refuses if live state or the config changed since.
Without --auto-approve it refuses to run when stdin is not a terminal.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			planFile := ""
			if len(args) == 1 {
				planFile = args[0]
			}
			return e.apply(cmd, f, planFile)
		},
	}
	cmd.Flags().BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().BoolVar(&f.noVerify, "no-verify", false, "skip the checks after apply")
	cmd.Flags().BoolVar(&f.allowMassChanges, "allow-mass-changes", false, "allow a plan that deletes or rewrites a large share of a zone's records")
	cmd.Flags().StringArrayVar(&f.zones, "zone", nil, "apply only this zone (repeatable)")
	cmd.Flags().StringVar(&f.snapshotDir, "snapshot-dir", engine.DefaultSnapshotDir, "where to write the pre-apply snapshot")
	return cmd
}

func (e *env) apply(cmd *cobra.Command, f applyFlags, planFile string) error {
	ctx := cmd.Context()
	var saved *plan.Plan
	zones := f.zones
	if planFile != "" {
		var err error
		saved, err = readPlanFile(planFile)
		if err != nil {
			return exitCode(ExitError, err)
		}
		if len(zones) == 0 {
			for _, z := range saved.Zones {
				zones = append(zones, z.Zone)
			}
		}
	}
	eng, err := e.newEngine(zones)
	if err != nil {
		return err
	}
	if saved != nil && saved.ConfigFingerprint != eng.Config.Fingerprint {
		return exitCode(ExitError, fmt.Errorf("%s was made from a different %s (the config or its variables changed since): run plan again", planFile, e.configPath))
	}
	p, live, err := eng.Plan(ctx)
	if err != nil {
		return exitCode(ExitError, err)
	}
	if saved != nil && saved.LiveFingerprint != p.LiveFingerprint {
		return exitCode(ExitError, fmt.Errorf("%s is stale: live state changed since the plan was made (someone edited a record, setting or rule). Nothing was changed. Run plan again and review the new plan", planFile))
	}
	color := e.color(e.stdout)
	plan.RenderText(e.stdout, p, plan.TextOptions{Color: color})
	if !p.HasChanges() {
		return e.afterApply(cmd, f, eng, false)
	}
	if msgs := p.MassChanges(plan.DefaultMassThreshold, plan.DefaultMassMin); len(msgs) > 0 && !f.allowMassChanges {
		return exitCode(ExitError, fmt.Errorf("refusing a mass change:\n  %s\nIf this is intended, re-run with --allow-mass-changes", strings.Join(msgs, "\n  ")))
	}
	if !f.autoApprove && saved == nil {
		if !isTerminal(e.stdin) {
			return exitCode(ExitError, errors.New("refusing to apply: stdin is not a terminal, so the plan cannot be confirmed. Re-run with --auto-approve (e.g. in CI, ideally with a saved plan: launchready plan --out plan.json && launchready apply plan.json)"))
		}
		fmt.Fprint(e.stdout, "\nDo you want to apply these changes? Only 'yes' will be accepted: ")
		line, _ := bufio.NewReader(e.stdin).ReadString('\n')
		if strings.TrimSpace(line) != "yes" {
			fmt.Fprintln(e.stdout, "Apply cancelled. Nothing was changed.")
			return exitCode(ExitError, nil)
		}
	}
	snap := engine.NewSnapshot(p, live, time.Now())
	snap.ConfigFile = e.configPath
	if err := snap.Write(f.snapshotDir); err != nil {
		return exitCode(ExitError, fmt.Errorf("%w. Nothing was changed", err))
	}
	fmt.Fprintf(e.stdout, "\nSnapshot of the live state being changed: %s\n", snap.Path)
	prog := newProgress(e, "applying")
	err = eng.Apply(ctx, p, live, prog.step)
	prog.done()
	if err != nil {
		return exitCode(ExitError, fmt.Errorf("apply failed: %w\nTo restore what was applied so far: launchready rollback %s", err, snap.Path))
	}
	return e.afterApply(cmd, f, eng, true)
}

// afterApply re-reads live state and proves convergence, then runs the post-apply
// steps (verify, handover map).
func (e *env) afterApply(cmd *cobra.Command, f applyFlags, eng *engine.Engine, changed bool) error {
	ctx := cmd.Context()
	if changed {
		p, _, err := eng.Plan(ctx)
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("re-reading live state after apply: %w", err))
		}
		if p.HasChanges() {
			plan.RenderText(e.stderr, p, plan.TextOptions{})
			return exitCode(ExitError, engine.ErrNotConverged)
		}
		s := p.Summary()
		fmt.Fprintf(e.stdout, "\nApply complete. Re-read live state: converged, no changes remaining (%d unmanaged left alone).\n", s.Unmanaged)
	}
	for _, step := range postApplySteps {
		if err := step(e, cmd, f, eng); err != nil {
			return err
		}
	}
	return nil
}

// postApplySteps run after a converged apply (verify, handover); later files append.
var postApplySteps []func(e *env, cmd *cobra.Command, f applyFlags, eng *engine.Engine) error

func readPlanFile(path string) (*plan.Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p plan.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s is not a saved launchready plan: %w", path, err)
	}
	if p.FormatVersion == "" || p.LiveFingerprint == "" {
		return nil, fmt.Errorf("%s is not a saved launchready plan (no format_version/live_fingerprint)", path)
	}
	if !strings.HasPrefix(p.FormatVersion, strings.SplitN(plan.FormatVersion, ".", 2)[0]+".") {
		return nil, fmt.Errorf("%s has plan format %s; this launchready reads %s", path, p.FormatVersion, plan.FormatVersion)
	}
	return &p, nil
}
