package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestModelledParams(t *testing.T) {
	tests := []struct {
		name      string
		action    string
		raw       string
		wantOK    bool
		wantRedir model.RedirectAction
		wantCache model.CacheAction
	}{
		{
			name: "redirect to a URL", action: "redirect", wantOK: true,
			raw:       `{"from_value":{"target_url":{"value":"https://example.com/"},"status_code":302,"preserve_query_string":true}}`,
			wantRedir: model.RedirectAction{TargetURL: "https://example.com/", StatusCode: 302, PreserveQuery: true},
		},
		{
			name: "redirect to an expression, API defaults", action: "redirect", wantOK: true,
			raw:       `{"from_value":{"target_url":{"expression":"concat(\"https://example.com\", http.request.uri.path)"}}}`,
			wantRedir: model.RedirectAction{TargetExpression: `concat("https://example.com", http.request.uri.path)`, StatusCode: 301},
		},
		{name: "redirect with both targets", action: "redirect", raw: `{"from_value":{"target_url":{"value":"https://a.example/","expression":"x"}}}`},
		{name: "redirect with no target", action: "redirect", raw: `{"from_value":{"status_code":301}}`},
		{name: "redirect with an empty target", action: "redirect", raw: `{"from_value":{"target_url":{"value":""}}}`},
		{name: "bulk redirect list", action: "redirect", raw: `{"from_list":{"name":"redirects","key":"http.request.full_uri"}}`},
		{name: "redirect with an extra key", action: "redirect", raw: `{"from_value":{"target_url":{"value":"https://a.example/"},"extra":true}}`},
		{name: "redirect with an extra target key", action: "redirect", raw: `{"from_value":{"target_url":{"value":"https://a.example/","x":1}}}`},
		{name: "redirect with a mistyped status", action: "redirect", raw: `{"from_value":{"target_url":{"value":"https://a.example/"},"status_code":"301"}}`},
		{name: "redirect with a null query flag", action: "redirect", raw: `{"from_value":{"target_url":{"value":"https://a.example/"},"preserve_query_string":null}}`},
		{
			name: "cache with TTLs", action: "set_cache_settings", wantOK: true,
			raw:       `{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000},"browser_ttl":{"mode":"override_origin","default":86400}}`,
			wantCache: model.CacheAction{EdgeTTL: 2592000, BrowserTTL: 86400},
		},
		{
			name: "cache respecting the origin", action: "set_cache_settings", wantOK: true,
			raw: `{"cache":true,"edge_ttl":{"mode":"respect_origin"},"browser_ttl":{"mode":"respect_origin","default":0}}`,
		},
		{name: "bypass", action: "set_cache_settings", wantOK: true, raw: `{"cache":false}`, wantCache: model.CacheAction{Bypass: true}},
		{name: "bypass with a TTL", action: "set_cache_settings", raw: `{"cache":false,"edge_ttl":{"mode":"override_origin","default":60}}`},
		{name: "cache without the cache flag", action: "set_cache_settings", raw: `{"edge_ttl":{"mode":"override_origin","default":60}}`},
		{name: "cache key", action: "set_cache_settings", raw: `{"cache":true,"cache_key":{"ignore_query_strings_order":true}}`},
		{name: "bypass_by_default mode", action: "set_cache_settings", raw: `{"cache":true,"edge_ttl":{"mode":"bypass_by_default"}}`},
		{name: "override without a TTL", action: "set_cache_settings", raw: `{"cache":true,"edge_ttl":{"mode":"override_origin"}}`},
		{name: "status code TTLs", action: "set_cache_settings", raw: `{"cache":true,"edge_ttl":{"mode":"override_origin","default":60,"status_code_ttl":[{"value":0}]}}`},
		{name: "another action", action: "block", raw: `{}`},
		{name: "not an object", action: "redirect", raw: `[]`},
		{name: "null", action: "set_cache_settings", raw: `null`},
		{name: "not JSON", action: "set_cache_settings", raw: `{"cache":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, c, ok := modelledParams(tt.action, []byte(tt.raw))
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if diff := cmp.Diff(tt.wantRedir, r); diff != "" {
				t.Errorf("redirect (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantCache, c); diff != "" {
				t.Errorf("cache (-want +got):\n%s", diff)
			}
		})
	}
}
