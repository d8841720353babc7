package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/plan"
)

func newDriftCmd(e *env) *cobra.Command {
	var (
		asJSON, asMarkdown bool
		notifyURL          string
		zones              []string
		noEmailCheck       bool
		resolver           string
	)
	cmd := &cobra.Command{
		Use:   "drift [--json|--markdown]",
		Short: "Report drift between live state and launch.hcl (for scheduled CI); never changes anything",
		Long: `drift computes the plan and reports it. It never writes anything to any provider.

--markdown prints a report ready to post as a pull-request comment or issue body (summary first, details collapsed).
--notify-url URL posts a Slack-compatible JSON message ({"text": …}) when drift is found.
It also checks email authentication through DNS (SPF include tree and lookup limits, DKIM keys, DMARC records): a third party's SPF record growing past 10 lookups breaks mail as surely as an edited record.
Exit codes: 0 no drift, 1 error, 2 drift found (or an email authentication error).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if asJSON && asMarkdown {
				return exitCode(ExitError, fmt.Errorf("--json and --markdown cannot be used together"))
			}
			eng, err := e.newEngine(zones)
			if err != nil {
				return err
			}
			p, live, err := eng.Plan(cmd.Context())
			if err != nil {
				return exitCode(ExitError, err)
			}
			if !noEmailCheck {
				attachEmailFindings(cmd.Context(), p, eng.Config, live, e.emailResolver(cmd.Context(), resolver))
			}
			switch {
			case asJSON:
				err = plan.RenderJSON(e.stdout, p)
			case asMarkdown:
				err = plan.RenderMarkdown(e.stdout, p)
			default:
				err = plan.RenderText(e.stdout, p, plan.TextOptions{Color: e.color(e.stdout)})
			}
			if err != nil {
				return exitCode(ExitError, err)
			}
			if !p.HasChanges() && !hasEmailErrors(p) {
				return nil
			}
			if notifyURL != "" {
				if err := notifyDrift(cmd.Context(), notifyURL, p); err != nil {
					return exitCode(ExitError, fmt.Errorf("drift found, but the notification failed: %w", err))
				}
			}
			return exitCode(ExitChanges, nil)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the drift as a JSON plan")
	cmd.Flags().BoolVar(&asMarkdown, "markdown", false, "print the drift as Markdown (PR comment or issue body)")
	cmd.Flags().StringVar(&notifyURL, "notify-url", "", "POST a Slack-compatible message to URL when drift is found")
	cmd.Flags().StringArrayVar(&zones, "zone", nil, "check only this zone (repeatable)")
	cmd.Flags().BoolVar(&noEmailCheck, "no-email-check", false, "skip the SPF/DKIM/DMARC checks through DNS")
	cmd.Flags().StringVar(&resolver, "resolver", "", "DNS server HOST:PORT for the email checks (default: the system's, or the simulator's)")
	return cmd
}

// driftMessage is the Slack-compatible payload: "text" is what every
// incoming-webhook receiver shows; "blocks" add the per-zone lines.
type driftMessage struct {
	Text   string       `json:"text"`
	Blocks []slackBlock `json:"blocks,omitempty"`
}

type slackBlock struct {
	Type string     `json:"type"`
	Text *slackText `json:"text,omitempty"`
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// hasEmailErrors reports whether the email checks found an error in any zone.
func hasEmailErrors(p *plan.Plan) bool {
	for _, z := range p.Zones {
		for _, f := range z.EmailFindings {
			if f.Severity == "error" {
				return true
			}
		}
	}
	return false
}

func driftPayload(p *plan.Plan) driftMessage {
	s := p.Summary()
	text := fmt.Sprintf("launchready: drift detected — %d to add, %d to change, %d to delete", s.Add, s.Change+s.Adopt, s.Delete)
	if !p.HasChanges() {
		text = "launchready: email authentication errors"
	}
	var lines []string
	for _, z := range p.Zones {
		if !z.HasChanges() {
			continue
		}
		zs := z.Summary()
		line := fmt.Sprintf("• *%s* (%s): %d to add, %d to change, %d to delete", z.Zone, z.Provider, zs.Add, zs.Change+zs.Adopt, zs.Delete)
		for i, c := range z.Changes {
			if i == 5 {
				line += fmt.Sprintf("\n    … and %d more", len(z.Changes)-5)
				break
			}
			line += fmt.Sprintf("\n    %s %s %s", c.Action, c.Kind, c.Key)
		}
		lines = append(lines, line)
	}
	for _, z := range p.Zones {
		for _, f := range z.EmailFindings {
			if f.Severity == "error" {
				lines = append(lines, fmt.Sprintf("• *%s* email: %s", z.Zone, f.String()))
			}
		}
	}
	return driftMessage{Text: text, Blocks: []slackBlock{
		{Type: "section", Text: &slackText{Type: "mrkdwn", Text: text}},
		{Type: "section", Text: &slackText{Type: "mrkdwn", Text: strings.Join(lines, "\n")}},
	}}
}

func notifyDrift(ctx context.Context, url string, p *plan.Plan) error {
	body, err := json.Marshal(driftPayload(p))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("POST %s: %s", redactURL(url), resp.Status)
	}
	return nil
}

// redactURL hides a webhook URL's path, which is its secret.
func redactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.Index(u[i+3:], "/"); j >= 0 {
			return u[:i+3+j] + "/…"
		}
	}
	return u
}
