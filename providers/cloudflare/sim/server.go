package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

// apiPrefix is where the API is served, as on api.cloudflare.com.
const apiPrefix = "/client/v4"

// maxBody bounds request bodies (a 3,500-record batch is well under it).
const maxBody = 16 << 20

// Options configures a simulator. The zero value serves an empty account to any
// bearer token, in memory.
type Options struct {
	// Token is the accepted API token (bearer, or legacy X-Auth-Key); "" accepts any
	// well-formed non-empty token.
	Token string
	// Zones are created at start (existing ones, e.g. loaded from StatePath, are kept).
	Zones []string
	// BatchLimit is the most record operations one batch request may carry; 0 means
	// the plan's (Free 200, paid plans 3,500).
	BatchLimit int
	// Plan is the zones' plan: "free" (default), "pro", "business" or "enterprise". It
	// shows in the zone object's plan and sets the limits the simulator enforces
	// (cfplan.Limits): record quota, batch size, comment length, tags, rule counts,
	// minimum edge TTL, the matches operator.
	Plan string
	// RecordQuota overrides the plan's record quota (0 = the plan's; e.g. 1000 for a
	// Free zone created before September 2024).
	RecordQuota int
	// Permissions are the permission groups the accepted token holds, as the
	// dashboard's token editor names them ("Zone:Read", "DNS:Edit"; see
	// cfplan.Groups). nil = every group. A request needing a group the token lacks
	// answers 403 code 10000. The legacy key holds every group.
	Permissions []string
	// EmailRouting lists zones with Email Routing on: they get the MX, SPF and DKIM
	// records Email Routing adds, read-only (meta.read_only) as the API marks them.
	EmailRouting []string
	// StatePath, when set, persists the state as JSON: loaded at start, saved after
	// every write. "" keeps everything in memory.
	StatePath string
	// EdgeInfo, when set, is served at GET /__sim/edge: where the simulated edge (DNS
	// server, HTTP and HTTPS front ends, its CA) listens, so `launchready verify` can
	// find it from CLOUDFLARE_BASE_URL alone.
	EdgeInfo func() any
	// Logger receives one debug line per request (never credentials); nil discards.
	Logger hclog.Logger
	// RateLimit, when > 0, allows that many API requests per RateLimitWindow per
	// credential and answers the rest with 429, code 971 and a Retry-After of the
	// seconds left in the window (Cloudflare: 1,200 per 5 minutes).
	RateLimit int
	// RateLimitWindow is the rate limit's fixed window; 0 means 10 seconds, short so
	// that Retry-After stays small.
	RateLimitWindow time.Duration
	// Conformance, when set, validates every /client/v4/ request and answer against
	// Cloudflare's schema (package conformance's middleware wraps the handler) and
	// serves what failed at GET /__sim/conformance. nil checks nothing.
	Conformance *conformance.Checker
}

// DefaultBatchLimit is Options.BatchLimit's default.
const DefaultBatchLimit = 200

// Server is a running (or ready to run) simulator. Its methods are safe for
// concurrent use.
type Server struct {
	opts    Options
	log     hclog.Logger
	stats   *stats
	faults  *faults
	limiter *rateLimiter
	handler http.Handler

	mu        sync.Mutex // guards st and lastSaved
	st        *state
	lastSaved []byte // the state file's current contents (StatePath only)

	srvMu   sync.Mutex
	httpSrv *http.Server
}

// New builds a simulator: it loads Options.StatePath if set and creates
// Options.Zones.
func New(opts Options) (*Server, error) {
	if err := opts.accountOptions(); err != nil {
		return nil, err
	}
	if opts.BatchLimit == 0 {
		opts.BatchLimit = planLimits(opts.Plan).Batch
	}
	if opts.BatchLimit < 0 {
		return nil, fmt.Errorf("batch limit %d: must be positive", opts.BatchLimit)
	}
	if opts.RateLimit < 0 {
		return nil, fmt.Errorf("rate limit %d: must be >= 0", opts.RateLimit)
	}
	if opts.RateLimitWindow == 0 {
		opts.RateLimitWindow = 10 * time.Second
	}
	s := &Server{opts: opts, log: opts.Logger, stats: newStats(), faults: &faults{}}
	if s.log == nil {
		s.log = hclog.NewNullLogger()
	}
	if opts.RateLimit > 0 {
		s.limiter = &rateLimiter{limit: opts.RateLimit, window: opts.RateLimitWindow, now: time.Now, windows: map[string]*rlWindow{}}
	}
	s.st = &state{Version: stateVersion, Zones: []*zone{}}
	if opts.StatePath != "" {
		st, b, err := loadState(opts.StatePath)
		if err != nil {
			return nil, err
		}
		s.st, s.lastSaved = st, b
	}
	added := false
	for _, name := range opts.Zones {
		if c, err := model.CanonicalZone(name); err == nil && s.st.zoneByName(c) != nil {
			continue
		}
		if _, err := s.st.addZone(name, s.now()); err != nil {
			return nil, fmt.Errorf("creating simulator zone: %w", err)
		}
		added = true
	}
	for _, name := range opts.EmailRouting {
		on, err := s.st.enableEmailRouting(name, s.now())
		if err != nil {
			return nil, fmt.Errorf("email routing: %w", err)
		}
		added = added || on
	}
	if added || (opts.StatePath != "" && s.lastSaved == nil) {
		s.mu.Lock()
		e := s.persistLocked()
		s.mu.Unlock()
		if e != nil {
			return nil, fmt.Errorf("saving simulator state: %s", e.Errors[0].Message)
		}
	}
	s.handler = s.routes()
	if opts.Conformance != nil {
		s.handler = opts.Conformance.Middleware(s.handler)
	}
	return s, nil
}

func (s *Server) now() time.Time { return time.Now().UTC() }

// Handler serves the API under /client/v4/ and the simulator's own endpoints under
// /__sim/ (see the package documentation).
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background. It returns
// the API base URL, ending in /client/v4, for option.WithBaseURL or
// CLOUDFLARE_BASE_URL.
func (s *Server) Start(addr string) (string, error) {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.httpSrv != nil {
		return "", errors.New("simulator already started")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("starting simulator: %w", err)
	}
	s.httpSrv = &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: s.log.StandardLogger(&hclog.StandardLoggerOptions{InferLevels: true})}
	go func(srv *http.Server) {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("simulator stopped", "error", err)
		}
	}(s.httpSrv)
	base := "http://" + ln.Addr().String() + apiPrefix
	s.log.Info("Cloudflare API simulator listening", "base_url", base)
	return base, nil
}

// Close stops a started server (open connections are closed). It is a no-op when
// Start was never called.
func (s *Server) Close() error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.httpSrv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.httpSrv.Shutdown(ctx)
	if err != nil {
		err = s.httpSrv.Close()
	}
	s.httpSrv = nil
	return err
}

// AddZone creates a zone (active, default settings, no records) and returns its id.
func (s *Server) AddZone(name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, err := s.st.addZone(name, s.now())
	if err != nil {
		return "", err
	}
	if e := s.persistLocked(); e != nil {
		return "", fmt.Errorf("adding zone %s: %s", name, e.Errors[0].Message)
	}
	return z.ID, nil
}

// ZoneNames returns the zones' canonical names, sorted.
func (s *Server) ZoneNames() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.zoneNames()
}

// Stats returns the request counts by endpoint, e.g.
// {"GET /zones/{zone_id}/dns_records": 3}.
func (s *Server) Stats() map[string]int { return s.stats.snapshot() }

// ResetStats zeroes the request counts.
func (s *Server) ResetStats() { s.stats.reset() }

// InjectFault adds a fault (see Fault). An invalid fault (e.g. status 404) is ignored
// and logged.
func (s *Server) InjectFault(f Fault) {
	if err := f.validate(); err != nil {
		s.log.Warn("ignoring invalid fault", "error", err)
		return
	}
	s.faults.add(f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.faults.clear() }

// route is one API endpoint: a ServeMux pattern relative to /client/v4.
type route struct {
	pattern string
	handler http.HandlerFunc
}

func (s *Server) apiRoutes() []route {
	return []route{
		{"GET /user/tokens/verify", s.handleVerify},
		{"GET /zones", s.handleListZones},
		{"GET /zones/{zone_id}", s.handleGetZone},
		{"GET /zones/{zone_id}/dnssec", s.handleGetDNSSEC},
		{"PATCH /zones/{zone_id}/dnssec", s.handlePatchDNSSEC},
		{"GET /zones/{zone_id}/dns_records", s.handleListRecords},
		{"POST /zones/{zone_id}/dns_records", s.handleCreateRecord},
		{"POST /zones/{zone_id}/dns_records/batch", s.handleBatch},
		{"GET /zones/{zone_id}/dns_records/export", s.handleExport},
		{"POST /zones/{zone_id}/dns_records/import", s.handleImport},
		{"GET /zones/{zone_id}/dns_records/{dns_record_id}", s.handleGetRecord},
		{"PUT /zones/{zone_id}/dns_records/{dns_record_id}", s.handleWriteRecord(modePut)},
		{"PATCH /zones/{zone_id}/dns_records/{dns_record_id}", s.handleWriteRecord(modePatch)},
		{"DELETE /zones/{zone_id}/dns_records/{dns_record_id}", s.handleDeleteRecord},
		{"GET /zones/{zone_id}/settings", s.handleGetSettings},
		{"PATCH /zones/{zone_id}/settings", s.handlePatchSettings},
		{"GET /zones/{zone_id}/settings/{setting_id}", s.handleGetSetting},
		{"PATCH /zones/{zone_id}/settings/{setting_id}", s.handlePatchSetting},
		{"GET /zones/{zone_id}/rulesets", s.handleListRulesets},
		{"GET /zones/{zone_id}/rulesets/{ruleset_id}", s.handleGetRuleset},
		{"PUT /zones/{zone_id}/rulesets/{ruleset_id}", s.handlePutRuleset},
		{"POST /zones/{zone_id}/rulesets/{ruleset_id}/rules", s.handleRuleWrite(ruleCreate)},
		{"PATCH /zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}", s.handleRuleWrite(ruleEdit)},
		{"DELETE /zones/{zone_id}/rulesets/{ruleset_id}/rules/{rule_id}", s.handleRuleWrite(ruleDelete)},
		{"GET /zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint", s.handleGetEntrypoint},
		{"PUT /zones/{zone_id}/rulesets/phases/{ruleset_phase}/entrypoint", s.handlePutEntrypoint},
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.apiRoutes() {
		method, path, _ := strings.Cut(rt.pattern, " ")
		mux.Handle(method+" "+apiPrefix+path, s.wrap(rt.pattern, rt.handler))
	}
	mux.Handle(apiPrefix+"/", s.wrap("", s.noRoute(mux)))
	mux.HandleFunc("GET /__sim/edge", func(w http.ResponseWriter, r *http.Request) {
		if s.opts.EdgeInfo == nil {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "this simulator runs no edge"})
			return
		}
		writeJSON(w, http.StatusOK, s.opts.EdgeInfo())
	})
	mux.HandleFunc("GET /__sim/stats", s.handleStats)
	mux.HandleFunc("DELETE /__sim/stats", func(w http.ResponseWriter, r *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__sim/faults", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, s.faults.snapshot()) })
	mux.HandleFunc("POST /__sim/faults", s.handleAddFaults)
	mux.HandleFunc("DELETE /__sim/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /__sim/conformance", s.handleConformance)
	mux.HandleFunc("GET /__sim/zones", s.handleSimZones)
	mux.HandleFunc("POST /__sim/zones", s.handleSimAddZone)
	mux.HandleFunc("GET /__sim/zones/{name}", s.handleSimLiveZone)
	mux.HandleFunc("PATCH /__sim/zones/{name}", s.handleSimZoneDelegation)
	return s.guard(mux)
}

// statusWriter remembers the status written, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// discardWriter swallows an answer (ReplyLost faults).
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// loseReply closes the connection of w without an answer.
func loseReply(w *statusWriter) {
	if conn, _, err := http.NewResponseController(w.ResponseWriter).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}

// Unwrap lets http.ResponseController reach the connection (used by Drop faults).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap runs what every API request goes through, in order: counting, injected
// faults, authentication, the rate limit, then the endpoint.
func (s *Server) wrap(pattern string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.stats.count(statsKey(r.Method, pattern))
		w := &statusWriter{ResponseWriter: rw}
		defer func() {
			s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "status", w.status, "duration", time.Since(start))
		}()
		if f, ok := s.faults.take(r.Method, r.URL.Path); ok {
			s.log.Debug("injecting fault", "method", r.Method, "path", r.URL.Path, "status", f.Status, "drop", f.Drop, "latency", f.Latency, "reply_lost", f.ReplyLost)
			if f.ReplyLost {
				// Serve the request (its writes are committed), then lose the answer:
				// the client sees a connection closed with no reply.
				defer loseReply(w)
				w = &statusWriter{ResponseWriter: &discardWriter{h: http.Header{}}}
			} else if f.apply(w, r) {
				return
			}
		}
		cred, e := s.authenticate(r, pattern == "GET /user/tokens/verify")
		if e != nil {
			writeError(w, e)
			return
		}
		if s.limiter != nil && !s.limiter.check(w, cred.key) {
			return
		}
		if e := s.authorize(pattern, r, cred); e != nil {
			writeError(w, e)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), credentialKey{}, cred)))
	})
}

// noRoute answers requests that match no endpoint: 405 when the path exists with
// another method, 404 otherwise, both with Cloudflare's envelope.
func (s *Server) noRoute(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, p := mux.Handler(probe); p != "" && p != apiPrefix+"/" {
				writeError(w, errf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "Method %s not allowed for %s", r.Method, strings.TrimPrefix(r.URL.Path, apiPrefix)))
				return
			}
		}
		writeError(w, errf(http.StatusNotFound, CodeNoRoute, "No route for that URI"))
	}
}

// ConformanceReport is what GET /__sim/conformance answers: whether exchanges are
// validated (Options.Conformance), how many were, and each failure.
type ConformanceReport struct {
	Enabled  bool                  `json:"enabled"`
	Checked  int                   `json:"checked"`
	Failures []conformance.Failure `json:"failures"`
}

func (s *Server) handleConformance(w http.ResponseWriter, r *http.Request) {
	rep := ConformanceReport{Failures: []conformance.Failure{}}
	if c := s.opts.Conformance; c != nil {
		rep.Enabled, rep.Checked = true, c.Checked()
		rep.Failures = append(rep.Failures, c.Failures()...)
	}
	writeJSON(w, http.StatusOK, rep)
}

// handleImport answers the BIND import endpoint, which the simulator does not
// implement (FACTS.md §4.6 calls it optional), with a clear 4xx.
func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) {
	writeError(w, errf(http.StatusNotFound, CodeNoRoute, "No route for that URI: the simulator does not implement BIND import; create records with POST or the batch endpoint"))
}

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(b) > maxBody {
		return errf(http.StatusBadRequest, CodeBadRequestBody, "Request body is invalid.")
	}
	if err := json.Unmarshal(b, v); err != nil {
		return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{
			Code: CodeBadRequestBody, Message: "Request body is invalid.",
			ErrorChain: []apiMessage{{Code: CodeBadRequestBody, Message: err.Error()}},
		}}}
	}
	return nil
}

func (s *Server) handleStats(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

// handleAddFaults accepts one Fault or a list.
func (s *Server) handleAddFaults(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "reading body: "+err.Error(), http.StatusBadRequest)
		return
	}
	var list []Fault
	if t := strings.TrimSpace(string(b)); strings.HasPrefix(t, "[") {
		err = json.Unmarshal(b, &list)
	} else {
		var f Fault
		err = json.Unmarshal(b, &f)
		list = []Fault{f}
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	for _, f := range list {
		s.faults.add(f)
	}
	writeJSON(w, http.StatusOK, s.faults.snapshot())
}

func (s *Server) handleSimZones(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]string{}
	for _, z := range s.st.Zones {
		out = append(out, map[string]string{"id": z.ID, "name": z.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleSimAddZone(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name string `json:"name"`
	}
	if e := decodeBody(r, &body); e != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": e.Errors[0].Message})
		return
	}
	id, err := s.AddZone(body.Name)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "name": body.Name})
}

func (s *Server) handleSimLiveZone(w http.ResponseWriter, r *http.Request) {
	lz, ok := s.LiveZone(r.PathValue("name"))
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such zone"})
		return
	}
	writeJSON(w, http.StatusOK, lz)
}
