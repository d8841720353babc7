package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// confirm asks for "yes" on a terminal; without autoApprove on a non-interactive
// stdin it refuses, so nothing is ever changed by a script that did not opt in.
func (e *env) confirm(autoApprove bool, question string) error {
	if autoApprove {
		return nil
	}
	if !isTerminal(e.stdin) {
		return exitCode(ExitError, errors.New("refusing to change anything: stdin is not a terminal, so the plan cannot be confirmed. Re-run with --auto-approve (e.g. in CI, ideally with a saved plan: launchready plan --out plan.json && launchready apply plan.json)"))
	}
	fmt.Fprintf(e.stdout, "\n%s Only 'yes' will be accepted: ", question)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if strings.TrimSpace(line) != "yes" {
		fmt.Fprintln(e.stdout, "Cancelled. Nothing was changed.")
		return exitCode(ExitError, nil)
	}
	return nil
}
