package cloudflare

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-hclog"

	"github.com/launchready/launchready/model"
)

const testToken = "cfut_test-token-Secret-0123456789"

// seen is one request a test server received.
type seen struct {
	Method, Path, Query string
	Body                string
}

// apiServer is a scripted Cloudflare API on loopback: routes map "METHOD path" (path
// after /client/v4) to handlers; every request is recorded.
type apiServer struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	seen   []seen
	auths  []string
}

func (s *apiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	path := strings.TrimPrefix(r.URL.Path, "/client/v4")
	s.mu.Lock()
	s.seen = append(s.seen, seen{r.Method, path, r.URL.RawQuery, string(body)})
	s.auths = append(s.auths, r.Header.Get("Authorization"))
	h := s.routes[r.Method+" "+path]
	s.mu.Unlock()
	if h == nil {
		writeJSON(w, 404, map[string]any{"success": false, "errors": []any{map[string]any{"code": 7003, "message": "No route for that URI"}}, "messages": []any{}, "result": nil})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	h(w, r)
}

func (s *apiServer) requests() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.seen...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func ok(result any) map[string]any {
	return map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": result}
}

func fail(code int, msg string) map[string]any {
	return map[string]any{"success": false, "errors": []any{map[string]any{"code": code, "message": msg}}, "messages": []any{}, "result": nil}
}

// zoneRoute answers the zone lookup for example.com with id 023e105f4ecef8ad9ca31a8372d0c353.
func zoneRoute(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("name") != "example.com" {
		writeJSON(w, 200, ok([]any{}))
		return
	}
	writeJSON(w, 200, ok([]any{map[string]any{"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "example.com", "status": "active",
		"name_servers": []any{"Ada.NS.cloudflare.com", "bob.ns.cloudflare.com."}, "original_name_servers": []any{"ns1.old-host.net"}}}))
}

// newSDKProvider starts the server and a provider pointed at it (unpaced, token set
// explicitly so no environment variable can redirect the test).
func newSDKProvider(t *testing.T, routes map[string]http.HandlerFunc, opts Options) (*Provider, *apiServer, *bytes.Buffer) {
	t.Helper()
	for _, k := range []string{"CLOUDFLARE_BASE_URL", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_USER_SERVICE_KEY", "CLOUDFLARE_CUSTOM_HEADERS"} {
		t.Setenv(k, "")
	}
	s := &apiServer{t: t, routes: routes}
	if _, ok := routes["GET /zones"]; !ok {
		routes["GET /zones"] = zoneRoute
	}
	// The provider's requests are held against the schema; the scripted answers are
	// partial on purpose (they test what the provider tolerates), so not them.
	var h http.Handler = s
	if c := NewConformanceChecker(t); c != nil {
		c.RequestsOnly = true
		h = c.Middleware(s)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	var logs bytes.Buffer
	opts.BaseURL = srv.URL + "/client/v4"
	opts.Token = testToken
	if opts.RequestsPerSecond == 0 {
		opts.RequestsPerSecond = -1
	}
	opts.Logger = hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Trace})
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return p, s, &logs
}

func TestSDKReadZone(t *testing.T) {
	records := []any{
		map[string]any{"id": "a1", "name": "example.com", "type": "A", "content": "203.0.113.10", "ttl": 1, "proxied": true, "proxiable": true, "comment": "site", "tags": []any{}, "meta": map[string]any{}, "settings": map[string]any{}},
		map[string]any{"id": "m1", "name": "example.com", "type": "MX", "content": "mx1.mail.net", "priority": 10, "ttl": 3600, "proxied": false, "comment": nil},
		map[string]any{"id": "s1", "name": "_sip._tcp.example.com", "type": "SRV", "content": "5 5060 sip.example.com", "priority": 10,
			"data": map[string]any{"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com"}, "ttl": 1},
		map[string]any{"id": "c1", "name": "example.com", "type": "CAA", "content": "0 issue \"letsencrypt.org\"", "data": map[string]any{"flags": 0, "tag": "issue", "value": "letsencrypt.org"}, "ttl": 1},
		map[string]any{"id": "t1", "name": "example.com", "type": "TXT", "content": "\"v=spf1 \" \"-all\"", "ttl": 1},
		map[string]any{"id": "h1", "name": "example.com", "type": "HTTPS", "content": "1 . alpn=\"h2\"", "data": map[string]any{"priority": 1, "target": ".", "value": "alpn=\"h2\""}, "ttl": 1},
	}
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
			page := r.URL.Query().Get("page")
			res := records
			if page != "" && page != "1" {
				res = []any{}
			}
			writeJSON(w, 200, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": res,
				"result_info": map[string]any{"page": 1, "per_page": 5000, "count": len(res), "total_count": len(records)}})
		},
	}
	p, srv, _ := newSDKProvider(t, routes, Options{})
	live, err := p.ReadZone(context.Background(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Record{
		{ID: "s1", Name: "_sip._tcp.example.com", Type: "SRV", Value: "10 5 5060 sip.example.com"},
		{ID: "a1", Name: "example.com", Type: "A", Value: "203.0.113.10", Proxied: true, Comment: "site"},
		{ID: "c1", Name: "example.com", Type: "CAA", Value: `0 issue "letsencrypt.org"`},
		{ID: "h1", Name: "example.com", Type: "HTTPS", Value: `1 . alpn="h2"`},
		{ID: "m1", Name: "example.com", Type: "MX", Value: "10 mx1.mail.net", TTL: 3600},
		{ID: "t1", Name: "example.com", Type: "TXT", Value: "v=spf1 -all"},
	}
	if diff := cmp.Diff(want, live.Records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	// name_servers (not original_name_servers) from the zone lookup, canonical.
	if diff := cmp.Diff([]string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}, live.Nameservers); diff != "" {
		t.Errorf("name servers (-want +got):\n%s", diff)
	}
	// total_count says everything came in the first page: no empty page is fetched.
	wantSeen := []string{"GET /zones?name=example.com&per_page=50", "GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records?per_page=5000"}
	var gotSeen []string
	for _, s := range srv.requests() {
		gotSeen = append(gotSeen, s.Method+" "+s.Path+"?"+s.Query)
	}
	if diff := cmp.Diff(wantSeen, gotSeen); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if p.Requests() != 2 {
		t.Errorf("Requests() = %d, want 2", p.Requests())
	}
}

// Of two zones with the same name, the active one's id and name servers are used; a
// zone without name_servers has none.
func TestSDKZoneNameServers(t *testing.T) {
	tests := []struct {
		name   string
		zones  []any
		wantID string
		wantNS []string
	}{
		{"pending copy and active zone", []any{
			map[string]any{"id": "zp", "name": "example.com", "status": "pending", "name_servers": []any{"new1.ns.cloudflare.com", "new2.ns.cloudflare.com"}},
			map[string]any{"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "example.com", "status": "active", "name_servers": []any{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}},
		}, "023e105f4ecef8ad9ca31a8372d0c353", []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}},
		{"no name_servers field", []any{map[string]any{"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "example.com", "status": "active"}}, "023e105f4ecef8ad9ca31a8372d0c353", nil},
		{"null name_servers", []any{map[string]any{"id": "023e105f4ecef8ad9ca31a8372d0c353", "name": "example.com", "status": "active", "name_servers": nil}}, "023e105f4ecef8ad9ca31a8372d0c353", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			routes := map[string]http.HandlerFunc{
				"GET /zones": func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, ok(tt.zones)) },
				"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
					writeJSON(w, 200, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": []any{},
						"result_info": map[string]any{"page": 1, "per_page": 5000, "count": 0, "total_count": 0}})
				},
			}
			p, _, _ := newSDKProvider(t, routes, Options{})
			live, err := p.ReadZone(context.Background(), "example.com")
			if err != nil {
				t.Fatal(err)
			}
			if live.ID != tt.wantID {
				t.Errorf("zone id = %q, want %q", live.ID, tt.wantID)
			}
			if diff := cmp.Diff(tt.wantNS, live.Nameservers); diff != "" {
				t.Errorf("name servers (-want +got):\n%s", diff)
			}
			if p.Requests() != 2 {
				t.Errorf("Requests() = %d, want 2 (lookup and one page)", p.Requests())
			}
		})
	}
}

// TestSDKListPaging reads 5 records from servers that page differently.
func TestSDKListPaging(t *testing.T) {
	tests := []struct {
		name      string
		cap       int  // the server's largest page
		info      bool // send result_info
		total     bool // with total_count
		wantPages []string
	}{
		{"one page with total_count", 5000, true, true, []string{"per_page=5000"}},
		{"one page, per_page only", 5000, true, false, []string{"per_page=5000"}},
		{"no result_info: empty page ends", 5000, false, false, []string{"per_page=5000", "page=2&per_page=5000"}},
		// Several pages: the lock name is read first, then the listing again (see
		// TestSDKListPagingPinsTheLockName).
		{"server caps per_page at 2", 2, true, false, []string{"per_page=5000", "page=2&per_page=5000", "name.exact=_launchready-lock.example.com&per_page=5000", "per_page=5000", "page=2&per_page=5000", "page=3&per_page=5000"}},
		{"server caps per_page at 5 with total", 5, true, true, []string{"per_page=5000"}},
		{"server caps per_page at 5 without total", 5, true, false, []string{"per_page=5000", "page=2&per_page=5000"}},
		{"server caps at 2 but reports 5000, with total", 2, true, true, []string{"per_page=5000", "name.exact=_launchready-lock.example.com&per_page=5000", "per_page=5000", "page=2&per_page=5000", "page=3&per_page=5000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var all []any
			for i := 0; i < 5; i++ {
				all = append(all, map[string]any{"id": fmt.Sprint(i), "name": fmt.Sprintf("h%d.example.com", i), "type": "A", "content": "192.0.2.1", "ttl": 1})
			}
			routes := map[string]http.HandlerFunc{
				"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
					page := 1
					fmt.Sscan(r.URL.Query().Get("page"), &page)
					all := all
					if name := r.URL.Query().Get("name.exact"); name != "" {
						all = nil // no record has the lock's name
					}
					lo, hi := min((page-1)*tt.cap, len(all)), min(page*tt.cap, len(all))
					env := ok(all[lo:hi])
					if tt.info {
						info := map[string]any{"page": page, "per_page": tt.cap, "count": hi - lo}
						if tt.total && tt.cap == 2 {
							info["per_page"] = 5000 // misreported: only total_count tells the truth
						}
						if tt.total {
							info["total_count"] = len(all)
						}
						env["result_info"] = info
					}
					writeJSON(w, 200, env)
				},
			}
			p, srv, _ := newSDKProvider(t, routes, Options{})
			live, err := p.ReadZone(context.Background(), "example.com")
			if err != nil {
				t.Fatal(err)
			}
			if len(live.Records) != 5 {
				t.Errorf("records = %d, want 5", len(live.Records))
			}
			var got []string
			for _, s := range srv.requests()[1:] {
				got = append(got, s.Query)
			}
			if diff := cmp.Diff(tt.wantPages, got); diff != "" {
				t.Errorf("pages requested (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSDKBatchBody(t *testing.T) {
	var body string
	routes := map[string]http.HandlerFunc{
		"POST /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/batch": func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			body = string(b)
			writeJSON(w, 200, ok(map[string]any{"deletes": []any{}, "patches": []any{}, "puts": []any{}, "posts": []any{}}))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{})
	del := model.Record{ID: "d1", Name: "old.example.com", Type: "CNAME", Value: "x.example.net"}
	mxBefore := model.Record{ID: "m1", Name: "example.com", Type: "MX", Value: "10 mx1.mail.net"}
	mxAfter := model.Record{Name: "example.com", Type: "MX", Value: "20 mx2.mail.net", TTL: 300, Comment: "mail"}
	ops := append([]model.RecordOp{
		{Op: model.OpDelete, Before: &del},
		{Op: model.OpUpdate, Before: &mxBefore, After: &mxAfter},
	}, creates(
		model.Record{Name: "old.example.com", Type: "A", Value: "192.0.2.1", TTL: 300, Proxied: true},
		model.Record{Name: "_sip._tcp.example.com", Type: "SRV", Value: "10 5 5060 sip.example.com"},
		model.Record{Name: "example.com", Type: "CAA", Value: `0 issue "letsencrypt.org"`},
		model.Record{Name: "example.com", Type: "TXT", Value: `a "quoted" value`},
	)...)
	if err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com", ID: "023e105f4ecef8ad9ca31a8372d0c353"}, ops); err != nil {
		t.Fatal(err)
	}
	want := `{
	 "deletes": [{"id": "d1"}],
	 "patches": [{"id": "m1", "name": "example.com", "type": "MX", "content": "mx2.mail.net", "priority": 20, "ttl": 300, "proxied": false, "comment": "mail"}],
	 "posts": [
	  {"name": "old.example.com", "type": "A", "content": "192.0.2.1", "ttl": 1, "proxied": true, "comment": ""},
	  {"name": "example.com", "type": "CAA", "data": {"flags": 0, "tag": "issue", "value": "letsencrypt.org"}, "ttl": 1, "proxied": false, "comment": ""},
	  {"name": "example.com", "type": "TXT", "content": "\"a \\\"quoted\\\" value\"", "ttl": 1, "proxied": false, "comment": ""},
	  {"name": "_sip._tcp.example.com", "type": "SRV", "data": {"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com"}, "ttl": 1, "proxied": false, "comment": ""}
	 ]}`
	var gotV, wantV any
	if err := json.Unmarshal([]byte(body), &gotV); err != nil {
		t.Fatalf("batch body %q: %v", body, err)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantV, gotV); diff != "" {
		t.Errorf("batch body (-want +got):\n%s", diff)
	}
}

func TestSDKBatchError(t *testing.T) {
	routes := map[string]http.HandlerFunc{
		"POST /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/batch": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 400, map[string]any{"success": false, "messages": []any{}, "result": nil, "errors": []any{
				map[string]any{"code": 1004, "message": "DNS Validation Error", "source": map[string]any{"pointer": "/posts/1/content"},
					"error_chain": []any{map[string]any{"code": 9003, "message": "Invalid content"}}}}})
		},
	}
	p, srv, _ := newSDKProvider(t, routes, Options{})
	err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com"}, creates(
		model.Record{Name: "a.example.com", Type: "A", Value: "192.0.2.1"},
		model.Record{Name: "b.example.com", Type: "A", Value: "192.0.2.2"},
	))
	want := "zone example.com: DNS batch failed at create b.example.com A 192.0.2.2; the batch is atomic, so none of its 2 changes were applied: " +
		"POST zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/batch: HTTP 400: DNS Validation Error (code 1004): Invalid content (code 9003) at /posts/1/content"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
	var ce *cf.Error
	if !errors.As(err, &ce) || ce.StatusCode != 400 {
		t.Errorf("errors.As(*cloudflare.Error) failed: %#v", err)
	}
	if n := len(srv.requests()); n != 2 { // zone lookup + one batch, a 400 is not retried
		t.Errorf("requests = %d, want 2", n)
	}
}

// A batch whose first attempt failed with a 5xx and whose retry was refused may have
// been applied by the first attempt: the error must not claim nothing changed.
func TestSDKBatchRetryAfterServerError(t *testing.T) {
	var mu sync.Mutex
	n := 0
	routes := map[string]http.HandlerFunc{
		"POST /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/batch": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			n++
			first := n == 1
			mu.Unlock()
			if first {
				w.Header().Set("Retry-After", "0")
				writeJSON(w, 502, fail(1000, "Bad gateway"))
				return
			}
			writeJSON(w, 400, fail(81058, "posts[0]: An identical record already exists."))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{})
	err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com"}, creates(model.Record{Name: "a.example.com", Type: "A", Value: "192.0.2.1"}))
	want := "zone example.com: DNS batch failed at create a.example.com A 192.0.2.1; the batch is atomic (all 1 changes or none), but this failure does not tell whether it was applied: run plan again to see: " +
		"POST zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/batch: HTTP 400: posts[0]: An identical record already exists. (code 81058) (after an earlier attempt got no answer or a server error)"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant    %s", err, want)
	}
}

func TestSDKSettings(t *testing.T) {
	var patches []string
	var mu sync.Mutex
	patch := func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		patches = append(patches, r.URL.Path+" "+string(b))
		mu.Unlock()
		writeJSON(w, 200, ok(map[string]any{"id": "x", "value": "x", "editable": true}))
	}
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, ok([]any{
				map[string]any{"id": "ssl", "value": "full", "editable": true},
				map[string]any{"id": "always_use_https", "value": "on", "editable": true},
				map[string]any{"id": "min_tls_version", "value": "1.2", "editable": true},
				map[string]any{"id": "security_header", "value": map[string]any{"strict_transport_security": map[string]any{"enabled": true, "max_age": 86400, "include_subdomains": false, "preload": false, "nosniff": true}}},
				map[string]any{"id": "brotli", "value": "on"},
			}))
		},
		"PATCH /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl":             patch,
		"PATCH /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/security_header": patch,
	}
	p, srv, _ := newSDKProvider(t, routes, Options{})
	ctx := context.Background()
	got, err := p.ReadSettings(ctx, "example.com", []string{"ssl", "always_use_https", "min_tls_version", "security_header"})
	if err != nil {
		t.Fatal(err)
	}
	want := &model.Settings{Values: map[string]string{"ssl": "full", "always_use_https": "on", "min_tls_version": "1.2"},
		HSTS: &model.HSTS{Enabled: true, MaxAge: 86400, Nosniff: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d, want 2 (zone lookup + one settings read)", n)
	}
	err = p.WriteSettings(ctx, "example.com", &model.Settings{Values: map[string]string{"ssl": "strict"},
		HSTS: &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true}})
	if err != nil {
		t.Fatal(err)
	}
	wantPatches := []string{
		`/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl {"value":"strict"}`,
		`/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/settings/security_header {"value":{"strict_transport_security":{"enabled":true,"include_subdomains":true,"max_age":31536000,"nosniff":true,"preload":false}}}`,
	}
	if diff := cmp.Diff(wantPatches, patches); diff != "" {
		t.Errorf("PATCH bodies (-want +got):\n%s", diff)
	}
}

func TestSDKRules(t *testing.T) {
	var put string
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/rulesets/phases/http_request_dynamic_redirect/entrypoint": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 404, fail(10003, "could not find entrypoint ruleset in the http_request_dynamic_redirect phase"))
		},
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/rulesets/phases/http_request_cache_settings/entrypoint": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, ok(map[string]any{"id": "rs1", "name": "default", "kind": "zone", "phase": "http_request_cache_settings", "version": "2",
				"rules": []any{map[string]any{"id": "h1", "version": "1", "action": "set_cache_settings", "expression": "true", "enabled": true,
					"action_parameters": map[string]any{"cache": true, "serve_stale": map[string]any{"disable_stale_while_updating": true}}, "logging": map[string]any{"enabled": false}}}}))
		},
		"POST /zones/023e105f4ecef8ad9ca31a8372d0c353/rulesets/rs1/rules": func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			put = string(b)
			writeJSON(w, 200, ok(map[string]any{"id": "rs1", "rules": []any{map[string]any{"id": "h1"}, map[string]any{"id": "n1", "ref": "launchready:cache:assets"}}}))
		},
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/rulesets/phases/http_config_settings/entrypoint": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 403, fail(10000, "Authentication error"))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{})
	ctx := context.Background()
	rules, err := p.ReadRules(ctx, "example.com", model.PhaseRedirect)
	if err != nil || len(rules) != 0 {
		t.Fatalf("unconfigured phase: %v, %v", rules, err)
	}
	if _, err := p.ReadRules(ctx, "example.com", "http_config_settings"); err == nil || !strings.Contains(err.Error(), "Authentication error (code 10000)") {
		t.Errorf("403: error = %v", err)
	}
	rules, err = p.ReadRules(ctx, "example.com", model.PhaseCache)
	if err != nil {
		t.Fatal(err)
	}
	ours := model.Rule{Ref: "launchready:cache:assets", Phase: model.PhaseCache, Expression: `starts_with(http.request.uri.path, "/assets/")`,
		Action: "set_cache_settings", Enabled: true, Cache: &model.CacheAction{EdgeTTL: 2592000}}
	if err := p.WriteRules(ctx, "example.com", model.PhaseCache, append(rules, ours)); err != nil {
		t.Fatal(err)
	}
	// Only launchready's rule is sent (per-rule create, after the hand-made h1).
	want := `{"ref":"launchready:cache:assets","action":"set_cache_settings","expression":"starts_with(http.request.uri.path, \"/assets/\")","enabled":true,
	   "action_parameters":{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000}},"position":{"after":"h1"}}`
	if !jsonEqual(t, want, put) {
		t.Errorf("POST body\n got %s\nwant %s", put, want)
	}
}

func TestSDKRetriesHonourRetryAfter(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings": func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			if n <= 2 {
				w.Header().Set("Retry-After", "0.05")
				writeJSON(w, 429, fail(971, "Please wait and consider throttling your request speed"))
				return
			}
			writeJSON(w, 200, ok([]any{map[string]any{"id": "ssl", "value": "strict"}}))
		},
	}
	p, _, logs := newSDKProvider(t, routes, Options{})
	start := time.Now()
	s, err := p.ReadSettings(context.Background(), "example.com", []string{"ssl"})
	if err != nil {
		t.Fatal(err)
	}
	if s.Values["ssl"] != "strict" {
		t.Errorf("ssl = %q", s.Values["ssl"])
	}
	if el := time.Since(start); el < 100*time.Millisecond {
		t.Errorf("two retries after 50 ms each took %v: Retry-After not honoured", el)
	}
	if p.Requests() != 4 { // zone lookup + 3 attempts
		t.Errorf("Requests() = %d, want 4 (retries counted)", p.Requests())
	}
	if !strings.Contains(logs.String(), "retrying Cloudflare API request") || !strings.Contains(logs.String(), "retry_after=50ms") {
		t.Errorf("retries not logged:\n%s", logs)
	}
}

// A Retry-After longer than the cap (60 s by default) stops at once with the time to
// retry; one within the cap is waited out, with a visible message.
func TestSDKRetryAfterCap(t *testing.T) {
	attempts := 0
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings": func(w http.ResponseWriter, r *http.Request) {
			attempts++
			w.Header().Set("Retry-After", "61")
			writeJSON(w, 429, fail(971, "Please wait and consider throttling your request speed"))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{})
	_, err := p.ReadSettings(context.Background(), "example.com", nil)
	if err == nil || !strings.Contains(err.Error(), "asked to wait 61s before retrying, longer than the 1m0s launchready waits (--max-retry-wait): run the command again after ") {
		t.Fatalf("error = %v, want the cap and the time to retry", err)
	}
	if attempts != 1 {
		t.Errorf("%d attempts, want 1 (no retry past the cap)", attempts)
	}
	calls := 0
	routes = map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings": func(w http.ResponseWriter, r *http.Request) {
			if calls++; calls == 1 {
				w.Header().Set("Retry-After", "0.05")
				writeJSON(w, 429, fail(971, "Please wait and consider throttling your request speed"))
				return
			}
			writeJSON(w, 200, ok([]any{map[string]any{"id": "ssl", "value": "full"}}))
		},
	}
	p, _, logs := newSDKProvider(t, routes, Options{MaxRetryWait: time.Second})
	if _, err := p.ReadSettings(context.Background(), "example.com", []string{"ssl"}); err != nil {
		t.Fatalf("a wait within the cap: %v", err)
	}
	if calls != 2 || !strings.Contains(logs.String(), "retry_after=50ms") {
		t.Errorf("%d calls; logs:\n%s", calls, logs)
	}
}

// A Retry-After longer than the context allows fails at once with the API's 429
// rather than sleeping into the deadline.
func TestSDKRetryAfterBeyondDeadline(t *testing.T) {
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "300")
			writeJSON(w, 429, fail(971, "Please wait and consider throttling your request speed"))
		},
	}
	p, srv, _ := newSDKProvider(t, routes, Options{MaxRetryWait: -1}) // no cap: the deadline decides
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	_, err := p.ReadSettings(ctx, "example.com", nil)
	if err == nil || !strings.Contains(err.Error(), "HTTP 429") || !strings.Contains(err.Error(), "retry after 300s") {
		t.Fatalf("error = %v, want the API's 429 with its Retry-After", err)
	}
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("took %v: waited instead of failing fast", el)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d, want 2 (zone lookup + one attempt)", n)
	}
}

func TestSDKServerErrorRetriesExhausted(t *testing.T) {
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, 502, fail(1000, "Bad gateway"))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{MaxRetries: 2})
	_, err := p.ReadZone(context.Background(), "example.com")
	if err == nil || !strings.Contains(err.Error(), "listing DNS records of example.com: GET zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records (page 1): HTTP 502: Bad gateway (code 1000)") {
		t.Fatalf("error = %v", err)
	}
	if p.Requests() != 4 { // lookup + 1 attempt + 2 retries
		t.Errorf("Requests() = %d, want 4", p.Requests())
	}
}

func TestSDKNoRetries(t *testing.T) {
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 503, fail(1000, "unavailable"))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{MaxRetries: -1})
	if _, err := p.ReadZone(context.Background(), "example.com"); err == nil {
		t.Fatal("want an error")
	}
	if p.Requests() != 2 {
		t.Errorf("Requests() = %d, want 2", p.Requests())
	}
}

// The token reaches the server as a bearer token and appears in no log line and no
// error, whatever happens.
func TestSDKTokenNeverLogged(t *testing.T) {
	routes := map[string]http.HandlerFunc{
		"GET /user/tokens/verify": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, ok(map[string]any{"id": "tok", "status": "active"}))
		},
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "0")
			writeJSON(w, 500, fail(1000, "boom"))
		},
	}
	p, srv, logs := newSDKProvider(t, routes, Options{MaxRetries: 1})
	ctx := context.Background()
	if err := p.VerifyToken(ctx); err != nil {
		t.Fatal(err)
	}
	_, err := p.ReadZone(ctx, "example.com")
	if err == nil {
		t.Fatal("want an error")
	}
	_, err2 := p.ReadZone(ctx, "nope.example")
	for _, text := range []string{logs.String(), err.Error(), fmt.Sprintf("%+v", err), err2.Error()} {
		if strings.Contains(text, testToken) || strings.Contains(text, "Secret") {
			t.Errorf("token leaked in %q", text)
		}
	}
	if logs.Len() == 0 {
		t.Error("nothing was logged at trace level; the check proves nothing")
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for _, a := range srv.auths {
		if a != "Bearer "+testToken {
			t.Errorf("Authorization = %q", a)
		}
	}
}

func TestSDKVerifyToken(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    map[string]any
		wantErr string
	}{
		{"active", 200, ok(map[string]any{"id": "t", "status": "active"}), ""},
		{"disabled", 200, ok(map[string]any{"id": "t", "status": "disabled"}), "token is disabled, not active"},
		{"invalid", 401, fail(1000, "Invalid API Token"), "Invalid API Token (code 1000)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, _ := newSDKProvider(t, map[string]http.HandlerFunc{
				"GET /user/tokens/verify": func(w http.ResponseWriter, r *http.Request) { writeJSON(w, tt.status, tt.body) },
			}, Options{})
			err := p.VerifyToken(context.Background())
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("VerifyToken: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestSDKPacing(t *testing.T) {
	routes := map[string]http.HandlerFunc{
		"GET /user/tokens/verify": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, ok(map[string]any{"id": "t", "status": "active"}))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{RequestsPerSecond: 20, Burst: 1})
	start := time.Now()
	for i := 0; i < 6; i++ {
		if err := p.VerifyToken(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 6 requests at 20/s with no burst: at least 5 gaps of 50 ms.
	if el := time.Since(start); el < 240*time.Millisecond {
		t.Errorf("6 paced requests took %v, want >= 250ms", el)
	}
}

func TestNewOptions(t *testing.T) {
	t.Setenv("CLOUDFLARE_API_TOKEN", "")
	t.Setenv("CLOUDFLARE_API_KEY", "")
	if _, err := New(Options{}); err == nil || !strings.Contains(err.Error(), "CLOUDFLARE_API_TOKEN") {
		t.Errorf("no credentials: error = %v", err)
	}
	if _, err := New(Options{Token: "x", BaseURL: "ftp://example.com"}); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
		t.Errorf("bad base URL: error = %v", err)
	}
	t.Setenv("CLOUDFLARE_BASE_URL", "")
	p, err := New(Options{Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if p.BatchLimit("free") != DefaultBatchLimit || p.BatchLimit("pro") != 3500 || p.BatchLimit("") != DefaultBatchLimit ||
		p.pacer.Limit() != DefaultRequestsPerSecond || p.Kind() != "cloudflare" {
		t.Errorf("defaults: limit free %d, pro %d, rate %v, kind %s", p.BatchLimit("free"), p.BatchLimit("pro"), p.pacer.Limit(), p.Kind())
	}
	if p, _ := New(Options{Token: "x", BatchLimit: 50}); p.BatchLimit("enterprise") != 50 {
		t.Errorf("an explicit batch limit must win over the plan's: got %d", p.BatchLimit("enterprise"))
	}
	// Pacing by default, except towards a local simulator.
	tests := []struct {
		base, env string
		paced     bool
	}{
		{"", "", true},
		{"https://api.cloudflare.com/client/v4", "", true},
		{"http://127.0.0.1:8787/client/v4", "", false},
		{"http://[::1]:8787/client/v4", "", false},
		{"http://localhost:8787/client/v4", "", false},
		{"", "http://127.0.0.2:9/client/v4", false},
		{"https://api.cloudflare.com/client/v4", "http://127.0.0.1:9/client/v4", true},
		{"http://10.0.0.1/client/v4", "", true},
	}
	for _, tt := range tests {
		t.Setenv("CLOUDFLARE_BASE_URL", tt.env)
		p, err := New(Options{Token: "x", BaseURL: tt.base})
		if err != nil {
			t.Fatal(err)
		}
		if paced := !math.IsInf(p.pacer.Limit(), 1); paced != tt.paced {
			t.Errorf("base %q env %q: paced = %v, want %v", tt.base, tt.env, paced, tt.paced)
		}
	}
}

// Against an API without the bulk settings endpoint (end of life 2027-03-31), each
// setting is read on its own over HTTP; ssl_automatic_mode too, when ssl is read.
func TestSDKSettingsWithoutBulk(t *testing.T) {
	one := func(id string, v any) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, ok(map[string]any{"id": id, "value": v, "editable": true}))
		}
	}
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl":                one("ssl", "full"),
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl_automatic_mode": one("ssl_automatic_mode", "custom"),
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/security_header": one("security_header", map[string]any{"strict_transport_security": map[string]any{
			"enabled": true, "max_age": 86400, "include_subdomains": false, "preload": false, "nosniff": true}}),
	}
	p, srv, _ := newSDKProvider(t, routes, Options{})
	got, err := p.ReadSettings(context.Background(), "example.com", []string{"ssl", "security_header"})
	if err != nil {
		t.Fatal(err)
	}
	want := &model.Settings{Values: map[string]string{"ssl": "full"}, HSTS: &model.HSTS{Enabled: true, MaxAge: 86400, Nosniff: true}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	var paths []string
	for _, s := range srv.requests() {
		if strings.Contains(s.Path, "/settings") {
			paths = append(paths, s.Method+" "+s.Path)
		}
	}
	wantPaths := []string{"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings", "GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl", "GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/security_header", "GET /zones/023e105f4ecef8ad9ca31a8372d0c353/settings/ssl_automatic_mode"}
	if diff := cmp.Diff(wantPaths, paths); diff != "" {
		t.Errorf("settings requests (-want +got):\n%s", diff)
	}
}

// A listing of several pages is read at several moments. The records at the lock's
// name are read first, alone, and kept over what the listing (read after them) says at
// that name: a read is never older than its generation, whatever page the generation
// is on.
func TestSDKListPagingPinsTheLockName(t *testing.T) {
	rec := func(id, name, content string) map[string]any {
		return map[string]any{"id": id, "name": name, "type": "TXT", "content": content, "ttl": 60}
	}
	var all []any
	for i := range 4 {
		all = append(all, rec(fmt.Sprint(i), fmt.Sprintf("h%d.example.com", i), "x"))
	}
	// The listing, read after the lock name, shows a newer generation.
	all = append(all, rec("gen-new", "_launchready-lock.example.com", "v=launchready-generation"))
	routes := map[string]http.HandlerFunc{
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("name.exact") == "_launchready-lock.example.com" {
				env := ok([]any{rec("gen-old", "_launchready-lock.example.com", "v=launchready-generation")})
				env["result_info"] = map[string]any{"page": 1, "per_page": 2, "total_count": 1}
				writeJSON(w, 200, env)
				return
			}
			page := 1
			fmt.Sscan(r.URL.Query().Get("page"), &page)
			lo, hi := min((page-1)*2, len(all)), min(page*2, len(all))
			env := ok(all[lo:hi])
			env["result_info"] = map[string]any{"page": page, "per_page": 2, "total_count": len(all)}
			writeJSON(w, 200, env)
		},
	}
	p, srv, _ := newSDKProvider(t, routes, Options{})
	live, err := p.ReadZone(context.Background(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range live.Records {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	if want := []string{"0", "1", "2", "3", "gen-old"}; !slices.Equal(ids, want) {
		t.Errorf("records read: %v, want %v (the generation from the read made first)", ids, want)
	}
	var got []string
	for _, s := range srv.requests()[1:] {
		got = append(got, s.Query)
	}
	want := []string{"per_page=5000", "name.exact=_launchready-lock.example.com&per_page=5000", "per_page=5000", "page=2&per_page=5000", "page=3&per_page=5000"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}
