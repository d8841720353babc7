package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// Issue 3 through the CLI: zone settings, Single Redirects and Cache Rules applied to
// `launchready sim` in another process, with rules made by hand next to launchready's.

// edgeConfig is the launch.hcl of the edge scenario; the fields are what the steps
// change.
type edgeConfig struct {
	redirectStatus int
	oldShop        bool // the "old-shop" redirect block is declared
	imagesCache    bool // the "images" cache block is declared
	securityLevel  bool // settings.security_level is declared
}

func (c edgeConfig) String() string {
	var b strings.Builder
	b.WriteString(`zone "example.com" {
  provider = "cloudflare"

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "app" "CNAME" {
    value   = "app-prod.fly.dev"
    proxied = true
  }
  record "shop" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  record "store" "CNAME" {
    value   = "shops.hosting.net"
    proxied = true
  }

  settings {
    ssl                      = "strict"
    always_use_https         = true
    min_tls_version          = "1.2"
    tls_1_3                  = "on"
    automatic_https_rewrites = false
`)
	if c.securityLevel {
		b.WriteString("    security_level           = \"high\"\n")
	}
	b.WriteString(`    hsts {
      max_age            = 31536000
      include_subdomains = true
      preload            = false
      nosniff            = true
    }
  }

`)
	fmt.Fprintf(&b, `  redirect "www-to-apex" {
    from           = "https://www.example.com/*"
    to             = "https://example.com/$${1}"
    status         = %d
    preserve_query = true
  }
`, c.redirectStatus)
	if c.oldShop {
		b.WriteString(`  redirect "old-shop" {
    from   = "https://shop.example.com/*"
    to     = "https://store.example.com/$${1}"
    status = 302
  }
`)
	}
	b.WriteString(`
  cache "assets" {
    hosts       = ["example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "30d"
    browser_ttl = "1d"
  }
  cache "app-bypass" {
    hosts  = ["app.example.com"]
    bypass = true
  }
`)
	if c.imagesCache {
		b.WriteString(`  cache "images" {
    hosts       = ["example.com"]
    path_prefix = "/img/"
    edge_ttl    = "2h"
  }
`)
	}
	b.WriteString("}\n")
	return b.String()
}

// Hand-made rules, as a person would add them in the dashboard (no ref: the API
// gives them their id as ref).
func handRedirect(desc, host string) apiRule {
	return apiRule{
		"action":      "redirect",
		"description": desc,
		"enabled":     true,
		"expression":  fmt.Sprintf("(http.host eq %q)", host),
		"action_parameters": map[string]any{"from_value": map[string]any{
			"target_url":  map[string]any{"value": "https://example.com/" + desc},
			"status_code": 302,
		}},
	}
}

func handCache(desc, host string) apiRule {
	return apiRule{
		"action":            "set_cache_settings",
		"description":       desc,
		"enabled":           true,
		"expression":        fmt.Sprintf("(http.host eq %q)", host),
		"action_parameters": map[string]any{"cache": true, "edge_ttl": map[string]any{"mode": "override_origin", "default": 7200}}, // the Free plan's minimum
	}
}

// insertRules returns rules with extra rules inserted before index i of the
// original list (i = len(rules) appends).
func insertRules(rules []apiRule, at map[int][]apiRule) []apiRule {
	var out []apiRule
	for i := 0; i <= len(rules); i++ {
		out = append(out, at[i]...)
		if i < len(rules) {
			out = append(out, rules[i])
		}
	}
	return out
}

// planJSON runs `plan --json` and decodes the parts the tests read.
type jsonPlan struct {
	FormatVersion string `json:"format_version"`
	HasChanges    bool   `json:"has_changes"`
	Summary       struct {
		Add, Change, Delete, Adopt, Forget, Unmanaged int
	} `json:"summary"`
	Zones []struct {
		Zone    string `json:"zone"`
		Changes []struct {
			Action string `json:"action"`
			Kind   string `json:"kind"`
			Key    string `json:"key"`
			Reason string `json:"reason"`
			Before *struct {
				Setting *struct {
					ID    string `json:"id"`
					Value string `json:"value"`
				} `json:"setting"`
			} `json:"before"`
		} `json:"changes"`
		Unmanaged []json.RawMessage `json:"unmanaged"`
	} `json:"zones"`
}

func (w *workspace) planJSON(args ...string) jsonPlan {
	w.t.Helper()
	r := w.mustRun(0, append([]string{"plan", "--json"}, args...)...)
	var p jsonPlan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		w.t.Fatalf("plan --json is not JSON: %v\n%s", err, r.stdout)
	}
	return p
}

// changeKeys lists a JSON plan's changes as "action kind key", ownership marks left
// out.
func (p jsonPlan) changeKeys() []string {
	var out []string
	for _, z := range p.Zones {
		for _, c := range z.Changes {
			if c.Kind == "ownership" {
				continue
			}
			out = append(out, c.Action+" "+c.Kind+" "+c.Key)
		}
	}
	return out
}

// TestEdgeSettingsRedirectsCacheRules applies settings, redirects and cache rules,
// then checks, step by step, that launchready converges, keeps rules made by hand
// verbatim and in order, stops managing a removed setting without resetting it, and
// deletes only its own rule when a redirect block is removed.
func TestEdgeSettingsRedirectsCacheRules(t *testing.T) {
	t.Parallel()
	cfg := edgeConfig{redirectStatus: 301, oldShop: true, securityLevel: true}
	w := newWorkspace(t, cfg.String(), "example.com")
	zid := w.api.zoneID("example.com")

	// 1. First apply: everything is created, then the plan is empty.
	w.converge()
	wantSettings := map[string]string{
		"ssl":                      `"strict"`,
		"always_use_https":         `"on"`,
		"min_tls_version":          `"1.2"`,
		"tls_1_3":                  `"on"`,
		"automatic_https_rewrites": `"off"`,
		"security_level":           `"high"`,
	}
	gotSettings := map[string]string{}
	for id := range wantSettings {
		gotSettings[id] = w.api.setting(zid, id)
	}
	if d := cmp.Diff(wantSettings, gotSettings); d != "" {
		t.Errorf("live settings after apply (-want +got):\n%s", d)
	}
	var hdr struct {
		STS model.HSTS `json:"strict_transport_security"`
	}
	if err := json.Unmarshal([]byte(w.api.setting(zid, "security_header")), &hdr); err != nil {
		t.Fatal(err)
	}
	if want := (model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true}); hdr.STS != want {
		t.Errorf("live HSTS = %+v, want %+v", hdr.STS, want)
	}
	redirects := w.api.entrypoint(zid, model.PhaseRedirect)
	if d := cmp.Diff([]string{"launchready:redirect:www-to-apex", "launchready:redirect:old-shop"}, refs(redirects)); d != "" {
		t.Fatalf("redirect rules after apply (-want +got):\n%s", d)
	}
	caches := w.api.entrypoint(zid, model.PhaseCache)
	if d := cmp.Diff([]string{"launchready:cache:assets", "launchready:cache:app-bypass"}, refs(caches)); d != "" {
		t.Fatalf("cache rules after apply (-want +got):\n%s", d)
	}
	assets := ruleByRef(t, caches, "launchready:cache:assets")
	if got, want := jsonString(assets["action_parameters"]), `{"browser_ttl":{"default":86400,"mode":"override_origin"},"cache":true,"edge_ttl":{"default":2592000,"mode":"override_origin"}}`; got != want {
		t.Errorf("assets cache rule parameters = %s, want %s", got, want)
	}
	bypass := ruleByRef(t, caches, "launchready:cache:app-bypass")
	if got, want := jsonString(bypass["action_parameters"]), `{"cache":false}`; got != want {
		t.Errorf("app-bypass cache rule parameters = %s, want %s", got, want)
	}

	// 2. Rules made by hand, before, between and after launchready's, in both phases.
	w.api.putEntrypoint(zid, model.PhaseRedirect, insertRules(redirects, map[int][]apiRule{
		0: {handRedirect("hand-first", "first.example.com")},
		1: {handRedirect("hand-between", "between.example.com")},
		2: {handRedirect("hand-last", "last.example.com")},
	}))
	w.api.putEntrypoint(zid, model.PhaseCache, insertRules(caches, map[int][]apiRule{
		0: {handCache("hand-first", "first.example.com")},
		2: {handCache("hand-last", "last.example.com")},
	}))
	handRedirectsBefore := handRules(w.api.entrypoint(zid, model.PhaseRedirect))
	handCachesBefore := handRules(w.api.entrypoint(zid, model.PhaseCache))
	if len(handRedirectsBefore) != 3 || len(handCachesBefore) != 2 {
		t.Fatalf("hand-made rules were not stored: %d redirects, %d cache rules", len(handRedirectsBefore), len(handCachesBefore))
	}
	// Rules made by hand are not launchready's, wherever they stand: no drift.
	if r := w.run(nil, "plan", "--detailed-exitcode"); r.code != 0 {
		t.Errorf("plan after rules were added by hand: exit %d, want 0 (hand-made rules are not drift)\n%s%s", r.code, r.stdout, r.stderr)
	}

	// 3. Change the config: status 301 → 308, one more cache rule. Re-apply.
	cfg.redirectStatus, cfg.imagesCache = 308, true
	w.write("launch.hcl", cfg.String())
	p := w.planJSON()
	wantKeys := []string{
		"update redirect launchready:redirect:www-to-apex",
		"create cache launchready:cache:images",
	}
	for _, k := range wantKeys {
		if !contains(p.changeKeys(), k) {
			t.Errorf("plan after the config change lacks %q; changes: %v", k, p.changeKeys())
		}
	}
	w.converge()

	redirects = w.api.entrypoint(zid, model.PhaseRedirect)
	caches = w.api.entrypoint(zid, model.PhaseCache)
	if d := cmp.Diff(handRedirectsBefore, handRules(redirects)); d != "" {
		t.Errorf("hand-made redirect rules changed (content, id, version or relative order) (-before +after):\n%s", d)
	}
	if d := cmp.Diff(handCachesBefore, handRules(caches)); d != "" {
		t.Errorf("hand-made cache rules changed (content, id, version or relative order) (-before +after):\n%s", d)
	}
	// Every rule keeps its place; the new cache rule goes after the last of
	// launchready's, as in the file.
	if d := cmp.Diff([]string{"hand:hand-first", "launchready:redirect:www-to-apex", "hand:hand-between", "launchready:redirect:old-shop", "hand:hand-last"}, refs(redirects)); d != "" {
		t.Errorf("redirect rule order after re-apply (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"hand:hand-first", "launchready:cache:assets", "launchready:cache:app-bypass", "launchready:cache:images", "hand:hand-last"}, refs(caches)); d != "" {
		t.Errorf("cache rule order after re-apply (-want +got):\n%s", d)
	}
	www := ruleByRef(t, redirects, "launchready:redirect:www-to-apex")
	if got := jsonString(www["action_parameters"]); !strings.Contains(got, `"status_code":308`) {
		t.Errorf("www-to-apex after re-apply has parameters %s, want status_code 308", got)
	}
	images := ruleByRef(t, caches, "launchready:cache:images")
	if got, want := jsonString(images["action_parameters"]), `{"cache":true,"edge_ttl":{"default":7200,"mode":"override_origin"}}`; got != want {
		t.Errorf("images cache rule parameters = %s, want %s", got, want)
	}

	// 4. Remove a setting from the file: the plan says it is no longer managed, and
	// applying leaves the live value as it is.
	cfg.securityLevel = false
	w.write("launch.hcl", cfg.String())
	r := w.mustRun(2, "plan", "--detailed-exitcode")
	if !strings.Contains(r.stdout, "security_level") || !strings.Contains(r.stdout, "no longer managed") {
		t.Errorf("plan after removing security_level does not say it is no longer managed:\n%s", r.stdout)
	}
	p = w.planJSON()
	if d := cmp.Diff([]string{"forget setting security_level"}, p.changeKeys()); d != "" {
		t.Errorf("plan after removing security_level (-want +got):\n%s", d)
	}
	w.converge()
	if got := w.api.setting(zid, "security_level"); got != `"high"` {
		t.Errorf("security_level after it stopped being managed = %s, want \"high\" (never reset)", got)
	}

	// 5. Remove a redirect block: only launchready's rule goes.
	cfg.oldShop = false
	w.write("launch.hcl", cfg.String())
	p = w.planJSON()
	if d := cmp.Diff([]string{"delete redirect launchready:redirect:old-shop"}, p.changeKeys()); d != "" {
		t.Errorf("plan after removing the old-shop block (-want +got):\n%s", d)
	}
	w.converge()
	redirects = w.api.entrypoint(zid, model.PhaseRedirect)
	if d := cmp.Diff(handRedirectsBefore, handRules(redirects)); d != "" {
		t.Errorf("removing a redirect block changed hand-made rules (-before +after):\n%s", d)
	}
	if d := cmp.Diff([]string{"hand:hand-first", "launchready:redirect:www-to-apex", "hand:hand-between", "hand:hand-last"}, refs(redirects)); d != "" {
		t.Errorf("redirect rules after removing old-shop (-want +got):\n%s", d)
	}
	if d := cmp.Diff(handCachesBefore, handRules(w.api.entrypoint(zid, model.PhaseCache))); d != "" {
		t.Errorf("removing a redirect block changed hand-made cache rules (-before +after):\n%s", d)
	}
}

// TestPlanRequestCount checks that planning a zone of 1,000 records (plus settings
// and both rule phases) costs at most 6 API requests.
func TestPlanRequestCount(t *testing.T) {
	t.Parallel()
	w := newWorkspaceWith(t, []string{"--plan", "pro"}, `zone "example.com" {
  record "@" "A" { value = "203.0.113.10" }
  settings {
    ssl = "full"
  }
  redirect "www-to-apex" {
    from = "https://www.example.com/*"
    to   = "https://example.com/$${1}"
  }
}
`, "example.com")
	zid := w.api.zoneID("example.com")
	var recs []map[string]any
	for i := 0; i < 1000; i++ {
		recs = append(recs, map[string]any{"type": "A", "name": fmt.Sprintf("host%04d.example.com", i), "content": fmt.Sprintf("198.51.%d.%d", i/250, i%250+1), "ttl": 300})
	}
	w.api.batchCreate(zid, recs)
	if n := len(w.api.records(zid)); n != 1000 {
		t.Fatalf("zone has %d records, want 1000", n)
	}

	before := simStats(t, w.base)
	r := w.mustRun(0, "plan")
	delta := statsDelta(before, simStats(t, w.base))
	if n := total(delta); n > 6 {
		t.Errorf("plan of a 1,000-record zone sent %d API requests, want at most 6: %v", n, delta)
	}
	if !strings.Contains(r.stdout, "1000 unmanaged left alone") {
		t.Errorf("plan does not report the 1,000 records as unmanaged:\n%s", lastLines(r.stdout, 5))
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
