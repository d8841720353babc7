package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// ruleset is a stored ruleset: a zone entrypoint (kind "zone") or the seeded managed one.
type ruleset struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Kind        string    `json:"kind"`
	Phase       string    `json:"phase"`
	Version     int       `json:"version"`
	LastUpdated time.Time `json:"last_updated"`
	Rules       []*rule   `json:"rules"`
}

// rule is a stored rule. Fields the simulator does not model (logging, ratelimit…)
// are kept verbatim in Extra and returned as they were sent.
type rule struct {
	ID               string                     `json:"id"`
	Ref              string                     `json:"ref"`
	Version          int                        `json:"version"`
	Action           string                     `json:"action"`
	ActionParameters json.RawMessage            `json:"action_parameters,omitempty"`
	Expression       string                     `json:"expression"`
	Description      string                     `json:"description"`
	Enabled          bool                       `json:"enabled"`
	LastUpdated      time.Time                  `json:"last_updated"`
	Extra            map[string]json.RawMessage `json:"extra,omitempty"`
}

// Phases the simulator accepts: the 2024 schema's enum plus the SDK's additions.
var knownPhases = setOf("ddos_l4", "ddos_l7", "http_config_settings", "http_custom_errors",
	"http_log_custom_fields", "http_ratelimit", "http_request_cache_settings",
	"http_request_dynamic_redirect", "http_request_firewall_custom", "http_request_firewall_managed",
	"http_request_late_transform", "http_request_origin", "http_request_redirect", "http_request_sanitize",
	"http_request_sbfm", "http_request_select_configuration", "http_request_transform",
	"http_response_cache_settings", "http_response_compression", "http_response_firewall_managed",
	"http_response_headers_transform", "magic_transit", "magic_transit_ids_managed",
	"magic_transit_managed", "magic_transit_ratelimit")

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

const (
	phaseRedirect = "http_request_dynamic_redirect"
	phaseCache    = "http_request_cache_settings"
)

var (
	actionRE           = regexp.MustCompile(`^[a-z_]+$`)
	redirectStatuses   = map[int]bool{301: true, 302: true, 303: true, 307: true, 308: true}
	edgeTTLModes       = []string{"respect_origin", "bypass_by_default", "override_origin"}
	browserTTLModes    = []string{"respect_origin", "bypass_by_default", "override_origin", "bypass"}
	defaultRulesetName = "default"
)

const (
	defaultRulesetsPerPage = 50
	maxRulesetsPerPage     = 100
)

// wireRule renders a rule: Extra first, modelled fields over it.
func wireRule(r *rule) map[string]any {
	m := map[string]any{}
	for k, v := range r.Extra {
		m[k] = v
	}
	m["id"] = r.ID
	m["ref"] = r.Ref
	m["version"] = strconv.Itoa(r.Version)
	m["action"] = r.Action
	if len(r.ActionParameters) > 0 {
		m["action_parameters"] = r.ActionParameters
	}
	m["expression"] = r.Expression
	m["description"] = r.Description
	m["enabled"] = r.Enabled
	m["last_updated"] = fmtTime(r.LastUpdated)
	return m
}

// wireRuleset renders a ruleset, with its rules when withRules.
func wireRuleset(rs *ruleset, withRules bool) map[string]any {
	m := map[string]any{
		"id": rs.ID, "name": rs.Name, "description": rs.Description, "kind": rs.Kind,
		"phase": rs.Phase, "version": strconv.Itoa(rs.Version), "last_updated": fmtTime(rs.LastUpdated),
	}
	if withRules {
		rules := make([]map[string]any, 0, len(rs.Rules))
		for _, r := range rs.Rules {
			rules = append(rules, wireRule(r))
		}
		m["rules"] = rules
	}
	return m
}

func (z *zone) entrypoint(phase string) *ruleset {
	for _, rs := range z.Rulesets {
		if rs.Kind == "zone" && rs.Phase == phase {
			return rs
		}
	}
	return nil
}

// rulesetFromPath returns the zone's ruleset the request path names (ruleset_id),
// or the API's 404.
func (z *zone) rulesetFromPath(r *http.Request) (*ruleset, *apiError) {
	if rs := z.rulesetByID(r.PathValue("ruleset_id")); rs != nil {
		return rs, nil
	}
	return nil, errf(http.StatusNotFound, CodeRulesetNotFound, "could not find ruleset %s", r.PathValue("ruleset_id"))
}

func (z *zone) rulesetByID(id string) *ruleset {
	for _, rs := range z.Rulesets {
		if rs.ID == id {
			return rs
		}
	}
	return nil
}

func entrypointNotFound(phase string) *apiError {
	return errf(http.StatusNotFound, CodeEntrypointNotFound, "could not find entrypoint ruleset in the %s phase", phase)
}

func (s *Server) handleListRulesets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, e := intParam(q, "per_page", defaultRulesetsPerPage, 1, maxRulesetsPerPage)
	if e != nil {
		writeError(w, e)
		return
	}
	offset := 0
	if c := q.Get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		n, err2 := strconv.Atoi(string(bytes.TrimPrefix(b, []byte("offset:"))))
		if err != nil || err2 != nil || n < 0 {
			writeError(w, errf(http.StatusBadRequest, CodeBadQuery, "cursor is invalid"))
			return
		}
		offset = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	lo := min(offset, len(z.Rulesets))
	hi := min(lo+perPage, len(z.Rulesets))
	out := make([]map[string]any, 0, hi-lo)
	for _, rs := range z.Rulesets[lo:hi] {
		out = append(out, wireRuleset(rs, false))
	}
	next := ""
	if hi < len(z.Rulesets) {
		next = base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(hi)))
	}
	writeResult(w, out, cursorInfo{Cursor: next, PerPage: perPage, Count: len(out)})
}

func (s *Server) handleGetRuleset(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	rs, e := z.rulesetFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, wireRuleset(rs, true), nil)
}

func (s *Server) handleGetEntrypoint(w http.ResponseWriter, r *http.Request) {
	phase := r.PathValue("ruleset_phase")
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	if !knownPhases[phase] {
		writeError(w, errf(http.StatusBadRequest, CodePhaseInvalid, "%q is not a valid ruleset phase", phase))
		return
	}
	rs := z.entrypoint(phase)
	if rs == nil {
		writeError(w, entrypointNotFound(phase))
		return
	}
	writeResult(w, wireRuleset(rs, true), nil)
}

// rulesetBody is the body of both ruleset PUTs.
type rulesetBody struct {
	Name        *string                      `json:"name"`
	Description *string                      `json:"description"`
	Kind        *string                      `json:"kind"`
	Phase       *string                      `json:"phase"`
	Rules       []map[string]json.RawMessage `json:"rules"`
}

// handlePutEntrypoint replaces the phase's entrypoint rule list, creating the
// entrypoint when the phase was never configured.
func (s *Server) handlePutEntrypoint(w http.ResponseWriter, r *http.Request) {
	phase := r.PathValue("ruleset_phase")
	s.putRuleset(w, r, func(z *zone) (*ruleset, *apiError) {
		if !knownPhases[phase] {
			return nil, errf(http.StatusBadRequest, CodePhaseInvalid, "%q is not a valid ruleset phase", phase)
		}
		if rs := z.entrypoint(phase); rs != nil {
			return rs, nil
		}
		return &ruleset{ID: newID(), Name: defaultRulesetName, Kind: "zone", Phase: phase}, nil
	})
}

// handlePutRuleset replaces the rule list of a ruleset named by id.
func (s *Server) handlePutRuleset(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("ruleset_id")
	s.putRuleset(w, r, func(z *zone) (*ruleset, *apiError) {
		rs := z.rulesetByID(id)
		if rs == nil {
			return nil, errf(http.StatusNotFound, CodeRulesetNotFound, "could not find ruleset %s", id)
		}
		if rs.Kind == "managed" {
			return nil, errf(http.StatusBadRequest, CodeRulesetReadOnly, "managed ruleset %s cannot be updated at zone level", id)
		}
		return rs, nil
	})
}

// putRuleset validates the body against the ruleset target finds (or makes) and,
// unless dry_run=true, stores the new version.
func (s *Server) putRuleset(w http.ResponseWriter, r *http.Request, target func(*zone) (*ruleset, *apiError)) {
	var body rulesetBody
	if e := decodeBody(r, &body); e != nil {
		writeError(w, e)
		return
	}
	dryRun := r.URL.Query().Get("dry_run") == "true"
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	cur, e := target(z)
	if e != nil {
		writeError(w, e)
		return
	}
	if body.Kind != nil && *body.Kind != cur.Kind {
		writeError(w, ruleErr("/kind", "kind %q does not match the ruleset's kind %q", *body.Kind, cur.Kind))
		return
	}
	if body.Phase != nil && *body.Phase != cur.Phase {
		writeError(w, ruleErr("/phase", "phase %q does not match the ruleset's phase %q", *body.Phase, cur.Phase))
		return
	}
	if body.Rules == nil {
		writeError(w, ruleErr("/rules", "rules is required"))
		return
	}
	now := s.now()
	rules, e := buildRules(cur, body.Rules, now)
	if e == nil {
		e = s.checkRulesPlan(cur.Phase, rules)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	if dryRun {
		writeResult(w, nil, nil)
		return
	}
	next := *cur
	next.Version++
	next.LastUpdated = now
	next.Rules = rules
	if body.Name != nil && *body.Name != "" {
		next.Name = *body.Name
	}
	if body.Description != nil {
		next.Description = *body.Description
	}
	if existing := z.rulesetByID(cur.ID); existing != nil {
		*existing = next
	} else {
		z.Rulesets = append(z.Rulesets, &next)
	}
	if e := s.persistLocked(); e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, wireRuleset(&next, true), nil)
}

func ruleErr(pointer, format string, args ...any) *apiError {
	return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{
		Code: CodeRuleInvalid, Message: fmt.Sprintf(format, args...), Source: &apiSource{Pointer: pointer},
	}}}
}

// buildRules validates a new rule list for cur and returns it: rules keep their id
// (given, or found by ref), get a new id when they have neither, keep their ref (which
// defaults to the id) and their order; a rule's version goes up only when it changed.
func buildRules(cur *ruleset, in []map[string]json.RawMessage, now time.Time) ([]*rule, *apiError) {
	var errs []apiMessage
	add := func(pointer, format string, args ...any) {
		errs = append(errs, apiMessage{Code: CodeRuleInvalid, Message: fmt.Sprintf(format, args...), Source: &apiSource{Pointer: pointer}})
	}
	byID, byRef := map[string]*rule{}, map[string]*rule{}
	for _, r := range cur.Rules {
		byID[r.ID], byRef[r.Ref] = r, r
	}
	seenID, seenRef := map[string]int{}, map[string]int{}
	out := make([]*rule, 0, len(in))
	for i, m := range in {
		p := fmt.Sprintf("/rules/%d", i)
		unknownRuleFields(cur.Phase, p, m, add)
		nr := &rule{Enabled: true, Extra: map[string]json.RawMessage{}}
		var id string
		for k, raw := range m {
			var err error
			switch k {
			case "id":
				err = json.Unmarshal(raw, &id)
			case "ref":
				err = json.Unmarshal(raw, &nr.Ref)
				if err == nil && nr.Ref == "" {
					add(p+"/ref", "ref must not be empty")
				}
			case "action":
				err = json.Unmarshal(raw, &nr.Action)
			case "expression":
				err = json.Unmarshal(raw, &nr.Expression)
			case "description":
				err = json.Unmarshal(raw, &nr.Description)
			case "enabled":
				err = json.Unmarshal(raw, &nr.Enabled)
			case "action_parameters":
				var obj map[string]json.RawMessage
				if err = json.Unmarshal(raw, &obj); err == nil && obj != nil {
					var b bytes.Buffer
					if json.Compact(&b, raw) == nil {
						nr.ActionParameters = b.Bytes()
					}
				}
			case "version", "last_updated", "categories":
				// read-only, ignored
			default:
				nr.Extra[k] = raw
			}
			if err != nil {
				add(p+"/"+k, "%s has the wrong type", k)
			}
		}
		if len(nr.Extra) == 0 {
			nr.Extra = nil
		}
		validateRule(cur.Phase, p, nr, add)

		var old *rule
		if id != "" {
			if old = byID[id]; old == nil {
				add(p+"/id", "rule %s does not exist in this ruleset", id)
			}
		} else if nr.Ref != "" {
			old = byRef[nr.Ref]
		}
		if old != nil {
			nr.ID = old.ID
		} else {
			nr.ID = newID()
		}
		if nr.Ref == "" {
			nr.Ref = nr.ID
			if old != nil {
				nr.Ref = old.Ref
			}
		}
		if j, dup := seenID[nr.ID]; dup {
			add(p+"/id", "rule id %s is already used by /rules/%d", nr.ID, j)
		}
		if j, dup := seenRef[nr.Ref]; dup {
			add(p+"/ref", "rule ref %q is already used by /rules/%d", nr.Ref, j)
		}
		seenID[nr.ID], seenRef[nr.Ref] = i, i

		if old != nil && sameRule(old, nr) {
			nr.Version, nr.LastUpdated = old.Version, old.LastUpdated
		} else if old != nil {
			nr.Version, nr.LastUpdated = old.Version+1, now
		} else {
			nr.Version, nr.LastUpdated = 1, now
		}
		out = append(out, nr)
	}
	if len(errs) > 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Errors: errs}
	}
	return out, nil
}

func sameRule(a, b *rule) bool {
	ea, _ := json.Marshal(a.Extra)
	eb, _ := json.Marshal(b.Extra)
	return a.Ref == b.Ref && a.Action == b.Action && bytes.Equal(a.ActionParameters, b.ActionParameters) &&
		a.Expression == b.Expression && a.Description == b.Description && a.Enabled == b.Enabled && bytes.Equal(ea, eb)
}

// validateRule checks a rule the way the rulesets engine does for the phases
// launchready writes: the action the phase allows and its parameters.
func validateRule(phase, p string, r *rule, add func(pointer, format string, args ...any)) {
	if r.Expression == "" {
		add(p+"/expression", "expression is required")
	} else if problem := checkExpression(r.Expression); problem != "" {
		add(p+"/expression", "invalid expression: %s", problem)
	}
	if r.Action == "" {
		add(p+"/action", "action is required")
		return
	}
	if !actionRE.MatchString(r.Action) {
		add(p+"/action", "%q is not a valid action", r.Action)
		return
	}
	var params map[string]json.RawMessage
	if len(r.ActionParameters) > 0 {
		_ = json.Unmarshal(r.ActionParameters, &params)
	}
	ap := p + "/action_parameters"
	switch phase {
	case phaseRedirect:
		if r.Action != "redirect" {
			add(p+"/action", "%q is not allowed in phase %s: only \"redirect\" is", r.Action, phase)
			return
		}
		if _, ok := params["from_list"]; ok {
			add(ap+"/from_list", "from_list (Bulk Redirects) is not allowed in phase %s", phase)
		}
		raw, ok := params["from_value"]
		if !ok {
			add(ap+"/from_value", "from_value is required")
			return
		}
		validateFromValue(ap+"/from_value", raw, add)
	case phaseCache:
		if r.Action != "set_cache_settings" {
			add(p+"/action", "%q is not allowed in phase %s: only \"set_cache_settings\" is", r.Action, phase)
			return
		}
		if raw, ok := params["cache"]; ok {
			var b bool
			if json.Unmarshal(raw, &b) != nil {
				add(ap+"/cache", "cache must be a boolean")
			}
		}
		if raw, ok := params["edge_ttl"]; ok {
			validateTTL(ap+"/edge_ttl", raw, edgeTTLModes, add)
		}
		if raw, ok := params["browser_ttl"]; ok {
			validateTTL(ap+"/browser_ttl", raw, browserTTLModes, add)
		}
	}
}

func validateFromValue(p string, raw json.RawMessage, add func(pointer, format string, args ...any)) {
	var fv map[string]json.RawMessage
	if json.Unmarshal(raw, &fv) != nil || fv == nil {
		add(p, "from_value must be an object")
		return
	}
	tu, ok := fv["target_url"]
	var target map[string]json.RawMessage
	if !ok || json.Unmarshal(tu, &target) != nil || target == nil {
		add(p+"/target_url", "target_url is required")
	} else {
		var value, expr string
		_, hasValue := target["value"]
		_, hasExpr := target["expression"]
		if hasValue && json.Unmarshal(target["value"], &value) != nil {
			add(p+"/target_url/value", "value must be a string")
		}
		if hasExpr && json.Unmarshal(target["expression"], &expr) != nil {
			add(p+"/target_url/expression", "expression must be a string")
		}
		switch {
		case hasValue && hasExpr:
			add(p+"/target_url", "target_url takes either value or expression, not both")
		case hasValue && value == "":
			add(p+"/target_url/value", "value must not be empty")
		case hasExpr && expr == "":
			add(p+"/target_url/expression", "expression must not be empty")
		case hasExpr:
			if problem := checkExpression(expr); problem != "" {
				add(p+"/target_url/expression", "invalid expression: %s", problem)
			}
		case !hasValue:
			add(p+"/target_url", "target_url needs a value or an expression")
		}
	}
	if raw, ok := fv["status_code"]; ok {
		var n float64
		if json.Unmarshal(raw, &n) != nil || !redirectStatuses[int(n)] || n != float64(int(n)) {
			add(p+"/status_code", "status_code must be one of 301, 302, 303, 307, 308")
		}
	}
	if raw, ok := fv["preserve_query_string"]; ok {
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			add(p+"/preserve_query_string", "preserve_query_string must be a boolean")
		}
	}
}

func validateTTL(p string, raw json.RawMessage, modes []string, add func(pointer, format string, args ...any)) {
	var t struct {
		Mode    *string          `json:"mode"`
		Default *json.RawMessage `json:"default"`
	}
	if json.Unmarshal(raw, &t) != nil {
		add(p, "must be an object")
		return
	}
	if t.Mode == nil {
		add(p+"/mode", "mode is required")
		return
	}
	ok := false
	for _, m := range modes {
		ok = ok || *t.Mode == m
	}
	if !ok {
		add(p+"/mode", "mode %q is not one of %v", *t.Mode, modes)
		return
	}
	if *t.Mode == "override_origin" {
		var n float64
		if t.Default == nil {
			add(p+"/default", "default is required when mode is override_origin")
		} else if json.Unmarshal(*t.Default, &n) != nil || n != float64(int64(n)) || n < 0 {
			add(p+"/default", "default must be a whole number of seconds")
		}
	}
}

// checkExpression does the structural checks a rules-language parser would fail on:
// balanced brackets and terminated strings (raw strings r"…" and r#"…"# included). It
// returns "" when the expression looks well formed.
func checkExpression(x string) string {
	var stack []byte
	closing := map[byte]byte{')': '(', '}': '{', ']': '['}
	for i := 0; i < len(x); i++ {
		c := x[i]
		switch {
		case c == 'r' && i+1 < len(x) && (x[i+1] == '"' || x[i+1] == '#') && (i == 0 || !isIdent(x[i-1])):
			j := i + 1
			hashes := 0
			for j < len(x) && x[j] == '#' {
				hashes++
				j++
			}
			if j >= len(x) || x[j] != '"' {
				continue
			}
			end := bytes.Index([]byte(x[j+1:]), append([]byte{'"'}, bytes.Repeat([]byte{'#'}, hashes)...))
			if end < 0 {
				return "unterminated raw string"
			}
			i = j + 1 + end + hashes
		case c == '"':
			j := i + 1
			for ; j < len(x); j++ {
				if x[j] == '\\' {
					j++
					continue
				}
				if x[j] == '"' {
					break
				}
			}
			if j >= len(x) {
				return "unterminated string"
			}
			i = j
		case c == '(' || c == '{' || c == '[':
			stack = append(stack, c)
		case c == ')' || c == '}' || c == ']':
			if len(stack) == 0 || stack[len(stack)-1] != closing[c] {
				return fmt.Sprintf("unexpected %q at offset %d", c, i)
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		return fmt.Sprintf("unclosed %q", stack[len(stack)-1])
	}
	return ""
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
