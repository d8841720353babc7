package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// APIPrefix marks the Cloudflare API: only exchanges whose path contains it are
// checked (a simulator's /__sim/* endpoints are not Cloudflare's).
const APIPrefix = "/client/v4/"

// maxDetail bounds a Failure's Detail: a body against a oneOf of 23 record types
// explains itself at length.
const maxDetail = 4000

// Failure is one exchange that does not conform.
type Failure struct {
	Method string `json:"method"`
	Path   string `json:"path"` // without the query
	// What failed: "request", "answer 400", "no operation in the schema", …
	What   string `json:"what"`
	Detail string `json:"detail"`
}

func (f Failure) String() string {
	return fmt.Sprintf("%s %s: %s: %s", f.Method, f.Path, f.What, f.Detail)
}

// Checker validates exchanges against a Spec and collects the failures. Wrap a
// client's transport with Transport, or a server's handler with Middleware. Its
// methods are safe for concurrent use.
type Checker struct {
	spec *Spec
	// Report, when set, is also called with every failure as it is found (e.g. a
	// test's Errorf, or a log line). Set it before the first exchange.
	Report func(Failure)
	// RequestsOnly, when set, validates requests but not answers: for a scripted
	// test server whose answers are partial on purpose (a zone without name_servers,
	// a record without created_on), where only the client's requests are on trial.
	RequestsOnly bool

	mu       sync.Mutex
	failures []Failure
	seen     map[string]int // operationId (or "uncovered: METHOD PATH") → exchanges
}

// New returns a Checker for spec.
func New(spec *Spec) *Checker {
	return &Checker{spec: spec, seen: map[string]int{}}
}

// Failures returns the failures found so far, in order.
func (c *Checker) Failures() []Failure {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Failure(nil), c.failures...)
}

// Covered returns how many exchanges were validated per operation id; exchanges on
// an Uncovered operation count under "uncovered: METHOD PATH".
func (c *Checker) Covered() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.seen))
	for k, v := range c.seen {
		out[k] = v
	}
	return out
}

// Checked is the number of API exchanges seen.
func (c *Checker) Checked() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.seen {
		n += v
	}
	return n
}

func (c *Checker) fail(f Failure) {
	c.mu.Lock()
	c.failures = append(c.failures, f)
	c.mu.Unlock()
	if c.Report != nil {
		c.Report(f)
	}
}

func (c *Checker) count(key string) {
	c.mu.Lock()
	c.seen[key]++
	c.mu.Unlock()
}

// InvalidRequestHeader marks a request sent malformed on purpose (to check a
// server's answer to it), with the reason as its value: the request is not
// validated, its answer still is. It crosses process boundaries; in-process clients
// may use WithInvalidRequest instead. launchready itself never sends it.
const InvalidRequestHeader = "Launchready-Conformance-Invalid-Request"

type invalidRequestKey struct{}

// WithInvalidRequest marks the requests sent with ctx through a Transport as
// malformed on purpose (see InvalidRequestHeader).
func WithInvalidRequest(ctx context.Context, why string) context.Context {
	return context.WithValue(ctx, invalidRequestKey{}, why)
}

func markedInvalid(r *http.Request) bool {
	if why, _ := r.Context().Value(invalidRequestKey{}).(string); why != "" {
		return true
	}
	return r.Header.Get(InvalidRequestHeader) != ""
}

// exchange is one request and its answer, as seen by a Transport or Middleware.
type exchange struct {
	req      *http.Request // its Body is not read
	body     []byte
	status   int // 0: no answer (dropped connection)
	header   http.Header
	answer   []byte
	sentBody bool
}

// check validates one API exchange and records its failures.
func (c *Checker) check(x exchange) {
	req := x.req
	fail := func(what string, err error) {
		c.fail(Failure{Method: req.Method, Path: req.URL.Path, What: what, Detail: truncate([]byte(err.Error()), maxDetail)})
	}
	answerWhat := func() string { return fmt.Sprintf("answer %d %s", x.status, truncate(x.answer, 400)) }
	invalid := markedInvalid(req)

	// Route as if the request went to the schema's server.
	rr := req.Clone(req.Context())
	u := *req.URL
	u.Scheme, u.Host = "https", "api.cloudflare.com"
	rr.URL, rr.Host, rr.RequestURI = &u, u.Host, ""
	rr.Body = io.NopCloser(bytes.NewReader(x.body))
	route, params, rerr := c.spec.router.FindRoute(rr)
	if rerr != nil {
		if un := uncoveredFor(req.Method, req.URL.Path); un != nil {
			c.count("uncovered: " + un.Method + " " + un.Path)
			if !invalid && len(x.body) > 0 && !json.Valid(x.body) {
				fail("request", errors.New("body is not JSON"))
			}
			if x.status != 0 && !c.RequestsOnly && answerException(nil, req, x.status) == "" {
				if err := c.checkEnvelope(x.status, x.answer); err != nil {
					fail(answerWhat(), err)
				}
			}
			return
		}
		c.count("no operation")
		if !invalid {
			fail("no operation in the schema", rerr)
		}
		// An undocumented request (sent on purpose): its answer must still be
		// Cloudflare's failure envelope.
		if x.status != 0 && !c.RequestsOnly {
			if err := c.checkEnvelope(x.status, x.answer); err != nil {
				fail(answerWhat(), err)
			}
		}
		return
	}
	c.count(route.Operation.OperationID)
	opts := &openapi3filter.Options{AuthenticationFunc: authFunc, IncludeResponseStatus: true, MultiError: true,
		SkipSettingDefaults: true, SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()}}
	in := &openapi3filter.RequestValidationInput{Request: rr, PathParams: params, Route: route, Options: opts}
	if !invalid {
		if err := openapi3filter.ValidateRequest(req.Context(), in); err != nil {
			fail("request", err)
		}
	}
	if x.status == 0 || c.RequestsOnly || answerException(route, req, x.status) != "" {
		return
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.status, Header: x.header,
		Body: io.NopCloser(bytes.NewReader(x.answer)), Options: opts}
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		fail(answerWhat(), err)
	}
}

// checkEnvelope validates an answer outside the schema's operations against
// Cloudflare's common envelope: a success (2xx) against
// dns-records_api-response-single, anything else against
// dns-records_api-response-common-failure.
func (c *Checker) checkEnvelope(status int, body []byte) error {
	name := "dns-records_api-response-common-failure"
	if status/100 == 2 {
		name = "dns-records_api-response-single"
	}
	ref := c.spec.doc.Components.Schemas[name]
	if ref == nil || ref.Value == nil {
		return errors.New("the schema lacks " + name)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return ref.Value.VisitJSON(v, openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails())
}

func authFunc(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	h := in.RequestValidationInput.Request.Header
	switch s := in.SecurityScheme; s.Type {
	case "http":
		if strings.EqualFold(s.Scheme, "bearer") && strings.HasPrefix(h.Get("Authorization"), "Bearer ") {
			return nil
		}
	case "apiKey":
		if h.Get(s.Name) != "" {
			return nil
		}
	}
	return fmt.Errorf("security scheme %s not satisfied", in.SecuritySchemeName)
}

// The answers not validated, each with its reason (see answerException).
const (
	ExceptionServerError = "5xx answers come from injected faults (or a failed state save); the schema documents no 5xx"
	ExceptionThrottled   = "Cloudflare's throttling answer carries code 971 (FACTS.md §7), below the schema's minimum of 1000 for message codes"
	ExceptionDryRun      = "dry_run=true answers result:null as the SDK documents (PhaseUpdateParams.DryRun); the 2024 schema has no dry_run"
)

// answerException names the documented reason an answer is not validated, or "".
// route is nil for an Uncovered operation.
func answerException(route *routers.Route, req *http.Request, status int) string {
	switch {
	case status >= 500:
		return ExceptionServerError
	case status == http.StatusTooManyRequests:
		return ExceptionThrottled
	case route != nil && route.Operation.OperationID == "updateZoneEntrypointRuleset" && req.URL.Query().Get("dry_run") == "true":
		return ExceptionDryRun
	}
	return ""
}

// Uncovered is an operation of Cloudflare's API that launchready uses but the
// 2024-08-06 subset does not describe. Its requests must carry JSON (when they have a
// body) and its answers Cloudflare's common envelope; nothing more is checked.
type Uncovered struct {
	Method, Path string // Path is relative to /client/v4, with {parameters}
	Reason       string
	Source       string // where Cloudflare documents it
	re           *regexp.Regexp
}

// UncoveredOperations lists the operations the subset lacks, which a request may use
// without failing "no operation in the schema". Any other path the schema does not
// have is a failure.
func UncoveredOperations() []Uncovered { return append([]Uncovered(nil), uncovered...) }

var uncovered = func() []Uncovered {
	ops := []Uncovered{
		{Method: http.MethodGet, Path: "/zones/{zone_id}/dnssec",
			Reason: "the delegation check reads the zone's DNSSEC status (the SDK's DNS.DNSSEC.Get); the subset was cut without the DNSSEC operations",
			Source: "https://developers.cloudflare.com/api/go/resources/dns/subresources/dnssec/methods/get"},
		{Method: http.MethodPatch, Path: "/zones/{zone_id}/dnssec",
			Reason: "the simulator serves DNSSEC edits (tests and scripts turn DNSSEC on); not in the subset",
			Source: "https://developers.cloudflare.com/api/typescript/resources/dns/subresources/dnssec/"},
		{Method: http.MethodPost, Path: "/zones/{zone_id}/rulesets/{ruleset_id}/rules",
			Reason: "per-rule writes (Create a zone ruleset rule) keep hand-made rules of a phase untouched; the subset has only whole-ruleset operations",
			Source: "https://developers.cloudflare.com/ruleset-engine/basic-operations/add-rule-phase-rulesets/"},
		{Method: http.MethodPatch, Path: "/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}",
			Reason: "per-rule edit (Update a zone ruleset rule); not in the subset",
			Source: "https://developers.cloudflare.com/ruleset-engine/basic-operations/add-rule-phase-rulesets/"},
		{Method: http.MethodDelete, Path: "/zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}",
			Reason: "per-rule delete (Delete a zone ruleset rule); not in the subset",
			Source: "https://developers.cloudflare.com/ruleset-engine/basic-operations/add-rule-phase-rulesets/"},
	}
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for i := range ops {
		q := regexp.QuoteMeta(param.ReplaceAllString(ops[i].Path, "\x00"))
		ops[i].re = regexp.MustCompile("^" + strings.ReplaceAll(q, "\x00", `[^/]+`) + "$")
	}
	return ops
}()

// uncoveredFor finds the Uncovered operation of a request path (which holds the
// /client/v4 prefix), or nil.
func uncoveredFor(method, path string) *Uncovered {
	_, rel, ok := strings.Cut(path, strings.TrimSuffix(APIPrefix, "/"))
	if !ok {
		return nil
	}
	for i := range uncovered {
		if uncovered[i].Method == method && uncovered[i].re.MatchString(rel) {
			return &uncovered[i]
		}
	}
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
