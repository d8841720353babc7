// Package cli is launchready's command line: flags, wiring and terminal output, one
// file per subcommand. Business logic lives in engine, plan, providers, verify and
// handover; this package only connects them to a terminal.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/schema"
)

// Exit codes shared by the commands (see the README's table).
const (
	ExitOK          = 0
	ExitError       = 1
	ExitChanges     = 2 // plan --detailed-exitcode, drift
	ExitUnformatted = 3 // fmt --check
	ExitCheckFailed = 4 // verify
)

// exitError carries an exit code through cobra; its message (if any) is printed.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}

func exitCode(code int, err error) error { return &exitError{code: code, err: err} }

// env is the process environment as the commands see it (tests replace it).
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	lookup         func(string) (string, bool)
	log            hclog.Logger
	// global flags
	configPath string
	vars       []string
	// timeout bounds a whole command that talks to providers (deadline.go);
	// requestTimeout bounds each Cloudflare API request.
	timeout, requestTimeout time.Duration
	deadline                context.Context // the command's context under --timeout, once set
	cancelDeadline          context.CancelFunc
	// maxRetryWait caps Cloudflare's Retry-After waits (--max-retry-wait).
	maxRetryWait time.Duration
	// secretEnv names secret variables the loaded config refers to (TSIG secrets,
	// check headers), redacted like the Cloudflare token.
	secretEnv []string
	// provs are the providers the command built for provsCfg (engineFor), shared
	// with verify's delegation reads; delegations are the zones' delegations read in
	// this run (zone → *model.Delegation), shared by verify and the DNS map.
	provs       map[string]providers.Provider
	provsCfg    *schema.Config
	delegations sync.Map
}

func (e *env) getenv(k string) string { v, _ := e.lookup(k); return v }

// color reports whether w should get ANSI colour: a terminal, and NO_COLOR unset.
func (e *env) color(w io.Writer) bool {
	if _, set := e.lookup("NO_COLOR"); set {
		return false
	}
	return isTerminal(w)
}

func isTerminal(w interface{}) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Run executes the command line args and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, stdin, stdout, stderr, os.LookupEnv)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lookup func(string) (string, bool)) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, lookup: lookup}
	e.log = newLogger(e)
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := explainDeadline(e, root.ExecuteContext(ctx))
	if err == nil {
		return ExitOK
	}
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err != nil && xe.err.Error() != "" {
			fmt.Fprintln(stderr, "Error:", redact(e, xe.err.Error()))
		}
		return xe.code
	}
	fmt.Fprintln(stderr, "Error:", redact(e, err.Error()))
	return ExitError
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "launchready",
		Short:         "Make a small product launch-ready from one reviewed file",
		Long:          "launchready diffs launch.hcl against live Cloudflare and DNS state, applies the plan, verifies what customers see, and writes a DNS map for the next maintainer.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&e.configPath, "config", "launch.hcl", "configuration file")
	root.PersistentFlags().StringArrayVar(&e.vars, "var", nil, "set a variable: name=value (repeatable)")
	addDeadlineFlags(e, root)
	root.PersistentFlags().DurationVar(&e.maxRetryWait, "max-retry-wait", cloudflare.DefaultMaxRetryWait, "the longest Retry-After of the Cloudflare API to wait out; a longer one stops the command with the time to retry")
	root.AddCommand(
		newValidateCmd(e),
		newDoctorCmd(e),
		newFmtCmd(e),
		newPlanCmd(e),
		newApplyCmd(e),
		newVerifyCmd(e),
		newDriftCmd(e),
		newImportCmd(e),
		newHandoverCmd(e),
		newSnapshotsCmd(e),
		newRollbackCmd(e),
		newUnlockCmd(e),
		newSPFCmd(e),
		newSimCmd(e),
		newDemoCmd(e),
		newWatchCmd(e),
	)
	addVersion(e, root)
	root.AddCommand(newPreflightCmd(e))
	return root
}

// newLogger builds the go-hclog logger on stderr, level from LAUNCHREADY_LOG.
func newLogger(e *env) hclog.Logger {
	level := hclog.Warn
	if v := e.getenv("LAUNCHREADY_LOG"); v != "" {
		if l := hclog.LevelFromString(v); l != hclog.NoLevel {
			level = l
		}
	}
	return hclog.New(&hclog.LoggerOptions{
		Name:   "launchready",
		Level:  level,
		Output: &redactingWriter{e: e, w: e.stderr},
		Color:  hclog.ColorOff,
	})
}

// secretEnvNames are environment variables whose values must never be printed.
var secretEnvNames = []string{"CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_API_USER_SERVICE_KEY"}

// redact replaces any known secret value in s with a placeholder: a last line of
// defence so a token can never reach the terminal or a log, whatever a library prints.
func redact(e *env, s string) string {
	for _, name := range append(secretEnvNames, e.extraSecretEnv()...) {
		if v := e.getenv(name); len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[redacted "+name+"]")
		}
	}
	return s
}

func (e *env) extraSecretEnv() []string { return e.secretEnv }

type redactingWriter struct {
	e *env
	w io.Writer
}

func (r *redactingWriter) Write(p []byte) (int, error) {
	s := redact(r.e, string(p))
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}
