package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/providers/cloudflare"
)

// Defaults of the bounded waits (README "Safety").
const (
	// DefaultTimeout bounds a whole command that reads or writes providers: long
	// enough for an apply of 100 zones paced at Cloudflare's 4 requests a second.
	DefaultTimeout = 15 * time.Minute
	// DefaultRequestTimeout bounds one Cloudflare API request.
	DefaultRequestTimeout = cloudflare.DefaultRequestTimeout
)

// deadlineCommands are the commands that talk to providers: the overall deadline
// applies to them (not to sim and demo, which serve until interrupted, nor to the
// offline ones).
var deadlineCommands = map[string]bool{
	"plan": true, "apply": true, "drift": true, "verify": true, "import": true,
	"handover": true, "rollback": true,
}

func addDeadlineFlags(e *env, root *cobra.Command) {
	root.PersistentFlags().DurationVar(&e.timeout, "timeout", DefaultTimeout, "give up on the whole command after this long (plan, apply, drift, verify, import, handover, rollback); 0 = no limit")
	root.PersistentFlags().DurationVar(&e.requestTimeout, "request-timeout", DefaultRequestTimeout, "give up on one Cloudflare API request that gets no answer within this long")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if e.requestTimeout <= 0 {
			return exitCode(ExitError, fmt.Errorf("--request-timeout %s: must be positive", e.requestTimeout))
		}
		if e.timeout < 0 {
			return exitCode(ExitError, fmt.Errorf("--timeout %s: must be positive, or 0 for no limit", e.timeout))
		}
		if e.timeout > 0 && deadlineCommands[cmd.Name()] {
			ctx, cancel := context.WithTimeoutCause(cmd.Context(), e.timeout, errCommandDeadline)
			cmd.SetContext(ctx)
			e.deadline, e.cancelDeadline = ctx, cancel
		}
		return nil
	}
}

// errCommandDeadline is the cause of the command's context ending at --timeout.
var errCommandDeadline = errors.New("command deadline")

// explainDeadline adds to an error returned after the command's deadline passed
// which limit it was and how to raise it; other errors pass unchanged.
func explainDeadline(e *env, err error) error {
	if e.cancelDeadline != nil {
		defer e.cancelDeadline()
	}
	if err == nil || e.deadline == nil || context.Cause(e.deadline) != errCommandDeadline {
		return err
	}
	why := fmt.Sprintf("launchready gives up on a command after --timeout %s: nothing is written after that, and a batch in flight is applied whole or not at all; run plan again to see what is left", e.timeout)
	var xe *exitError
	if errors.As(err, &xe) {
		if xe.err == nil {
			return err
		}
		return &exitError{code: xe.code, err: fmt.Errorf("%w (%s)", xe.err, why)}
	}
	return fmt.Errorf("%w (%s)", err, why)
}
