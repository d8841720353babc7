package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// api is the narrow slice of the Cloudflare API the provider uses. Its types are this
// package's own, shaped like the API's JSON, so the provider's logic (conversion,
// chunking, error mapping) is tested against an in-memory fake, and only sdkAPI knows
// cloudflare-go.
type api interface {
	// zoneIDs returns the zones called name (usually one), with their ids, status and
	// assigned name servers.
	zoneIDs(ctx context.Context, name string) ([]wireZone, error)
	// listRecords returns every DNS record of the zone. A listing the API answers in
	// one page is read at one moment. One of several pages is not: the records called
	// pin (the zone's lock name, whose generation tells a taking of the lock whether
	// the zone changed since it was read) are then read first, with a request of their
	// own, and the whole listing after them, so that no record in the answer is older
	// than pin's.
	listRecords(ctx context.Context, zoneID, pin string) ([]wireRecord, error)
	// listRecordsNamed returns the zone's records called name (one request).
	listRecordsNamed(ctx context.Context, zoneID, name string) ([]wireRecord, error)
	// batch sends one batch request; it is atomic at the API. It answers with the
	// records the patches and posts left, as stored (ids included).
	batch(ctx context.Context, zoneID string, b wireBatch) (wireBatchResult, error)
	// settings returns every zone setting (one request).
	settings(ctx context.Context, zoneID string) ([]wireSetting, error)
	// setting returns one zone setting.
	setting(ctx context.Context, zoneID, id string) (wireSetting, error)
	// editSetting changes one zone setting.
	editSetting(ctx context.Context, zoneID, id string, value any) error
	// entrypoint returns the zone's entrypoint ruleset of phase, or nil when the phase
	// was never configured.
	entrypoint(ctx context.Context, zoneID, phase string) (*wireRuleset, error)
	// putEntrypoint replaces the phase's rule list (used only to create a phase's
	// entrypoint, when it has no rule anyone could lose).
	putEntrypoint(ctx context.Context, zoneID, phase string, rules []wireRule) error
	// createRule adds one rule to a ruleset at pos; editRule replaces one rule's
	// definition (and moves it when pos is set); deleteRule removes one rule. Every
	// other rule of the ruleset is left exactly as it is.
	createRule(ctx context.Context, zoneID, rulesetID string, r wireRule, pos *rulePosition) (*wireRuleset, error)
	editRule(ctx context.Context, zoneID, rulesetID, ruleID string, r wireRule, pos *rulePosition) error
	deleteRule(ctx context.Context, zoneID, rulesetID, ruleID string) error
	// verifyToken checks the credentials; it returns the token status.
	verifyToken(ctx context.Context) (string, error)
}

type wireZone struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
	// NameServers are the name servers Cloudflare assigned to the zone.
	NameServers []string `json:"name_servers"`
	// OriginalNameServers are the registrar's name servers when the zone was added.
	OriginalNameServers []string `json:"original_name_servers"`
	// Plan is the zone's plan.legacy_id ("free", "pro", "business", "enterprise").
	Plan string `json:"-"`
	// Permissions is the zone object's permissions list ("#dns_records:edit"…).
	Permissions []string `json:"permissions"`
}

// wireRecord is a DNS record as the API sends and receives it.
type wireRecord struct {
	ID       string      `json:"id,omitempty"`
	Name     string      `json:"name"`
	Type     string      `json:"type"`
	Content  string      `json:"content,omitempty"`
	Data     *recordData `json:"data,omitempty"`
	Priority *int        `json:"priority,omitempty"`
	TTL      int         `json:"ttl"`
	Proxied  bool        `json:"proxied"`
	Comment  string      `json:"comment"`
	// Meta is read-only information about the record (never sent).
	Meta *recordMeta `json:"meta,omitempty"`
}

// recordMeta is the record's meta object: read_only marks records a Cloudflare
// product manages (Email Routing's MX, SPF and DKIM records), which the API refuses
// to change or delete.
type recordMeta struct {
	ReadOnly     bool `json:"read_only"`
	EmailRouting bool `json:"email_routing"`
}

// readOnlyBy names who manages a read-only record ("" when it is not read-only).
func (m *recordMeta) readOnlyBy() string {
	switch {
	case m == nil || !m.ReadOnly:
		return ""
	case m.EmailRouting:
		return "Email Routing"
	}
	return "Cloudflare"
}

// recordData holds the structured value of a record: the SRV and CAA fields typed
// (numbers are pointers so that "absent" and "0" differ on read), and for every
// data-typed record (model.RRType.Data) the whole object in Fields. Data of one type
// must never stop a zone from being read: a field of an unexpected JSON type (NAPTR's
// flags is a string where CAA's is a number) is left unset, and the record then keeps
// its content as the API wrote it (toRecord).
type recordData struct {
	// SRV
	Priority *int   `json:"priority,omitempty"`
	Weight   *int   `json:"weight,omitempty"`
	Port     *int   `json:"port,omitempty"`
	Target   string `json:"target,omitempty"`
	// CAA
	Flags *int   `json:"flags,omitempty"`
	Tag   string `json:"tag,omitempty"`
	Value string `json:"value,omitempty"`
	// Fields is the data object as decoded (numbers as float64). On write, when set,
	// it is sent instead of the typed fields.
	Fields map[string]any `json:"-"`
}

// UnmarshalJSON accepts numbers written as floats ("10.0") or as strings, as the
// API's schema types them as JSON numbers; unknown fields are kept in Fields. It never
// fails on an object: what it cannot read stays unset.
func (d *recordData) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		*d = recordData{} // data that is not an object: treat as absent
		return nil
	}
	num := func(k string) *int {
		v, ok := raw[k]
		if !ok || string(v) == "null" {
			return nil
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil {
			var s string // some clients send numbers as strings
			if json.Unmarshal(v, &s) != nil {
				return nil
			}
			if _, err := fmt.Sscan(s, &f); err != nil {
				return nil
			}
		}
		n := int(f)
		return &n
	}
	str := func(k string) string {
		var s string
		if v, ok := raw[k]; ok {
			_ = json.Unmarshal(v, &s)
		}
		return s
	}
	out := recordData{Target: str("target"), Tag: str("tag"), Value: str("value"), Fields: map[string]any{}}
	for k, p := range map[string]**int{"priority": &out.Priority, "weight": &out.Weight, "port": &out.Port, "flags": &out.Flags} {
		*p = num(k)
	}
	for k, v := range raw {
		var x any
		if json.Unmarshal(v, &x) == nil {
			out.Fields[k] = x
		}
	}
	*d = out
	return nil
}

// MarshalJSON writes Fields when set, else the typed fields.
func (d recordData) MarshalJSON() ([]byte, error) {
	if d.Fields != nil {
		return json.Marshal(d.Fields)
	}
	type plain recordData
	return json.Marshal(plain(d))
}

// wireBatch is the body of POST /zones/{id}/dns_records/batch. The API runs deletes,
// then patches, then puts, then posts, each in the order given.
type wireBatch struct {
	Deletes []string     // record ids
	Patches []wireRecord // with ID, every field sent
	Posts   []wireRecord
}

// wireBatchResult is what a batch answers: the records its patches and posts wrote,
// as stored. (Its deletes answer with the deleted records, which nothing needs.)
type wireBatchResult struct {
	Patches []wireRecord `json:"patches"`
	Posts   []wireRecord `json:"posts"`
	// Unread says the batch was applied but its answer could not be decoded.
	Unread bool `json:"-"`
}

// size is the number of records the batch touches (what the API's limit counts).
func (b wireBatch) size() int { return len(b.Deletes) + len(b.Patches) + len(b.Posts) }

// wireSetting is one zone setting.
type wireSetting struct {
	ID       string          `json:"id"`
	Value    json.RawMessage `json:"value"`
	Editable *bool           `json:"editable,omitempty"`
}

// rulePosition places a rule written through the per-rule endpoints: after the rule
// with id After, or first in the ruleset (Index 1).
type rulePosition struct {
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Index  int    `json:"index,omitempty"`
}

// wireRuleset is an entrypoint ruleset.
type wireRuleset struct {
	ID      string     `json:"id"`
	Name    string     `json:"name"`
	Phase   string     `json:"phase"`
	Version string     `json:"version"`
	Rules   []wireRule `json:"rules"`
}

// wireRule is one ruleset rule. Fields the provider does not model (logging,
// ratelimit, …) are kept in Extra and written back unchanged; read-only fields
// (version, last_updated) are dropped on write.
type wireRule struct {
	ID               string
	Ref              string
	Expression       string
	Action           string
	ActionParameters json.RawMessage
	Description      string
	Enabled          bool
	Extra            map[string]json.RawMessage
}

var ruleReadOnly = map[string]bool{"version": true, "last_updated": true}

func (r *wireRule) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := wireRule{Enabled: true}
	fields := map[string]*string{"id": &out.ID, "ref": &out.Ref, "expression": &out.Expression, "action": &out.Action, "description": &out.Description}
	for k, v := range raw {
		switch {
		case fields[k] != nil:
			if string(v) != "null" {
				if err := json.Unmarshal(v, fields[k]); err != nil {
					return fmt.Errorf("rule field %s: %w", k, err)
				}
			}
		case k == "enabled":
			if string(v) != "null" {
				if err := json.Unmarshal(v, &out.Enabled); err != nil {
					return fmt.Errorf("rule field enabled: %w", err)
				}
			}
		case k == "action_parameters":
			if string(v) != "null" {
				out.ActionParameters = append(json.RawMessage(nil), v...)
			}
		case ruleReadOnly[k]:
		default:
			if out.Extra == nil {
				out.Extra = map[string]json.RawMessage{}
			}
			out.Extra[k] = append(json.RawMessage(nil), v...)
		}
	}
	*r = out
	return nil
}

func (r wireRule) MarshalJSON() ([]byte, error) {
	m := map[string]any{}
	for k, v := range r.Extra {
		m[k] = v
	}
	if r.ID != "" {
		m["id"] = r.ID
	}
	if r.Ref != "" {
		m["ref"] = r.Ref
	}
	m["expression"] = r.Expression
	m["action"] = r.Action
	if len(r.ActionParameters) > 0 {
		m["action_parameters"] = r.ActionParameters
	}
	if r.Description != "" {
		m["description"] = r.Description
	}
	m["enabled"] = r.Enabled
	return json.Marshal(m)
}

// apiError is a failed API call: the HTTP status and the envelope's errors. The
// adapter wraps the SDK's error in it (Unwrap returns the SDK error, so callers may
// still errors.As to *cloudflare.Error).
type apiError struct {
	Op     string // "POST zones/…/dns_records/batch"
	Status int
	Errors []apiMessage
	// RetryAfter is the Retry-After header of a 429 answer that was not retried
	// (retries exhausted or the wait longer than the context allows).
	RetryAfter string
	// RetryCap is the --max-retry-wait the Retry-After exceeded ("" when it did not).
	RetryCap string
	// RetryAt is when the Retry-After ends (zero without one).
	RetryAt time.Time
	Err     error
	// Unknown is set when an earlier attempt of the same request had an unknown
	// outcome (errOutcomeUnknown); errors.Is(e, errOutcomeUnknown) reports it.
	Unknown bool
}

type apiMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	// Pointer is source.pointer: a JSON pointer into the request (e.g. "/posts/3").
	Pointer string `json:"-"`
	// Chain is the nested error_chain, when the API sends one.
	Chain []apiMessage `json:"-"`
}

func (e *apiError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: HTTP %d", e.Op, e.Status)
	for i, m := range e.Errors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(m.String())
	}
	if e.Unknown {
		b.WriteString(" (after an earlier attempt got no answer or a server error)")
	}
	if e.Status == 429 {
		b.WriteString("; Cloudflare's API rate limit was exceeded")
		if e.RetryAfter != "" && e.RetryCap == "" {
			fmt.Fprintf(&b, " (retry after %ss)", e.RetryAfter)
		}
	}
	if e.RetryCap != "" {
		fmt.Fprintf(&b, "; Cloudflare asked to wait %ss before retrying, longer than the %s launchready waits (--max-retry-wait)", e.RetryAfter, e.RetryCap)
		if !e.RetryAt.IsZero() {
			fmt.Fprintf(&b, ": run the command again after %s", e.RetryAt.Format("15:04:05 MST"))
		}
	}
	return b.String()
}

func (e *apiError) Unwrap() []error {
	if e.Unknown {
		return []error{e.Err, errOutcomeUnknown}
	}
	return []error{e.Err}
}

// has reports whether the API answered with the given error code.
func (e *apiError) has(code int) bool {
	for _, m := range e.Errors {
		if m.Code == code {
			return true
		}
	}
	return false
}

func (m apiMessage) String() string {
	s := fmt.Sprintf("%s (code %d)", m.Message, m.Code)
	for _, c := range m.Chain {
		s += ": " + c.String()
	}
	if m.Pointer != "" {
		s += " at " + m.Pointer
	}
	return s
}
