package model

import "encoding/json"

// Zone setting ids launch.hcl can manage (Cloudflare's names). Values are the API's
// string values ("on"/"off" for switches).
const (
	SettingSSL                    = "ssl"
	SettingAlwaysUseHTTPS         = "always_use_https"
	SettingMinTLSVersion          = "min_tls_version"
	SettingTLS13                  = "tls_1_3"
	SettingAutomaticHTTPSRewrites = "automatic_https_rewrites"
	SettingSecurityLevel          = "security_level"
	SettingSecurityHeader         = "security_header" // HSTS
	// SettingSSLAutomaticMode is "auto" when Cloudflare chooses the zone's encryption
	// mode itself (Automatic SSL/TLS), "custom" when the ssl setting is the user's.
	// Read beside ssl (live only; never declared).
	SettingSSLAutomaticMode = "ssl_automatic_mode"
)

// Settings is the set of zone settings under management: only ids present are managed.
// A nil *Settings manages nothing.
type Settings struct {
	// Values maps a setting id to its API value as a string ("strict", "on", "1.2").
	Values map[string]string `json:"values,omitempty"`
	// HSTS is the security_header setting; nil when not managed.
	HSTS *HSTS `json:"hsts,omitempty"`
}

// HSTS is Cloudflare's security_header.strict_transport_security value.
type HSTS struct {
	Enabled           bool `json:"enabled"`
	MaxAge            int  `json:"max_age"`
	IncludeSubdomains bool `json:"include_subdomains"`
	Preload           bool `json:"preload"`
	Nosniff           bool `json:"nosniff"`
}

// Ruleset phases launchready writes rules into.
const (
	PhaseRedirect = "http_request_dynamic_redirect"
	PhaseCache    = "http_request_cache_settings"
)

// RefPrefix starts the ref of every rule launchready owns; rules without it are made
// by hand and are never changed or reordered.
const RefPrefix = "launchready:"

// Rule is one rule of a zone's entrypoint ruleset for a phase. Desired rules carry the
// block they came from (Name and the From/To or cache fields); live rules carry ID and
// whatever the API returned, so a live rule can be written back as a block.
type Rule struct {
	ID          string `json:"id,omitempty"`  // live only
	Ref         string `json:"ref,omitempty"` // RefPrefix + kind + ":" + block name for ours
	Phase       string `json:"phase"`
	Description string `json:"description,omitempty"`
	Expression  string `json:"expression"`
	Action      string `json:"action"` // "redirect" | "set_cache_settings" | other (hand-made)
	Enabled     bool   `json:"enabled"`

	Redirect *RedirectAction `json:"redirect,omitempty"`
	Cache    *CacheAction    `json:"cache,omitempty"`
	// Raw keeps a rule's action_parameters verbatim (JSON), so that writing the phase
	// back never alters a rule launchready does not own, and snapshots restore
	// parameters launch.hcl does not model.
	Raw json.RawMessage `json:"raw,omitempty"`
}

// Owned reports whether launchready manages the rule.
func (r Rule) Owned() bool { return len(r.Ref) > len(RefPrefix) && r.Ref[:len(RefPrefix)] == RefPrefix }

// RedirectAction is a Single Redirect's action_parameters.from_value.
type RedirectAction struct {
	// From and To are the wildcard pattern and replacement of a `redirect` block that
	// used them (empty for raw expressions); TargetURL or TargetExpression is what is sent.
	From             string `json:"from,omitempty"`
	To               string `json:"to,omitempty"`
	TargetURL        string `json:"target_url,omitempty"`
	TargetExpression string `json:"target_expression,omitempty"`
	StatusCode       int    `json:"status_code"`
	PreserveQuery    bool   `json:"preserve_query_string"`
}

// CacheAction is a Cache Rule's set_cache_settings parameters that launch.hcl models.
type CacheAction struct {
	Hosts      []string `json:"hosts,omitempty"`       // from the block, for display
	PathPrefix string   `json:"path_prefix,omitempty"` // from the block, for display
	Bypass     bool     `json:"bypass"`                // cache = false
	EdgeTTL    int      `json:"edge_ttl,omitempty"`    // seconds; 0 = respect origin
	BrowserTTL int      `json:"browser_ttl,omitempty"` // seconds; 0 = respect origin
}

// LiveZone is everything a provider reported about one zone.
type LiveZone struct {
	Name    string   `json:"name"`
	ID      string   `json:"id,omitempty"` // provider's zone id, if any
	Records []Record `json:"records"`
	// Settings holds the live value of each setting id that was asked for.
	Settings *Settings `json:"settings,omitempty"`
	// Rules maps a phase to its entrypoint rules in order; a phase never configured is
	// present with no rules. Phases not read are absent.
	Rules map[string][]Rule `json:"rules,omitempty"`
	// Serial is the SOA serial read with the records, where the provider has one.
	Serial uint32 `json:"serial,omitempty"`
	// Nameservers are the zone's authoritative name servers as the provider assigns
	// them, where it says (Cloudflare's name_servers), canonical names in the
	// provider's order; nil where the provider does not say (the zone's apex NS
	// records are then the answer).
	Nameservers []string `json:"nameservers,omitempty"`
	// Status is the zone's status at the provider where it has one (Cloudflare:
	// "active", "pending", "moved"…); "" where it has none. plan shows it beside the
	// zone header when it is not "active".
	Status string `json:"status,omitempty"`
	// Plan is the zone's plan at the provider where it has plans (Cloudflare's
	// plan.legacy_id: "free", "pro", "business", "enterprise"); "" otherwise.
	Plan string `json:"plan,omitempty"`
}

// Capabilities says what a provider kind can manage. schema checks a zone's blocks
// against its provider's capabilities before anything is planned.
type Capabilities struct {
	Proxied   bool // records can be proxied
	Comments  bool // records carry comments
	Settings  bool // settings block
	Redirects bool // redirect blocks
	Cache     bool // cache blocks
	MinTTL    int  // smallest explicit TTL
	MaxTTL    int
	// DefaultTTL is the TTL a record declared without one (automatic, 0) gets on this
	// provider. 0 means the provider has an automatic TTL of its own (Cloudflare), so
	// "automatic" is stored and read back as 0.
	DefaultTTL int
	// ApexCNAME: a CNAME may sit at the zone apex (Cloudflare flattens it). Elsewhere
	// the apex holds SOA and NS, which a CNAME cannot share a name with.
	ApexCNAME bool
	// MaxTXT is the longest TXT record content the provider stores, counted in its
	// quoted form (QuoteTXT); 0 means no limit beyond DNS's own.
	MaxTXT int
}

// ProviderKinds is the capability table, by provider kind ("cloudflare", "rfc2136").
var ProviderKinds = map[string]Capabilities{
	"cloudflare": {Proxied: true, Comments: true, Settings: true, Redirects: true, Cache: true, MinTTL: 60, MaxTTL: 86400, DefaultTTL: 0, ApexCNAME: true, MaxTXT: 2048},
	"rfc2136":    {MinTTL: 1, MaxTTL: 2147483647, DefaultTTL: 300},
}
