package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/option"

	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

const (
	testToken = "test-token_0123456789abcdefghijklmnopqrs"
	testZone  = "example.com"
)

func TestMain(m *testing.M) {
	// The SDK reads these; tests must not be redirected by a developer's environment.
	for _, k := range []string{"CLOUDFLARE_BASE_URL", "CLOUDFLARE_API_TOKEN", "CLOUDFLARE_API_KEY", "CLOUDFLARE_EMAIL", "CLOUDFLARE_API_USER_SERVICE_KEY", "CLOUDFLARE_CUSTOM_HEADERS"} {
		os.Unsetenv(k)
	}
	os.Exit(m.Run())
}

// testEnv is a simulator on 127.0.0.1 with one zone, an SDK client and a raw HTTP
// client; both clients validate every exchange against the schema when it is
// available (package conformance).
type testEnv struct {
	t      *testing.T
	srv    *sim.Server
	base   string // ends in /client/v4
	zoneID string
	http   *http.Client
	cf     *cloudflare.Client
	conf   *conformance.Checker // nil when the schema is not available (outside CI only)
}

func newEnv(t *testing.T, opts sim.Options, cfOpts ...option.RequestOption) *testEnv {
	t.Helper()
	if opts.Token == "" {
		opts.Token = testToken
	}
	if opts.Zones == nil {
		opts.Zones = []string{testZone}
	}
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatalf("sim.New: %v", err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	e := &testEnv{t: t, srv: srv, base: base}
	var rt http.RoundTripper = http.DefaultTransport.(*http.Transport).Clone()
	spec, err := conformance.Default()
	switch {
	case err == nil:
		e.conf = conformance.New(spec)
		e.conf.Report = func(f conformance.Failure) { t.Errorf("schema conformance: %s", f) }
		rt = e.conf.Transport(rt)
	case errors.Is(err, os.ErrNotExist) && !conformance.Required():
		t.Logf("schema not found, exchanges not validated: %v", err)
	default:
		t.Fatalf("Cloudflare schema: %v", err)
	}
	e.http = &http.Client{Transport: rt}
	all := append([]option.RequestOption{
		option.WithBaseURL(base), option.WithAPIToken(opts.Token), option.WithHTTPClient(e.http),
	}, cfOpts...)
	e.cf = cloudflare.NewClient(all...)
	if len(opts.Zones) > 0 {
		lz, ok := srv.LiveZone(opts.Zones[0])
		if !ok {
			t.Fatalf("zone %s missing", opts.Zones[0])
		}
		e.zoneID = lz.ID
	}
	srv.ResetStats()
	return e
}

// apiResponse is the envelope, decoded loosely for assertions.
type apiResponse struct {
	Success  bool            `json:"success"`
	Errors   []apiMessage    `json:"errors"`
	Messages []apiMessage    `json:"messages"`
	Result   json.RawMessage `json:"result"`
	Info     json.RawMessage `json:"result_info"`
}

type apiMessage struct {
	Code       int          `json:"code"`
	Message    string       `json:"message"`
	ErrorChain []apiMessage `json:"error_chain"`
	Source     *struct {
		Pointer string `json:"pointer"`
	} `json:"source"`
}

// do sends a request with the test token to path (relative to /client/v4) and
// returns the status and decoded envelope.
func (e *testEnv) do(ctx context.Context, method, path string, body any, header http.Header) (int, apiResponse, http.Header) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.(json.RawMessage) // sent as is, even if malformed
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				e.t.Fatal(err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if header == nil {
		req.Header.Set("Authorization", "Bearer "+testToken)
	} else {
		req.Header = header.Clone()
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	var env apiResponse
	if err := json.Unmarshal(b, &env); err != nil {
		e.t.Fatalf("%s %s: answer is not JSON (%v): %s", method, path, err, b)
	}
	if env.Success != (resp.StatusCode < 400) {
		e.t.Errorf("%s %s: status %d with success=%v", method, path, resp.StatusCode, env.Success)
	}
	return resp.StatusCode, env, resp.Header
}

// call is do with the expected status; the result is decoded into out (if non-nil).
func (e *testEnv) call(ctx context.Context, method, path string, body any, wantStatus int, out any) apiResponse {
	e.t.Helper()
	status, env, _ := e.do(ctx, method, path, body, nil)
	if status != wantStatus {
		e.t.Fatalf("%s %s: status %d, want %d; errors %+v", method, path, status, wantStatus, env.Errors)
	}
	if out != nil {
		if err := json.Unmarshal(mustJSON(e.t, env), out); err != nil {
			e.t.Fatalf("decoding %s %s: %v", method, path, err)
		}
	}
	return env
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// records is GET dns_records?per_page=5000 decoded.
func (e *testEnv) records() []wireRecord {
	e.t.Helper()
	var out struct {
		Result []wireRecord `json:"result"`
	}
	e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/dns_records?per_page=5000&order=name", nil, 200, &out)
	return out.Result
}

// wireRecord is the part of a record the tests compare.
type wireRecord struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	Content  string         `json:"content"`
	Priority *int           `json:"priority,omitempty"`
	Data     map[string]any `json:"data,omitempty"`
	Proxied  bool           `json:"proxied"`
	TTL      int            `json:"ttl"`
	Comment  string         `json:"comment,omitempty"`
}

// post creates a record through the raw API and returns it.
func (e *testEnv) post(body map[string]any) wireRecord {
	e.t.Helper()
	var out struct {
		Result wireRecord `json:"result"`
	}
	e.call(context.Background(), http.MethodPost, "/zones/"+e.zoneID+"/dns_records", body, 200, &out)
	return out.Result
}
