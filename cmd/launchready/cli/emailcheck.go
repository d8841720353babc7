package cli

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/email/analysis"
	"github.com/launchready/launchready/schema"
)

// printEmailFindings runs the online email analysis (SPF include tree and lookup
// limits, DKIM CNAME targets, DMARC report authorisation) for every zone with an email
// block and prints its errors and warnings under the plan: problems a plan should show
// before they reach customers' inboxes. The zone's declared records stand in for
// what live DNS will serve after apply. resolver "" is the system's.
func printEmailFindings(ctx context.Context, w io.Writer, cfg *schema.Config, resolver string) {
	var zones []*schema.Zone
	for _, z := range cfg.Zones {
		if z.Email != nil {
			zones = append(zones, z)
		}
	}
	if len(zones) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	r := email.NewDNSResolver(resolver)
	r.Timeout = 2 * time.Second
	fmt.Fprintln(w, "\nEmail authentication, checked through DNS:")
	for _, z := range zones {
		var lines []string
		// DNS as it will be after apply: the zone's declared records over live DNS.
		for _, f := range analysis.Analyze(ctx, analysis.WithDesired(r, z.RRSets()), z.Name, z.Email) {
			if f.Severity == email.Info {
				continue
			}
			line := fmt.Sprintf("  %-7s %s %s: %s", f.Severity, z.Name, f.Check, f.Message)
			if len(f.Chain) > 1 {
				line += " (via " + strings.Join(f.Chain, " → ") + ")"
			}
			lines = append(lines, line)
		}
		if len(lines) == 0 {
			fmt.Fprintf(w, "  %s: SPF, DKIM and DMARC: no problem found\n", z.Name)
			continue
		}
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
	}
}
