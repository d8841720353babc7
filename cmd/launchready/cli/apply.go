package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/verify"
)

type applyFlags struct {
	autoApprove      bool
	noVerify         bool
	allowMassChanges bool
	zones            []string
	snapshotDir      string
	mapPath          string
	lockTimeout      time.Duration
	verify           verifyFlags
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
	cmd.Flags().StringVar(&f.mapPath, "map", DefaultMapPath, `where to write the DNS map after apply ("" = don't)`)
	cmd.Flags().DurationVar(&f.lockTimeout, "lock-timeout", 0, "how long to wait for another apply's lock on a zone (0 = fail at once, naming the holder)")
	f.verify.register(cmd, verify.DefaultWait)
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
	if err := plan.RenderText(e.stdout, p, plan.TextOptions{Color: color}); err != nil {
		return exitCode(ExitError, err)
	}
	if !p.HasChanges() {
		return e.afterApply(cmd, f, eng, nil, live, false)
	}
	if msgs := p.MassChanges(plan.DefaultMassThreshold, plan.DefaultMassMin); len(msgs) > 0 && !f.allowMassChanges {
		return exitCode(ExitError, fmt.Errorf("refusing a mass change:\n  %s\nIf this is intended, re-run with --allow-mass-changes", strings.Join(msgs, "\n  ")))
	}
	// A saved plan was reviewed when it was made: applying it is the confirmation.
	prompted := !f.autoApprove && saved == nil
	if err := e.confirm(!prompted, "Do you want to apply these changes?"); err != nil {
		return err
	}
	// No write on a stale read: a person took time to confirm, and someone may have
	// edited the zone meanwhile, so live state is read again and the apply refused,
	// changing nothing, if anything this plan writes moved.
	refresh := func() error {
		fresh, freshLive, err := eng.Plan(ctx)
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("re-reading live state before applying: %w. Nothing was changed", err))
		}
		if zones := plan.StaleWrites(p, fresh); len(zones) > 0 {
			return exitCode(ExitError, fmt.Errorf("live state changed since the plan was shown (zone %s: a record, setting or rule it writes was edited, or another apply ran). Nothing was changed. Run plan again and review the new plan", strings.Join(zones, ", ")))
		}
		p, live = fresh, freshLive
		return nil
	}
	if prompted {
		if err := refresh(); err != nil {
			return err
		}
	}
	var snap *engine.Snapshot
	applyErr, err := e.writeLocked(ctx, eng, f.lockTimeout, func() (*plan.Plan, map[string]*model.LiveZone) { return p, live }, refresh,
		func() (func(), error) {
			snap = engine.NewSnapshot(p, live, time.Now())
			snap.ConfigFile = e.configPath
			if err := snap.Write(f.snapshotDir); err != nil {
				return nil, exitCode(ExitError, fmt.Errorf("%w. Nothing was changed", err))
			}
			fmt.Fprintf(e.stdout, "\nSnapshot of the live state being changed: %s\n", snap.Path)
			prog := newProgress(e, "applying")
			defer prog.done()
			return func() { removeSnapshot(e, snap) }, eng.Apply(ctx, p, live, prog.step)
		})
	if err != nil {
		return err
	}
	err = applyErr
	var xe *exitError
	if errors.As(err, &xe) {
		return err // the snapshot could not be written: nothing was changed
	}
	if err != nil {
		return exitCode(ExitError, fmt.Errorf("apply failed: %w\nIf part of the plan was applied, `launchready plan` shows what remains, and `launchready rollback %s` restores the state before this apply", err, snap.Path))
	}
	return e.afterApply(cmd, f, eng, p, live, true)
}

// writeLocked runs write (snapshot and apply) for the plan current returns, under the
// apply locks of its zones: one writer per zone, and no write on a stale read. The
// lock is taken against the state the plan was read from (engine.Lock), or, when it
// cannot vouch for that read, taken plainly and followed by refresh (which reads again
// and refuses what moved). When the lock, taken with the first write, is refused
// (another apply ran since the read, or holds it and the caller waits), nothing was
// written: it undoes what write prepared (the snapshot), takes the lock plainly,
// refreshes and writes once more — or, when the lock is held and the caller does not
// wait, returns that as err. err is a failure to lock or refresh (nothing was
// written); writeErr is write's.
func (e *env) writeLocked(ctx context.Context, eng *engine.Engine, timeout time.Duration, current func() (*plan.Plan, map[string]*model.LiveZone),
	refresh func() error, write func() (undo func(), err error)) (writeErr, err error) {
	info := engine.NewLockInfo(time.Now())
	p, live := current()
	release, reread, err := eng.Lock(ctx, p, live, info, timeout)
	if err != nil {
		return nil, exitCode(ExitError, err)
	}
	defer func() { release() }()
	for {
		if reread {
			if err := refresh(); err != nil {
				return nil, err
			}
		}
		undo, werr := write()
		if reread || !engine.LockRefused(werr, true) {
			return werr, nil
		}
		// The lock, taken with the first write, was refused: nothing was written.
		if undo != nil {
			undo()
		}
		if !engine.LockRefused(werr, timeout > 0) {
			return nil, exitCode(ExitError, werr) // held by another apply, and not waiting: that is the answer
		}
		release()
		if le := (*ownership.LockedError)(nil); errors.As(werr, &le) {
			// Waiting: the error's advice ("use --lock-timeout") is not for this run.
			fmt.Fprintf(e.stdout, "zone %s is locked by another apply: %s; waiting up to %s for it, then reading live state again. Nothing was changed.\n", le.Zone, le.Info.Describe(le.Now), timeout)
		} else {
			fmt.Fprintf(e.stdout, "%v; taking the lock and reading live state again.\n", werr)
		}
		p, _ = current()
		if release, _, err = eng.Lock(ctx, p, nil, info, timeout); err != nil {
			release = func() {}
			return nil, exitCode(ExitError, err)
		}
		reread = true
	}
}

// afterApply proves convergence when something changed: the live state after apply
// (from what the writes answered, or read again where they cannot tell) plans no
// change. Otherwise live is the state just read. Then it runs the post-apply steps
// (verify, handover map), which use that state.
func (e *env) afterApply(cmd *cobra.Command, f applyFlags, eng *engine.Engine, applied *plan.Plan, live map[string]*model.LiveZone, changed bool) error {
	ctx := cmd.Context()
	if changed {
		p, after, err := eng.PlanAfter(ctx, applied, live)
		if err != nil {
			return exitCode(ExitError, fmt.Errorf("checking live state after apply: %w", err))
		}
		if p.HasChanges() {
			_ = plan.RenderText(e.stderr, p, plan.TextOptions{}) // best effort: the error below is what matters
			return exitCode(ExitError, engine.ErrNotConverged)
		}
		live = after
		s := p.Summary()
		fmt.Fprintf(e.stdout, "\nApply complete. Live state after apply: converged, no changes remaining (%d unmanaged left alone).\n", s.Unmanaged)
	}
	var verifyErr error
	if !f.noVerify {
		fmt.Fprintln(e.stdout, "\nVerifying what customers see:")
		vf := f.verify
		vf.zones = eng.Zones
		if !changed {
			vf.wait = 0
		}
		verifyErr = e.runVerify(ctx, eng.Config, vf)
	}
	if f.mapPath != "" {
		if err := e.writeHandover(ctx, eng, f.mapPath, live, !f.noVerify); err != nil {
			return exitCode(ExitError, fmt.Errorf("writing the DNS map: %w", err))
		}
		fmt.Fprintf(e.stdout, "\nDNS map written to %s.\n", f.mapPath)
	}
	if verifyErr != nil {
		var xe *exitError
		if errors.As(verifyErr, &xe) && xe.code == ExitCheckFailed {
			return exitCode(ExitError, errors.New("the changes were applied, but verify found failing checks (see above); fix them or roll back with `launchready rollback` and the snapshot above"))
		}
		return verifyErr
	}
	return nil
}

func readPlanFile(path string) (*plan.Plan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := plan.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("%s is not a saved launchready plan: %w", path, err)
	}
	if p.LiveFingerprint == "" || p.ConfigFingerprint == "" {
		return nil, fmt.Errorf("%s is not a saved launchready plan (no fingerprints)", path)
	}
	return p, nil
}

// removeSnapshot drops the snapshot of a write that changed nothing (its lock was
// refused), and says so: its path was printed.
func removeSnapshot(e *env, s *engine.Snapshot) {
	if err := s.Remove(); err == nil {
		fmt.Fprintf(e.stdout, "Nothing was changed: snapshot %s removed.\n", s.Path)
	}
}
