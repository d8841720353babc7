package plan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

// planRules plans the redirect and cache phases. launchready's rules (ref with
// model.RefPrefix) are created, updated and deleted to match the blocks, and hand-made
// rules identical to a block adopted; other rules made by hand keep their content and
// place. A phase is written (one PUT of the whole list) only when something in it
// changes.
func (st *zoneState) planRules() error {
	phases := []struct {
		phase string
		kind  Kind
		rules []model.Rule
		names []string
	}{
		{phase: model.PhaseRedirect, kind: KindRedirect},
		{phase: model.PhaseCache, kind: KindCache},
	}
	for _, r := range st.z.Redirects {
		phases[0].rules = append(phases[0].rules, r.Rule)
		phases[0].names = append(phases[0].names, r.Name)
	}
	for _, c := range st.z.Caches {
		phases[1].rules = append(phases[1].rules, c.Rule)
		phases[1].names = append(phases[1].names, c.Name)
	}
	for _, ph := range phases {
		desired := make([]model.Rule, len(ph.rules))
		seen := map[string]bool{}
		for i, r := range ph.rules {
			r.Phase = ph.phase
			if r.Ref == "" || r.Ref == ownership.RuleRef(string(ph.kind), ph.names[i], ownership.DefaultOwner) {
				r.Ref = ownership.RuleRef(string(ph.kind), ph.names[i], st.owner)
			}
			if !r.Owned() {
				return fmt.Errorf("%s rule %q has ref %q without the %q prefix", ph.kind, ph.names[i], r.Ref, model.RefPrefix)
			}
			if seen[r.Ref] {
				return fmt.Errorf("%s rule ref %q is declared twice", ph.kind, r.Ref)
			}
			seen[r.Ref] = true
			desired[i] = r
		}
		live, read := st.live.Rules[ph.phase]
		if !read {
			if len(desired) > 0 {
				return fmt.Errorf("live rules of phase %s were not read", ph.phase)
			}
			continue
		}
		st.rulesRead[ph.phase] = true
		if len(desired) > 0 {
			if ph.kind == KindRedirect && !st.caps.Redirects || ph.kind == KindCache && !st.caps.Cache {
				return fmt.Errorf("provider %s cannot manage %s rules", st.z.Provider, ph.kind)
			}
			st.ruleKinds = append(st.ruleKinds, string(ph.kind))
		} else if slices.ContainsFunc(live, st.mineRule) {
			// Every rule of this owner in the phase goes: write the phase before the
			// records, whose apex mark stops listing the kind, so that a failure leaves
			// the kind listed and the next plan still finds the rules.
			st.zp.ReleasedPhases = append(st.zp.ReleasedPhases, ph.phase)
		}
		st.planPhase(ph.phase, ph.kind, desired, live)
	}
	return nil
}

// ruleList returns the rules list this owner's apex mark carries after the plan, and
// whether it can be written at all: only when every phase that may hold this owner's
// rules was read (a zone marked before rules lists, read with a token that may not
// read a phase, keeps no list and stays read as before).
func (st *zoneState) ruleList() (kinds []string, known bool) {
	if !st.caps.Redirects && !st.caps.Cache {
		return nil, false
	}
	// The phases that had to be read are the ones the engine read (ReadsRules, with no
	// declared kind: those are read anyway); a phase outside them holds none of this
	// owner's rules unless the zone is legacy.
	need := st.ledger.RuleReads(st.owner, nil)
	known = true
	for _, phase := range []string{model.PhaseRedirect, model.PhaseCache} {
		if st.rulesRead[phase] {
			continue
		}
		if slices.Contains(need.Phases, phase) {
			return nil, false
		}
		if need.Legacy {
			known = false
			st.warnings = append(st.warnings, fmt.Sprintf("the %s rules could not be read (the token may not read them): rules launchready made there before ownership marks listed rule kinds, if any, are left alone; grant the permission and plan again to have them managed", ownership.RuleKindOf(phase)))
		}
	}
	if !known {
		return nil, false
	}
	return ownership.SortedUnique(st.ruleKinds), true
}

func (st *zoneState) planPhase(phase string, kind Kind, desired, live []model.Rule) {
	liveByRef := map[string]int{}
	for i, r := range live {
		if !st.mineRule(r) {
			continue
		}
		if _, dup := liveByRef[r.Ref]; !dup {
			liveByRef[r.Ref] = i
		}
	}
	// matched maps a live rule's index to the desired rule it becomes: launchready's
	// own rule found by ref, or a hand-made rule adopted because it is exactly what a
	// block declares. Refs are matched first, so a block keeps its own rule.
	matched := map[int]int{}
	found := make([]int, len(desired))
	for i, d := range desired {
		found[i] = -1
		if idx, ok := liveByRef[d.Ref]; ok {
			found[i] = idx
			matched[idx] = i
		}
	}
	adopted := map[int]bool{}
	for i, d := range desired {
		if found[i] >= 0 {
			continue
		}
		for idx, l := range live {
			if _, taken := matched[idx]; taken || l.Owned() || !rulesEquivalent(l, d) {
				continue
			}
			found[i] = idx
			matched[idx] = i
			adopted[idx] = true
			break
		}
	}

	var changes []Change
	ours := make([]model.Rule, len(desired))
	for i, d := range desired {
		w := d
		after := d
		switch idx := found[i]; {
		case idx < 0:
			changes = append(changes, Change{
				Action: ActionCreate, Kind: kind, Zone: st.z.Name, Key: d.Ref,
				After:  &Object{Rule: &after},
				Fields: ruleViewFields(kind, d, false),
			})
		case adopted[idx]:
			l := live[idx]
			w.ID = l.ID
			before := readable(l)
			changes = append(changes, Change{
				Action: ActionAdopt, Kind: kind, Zone: st.z.Name, Key: d.Ref,
				Before: &Object{Rule: &before}, After: &Object{Rule: &after},
				Fields: ruleUpdateFields(kind, before, d),
			})
		default:
			l := live[idx]
			w.ID = l.ID
			extra := unmodelled(l)
			if !rulesEqual(l, d) || extra != "" {
				before := readable(l)
				ch := Change{
					Action: ActionUpdate, Kind: kind, Zone: st.z.Name, Key: d.Ref,
					Before: &Object{Rule: &before}, After: &Object{Rule: &after},
					Fields: ruleUpdateFields(kind, before, d),
				}
				if extra != "" {
					// Writing the rule from its block drops them, whenever the phase
					// is written: say so rather than lose them silently later.
					ch.Fields = append(ch.Fields, FieldChange{Field: "other parameters", Before: extra})
					ch.Reason = "the rule was edited by hand with parameters launch.hcl does not declare; writing it from its block removes them"
				}
				changes = append(changes, ch)
			}
		}
		ours[i] = w
	}
	for i, l := range live {
		if _, ok := matched[i]; ok || !st.mineRule(l) {
			continue
		}
		before := readable(l)
		changes = append(changes, Change{
			Action: ActionDelete, Kind: kind, Zone: st.z.Name, Key: l.Ref,
			Before: &Object{Rule: &before},
			Fields: ruleViewFields(kind, before, true),
			Reason: "no longer declared in launch.hcl",
		})
	}

	out := placeRules(live, ours, found, st.mineRule)

	kept := keptOrder(live, out)
	for i := range changes {
		if changes[i].Action != ActionAdopt {
			continue
		}
		changes[i].Reason = "made by hand and identical to this block: launchready sets its ref and description; the rule keeps its id, its place and what it does"
		if !kept {
			changes[i].Reason = "made by hand and identical to this block: launchready sets its ref and description; the rule keeps its id and what it does; launch.hcl also reorders launchready's rules (see the order change)"
		}
	}
	if !kept {
		changes = append(changes, Change{
			Action: ActionUpdate, Kind: kind, Zone: st.z.Name, Key: phase,
			Fields: []FieldChange{{Field: "order", Before: ruleNames(live), After: ruleNames(out)}},
			Reason: "launchready's rules move to the order of launch.hcl, among the places they hold; rules made by hand keep theirs",
		})
	}
	if len(changes) == 0 {
		return
	}
	st.ruleChanges = append(st.ruleChanges, changes...)
	if st.zp.RuleWrites == nil {
		st.zp.RuleWrites = map[string][]model.Rule{}
	}
	st.zp.RuleWrites[phase] = out
}

// placeRules returns a phase's new rule list. Hand-made rules stay verbatim where
// they are. launchready's rules (ours, in file order; found[i] is the index in live
// of the rule ours[i] becomes, or -1 for a rule to create) take the places that the
// live rules they become hold now, in file order: a rule moves only when the file
// orders launchready's rules differently, and adopting a rule never moves it. A rule
// to create goes just before the next rule of the file that exists live, or after
// the last one; with none live, where the first of launchready's rules being deleted
// was, else at the end.
func placeRules(live, ours []model.Rule, found []int, mine func(model.Rule) bool) []model.Rule {
	// groups[j] are the rules emitted at the j-th place, in live order.
	var places []int
	var groups [][]model.Rule
	var pending []model.Rule
	for i, r := range ours {
		pending = append(pending, r)
		if found[i] >= 0 {
			places = append(places, found[i])
			groups = append(groups, pending)
			pending = nil
		}
	}
	if len(groups) > 0 {
		groups[len(groups)-1] = append(groups[len(groups)-1], pending...)
		pending = nil
	}
	sort.Ints(places)
	at := map[int][]model.Rule{}
	for j, p := range places {
		at[p] = groups[j]
	}
	out := make([]model.Rule, 0, len(live)+len(ours))
	for i, l := range live {
		switch g, isPlace := at[i]; {
		case isPlace:
			out = append(out, g...)
		case mine(l): // deleted; the first one holds the place of rules to create
			out = append(out, pending...)
			pending = nil
		default:
			out = append(out, l)
		}
	}
	return append(out, pending...)
}

// rulesEquivalent reports whether a hand-made live rule does exactly what desired
// rule d does, so that launchready may adopt it: the same expression, action, enabled
// flag and modelled action parameters, and no parameter launch.hcl cannot hold (its
// verbatim parameters, when the provider kept them, say nothing more). Description,
// ref, id and version do not count.
func rulesEquivalent(l, d model.Rule) bool {
	if l.Expression != d.Expression || l.Action != d.Action || l.Enabled != d.Enabled {
		return false
	}
	if !paramsEqual(l, d) {
		return false
	}
	if len(l.Raw) == 0 {
		return true
	}
	r, c, ok := modelledParams(l.Action, l.Raw)
	if !ok {
		return false
	}
	switch l.Action {
	case actionRedirect:
		return redirectEqual(r, redirectOf(d))
	case actionCache:
		return cacheEqual(c, cacheOf(d))
	}
	return false
}

// unmodelled returns a rule's verbatim action parameters (compact JSON) when they
// hold something launch.hcl cannot declare, and "" otherwise.
func unmodelled(r model.Rule) string {
	if len(r.Raw) == 0 {
		return ""
	}
	if _, _, ok := modelledParams(r.Action, r.Raw); ok {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, r.Raw) != nil {
		return string(r.Raw)
	}
	return b.String()
}

// rulesEqual compares what Cloudflare stores of a rule launchready writes: expression,
// action, enabled, description and the modelled action parameters. IDs, versions and
// the display-only fields (From/To, Hosts, PathPrefix) are ignored.
func rulesEqual(a, b model.Rule) bool {
	if a.Expression != b.Expression || a.Action != b.Action || a.Enabled != b.Enabled || a.Description != b.Description {
		return false
	}
	return paramsEqual(a, b)
}

// paramsEqual compares the modelled action parameters of two rules.
func paramsEqual(a, b model.Rule) bool {
	return redirectEqual(redirectOf(a), redirectOf(b)) && cacheEqual(cacheOf(a), cacheOf(b))
}

// redirectEqual compares what Cloudflare stores of two redirects (From and To are
// launch.hcl's display form of the target).
func redirectEqual(a, b model.RedirectAction) bool {
	return a.TargetURL == b.TargetURL && a.TargetExpression == b.TargetExpression && a.StatusCode == b.StatusCode && a.PreserveQuery == b.PreserveQuery
}

// cacheEqual compares what Cloudflare stores of two cache settings (Hosts and
// PathPrefix are the block's display form of the expression).
func cacheEqual(a, b model.CacheAction) bool {
	return a.Bypass == b.Bypass && a.EdgeTTL == b.EdgeTTL && a.BrowserTTL == b.BrowserTTL
}

// redirectOf returns the rule's redirect parameters with defaults applied (status 301).
func redirectOf(r model.Rule) model.RedirectAction {
	var a model.RedirectAction
	if r.Redirect != nil {
		a = *r.Redirect
	}
	if a.StatusCode == 0 {
		a.StatusCode = 301
	}
	return a
}

func cacheOf(r model.Rule) model.CacheAction {
	if r.Cache != nil {
		return *r.Cache
	}
	return model.CacheAction{}
}

type ruleField struct{ name, value string }

// ruleView is a rule as readable fields, the way the plan shows it.
func ruleView(kind Kind, r model.Rule) []ruleField {
	var out []ruleField
	switch {
	case kind == KindRedirect && r.Action == actionRedirect:
		a := redirectOf(r)
		out = append(out,
			ruleField{"from", redirectFrom(r)},
			ruleField{"to", redirectTo(r)},
			ruleField{"status", strconv.Itoa(a.StatusCode)},
			ruleField{"preserve_query", strconv.FormatBool(a.PreserveQuery)})
	case kind == KindCache && r.Action == actionCache:
		c := cacheOf(r)
		if len(c.Hosts) > 0 || c.PathPrefix != "" {
			out = append(out, ruleField{"hosts", strings.Join(c.Hosts, ", ")}, ruleField{"path_prefix", c.PathPrefix})
		} else {
			out = append(out, ruleField{"expression", r.Expression})
		}
		cache := "eligible"
		if c.Bypass {
			cache = "bypass"
		}
		out = append(out, ruleField{"cache", cache})
		if !c.Bypass {
			out = append(out, ruleField{"edge_ttl", durationString(c.EdgeTTL)}, ruleField{"browser_ttl", durationString(c.BrowserTTL)})
		}
	default:
		out = append(out, ruleField{"action", r.Action}, ruleField{"expression", r.Expression})
	}
	out = append(out, ruleField{"enabled", strconv.FormatBool(r.Enabled)}, ruleField{"description", r.Description})
	return out
}

// ruleViewFields lists a created (or, with gone, deleted) rule's readable fields.
func ruleViewFields(kind Kind, r model.Rule, gone bool) []FieldChange {
	var out []FieldChange
	for _, f := range ruleView(kind, r) {
		if f.value == "" || f.name == "enabled" && f.value == "true" {
			continue
		}
		fc := FieldChange{Field: f.name, After: f.value}
		if gone {
			fc = FieldChange{Field: f.name, Before: f.value}
		}
		out = append(out, fc)
	}
	return out
}

// ruleUpdateFields lists the readable fields that differ between two versions of a
// rule. A field is listed only when what Cloudflare stores differs; the match is shown
// as from (redirects) or hosts/path_prefix (cache rules) when both versions have that
// readable form, and as the raw expression otherwise.
func ruleUpdateFields(kind Kind, before, after model.Rule) []FieldChange {
	var out []FieldChange
	bm, am := viewMap(kind, before), viewMap(kind, after)
	field := func(name string) {
		if bm[name] != am[name] {
			out = append(out, FieldChange{Field: name, Before: bm[name], After: am[name]})
		}
	}
	if before.Action != after.Action {
		out = append(out, FieldChange{Field: "action", Before: before.Action, After: after.Action})
	}
	if before.Expression != after.Expression {
		n := len(out)
		switch kind {
		case KindRedirect:
			field("from")
		case KindCache:
			if _, raw := bm["expression"]; !raw {
				if _, raw := am["expression"]; !raw {
					field("hosts")
					field("path_prefix")
				}
			}
		}
		if len(out) == n {
			out = append(out, FieldChange{Field: "expression", Before: before.Expression, After: after.Expression})
		}
	}
	rb, ra := redirectOf(before), redirectOf(after)
	if rb.TargetURL != ra.TargetURL || rb.TargetExpression != ra.TargetExpression {
		if bm["to"] != am["to"] {
			field("to")
		} else {
			out = append(out, FieldChange{Field: "target", Before: rb.TargetURL + rb.TargetExpression, After: ra.TargetURL + ra.TargetExpression})
		}
	}
	for _, name := range []string{"status", "preserve_query", "cache", "edge_ttl", "browser_ttl", "enabled", "description"} {
		field(name)
	}
	return out
}

func viewMap(kind Kind, r model.Rule) map[string]string {
	m := map[string]string{}
	for _, f := range ruleView(kind, r) {
		m[f.name] = f.value
	}
	return m
}

func redirectFrom(r model.Rule) string {
	if r.Redirect != nil && r.Redirect.From != "" {
		return r.Redirect.From
	}
	return r.Expression
}

func redirectTo(r model.Rule) string {
	a := redirectOf(r)
	switch {
	case a.To != "":
		return a.To
	case a.TargetURL != "":
		return a.TargetURL
	}
	return a.TargetExpression
}

// durationString shows a cache TTL in seconds the way launch.hcl writes it ("30d");
// 0 means the origin's headers decide.
func durationString(sec int) string {
	switch {
	case sec == 0:
		return "origin"
	case sec%86400 == 0:
		return strconv.Itoa(sec/86400) + "d"
	case sec%3600 == 0:
		return strconv.Itoa(sec/3600) + "h"
	case sec%60 == 0:
		return strconv.Itoa(sec/60) + "m"
	}
	return strconv.Itoa(sec) + "s"
}

// ruleIdentity names a rule in a list: its id, or for a rule not yet created its ref.
func ruleIdentity(r model.Rule) string {
	if r.ID != "" {
		return "id:" + r.ID
	}
	return "ref:" + r.Ref + "\x00" + r.Expression
}

// keptOrder reports whether the rules present both before and after keep their
// relative order (rules created or deleted do not count as a move).
func keptOrder(before, after []model.Rule) bool {
	in := func(rs []model.Rule) map[string]bool {
		m := map[string]bool{}
		for _, r := range rs {
			m[ruleIdentity(r)] = true
		}
		return m
	}
	inBefore, inAfter := in(before), in(after)
	var a, b []string
	for _, r := range before {
		if id := ruleIdentity(r); inAfter[id] {
			a = append(a, id)
		}
	}
	for _, r := range after {
		if id := ruleIdentity(r); inBefore[id] {
			b = append(b, id)
		}
	}
	return strings.Join(a, "\x00") == strings.Join(b, "\x00")
}

// ruleNames lists rules for an order change: launchready's by block name, hand-made
// ones by description or id.
func ruleNames(rs []model.Rule) string {
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, ruleName(r))
	}
	return strings.Join(names, ", ")
}

func ruleName(r model.Rule) string {
	if r.Owned() {
		rest := strings.TrimPrefix(r.Ref, model.RefPrefix)
		if _, name, ok := strings.Cut(rest, ":"); ok {
			return name
		}
		return rest
	}
	if r.Description != "" {
		return "(hand-made) " + r.Description
	}
	return "(hand-made) " + r.ID
}

// readable returns a live rule with the display fields a block would have filled (a
// redirect's from/to, a cache rule's hosts and path prefix) recovered from its
// expression where it has launchready's shape, so plans show a rule edited in the
// dashboard as from → to rather than as raw expressions. Only Before objects and
// fields use it: comparison ignores these fields and rules are written back as read.
func readable(r model.Rule) model.Rule {
	if r.Redirect != nil && r.Redirect.From == "" {
		if from, to, ok := schema.ParseRedirectRule(r); ok {
			a := *r.Redirect
			a.From, a.To = from, to
			r.Redirect = &a
		}
	}
	if r.Cache != nil && len(r.Cache.Hosts) == 0 {
		if hosts, prefix, ok := schema.ParseCacheExpression(r.Expression); ok {
			c := *r.Cache
			c.Hosts, c.PathPrefix = hosts, prefix
			r.Cache = &c
		}
	}
	return r
}

// mineRule reports whether live rule r is this zone owner's (another owner's rules
// are kept in place like hand-made ones, and never adopted).
func (st *zoneState) mineRule(r model.Rule) bool { return ownership.RuleOwner(r.Ref) == st.owner }
