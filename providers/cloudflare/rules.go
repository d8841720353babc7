package cloudflare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// Action names of the rules launchready models.
const (
	actionRedirect = "redirect"
	actionCache    = "set_cache_settings"
)

// redirectParams is a Single Redirect's action_parameters.
type redirectParams struct {
	FromValue *fromValue `json:"from_value,omitempty"`
}

type fromValue struct {
	TargetURL           targetURL `json:"target_url"`
	StatusCode          int       `json:"status_code,omitempty"`
	PreserveQueryString bool      `json:"preserve_query_string"`
}

type targetURL struct {
	Value      string `json:"value,omitempty"`
	Expression string `json:"expression,omitempty"`
}

// ttlParams is a cache rule's edge_ttl or browser_ttl.
type ttlParams struct {
	Mode    string `json:"mode"`
	Default int    `json:"default,omitempty"`
}

// cacheParams is the part of set_cache_settings launch.hcl models.
type cacheParams struct {
	Cache      *bool      `json:"cache,omitempty"`
	EdgeTTL    *ttlParams `json:"edge_ttl,omitempty"`
	BrowserTTL *ttlParams `json:"browser_ttl,omitempty"`
}

const ttlOverride = "override_origin"

func redirectToParams(a *model.RedirectAction) (json.RawMessage, error) {
	var p redirectParams
	p.FromValue = &fromValue{}
	switch {
	case a.TargetURL != "" && a.TargetExpression != "":
		return nil, fmt.Errorf("a redirect has both a target URL and a target expression")
	case a.TargetURL != "":
		p.FromValue.TargetURL.Value = a.TargetURL
	case a.TargetExpression != "":
		p.FromValue.TargetURL.Expression = a.TargetExpression
	default:
		return nil, fmt.Errorf("a redirect has no target")
	}
	p.FromValue.StatusCode = a.StatusCode
	p.FromValue.PreserveQueryString = a.PreserveQuery
	return json.Marshal(p)
}

func cacheToParams(a *model.CacheAction) (json.RawMessage, error) {
	cache := !a.Bypass
	p := cacheParams{Cache: &cache}
	if !a.Bypass {
		if a.EdgeTTL > 0 {
			p.EdgeTTL = &ttlParams{Mode: ttlOverride, Default: a.EdgeTTL}
		}
		if a.BrowserTTL > 0 {
			p.BrowserTTL = &ttlParams{Mode: ttlOverride, Default: a.BrowserTTL}
		}
	}
	return json.Marshal(p)
}

// paramsToRedirect reads a redirect's parameters; full says whether the model holds
// all of them (else the rule keeps Raw).
func paramsToRedirect(raw json.RawMessage) (a *model.RedirectAction, full bool) {
	var p redirectParams
	if json.Unmarshal(raw, &p) != nil || p.FromValue == nil {
		return nil, false
	}
	f := p.FromValue
	a = &model.RedirectAction{
		TargetURL:        f.TargetURL.Value,
		TargetExpression: f.TargetURL.Expression,
		StatusCode:       f.StatusCode,
		PreserveQuery:    f.PreserveQueryString,
	}
	if a.StatusCode == 0 {
		a.StatusCode = 301 // the API's default
	}
	full = onlyKeys(raw, "", "from_value") &&
		onlyKeys(raw, "from_value", "target_url", "status_code", "preserve_query_string") &&
		onlyKeys(raw, "from_value.target_url", "value", "expression") &&
		(a.TargetURL == "") != (a.TargetExpression == "")
	return a, full
}

func paramsToCache(raw json.RawMessage) (a *model.CacheAction, full bool) {
	var p cacheParams
	if json.Unmarshal(raw, &p) != nil {
		return nil, false
	}
	a = &model.CacheAction{}
	full = p.Cache != nil && onlyKeys(raw, "", "cache", "edge_ttl", "browser_ttl")
	if p.Cache != nil {
		a.Bypass = !*p.Cache
	}
	for _, t := range []struct {
		key string
		p   *ttlParams
		dst *int
	}{{"edge_ttl", p.EdgeTTL, &a.EdgeTTL}, {"browser_ttl", p.BrowserTTL, &a.BrowserTTL}} {
		if t.p == nil {
			continue
		}
		switch {
		case t.p.Mode == ttlOverride && t.p.Default > 0:
			*t.dst = t.p.Default
		case t.p.Mode == "respect_origin" && t.p.Default == 0:
		default:
			full = false
		}
		if !onlyKeys(raw, t.key, "mode", "default") {
			full = false
		}
	}
	if a.Bypass && (a.EdgeTTL != 0 || a.BrowserTTL != 0) {
		full = false
	}
	return a, full
}

// onlyKeys reports whether the object at the dotted path of raw has no keys but
// allowed (a missing object has none).
func onlyKeys(raw json.RawMessage, path string, allowed ...string) bool {
	obj := raw
	if path != "" {
		for _, k := range strings.Split(path, ".") {
			var m map[string]json.RawMessage
			if json.Unmarshal(obj, &m) != nil {
				return false
			}
			v, ok := m[k]
			if !ok {
				return true
			}
			obj = v
		}
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return false
	}
next:
	for k := range m {
		for _, a := range allowed {
			if k == a {
				continue next
			}
		}
		return false
	}
	return true
}

// toRule converts an API rule. A rule launchready does not own keeps its
// action_parameters verbatim in Raw, always, so that writing the phase back never
// alters it; an owned rule keeps Raw only when it has parameters the model lacks
// (someone edited it by hand).
func toRule(w wireRule, phase string) model.Rule {
	r := model.Rule{
		ID:          w.ID,
		Ref:         w.Ref,
		Phase:       phase,
		Description: w.Description,
		Expression:  w.Expression,
		Action:      w.Action,
		Enabled:     w.Enabled,
	}
	full := false
	if len(w.ActionParameters) > 0 {
		switch w.Action {
		case actionRedirect:
			r.Redirect, full = paramsToRedirect(w.ActionParameters)
		case actionCache:
			r.Cache, full = paramsToCache(w.ActionParameters)
		}
		if !full || !r.Owned() {
			r.Raw = append([]byte(nil), w.ActionParameters...)
		}
	}
	return r
}

// fromRule converts a rule to write. An owned rule's parameters come from its
// Redirect or Cache action (what launch.hcl says); any other rule's come from Raw
// verbatim when it has one.
func fromRule(r model.Rule) (wireRule, error) {
	w := wireRule{
		ID:          r.ID,
		Ref:         r.Ref,
		Expression:  r.Expression,
		Action:      r.Action,
		Description: r.Description,
		Enabled:     r.Enabled,
	}
	if r.Expression == "" || r.Action == "" {
		return w, fmt.Errorf("rule %s has no expression or action", ruleName(r))
	}
	modelled := r.Redirect != nil || r.Cache != nil
	var err error
	switch {
	case len(r.Raw) > 0 && !(r.Owned() && modelled):
		if !json.Valid(r.Raw) {
			return w, fmt.Errorf("rule %s: its stored action_parameters are not valid JSON", ruleName(r))
		}
		w.ActionParameters = append(json.RawMessage(nil), r.Raw...)
	case r.Redirect != nil:
		if r.Action != actionRedirect {
			return w, fmt.Errorf("rule %s has redirect parameters but action %q", ruleName(r), r.Action)
		}
		w.ActionParameters, err = redirectToParams(r.Redirect)
	case r.Cache != nil:
		if r.Action != actionCache {
			return w, fmt.Errorf("rule %s has cache parameters but action %q", ruleName(r), r.Action)
		}
		w.ActionParameters, err = cacheToParams(r.Cache)
	}
	if err != nil {
		return w, fmt.Errorf("rule %s: %w", ruleName(r), err)
	}
	return w, nil
}

func ruleName(r model.Rule) string {
	switch {
	case r.Ref != "":
		return r.Ref
	case r.ID != "":
		return r.ID
	case r.Description != "":
		return fmt.Sprintf("%q", r.Description)
	}
	return fmt.Sprintf("%q", r.Expression)
}

// ReadRules returns the phase's entrypoint rules in order; a phase never configured
// (HTTP 404, code 10003) has none.
func (p *Provider) ReadRules(ctx context.Context, zone, phase string) ([]model.Rule, error) {
	zone, zid, err := p.zoneID(ctx, zone)
	if err != nil {
		return nil, err
	}
	rs, err := p.api.entrypoint(ctx, zid, phase)
	if err != nil {
		if pe := denied(zone, cfplan.PhaseGroup(phase, true), "read and write "+phaseDoing(phase), err); pe != err {
			return nil, pe
		}
		return nil, fmt.Errorf("reading %s rules of %s: %w", phase, zone, err)
	}
	out := []model.Rule{}
	if rs == nil {
		return out, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, w := range rs.Rules {
		out = append(out, toRule(w, phase))
		if w.ID != "" && len(w.Extra) > 0 {
			p.ruleExtra[ruleKey{zid, phase, w.ID}] = w.Extra
		}
	}
	return out, nil
}

// WriteRules makes the phase's rules launchready owns match rules (the complete list
// the plan wants, hand-made rules in their places), one rule at a time through the
// rulesets API's per-rule endpoints, against the entrypoint as it is now: a rule
// launchready does not own is never sent, so one made by hand while the plan was
// read or confirmed is neither rewritten nor removed. Owned rules gone from rules
// are deleted, changed ones edited (and moved when their place changed), new ones
// created after the rule that precedes them. Only a phase never configured is
// created in one PUT (it holds nobody's rules). Fields this package does not model
// (e.g. logging) on an owned rule are sent back as they are.
func (p *Provider) WriteRules(ctx context.Context, zone, phase string, rules []model.Rule) error {
	zone, zid, err := p.zoneID(ctx, zone)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		if pe, ok := denied(zone, cfplan.PhaseGroup(phase, true), "write "+phaseDoing(phase), err).(*PermissionError); ok {
			return pe // the engine says whether records or settings were written before
		}
		return fmt.Errorf("writing %s rules of %s: %w", phase, zone, err)
	}
	rs, err := p.api.entrypoint(ctx, zid, phase)
	if err != nil {
		return fail(err)
	}
	wire := func(r model.Rule, extra map[string]json.RawMessage) (wireRule, error) {
		w, err := fromRule(r)
		if err != nil {
			return w, fmt.Errorf("zone %s, phase %s: %w", zone, phase, err)
		}
		w.Extra = extra
		return w, nil
	}
	if rs == nil {
		var ws []wireRule
		for _, r := range rules {
			if !r.Owned() {
				continue // a hand-made rule the plan saw is gone with its phase
			}
			w, err := wire(r, nil)
			if err != nil {
				return err
			}
			w.ID = ""
			ws = append(ws, w)
		}
		if len(ws) == 0 {
			return nil
		}
		if err := p.api.putEntrypoint(ctx, zid, phase, ws); err != nil {
			return fail(err)
		}
		return nil
	}
	live := map[string]wireRule{}
	var order []string // live rule ids, in order, kept current as rules are written
	for _, w := range rs.Rules {
		live[w.ID] = w
		order = append(order, w.ID)
	}
	want := map[string]bool{}
	for _, r := range rules {
		if r.ID != "" {
			want[r.ID] = true
		}
	}
	for _, id := range slices.Clone(order) {
		if w := live[id]; (model.Rule{Ref: w.Ref}).Owned() && !want[id] {
			if err := p.api.deleteRule(ctx, zid, rs.ID, id); err != nil {
				return fail(err)
			}
			order = slices.DeleteFunc(order, func(x string) bool { return x == id })
		}
	}
	prevOf := func(id string) string {
		i := slices.Index(order, id)
		if i <= 0 {
			return ""
		}
		return order[i-1]
	}
	place := func(prev string) *rulePosition {
		if prev == "" {
			return &rulePosition{Index: 1}
		}
		return &rulePosition{After: prev}
	}
	prev := ""
	for _, r := range rules {
		cur, exists := live[r.ID]
		if !r.Owned() {
			if r.ID != "" && exists {
				prev = r.ID
			}
			continue
		}
		if exists {
			moved := prevOf(r.ID) != prev
			if !moved && reflect.DeepEqual(toRule(cur, phase), r) {
				prev = r.ID // as read: unchanged (another owner's rule, or in sync)
				continue
			}
			w, err := wire(r, cur.Extra)
			if err != nil {
				return err
			}
			if moved || !sameWireRule(cur, w) {
				var pos *rulePosition
				if moved {
					pos = place(prev)
				}
				if err := p.api.editRule(ctx, zid, rs.ID, r.ID, w, pos); err != nil {
					return fail(err)
				}
				if moved {
					order = slices.DeleteFunc(order, func(x string) bool { return x == r.ID })
					order = slices.Insert(order, slices.Index(order, prev)+1, r.ID)
				}
			}
			prev = r.ID
			continue
		}
		w, err := wire(r, nil)
		if err != nil {
			return err
		}
		w.ID = ""
		got, err := p.api.createRule(ctx, zid, rs.ID, w, place(prev))
		if err != nil && errors.Is(err, errOutcomeUnknown) {
			got, err = p.createdAnyway(ctx, zid, phase, w.Ref, live, err)
		}
		if err != nil {
			return fail(err)
		}
		id := ""
		if got != nil {
			for _, x := range got.Rules {
				if x.Ref == w.Ref {
					id = x.ID
				}
			}
		}
		if id == "" {
			return fail(fmt.Errorf("rule %s was created but the answer does not show it: run plan again", ruleName(r)))
		}
		order = slices.Insert(order, slices.Index(order, prev)+1, id)
		live[id] = w
		prev = id
	}
	p.log.Debug("wrote rules", "zone", zone, "phase", phase, "rules", len(rules))
	return nil
}

// createdAnyway looks for the rule a create with an unknown outcome (no answer, or a
// 5xx, then a refused retry) may have made: a rule with ref that was not in the phase
// when WriteRules read it (live) is that create's, as the zone's lock keeps other
// applies out and refs are launchready's. It returns the phase as read now, or
// createErr when no such rule exists.
func (p *Provider) createdAnyway(ctx context.Context, zid, phase, ref string, live map[string]wireRule, createErr error) (*wireRuleset, error) {
	rs, err := p.api.entrypoint(ctx, zid, phase)
	if err != nil || rs == nil {
		return nil, createErr
	}
	for _, x := range rs.Rules {
		if _, before := live[x.ID]; x.Ref == ref && !before {
			p.log.Debug("rule created by an attempt whose answer was lost", "phase", phase, "ref", ref)
			return rs, nil
		}
	}
	return nil, createErr
}

// sameWireRule reports whether writing b over a would change nothing.
func sameWireRule(a, b wireRule) bool {
	a.ID, b.ID = "", ""
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// ruleKey names a rule seen by ReadRules, to send back its unmodelled fields.
type ruleKey struct{ zone, phase, id string }
