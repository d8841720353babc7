package conformance_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

func requireSpec(t *testing.T) *conformance.Spec {
	t.Helper()
	spec, err := conformance.Default()
	if errors.Is(err, os.ErrNotExist) {
		if conformance.Required() {
			t.Fatalf("the Cloudflare schema must be present in CI: %v", err)
		}
		t.Skipf("Cloudflare schema not found, conformance not checked: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// fixedTransport answers every request with one canned answer.
type fixedTransport struct {
	status int
	body   string
}

func (f fixedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: f.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(f.body)), Request: req}, nil
}

const (
	zone     = "/zones/0123456789abcdef0123456789abcdef"
	okZone   = `{"success":true,"errors":[],"messages":[],"result":{"name":"example.com"}}`
	failBody = `{"success":false,"errors":[{"code":7003,"message":"No route for that URI"}],"messages":[],"result":null}`
	okObject = `{"success":true,"errors":[],"messages":[],"result":{"id":"r1"}}`
)

var exchanges = []struct {
	name         string
	method, path string
	body         string
	invalid      bool
	answer       fixedTransport
	want         string // prefix of the failure's What; "" = conforms
}{
	{"zone without required fields", http.MethodGet, zone, "", false, fixedTransport{200, okZone}, "answer 200"},
	{"record with a bad type", http.MethodGet, zone + "/dns_records/0123456789abcdef0123456789abcdef", "", false,
		fixedTransport{200, `{"success":true,"errors":[],"messages":[],"result":{"id":"x","type":"BOGUS","name":"a","content":"b","proxiable":false,"created_on":"2024-01-01T00:00:00Z","modified_on":"2024-01-01T00:00:00Z"}}`}, "answer 200"},
	{"error without a code", http.MethodGet, zone + "/settings/ssl", "", false,
		fixedTransport{400, `{"success":false,"errors":[{"message":"x"}],"messages":[],"result":null}`}, "answer 400"},
	{"undocumented status", http.MethodGet, "/zones", "", false, fixedTransport{302, `{}`}, "answer 302"},
	{"request with a bad TTL", http.MethodPost, zone + "/dns_records", `{"type":"A","name":"a","content":"192.0.2.1","ttl":5}`, false,
		fixedTransport{400, `{"success":false,"errors":[{"code":9021,"message":"x"}],"messages":[],"result":null}`}, "request"},
	{"bad TTL marked invalid on purpose", http.MethodPost, zone + "/dns_records", `{"type":"A","name":"a","content":"192.0.2.1","ttl":5}`, true,
		fixedTransport{400, `{"success":false,"errors":[{"code":9021,"message":"x"}],"messages":[],"result":null}`}, ""},
	{"a path the schema lacks", http.MethodGet, zone + "/nothing", "", false, fixedTransport{404, failBody}, "no operation in the schema"},
	{"a path the schema lacks, on purpose", http.MethodGet, zone + "/nothing", "", true, fixedTransport{404, failBody}, ""},
	{"on purpose, but not the failure envelope", http.MethodGet, zone + "/nothing", "", true, fixedTransport{404, `{"error":"no"}`}, "answer 404"},
	{"uncovered DNSSEC read", http.MethodGet, zone + "/dnssec", "", false, fixedTransport{200, `{"success":true,"errors":[],"messages":[],"result":{"status":"active"}}`}, ""},
	{"uncovered rule delete", http.MethodDelete, zone + "/rulesets/abc/rules/def", "", false, fixedTransport{200, okObject}, ""},
	{"uncovered, answer outside the envelope", http.MethodPost, zone + "/rulesets/abc/rules", `{"action":"redirect"}`, false, fixedTransport{200, `{"id":"r1"}`}, "answer 200"},
	{"uncovered, error saying success", http.MethodPatch, zone + "/rulesets/abc/rules/def", `{}`, false, fixedTransport{400, `{"success":true,"errors":[],"messages":[],"result":null}`}, "answer 400"},
	{"an injected 503 is not validated", http.MethodGet, "/zones", "", false, fixedTransport{503, `oops`}, ""},
}

// TestTransport proves the validator is live on the client side: answers and
// requests that break the schema are reported, conforming ones are not.
func TestTransport(t *testing.T) {
	spec := requireSpec(t)
	for _, tt := range exchanges {
		t.Run(tt.name, func(t *testing.T) {
			c := conformance.New(spec)
			client := &http.Client{Transport: c.Transport(tt.answer)}
			ctx := context.Background()
			if tt.invalid {
				ctx = conformance.WithInvalidRequest(ctx, "on purpose")
			}
			req, _ := http.NewRequestWithContext(ctx, tt.method, "http://127.0.0.1:1/client/v4"+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer test-token")
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if b, _ := io.ReadAll(resp.Body); string(b) != tt.answer.body {
				t.Errorf("the answer passed on is %q, want %q", b, tt.answer.body)
			}
			checkFailures(t, c.Failures(), tt.want)
			if c.Checked() != 1 {
				t.Errorf("Checked() = %d, want 1", c.Checked())
			}
		})
	}
}

// TestMiddleware: the same exchanges, seen from the server's side.
func TestMiddleware(t *testing.T) {
	spec := requireSpec(t)
	for _, tt := range exchanges {
		t.Run(tt.name, func(t *testing.T) {
			c := conformance.New(spec)
			var reported []conformance.Failure
			c.Report = func(f conformance.Failure) { reported = append(reported, f) }
			var gotBody string
			h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				gotBody = string(b)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.answer.status)
				io.WriteString(w, tt.answer.body)
			}))
			req := httptest.NewRequest(tt.method, "/client/v4"+tt.path, strings.NewReader(tt.body))
			req.Header.Set("Authorization", "Bearer test-token")
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tt.invalid {
				req.Header.Set(conformance.InvalidRequestHeader, "on purpose")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if gotBody != tt.body {
				t.Errorf("the handler read %q, want %q", gotBody, tt.body)
			}
			if rec.Code != tt.answer.status || rec.Body.String() != tt.answer.body {
				t.Errorf("answer changed: %d %q", rec.Code, rec.Body.String())
			}
			checkFailures(t, c.Failures(), tt.want)
			if len(reported) != len(c.Failures()) {
				t.Errorf("Report heard %d failures, Failures() has %d", len(reported), len(c.Failures()))
			}
		})
	}
}

func checkFailures(t *testing.T, fs []conformance.Failure, want string) {
	t.Helper()
	if want == "" {
		for _, f := range fs {
			t.Errorf("unexpected failure: %s", f)
		}
		return
	}
	for _, f := range fs {
		if strings.HasPrefix(f.What, want) {
			if f.Method == "" || !strings.HasPrefix(f.Path, "/client/v4/") || f.Detail == "" {
				t.Errorf("failure does not name method, path and detail: %+v", f)
			}
			return
		}
	}
	t.Errorf("no %q failure reported; got %v", want, fs)
}

// TestMiddlewareSkipsOtherPaths: a simulator's own endpoints are not Cloudflare's.
func TestMiddlewareSkipsOtherPaths(t *testing.T) {
	c := conformance.New(requireSpec(t))
	h := c.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "not JSON") }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/__sim/faults", strings.NewReader("x")))
	if c.Checked() != 0 || len(c.Failures()) != 0 {
		t.Errorf("an /__sim/ exchange was checked: %d, %v", c.Checked(), c.Failures())
	}
}

// TestPatchesAreExplained: every patch and every uncovered operation says why, and
// the uncovered ones where Cloudflare documents them.
func TestPatchesAreExplained(t *testing.T) {
	requireSpec(t) // Load has applied every patch: none is stale
	for _, p := range conformance.Patches() {
		if p.Name == "" || len(p.Reason) < 40 {
			t.Errorf("patch %q lacks a reason: %q", p.Name, p.Reason)
		}
	}
	for _, u := range conformance.UncoveredOperations() {
		if u.Reason == "" || !strings.HasPrefix(u.Source, "https://developers.cloudflare.com/") {
			t.Errorf("uncovered %s %s lacks a reason or a Cloudflare source: %+v", u.Method, u.Path, u)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := conformance.Load(filepath.Join(t.TempDir(), "none.json"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load of a missing file: %v, want os.ErrNotExist", err)
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "clone")
	deep := filepath.Join(repo, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := conformance.Find(deep)
	if want := filepath.Join(root, "shared", "cloudflare-api", "openapi-subset.json"); err != nil || got != want {
		t.Errorf("Find = %q, %v; want %q", got, err, want)
	}
}
