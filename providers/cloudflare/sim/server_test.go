package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/zones"
	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

func TestTokenVerify(t *testing.T) {
	e := newEnv(t, sim.Options{})
	res, err := e.cf.User.Tokens.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != "active" || len(res.ID) != 32 {
		t.Errorf("verify = %+v", res)
	}
	env := e.call(context.Background(), http.MethodGet, "/user/tokens/verify", nil, 200, nil)
	if len(env.Messages) != 1 || env.Messages[0].Code != 10000 || env.Messages[0].Message != "This API Token is valid and active" {
		t.Errorf("messages = %+v", env.Messages)
	}
}

func TestAuth(t *testing.T) {
	e := newEnv(t, sim.Options{})
	hdr := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	zonePath := "/zones/" + e.zoneID
	tests := []struct {
		name       string
		path       string
		header     http.Header
		invalid    bool // the request breaks the schema's security on purpose
		wantStatus int
		wantCode   int
		wantChain  int
	}{
		{"no credentials", zonePath, hdr(), true, 400, 9106, 0},
		{"basic auth", zonePath, hdr("Authorization", "Basic dXNlcjpwYXNz"), true, 400, 6003, 6111},
		{"empty bearer", zonePath, hdr("Authorization", "Bearer "), false, 400, 6003, 6111},
		{"token with spaces", zonePath, hdr("Authorization", "Bearer a b"), false, 400, 6003, 6111},
		{"wrong token", zonePath, hdr("Authorization", "Bearer wrong-token"), false, 401, 9109, 0},
		{"wrong token on verify", "/user/tokens/verify", hdr("Authorization", "Bearer wrong-token"), false, 401, 1000, 0},
		{"legacy key accepted", zonePath, hdr("X-Auth-Email", "dev@example.com", "X-Auth-Key", testToken), false, 200, 0, 0},
		{"legacy wrong key", zonePath, hdr("X-Auth-Email", "dev@example.com", "X-Auth-Key", "nope"), false, 403, 9103, 0},
		{"legacy bad email", zonePath, hdr("X-Auth-Email", "dev", "X-Auth-Key", testToken), false, 400, 6003, 6102},
		{"legacy key without email", zonePath, hdr("X-Auth-Key", testToken), true, 400, 6003, 6102},
		{"right token", zonePath, hdr("Authorization", "Bearer "+testToken), false, 200, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.invalid {
				ctx = withInvalidRequest(ctx, "credentials missing on purpose")
			}
			status, env, _ := e.do(ctx, http.MethodGet, tt.path, nil, tt.header)
			var code, chain int
			if len(env.Errors) > 0 {
				code = env.Errors[0].Code
				if len(env.Errors[0].ErrorChain) > 0 {
					chain = env.Errors[0].ErrorChain[0].Code
				}
			}
			if diff := cmp.Diff([]int{tt.wantStatus, tt.wantCode, tt.wantChain}, []int{status, code, chain}); diff != "" {
				t.Errorf("status, code, chain (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("any token when none is configured", func(t *testing.T) {
		srv, err := sim.New(sim.Options{Zones: []string{testZone}})
		if err != nil {
			t.Fatal(err)
		}
		base, err := srv.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		c := cloudflare.NewClient(option.WithBaseURL(base), option.WithAPIToken("dev"))
		if _, err := c.User.Tokens.Verify(context.Background()); err != nil {
			t.Errorf("verify with token dev: %v", err)
		}
	})
}

func TestZones(t *testing.T) {
	e := newEnv(t, sim.Options{Zones: []string{"example.com", "example.org", "shop.example.net", "Bücher.de"}})
	ctx := context.Background()
	for _, tt := range []struct {
		query string
		want  []string
	}{
		{"", []string{"example.com", "example.org", "shop.example.net", "xn--bcher-kva.de"}},
		{"name=example.org", []string{"example.org"}},
		{"name=EXAMPLE.ORG.", []string{"example.org"}},
		{"name=contains:example", []string{"example.com", "example.org", "shop.example.net"}},
		{"name=starts_with:shop", []string{"shop.example.net"}},
		{"name=ends_with:.org", []string{"example.org"}},
		{"name=not_equal:example.com", []string{"example.org", "shop.example.net", "xn--bcher-kva.de"}},
		{"name=contains_case_sensitive:EXAMPLE", nil},
		{"status=active&name=example.com", []string{"example.com"}},
		{"status=pending", nil},
		{"match=any&name=example.com&status=pending", []string{"example.com"}},
		{"direction=desc&per_page=5", []string{"xn--bcher-kva.de", "shop.example.net", "example.org", "example.com"}},
		{"per_page=5&page=2", nil},
	} {
		var out struct {
			Result []struct {
				Name string `json:"name"`
			} `json:"result"`
		}
		e.call(ctx, http.MethodGet, "/zones?"+tt.query, nil, 200, &out)
		var got []string
		for _, z := range out.Result {
			got = append(got, z.Name)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.query, diff)
		}
	}

	page, err := e.cf.Zones.List(ctx, zones.ZoneListParams{Name: cloudflare.F("example.org")})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Result) != 1 || page.Result[0].Name != "example.org" || len(page.Result[0].ID) != 32 || page.ResultInfo.PerPage != 20 {
		t.Fatalf("SDK list = %+v", page)
	}
	z, err := e.cf.Zones.Get(ctx, zones.ZoneGetParams{ZoneID: cloudflare.F(page.Result[0].ID)})
	if err != nil {
		t.Fatal(err)
	}
	if z.Name != "example.org" || z.Status != "active" {
		t.Errorf("SDK get = %s %s", z.Name, z.Status)
	}

	for _, tt := range []struct {
		id         string
		wantStatus int
	}{{"0123456789abcdef0123456789abcdef", 404}, {"nope", 400}} {
		_, err := e.cf.Zones.Get(ctx, zones.ZoneGetParams{ZoneID: cloudflare.F(tt.id)})
		ae := asAPIError(t, err)
		if ae.StatusCode != tt.wantStatus || ae.Errors[0].Code != 7003 || !strings.Contains(ae.Errors[0].Message, "/zones/"+tt.id) {
			t.Errorf("zone %s: %d %+v", tt.id, ae.StatusCode, ae.Errors)
		}
	}

	if id, err := e.srv.AddZone("example.com"); err == nil {
		t.Errorf("AddZone of an existing zone returned %s, want an error", id)
	}
	if _, err := e.srv.AddZone("localhost"); err == nil {
		t.Error("AddZone(localhost) succeeded, want an error")
	}
	if diff := cmp.Diff([]string{"example.com", "example.org", "shop.example.net", "xn--bcher-kva.de"}, e.srv.ZoneNames()); diff != "" {
		t.Errorf("ZoneNames (-want +got):\n%s", diff)
	}
}

func TestStats(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	z := "/zones/" + e.zoneID
	r := e.post(map[string]any{"type": "A", "name": "www", "content": "203.0.113.1"})
	e.call(ctx, http.MethodGet, z+"/dns_records", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/dns_records?page=2", nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/dns_records/"+r.ID, nil, 200, nil)
	e.call(ctx, http.MethodGet, z+"/rulesets/phases/http_request_cache_settings/entrypoint", nil, 404, nil)
	e.do(withInvalidRequest(ctx, "no such endpoint"), http.MethodGet, "/nothing/here", nil, nil)
	e.do(withInvalidRequest(ctx, "no such method"), http.MethodDelete, z+"/settings", nil, nil)
	want := map[string]int{
		"POST /zones/{zone_id}/dns_records":                               1,
		"GET /zones/{zone_id}/dns_records":                                2,
		"GET /zones/{zone_id}/dns_records/{dns_record_id}":                1,
		"GET /zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint": 1,
		"GET (no route)":    1,
		"DELETE (no route)": 1,
	}
	if diff := cmp.Diff(want, e.srv.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
	statsReq, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(e.base, "/client/v4")+"/__sim/stats", nil)
	statsReq.Header.Set("Authorization", "Bearer "+testToken) // /__sim/* requires the token when one is set
	resp, err := e.http.Do(statsReq)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]int
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /__sim/stats (-want +got):\n%s", diff)
	}
	e.srv.ResetStats()
	if n := len(e.srv.Stats()); n != 0 {
		t.Errorf("after ResetStats: %d keys", n)
	}
}

func TestNoRoute(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := withInvalidRequest(context.Background(), "undocumented on purpose")
	for _, tt := range []struct {
		method, path string
		wantStatus   int
		wantCode     int
	}{
		{http.MethodGet, "/accounts", 404, sim.CodeNoRoute},
		{http.MethodDelete, "/zones/" + e.zoneID + "/settings", 405, sim.CodeMethodNotAllowed},
		{http.MethodPost, "/zones/" + e.zoneID + "/dns_records/import", 404, sim.CodeNoRoute},
	} {
		status, env, _ := e.do(ctx, tt.method, tt.path, nil, nil)
		if status != tt.wantStatus || env.Errors[0].Code != tt.wantCode {
			t.Errorf("%s %s: %d %+v, want %d %d", tt.method, tt.path, status, env.Errors, tt.wantStatus, tt.wantCode)
		}
	}
	status, env, _ := e.do(withInvalidRequest(context.Background(), "malformed JSON"), http.MethodPost, "/zones/"+e.zoneID+"/dns_records", json.RawMessage(`{"type":`), nil)
	if status != 400 || env.Errors[0].Code != sim.CodeBadRequestBody {
		t.Errorf("malformed JSON: %d %+v", status, env.Errors)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	zonePath := func(e *testEnv) string { return "/zones/" + e.zoneID }
	getZone := func(e *testEnv, opts ...option.RequestOption) error {
		_, err := e.cf.Zones.Get(ctx, zones.ZoneGetParams{ZoneID: cloudflare.F(e.zoneID)}, opts...)
		return err
	}
	const key = "GET /zones/{zone_id}"

	t.Run("429 with Retry-After is retried", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		e.srv.InjectFault(sim.Fault{Method: "GET", PathPrefix: zonePath(e), Status: 429, RetryAfter: 0.05, Count: 1})
		start := time.Now()
		if err := getZone(e); err != nil {
			t.Fatal(err)
		}
		if n := e.srv.Stats()[key]; n != 2 {
			t.Errorf("requests = %d, want 2", n)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("the SDK waited %v, less than Retry-After", d)
		}
	})

	t.Run("persistent 429 surfaces as code 971", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		e.srv.InjectFault(sim.Fault{PathPrefix: "/client/v4" + zonePath(e), Status: 429, RetryAfter: 0.01})
		ae := asAPIError(t, getZone(e, option.WithMaxRetries(1)))
		if ae.StatusCode != 429 || ae.Errors[0].Code != 971 || ae.Response.Header.Get("Retry-After") != "0.01" {
			t.Errorf("got %d %+v Retry-After %q", ae.StatusCode, ae.Errors, ae.Response.Header.Get("Retry-After"))
		}
		if n := e.srv.Stats()[key]; n != 2 {
			t.Errorf("requests = %d, want 2", n)
		}
		e.srv.ClearFaults()
		if err := getZone(e); err != nil {
			t.Errorf("after ClearFaults: %v", err)
		}
	})

	t.Run("5xx is retried", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		e.srv.InjectFault(sim.Fault{Status: 503, RetryAfter: 0.01, Count: 2})
		if err := getZone(e); err != nil {
			t.Fatal(err)
		}
		if n := e.srv.Stats()[key]; n != 3 {
			t.Errorf("requests = %d, want 3", n)
		}
	})

	t.Run("dropped connection is retried", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		e.srv.InjectFault(sim.Fault{Method: "GET", Drop: true, Count: 1})
		if err := getZone(e, option.WithRequestTimeout(5*time.Second)); err != nil {
			t.Fatal(err)
		}
		if n := e.srv.Stats()[key]; n != 2 {
			t.Errorf("requests = %d, want 2", n)
		}
		e.srv.InjectFault(sim.Fault{Drop: true})
		if err := getZone(e, option.WithMaxRetries(0)); err == nil {
			t.Error("request on a dropped connection succeeded")
		} else if errors.As(err, new(*cloudflare.Error)) {
			t.Errorf("a dropped connection gave an API error: %v", err)
		}
	})

	t.Run("latency", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		e.srv.InjectFault(sim.Fault{Latency: 150 * time.Millisecond, Count: 1})
		start := time.Now()
		if err := getZone(e); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Errorf("answered in %v, want at least 150ms", d)
		}
		if n := e.srv.Stats()[key]; n != 1 {
			t.Errorf("requests = %d, want 1", n)
		}
	})

	t.Run("over HTTP", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		admin := strings.TrimSuffix(e.base, "/client/v4") + "/__sim/faults"
		post := func(body string) int {
			req, _ := http.NewRequest(http.MethodPost, admin, bytes.NewBufferString(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testToken)
			resp, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode
		}
		if s := post(`{"method":"GET","path_prefix":"/zones/","status":500,"retry_after":0.01,"latency":"5ms","count":1}`); s != 200 {
			t.Fatalf("POST fault: %d", s)
		}
		if s := post(`[{"status":404}]`); s != 400 {
			t.Errorf("POST fault with status 404: %d, want 400", s)
		}
		if s := post(`{"latency":"soon"}`); s != 400 {
			t.Errorf("POST fault with a bad latency: %d, want 400", s)
		}
		status, _, _ := e.do(ctx, http.MethodGet, zonePath(e), nil, nil)
		if status != 500 {
			t.Errorf("with a 500 fault: status %d", status)
		}
		if s := post(`{"status":429}`); s != 200 {
			t.Fatal(s)
		}
		req, _ := http.NewRequest(http.MethodDelete, admin, nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if status, _, _ := e.do(ctx, http.MethodGet, zonePath(e), nil, nil); status != 200 {
			t.Errorf("after DELETE /__sim/faults: status %d", status)
		}
	})
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, sim.Options{RateLimit: 2, RateLimitWindow: 2 * time.Second})
	ctx := context.Background()
	path := "/zones/" + e.zoneID
	for i := 0; i < 2; i++ {
		status, _, h := e.do(ctx, http.MethodGet, path, nil, nil)
		if status != 200 || h.Get("Ratelimit") == "" {
			t.Fatalf("request %d: status %d Ratelimit %q", i, status, h.Get("Ratelimit"))
		}
	}
	status, env, h := e.do(ctx, http.MethodGet, path, nil, nil)
	ra, _ := strconv.Atoi(h.Get("Retry-After"))
	if status != 429 || env.Errors[0].Code != 971 || ra < 1 || ra > 2 {
		t.Errorf("third request: %d %+v Retry-After %q", status, env.Errors, h.Get("Retry-After"))
	}
	// another credential has its own budget
	status, _, _ = e.do(ctx, http.MethodGet, path, nil, http.Header{"X-Auth-Email": {"a@example.com"}, "X-Auth-Key": {testToken}})
	if status != 200 {
		t.Errorf("other credential: status %d", status)
	}
}

func TestStatePersistence(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.json")
	e := newEnv(t, sim.Options{StatePath: path})
	e.post(map[string]any{"type": "A", "name": "@", "content": "203.0.113.1", "proxied": true, "comment": "site"})
	e.post(map[string]any{"type": "SRV", "name": "_sip._tcp", "data": map[string]any{"priority": 1, "weight": 2, "port": 5060, "target": "sip.example.com"}})
	e.post(map[string]any{"type": "TXT", "name": "@", "content": `"` + strings.Repeat("d", 300) + `"`})
	e.call(ctx, http.MethodPatch, "/zones/"+e.zoneID+"/settings/ssl", map[string]any{"value": "strict"}, 200, nil)
	e.putRules(model.PhaseRedirect, redirectRule("launchready:redirect:www", 301))
	before, _ := e.srv.LiveZone(testZone)
	if err := e.srv.Close(); err != nil {
		t.Fatal(err)
	}

	again, err := sim.New(sim.Options{StatePath: path, Zones: []string{testZone, "example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	after, ok := again.LiveZone(testZone)
	if !ok {
		t.Fatal("zone lost across restart")
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("state across restart (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"example.com", "example.org"}, again.ZoneNames()); diff != "" {
		t.Errorf("zones (-want +got):\n%s", diff)
	}

	t.Run("corrupt file", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := sim.New(sim.Options{StatePath: bad}); err == nil {
			t.Error("New with a corrupt state file succeeded")
		}
	})

	t.Run("a write that cannot be saved is rolled back", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "gone")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, sim.Options{StatePath: filepath.Join(dir, "state.json")})
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		status, env, _ := e.do(ctx, http.MethodPost, "/zones/"+e.zoneID+"/dns_records", map[string]any{"type": "A", "name": "x", "content": "203.0.113.5"}, nil)
		if status != 500 || env.Errors[0].Code != sim.CodeStateNotSaved {
			t.Errorf("status %d %+v, want 500 %d", status, env.Errors, sim.CodeStateNotSaved)
		}
		if lz, _ := e.srv.LiveZone(testZone); len(lz.Records) != 0 {
			t.Errorf("unsaved record kept: %+v", lz.Records)
		}
	})
}
