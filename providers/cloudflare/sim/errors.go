package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Error codes the simulator answers with. Codes marked "real" are the ones Cloudflare is
// observed to send (FACTS.md §9); the others are the simulator's own stable choices
// where Cloudflare's code is not known, kept here in one place.
const (
	CodeTokenValid          = 10000 // real: messages[0] of a successful token verify
	CodeInvalidAPIToken     = 1000  // real: /user/tokens/verify with an unknown token
	CodeMissingAuth         = 9106  // real: no Authorization / X-Auth-* headers
	CodeInvalidHeaders      = 6003  // real: malformed auth headers (error_chain 6111/6102/6103)
	CodeBadAuthorization    = 6111  // real: chain of 6003, "Invalid format for Authorization header"
	CodeBadAuthEmail        = 6102  // real: chain of 6003
	CodeBadAuthKey          = 6103  // real: chain of 6003
	CodeInvalidAccessToken  = 9109  // real: unknown token on any other endpoint
	CodeUnknownAuthKey      = 9103  // real: legacy X-Auth-Key not accepted
	CodeBadQuery            = 1001  // sim: a query parameter out of range (page, per_page…)
	CodeStateNotSaved       = 10002 // sim: the write could not be persisted to StatePath (500)
	CodeNoRoute             = 7000  // real: "No route for that URI"
	CodeBadObjectID         = 7003  // real: unknown or malformed zone id
	CodeMethodNotAllowed    = 7001  // sim: method not served on this path
	CodeRateLimited         = 971   // real: 429 throttling
	CodeInjectedServerError = 10001 // sim: a 5xx injected with a Fault
	CodeBadRequestBody      = 9207  // real: "Request body is invalid." (malformed JSON)

	CodeDNSValidation     = 1004  // real until 2024-10-01: "DNS Validation Error" wrapping the cause in error_chain; no longer sent (see dnsValidation)
	CodeNameInvalid       = 9000  // real: "DNS name is invalid."
	CodeProxiedNotBool    = 9003  // real: "Invalid 'proxied' value, must be a boolean" (3p, once chained under 1004)
	CodeNotProxiable      = 9004  // real: "This record type cannot be proxied."
	CodeContentInvalid    = 9005  // real: content not valid for the type, e.g. "Content for A record must be a valid IPv4 address." (3p yulewang/cloudflare-api-v4-ddns#16)
	CodeTypeInvalid       = 9020  // sim: missing or unsupported record type
	CodeTTLInvalid        = 9021  // real: "TTL must be between 60 and 86400 seconds, or 1 for Automatic." (3p timothymiller/cloudflare-ddns#179)
	CodeDataFieldRequired = 9101  // real: "<field> is a required data field."
	CodeCommentInvalid    = 9150  // sim: comment with a line break
	CodeTagInvalid        = 9151  // sim: tag not name or name:value
	CodeTXTTooLong        = 9152  // sim: TXT content over 2,048 characters
	CodeTXTNameTooLong    = 9153  // sim: TXT content on one name over 8,192 characters
	CodeFieldType         = 9154  // sim: a field of the wrong JSON type
	CodeRecordNotFound    = 81044 // real: "Record does not exist."
	CodeCNAMEConflict     = 81053 // real: CNAME on a name with A/AAAA/CNAME
	CodeHostIsCNAME       = 81054 // real: A/AAAA (or CNAME) on a CNAME's name
	CodeNSConflict        = 81055 // sim: NS sharing a name with another type
	CodeIdenticalRecord   = 81058 // real: "An identical record already exists."
	CodeBatchTooLarge     = 81100 // sim: batch over Options.BatchLimit operations

	CodeSettingNotFound = 1003 // sim: unknown zone setting id
	CodeSettingInvalid  = 1007 // real: "Invalid value for zone setting <id>"

	CodeEntrypointNotFound = 10003 // real: entrypoint never configured for the phase
	CodeRulesetNotFound    = 10005 // sim: unknown ruleset id
	CodeRuleNotFound       = 10006 // sim: unknown rule id in a ruleset (per-rule endpoints)
	CodePhaseInvalid       = 20003 // sim: unknown ruleset phase
	CodeRuleInvalid        = 20021 // sim: rule validation failure (with source.pointer)
	CodeRulesetReadOnly    = 20022 // sim: a managed ruleset cannot be written at zone level
)

// apiMessage is one item of errors/messages (and of an error_chain).
type apiMessage struct {
	Code       int          `json:"code"`
	Message    string       `json:"message"`
	ErrorChain []apiMessage `json:"error_chain,omitempty"`
	Source     *apiSource   `json:"source,omitempty"`
}

type apiSource struct {
	Pointer string `json:"pointer"`
}

// apiError is a failed request: an HTTP status (always >= 400, never 409 or 5xx for a
// validation failure, which the SDK would retry) and the errors list.
type apiError struct {
	Status     int
	Errors     []apiMessage
	RetryAfter string // Retry-After header value, if any
}

func (e *apiError) Error() string {
	if len(e.Errors) == 0 {
		return fmt.Sprintf("HTTP %d", e.Status)
	}
	return fmt.Sprintf("HTTP %d: %d %s", e.Status, e.Errors[0].Code, e.Errors[0].Message)
}

// errf builds an apiError with one message.
func errf(status, code int, format string, args ...any) *apiError {
	return &apiError{Status: status, Errors: []apiMessage{{Code: code, Message: fmt.Sprintf(format, args...)}}}
}

// dnsValidation builds a DNS record validation failure: 400 with the root cause as
// the error itself. Cloudflare used to wrap it as {"code":1004,"message":"DNS
// Validation Error","error_chain":[cause]} and stopped on 2024-10-01: "the
// error_chain will be omitted, returning the root cause directly without wrapping it
// in another "DNS Validation Error" error"
// (https://developers.cloudflare.com/fundamentals/api/reference/deprecations/, "DNS
// Records: Error chains for DNS validation errors"). Clients, launchready included,
// still read both shapes.
func dnsValidation(code int, format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, code, format, args...)
}

// withPrefix returns a copy of e whose first message names the batch sub-request that
// failed, e.g. "posts[3]: An identical record already exists.".
func (e *apiError) withPrefix(prefix string) *apiError {
	c := &apiError{Status: e.Status, RetryAfter: e.RetryAfter, Errors: append([]apiMessage(nil), e.Errors...)}
	if len(c.Errors) > 0 {
		c.Errors[0].Message = prefix + ": " + c.Errors[0].Message
	}
	return c
}

// envelope is every JSON response's shape.
type envelope struct {
	Success    bool         `json:"success"`
	Errors     []apiMessage `json:"errors"`
	Messages   []apiMessage `json:"messages"`
	Result     any          `json:"result"`
	ResultInfo any          `json:"result_info,omitempty"`
}

// pageInfo is result_info for page-paginated lists.
type pageInfo struct {
	Page       int `json:"page"`
	PerPage    int `json:"per_page"`
	Count      int `json:"count"`
	TotalCount int `json:"total_count"`
	TotalPages int `json:"total_pages"`
}

// cursorInfo is result_info for cursor-paginated lists (rulesets).
type cursorInfo struct {
	Cursor  string `json:"cursor"`
	PerPage int    `json:"per_page"`
	Count   int    `json:"count"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encoding response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeResult answers 200 with a successful envelope.
func writeResult(w http.ResponseWriter, result any, info any, messages ...apiMessage) {
	if messages == nil {
		messages = []apiMessage{}
	}
	writeJSON(w, http.StatusOK, envelope{Success: true, Errors: []apiMessage{}, Messages: messages, Result: result, ResultInfo: info})
}

// writeError answers with a failed envelope: success false, result null.
func writeError(w http.ResponseWriter, e *apiError) {
	if e.RetryAfter != "" {
		w.Header().Set("Retry-After", e.RetryAfter)
	}
	writeJSON(w, e.Status, envelope{Success: false, Errors: e.Errors, Messages: []apiMessage{}, Result: nil})
}
