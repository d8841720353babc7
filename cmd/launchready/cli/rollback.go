package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

func newRollbackCmd(e *env) *cobra.Command {
	var (
		autoApprove bool
		snapDir     string
		lockTimeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "rollback SNAPSHOT",
		Short: "Restore what an apply changed, from its snapshot",
		Long: `rollback shows the plan that restores the snapshot's managed objects — records the apply created are deleted, records it deleted or changed are put back, settings get their previous values, launchready's rules return to their previous content (hand-made rules are left as they are now) — and applies it on "yes".

It writes a snapshot of its own first, so a rollback can be rolled back. List snapshots with "launchready snapshots".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			snap, err := engine.ReadSnapshot(args[0])
			if err != nil {
				return exitCode(ExitError, err)
			}
			cfg, err := e.rollbackConfig()
			if err != nil {
				return err
			}
			for _, z := range snap.Zones {
				if z.Provider != "cloudflare" && cfg.Providers[z.Provider] == nil {
					return exitCode(ExitError, fmt.Errorf("snapshot zone %s uses provider %q, which %s does not declare", z.Zone, z.Provider, e.configPath))
				}
				cfg.Zones = append(cfg.Zones, &schema.Zone{Name: z.Zone, Provider: z.Provider})
			}
			eng, err := e.engineFor(cfg, nil)
			if err != nil {
				return err
			}
			read := func() (map[string]*model.LiveZone, error) {
				live := map[string]*model.LiveZone{}
				for _, z := range snap.Zones {
					var ids []string
					if z.Settings != nil {
						for id := range z.Settings.Values {
							ids = append(ids, id)
						}
						if z.Settings.HSTS != nil {
							ids = append(ids, model.SettingSecurityHeader)
						}
					}
					lz, err := eng.ReadZoneFrom(ctx, z.Zone, z.Provider, ids)
					if err != nil {
						return nil, err
					}
					live[z.Zone] = lz
				}
				return live, nil
			}
			live, err := read()
			if err != nil {
				return exitCode(ExitError, err)
			}
			p, err := engine.RestorePlan(snap, live)
			if err != nil {
				return exitCode(ExitError, err)
			}
			fmt.Fprintf(e.stdout, "Rolling back the apply of %s (snapshot %s).\n\n", snap.CreatedAt.Format(time.RFC3339), snap.Path)
			if err := plan.RenderText(e.stdout, p, plan.TextOptions{Color: e.color(e.stdout)}); err != nil {
				return exitCode(ExitError, err)
			}
			if !p.HasChanges() {
				fmt.Fprintln(e.stdout, "\nNothing to restore: live state already matches the snapshot.")
				return nil
			}
			if err := e.confirm(autoApprove, "Do you want to restore the snapshot?"); err != nil {
				return err
			}
			// Like apply: no write on a stale read (after a confirmation, live state is
			// read again and the restore refused, changing nothing, if what it writes
			// moved since it was shown), and one writer per zone (the zone's lock, taken
			// against the final read, or else followed by another read).
			refresh := func() error {
				freshLive, err := read()
				if err != nil {
					return exitCode(ExitError, fmt.Errorf("re-reading live state before rolling back: %w. Nothing was changed", err))
				}
				fresh, err := engine.RestorePlan(snap, freshLive)
				if err != nil {
					return exitCode(ExitError, err)
				}
				if zones := plan.StaleWrites(p, fresh); len(zones) > 0 {
					return exitCode(ExitError, fmt.Errorf("live state changed since the rollback was shown (zone %s). Nothing was changed. Run rollback again and review it", strings.Join(zones, ", ")))
				}
				p, live = fresh, freshLive
				return nil
			}
			if !autoApprove {
				if err := refresh(); err != nil {
					return err
				}
			}
			var own *engine.Snapshot
			restoreErr, err := e.writeLocked(ctx, eng, lockTimeout, func() (*plan.Plan, map[string]*model.LiveZone) { return p, live }, refresh,
				func() (func(), error) {
					own = engine.NewSnapshot(p, live, time.Now())
					own.ConfigFile = e.configPath
					if err := own.Write(snapDir); err != nil {
						return nil, exitCode(ExitError, fmt.Errorf("%w. Nothing was changed", err))
					}
					fmt.Fprintf(e.stdout, "\nSnapshot of the live state being changed: %s\n", own.Path)
					return func() { removeSnapshot(e, own) }, eng.Apply(ctx, p, live, nil)
				})
			if err != nil {
				return err
			}
			var xe *exitError
			if errors.As(restoreErr, &xe) {
				return restoreErr // the snapshot could not be written: nothing was changed
			}
			if restoreErr != nil {
				return exitCode(ExitError, fmt.Errorf("rollback failed: %w\nRun the same rollback again to finish restoring (it re-reads and restores only what still differs from the snapshot); the snapshot of the state before this rollback is %s", restoreErr, own.Path))
			}
			live, err = read()
			if err != nil {
				return exitCode(ExitError, fmt.Errorf("re-reading live state after rollback: %w", err))
			}
			again, err := engine.RestorePlan(snap, live)
			if err != nil {
				return exitCode(ExitError, err)
			}
			if again.HasChanges() {
				return exitCode(ExitError, fmt.Errorf("live state does not match the snapshot after rollback"))
			}
			fmt.Fprintln(e.stdout, "\nRollback complete: live state matches the snapshot again. Run `launchready plan` to see how it differs from launch.hcl.")
			return nil
		},
	}
	cmd.Flags().BoolVar(&autoApprove, "auto-approve", false, "restore without asking for confirmation")
	cmd.Flags().DurationVar(&lockTimeout, "lock-timeout", 0, "how long to wait for another apply's lock on a zone (0 = fail at once, naming the holder)")
	cmd.Flags().StringVar(&snapDir, "snapshot-dir", engine.DefaultSnapshotDir, "where to write the pre-rollback snapshot")
	return cmd
}

// rollbackConfig returns the config's provider blocks (for RFC 2136 zones) without its
// zones: rollback restores the snapshot, not the file. A missing config is fine for
// Cloudflare-only snapshots.
func (e *env) rollbackConfig() (*schema.Config, error) {
	cfg, diags, err := e.parseConfig(e.configPath)
	if err != nil || cfg == nil {
		return &schema.Config{Providers: map[string]*schema.Provider{}}, nil
	}
	if diags.HasErrors() {
		printDiagnostics(e.stderr, diags)
		return nil, exitCode(ExitError, fmt.Errorf("%s is not valid", e.configPath))
	}
	c := *cfg
	c.Zones = nil
	e.secretEnv = secretEnvOf(cfg)
	return &c, nil
}
