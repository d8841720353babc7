package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/schema"
)

// parseVars turns --var name=value flags into a map.
func parseVars(vars []string) (map[string]string, error) {
	out := map[string]string{}
	for _, v := range vars {
		name, value, ok := strings.Cut(v, "=")
		if !ok || strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("--var %q: want name=value", v)
		}
		out[strings.TrimSpace(name)] = value
	}
	return out, nil
}

// loadConfig parses and validates the config, printing diagnostics (warnings too) to
// stderr. Errors make it return a non-nil error with exit code 1.
func (e *env) loadConfig() (*schema.Config, error) {
	cfg, diags, err := e.parseConfig(e.configPath)
	if err != nil {
		return nil, exitCode(ExitError, err)
	}
	printDiagnostics(e.stderr, diags)
	if diags.HasErrors() {
		return nil, exitCode(ExitError, fmt.Errorf("%s is not valid (%s)", e.configPath, countDiags(diags)))
	}
	e.secretEnv = secretEnvOf(cfg)
	return cfg, nil
}

func (e *env) parseConfig(path string) (*schema.Config, hcl.Diagnostics, error) {
	vars, err := parseVars(e.vars)
	if err != nil {
		return nil, nil, err
	}
	if _, err := os.Stat(path); err != nil {
		if os.IsNotExist(err) {
			return nil, nil, fmt.Errorf("config file %s not found (use --config FILE, or `launchready import ZONE --out launch.hcl` to start from a live zone)", path)
		}
		return nil, nil, err
	}
	cfg, diags := schema.LoadFile(path, schema.Options{Vars: vars, LookupEnv: e.lookup})
	return cfg, diags, nil
}

// secretEnvOf lists the environment variables that hold secrets for cfg.
func secretEnvOf(cfg *schema.Config) []string {
	var out []string
	for _, p := range cfg.Providers {
		if p.TSIGSecretEnv != "" {
			out = append(out, p.TSIGSecretEnv)
		}
	}
	for _, z := range cfg.Zones {
		for _, c := range z.Checks {
			for _, h := range c.Headers {
				if h.Env != "" {
					out = append(out, h.Env)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// printDiagnostics writes each diagnostic as "file:line:col: severity: summary: detail".
func printDiagnostics(w io.Writer, diags hcl.Diagnostics) {
	for _, d := range diags {
		fmt.Fprintln(w, schema.DiagnosticString(d))
	}
}

func countDiags(diags hcl.Diagnostics) string {
	var errs, warns int
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs++
		} else {
			warns++
		}
	}
	s := fmt.Sprintf("%d error%s", errs, plural(errs))
	if warns > 0 {
		s += fmt.Sprintf(", %d warning%s", warns, plural(warns))
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
