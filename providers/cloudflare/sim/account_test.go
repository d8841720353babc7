package sim_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// A token holds only the permission groups given; every endpoint needs its group and
// answers 403 code 10000 "Authentication error" without it.
func TestTokenPermissions(t *testing.T) {
	e := newEnv(t, sim.Options{Permissions: []string{"Zone:Read", "dns:edit"}})
	ctx := context.Background()
	z := "/zones/" + e.zoneID
	allowed := []struct{ method, path string }{
		{"GET", "/zones"}, {"GET", z}, {"GET", z + "/dns_records"},
	}
	for _, a := range allowed {
		e.call(ctx, a.method, a.path, nil, http.StatusOK, nil)
	}
	e.post(map[string]any{"type": "A", "name": "www", "content": "203.0.113.1"})
	denied := []struct {
		method, path string
		body         any
	}{
		{"GET", z + "/settings/ssl", nil},
		{"PATCH", z + "/settings/ssl", map[string]any{"value": "full"}},
		{"GET", z + "/rulesets/phases/http_request_dynamic_redirect/entrypoint", nil},
		{"PUT", z + "/rulesets/phases/http_request_cache_settings/entrypoint", map[string]any{"rules": []any{}}},
		{"GET", z + "/rulesets", nil},
	}
	for _, d := range denied {
		env := e.call(ctx, d.method, d.path, d.body, http.StatusForbidden, nil)
		if len(env.Errors) != 1 || env.Errors[0].Code != sim.CodeAuthError || env.Errors[0].Message != "Authentication error" {
			t.Errorf("%s %s: errors %+v, want 10000 Authentication error", d.method, d.path, env.Errors)
		}
	}
	// The zone object lists what the token holds.
	var out struct {
		Result struct {
			Permissions []string       `json:"permissions"`
			Plan        map[string]any `json:"plan"`
		} `json:"result"`
	}
	e.call(ctx, "GET", z, nil, http.StatusOK, &out)
	zone := out.Result
	if got := strings.Join(zone.Permissions, ","); got != "#dns_records:edit,#dns_records:read,#zone:read" {
		t.Errorf("zone permissions = %s", got)
	}
	if zone.Plan["legacy_id"] != "free" || zone.Plan["name"] != "Free Website" {
		t.Errorf("zone plan = %v", zone.Plan)
	}
	if _, err := sim.New(sim.Options{Permissions: []string{"DNS:Delete"}}); err == nil {
		t.Error("an unknown permission group was accepted")
	}
}

// The plan's limits: record quota, comment length, tags, rule count, minimum edge
// TTL and the matches operator, each answered with an error naming the limit.
func TestPlanLimits(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sim.Options{RecordQuota: 3})
	z := "/zones/" + e.zoneID
	for i := range 3 {
		e.post(map[string]any{"type": "A", "name": fmt.Sprintf("h%d", i), "content": "203.0.113.1"})
	}
	env := e.call(ctx, "POST", z+"/dns_records", map[string]any{"type": "A", "name": "h4", "content": "203.0.113.1"}, http.StatusBadRequest, nil)
	if env.Errors[0].Code != sim.CodeRecordQuota || !strings.Contains(env.Errors[0].Message, "quota is 3") {
		t.Errorf("quota: %+v", env.Errors)
	}
	long := strings.Repeat("x", 101)
	env = e.call(ctx, "PATCH", z+"/dns_records/"+e.records()[0].ID, map[string]any{"comment": long}, http.StatusBadRequest, nil)
	if c := env.Errors; len(c) != 1 || c[0].Code != sim.CodeCommentTooLong || !strings.Contains(c[0].Message, "allows 100") {
		t.Errorf("comment: %+v", env.Errors)
	}
	env = e.call(ctx, "PATCH", z+"/dns_records/"+e.records()[0].ID, map[string]any{"tags": []string{"team:web"}}, http.StatusBadRequest, nil)
	if c := env.Errors; len(c) != 1 || c[0].Code != sim.CodeTagsUnavailable {
		t.Errorf("tags: %+v", env.Errors)
	}
	rule := func(expr string, ttl int) map[string]any {
		return map[string]any{"action": "set_cache_settings", "expression": expr,
			"action_parameters": map[string]any{"cache": true, "edge_ttl": map[string]any{"mode": "override_origin", "default": ttl}}}
	}
	cache := z + "/rulesets/phases/http_request_cache_settings/entrypoint"
	env = e.call(ctx, "PUT", cache, map[string]any{"rules": []any{rule(`(http.host eq "a.example.com")`, 3600)}}, http.StatusBadRequest, nil)
	if env.Errors[0].Code != sim.CodeNotEntitled || env.Errors[0].Source.Pointer != "/rules/0/action_parameters/edge_ttl/default" {
		t.Errorf("edge ttl: %+v", env.Errors)
	}
	env = e.call(ctx, "PUT", cache, map[string]any{"rules": []any{rule(`(http.request.uri.path matches "^/a")`, 7200)}}, http.StatusBadRequest, nil)
	if env.Errors[0].Code != sim.CodeNotEntitled || env.Errors[0].Source.Pointer != "/rules/0/expression" {
		t.Errorf("matches: %+v", env.Errors)
	}
	e.call(ctx, "PUT", cache, map[string]any{"rules": []any{rule(`(http.request.uri.path eq "matches ~")`, 7200)}}, http.StatusOK, nil)
	var many []any
	for i := range 11 {
		many = append(many, rule(fmt.Sprintf(`(http.host eq "h%d.example.com")`, i), 7200))
	}
	env = e.call(ctx, "PUT", cache, map[string]any{"rules": many}, http.StatusBadRequest, nil)
	if env.Errors[0].Code != sim.CodeRuleLimit || !strings.Contains(env.Errors[0].Message, "allows 10") {
		t.Errorf("rule count: %+v", env.Errors)
	}
	// Unknown fields are refused.
	bad := rule(`(http.host eq "a.example.com")`, 7200)
	bad["colour"] = "blue"
	env = e.call(ctx, "PUT", cache, map[string]any{"rules": []any{bad}}, http.StatusBadRequest, nil)
	if env.Errors[0].Source.Pointer != "/rules/0/colour" {
		t.Errorf("unknown field: %+v", env.Errors)
	}
	// A Business zone takes all of these.
	b := newEnv(t, sim.Options{Plan: "business"})
	b.call(ctx, "PUT", "/zones/"+b.zoneID+"/rulesets/phases/http_request_cache_settings/entrypoint",
		map[string]any{"rules": []any{rule(`(http.request.uri.path matches "^/a")`, 60)}}, http.StatusOK, nil)
}

// Email Routing's records are read-only: shown with meta.read_only, refused on edit
// and delete, alone or inside a batch.
func TestEmailRoutingReadOnly(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, sim.Options{EmailRouting: []string{testZone}})
	recs := e.records()
	if len(recs) != 5 {
		t.Fatalf("email routing records: %d, want 5 (3 MX, SPF, DKIM)", len(recs))
	}
	z := "/zones/" + e.zoneID
	var raw struct {
		Result []struct {
			ID   string         `json:"id"`
			Meta map[string]any `json:"meta"`
		} `json:"result"`
	}
	e.call(ctx, "GET", z+"/dns_records", nil, http.StatusOK, &raw)
	for _, r := range raw.Result {
		if r.Meta["read_only"] != true {
			t.Errorf("record %s meta = %v", r.ID, r.Meta)
		}
	}
	id := raw.Result[0].ID
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"DELETE", z + "/dns_records/" + id, nil},
		{"PATCH", z + "/dns_records/" + id, map[string]any{"ttl": 300}},
		{"POST", z + "/dns_records/batch", map[string]any{"deletes": []any{map[string]any{"id": id}}}},
	} {
		env := e.call(ctx, c.method, c.path, c.body, http.StatusBadRequest, nil)
		if env.Errors[0].Code != sim.CodeRecordReadOnly {
			t.Errorf("%s %s: %+v", c.method, c.path, env.Errors)
		}
	}
	if n := len(e.records()); n != 5 {
		t.Errorf("records after refused writes: %d", n)
	}
}
