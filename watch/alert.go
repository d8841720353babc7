package watch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"time"

	"github.com/launchready/launchready/schema"
	"github.com/launchready/launchready/verify"
)

// Alert states.
const (
	StateFailing   = "failing"
	StateRecovered = "recovered"
)

// AlertFormatVersion is the version of the Alert JSON.
const AlertFormatVersion = "1"

// Alert is what every alert target receives (as JSON), once per change of state.
type Alert struct {
	FormatVersion string `json:"format_version"`
	// State is "failing" or "recovered".
	State  string        `json:"state"`
	Zone   string        `json:"zone"`
	Kind   verify.Kind   `json:"kind"`
	Name   string        `json:"name"`
	Check  string        `json:"check"`
	Status verify.Status `json:"status"`
	Reason string        `json:"reason"`
	// Failures is the number of consecutive failed rounds (0 when recovered).
	Failures int       `json:"failures"`
	Since    time.Time `json:"since"`
	Time     time.Time `json:"time"`
	// Text is a one-line summary for people.
	Text string `json:"text"`
}

func newAlert(cs *CheckState, now time.Time) Alert {
	a := Alert{FormatVersion: AlertFormatVersion, Zone: cs.Zone, Kind: cs.Kind, Name: cs.Name, Check: cs.Check,
		Status: cs.Status, Reason: cs.Reason, Failures: cs.Failures, Since: cs.Since.UTC(), Time: now.UTC()}
	if cs.Alerting {
		a.State = StateFailing
		a.Text = fmt.Sprintf("FAILING %s: %s %s, %d rounds in a row: %s", a.Zone, a.Kind, a.Name, a.Failures, a.Reason)
	} else {
		a.State = StateRecovered
		a.Text = fmt.Sprintf("RECOVERED %s: %s %s: %s", a.Zone, a.Kind, a.Name, a.Reason)
	}
	return a
}

// Target delivers alerts to one alert block.
type Target struct {
	Name    string
	format  string
	webhook string // the resolved URL: a secret, never printed
	command []string
	client  *http.Client
}

// Targets resolves the config's alert blocks: webhook URLs are read from the
// environment through lookup (an unset variable is an error naming it).
func Targets(alerts []*schema.Alert, lookup func(string) (string, bool)) ([]*Target, error) {
	var out []*Target
	for _, a := range alerts {
		t := &Target{Name: a.Name, format: a.Format, command: a.Command, client: &http.Client{Timeout: 15 * time.Second}}
		if a.Webhook.Env != "" {
			u, err := a.Webhook.Resolve(lookup)
			if err != nil {
				return nil, fmt.Errorf("alert %q: %w", a.Name, err)
			}
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				return nil, fmt.Errorf("alert %q: %s does not hold an http(s) URL", a.Name, a.Webhook.Env)
			}
			t.webhook = u
		}
		out = append(out, t)
	}
	return out, nil
}

// Send delivers one alert. Errors never contain the webhook URL.
func (t *Target) Send(ctx context.Context, a Alert) error {
	body, err := json.Marshal(a)
	if err != nil {
		return err
	}
	if len(t.command) > 0 {
		return t.run(ctx, body)
	}
	if t.format == schema.AlertFormatSlack {
		icon := ":red_circle:"
		if a.State == StateRecovered {
			icon = ":large_green_circle:"
		}
		body, err = json.Marshal(map[string]string{"text": icon + " launchready: " + a.Text})
		if err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.webhook, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("alert %q: building the webhook request failed", t.Name)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "launchready-watch")
	resp, err := t.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the url.Error would print the secret URL
		}
		return fmt.Errorf("alert %q: webhook POST failed: %v", t.Name, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("alert %q: webhook answered %s", t.Name, resp.Status)
	}
	return nil
}

func (t *Target) run(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, t.command[0], t.command[1:]...)
	cmd.Stdin = bytes.NewReader(body)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
		if msg != "" {
			return fmt.Errorf("alert %q: command %s failed: %v: %s", t.Name, t.command[0], err, msg)
		}
		return fmt.Errorf("alert %q: command %s failed: %v", t.Name, t.command[0], err)
	}
	return nil
}
