package cli

import (
	"bytes"
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/plan"
)

type planFlags struct {
	out              string
	json             bool
	markdown         bool
	detailedExitcode bool
	zones            []string
	noEmailCheck     bool
	resolver         string
}

func newPlanCmd(e *env) *cobra.Command {
	var f planFlags
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would change",
		Long: `plan reads live state and prints the difference from launch.hcl. It never changes anything.

--out FILE saves the plan (JSON, no secrets) for "launchready apply FILE", which refuses it if live state or the config moved in between.
Exit codes: 0 success (with --detailed-exitcode: no changes), 1 error, 2 changes present (only with --detailed-exitcode).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ahead, stop := context.WithCancel(cmd.Context())
			defer stop()
			eng, err := e.newEngineWith(f.zones, e.readAhead(ahead, f.zones))
			if err != nil {
				return err
			}
			p, live, err := eng.Plan(cmd.Context())
			if err != nil {
				return exitCode(ExitError, err)
			}
			if !f.noEmailCheck {
				attachEmailFindings(cmd.Context(), p, eng.Config, live, e.emailResolver(cmd.Context(), f.resolver))
			}
			if f.json && f.markdown {
				return exitCode(ExitError, fmt.Errorf("--json and --markdown cannot be used together"))
			}
			if f.json {
				if err := plan.RenderJSON(e.stdout, p); err != nil {
					return exitCode(ExitError, err)
				}
			} else if f.markdown {
				if err := plan.RenderMarkdown(e.stdout, p); err != nil {
					return exitCode(ExitError, err)
				}
			} else {
				if err := plan.RenderText(e.stdout, p, plan.TextOptions{Color: e.color(e.stdout)}); err != nil {
					return exitCode(ExitError, err)
				}
			}
			if f.out != "" {
				var buf bytes.Buffer
				if err := plan.RenderJSON(&buf, p); err != nil {
					return exitCode(ExitError, err)
				}
				if err := writeFileAtomic(f.out, buf.Bytes(), 0o644); err != nil {
					return exitCode(ExitError, fmt.Errorf("saving plan: %w", err))
				}
				if !f.json && !f.markdown {
					fmt.Fprintf(e.stdout, "\nSaved the plan to %s. Apply exactly this plan with: launchready apply %s\n", f.out, f.out)
				}
			}
			if f.detailedExitcode && p.HasChanges() {
				return exitCode(ExitChanges, nil)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&f.out, "out", "", "save the plan to FILE for a later apply")
	cmd.Flags().BoolVar(&f.json, "json", false, "print the plan as JSON (format_version "+plan.FormatVersion+")")
	cmd.Flags().BoolVar(&f.markdown, "markdown", false, "print the plan as Markdown, ready to post as a pull-request comment")
	cmd.Flags().BoolVar(&f.detailedExitcode, "detailed-exitcode", false, "exit 2 when there are changes")
	cmd.Flags().StringArrayVar(&f.zones, "zone", nil, "plan only this zone (repeatable)")
	cmd.Flags().BoolVar(&f.noEmailCheck, "no-email-check", false, "skip the SPF/DKIM/DMARC checks through DNS shown under the plan")
	cmd.Flags().StringVar(&f.resolver, "resolver", "", "DNS server HOST:PORT for the email checks (default: the system's, or the simulator's)")
	return cmd
}
