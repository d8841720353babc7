package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// fingerprintVersion changes whenever the canonical form below changes meaning.
const fingerprintVersion = 1

// The canonical form hashed by fingerprint: the evaluated desired state, in a fixed
// order, with no source positions and no secret values (check headers keep the
// environment variable's name; literal header values are never secrets).
type (
	fpConfig struct {
		Version   int          `json:"version"`
		Providers []fpProvider `json:"providers"`
		Zones     []fpZone     `json:"zones"`
	}
	fpProvider struct {
		Ref           string `json:"ref"`
		Server        string `json:"server"`
		TSIGKey       string `json:"tsig_key"`
		TSIGAlgorithm string `json:"tsig_algorithm"`
		TSIGSecretEnv string `json:"tsig_secret_env"`
	}
	fpZone struct {
		Name          string          `json:"name"`
		Provider      string          `json:"provider"`
		Authoritative bool            `json:"authoritative"`
		Ignore        []string        `json:"ignore"`
		Owner         string          `json:"owner,omitempty"`
		Records       []model.RRSet   `json:"records"`
		Settings      *model.Settings `json:"settings"`
		Rules         []model.Rule    `json:"rules"`
		Email         *email.Policy   `json:"email"`
		Checks        []fpCheck       `json:"checks"`
	}
	fpCheck struct {
		Name           string     `json:"name"`
		URL            string     `json:"url"`
		Method         string     `json:"method"`
		Headers        []fpHeader `json:"headers"`
		ExpectStatus   int        `json:"expect_status"`
		Requests       int        `json:"requests"`
		Concurrency    int        `json:"concurrency"`
		P95Ms          int        `json:"p95_ms"`
		MaxErrorRate   float64    `json:"max_error_rate"`
		NeverCached    bool       `json:"never_cached"`
		NoMixedContent bool       `json:"no_mixed_content"`
		Noindex        bool       `json:"noindex"`
	}
	fpHeader struct {
		Name    string `json:"name"`
		Env     string `json:"env,omitempty"`
		Literal string `json:"literal,omitempty"`
	}
)

// fingerprint is the sha256 (hex) of the canonical JSON of cfg's desired state, so a
// saved plan can tell whether the configuration it came from still means the same
// thing (formatting, comments and variable spelling do not count). The zones are
// encoded several at once and hashed in order: the bytes are json.Marshal's of the
// whole fpConfig (TestFingerprintEncoding).
func fingerprint(cfg *Config) string {
	providers := []fpProvider{}
	refs := make([]string, 0, len(cfg.Providers))
	for r := range cfg.Providers {
		refs = append(refs, r)
	}
	sort.Strings(refs)
	for _, r := range refs {
		p := cfg.Providers[r]
		providers = append(providers, fpProvider{Ref: r, Server: p.Server, TSIGKey: p.TSIGKey, TSIGAlgorithm: p.TSIGAlgorithm, TSIGSecretEnv: p.TSIGSecretEnv})
	}
	zones := append([]*Zone(nil), cfg.Zones...)
	sort.Slice(zones, func(i, j int) bool { return zones[i].Name < zones[j].Name })
	encoded := make([][]byte, len(zones))
	parallel(len(zones), func(i int) { encoded[i] = mustMarshal(fingerprintZone(zones[i])) })

	h := sha256.New()
	fmt.Fprintf(h, `{"version":%d,"providers":`, fingerprintVersion)
	h.Write(mustMarshal(providers))
	h.Write([]byte(`,"zones":[`))
	for i, z := range encoded {
		if i > 0 {
			h.Write([]byte{','})
		}
		h.Write(z)
	}
	h.Write([]byte("]}"))
	return hex.EncodeToString(h.Sum(nil))
}

// fingerprintZone is a zone's canonical form.
func fingerprintZone(z *Zone) fpZone {
	fz := fpZone{Name: z.Name, Provider: z.Provider, Authoritative: z.Authoritative, Owner: z.Owner, Ignore: append([]string{}, z.Ignore...),
		Records: []model.RRSet{}, Rules: []model.Rule{}, Email: z.Email, Checks: []fpCheck{}}
	// Entries narrowed by type or value change the plan too; whole-name globs
	// are in Ignore already (so plain lists fingerprint as before).
	for _, r := range z.IgnoreRules {
		if !r.WholeName() {
			fz.Ignore = append(fz.Ignore, r.String())
		}
	}
	sort.Strings(fz.Ignore)
	fz.Records = append(fz.Records, z.RRSets()...)
	sort.SliceStable(fz.Records, func(i, j int) bool {
		a, b := fz.Records[i], fz.Records[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		return a.Origin < b.Origin
	})
	if z.Settings != nil {
		fz.Settings = &z.Settings.Settings
	}
	// Rule order within a phase is meaningful: keep file order.
	for _, r := range z.Redirects {
		fz.Rules = append(fz.Rules, r.Rule)
	}
	for _, c := range z.Caches {
		fz.Rules = append(fz.Rules, c.Rule)
	}
	for _, c := range z.Checks {
		fc := fpCheck{Name: c.Name, URL: c.URL, Method: c.Method, Headers: []fpHeader{}, ExpectStatus: c.ExpectStatus,
			Requests: c.Requests, Concurrency: c.Concurrency, P95Ms: c.P95Ms, MaxErrorRate: c.MaxErrorRate,
			NeverCached: c.NeverCached, NoMixedContent: c.NoMixedContent, Noindex: c.Noindex}
		for _, h := range sortedHeaderNames(c.Headers) {
			s := c.Headers[h]
			fh := fpHeader{Name: h, Env: s.Env}
			if s.Env == "" {
				fh.Literal = s.Literal
			}
			fc.Headers = append(fc.Headers, fh)
		}
		fz.Checks = append(fz.Checks, fc)
	}
	return fz
}

// mustMarshal is json.Marshal of plain data, which cannot fail.
func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("schema: fingerprint: " + err.Error())
	}
	return b
}
