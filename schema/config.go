// Package schema turns launch.hcl into launchready's typed desired state and validates
// it offline. Every problem is an hcl.Diagnostic with a precise source range, so the CLI
// prints file:line:col: message.
//
// It is not for reading live state or planning: it knows the providers only through the
// capability table (model.ProviderKinds).
//
// # Loading
//
//	Load(fsys fs.FS, path string, opts Options) (*Config, hcl.Diagnostics)   // a file, or a directory of *.hcl
//	LoadFiles(fsys fs.FS, paths []string, opts Options) (*Config, hcl.Diagnostics)
//	LoadFile(filename string, opts Options) (*Config, hcl.Diagnostics)       // OS path, named as given
//	LoadSource(filename string, src []byte, opts Options) (*Config, hcl.Diagnostics)
//
// Options.Vars holds --var name=value; Options.LookupEnv (os.LookupEnv in the CLI, nil
// for none) supplies LAUNCHREADY_VAR_<name>. A variable's value is its default,
// overridden by the environment, overridden by --var. The returned *Config is never
// nil but is complete only when the diagnostics hold no error; warnings (lint) may
// accompany a valid config. DiagnosticString renders one diagnostic as
// "file:line:col: severity: summary: detail".
//
// # What a loaded Config holds
//
//   - Zone.Records: one Record (a model.RRSet with canonical name and values, sorted and
//     de-duplicated) per name and type: record blocks first, then the sets the email
//     block generates (Origin "email.spf", "email.dkim.<selector>", "email.dmarc").
//     When a record block and the email block both write TXT at one name (a site
//     verification and SPF at the apex), the email values join the record block's set
//     (Origin "record"), because a name and type form one RRset.
//   - TTL 0 is automatic; on Cloudflare `ttl = 1` also means automatic, and proxied
//     records always have TTL 0.
//   - Zone.Settings: only what the settings block writes (model.Settings values are
//     the API's strings, booleans as "on"/"off"; hsts becomes HSTS with Enabled true).
//   - Zone.Redirects and Zone.Caches: compiled rules (CompileRedirect, CompileCache),
//     with Ref model.RefPrefix+"redirect:<name>" / "cache:<name>". For import,
//     ParseRedirectExpression / ParseRedirectRule and ParseCacheExpression reverse
//     exactly the text these compile to; FormatDuration writes TTLs back.
//   - Zone.Email: the *email.Policy, already checked by email.Validate.
//   - Zone.Checks: HTTP checks with defaults filled in; header values are Secrets that
//     hold an environment variable's name (Secret.Resolve reads it at use time).
//   - Config.Fingerprint: sha256 of the evaluated desired state (no secret values).
//
// Format(src, filename) is `launchready fmt`: canonical hclwrite formatting, or the
// syntax diagnostics.
//
// # Validation
//
// Beyond syntax, unknown blocks and arguments ("Did you mean"), types and undefined
// variables, schema checks values (IPs, names, IDN, TXT, MX/SRV/CAA forms), RRset
// rules (one block per name and type, CNAME exclusivity across record and email
// blocks, NS not at the apex, one SPF record per name), email-authentication records
// written in record blocks (TXT values that are SPF, DMARC at _dmarc or a report
// authorisation at _report._dmarc, or DKIM keys at _domainkey are checked with the
// email package's parsers; see emailtxt.go), provider capabilities
// (proxied, settings, redirect and cache only where model.ProviderKinds allows them;
// TTL ranges), literal secrets anywhere in the file (see secrets.go for the rules),
// env() only in check headers, and the edge lint of lint.go (redirect chains and loops,
// http:// targets under always_use_https, rule hosts without records, caching a
// never_cached check's URL).
package schema

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// Config is a whole parsed launch.hcl (one or more files).
type Config struct {
	// Files are the parsed files' names in the order read (for fmt and messages).
	Files []string
	// Providers are the provider blocks, by reference ("rfc2136.corp").
	Providers map[string]*Provider
	// Zones in file order.
	Zones []*Zone
	// Alerts are the top-level alert blocks `launchready watch` notifies (alert.go);
	// they are not desired state (not in the fingerprint).
	Alerts []*Alert
	// Preflight is the preflight block (nil: none); see preflight.go.
	Preflight *Preflight
	// Fingerprint is a sha256 (hex) of the evaluated desired state (not the source
	// text), so saved plans can tell whether the config they came from has changed.
	Fingerprint string
}

// Zone returns the zone with the given canonical name, or nil.
func (c *Config) Zone(name string) *Zone {
	for _, z := range c.Zones {
		if z.Name == name {
			return z
		}
	}
	return nil
}

// Provider is a `provider "<kind>" "<name>"` block. Secrets are never stored here:
// only the name of the environment variable that holds them.
type Provider struct {
	Kind          string // "rfc2136"
	Name          string // "corp"
	Server        string // host:port
	TSIGKey       string // key name, FQDN with trailing dot
	TSIGAlgorithm string // "hmac-sha256" …
	TSIGSecretEnv string // environment variable holding the base64 secret
	DeclRange     hcl.Range
}

// Ref is how zones name the provider: "<kind>.<name>".
func (p *Provider) Ref() string { return p.Kind + "." + p.Name }

// Zone is one `zone "<name>"` block.
type Zone struct {
	Name          string // canonical
	Provider      string // "cloudflare" or "rfc2136.<name>"
	ProviderKind  string // "cloudflare" or "rfc2136"
	Authoritative bool
	Ignore        []string // name globs relative to the zone ("_acme-challenge*")
	// IgnoreRules are every entry of the ignore list, plain globs included, with the
	// object entries that narrow by type and value (model.Ignored matches them).
	IgnoreRules []model.IgnoreRule
	// Owner names who manages the zone's records from this file (ownership.DefaultOwner
	// when unset); marks carry it, and other owners' records are left alone.
	Owner string

	Records   []*Record   // record blocks, then records generated by the email block; one per name and type
	Settings  *Settings   // nil: no settings block
	Redirects []*Redirect // in file order
	Caches    []*Cache    // in file order
	Email     *email.Policy
	Checks    []*Check

	DeclRange hcl.Range
}

// RRSets returns every desired record set of the zone (record blocks and email).
func (z *Zone) RRSets() []model.RRSet {
	out := make([]model.RRSet, 0, len(z.Records))
	for _, r := range z.Records {
		out = append(out, r.RRSet)
	}
	return out
}

// Record is a desired record set with where it was declared.
type Record struct {
	model.RRSet
	DeclRange hcl.Range // the block (or the email sub-block that generated it)
}

// Settings is a `settings` block: only what is written is managed.
type Settings struct {
	model.Settings
	// Ranges maps a setting id to the attribute that set it, for diagnostics.
	Ranges    map[string]hcl.Range
	DeclRange hcl.Range
}

// Redirect is a `redirect "<name>"` block compiled to a Single Redirect rule.
type Redirect struct {
	Name string
	Rule model.Rule // Phase model.PhaseRedirect, Ref model.RefPrefix+"redirect:"+Name
	// FromURL/ToURL are set when the block used from/to (wildcard form): the literal
	// source pattern and target replacement, for lint and verify.
	FromURL   string
	ToURL     string
	DeclRange hcl.Range
}

// Cache is a `cache "<name>"` block compiled to a Cache Rule.
type Cache struct {
	Name      string
	Rule      model.Rule // Phase model.PhaseCache, Ref model.RefPrefix+"cache:"+Name
	DeclRange hcl.Range
}

// Check is a `check "<name>"` block: an HTTP probe verify runs.
type Check struct {
	Name           string
	URL            string
	Method         string            // default "GET"
	Headers        map[string]Secret // header name → value source
	ExpectStatus   int               // default 200
	Requests       int               // default 20
	Concurrency    int               // default 2
	P95Ms          int               // default 300
	MaxErrorRate   float64           // default 0.01
	NeverCached    bool
	NoMixedContent bool
	Noindex        bool
	DeclRange      hcl.Range
}

// Secret is a value that may come from the environment. Env is set when the value was
// written as env("NAME"); Literal otherwise (only non-secret-looking literals pass
// validation). Resolve reads the environment at use time.
type Secret struct {
	Env     string
	Literal string
}
