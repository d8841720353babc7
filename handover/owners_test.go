package handover

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// otherOwnerLive adds to example.com's live state what a second launch.hcl (owner
// marketing) manages in the same zone: a record of its own, a value beside a declared
// set, a redirect and a cache rule.
func otherOwnerLive(t *testing.T, live map[string]*model.LiveZone) {
	t.Helper()
	lz := live["example.com"]
	lz.Records = append(lz.Records,
		model.Record{ID: "promo", Name: "promo.example.com", Type: "CNAME", Value: "promo.example.net", Comment: ownership.WithMarker("spring sale", "marketing")},
		model.Record{ID: "api-mkt", Name: "api.example.com", Type: "A", Value: "203.0.113.88", TTL: 300, Comment: ownership.WithMarker("", "marketing")},
	)
	lz.Rules[model.PhaseRedirect] = append(lz.Rules[model.PhaseRedirect], model.Rule{
		ID: "r9", Phase: model.PhaseRedirect, Ref: ownership.RuleRef("redirect", "promo", "marketing"), Expression: `(http.host eq "promo.example.com")`, Action: "redirect", Enabled: true,
		Redirect: &model.RedirectAction{TargetURL: "https://example.com/spring", StatusCode: 302},
	})
	lz.Rules[model.PhaseCache] = append(lz.Rules[model.PhaseCache], model.Rule{
		ID: "c9", Phase: model.PhaseCache, Ref: ownership.RuleRef("cache", "promo-assets", "marketing"), Expression: `(http.host eq "promo.example.com")`, Action: "set_cache_settings", Enabled: true,
		Cache: &model.CacheAction{EdgeTTL: 3600},
	})
}

// TestOtherOwners: records and rules another launch.hcl (another owner) manages in the
// same zone are shown as that owner's: never as this file's, never as made by hand,
// and never as deleted by the next apply.
func TestOtherOwners(t *testing.T) {
	cfg := loadConfig(t)
	live := liveState(cfg)
	otherOwnerLive(t, live)
	got := render(t, Input{Config: cfg, Live: live})
	for _, want := range []string{
		"| `promo.example.com` | CNAME | `promo.example.net` | auto | no | spring sale | other launch.hcl (owner `marketing`) | left alone |",
		"| `api.example.com` | A | `203.0.113.20`<br>`203.0.113.21`<br>`203.0.113.88` (owner `marketing`) | 300 | no | public API | launchready; values marked (owner …) belong to another launch.hcl and are left alone |",
		"This file manages the zone as owner `default`; other launch.hcl files manage it too, as `marketing`",
		"| promo | expression `(http.host eq \"promo.example.com\")` | `https://example.com/spring` | 302 | dropped | other launch.hcl (owner `marketing`) | left alone |",
		"| promo-assets | expression `(http.host eq \"promo.example.com\")` | cached | 1h | origin's headers | other launch.hcl (owner `marketing`) | left alone |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("map lacks %q", want)
		}
	}
	for _, line := range strings.Split(got, "\n") {
		if !strings.Contains(line, "promo") {
			continue
		}
		for _, bad := range []string{"| launchready |", "by hand", "deletes it", "owned, not declared", "[launchready:"} {
			if strings.Contains(line, bad) {
				t.Errorf("another owner's object is shown with %q:\n%s", bad, line)
			}
		}
	}
	if t.Failed() {
		t.Logf("map:\n%s", got)
	}
}

// TestOtherOwnersFromTheirSide draws the same zone from a file whose owner is
// marketing: the default owner's rules (refs without "@owner", as written before
// owners existed) are the other file's, not this one's.
func TestOtherOwnersFromTheirSide(t *testing.T) {
	cfg := loadConfig(t)
	live := liveState(cfg)
	cfg.Zone("example.com").Owner = "marketing"
	got := render(t, Input{Config: cfg, Live: live})
	for _, want := range []string{
		"| www-to-apex | `https://www.example.com/*` | `https://example.com/${1}` | 301 | kept | other launch.hcl (owner `default`) | left alone |",
		"| www-to-apex | `https://www.example.com/*` | `https://example.com/${1}` | 301 | kept | launchready | not created yet: the next apply creates it |",
		"| 1 | assets | `example.com` under `/assets/` | cached | 30d | origin's headers | other launch.hcl (owner `default`) | left alone |",
		"| `old.example.com` | A | `203.0.113.99` | 300 | no | — | other launch.hcl (owner `default`) | left alone |",
		"| `api.example.com` | A | `203.0.113.20` (owner `default`)<br>`203.0.113.21` (owner `default`) | 300 | no | public API | other launch.hcl (owner `default`); declared here too (see the plan's warnings) | left alone |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("map lacks %q", want)
		}
	}
	_, ex, _ := strings.Cut(got, "## Zone `example.com`")
	if strings.Contains(ex, "| owned, not declared |") || strings.Contains(ex, "| no longer declared: the next apply deletes it |") {
		t.Errorf("the default owner's objects are shown as this file's:\n%s", ex)
	}
}

// TestOtherOwnersSettings: a setting another owner's apex mark lists, which this file
// does not declare, is shown as that owner's, not as "not managed by launchready".
func TestOtherOwnersSettings(t *testing.T) {
	cfg := loadConfig(t)
	live := liveState(cfg)
	lz := live["example.com"]
	lz.Records = append(lz.Records, model.Record{ID: "mkt-mark", Name: ownership.RegistryName("example.com"), Type: "TXT",
		Value: "v=launchready1 owner=marketing settings=security_level rules=none", Comment: ownership.Marker("marketing")})
	if lz.Settings == nil {
		lz.Settings = &model.Settings{Values: map[string]string{}}
	}
	if lz.Settings.Values == nil {
		lz.Settings.Values = map[string]string{}
	}
	lz.Settings.Values["security_level"] = "under_attack"
	got := render(t, Input{Config: cfg, Live: live})
	found := false
	for _, line := range strings.Split(got, "\n") {
		if strings.Contains(line, "`security_level`") && strings.HasPrefix(line, "|") {
			found = true
			if !strings.Contains(line, "managed by other launch.hcl (owner `marketing`)") {
				t.Errorf("another owner's setting is not shown as theirs:\n%s", line)
			}
		}
	}
	if !found {
		t.Fatalf("no settings row for security_level:\n%s", got)
	}
}
