package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// longTXT is longer than one 255-byte character-string and carries quotes.
var longTXT = strings.Repeat("k=v;", 80) + `"quoted" and \ backslash end`

// TestImportRoundTrip populates a zone through the API with every record type, rules
// (launchready's and hand-made) and settings, imports it, and checks that a plan of
// the imported file changes nothing (adoptions only), that applying it converges, and
// that hand-made rules equal to an imported block are adopted, not duplicated.
func TestImportRoundTrip(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, "", "example.com")
	zid := w.api.zoneID("example.com")
	mx := func(prio int, host string) map[string]any {
		return map[string]any{"type": "MX", "name": "example.com", "content": host, "priority": prio, "ttl": 3600}
	}
	for _, rec := range []map[string]any{
		{"type": "A", "name": "example.com", "content": "203.0.113.10", "proxied": true, "comment": "marketing site"},
		{"type": "A", "name": "api.example.com", "content": "203.0.113.20", "ttl": 300},
		{"type": "A", "name": "api.example.com", "content": "203.0.113.21", "ttl": 300},
		{"type": "AAAA", "name": "v6.example.com", "content": "2001:db8::1", "ttl": 600},
		{"type": "CNAME", "name": "www.example.com", "content": "example.com", "proxied": true},
		{"type": "CNAME", "name": "*.preview.example.com", "content": "previews.hosting.net", "ttl": 120},
		{"type": "CNAME", "name": "legacy.example.com", "content": "example.com", "proxied": true},
		{"type": "CNAME", "name": "static.example.com", "content": "cdn.hosting.net", "proxied": true},
		mx(10, "mx1.mailhost.net"),
		mx(20, "mx2.mailhost.net"),
		{"type": "TXT", "name": "example.com", "content": model.QuoteTXT("google-site-verification=abc123")},
		{"type": "TXT", "name": "long.example.com", "content": model.QuoteTXT(longTXT), "ttl": 300},
		{"type": "SRV", "name": "_sip._tcp.example.com", "data": map[string]any{"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com"}},
		{"type": "CAA", "name": "example.com", "data": map[string]any{"flags": 0, "tag": "issue", "value": "letsencrypt.org"}},
		{"type": "NS", "name": "dev.example.com", "content": "ns1.dev-dns.net"},
		{"type": "NS", "name": "dev.example.com", "content": "ns2.dev-dns.net"},
		{"type": "PTR", "name": "10.0.113.example.com", "content": "host.example.com"},
	} {
		w.api.createRecord(zid, rec)
	}
	for id, v := range map[string]any{"ssl": "strict", "always_use_https": "on", "min_tls_version": "1.2", "tls_1_3": "on", "security_level": "high"} {
		w.api.patchSetting(zid, id, v)
	}
	w.api.patchSetting(zid, "security_header", map[string]any{"strict_transport_security": map[string]any{
		"enabled": true, "max_age": 86400, "include_subdomains": true, "preload": false, "nosniff": true,
	}})
	// A rule launchready made earlier (its ref), and rules made by hand.
	w.api.putEntrypoint(zid, model.PhaseRedirect, []apiRule{
		{
			"ref": "launchready:redirect:www-to-apex", "description": "launchready: www-to-apex", "action": "redirect", "enabled": true,
			"expression": `(http.request.full_uri wildcard "https://www.example.com/*")`,
			"action_parameters": map[string]any{"from_value": map[string]any{
				"target_url":            map[string]any{"expression": `wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}")`},
				"status_code":           301,
				"preserve_query_string": true,
			}},
		},
		handRedirect("hand-legacy", "legacy.example.com"),
	})
	w.api.putEntrypoint(zid, model.PhaseCache, []apiRule{
		{
			"description": "static assets (by hand)", "action": "set_cache_settings", "enabled": true,
			"expression":        `(http.host in {"static.example.com"} and starts_with(http.request.uri.path, "/img/"))`,
			"action_parameters": map[string]any{"cache": true, "edge_ttl": map[string]any{"mode": "override_origin", "default": 7200}},
		},
		{
			"description": "no cache for the API", "action": "set_cache_settings", "enabled": true,
			"expression":        `(http.host in {"api.example.com"})`,
			"action_parameters": map[string]any{"cache": false},
		},
	})
	before := w.state("example.com")

	r := w.mustRun(0, "import", "example.com", "--settings", "--out", "imported.hcl")
	if !strings.Contains(r.stdout, "imported.hcl") {
		t.Errorf("import does not say where it wrote:\n%s", r.stdout)
	}
	imported := w.read("imported.hcl")
	for _, want := range []string{`"*.preview" "CNAME"`, `"_sip._tcp" "SRV"`, `"@" "CAA"`, `"dev" "NS"`, `"10.0.113" "PTR"`, `"v6" "AAAA"`, `"long" "TXT"`, `redirect "www-to-apex"`, "settings {", "hsts {"} {
		if !strings.Contains(imported, want) {
			t.Errorf("imported.hcl lacks %s:\n%s", want, imported)
		}
	}
	if strings.Contains(imported, w.token) {
		t.Errorf("imported.hcl contains the API token")
	}
	if r := w.run(nil, "import", "example.com", "--out", "imported.hcl"); r.code != 1 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("import over an existing file: exit %d, want 1 suggesting --force\n%s", r.code, r.stderr)
	}
	if got := w.read("imported.hcl"); got != imported {
		t.Errorf("a refused import changed the existing file")
	}
	w.mustRun(0, "validate", "--config", "imported.hcl")
	w.mustRun(0, "fmt", "--check", "imported.hcl")

	p := w.planJSON("--config", "imported.hcl")
	if s := p.Summary; s.Add != 0 || s.Change != 0 || s.Delete != 0 {
		t.Errorf("plan of the imported file: %d to add, %d to change, %d to delete; want none (adoptions only): %v", s.Add, s.Change, s.Delete, p.changeKeys())
	}
	for _, k := range p.changeKeys() {
		if !strings.HasPrefix(k, "adopt ") {
			t.Errorf("plan of the imported file has a change that is not an adoption: %s", k)
		}
	}
	r = w.mustRun(0, "plan", "--config", "imported.hcl")
	if !strings.Contains(r.stdout, "to adopt") {
		t.Errorf("plan of the imported file does not list the adoptions:\n%s", r.stdout)
	}

	w.mustRun(0, "apply", "--config", "imported.hcl", "--auto-approve", "--no-verify")
	w.mustRun(0, "plan", "--config", "imported.hcl", "--detailed-exitcode")

	after := w.state("example.com")
	var withoutMarks []string
	for _, k := range recordKeys(after.Live) {
		if !strings.HasPrefix(k, "_launchready") {
			// adopting writes the owner's marker into the comment, nothing else
			k = strings.Replace(strings.Replace(k, ` [launchready:default]"`, `"`, 1), `comment="[launchready:default]"`, `comment=""`, 1)
			withoutMarks = append(withoutMarks, k)
		}
	}
	if d := cmp.Diff(recordKeys(before.Live), withoutMarks); d != "" {
		t.Errorf("applying the imported file changed records (-before +after):\n%s", d)
	}
	if d := cmp.Diff(before.Live.Settings, after.Live.Settings); d != "" {
		t.Errorf("applying the imported file changed settings (-before +after):\n%s", d)
	}
	// Hand-made rules equal to an imported block are adopted in place: the same rules
	// (ids) in the same order, doing the same thing, each now carrying launchready's ref.
	for _, ph := range []struct {
		name          string
		before, after []apiRule
	}{
		{"redirect", before.Redirects, after.Redirects},
		{"cache", before.Caches, after.Caches},
	} {
		if d := cmp.Diff(ruleIDs(ph.before), ruleIDs(ph.after)); d != "" {
			t.Errorf("%s rules after applying the imported file are not the same rules in the same order (duplicated or replaced) (-before +after):\n%s", ph.name, d)
			continue
		}
		for i, a := range ph.after {
			b := ph.before[i]
			if !strings.HasPrefix(a.str("ref"), model.RefPrefix) {
				t.Errorf("%s rule %s (%s) was not adopted: ref %q", ph.name, a.str("id"), a.str("description"), a.str("ref"))
			}
			if a.str("expression") != b.str("expression") || a.str("action") != b.str("action") || !cmp.Equal(withDefaults(a["action_parameters"]), withDefaults(b["action_parameters"])) || a["enabled"] != b["enabled"] {
				t.Errorf("%s rule %s changed what it does on adoption:\nbefore %s\nafter  %s", ph.name, b.str("id"), jsonString(b), jsonString(a))
			}
		}
	}
}

// ruleIDs lists the rules' ids in order.
func ruleIDs(rules []apiRule) []string {
	var out []string
	for _, r := range rules {
		out = append(out, r.str("id"))
	}
	return out
}

// withDefaults returns a rule's action parameters with Cloudflare's defaults written
// out (preserve_query_string false), so that an explicit default compares equal to
// an absent one: both do the same.
func withDefaults(params any) any {
	b, err := json.Marshal(params)
	if err != nil {
		return params
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return params
	}
	if fv, ok := m["from_value"].(map[string]any); ok {
		if _, set := fv["preserve_query_string"]; !set {
			fv["preserve_query_string"] = false
		}
	}
	return m
}

// TestImportOwners: two launch.hcl files (owners app and marketing) manage one zone.
// An import refuses to guess whose file to write, names both owners, and with --owner
// writes that owner's file: `owner = "marketing"`, its records and rules, the other
// owner's listed as not imported; a plan of it changes nothing. The DNS map of each
// file shows the other file's records and rules as that owner's.
func TestImportOwners(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, "", "example.com")
	w.write("app.hcl", "zone \"example.com\" {\n  owner = \"app\"\n  record \"api\" \"A\" { value = \"192.0.2.1\" }\n  redirect \"www\" {\n    from = \"https://www.example.com/*\"\n    to   = \"https://example.com/$${1}\"\n  }\n}\n")
	w.write("marketing.hcl", "zone \"example.com\" {\n  owner = \"marketing\"\n  record \"blog\" \"A\" {\n    value   = \"192.0.2.9\"\n    proxied = true\n    comment = \"the blog\"\n  }\n  redirect \"promo\" {\n    from = \"https://promo.example.com/*\"\n    to   = \"https://example.com/promo/$${1}\"\n  }\n}\n")
	w.mustRun(0, "apply", "--config", "app.hcl", "--auto-approve", "--no-verify")
	w.mustRun(0, "apply", "--config", "marketing.hcl", "--auto-approve", "--no-verify")

	r := w.run(nil, "import", "example.com")
	if r.code != 1 || !strings.Contains(r.stderr, "app (2), marketing (2)") || !strings.Contains(r.stderr, "--owner") {
		t.Errorf("import of a zone two owners manage: exit %d, want 1 naming the owners and --owner\n%s", r.code, r.stderr)
	}

	r = w.mustRun(0, "import", "example.com", "--owner", "marketing", "--out", "imported.hcl")
	if !strings.Contains(r.stdout, "owner marketing") {
		t.Errorf("import does not say whose file it wrote:\n%s", r.stdout)
	}
	imported := w.read("imported.hcl")
	for _, want := range []string{
		`owner         = "marketing"`, `record "blog" "A"`, `comment = "the blog"`, `redirect "promo" {`,
		`#   api A "192.0.2.1" (marked by launch.hcl owner "app"`,
		`#   redirect rule launchready:redirect:www@app (made by launch.hcl owner "app"`,
	} {
		if !strings.Contains(imported, want) {
			t.Errorf("imported.hcl lacks %s:\n%s", want, imported)
		}
	}
	if strings.Contains(imported, `record "api"`) || strings.Contains(imported, "[launchready:") {
		t.Errorf("imported.hcl declares the app's record or keeps a marker:\n%s", imported)
	}
	w.mustRun(0, "plan", "--config", "imported.hcl", "--detailed-exitcode")

	w.mustRun(0, "handover", "--config", "app.hcl", "--out", "DNS-MAP.md")
	m := w.read("DNS-MAP.md")
	for _, want := range []string{
		"| `blog.example.com` | A | `192.0.2.9` | auto | yes | the blog | other launch.hcl (owner `marketing`) | left alone |",
		"| promo | `https://promo.example.com/*` | `https://example.com/promo/${1}` | 301 | dropped | other launch.hcl (owner `marketing`) | left alone |",
		"| www | `https://www.example.com/*` | `https://example.com/${1}` | 301 | dropped | launchready | in sync |",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("the app's DNS map lacks %q:\n%s", want, m)
		}
	}
}
