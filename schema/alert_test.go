package schema

import (
	"slices"
	"strings"
	"testing"
)

func TestAlertBlocks(t *testing.T) {
	const src = `zone "example.com" {
  provider = "cloudflare"
}
alert "ops" {
  webhook = env("LAUNCH_ALERT_WEBHOOK")
  format  = "slack"
}
alert "pager" {
  command = ["/usr/local/bin/page-me", "--urgent"]
}
alert "raw" {
  webhook = env("RAW_HOOK")
}
`
	cfg, diags := LoadSource("launch.hcl", []byte(src), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if len(cfg.Alerts) != 3 {
		t.Fatalf("got %d alerts, want 3", len(cfg.Alerts))
	}
	ops, pager, raw := cfg.Alerts[0], cfg.Alerts[1], cfg.Alerts[2]
	if ops.Name != "ops" || ops.Webhook.Env != "LAUNCH_ALERT_WEBHOOK" || ops.Format != AlertFormatSlack || ops.Command != nil {
		t.Errorf("ops = %+v", ops)
	}
	if pager.Webhook.Env != "" || !slices.Equal(pager.Command, []string{"/usr/local/bin/page-me", "--urgent"}) {
		t.Errorf("pager = %+v", pager)
	}
	if raw.Format != AlertFormatJSON {
		t.Errorf("raw format = %q, want json by default", raw.Format)
	}
}

func TestAlertBlockErrors(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"literal webhook", `webhook = "https://hooks.example.net/services/abc"`, "launch.hcl:5:13: error: Webhook must come from env()"},
		{"both targets", "webhook = env(\"X\")\n  command = [\"x\"]", "launch.hcl:6:3: error: Conflicting alert targets"},
		{"no target", `format = "json"`, "launch.hcl:4:1: error: Missing alert target"},
		{"bad format", "webhook = env(\"X\")\n  format = \"xml\"", "launch.hcl:6:12: error: Invalid alert format"},
		{"format on command", "command = [\"x\"]\n  format = \"json\"", "launch.hcl:6:3: error: format applies to webhooks"},
		{"empty command", `command = []`, "launch.hcl:5:13: error: Empty alert command"},
		{"unknown argument", "command = [\"x\"]\n  channel = \"#ops\"", "launch.hcl:6:3: error: Unsupported argument"},
		{"env name", `webhook = env("not a name")`, "launch.hcl:5:17: error: Invalid environment variable name"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "zone \"example.com\" {\n  provider = \"cloudflare\"\n}\nalert \"ops\" {\n  " + c.body + "\n}\n"
			_, diags := LoadSource("launch.hcl", []byte(src), Options{})
			var got []string
			for _, d := range diags {
				got = append(got, DiagnosticString(d))
			}
			if !diags.HasErrors() || !strings.Contains(strings.Join(got, "\n"), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one starting %q", strings.Join(got, "\n"), c.want)
			}
		})
	}
	src := "alert \"ops\" {\n  command = [\"a\"]\n}\nalert \"ops\" {\n  command = [\"b\"]\n}\n"
	if _, diags := LoadSource("launch.hcl", []byte(src), Options{}); !strings.Contains(diags.Error(), "Duplicate alert") {
		t.Errorf("duplicate alert: %v", diags)
	}
}
