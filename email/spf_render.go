package email

import (
	"fmt"
	"io"
	"strings"
)

// WriteTrace writes a CheckHost result for people: the result, the reason, the
// explanation of a fail, the DNS lookups used, then the path that decided it (all
// false) or every step evaluated (all true), indented by include/redirect depth.
// Plain text without colour, so it fits terminals, logs and tests alike.
//
//	SPF pass for 198.51.100.7 sending as user@example.com (HELO mail.example.com)
//	  reason: ip4:198.51.100.0/24 in the SPF record of _netblocks.vendor.net matched (reached through include:_spf.vendor.net in example.com → include:_netblocks.vendor.net in _spf.vendor.net): pass
//	  DNS lookups: 2 of 10, void lookups: 0 of 2
//	path:
//	  example.com: v=spf1 include:_spf.vendor.net -all
//	    include:_spf.vendor.net → match
//	    _spf.vendor.net: v=spf1 include:_netblocks.vendor.net ~all
//	  …
func WriteTrace(w io.Writer, t *Trace, all bool) error {
	var b strings.Builder
	fmt.Fprintf(&b, "SPF %s for %s sending as %s", t.Result, t.IP, t.Sender)
	if t.HELO != "" {
		fmt.Fprintf(&b, " (HELO %s)", t.HELO)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "  reason: %s\n", t.Reason)
	if t.Explanation != "" {
		fmt.Fprintf(&b, "  explanation: %s\n", t.Explanation)
	}
	fmt.Fprintf(&b, "  DNS lookups: %d of %d, void lookups: %d of %d\n", t.Lookups, t.LookupLimit, t.VoidLookups, t.VoidLimit)
	steps, title := t.Path(), "path"
	if all {
		steps, title = t.Steps, "evaluated"
	}
	if len(steps) > 0 {
		b.WriteString(title + ":\n")
	}
	for _, s := range steps {
		b.WriteString(formatStep(s))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func formatStep(s TraceStep) string {
	indent := strings.Repeat("  ", 2*s.Depth+1)
	if s.Kind == "record" {
		line := indent + s.Domain + ": "
		switch {
		case s.Term == "":
			line += s.Outcome
		case s.Outcome == "found":
			line += s.Term
		default:
			line += s.Term + " → " + s.Outcome
		}
		if s.Detail != "" {
			line += " (" + s.Detail + ")"
		}
		return line + "\n"
	}
	line := indent + "  " + s.Term
	if s.Target != "" && !strings.Contains(strings.ToLower(s.Term), strings.ToLower(s.Target)) {
		line += " [" + s.Target + "]"
	}
	line += " → " + s.Outcome
	if s.Detail != "" {
		line += ": " + s.Detail
	}
	return line + "\n"
}
