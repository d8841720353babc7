package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// Issue 14: `verify --smoke`, the step after every deploy.

const smokeConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
  }
  record "api" "A" {
    value = "203.0.113.20"
  }

  check "dashboard" {
    url           = "https://app.example.com/"
    expect_status = 200
    requests      = 500
    p95_ms        = 5000
  }
  check "home" {
    url           = "https://example.com/"
    expect_status = 200
    requests      = 300
    p95_ms        = 5000
  }
}
`

// TestVerifySmoke: --smoke runs only the declared checks, each with at most 5
// requests (the config asks for 500 and 300), well within its two-minute budget, and
// fails (exit 4) when a check fails.
func TestVerifySmoke(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, smokeConfig, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	began := time.Now()
	r := w.mustRun(0, "verify", "--smoke", "--json")
	if took := time.Since(began); took > 2*time.Minute {
		t.Errorf("verify --smoke took %v, over its two-minute budget", took)
	}
	var rep struct {
		Zones []struct {
			Results []struct {
				Kind, Name, Check, Status string
				HTTP                      *struct {
					Requests int `json:"requests"`
				} `json:"http"`
			} `json:"results"`
		} `json:"zones"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("verify --smoke --json: %v\n%s", err, r.stdout)
	}
	checked := map[string]int{}
	for _, z := range rep.Zones {
		for _, res := range z.Results {
			if res.Kind != "http" {
				t.Errorf("--smoke ran a %s check (%s %s); only declared checks belong in it", res.Kind, res.Name, res.Check)
			}
			if res.HTTP != nil {
				checked[res.Name] = res.HTTP.Requests
			}
		}
	}
	for _, name := range []string{"dashboard", "home"} {
		if n, ok := checked[name]; !ok || n < 1 || n > 5 {
			t.Errorf("check %s sent %d requests under --smoke (ran: %v), want 1 to 5", name, n, ok)
		}
	}

	zone := w.api.zoneID("example.com")
	app := w.api.findRecord(zone, "app.example.com", "CNAME")
	w.api.patchRecord(zone, app.ID, map[string]any{"proxied": false})
	r = w.mustRun(4, "verify", "--smoke")
	if l := failLine(r.stdout, "errors", "dashboard"); l == "" {
		t.Errorf("verify --smoke with the dashboard down: no failing errors line\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "nameservers") {
		t.Errorf("verify --smoke ran DNS checks:\n%s", r.stdout)
	}
}
