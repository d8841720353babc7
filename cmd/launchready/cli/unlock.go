package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/providers"
)

func newUnlockCmd(e *env) *cobra.Command {
	var olderThan time.Duration
	var force bool
	cmd := &cobra.Command{
		Use:   "unlock ZONE",
		Short: "Break a zone's apply lock left by an apply that died",
		Long: `apply holds a lock on each zone it writes (a record that lives with the zone), so two applies never interleave. An apply that was killed leaves its lock behind; unlock breaks it.

It refuses a lock younger than --older-than (default 15m: the holder may still be running) unless --force is given. plan and drift never take the lock.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			eng, err := e.newEngine([]string{args[0]})
			if err != nil {
				return err
			}
			zones, _ := eng.SelectedZones()
			z := zones[0]
			l, ok := eng.Providers[z.Provider].(providers.Locker)
			if !ok {
				return exitCode(ExitError, fmt.Errorf("zone %s: provider %s keeps no apply lock", z.Name, z.Provider))
			}
			ctx := cmd.Context()
			held, err := l.ReadLock(ctx, z.Name)
			if err != nil {
				return exitCode(ExitError, err)
			}
			if held == nil {
				fmt.Fprintf(e.stdout, "Zone %s is not locked.\n", z.Name)
				return nil
			}
			now := time.Now()
			if age := now.Sub(held.Since); !force && (held.Since.IsZero() || age < olderThan) {
				return exitCode(ExitError, fmt.Errorf("zone %s is locked by %s, which is younger than --older-than %s: that apply may still be running. Nothing was changed. Wait, or pass --force if you know it died", z.Name, held.Describe(now), olderThan))
			}
			// Break the lock whose age was checked, not one another apply took since.
			if hb, ok := l.(providers.HolderBreaker); ok && held.Token != "" {
				broke, err := hb.BreakLockOf(ctx, z.Name, *held)
				if err != nil {
					return exitCode(ExitError, err)
				}
				if !broke {
					fmt.Fprintf(e.stdout, "The apply lock of %s held by %s was released meanwhile; nothing was broken. Run unlock again if the zone is still locked.\n", z.Name, held.Describe(now))
					return nil
				}
			} else if err := l.BreakLock(ctx, z.Name); err != nil {
				return exitCode(ExitError, err)
			}
			fmt.Fprintf(e.stdout, "Broke the apply lock of %s held by %s.\n", z.Name, held.Describe(now))
			return nil
		},
	}
	cmd.Flags().DurationVar(&olderThan, "older-than", 15*time.Minute, "break the lock only if it is at least this old")
	cmd.Flags().BoolVar(&force, "force", false, "break the lock whatever its age")
	return cmd
}
