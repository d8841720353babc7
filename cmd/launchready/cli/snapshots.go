package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/plan"
)

func newSnapshotsCmd(e *env) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "snapshots",
		Short: "List the snapshots apply wrote, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			snaps, err := engine.ListSnapshots(dir)
			if err != nil {
				return exitCode(ExitError, err)
			}
			if len(snaps) == 0 {
				fmt.Fprintf(e.stdout, "No snapshots in %s yet: apply writes one before every change.\n", dir)
				return nil
			}
			for _, s := range snaps {
				for _, z := range s.Zones {
					fmt.Fprintf(e.stdout, "%s  %s  %-28s %s\n", s.CreatedAt.Format("2006-01-02 15:04:05Z"), s.Path, z.Zone, describeChanges(z.Changes))
				}
			}
			fmt.Fprintln(e.stdout, "\nRestore one with: launchready rollback SNAPSHOT")
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "snapshot-dir", engine.DefaultSnapshotDir, "where apply writes snapshots")
	return cmd
}

// describeChanges summarises what an apply changed: "3 created, 1 updated (record www.example.com CNAME, …)".
func describeChanges(cs []plan.Change) string {
	counts := map[plan.Action]int{}
	var keys []string
	for _, c := range cs {
		if c.Kind == plan.KindOwnership {
			continue
		}
		counts[c.Action]++
		if len(keys) < 3 {
			keys = append(keys, string(c.Kind)+" "+c.Key)
		}
	}
	var parts []string
	for _, a := range []plan.Action{plan.ActionCreate, plan.ActionUpdate, plan.ActionDelete, plan.ActionAdopt, plan.ActionForget} {
		if counts[a] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[a], a))
		}
	}
	if len(parts) == 0 {
		return "ownership marks only"
	}
	more := ""
	if n := len(cs) - len(keys); n > 0 && len(keys) == 3 {
		more = ", …"
	}
	return strings.Join(parts, ", ") + " (" + strings.Join(keys, ", ") + more + ")"
}
