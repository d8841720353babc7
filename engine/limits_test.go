package engine

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

func rng(line int) hcl.Range {
	return hcl.Range{Filename: "launch.hcl", Start: hcl.Pos{Line: line, Column: 3}}
}

func TestCheckLimits(t *testing.T) {
	z := &schema.Zone{Name: "example.com", Provider: "cloudflare", ProviderKind: "cloudflare", DeclRange: rng(1),
		Records: []*schema.Record{{RRSet: model.RRSet{Name: "www.example.com", Type: "A"}, DeclRange: rng(2)}}}
	for i := range 11 {
		z.Redirects = append(z.Redirects, &schema.Redirect{Name: "r", Rule: model.Rule{Expression: `(http.host eq "a")`}, DeclRange: rng(10 + i)})
	}
	z.Redirects[3].Rule.Expression = `(http.request.uri.path matches "^/x")`
	cfg := &schema.Config{Zones: []*schema.Zone{z}}
	long := strings.Repeat("é", 101)
	zp := plan.ZonePlan{Zone: "example.com", Provider: "cloudflare",
		RecordOps:  []model.RecordOp{{Op: model.OpCreate, After: &model.Record{Name: "www.example.com", Type: "A", Value: "203.0.113.1", Comment: long}}},
		RuleWrites: map[string][]model.Rule{model.PhaseRedirect: make([]model.Rule, 11)}}
	p := &plan.Plan{Zones: []plan.ZonePlan{zp}}
	live := map[string]*model.LiveZone{"example.com": {Name: "example.com", Plan: "free"}}

	err := checkLimits(cfg, live, p, 0)
	if !IsLimit(err) {
		t.Fatalf("checkLimits = %v, want a LimitError", err)
	}
	for _, want := range []string{
		"launch.hcl:2:3: zone example.com: the comment of www.example.com A is 101 characters; the Free Website plan allows 100",
		"launch.hcl:13:3: zone example.com: the expression uses the matches operator",
		"launch.hcl:20:3: zone example.com: the zone would have 11 redirect rules after this plan (hand-made ones included); the Free Website plan allows 10",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	// A Business zone allows all of it; a zone whose plan is unknown is not checked.
	live["example.com"].Plan = "business"
	if err := checkLimits(cfg, live, p, 0); err != nil {
		t.Errorf("business: %v", err)
	}
	live["example.com"].Plan = ""
	if err := checkLimits(cfg, live, p, 0); err != nil {
		t.Errorf("unknown plan: %v", err)
	}
	// A Free zone already past 200 records is an older Free zone: 1,000.
	live["example.com"] = &model.LiveZone{Name: "example.com", Plan: "free", Records: make([]model.Record, 300)}
	p.Zones[0].RecordOps[0].After.Comment = ""
	p.Zones[0].RuleWrites = nil
	cfg.Zones[0].Redirects = nil
	if err := checkLimits(cfg, live, p, 0); err != nil {
		t.Errorf("older free zone: %v", err)
	}
	if err := checkLimits(cfg, live, p, 250); err == nil || !strings.Contains(err.Error(), "302 DNS records") || !strings.Contains(err.Error(), "generation") {
		t.Errorf("explicit quota 250, the zone's first lock: %v", err)
	}
	// The lock's generation is a record like any other; the lock itself is not.
	live["example.com"].Records = append(live["example.com"].Records,
		model.Record{Name: ownership.LockName("example.com"), Type: "TXT", Value: ownership.GenerationContent},
		model.Record{Name: ownership.LockName("example.com"), Type: "TXT", Value: ownership.LockContent})
	if err := checkLimits(cfg, live, p, 250); err == nil || !strings.Contains(err.Error(), "302 DNS records after this plan (301 now)") {
		t.Errorf("explicit quota 250, a generation: %v", err)
	}
	if err := checkLimits(cfg, live, p, 303); err != nil {
		t.Errorf("quota 303 with room for the lock: %v", err)
	}
	if err := checkLimits(cfg, live, p, 302); err == nil || !strings.Contains(err.Error(), "needs one more") {
		t.Errorf("quota 302, no room for the lock: %v", err)
	}
}
