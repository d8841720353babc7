package schema

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// DiagnosticString renders a diagnostic on one line, the form `launchready validate`
// prints: "file:line:col: error: summary: detail" (without a position when the
// diagnostic has none, e.g. a --var for an undeclared variable).
func DiagnosticString(d *hcl.Diagnostic) string {
	sev := "error"
	if d.Severity == hcl.DiagWarning {
		sev = "warning"
	}
	var b strings.Builder
	if d.Subject != nil {
		fmt.Fprintf(&b, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
	}
	b.WriteString(sev)
	b.WriteString(": ")
	b.WriteString(d.Summary)
	if d.Detail != "" {
		b.WriteString(": ")
		b.WriteString(d.Detail)
	}
	return b.String()
}
