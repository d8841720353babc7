package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/preflight"
)

// environ lists the process environment for preflight's public-prefix scan (names
// only are used; values are read through env.lookup).
var environ = os.Environ

func newPreflightCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "preflight",
		Short: "Check the deploy's environment variables before a deploy",
		Long: "preflight checks the environment against the preflight block of launch.hcl: every variable in required_env is set, non-empty and not a placeholder, " +
			"and no variable whose name starts with one of public_env_prefixes (its value ships to browsers) holds a secret (gitleaks' rules, see the README). " +
			"It names each variable and what is wrong, and never prints a value. Exit 0 when every check passes, 1 otherwise.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			p := cfg.Preflight
			if p == nil {
				return exitCode(ExitError, fmt.Errorf("%s has no preflight block; add one with required_env and public_env_prefixes (see the README's \"Deploy preflight\")", e.configPath))
			}
			spec := preflight.Spec{PublicEnvPrefixes: p.PublicEnvPrefixes}
			for _, n := range p.RequiredEnv {
				spec.RequiredEnv = append(spec.RequiredEnv, n.Name)
			}
			for _, n := range p.PublicEnvAllow {
				spec.PublicEnvAllow = append(spec.PublicEnvAllow, n.Name)
			}
			names := preflight.EnvironNames(environ())
			// Every value preflight reads is redacted from anything printed, as a
			// last line of defence: the report itself holds no value.
			e.secretEnv = append(e.secretEnv, spec.RequiredEnv...)
			for _, n := range names {
				if p.PublicPrefix(n) != "" {
					e.secretEnv = append(e.secretEnv, n)
				}
			}
			r := preflight.Run(spec, e.lookup, names)
			out := &redactingWriter{e: e, w: e.stdout}
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else if err := renderPreflight(e, out, r); err != nil {
				return err
			}
			if !r.OK {
				return exitCode(ExitError, nil)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}

func renderPreflight(e *env, w *redactingWriter, r preflight.Report) error {
	color := e.color(e.stdout)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, res := range r.Results {
		label := "PASS"
		if !res.OK {
			label = "FAIL"
		}
		if color {
			c := "\x1b[32m"
			if !res.OK {
				c = "\x1b[31m"
			}
			label = c + label + "\x1b[0m"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", label, res.Check, res.Name, res.Message)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var err error
	switch {
	case len(r.Results) == 0:
		_, err = fmt.Fprintln(w, "PASSED: nothing to check (no required variable, no public variable set)")
	case r.OK:
		_, err = fmt.Fprintf(w, "PASSED: %d check%s\n", r.Passed, plural(r.Passed))
	default:
		_, err = fmt.Fprintf(w, "FAILED: %d of %d check%s failed\n", r.Failed, len(r.Results), plural(len(r.Results)))
	}
	return err
}
