package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/handover"
	"github.com/launchready/launchready/model"
)

// DefaultMapPath is where the DNS map is written.
const DefaultMapPath = "DNS-MAP.md"

func newHandoverCmd(e *env) *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "handover",
		Short: "Write the DNS map (DNS-MAP.md) for the next maintainer",
		Long: `handover writes the document a founder hands to the next maintainer: zones and nameservers, every record with its purpose and owner, redirects, SSL/TLS settings, cache rules, the email sending matrix, the latest verify results, where each secret lives (environment variable names only), runbooks, and a diagram of hostnames → targets → origins.

It is also written after every apply. Same inputs give the same bytes, so it diffs cleanly in git.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := e.newEngine(nil)
			if err != nil {
				return err
			}
			if err := e.writeHandover(cmd.Context(), eng, out, nil, true); err != nil {
				return exitCode(ExitError, err)
			}
			fmt.Fprintf(e.stdout, "Wrote %s.\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", DefaultMapPath, "where to write the map")
	return cmd
}

// writeHandover writes the map from live state (read now when live is nil; apply
// passes the state after its writes) and the latest verify report. The zones'
// delegations (name servers, DNSSEC and DS) are the ones verify read in this run, and
// are read now only when readDelegation is set (apply --no-verify does not: the map
// then says they were not read).
func (e *env) writeHandover(ctx context.Context, eng *engine.Engine, out string, live map[string]*model.LiveZone, readDelegation bool) error {
	if live == nil {
		var err error
		if live, err = eng.ReadLive(ctx); err != nil {
			return err
		}
	}
	in := handover.Input{Config: eng.Config, Live: live, Delegations: e.readDelegations(ctx, eng, readDelegation)}
	if f, err := os.Open(verifyReportPath); err == nil {
		rep, err := handover.ReadVerifyJSON(f)
		f.Close()
		if err != nil {
			e.log.Warn("ignoring an unreadable verify report", "path", verifyReportPath, "error", err)
		} else {
			in.Verify = rep
		}
	}
	var buf bytes.Buffer
	if err := handover.Render(&buf, in); err != nil {
		return err
	}
	return writeFileAtomic(out, buf.Bytes(), 0o644)
}
