package sim_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// serve runs one request through the simulator's handler and returns the status.
func serve(t *testing.T, srv *sim.Server, method, path, contentType, auth, body string) int {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body == "" {
		req.ContentLength = 0
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	return rec.Code
}

// TestSimEndpointsRequireTheToken: with --token set, /__sim/* (state dump, zone
// creation, fault injection, stats) answers 401 without it and with a wrong one, and
// works with it; nothing is changed by a refused request.
func TestSimEndpointsRequireTheToken(t *testing.T) {
	srv, err := sim.New(sim.Options{Token: testToken, Zones: []string{testZone}})
	if err != nil {
		t.Fatal(err)
	}
	good := "Bearer " + testToken
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/__sim/stats", ""},
		{"DELETE", "/__sim/stats", ""},
		{"GET", "/__sim/faults", ""},
		{"POST", "/__sim/faults", `{"status":500,"count":1}`},
		{"DELETE", "/__sim/faults", ""},
		{"GET", "/__sim/zones", ""},
		{"POST", "/__sim/zones", `{"name":"evil.example"}`},
		{"GET", "/__sim/zones/" + testZone, ""},
		{"GET", "/__sim/edge", ""},
	} {
		ct := ""
		if tc.body != "" {
			ct = "application/json"
		}
		for _, auth := range []string{"", "Bearer wrong-token", "Basic " + testToken, testToken} {
			if got := serve(t, srv, tc.method, tc.path, ct, auth, tc.body); got != http.StatusUnauthorized {
				t.Errorf("%s %s with Authorization %q: HTTP %d, want 401", tc.method, tc.path, auth, got)
			}
		}
	}
	if names := srv.ZoneNames(); len(names) != 1 {
		t.Errorf("zones after refused requests = %v, want only %s", names, testZone)
	}
	if got := serve(t, srv, "POST", "/__sim/faults", "application/json", "", `{"status":500,"count":1}`); got != 401 {
		t.Fatalf("fault without token: %d", got)
	}
	// The refused fault was not injected: the API still answers.
	if got := serve(t, srv, "GET", "/client/v4/zones", "", good, ""); got != 200 {
		t.Errorf("GET /zones after a refused fault: HTTP %d, want 200", got)
	}
	if got := serve(t, srv, "GET", "/__sim/zones/"+testZone, "", good, ""); got != 200 {
		t.Errorf("GET /__sim/zones/%s with the token: HTTP %d, want 200", testZone, got)
	}
	if got := serve(t, srv, "POST", "/__sim/zones", "application/json", good, `{"name":"example.org"}`); got != 200 {
		t.Errorf("POST /__sim/zones with the token: HTTP %d, want 200", got)
	}
	if names := srv.ZoneNames(); len(names) != 2 {
		t.Errorf("zones = %v, want 2", names)
	}

	// Without a token the simulator is open, as its API is (any bearer).
	open, err := sim.New(sim.Options{Zones: []string{testZone}})
	if err != nil {
		t.Fatal(err)
	}
	if got := serve(t, open, "GET", "/__sim/stats", "", "", ""); got != 200 {
		t.Errorf("GET /__sim/stats on a simulator without token: HTTP %d, want 200", got)
	}
}

// TestSimRefusesNonJSONWrites: a browser page can send a cross-site POST without a
// CORS preflight only as text/plain, form-urlencoded or multipart; the simulator
// refuses every write not declared application/json, on /__sim/* and on the API, and
// changes nothing.
func TestSimRefusesNonJSONWrites(t *testing.T) {
	srv, err := sim.New(sim.Options{Zones: []string{testZone}}) // no token: the most exposed setup
	if err != nil {
		t.Fatal(err)
	}
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/jsonx"} {
		if got := serve(t, srv, "POST", "/__sim/zones", ct, "", `{"name":"evil.example"}`); got != http.StatusUnsupportedMediaType {
			t.Errorf("POST /__sim/zones as %q: HTTP %d, want 415", ct, got)
		}
		if got := serve(t, srv, "POST", "/__sim/faults", ct, "", `{"status":500}`); got != http.StatusUnsupportedMediaType {
			t.Errorf("POST /__sim/faults as %q: HTTP %d, want 415", ct, got)
		}
		if got := serve(t, srv, "POST", "/client/v4/zones/x/dns_records", ct, "Bearer any-token", `{"type":"A","name":"a","content":"192.0.2.1"}`); got != http.StatusUnsupportedMediaType {
			t.Errorf("POST dns_records as %q: HTTP %d, want 415", ct, got)
		}
	}
	if names := srv.ZoneNames(); len(names) != 1 {
		t.Errorf("zones after refused writes = %v, want only %s", names, testZone)
	}
	if got := serve(t, srv, "GET", "/client/v4/zones", "", "Bearer any-token", ""); got != 200 {
		t.Errorf("GET /zones after refused fault injection: HTTP %d, want 200", got)
	}
	// JSON (with parameters) and bodiless deletes pass.
	if got := serve(t, srv, "POST", "/__sim/zones", "application/json; charset=utf-8", "", `{"name":"example.org"}`); got != 200 {
		t.Errorf("POST /__sim/zones as JSON: HTTP %d, want 200", got)
	}
	if got := serve(t, srv, "DELETE", "/__sim/faults", "", "", ""); got != http.StatusNoContent {
		t.Errorf("DELETE /__sim/faults: HTTP %d, want 204", got)
	}
}
