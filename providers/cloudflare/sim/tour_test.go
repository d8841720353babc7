package sim_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// notImplemented lists schema operations the simulator does not serve, with why.
var notImplemented = map[string]string{
	"dns-records-for-a-zone-import-dns-records": "BIND import is optional for the simulator (FACTS.md §4.6); launchready writes through the batch endpoint",
}

// TestConformance drives every operation the simulator serves, success and failure
// answers alike, through the schema validator, and checks that each operation of the
// schema was exercised (or is listed in notImplemented).
func TestConformance(t *testing.T) {
	doc := requireSpec(t)
	e := newEnv(t, sim.Options{Zones: []string{testZone, "example.org"}, Plan: "pro"}) // tags need a paid plan
	ctx := context.Background()
	z := "/zones/" + e.zoneID

	// tokens and zones
	e.call(ctx, http.MethodGet, "/user/tokens/verify", nil, 200, nil)
	e.call(ctx, http.MethodGet, "/zones?per_page=5&name=contains:example", nil, 200, nil)
	e.call(withInvalidRequest(ctx, "per_page below the minimum"), http.MethodGet, "/zones?per_page=4", nil, 400, nil)
	e.call(ctx, http.MethodGet, z, nil, 200, nil)
	e.call(ctx, http.MethodGet, "/zones/0123456789abcdef0123456789abcdef", nil, 404, nil)
	e.call(ctx, http.MethodGet, "/zones/not-an-id/dns_records", nil, 400, nil)

	// records of every type
	bodies := []map[string]any{
		{"type": "A", "name": "@", "content": "203.0.113.10", "proxied": true, "ttl": 300, "comment": "site"},
		{"type": "AAAA", "name": "v6", "content": "2001:DB8::0:1", "ttl": 3600},
		{"type": "CNAME", "name": "www", "content": "example.com", "proxied": true},
		{"type": "MX", "name": "@", "content": "mx1.mail.example.net.", "priority": 10},
		{"type": "TXT", "name": "@", "content": `"v=spf1 include:_spf.google.com -all"`, "tags": []string{"owner:launchready"}},
		{"type": "SRV", "name": "_sip._tcp", "data": map[string]any{"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com"}},
		{"type": "CAA", "name": "@", "data": map[string]any{"flags": 0, "tag": "issue", "value": "letsencrypt.org"}},
		{"type": "NS", "name": "sub", "content": "ns1.other.net"},
		{"type": "PTR", "name": "10", "content": "host.example.com"},
	}
	var ids []string
	for _, b := range bodies {
		ids = append(ids, e.post(b).ID)
	}
	e.call(ctx, http.MethodPost, z+"/dns_records", bodies[0], 400, nil) // identical
	e.call(ctx, http.MethodGet, z+"/dns_records?per_page=2&page=1&type=A&name.exact=example.com", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/dns_records?per_page=2&page=99", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/dns_records/"+ids[0], nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/dns_records/0123456789abcdef0123456789abcdef", nil, 404, nil)
	e.call(ctx, http.MethodPut, z+"/dns_records/"+ids[1], map[string]any{"type": "AAAA", "name": "v6", "content": "2001:db8::2", "ttl": 1}, 200, nil)
	e.call(ctx, http.MethodPatch, z+"/dns_records/"+ids[1], map[string]any{"comment": "ipv6"}, 200, nil)
	e.call(ctx, http.MethodPatch, z+"/dns_records/"+ids[1], map[string]any{"type": "AAAA", "content": "1.2.3.4"}, 400, nil) // schema-valid: patches are objects
	e.call(ctx, http.MethodDelete, z+"/dns_records/"+ids[8], nil, 200, nil)
	e.call(ctx, http.MethodDelete, z+"/dns_records/"+ids[8], nil, 404, nil)
	e.call(ctx, http.MethodPost, z+"/dns_records/batch", map[string]any{
		"deletes": []map[string]any{{"id": ids[7]}},
		"patches": []map[string]any{{"id": ids[1], "ttl": 600}},
		"puts":    []map[string]any{{"id": ids[3], "type": "MX", "name": "@", "content": "mx2.mail.example.net", "priority": 20}},
		"posts":   []map[string]any{{"type": "A", "name": "api", "content": "203.0.113.20", "ttl": 300}},
	}, 200, nil)
	e.call(ctx, http.MethodPost, z+"/dns_records/batch", map[string]any{
		"posts": []map[string]any{{"type": "A", "name": "api", "content": "203.0.113.20"}},
	}, 400, nil)
	e.exportText(ctx)

	// settings
	e.call(ctx, http.MethodGet, z+"/settings", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/settings/ssl", nil, 200, nil)
	e.call(ctx, http.MethodPatch, z+"/settings/ssl", map[string]any{"value": "strict"}, 200, nil)
	e.call(ctx, http.MethodPatch, z+"/settings/ssl", map[string]any{"value": "bogus"}, 400, nil) // schema-valid: the patched body is {value}
	e.call(ctx, http.MethodPatch, z+"/settings/security_header", map[string]any{"value": map[string]any{
		"strict_transport_security": map[string]any{"enabled": true, "max_age": 31536000, "include_subdomains": true}}}, 200, nil)
	e.call(ctx, http.MethodPatch, z+"/settings", []map[string]any{{"id": "always_use_https", "value": "on"}, {"id": "min_tls_version", "value": "1.2"}}, 200, nil)
	e.call(withInvalidRequest(ctx, "unknown setting value"), http.MethodPatch, z+"/settings", []map[string]any{{"id": "tls_1_3", "value": "maybe"}}, 400, nil)

	// rulesets
	e.call(ctx, http.MethodGet, z+"/rulesets/phases/http_request_dynamic_redirect/entrypoint", nil, 404, nil)
	var rs struct {
		Result struct {
			ID string `json:"id"`
		} `json:"result"`
	}
	e.call(ctx, http.MethodPut, z+"/rulesets/phases/http_request_dynamic_redirect/entrypoint", map[string]any{"rules": []any{redirectRule("launchready:redirect:www", 301)}}, 200, &rs)
	e.call(withInvalidRequest(ctx, "status_code 304"), http.MethodPut, z+"/rulesets/phases/http_request_dynamic_redirect/entrypoint", map[string]any{"rules": []any{redirectRule("x", 304)}}, 400, nil)
	e.call(ctx, http.MethodPut, z+"/rulesets/phases/http_request_cache_settings/entrypoint", map[string]any{"rules": []any{cacheRule("launchready:cache:assets")}}, 200, nil)
	e.call(ctx, http.MethodGet, z+"/rulesets/phases/http_request_dynamic_redirect/entrypoint", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/rulesets", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/rulesets/"+rs.Result.ID, nil, 200, nil)
	e.call(ctx, http.MethodPut, z+"/rulesets/"+rs.Result.ID, map[string]any{"rules": []any{redirectRule("launchready:redirect:www", 308)}}, 200, nil)
	e.call(ctx, http.MethodGet, z+"/rulesets/0123456789abcdef0123456789abcdef", nil, 404, nil)

	// auth failures and throttling are answered in the schema's 4XX shape too
	ictx := withInvalidRequest(ctx, "no credentials on purpose")
	if status, _, _ := e.do(ictx, http.MethodGet, z+"/dns_records", nil, http.Header{}); status != 400 {
		t.Errorf("no auth: status %d, want 400", status)
	}
	e.srv.InjectFault(sim.Fault{Method: "GET", PathPrefix: "/zones/" + e.zoneID + "/settings", Status: 429, RetryAfter: 0.01, Count: 1})
	if status, _, h := e.do(ctx, http.MethodGet, z+"/settings/ssl", nil, nil); status != 429 || h.Get("Retry-After") != "0.01" {
		t.Errorf("injected 429: status %d, Retry-After %q", status, h.Get("Retry-After"))
	}

	if e.conf == nil {
		t.Fatal("schema validation was not active")
	}
	var missing []string
	seen := e.conf.Covered()
	for _, op := range doc.Operations() {
		if seen[op] == 0 && notImplemented[op] == "" {
			missing = append(missing, op)
		}
	}
	if diff := cmp.Diff([]string(nil), missing); diff != "" {
		t.Errorf("operations never exercised (-want +got):\n%s", diff)
	}
}

func (e *testEnv) exportText(ctx context.Context) string {
	e.t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.base+"/zones/"+e.zoneID+"/dns_records/export", nil)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Accept", "text/plain")
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		e.t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		e.t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return b.String()
}

func redirectRule(ref string, status int) map[string]any {
	return map[string]any{
		"ref":        ref,
		"action":     "redirect",
		"expression": `(http.host eq "www.example.com")`,
		"action_parameters": map[string]any{"from_value": map[string]any{
			"target_url":            map[string]any{"expression": `concat("https://example.com", http.request.uri.path)`},
			"status_code":           status,
			"preserve_query_string": true,
		}},
		"description": "www to apex",
	}
}

func cacheRule(ref string) map[string]any {
	return map[string]any{
		"ref":        ref,
		"action":     "set_cache_settings",
		"expression": `(http.host eq "example.com" and starts_with(http.request.uri.path, "/assets/"))`,
		"action_parameters": map[string]any{
			"cache":       true,
			"edge_ttl":    map[string]any{"mode": "override_origin", "default": 2592000},
			"browser_ttl": map[string]any{"mode": "override_origin", "default": 86400},
		},
	}
}
