package sim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/rulesets"
	"github.com/cloudflare/cloudflare-go/v7/zones"
	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// settingValue decodes the value of a setting answer's raw JSON.
func settingValue(t *testing.T, raw string) string {
	t.Helper()
	var v struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	return string(v.Value)
}

func TestSettingsDefaults(t *testing.T) {
	e := newEnv(t, sim.Options{})
	var out struct {
		Result []struct {
			ID         string          `json:"id"`
			Value      json.RawMessage `json:"value"`
			Editable   bool            `json:"editable"`
			ModifiedOn *string         `json:"modified_on"`
		} `json:"result"`
	}
	e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/settings", nil, 200, &out)
	got := map[string]string{}
	for _, s := range out.Result {
		got[s.ID] = string(s.Value)
		if !s.Editable || s.ModifiedOn != nil {
			t.Errorf("%s: editable %v modified_on %v, want true and null", s.ID, s.Editable, s.ModifiedOn)
		}
	}
	want := map[string]string{
		"ssl": `"off"`, "always_use_https": `"off"`, "min_tls_version": `"1.0"`, "tls_1_3": `"off"`,
		"automatic_https_rewrites": `"on"`, "security_level": `"medium"`,
		"security_header": `{"strict_transport_security":{"enabled":false,"max_age":0,"include_subdomains":false,"preload":false,"nosniff":false}}`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestSettingsEdit(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	zone := cloudflare.F(e.zoneID)

	got, err := e.cf.Zones.Settings.Get(ctx, "ssl", zones.SettingGetParams{ZoneID: zone})
	if err != nil {
		t.Fatal(err)
	}
	if v := settingValue(t, got.JSON.RawJSON()); v != `"off"` || !got.ModifiedOn.IsZero() {
		t.Errorf("ssl before = %s modified %v", v, got.ModifiedOn)
	}

	tests := []struct {
		id, value string // value as JSON
		want      string // value read back, as JSON
	}{
		{"ssl", `"strict"`, `"strict"`},
		{"always_use_https", `"on"`, `"on"`},
		{"min_tls_version", `"1.2"`, `"1.2"`},
		{"tls_1_3", `"zrt"`, `"zrt"`},
		{"automatic_https_rewrites", `"off"`, `"off"`},
		{"security_level", `"under_attack"`, `"under_attack"`},
		{"security_header", `{"strict_transport_security":{"enabled":true,"max_age":31536000,"include_subdomains":true}}`,
			`{"strict_transport_security":{"enabled":true,"max_age":31536000,"include_subdomains":true,"preload":false,"nosniff":false}}`},
		// fields not given keep their value
		{"security_header", `{"strict_transport_security":{"nosniff":true}}`,
			`{"strict_transport_security":{"enabled":true,"max_age":31536000,"include_subdomains":true,"preload":false,"nosniff":true}}`},
	}
	for _, tt := range tests {
		var v any
		if err := json.Unmarshal([]byte(tt.value), &v); err != nil {
			t.Fatal(err)
		}
		res, err := e.cf.Zones.Settings.Edit(ctx, tt.id, zones.SettingEditParams{ZoneID: zone, Body: zones.SettingEditParamsBody{Value: cloudflare.F(v)}})
		if err != nil {
			t.Fatalf("edit %s: %v", tt.id, err)
		}
		if got := settingValue(t, res.JSON.RawJSON()); got != tt.want || res.ModifiedOn.IsZero() {
			t.Errorf("edit %s = %s (modified %v), want %s", tt.id, got, res.ModifiedOn, tt.want)
		}
		back, err := e.cf.Zones.Settings.Get(ctx, tt.id, zones.SettingGetParams{ZoneID: zone})
		if err != nil {
			t.Fatal(err)
		}
		if got := settingValue(t, back.JSON.RawJSON()); got != tt.want {
			t.Errorf("get %s = %s, want %s", tt.id, got, tt.want)
		}
	}

	lz, _ := e.srv.LiveZone(testZone)
	wantLive := &model.Settings{
		Values: map[string]string{"ssl": "strict", "always_use_https": "on", "min_tls_version": "1.2", "tls_1_3": "zrt", "automatic_https_rewrites": "off", "security_level": "under_attack"},
		HSTS:   &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true},
	}
	if diff := cmp.Diff(wantLive, lz.Settings); diff != "" {
		t.Errorf("LiveZone settings (-want +got):\n%s", diff)
	}
}

func TestSettingsErrors(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	tests := []struct {
		id         string
		value      any
		wantStatus int
		wantCode   int
		wantMsg    string
	}{
		{"ssl", "bogus", 400, 1007, "Invalid value for zone setting ssl"},
		{"ssl", true, 400, 1007, "Invalid value for zone setting ssl"},
		{"min_tls_version", 1.2, 400, 1007, "Invalid value for zone setting min_tls_version"},
		{"always_use_https", "yes", 400, 1007, "Invalid value for zone setting always_use_https"},
		{"security_header", map[string]any{"strict_transport_security": map[string]any{"max_age": -1}}, 400, 1007, "Invalid value for zone setting security_header: max_age must be a whole number of seconds from 0 to 31536000"},
		{"security_header", map[string]any{"strict_transport_security": map[string]any{"enabled": "yes"}}, 400, 1007, "Invalid value for zone setting security_header"},
		{"security_header", map[string]any{"hsts": map[string]any{}}, 400, 1007, "Invalid value for zone setting security_header"},
		{"rocket_loader", "on", 404, 1003, ""},
	}
	for _, tt := range tests {
		_, err := e.cf.Zones.Settings.Edit(ctx, tt.id, zones.SettingEditParams{ZoneID: cloudflare.F(e.zoneID), Body: zones.SettingEditParamsBody{Value: cloudflare.F(tt.value)}})
		ae := asAPIError(t, err)
		if ae.StatusCode != tt.wantStatus || len(ae.Errors) != 1 || int(ae.Errors[0].Code) != tt.wantCode || (tt.wantMsg != "" && ae.Errors[0].Message != tt.wantMsg) {
			t.Errorf("%s=%v: %d %+v, want %d %d %q", tt.id, tt.value, ae.StatusCode, ae.Errors, tt.wantStatus, tt.wantCode, tt.wantMsg)
		}
	}
	lz, _ := e.srv.LiveZone(testZone)
	if lz.Settings.Values["ssl"] != "off" || lz.Settings.HSTS.Enabled {
		t.Errorf("failed edits changed settings: %+v %+v", lz.Settings.Values, lz.Settings.HSTS)
	}
}

// ssl = origin_pull ("Strict (SSL-Only Origin Pull)") is for Enterprise zones only
// (https://developers.cloudflare.com/ssl/origin-configuration/ssl-modes/ssl-only-origin-pull/).
func TestSettingsEnterpriseOnly(t *testing.T) {
	ctx := withInvalidRequest(context.Background(), "origin_pull is missing from the 2024 schema's enum (SDK v7.9.0 has it)")
	for _, tt := range []struct {
		plan     string
		wantCode int // 0: accepted
	}{
		{"free", 1007}, {"pro", 1007}, {"business", 1007}, {"enterprise", 0},
	} {
		e := newEnv(t, sim.Options{Plan: tt.plan})
		if tt.wantCode == 0 {
			// Sent without the conformance check: the 2024 schema cannot describe the
			// answer (its ssl enum lacks origin_pull).
			req, _ := http.NewRequest(http.MethodPatch, e.base+"/zones/"+e.zoneID+"/settings/ssl", strings.NewReader(`{"value":"origin_pull"}`))
			req.Header.Set("Authorization", "Bearer "+testToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			lz, _ := e.srv.LiveZone(testZone)
			if resp.StatusCode != 200 || lz.Settings.Values["ssl"] != "origin_pull" {
				t.Errorf("%s: ssl=origin_pull: HTTP %d, live %q", tt.plan, resp.StatusCode, lz.Settings.Values["ssl"])
			}
			continue
		}
		_, err := e.cf.Zones.Settings.Edit(ctx, "ssl", zones.SettingEditParams{ZoneID: cloudflare.F(e.zoneID), Body: zones.SettingEditParamsBody{Value: cloudflare.F[any]("origin_pull")}})
		lz, _ := e.srv.LiveZone(testZone)
		ae := asAPIError(t, err)
		if ae.StatusCode != 400 || len(ae.Errors) != 1 || int(ae.Errors[0].Code) != tt.wantCode || lz.Settings.Values["ssl"] != "off" {
			t.Errorf("%s: ssl=origin_pull: %d %+v, live %q; want 400 %d and ssl still off", tt.plan, ae.StatusCode, ae.Errors, lz.Settings.Values["ssl"], tt.wantCode)
		}
	}
}

func TestSettingsBulkEdit(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	path := "/zones/" + e.zoneID + "/settings"
	ictx := withInvalidRequest(ctx, `{"items": …} is the documented wire form; the 2024 schema types the body as a bare array`)
	e.call(ictx, http.MethodPatch, path, map[string]any{"items": []map[string]any{{"id": "ssl", "value": "full"}, {"id": "always_use_https", "value": "on"}}}, 200, nil)
	e.call(ctx, http.MethodPatch, path, []map[string]any{{"id": "min_tls_version", "value": "1.3"}}, 200, nil)
	// one bad value refuses the whole request
	status, env, _ := e.do(withInvalidRequest(ctx, "bad value on purpose"), http.MethodPatch, path, []map[string]any{{"id": "tls_1_3", "value": "on"}, {"id": "ssl", "value": "bogus"}}, nil)
	if status != 400 || env.Errors[0].Code != 1007 {
		t.Errorf("bulk edit with a bad value: %d %+v", status, env.Errors)
	}
	lz, _ := e.srv.LiveZone(testZone)
	want := map[string]string{"ssl": "full", "always_use_https": "on", "min_tls_version": "1.3", "tls_1_3": "off", "automatic_https_rewrites": "on", "security_level": "medium"}
	if diff := cmp.Diff(want, lz.Settings.Values); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}

// phaseRules reads a phase's entrypoint rules through the raw API.
type wireRule struct {
	ID               string          `json:"id"`
	Ref              string          `json:"ref"`
	Version          string          `json:"version"`
	Action           string          `json:"action"`
	Expression       string          `json:"expression"`
	ActionParameters json.RawMessage `json:"action_parameters"`
	Enabled          bool            `json:"enabled"`
	Logging          json.RawMessage `json:"logging,omitempty"`
}

type wireRuleset struct {
	ID      string     `json:"id"`
	Version string     `json:"version"`
	Kind    string     `json:"kind"`
	Phase   string     `json:"phase"`
	Name    string     `json:"name"`
	Rules   []wireRule `json:"rules"`
}

func (e *testEnv) putRules(phase string, rules ...any) wireRuleset {
	e.t.Helper()
	var out struct {
		Result wireRuleset `json:"result"`
	}
	e.call(context.Background(), http.MethodPut, "/zones/"+e.zoneID+"/rulesets/phases/"+phase+"/entrypoint", map[string]any{"rules": rules}, 200, &out)
	return out.Result
}

func TestEntrypointLifecycle(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	zone := cloudflare.F(e.zoneID)

	_, err := e.cf.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestDynamicRedirect, rulesets.PhaseGetParams{ZoneID: zone})
	ae := asAPIError(t, err)
	if ae.StatusCode != 404 || len(ae.Errors) != 1 || ae.Errors[0].Code != 10003 || ae.Errors[0].Message != "could not find entrypoint ruleset in the http_request_dynamic_redirect phase" {
		t.Fatalf("never-configured phase: %d %+v", ae.StatusCode, ae.Errors)
	}

	// first PUT through the SDK creates the entrypoint
	ours := rulesets.RedirectRuleParam{
		Ref:         cloudflare.F("launchready:redirect:www-to-apex"),
		Description: cloudflare.F("www to apex"),
		Action:      cloudflare.F(rulesets.RedirectRuleActionRedirect),
		Expression:  cloudflare.F(`(http.host eq "www.example.com")`),
		ActionParameters: cloudflare.F(rulesets.RedirectRuleActionParametersParam{FromValue: cloudflare.F(rulesets.RedirectRuleActionParametersFromValueParam{
			TargetURL:           cloudflare.F(rulesets.RedirectRuleActionParametersFromValueTargetURLParam{Expression: cloudflare.F(`concat("https://example.com", http.request.uri.path)`)}),
			StatusCode:          cloudflare.F(rulesets.RedirectRuleActionParametersFromValueStatusCode301),
			PreserveQueryString: cloudflare.F(true),
		})}),
	}
	res, err := e.cf.Rulesets.Phases.Update(ctx, rulesets.PhaseHTTPRequestDynamicRedirect, rulesets.PhaseUpdateParams{ZoneID: zone, Rules: cloudflare.F([]rulesets.PhaseUpdateParamsRuleUnion{ours})})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != "1" || len(res.Rules) != 1 || res.Rules[0].Ref != "launchready:redirect:www-to-apex" || len(res.Rules[0].ID) != 32 || res.Rules[0].Version != "1" || !res.Rules[0].Enabled {
		t.Fatalf("created entrypoint = version %s rules %+v", res.Version, res.Rules)
	}
	ourID := res.Rules[0].ID

	got, err := e.cf.Rulesets.Phases.Get(ctx, rulesets.PhaseHTTPRequestDynamicRedirect, rulesets.PhaseGetParams{ZoneID: zone})
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != res.ID || got.Version != "1" || got.Rules[0].ID != ourID {
		t.Errorf("get after put = %s v%s %+v", got.ID, got.Version, got.Rules)
	}

	// A hand-made rule added in front; ours sent again by ref only, unchanged.
	handMade := map[string]any{"action": "redirect", "expression": `(http.request.uri.path eq "/old")`, "description": "by hand",
		"logging":           map[string]any{"enabled": true},
		"action_parameters": map[string]any{"from_value": map[string]any{"target_url": map[string]any{"value": "https://example.com/new"}, "status_code": 302}}}
	v2 := e.putRules(model.PhaseRedirect, handMade, redirectRuleSDKShape())
	if v2.Version != "2" || len(v2.Rules) != 2 {
		t.Fatalf("second put = v%s %d rules", v2.Version, len(v2.Rules))
	}
	if r := v2.Rules[1]; r.ID != ourID || r.Version != "1" || r.Ref != "launchready:redirect:www-to-apex" {
		t.Errorf("our unchanged rule = %+v, want id %s version 1", r, ourID)
	}
	if r := v2.Rules[0]; r.Ref != r.ID || len(r.ID) != 32 || r.Version != "1" || string(r.Logging) != `{"enabled":true}` {
		t.Errorf("hand-made rule = %+v, want ref = id and logging kept", r)
	}

	// Changing our rule bumps its version only; order is kept.
	changed := redirectRuleSDKShape()
	changed["action_parameters"].(map[string]any)["from_value"].(map[string]any)["status_code"] = 308
	v3 := e.putRules(model.PhaseRedirect, map[string]any{"id": v2.Rules[0].ID, "action": "redirect", "expression": `(http.request.uri.path eq "/old")`, "description": "by hand",
		"logging":           map[string]any{"enabled": true},
		"action_parameters": map[string]any{"from_value": map[string]any{"target_url": map[string]any{"value": "https://example.com/new"}, "status_code": 302}}}, changed)
	if diff := cmp.Diff([]string{"3", v2.Rules[0].ID, "1", ourID, "2"}, []string{v3.Version, v3.Rules[0].ID, v3.Rules[0].Version, v3.Rules[1].ID, v3.Rules[1].Version}); diff != "" {
		t.Errorf("third put (-want +got):\n%s", diff)
	}

	// dry_run validates without storing
	dry := e.call(ctx, http.MethodPut, "/zones/"+e.zoneID+"/rulesets/phases/"+model.PhaseRedirect+"/entrypoint?dry_run=true", map[string]any{"rules": []any{}}, 200, nil)
	if string(dry.Result) != "null" {
		t.Errorf("dry run result = %s, want null", dry.Result)
	}

	lz, _ := e.srv.LiveZone(testZone)
	wantRules := []model.Rule{
		{ID: v3.Rules[0].ID, Ref: v3.Rules[0].ID, Phase: model.PhaseRedirect, Description: "by hand", Expression: `(http.request.uri.path eq "/old")`, Action: "redirect", Enabled: true,
			Redirect: &model.RedirectAction{TargetURL: "https://example.com/new", StatusCode: 302}},
		{ID: ourID, Ref: "launchready:redirect:www-to-apex", Phase: model.PhaseRedirect, Description: "www to apex", Expression: `(http.host eq "www.example.com")`, Action: "redirect", Enabled: true,
			Redirect: &model.RedirectAction{TargetExpression: `concat("https://example.com", http.request.uri.path)`, StatusCode: 308, PreserveQuery: true}},
	}
	if diff := cmp.Diff(wantRules, lz.Rules[model.PhaseRedirect], cmpIgnoreRaw); diff != "" {
		t.Errorf("LiveZone rules (-want +got):\n%s", diff)
	}
	if rules, ok := lz.Rules[model.PhaseCache]; !ok || len(rules) != 0 {
		t.Errorf("never-configured cache phase in LiveZone = %v, %v; want present and empty", rules, ok)
	}
}

var cmpIgnoreRaw = cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Raw" }, cmp.Ignore())

func redirectRuleSDKShape() map[string]any {
	return redirectRule("launchready:redirect:www-to-apex", 301)
}

func TestCacheRules(t *testing.T) {
	e := newEnv(t, sim.Options{})
	rs := e.putRules(model.PhaseCache, cacheRule("launchready:cache:assets"), map[string]any{
		"ref": "launchready:cache:app-bypass", "action": "set_cache_settings", "expression": `(http.host in {"app.example.com" "api.example.com"})`,
		"action_parameters": map[string]any{"cache": false},
	}, map[string]any{
		"action": "set_cache_settings", "expression": `(http.host eq "example.com")`,
		"action_parameters": map[string]any{"cache": true, "edge_ttl": map[string]any{"mode": "respect_origin"}, "browser_ttl": map[string]any{"mode": "bypass"}},
	})
	if len(rs.Rules) != 3 || rs.Phase != model.PhaseCache || rs.Kind != "zone" {
		t.Fatalf("cache entrypoint = %+v", rs)
	}
	lz, _ := e.srv.LiveZone(testZone)
	var got []model.CacheAction
	for _, r := range lz.Rules[model.PhaseCache] {
		got = append(got, *r.Cache)
	}
	want := []model.CacheAction{{EdgeTTL: 2592000, BrowserTTL: 86400}, {Bypass: true}, {}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cache actions (-want +got):\n%s", diff)
	}
}

func TestRuleValidation(t *testing.T) {
	redirect := func(mut func(r map[string]any)) map[string]any {
		r := redirectRule("launchready:redirect:x", 301)
		mut(r)
		return r
	}
	fromValue := func(r map[string]any) map[string]any {
		return r["action_parameters"].(map[string]any)["from_value"].(map[string]any)
	}
	cache := func(mut func(p map[string]any)) map[string]any {
		r := cacheRule("launchready:cache:x")
		mut(r["action_parameters"].(map[string]any))
		return r
	}
	tests := []struct {
		name         string
		phase        string
		rules        []any
		wantPointers []string
	}{
		{"status 304", model.PhaseRedirect, []any{redirect(func(r map[string]any) { fromValue(r)["status_code"] = 304 })}, []string{"/rules/0/action_parameters/from_value/status_code"}},
		{"empty target", model.PhaseRedirect, []any{redirect(func(r map[string]any) { fromValue(r)["target_url"] = map[string]any{"value": ""} })}, []string{"/rules/0/action_parameters/from_value/target_url/value"}},
		{"target value and expression", model.PhaseRedirect, []any{redirect(func(r map[string]any) {
			fromValue(r)["target_url"] = map[string]any{"value": "https://a.example", "expression": "http.request.full_uri"}
		})}, []string{"/rules/0/action_parameters/from_value/target_url"}},
		{"no from_value", model.PhaseRedirect, []any{redirect(func(r map[string]any) { r["action_parameters"] = map[string]any{} })}, []string{"/rules/0/action_parameters/from_value"}},
		{"wrong action for the phase", model.PhaseRedirect, []any{redirect(func(r map[string]any) { r["action"] = "set_cache_settings" })}, []string{"/rules/0/action"}},
		{"missing expression", model.PhaseRedirect, []any{redirect(func(r map[string]any) { delete(r, "expression") })}, []string{"/rules/0/expression"}},
		{"unbalanced expression", model.PhaseRedirect, []any{redirect(func(r map[string]any) { r["expression"] = `(http.host eq "a"` })}, []string{"/rules/0/expression"}},
		{"duplicate ref", model.PhaseRedirect, []any{redirectRule("same", 301), redirectRule("same", 302)}, []string{"/rules/1/ref"}},
		{"unknown rule id", model.PhaseRedirect, []any{redirect(func(r map[string]any) { r["id"] = "0123456789abcdef0123456789abcdef" })}, []string{"/rules/0/id"}},
		{"edge_ttl mode", model.PhaseCache, []any{cache(func(p map[string]any) { p["edge_ttl"] = map[string]any{"mode": "forever"} })}, []string{"/rules/0/action_parameters/edge_ttl/mode"}},
		{"override without default", model.PhaseCache, []any{cache(func(p map[string]any) { p["browser_ttl"] = map[string]any{"mode": "override_origin"} })}, []string{"/rules/0/action_parameters/browser_ttl/default"}},
		{"cache not boolean", model.PhaseCache, []any{cache(func(p map[string]any) { p["cache"] = "yes" })}, []string{"/rules/0/action_parameters/cache"}},
		{"redirect in the cache phase", model.PhaseCache, []any{redirectRule("r", 301)}, []string{"/rules/0/action"}},
		{"several errors", model.PhaseRedirect, []any{redirect(func(r map[string]any) { delete(r, "expression"); fromValue(r)["status_code"] = 200 })},
			[]string{"/rules/0/action_parameters/from_value/status_code", "/rules/0/expression"}},
	}
	e := newEnv(t, sim.Options{})
	before := e.putRules(model.PhaseRedirect, redirectRule("launchready:redirect:keep", 301))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, env, _ := e.do(withInvalidRequest(context.Background(), "invalid rule on purpose"), http.MethodPut,
				"/zones/"+e.zoneID+"/rulesets/phases/"+tt.phase+"/entrypoint", map[string]any{"rules": tt.rules}, nil)
			if status != 400 {
				t.Fatalf("status %d, want 400", status)
			}
			var got []string
			for _, m := range env.Errors {
				if m.Code != sim.CodeRuleInvalid || m.Source == nil {
					t.Errorf("error %+v lacks code %d or source", m, sim.CodeRuleInvalid)
					continue
				}
				got = append(got, m.Source.Pointer)
			}
			if diff := cmp.Diff(tt.wantPointers, slices.Sorted(slices.Values(got))); diff != "" {
				t.Errorf("pointers (-want +got):\n%s", diff)
			}
		})
	}
	var after struct {
		Result wireRuleset `json:"result"`
	}
	e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/rulesets/phases/"+model.PhaseRedirect+"/entrypoint", nil, 200, &after)
	if after.Result.Version != before.Version {
		t.Errorf("refused PUTs changed the entrypoint: version %s → %s", before.Version, after.Result.Version)
	}
	if status, _, _ := e.do(withInvalidRequest(context.Background(), "unknown phase"), http.MethodGet, "/zones/"+e.zoneID+"/rulesets/phases/http_request_nonsense/entrypoint", nil, nil); status != 400 {
		t.Errorf("unknown phase: status %d, want 400", status)
	}
}

func TestRulesetsList(t *testing.T) {
	e := newEnv(t, sim.Options{})
	e.putRules(model.PhaseRedirect, redirectRule("a", 301))
	e.putRules(model.PhaseCache, cacheRule("b"))
	e.srv.ResetStats()
	it := e.cf.Rulesets.ListAutoPaging(context.Background(), rulesets.RulesetListParams{ZoneID: cloudflare.F(e.zoneID), PerPage: cloudflare.F(int64(1))})
	var got []string
	for it.Next() {
		r := it.Current()
		got = append(got, string(r.Kind)+" "+string(r.Phase))
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"managed ddos_l7", "zone http_request_dynamic_redirect", "zone http_request_cache_settings"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rulesets (-want +got):\n%s", diff)
	}
	if n := e.srv.Stats()["GET /zones/{zone_id}/rulesets"]; n != 3 {
		t.Errorf("list requests = %d, want 3 (the last page has no cursor)", n)
	}

	// the managed ruleset is readable, not writable
	var list struct {
		Result []wireRuleset `json:"result"`
	}
	e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/rulesets", nil, 200, &list)
	managed := list.Result[0].ID
	e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/rulesets/"+managed, nil, 200, nil)
	status, env, _ := e.do(context.Background(), http.MethodPut, "/zones/"+e.zoneID+"/rulesets/"+managed, map[string]any{"rules": []any{}}, nil)
	if status != 400 || env.Errors[0].Code != sim.CodeRulesetReadOnly {
		t.Errorf("PUT managed ruleset: %d %+v", status, env.Errors)
	}
	if list.Result[1].Name != "default" {
		t.Errorf("entrypoint created without a name is called %q, want \"default\"", list.Result[1].Name)
	}
}
