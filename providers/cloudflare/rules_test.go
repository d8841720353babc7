package cloudflare

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func mustRule(t *testing.T, js string) wireRule {
	t.Helper()
	var w wireRule
	if err := json.Unmarshal([]byte(js), &w); err != nil {
		t.Fatalf("bad rule JSON: %v", err)
	}
	return w
}

func TestToRule(t *testing.T) {
	const phaseR, phaseC = model.PhaseRedirect, model.PhaseCache
	tests := []struct {
		name  string
		phase string
		in    string
		want  model.Rule
	}{
		{"owned redirect fully modelled", phaseR,
			`{"id":"r1","ref":"launchready:redirect:www","expression":"(http.host eq \"www.example.com\")","action":"redirect","description":"www","enabled":true,"version":"3","last_updated":"2026-01-01T00:00:00Z",
			  "action_parameters":{"from_value":{"target_url":{"expression":"wildcard_replace(http.request.full_uri, \"https://www.example.com/*\", \"https://example.com/${1}\")"},"status_code":308,"preserve_query_string":true}}}`,
			model.Rule{ID: "r1", Ref: "launchready:redirect:www", Phase: phaseR, Description: "www", Expression: `(http.host eq "www.example.com")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetExpression: `wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}")`, StatusCode: 308, PreserveQuery: true}}},
		{"owned redirect default status", phaseR,
			`{"id":"r2","ref":"launchready:redirect:old","expression":"true","action":"redirect","action_parameters":{"from_value":{"target_url":{"value":"https://example.com/"}}}}`,
			model.Rule{ID: "r2", Ref: "launchready:redirect:old", Phase: phaseR, Expression: "true", Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetURL: "https://example.com/", StatusCode: 301}}},
		{"owned redirect edited by hand keeps raw", phaseR,
			`{"id":"r3","ref":"launchready:redirect:x","expression":"true","action":"redirect","enabled":false,"action_parameters":{"from_value":{"target_url":{"value":"https://example.com/"},"status_code":302,"extra":1}}}`,
			model.Rule{ID: "r3", Ref: "launchready:redirect:x", Phase: phaseR, Expression: "true", Action: "redirect",
				Redirect: &model.RedirectAction{TargetURL: "https://example.com/", StatusCode: 302},
				Raw:      []byte(`{"from_value":{"target_url":{"value":"https://example.com/"},"status_code":302,"extra":1}}`)}},
		{"hand-made redirect always keeps raw", phaseR,
			`{"id":"h1","expression":"true","action":"redirect","action_parameters":{"from_value":{"target_url":{"value":"https://a.example/"},"status_code":301}}}`,
			model.Rule{ID: "h1", Phase: phaseR, Expression: "true", Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetURL: "https://a.example/", StatusCode: 301},
				Raw:      []byte(`{"from_value":{"target_url":{"value":"https://a.example/"},"status_code":301}}`)}},
		{"bulk redirect from_list", phaseR,
			`{"id":"h2","ref":"launchready:redirect:l","expression":"true","action":"redirect","action_parameters":{"from_list":{"name":"l","key":"http.request.full_uri"}}}`,
			model.Rule{ID: "h2", Ref: "launchready:redirect:l", Phase: phaseR, Expression: "true", Action: "redirect", Enabled: true,
				Raw: []byte(`{"from_list":{"name":"l","key":"http.request.full_uri"}}`)}},
		{"owned cache ttl", phaseC,
			`{"id":"c1","ref":"launchready:cache:assets","expression":"(starts_with(http.request.uri.path, \"/assets/\"))","action":"set_cache_settings",
			  "action_parameters":{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000},"browser_ttl":{"mode":"override_origin","default":86400}}}`,
			model.Rule{ID: "c1", Ref: "launchready:cache:assets", Phase: phaseC, Expression: `(starts_with(http.request.uri.path, "/assets/"))`, Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{EdgeTTL: 2592000, BrowserTTL: 86400}}},
		{"owned cache bypass", phaseC,
			`{"id":"c2","ref":"launchready:cache:app","expression":"true","action":"set_cache_settings","action_parameters":{"cache":false}}`,
			model.Rule{ID: "c2", Ref: "launchready:cache:app", Phase: phaseC, Expression: "true", Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{Bypass: true}}},
		{"owned cache respect origin", phaseC,
			`{"id":"c3","ref":"launchready:cache:r","expression":"true","action":"set_cache_settings","action_parameters":{"cache":true,"edge_ttl":{"mode":"respect_origin"}}}`,
			model.Rule{ID: "c3", Ref: "launchready:cache:r", Phase: phaseC, Expression: "true", Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{}}},
		{"owned cache with extras keeps raw", phaseC,
			`{"id":"c4","ref":"launchready:cache:k","expression":"true","action":"set_cache_settings","action_parameters":{"cache":true,"cache_key":{"ignore_query_strings_order":true}}}`,
			model.Rule{ID: "c4", Ref: "launchready:cache:k", Phase: phaseC, Expression: "true", Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{}, Raw: []byte(`{"cache":true,"cache_key":{"ignore_query_strings_order":true}}`)}},
		{"owned cache status_code_ttl keeps raw", phaseC,
			`{"id":"c5","ref":"launchready:cache:s","expression":"true","action":"set_cache_settings","action_parameters":{"cache":true,"edge_ttl":{"mode":"override_origin","default":60,"status_code_ttl":[{"status_code":404,"value":0}]}}}`,
			model.Rule{ID: "c5", Ref: "launchready:cache:s", Phase: phaseC, Expression: "true", Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{EdgeTTL: 60}, Raw: []byte(`{"cache":true,"edge_ttl":{"mode":"override_origin","default":60,"status_code_ttl":[{"status_code":404,"value":0}]}}`)}},
		{"other action", phaseC,
			`{"id":"o1","expression":"true","action":"block"}`,
			model.Rule{ID: "o1", Phase: phaseC, Expression: "true", Action: "block", Enabled: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toRule(mustRule(t, tt.in), tt.phase)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("toRule mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromRule(t *testing.T) {
	tests := []struct {
		name string
		in   model.Rule
		want string // the JSON sent
	}{
		{"owned redirect", model.Rule{Ref: "launchready:redirect:www", Expression: "e", Action: "redirect", Enabled: true, Description: "d",
			Redirect: &model.RedirectAction{From: "https://www.example.com/*", To: "https://example.com/${1}", TargetExpression: "t", StatusCode: 301, PreserveQuery: true}},
			`{"action":"redirect","action_parameters":{"from_value":{"preserve_query_string":true,"status_code":301,"target_url":{"expression":"t"}}},"description":"d","enabled":true,"expression":"e","ref":"launchready:redirect:www"}`},
		{"owned redirect model wins over stale raw", model.Rule{ID: "r1", Ref: "launchready:redirect:www", Expression: "e", Action: "redirect", Enabled: true,
			Redirect: &model.RedirectAction{TargetURL: "https://example.com/", StatusCode: 302}, Raw: []byte(`{"from_value":{"target_url":{"value":"https://old/"}}}`)},
			`{"action":"redirect","action_parameters":{"from_value":{"preserve_query_string":false,"status_code":302,"target_url":{"value":"https://example.com/"}}},"enabled":true,"expression":"e","id":"r1","ref":"launchready:redirect:www"}`},
		{"owned cache", model.Rule{Ref: "launchready:cache:a", Expression: "e", Action: "set_cache_settings", Enabled: true, Cache: &model.CacheAction{EdgeTTL: 60, BrowserTTL: 30}},
			`{"action":"set_cache_settings","action_parameters":{"browser_ttl":{"default":30,"mode":"override_origin"},"cache":true,"edge_ttl":{"default":60,"mode":"override_origin"}},"enabled":true,"expression":"e","ref":"launchready:cache:a"}`},
		{"owned bypass", model.Rule{Ref: "launchready:cache:b", Expression: "e", Action: "set_cache_settings", Enabled: false, Cache: &model.CacheAction{Bypass: true, EdgeTTL: 60}},
			`{"action":"set_cache_settings","action_parameters":{"cache":false},"enabled":false,"expression":"e","ref":"launchready:cache:b"}`},
		{"hand-made raw verbatim", model.Rule{ID: "h1", Expression: "e", Action: "redirect", Enabled: true,
			Redirect: &model.RedirectAction{TargetURL: "x", StatusCode: 301}, Raw: []byte(`{"from_value":{"target_url":{"value":"x"},"weird":[1,2]}}`)},
			`{"action":"redirect","action_parameters":{"from_value":{"target_url":{"value":"x"},"weird":[1,2]}},"enabled":true,"expression":"e","id":"h1"}`},
		{"no parameters", model.Rule{ID: "o1", Expression: "e", Action: "block", Enabled: true},
			`{"action":"block","enabled":true,"expression":"e","id":"o1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := fromRule(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			var gotV, wantV any
			if err := json.Unmarshal(got, &gotV); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(tt.want), &wantV); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantV, gotV); diff != "" {
				t.Errorf("fromRule JSON mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFromRuleErrors(t *testing.T) {
	tests := []struct {
		name string
		in   model.Rule
		want string
	}{
		{"no expression", model.Rule{Ref: "launchready:redirect:a", Action: "redirect"}, "no expression"},
		{"redirect without target", model.Rule{Ref: "launchready:redirect:a", Expression: "e", Action: "redirect", Redirect: &model.RedirectAction{}}, "no target"},
		{"both targets", model.Rule{Ref: "launchready:redirect:a", Expression: "e", Action: "redirect", Redirect: &model.RedirectAction{TargetURL: "u", TargetExpression: "x"}}, "both"},
		{"action mismatch", model.Rule{Ref: "launchready:cache:a", Expression: "e", Action: "redirect", Cache: &model.CacheAction{}}, "cache parameters but action"},
		{"invalid raw", model.Rule{ID: "h", Expression: "e", Action: "x", Raw: []byte(`{`)}, "not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := fromRule(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestRulesRoundTrip reads a phase holding hand-made rules, adds an owned rule
// between them, writes the whole list and reads it back: the hand-made rules are
// unchanged (parameters and unmodelled fields such as logging) and in place.
func TestRulesRoundTrip(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")

	// Never configured: empty, not an error.
	rules, err := p.ReadRules(ctx, "example.com", model.PhaseRedirect)
	if err != nil {
		t.Fatal(err)
	}
	if rules == nil || len(rules) != 0 {
		t.Fatalf("unconfigured phase: rules = %#v, want empty", rules)
	}

	hand1 := `{"id":"h1","expression":"(http.host eq \"a.example.com\")","action":"redirect","description":"by hand","enabled":true,"logging":{"enabled":true},"action_parameters":{"from_value":{"target_url":{"value":"https://b.example.com/"},"status_code":302}}}`
	hand2 := `{"id":"h2","expression":"(http.host eq \"c.example.com\")","action":"redirect","enabled":false,"action_parameters":{"from_list":{"name":"bulk","key":"http.request.full_uri"}}}`
	f.rules["zone01/"+model.PhaseRedirect] = []wireRule{mustRule(t, hand1), mustRule(t, hand2)}

	live, err := p.ReadRules(ctx, "example.com", model.PhaseRedirect)
	if err != nil {
		t.Fatal(err)
	}
	ours := model.Rule{Ref: "launchready:redirect:www", Phase: model.PhaseRedirect, Expression: `(http.host eq "www.example.com")`, Action: "redirect", Enabled: true,
		Redirect: &model.RedirectAction{TargetURL: "https://example.com/", StatusCode: 301}}
	write := []model.Rule{live[0], ours, live[1]}
	if err := p.WriteRules(ctx, "example.com", model.PhaseRedirect, write); err != nil {
		t.Fatal(err)
	}
	if f.calls["putEntrypoint"] != 0 || f.calls["createRule"] != 1 || f.calls["editRule"] != 0 || f.calls["deleteRule"] != 0 {
		t.Errorf("calls = %v, want one rule created and nothing else written (hand-made rules are never sent)", f.calls)
	}
	stored := f.rules["zone01/"+model.PhaseRedirect]
	if len(stored) != 3 {
		t.Fatalf("stored %d rules, want 3", len(stored))
	}
	for i, want := range map[int]string{0: hand1, 2: hand2} {
		got, _ := json.Marshal(stored[i])
		if !jsonEqual(t, want, string(got)) {
			t.Errorf("hand-made rule %d changed:\n got %s\nwant %s", i, got, want)
		}
	}
	back, err := p.ReadRules(ctx, "example.com", model.PhaseRedirect)
	if err != nil {
		t.Fatal(err)
	}
	ours.ID = back[1].ID
	if diff := cmp.Diff(ours, back[1]); diff != "" {
		t.Errorf("owned rule read back (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"h1", back[1].ID, "h2"}, []string{back[0].ID, back[1].ID, back[2].ID}); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatal(err)
	}
	return cmp.Equal(x, y)
}
