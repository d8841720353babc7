package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

// readAs is lz as the engine reads it for z: every record, and only the rule phases
// ownership.ReadsRules names (every phase for a legacy zone).
func readAs(z *schema.Zone, lz *model.LiveZone) *model.LiveZone {
	var kinds []string
	if len(z.Redirects) > 0 {
		kinds = append(kinds, ownership.RuleKindRedirect)
	}
	if len(z.Caches) > 0 {
		kinds = append(kinds, ownership.RuleKindCache)
	}
	rr := ownership.ReadsRules(z.Name, z.Owner, lz.Records, kinds)
	out := cloneLive(lz)
	out.Rules = map[string][]model.Rule{}
	for _, ph := range []string{model.PhaseRedirect, model.PhaseCache} {
		if rr.Legacy || strings.Contains(strings.Join(rr.Phases, " "), ph) {
			out.Rules[ph] = append([]model.Rule{}, lz.Rules[ph]...)
		}
	}
	return out
}

// apexMark returns the text of the default owner's apex mark in lz ("" none).
func apexMark(lz *model.LiveZone) string {
	for _, r := range lz.Records {
		if r.Type == "TXT" && model.CanonicalLiveName(r.Name) == RegistryName(zn) {
			return r.Value
		}
	}
	return ""
}

// convergeLazily applies p to lz, reads it back as the engine would for z, and fails unless
// the next plan has no changes. It returns the state after apply.
func convergeLazily(t *testing.T, z *schema.Zone, p *Plan, lz *model.LiveZone) *model.LiveZone {
	t.Helper()
	after := applyPlan(t, p, map[string]*model.LiveZone{zn: lz})[zn]
	again := mustCompute(t, z, readAs(z, after))
	if again.HasChanges() {
		t.Fatalf("the plan after apply is not empty: %v", changeStrings(again.Zones[0].Changes))
	}
	return after
}

func TestRulesListRecordsOnlyZone(t *testing.T) {
	z := cfZone(rr("www", "A", "192.0.2.1"))
	lz := readAs(z, live()) // a fresh zone: no phase is read
	if len(lz.Rules) != 0 {
		t.Fatalf("a fresh records-only zone read rule phases: %v", lz.Rules)
	}
	p := mustCompute(t, z, lz)
	after := convergeLazily(t, z, p, lz)
	if got := apexMark(after); got != "" {
		t.Fatalf("a records-only zone got an apex mark %q", got)
	}
	if rr := ownership.ReadsRules(zn, "", after.Records, nil); rr.Legacy || len(rr.Phases) != 0 {
		t.Fatalf("after apply the zone still reads rules: %+v", rr)
	}
}

func TestRulesListLegacyZone(t *testing.T) {
	z := cfZone(withTTL(rr("@", "A", "192.0.2.1"), 300))
	z.Settings = &schema.Settings{Settings: model.Settings{Values: map[string]string{"ssl": "strict"}}}
	// Marked before apex marks listed rule kinds: a TXT mark without a list.
	lz := live(ownedTXT("m1", rec("r1", "@", "A", "192.0.2.1", 300)))
	lz.Settings = &model.Settings{Values: map[string]string{"ssl": "strict"}}
	if rr := ownership.ReadsRules(zn, "", lz.Records, nil); !rr.Legacy {
		t.Fatal("a zone with TXT marks and no rules list is not legacy")
	}
	t.Run("every phase read: the list is written", func(t *testing.T) {
		l := cloneLive(lz)
		l.Rules = map[string][]model.Rule{model.PhaseRedirect: nil, model.PhaseCache: nil}
		p := mustCompute(t, z, l)
		after := convergeLazily(t, z, p, l)
		if got := apexMark(after); got != "v=launchready1 settings=ssl rules=none" {
			t.Fatalf("apex mark %q", got)
		}
	})
	t.Run("a phase the token may not read: no list, a warning", func(t *testing.T) {
		l := cloneLive(lz)
		l.Rules = map[string][]model.Rule{model.PhaseRedirect: nil} // cache unread (403)
		p := mustCompute(t, z, l)
		after := applyPlan(t, p, map[string]*model.LiveZone{zn: l})[zn]
		if got := apexMark(after); got != "v=launchready1 settings=ssl" {
			t.Fatalf("apex mark %q", got)
		}
		if w := strings.Join(p.Zones[0].Warnings, "\n"); !strings.Contains(w, "cache rules could not be read") {
			t.Fatalf("no warning about the unread phase: %q", w)
		}
	})
	t.Run("legacy rules in an undeclared phase are deleted first", func(t *testing.T) {
		l := cloneLive(lz)
		old := asLive(redirectRule("old", "https://www.example.com/*", "https://example.com/${1}", 301), "ru1")
		l.Rules = map[string][]model.Rule{model.PhaseRedirect: {old}, model.PhaseCache: nil}
		p := mustCompute(t, z, l)
		zp := p.Zones[0]
		if diff := cmp.Diff([]string{model.PhaseRedirect}, zp.ReleasedPhases); diff != "" {
			t.Fatalf("released phases (-want +got):\n%s", diff)
		}
		after := convergeLazily(t, z, p, l)
		if got := apexMark(after); got != "v=launchready1 settings=ssl rules=none" {
			t.Fatalf("apex mark %q", got)
		}
	})
}

func TestRulesListFollowsBlocks(t *testing.T) {
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	hand := handRule("h1", model.PhaseRedirect, "promo")
	base := func() *schema.Zone { return cfZone(rr("www", "A", "192.0.2.1")) }

	// A redirect block is added: the phase is read (declared), the rule created, and
	// the apex mark lists the kind.
	z := withRules(base(), www)
	lz := live()
	lz.Rules = map[string][]model.Rule{model.PhaseRedirect: {hand}}
	p := mustCompute(t, z, readAs(z, lz))
	if len(p.Zones[0].ReleasedPhases) != 0 {
		t.Fatalf("released phases on create: %v", p.Zones[0].ReleasedPhases)
	}
	after := convergeLazily(t, z, p, readAs(z, lz))
	after.Rules[model.PhaseCache] = nil // the zone's cache phase, never read
	if got := apexMark(after); got != "v=launchready1 rules=redirect" {
		t.Fatalf("apex mark %q", got)
	}

	// The block is removed: the mark makes the engine still read the phase, the rule
	// goes (before the records, so the mark goes only after), the hand-made rule
	// stays, and the next plan reads no phase.
	z = base()
	read := readAs(z, after)
	if _, ok := read.Rules[model.PhaseRedirect]; !ok {
		t.Fatal("a phase the apex mark lists was not read")
	}
	if _, ok := read.Rules[model.PhaseCache]; ok {
		t.Fatal("a phase neither declared nor listed was read")
	}
	p = mustCompute(t, z, read)
	zp := p.Zones[0]
	if diff := cmp.Diff([]string{model.PhaseRedirect}, zp.ReleasedPhases); diff != "" {
		t.Fatalf("released phases (-want +got):\n%s", diff)
	}
	if got := ruleList(zp.RuleWrites[model.PhaseRedirect]); !cmp.Equal(got, []string{"h1 (hand-made) promo"}) {
		t.Fatalf("redirect phase written as %v, want only the hand-made rule", got)
	}
	final := convergeLazily(t, z, p, read)
	if got := apexMark(final); got != "" {
		t.Fatalf("apex mark %q left", got)
	}
	if rr := ownership.ReadsRules(zn, "", final.Records, nil); rr.Legacy || len(rr.Phases) != 0 {
		t.Fatalf("after the block went the zone still reads rules: %+v", rr)
	}
}

func TestRulesListOtherOwner(t *testing.T) {
	// Owner "shop" lists redirect rules; the default owner's records-only plan does
	// not read the phase and writes no mark.
	shop := model.Record{ID: "m1", Name: RegistryName(zn), Type: "TXT", Value: "v=launchready1 owner=shop rules=redirect"}
	lz := live(one(shop))
	z := cfZone(rr("www", "A", "192.0.2.1"))
	read := readAs(z, lz)
	if len(read.Rules) != 0 {
		t.Fatalf("another owner's rules list made this owner read: %v", read.Rules)
	}
	p := mustCompute(t, z, read)
	after := convergeLazily(t, z, p, read)
	var texts []string
	for _, r := range after.Records {
		if r.Type == "TXT" {
			texts = append(texts, r.Value)
		}
	}
	if diff := cmp.Diff([]string{"v=launchready1 owner=shop rules=redirect"}, texts); diff != "" {
		t.Fatalf("apex marks (-want +got):\n%s", diff)
	}
	if rr := ownership.ReadsRules(zn, "shop", after.Records, nil); rr.Legacy || !cmp.Equal(rr.Phases, []string{model.PhaseRedirect}) {
		t.Fatalf("owner shop reads %+v, want its listed redirect phase", rr)
	}
}
