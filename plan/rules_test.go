package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// redirectRule is the rule a `redirect` block with from/to compiles to.
func redirectRule(name, from, to string, status int) model.Rule {
	return model.Rule{
		Ref:        model.RefPrefix + "redirect:" + name,
		Phase:      model.PhaseRedirect,
		Expression: fmt.Sprintf("http.request.full_uri wildcard %q", from),
		Action:     "redirect",
		Enabled:    true,
		Redirect: &model.RedirectAction{
			From: from, To: to,
			TargetExpression: fmt.Sprintf("wildcard_replace(http.request.full_uri, %q, %q)", from, to),
			StatusCode:       status,
			PreserveQuery:    true,
		},
	}
}

// cacheRule is the rule a `cache` block compiles to.
func cacheRule(name string, hosts []string, prefix string, edgeTTL int, bypass bool) model.Rule {
	var quoted []string
	for _, h := range hosts {
		quoted = append(quoted, fmt.Sprintf("%q", h))
	}
	expr := fmt.Sprintf("(http.host in {%s})", strings.Join(quoted, " "))
	if prefix != "" {
		expr = fmt.Sprintf("(http.host in {%s} and starts_with(http.request.uri.path, %q))", strings.Join(quoted, " "), prefix)
	}
	return model.Rule{
		Ref:        model.RefPrefix + "cache:" + name,
		Phase:      model.PhaseCache,
		Expression: expr,
		Action:     "set_cache_settings",
		Enabled:    true,
		Cache:      &model.CacheAction{Hosts: hosts, PathPrefix: prefix, Bypass: bypass, EdgeTTL: edgeTTL},
	}
}

// handRule is a rule made in the dashboard.
func handRule(id, phase, desc string) model.Rule {
	return model.Rule{
		ID: id, Phase: phase, Description: desc,
		Expression: fmt.Sprintf("(http.host eq %q)", desc+".example.com"),
		Action:     "redirect",
		Enabled:    true,
		Redirect:   &model.RedirectAction{TargetURL: "https://elsewhere.example.net/", StatusCode: 302},
		Raw:        []byte(`{"from_value":{"target_url":{"value":"https://elsewhere.example.net/"},"status_code":302}}`),
	}
}

// asLive is r as the API returns it: with an id, without launch.hcl's display fields.
func asLive(r model.Rule, id string) model.Rule {
	r.ID = id
	if r.Redirect != nil {
		a := *r.Redirect
		a.From, a.To = "", ""
		r.Redirect = &a
	}
	if r.Cache != nil {
		c := *r.Cache
		c.Hosts, c.PathPrefix = nil, ""
		r.Cache = &c
	}
	return r
}

func withRules(z *schema.Zone, rules ...model.Rule) *schema.Zone {
	for _, r := range rules {
		name := ruleName(r)
		if r.Phase == model.PhaseRedirect {
			z.Redirects = append(z.Redirects, &schema.Redirect{Name: name, Rule: r})
		} else {
			z.Caches = append(z.Caches, &schema.Cache{Name: name, Rule: r})
		}
	}
	return z
}

func liveRules(redirects, caches []model.Rule) *model.LiveZone {
	lz := live()
	lz.Rules = map[string][]model.Rule{model.PhaseRedirect: redirects, model.PhaseCache: caches}
	return lz
}

// withoutRulesMark returns zp without the apex mark's creation or update that lists
// the rule kinds (rulelist_test.go covers it), checking that it says what the zone
// declares.
func withoutRulesMark(t *testing.T, zp ZonePlan) ZonePlan {
	t.Helper()
	var changes []Change
	for _, c := range zp.Changes {
		if c.Kind != KindOwnership || c.Key != RegistryName(zn)+" TXT" {
			changes = append(changes, c)
		}
	}
	var ops []model.RecordOp
	for _, op := range zp.RecordOps {
		if op.After != nil && model.CanonicalLiveName(op.After.Name) == RegistryName(zn) {
			if !strings.Contains(op.After.Value, " rules=") {
				t.Errorf("the apex mark is written without a rules list: %q", op.After.Value)
			}
			continue
		}
		ops = append(ops, op)
	}
	zp.Changes, zp.RecordOps = changes, ops
	return zp
}

// ruleList names rules for comparison: "<id or new> <name>".
func ruleList(rs []model.Rule) []string {
	out := []string{}
	for _, r := range rs {
		id := r.ID
		if id == "" {
			id = "new"
		}
		out = append(out, id+" "+ruleName(r))
	}
	return out
}

func TestComputeRules(t *testing.T) {
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	old := redirectRule("old-blog", "https://blog.example.com/*", "https://example.com/blog/${1}", 302)
	assets := cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false)
	bypass := cacheRule("app-bypass", []string{"app.example.com"}, "", 0, true)
	h1 := handRule("h1", model.PhaseRedirect, "legacy")
	h2 := handRule("h2", model.PhaseRedirect, "promo")

	tests := []struct {
		name        string
		zone        *schema.Zone
		live        *model.LiveZone
		wantChanges []string
		wantWrites  map[string][]string
	}{
		{
			name: "create next to a hand-made rule",
			zone: withRules(cfZone(), www),
			live: liveRules([]model.Rule{h1}, nil),
			wantChanges: []string{
				"create redirect launchready:redirect:www-to-apex | from:  -> https://www.example.com/* | to:  -> https://example.com/${1} | status:  -> 301 | preserve_query:  -> true",
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "new www-to-apex"}},
		},
		{
			name: "update in place; hand-made rules keep their places",
			zone: withRules(cfZone(), www, old),
			live: liveRules([]model.Rule{h1, asLive(www, "a"), h2, asLive(redirectRule("old-blog", "https://blog.example.com/*", "https://example.com/blog/${1}", 301), "b")}, nil),
			wantChanges: []string{
				"update redirect launchready:redirect:old-blog | status: 301 -> 302",
			},
			// A hand-made rule between launchready's stays there: nothing moves unless
			// the file reorders launchready's rules (so adopting never moves a rule).
			wantWrites: map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "a www-to-apex", "h2 (hand-made) promo", "b old-blog"}},
		},
		{
			name: "reordered blocks swap places across a hand-made rule",
			zone: withRules(cfZone(), old, www),
			live: liveRules([]model.Rule{asLive(www, "a"), h1, asLive(old, "b")}, nil),
			wantChanges: []string{
				"update redirect http_request_dynamic_redirect | order: www-to-apex, (hand-made) legacy, old-blog -> old-blog, (hand-made) legacy, www-to-apex",
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"b old-blog", "h1 (hand-made) legacy", "a www-to-apex"}},
		},
		{
			name:        "a created rule goes just before the next block's rule",
			zone:        withRules(cfZone(), old, www),
			live:        liveRules([]model.Rule{h1, asLive(www, "a"), h2}, nil),
			wantChanges: []string{"create redirect launchready:redirect:old-blog | from:  -> https://blog.example.com/* | to:  -> https://example.com/blog/${1} | status:  -> 302 | preserve_query:  -> true"},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "new old-blog", "a www-to-apex", "h2 (hand-made) promo"}},
		},
		{
			name:        "a created rule goes just after the last block's rule",
			zone:        withRules(cfZone(), www, old),
			live:        liveRules([]model.Rule{h1, asLive(www, "a"), h2}, nil),
			wantChanges: []string{"create redirect launchready:redirect:old-blog | from:  -> https://blog.example.com/* | to:  -> https://example.com/blog/${1} | status:  -> 302 | preserve_query:  -> true"},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "a www-to-apex", "new old-blog", "h2 (hand-made) promo"}},
		},
		{
			name: "a created rule takes the place of a deleted one",
			zone: withRules(cfZone(), www),
			live: liveRules([]model.Rule{h1, asLive(old, "b"), h2}, nil),
			wantChanges: []string{
				"create redirect launchready:redirect:www-to-apex | from:  -> https://www.example.com/* | to:  -> https://example.com/${1} | status:  -> 301 | preserve_query:  -> true",
				`delete redirect launchready:redirect:old-blog | from: http.request.full_uri wildcard "https://blog.example.com/*" ->  | to: wildcard_replace(http.request.full_uri, "https://blog.example.com/*", "https://example.com/blog/${1}") ->  | status: 302 ->  | preserve_query: true -> `,
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "new www-to-apex", "h2 (hand-made) promo"}},
		},
		{
			name: "reordered blocks move launchready's rules only",
			zone: withRules(cfZone(), old, www),
			live: liveRules([]model.Rule{h1, asLive(www, "a"), asLive(old, "b"), h2}, nil),
			wantChanges: []string{
				"update redirect http_request_dynamic_redirect | order: (hand-made) legacy, www-to-apex, old-blog, (hand-made) promo -> (hand-made) legacy, old-blog, www-to-apex, (hand-made) promo",
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "b old-blog", "a www-to-apex", "h2 (hand-made) promo"}},
		},
		{
			name: "block removed deletes its rule only",
			zone: cfZone(),
			live: liveRules([]model.Rule{h1, asLive(old, "b"), h2}, nil),
			wantChanges: []string{
				`delete redirect launchready:redirect:old-blog | from: http.request.full_uri wildcard "https://blog.example.com/*" ->  | to: wildcard_replace(http.request.full_uri, "https://blog.example.com/*", "https://example.com/blog/${1}") ->  | status: 302 ->  | preserve_query: true -> `,
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "h2 (hand-made) promo"}},
		},
		{
			name: "unchanged phases are not written",
			zone: withRules(cfZone(), www, assets),
			live: liveRules([]model.Rule{h1, asLive(www, "a")}, []model.Rule{asLive(assets, "c")}),
		},
		{
			name: "hand-made rules only and nothing declared",
			zone: cfZone(),
			live: liveRules([]model.Rule{h1, h2}, []model.Rule{}),
		},
		{
			name: "phase not read and nothing declared",
			zone: cfZone(),
			live: live(),
		},
		{
			name: "cache rules: create and update",
			zone: withRules(cfZone(), assets, bypass),
			live: liveRules(nil, []model.Rule{asLive(cacheRule("assets", []string{"example.com"}, "/assets/", 86400, false), "c")}),
			wantChanges: []string{
				"update cache launchready:cache:assets | edge_ttl: 1d -> 30d",
				"create cache launchready:cache:app-bypass | hosts:  -> app.example.com | cache:  -> bypass",
			},
			wantWrites: map[string][]string{model.PhaseCache: {"c assets", "new app-bypass"}},
		},
		{
			name: "a live rule read without display fields is shown readably, recovered from its expression",
			zone: withRules(cfZone(), assets),
			live: liveRules(nil, []model.Rule{asLive(cacheRule("assets", []string{"example.com"}, "/static/", 30*86400, false), "c")}),
			wantChanges: []string{
				`update cache launchready:cache:assets | path_prefix: /static/ -> /assets/`,
			},
			wantWrites: map[string][]string{model.PhaseCache: {"c assets"}},
		},
		{
			name: "a rule disabled in the dashboard is enabled again",
			zone: withRules(cfZone(), www),
			live: func() *model.LiveZone {
				l := asLive(www, "a")
				l.Enabled = false
				return liveRules([]model.Rule{l}, nil)
			}(),
			wantChanges: []string{"update redirect launchready:redirect:www-to-apex | enabled: false -> true"},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"a www-to-apex"}},
		},
		{
			name: "a parameter added by hand to launchready's rule is shown before the write removes it",
			zone: withRules(cfZone(), assets),
			live: liveRules(nil, []model.Rule{withRaw(asLive(assets, "c"), `{"cache": true, "edge_ttl": {"mode": "override_origin", "default": 2592000}, "cache_key": {"ignore_query_strings_order": true}}`)}),
			wantChanges: []string{
				`update cache launchready:cache:assets | other parameters: {"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000},"cache_key":{"ignore_query_strings_order":true}} -> `,
			},
			wantWrites: map[string][]string{model.PhaseCache: {"c assets"}},
		},
		{
			name: "launchready's rule read with parameters the model holds in full is unchanged",
			zone: withRules(cfZone(), assets),
			live: liveRules(nil, []model.Rule{withRaw(asLive(assets, "c"), `{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000}}`)}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zp := withoutRulesMark(t, mustCompute(t, tt.zone, tt.live).Zones[0])
			if diff := cmp.Diff(tt.wantChanges, changeStrings(zp.Changes)); diff != "" {
				t.Errorf("changes mismatch (-want +got):\n%s", diff)
			}
			var got map[string][]string
			for phase, rules := range zp.RuleWrites {
				if got == nil {
					got = map[string][]string{}
				}
				got[phase] = ruleList(rules)
			}
			if diff := cmp.Diff(tt.wantWrites, got); diff != "" {
				t.Errorf("rule writes mismatch (-want +got):\n%s", diff)
			}
			if len(zp.RecordOps) != 0 {
				t.Errorf("rules produced record ops: %v", opStrings(zp.RecordOps))
			}
		})
	}
}

func TestComputeRulesKeepHandMadeVerbatim(t *testing.T) {
	h1 := handRule("h1", model.PhaseRedirect, "legacy")
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	zp := mustCompute(t, withRules(cfZone(), www), liveRules([]model.Rule{h1}, nil)).Zones[0]
	got := zp.RuleWrites[model.PhaseRedirect]
	if len(got) != 2 {
		t.Fatalf("rule writes = %v, want 2 rules", ruleList(got))
	}
	if diff := cmp.Diff(h1, got[0]); diff != "" {
		t.Errorf("hand-made rule altered (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(www, got[1]); diff != "" {
		t.Errorf("created rule (-want +got):\n%s", diff)
	}
}

func TestComputeRulesNotRead(t *testing.T) {
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	lz := live()
	lz.Rules = map[string][]model.Rule{model.PhaseCache: {}}
	_, err := Compute(cfgOf(withRules(cfZone(), www)), map[string]*model.LiveZone{zn: lz})
	if err == nil || !strings.Contains(err.Error(), "live rules of phase http_request_dynamic_redirect were not read") {
		t.Errorf("Compute error = %v, want the redirect phase reported as not read", err)
	}
}

// described is r with the description its block gives it.
func described(r model.Rule, desc string) model.Rule {
	r.Description = desc
	return r
}

// handCopy is a rule made by hand in the dashboard that does exactly what r does: the
// API gave it id as its ref, the description is the author's, and the provider kept
// its action parameters verbatim (as Cloudflare stores them).
func handCopy(r model.Rule, id, desc string) model.Rule {
	l := asLive(r, id)
	l.Ref, l.Description = id, desc
	l.Raw = rawParams(l)
	return l
}

// rawParams is the action_parameters JSON Cloudflare stores for r's parameters.
func rawParams(r model.Rule) []byte {
	var p map[string]any
	switch {
	case r.Redirect != nil:
		target := map[string]any{"value": r.Redirect.TargetURL}
		if r.Redirect.TargetExpression != "" {
			target = map[string]any{"expression": r.Redirect.TargetExpression}
		}
		p = map[string]any{"from_value": map[string]any{"target_url": target, "status_code": r.Redirect.StatusCode, "preserve_query_string": r.Redirect.PreserveQuery}}
	case r.Cache != nil:
		p = map[string]any{"cache": !r.Cache.Bypass}
		if r.Cache.EdgeTTL > 0 {
			p["edge_ttl"] = map[string]any{"mode": "override_origin", "default": r.Cache.EdgeTTL}
		}
		if r.Cache.BrowserTTL > 0 {
			p["browser_ttl"] = map[string]any{"mode": "override_origin", "default": r.Cache.BrowserTTL}
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// withRaw is r with other verbatim action parameters.
func withRaw(r model.Rule, raw string) model.Rule {
	r.Raw = []byte(raw)
	return r
}

func TestComputeRulesAdopt(t *testing.T) {
	www := described(redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301), "launchready: www-to-apex")
	old := described(redirectRule("old-blog", "https://blog.example.com/*", "https://example.com/blog/${1}", 302), "launchready: old-blog")
	assets := described(cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false), "launchready: assets")
	bypass := described(cacheRule("app-bypass", []string{"app.example.com"}, "", 0, true), "launchready: app-bypass")
	h1 := handRule("h1", model.PhaseRedirect, "legacy")
	h2 := handRule("h2", model.PhaseRedirect, "promo")
	hw := handCopy(www, "hw", "WWW to apex")
	const adoptWWW = `adopt redirect launchready:redirect:www-to-apex | description: WWW to apex -> launchready: www-to-apex`
	const createWWW = "create redirect launchready:redirect:www-to-apex | from:  -> https://www.example.com/* | to:  -> https://example.com/${1} | status:  -> 301 | preserve_query:  -> true | description:  -> launchready: www-to-apex"

	tests := []struct {
		name        string
		zone        *schema.Zone
		live        *model.LiveZone
		wantChanges []string
		wantWrites  map[string][]string
	}{
		{
			name:        "a hand-made rule identical to a block is adopted in place",
			zone:        withRules(cfZone(), www),
			live:        liveRules([]model.Rule{h1, hw, h2}, nil),
			wantChanges: []string{adoptWWW},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "hw www-to-apex", "h2 (hand-made) promo"}},
		},
		{
			name: "a hand-made rule without a ref and without a description",
			zone: withRules(cfZone(), www),
			live: func() *model.LiveZone {
				l := handCopy(www, "hw", "")
				l.Ref = ""
				return liveRules([]model.Rule{l}, nil)
			}(),
			wantChanges: []string{`adopt redirect launchready:redirect:www-to-apex | description:  -> launchready: www-to-apex`},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"hw www-to-apex"}},
		},
		{
			name: "a hand-made rule the provider read without raw parameters",
			zone: withRules(cfZone(), www),
			live: func() *model.LiveZone {
				l := handCopy(www, "hw", "WWW to apex")
				l.Raw = nil
				return liveRules([]model.Rule{l}, nil)
			}(),
			wantChanges: []string{adoptWWW},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"hw www-to-apex"}},
		},
		{
			name: "adopted next to a created rule: launchready's rules go together where the adopted one was",
			zone: withRules(cfZone(), old, www),
			live: liveRules([]model.Rule{h1, hw, h2}, nil),
			wantChanges: []string{
				"create redirect launchready:redirect:old-blog | from:  -> https://blog.example.com/* | to:  -> https://example.com/blog/${1} | status:  -> 302 | preserve_query:  -> true | description:  -> launchready: old-blog",
				adoptWWW,
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"h1 (hand-made) legacy", "new old-blog", "hw www-to-apex", "h2 (hand-made) promo"}},
		},
		{
			name:        "adopted apart from launchready's other rules: stays in place",
			zone:        withRules(cfZone(), old, www),
			live:        liveRules([]model.Rule{asLive(old, "b"), h1, hw}, nil),
			wantChanges: []string{adoptWWW},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"b old-blog", "h1 (hand-made) legacy", "hw www-to-apex"}},
		},
		{
			name: "adopted and reordered by the file: the plan shows the move",
			zone: withRules(cfZone(), www, old),
			live: liveRules([]model.Rule{asLive(old, "b"), h1, hw}, nil),
			wantChanges: []string{
				adoptWWW,
				"update redirect http_request_dynamic_redirect | order: old-blog, (hand-made) legacy, (hand-made) WWW to apex -> www-to-apex, (hand-made) legacy, old-blog",
			},
			wantWrites: map[string][]string{model.PhaseRedirect: {"hw www-to-apex", "h1 (hand-made) legacy", "b old-blog"}},
		},
		{
			name: "the block's own rule wins over a hand-made copy, which is left alone",
			zone: withRules(cfZone(), www),
			live: liveRules([]model.Rule{hw, asLive(www, "a")}, nil),
		},
		{
			name:        "of two identical hand-made rules the first is adopted and the second left alone",
			zone:        withRules(cfZone(), www),
			live:        liveRules([]model.Rule{hw, handCopy(www, "hw2", "WWW again")}, nil),
			wantChanges: []string{adoptWWW},
			wantWrites:  map[string][]string{model.PhaseRedirect: {"hw www-to-apex", "hw2 (hand-made) WWW again"}},
		},
		{
			name: "cache rules: caching and bypass adopted",
			zone: withRules(cfZone(), assets, bypass),
			live: liveRules(nil, []model.Rule{handCopy(assets, "hc", "Assets"), handCopy(bypass, "hb", "")}),
			wantChanges: []string{
				`adopt cache launchready:cache:assets | description: Assets -> launchready: assets`,
				`adopt cache launchready:cache:app-bypass | description:  -> launchready: app-bypass`,
			},
			wantWrites: map[string][]string{model.PhaseCache: {"hc assets", "hb app-bypass"}},
		},
		{
			name: "a hand-made rule that respects the origin's TTL explicitly is what a block without TTLs writes",
			zone: withRules(cfZone(), bypass),
			live: liveRules(nil, []model.Rule{withRaw(handCopy(bypass, "hb", "B"), `{"cache":false,"edge_ttl":{"mode":"respect_origin"}}`)}),
			wantChanges: []string{
				`adopt cache launchready:cache:app-bypass | description: B -> launchready: app-bypass`,
			},
			wantWrites: map[string][]string{model.PhaseCache: {"hb app-bypass"}},
		},
	}
	// Similar but different hand-made rules are never adopted: ours is created next
	// to them and they stay as they are.
	similar := []struct {
		name string
		rule model.Rule
	}{
		{"another status", handCopy(redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 302), "s1", "S")},
		{"no query string", func() model.Rule {
			r := handCopy(www, "s2", "S")
			r.Redirect.PreserveQuery = false
			r.Raw = rawParams(r)
			return r
		}()},
		{"another target", handCopy(redirectRule("www-to-apex", "https://www.example.com/*", "https://example.org/${1}", 301), "s3", "S")},
		{"another expression", func() model.Rule {
			r := handCopy(www, "s4", "S")
			r.Expression = `(http.host eq "www.example.com")`
			return r
		}()},
		{"disabled", func() model.Rule {
			r := handCopy(www, "s5", "S")
			r.Enabled = false
			return r
		}()},
		{"another action", func() model.Rule {
			r := handCopy(www, "s6", "S")
			r.Action, r.Redirect, r.Raw = "block", nil, []byte(`{}`)
			return r
		}()},
		{"a parameter launch.hcl does not model", withRaw(handCopy(www, "s7", "S"),
			`{"from_value":{"target_url":{"expression":"wildcard_replace(http.request.full_uri, \"https://www.example.com/*\", \"https://example.com/${1}\")"},"status_code":301,"preserve_query_string":true,"extra":1}}`)},
		{"raw parameters that say something else than the model", withRaw(handCopy(www, "s8", "S"),
			`{"from_value":{"target_url":{"value":"https://example.com/"},"status_code":301,"preserve_query_string":true}}`)},
	}
	for _, s := range similar {
		tests = append(tests, struct {
			name        string
			zone        *schema.Zone
			live        *model.LiveZone
			wantChanges []string
			wantWrites  map[string][]string
		}{
			name:        "not adopted: " + s.name,
			zone:        withRules(cfZone(), www),
			live:        liveRules([]model.Rule{s.rule}, nil),
			wantChanges: []string{createWWW},
			wantWrites:  map[string][]string{model.PhaseRedirect: {s.rule.ID + " (hand-made) S", "new www-to-apex"}},
		})
	}
	similarCache := []struct {
		name string
		rule model.Rule
	}{
		{"another edge TTL", handCopy(cacheRule("assets", []string{"example.com"}, "/assets/", 86400, false), "s1", "S")},
		{"a browser TTL", func() model.Rule {
			r := handCopy(assets, "s2", "S")
			r.Cache.BrowserTTL = 3600
			r.Raw = rawParams(r)
			return r
		}()},
		{"a cache key", withRaw(handCopy(assets, "s3", "S"), `{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000},"cache_key":{"ignore_query_strings_order":true}}`)},
		{"a TTL mode launch.hcl does not write", withRaw(handCopy(assets, "s4", "S"), `{"cache":true,"edge_ttl":{"mode":"bypass_by_default"}}`)},
	}
	for _, s := range similarCache {
		tests = append(tests, struct {
			name        string
			zone        *schema.Zone
			live        *model.LiveZone
			wantChanges []string
			wantWrites  map[string][]string
		}{
			name: "not adopted: cache rule with " + s.name,
			zone: withRules(cfZone(), assets),
			live: liveRules(nil, []model.Rule{s.rule}),
			wantChanges: []string{
				"create cache launchready:cache:assets | hosts:  -> example.com | path_prefix:  -> /assets/ | cache:  -> eligible | edge_ttl:  -> 30d | browser_ttl:  -> origin | description:  -> launchready: assets",
			},
			wantWrites: map[string][]string{model.PhaseCache: {s.rule.ID + " (hand-made) S", "new assets"}},
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zp := withoutRulesMark(t, mustCompute(t, tt.zone, tt.live).Zones[0])
			if diff := cmp.Diff(tt.wantChanges, changeStrings(zp.Changes)); diff != "" {
				t.Errorf("changes mismatch (-want +got):\n%s", diff)
			}
			var got map[string][]string
			for phase, rules := range zp.RuleWrites {
				if got == nil {
					got = map[string][]string{}
				}
				got[phase] = ruleList(rules)
			}
			if diff := cmp.Diff(tt.wantWrites, got); diff != "" {
				t.Errorf("rule writes mismatch (-want +got):\n%s", diff)
			}
			// An adopted rule is written as its block says, with the live rule's id.
			for _, c := range zp.Changes {
				if c.Action != ActionAdopt {
					continue
				}
				want := *c.After.Rule
				want.ID = c.Before.Rule.ID
				var written *model.Rule
				for i, r := range zp.RuleWrites[want.Phase] {
					if r.Ref == want.Ref {
						written = &zp.RuleWrites[want.Phase][i]
					}
				}
				if written == nil {
					t.Errorf("adopted rule %s is not in the phase write", want.Ref)
				} else if diff := cmp.Diff(want, *written); diff != "" {
					t.Errorf("adopted rule %s written (-want +got):\n%s", want.Ref, diff)
				}
			}
			if s := zp.Summary(); s.Adopt != countAction(zp.Changes, ActionAdopt) {
				t.Errorf("summary adopt = %d, want %d", s.Adopt, countAction(zp.Changes, ActionAdopt))
			}
		})
	}
}

func countAction(cs []Change, a Action) int {
	n := 0
	for _, c := range cs {
		if c.Action == a {
			n++
		}
	}
	return n
}

// TestComputeRulesHandMadeVerbatim checks that every phase write keeps each hand-made
// rule exactly as it was read, action parameters launch.hcl does not model (Raw)
// included, and in its relative order.
func TestComputeRulesHandMadeVerbatim(t *testing.T) {
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	old := redirectRule("old-blog", "https://blog.example.com/*", "https://example.com/blog/${1}", 302)
	assets := cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false)
	bypass := cacheRule("app-bypass", []string{"app.example.com"}, "", 0, true)

	// Redirect phase: a redirect with a parameter the model lacks, a Bulk Redirect
	// list, a disabled copy of a block, and a plain hand-made redirect.
	extra := withRaw(handRule("hx", model.PhaseRedirect, "extra"),
		`{"from_value":{"target_url":{"value":"https://elsewhere.example.net/"},"status_code":302,"preserve_query_string":false,"future_option":{"x":[1,2]}}}`)
	list := model.Rule{ID: "hl", Ref: "hl", Phase: model.PhaseRedirect, Description: "bulk", Expression: `http.request.full_uri in $redirects`,
		Action: "redirect", Enabled: true, Raw: []byte(`{"from_list":{"name":"redirects","key":"http.request.full_uri"}}`)}
	disabled := handCopy(www, "hd", "paused copy")
	disabled.Enabled = false
	plain := handRule("hp", model.PhaseRedirect, "plain")
	// Cache phase: a copy of a block with a cache key, and a rule with a status-code TTL.
	keyed := withRaw(handCopy(assets, "hk", "keyed"), `{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000},"cache_key":{"custom_key":{"query_string":{"include":["v"]}}}}`)
	statusTTL := withRaw(handCopy(bypass, "hs", "status ttl"), `{"cache":true,"edge_ttl":{"mode":"override_origin","default":60,"status_code_ttl":[{"status_code":404,"value":0}]}}`)
	statusTTL.Cache = &model.CacheAction{EdgeTTL: 60}

	redirects := func(ours ...model.Rule) []model.Rule {
		return append([]model.Rule{extra, list}, append(ours, disabled, plain)...)
	}
	tests := []struct {
		name   string
		zone   *schema.Zone
		live   *model.LiveZone
		phases []string // phases that must be written
	}{
		{
			name:   "create",
			zone:   withRules(cfZone(), www, assets),
			live:   liveRules(redirects(), []model.Rule{keyed, statusTTL}),
			phases: []string{model.PhaseRedirect, model.PhaseCache},
		},
		{
			name:   "update",
			zone:   withRules(cfZone(), www),
			live:   liveRules(redirects(asLive(redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 302), "a")), nil),
			phases: []string{model.PhaseRedirect},
		},
		{
			name:   "delete",
			zone:   cfZone(),
			live:   liveRules(redirects(asLive(old, "b")), []model.Rule{keyed, asLive(assets, "c"), statusTTL}),
			phases: []string{model.PhaseRedirect, model.PhaseCache},
		},
		{
			name:   "reorder",
			zone:   withRules(cfZone(), old, www),
			live:   liveRules(redirects(asLive(www, "a"), asLive(old, "b")), nil),
			phases: []string{model.PhaseRedirect},
		},
		{
			name:   "adopt another hand-made rule",
			zone:   withRules(cfZone(), www, bypass),
			live:   liveRules(redirects(handCopy(www, "hw", "mine")), []model.Rule{keyed, handCopy(bypass, "hb", ""), statusTTL}),
			phases: []string{model.PhaseRedirect, model.PhaseCache},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zp := mustCompute(t, tt.zone, tt.live).Zones[0]
			var written []string
			for phase := range zp.RuleWrites {
				written = append(written, phase)
			}
			sort.Strings(written)
			want := append([]string(nil), tt.phases...)
			sort.Strings(want)
			if diff := cmp.Diff(want, written); diff != "" {
				t.Fatalf("phases written (-want +got):\n%s", diff)
			}
			adopted := map[string]bool{}
			for _, c := range zp.Changes {
				if c.Action == ActionAdopt {
					adopted[c.Before.Rule.ID] = true
				}
			}
			for _, phase := range tt.phases {
				var wantHand, gotHand []model.Rule
				for _, r := range tt.live.Rules[phase] {
					if !r.Owned() && !adopted[r.ID] {
						wantHand = append(wantHand, r)
					}
				}
				for _, r := range zp.RuleWrites[phase] {
					if !r.Owned() {
						gotHand = append(gotHand, r)
					}
				}
				if diff := cmp.Diff(wantHand, gotHand); diff != "" {
					t.Errorf("%s: hand-made rules altered (-live +written):\n%s", phase, diff)
				}
			}
		})
	}
}
