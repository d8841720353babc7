package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"
)

// FormatVersion is the version of the JSON report (see JSON.md). It changes only when
// a field is renamed or removed or its meaning changes; new fields may be added within
// a version.
const FormatVersion = "1"

// Status is the outcome of one check.
type Status string

const (
	Pass Status = "pass"
	Warn Status = "warn" // works, but needs attention soon (certificate expiring, TTL differs)
	Fail Status = "fail"
	Skip Status = "skip" // not checked; Reason says why
)

// Kind groups checks in the report.
type Kind string

const (
	KindDNS      Kind = "dns"
	KindTLS      Kind = "tls"
	KindRedirect Kind = "redirect"
	KindHTTP     Kind = "http"
	KindEmail    Kind = "email"
)

// kindOrder is the order kinds appear in within a zone.
var kindOrder = []Kind{KindDelegation, KindDNS, KindTLS, KindRedirect, KindHTTP, KindEmail}

// Check names (Result.Check): what aspect of the subject a result is about.
const (
	CheckNameservers = "nameservers"   // dns: the zone's authoritative servers were found
	CheckRRSet       = "rrset"         // dns: every server serves exactly the desired values
	CheckProxied     = "proxied"       // dns: a proxied name answers with edge addresses, not the origin
	CheckCertificate = "certificate"   // tls: chain verifies and covers the name
	CheckExpiry      = "expiry"        // tls: days until the certificate expires
	CheckTLSVersion  = "tls_version"   // tls: negotiated version and min_tls_version
	CheckHTTPToHTTPS = "http_to_https" // tls: http:// redirects to https:// (always_use_https)
	CheckRedirect    = "redirect"      // redirect: a redirect block behaves as declared
	CheckApexWWW     = "apex_www"      // redirect: apex and www agree
	CheckHeaders     = "headers"       // http: header secrets could be read from the environment
	CheckErrors      = "errors"        // http: error rate (transport failures, unexpected statuses)
	CheckLatency     = "latency"       // http: p95 against p95_ms; carries the metrics
	CheckNeverCached = "never_cached"  // http: no response came from a cache
	CheckMixed       = "mixed_content" // http: an https page loads no http:// subresource
	CheckNoindex     = "noindex"       // http: the page asks not to be indexed
	CheckBaseline    = "baseline"      // http: p95 did not regress against the baseline report
	CheckEmail       = "email"         // email: placeholder when no analysis is available
)

// checkOrder sorts the aspects of one subject in a natural reading order.
var checkOrder = []string{
	CheckZoneStatus, CheckParentNS, CheckDS, CheckSubdelegation,
	CheckNameservers, CheckRRSet, CheckProxied,
	CheckCertificate, CheckExpiry, CheckTLSVersion, CheckHTTPToHTTPS,
	CheckRedirect, CheckApexWWW,
	CheckHeaders, CheckErrors, CheckLatency, CheckBaseline, CheckNeverCached, CheckMixed, CheckNoindex,
	CheckEmail,
}

// Report is the outcome of one Run. Results are grouped by zone (config order) and
// sorted by kind, subject, check and target, so two runs against the same world give
// the same order.
type Report struct {
	FormatVersion string       `json:"format_version"`
	StartedAt     time.Time    `json:"started_at"`
	DurationMs    float64      `json:"duration_ms"`
	Zones         []ZoneReport `json:"zones"`
	Summary       Summary      `json:"summary"`
}

// ZoneReport holds the results of one zone.
type ZoneReport struct {
	Zone    string   `json:"zone"`
	Summary Summary  `json:"summary"`
	Results []Result `json:"results"`
}

// Summary counts results by status.
type Summary struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

func (s *Summary) add(st Status) {
	switch st {
	case Pass:
		s.Pass++
	case Warn:
		s.Warn++
	case Fail:
		s.Fail++
	case Skip:
		s.Skip++
	}
}

// Failed reports whether any check failed (the CLI's exit code 4). Warnings and
// skipped checks do not fail a run.
func (r *Report) Failed() bool { return r != nil && r.Summary.Fail > 0 }

// Result is the outcome of one check of one subject.
type Result struct {
	Zone string `json:"zone"`
	Kind Kind   `json:"kind"`
	// Name is the subject: "app.example.com A" (dns), a host name (tls), the redirect
	// or check block's name, "example.com/www.example.com" (apex_www).
	Name string `json:"name"`
	// Check is the aspect checked (the Check* constants; the email hook chooses its own).
	Check string `json:"check"`
	// Target is what was contacted: name servers, an address, a URL.
	Target string `json:"target,omitempty"`
	Status Status `json:"status"`
	// Reason says, in one line, what was found; never contains a secret.
	Reason string `json:"reason"`

	DNS      *DNSDetail      `json:"dns,omitempty"`
	TLS      *TLSDetail      `json:"tls,omitempty"`
	Redirect *RedirectDetail `json:"redirect,omitempty"`
	HTTP     *HTTPDetail     `json:"http,omitempty"`
	// Details is free-form data from checks without a typed detail (the email hook).
	Details map[string]any `json:"details,omitempty"`

	// Delegation is what the parent and the provider said (delegation checks).
	Delegation *DelegationDetail `json:"delegation,omitempty"`
}

// DNSDetail is what each authoritative server answered for one record set.
type DNSDetail struct {
	Type    string         `json:"type"`
	Want    []string       `json:"want"`              // canonical desired values (the origin, for proxied)
	TTL     int            `json:"ttl,omitempty"`     // desired TTL, 0 = automatic (not compared)
	Servers []ServerAnswer `json:"servers"`           // one per authoritative server, by name
	WaitMs  float64        `json:"wait_ms,omitempty"` // how long the check waited for servers to converge
}

// ServerAnswer is one server's answer.
type ServerAnswer struct {
	Server  string   `json:"server"`  // name server host name (or the --resolver address)
	Address string   `json:"address"` // ip:port queried
	Values  []string `json:"values"`  // canonical values of the matching records, sorted
	TTL     int      `json:"ttl,omitempty"`
	// Authoritative is the AA bit of the answer.
	Authoritative bool   `json:"authoritative"`
	Rcode         string `json:"rcode,omitempty"`
	Error         string `json:"error,omitempty"`
	OK            bool   `json:"ok"` // the answer is what was wanted
}

// TLSDetail describes the handshake with one host.
type TLSDetail struct {
	Host       string    `json:"host"`
	Address    string    `json:"address,omitempty"`
	Version    string    `json:"version,omitempty"` // negotiated, "TLS 1.3"
	MinVersion string    `json:"min_version,omitempty"`
	Subject    string    `json:"subject,omitempty"`
	Issuer     string    `json:"issuer,omitempty"`
	DNSNames   []string  `json:"dns_names,omitempty"`
	NotAfter   time.Time `json:"not_after,omitzero"`
	DaysLeft   int       `json:"days_left,omitempty"`
}

// RedirectDetail is the chain of hops followed from the test URL.
type RedirectDetail struct {
	URL          string `json:"url"`
	WantStatus   int    `json:"want_status,omitempty"`
	WantLocation string `json:"want_location,omitempty"`
	Hops         []Hop  `json:"hops"`
}

// Hop is one request of a redirect chain.
type Hop struct {
	URL      string `json:"url"`
	Status   int    `json:"status,omitempty"`
	Location string `json:"location,omitempty"`
	Error    string `json:"error,omitempty"`
}

// HTTPDetail holds the metrics of a declared check. Times are milliseconds.
type HTTPDetail struct {
	URL       string         `json:"url"`
	Method    string         `json:"method"`
	Requests  int            `json:"requests"`
	Errors    int            `json:"errors"`
	ErrorRate float64        `json:"error_rate"`
	Statuses  map[string]int `json:"statuses"` // status code (or "error") → count
	// Total is the whole request (until the body is read); TTFB the time to the first
	// response byte; DNS, Connect and TLS the phases of new connections (zero when a
	// connection was reused); Server the wait between request written and first byte.
	Total   Percentiles `json:"total"`
	TTFB    Percentiles `json:"ttfb"`
	DNS     Percentiles `json:"dns"`
	Connect Percentiles `json:"connect"`
	TLS     Percentiles `json:"tls"`
	Server  Percentiles `json:"server"`
	// ErrorSamples are up to 5 distinct error descriptions.
	ErrorSamples []string `json:"error_samples,omitempty"`
	// BaselineP95 is the baseline report's total p95, when a baseline was given.
	BaselineP95 float64 `json:"baseline_p95,omitempty"`
}

// Percentiles are exact nearest-rank percentiles in milliseconds.
type Percentiles struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// RenderJSON writes the report as indented JSON (the schema in JSON.md).
func RenderJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing verify report: %w", err)
	}
	return nil
}

// ReadJSON reads a report written by RenderJSON, such as a --baseline file. It refuses
// a report of another format version. Details["chain"], a documented list of strings,
// is read back as a []string, as the email analysis writes it.
func ReadJSON(rd io.Reader) (*Report, error) {
	var r Report
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("reading verify report: %w", err)
	}
	if r.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("reading verify report: format_version %q, want %q", r.FormatVersion, FormatVersion)
	}
	for i := range r.Zones {
		for j := range r.Zones[i].Results {
			typedChain(r.Zones[i].Results[j].Details)
		}
	}
	return &r, nil
}

// typedChain turns details["chain"] decoded from JSON ([]any of strings) into a
// []string; other shapes are left as they are.
func typedChain(details map[string]any) {
	list, ok := details["chain"].([]any)
	if !ok {
		return
	}
	chain := make([]string, 0, len(list))
	for _, v := range list {
		s, ok := v.(string)
		if !ok {
			return
		}
		chain = append(chain, s)
	}
	details["chain"] = chain
}

// finish sorts results and computes summaries.
func (r *Report) finish() {
	r.Summary = Summary{}
	for i := range r.Zones {
		z := &r.Zones[i]
		sortResults(z.Results)
		z.Summary = Summary{}
		for _, res := range z.Results {
			z.Summary.add(res.Status)
			r.Summary.add(res.Status)
		}
		if z.Results == nil {
			z.Results = []Result{}
		}
	}
}

func indexOf[T comparable](list []T, x T) int {
	for i, v := range list {
		if v == x {
			return i
		}
	}
	return len(list)
}

func sortResults(rs []Result) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if ka, kb := indexOf(kindOrder, a.Kind), indexOf(kindOrder, b.Kind); ka != kb {
			return ka < kb
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if an, bn := a.Check == CheckNameservers, b.Check == CheckNameservers; an != bn {
			return an
		}
		if ka, kb := nameKey(a.Name), nameKey(b.Name); ka != kb {
			return ka < kb
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if ca, cb := indexOf(checkOrder, a.Check), indexOf(checkOrder, b.Check); ca != cb {
			return ca < cb
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Target < b.Target
	})
}

// nameKey sorts host names by their labels from the right, so a zone's apex comes
// before its subdomains and names of one branch stay together; "name TYPE" subjects
// keep their type as a tie-breaker. Names without dots sort as they are.
func nameKey(name string) string {
	host, rest, _ := strings.Cut(name, " ")
	labels := strings.Split(host, ".")
	slices.Reverse(labels)
	return strings.Join(labels, "\x01") + "\x00" + rest
}
