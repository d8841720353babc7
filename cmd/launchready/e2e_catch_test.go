package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestHandoverMapShowsTheLatestVerifyReport: after `verify`, `handover` writes the
// report's summary and its results into the DNS map (not "Not verified yet").
func TestHandoverMapShowsTheLatestVerifyReport(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, workflowConfig, "example.com")
	w.converge()
	r := w.run(nil, "verify", "--json")
	if r.code != 0 && r.code != 4 {
		t.Fatalf("verify: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	var rep struct {
		Summary struct{ Pass, Warn, Fail, Skip int } `json:"summary"`
		Zones   []struct {
			Results []struct{ Name, Check string } `json:"results"`
		} `json:"zones"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, r.stdout)
	}
	if len(rep.Zones) == 0 || len(rep.Zones[0].Results) == 0 {
		t.Fatalf("verify reported no results:\n%s", r.stdout)
	}
	w.mustRun(0, "handover", "--out", "DNS-MAP.md")
	m := w.read("DNS-MAP.md")
	s := rep.Summary
	want := fmt.Sprintf(": %d passed, %d warnings, %d failed, %d skipped.", s.Pass, s.Warn, s.Fail, s.Skip)
	if !strings.Contains(m, "Last verified ") || !strings.Contains(m, want) || strings.Contains(m, "Not verified yet") {
		t.Errorf("the DNS map does not show the latest verify report (want %q):\n%s", want, m)
	}
	for _, res := range rep.Zones[0].Results {
		if !strings.Contains(m, "`"+res.Name+"`") {
			t.Errorf("the DNS map's verify results lack %s %s", res.Name, res.Check)
		}
	}
}

// TestDriftExitsTwoOnEmailErrors: with live state converged (no record or setting
// drift), an email authentication error found through DNS (an SPF include that does
// not exist) still makes drift exit 2, reported as such; --no-email-check exits 0.
func TestDriftExitsTwoOnEmailErrors(t *testing.T) {
	t.Parallel()
	cfg := `zone "example.com" {
  record "@" "MX" { value = "10 mx.example.com." }
  record "mx" "A" { value = "192.0.2.25" }
  email {
    spf {
      include = ["_spf.example.com"]
      all     = "fail"
    }
  }
}
`
	w := newWorkspace(t, cfg, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	if r := w.mustRun(0, "plan", "--detailed-exitcode", "--no-email-check"); !strings.Contains(r.stdout, "No changes") {
		t.Fatalf("not converged:\n%s", r.stdout)
	}
	r := w.mustRun(2, "drift")
	if !strings.Contains(r.stdout, "error spf: include target _spf.example.com does not exist") {
		t.Errorf("drift does not report the email error:\n%s", r.stdout)
	}
	w.mustRun(0, "drift", "--no-email-check")
}
