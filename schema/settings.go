package schema

import (
	"slices"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
)

var settingsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: model.SettingSSL},
		{Name: model.SettingAlwaysUseHTTPS},
		{Name: model.SettingMinTLSVersion},
		{Name: model.SettingTLS13},
		{Name: model.SettingAutomaticHTTPSRewrites},
		{Name: model.SettingSecurityLevel},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "hsts"}},
}

var hstsSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "enabled"},
		{Name: "max_age"},
		{Name: "include_subdomains"},
		{Name: "preload"},
		{Name: "nosniff"},
	},
}

// Allowed values of the enumerated settings (Cloudflare's API values; the sources are
// in providers/cloudflare/sim/doc.go, "Settings values and their sources").
// origin_pull (Strict, SSL-only origin pull) is left out of SSLModes: it is for
// Enterprise zones only.
var (
	SSLModes       = []string{"off", "flexible", "full", "strict"}
	TLSVersions    = []string{"1.0", "1.1", "1.2", "1.3"}
	TLS13Modes     = []string{"on", "off", "zrt"}
	SecurityLevels = []string{"off", "essentially_off", "low", "medium", "high", "under_attack"}
)

// InertSecurityLevels are the security_level values the API still accepts but that
// change nothing since 2025-03-17: they chose how high a threat score to challenge,
// and the threat score is now always 0. Only under_attack (I'm Under Attack mode)
// still acts. https://developers.cloudflare.com/waf/tools/security-level/,
// https://developers.cloudflare.com/fundamentals/api/reference/deprecations/
// ("Security Level and Threat Score are now automated").
var InertSecurityLevels = []string{"essentially_off", "low", "medium", "high"}

// HSTSMaxAgeLimit is the largest HSTS max_age Cloudflare's dashboard offers (one year,
// also what preload lists ask for).
const HSTSMaxAgeLimit = 31536000

// settingsDecl is a decoded settings block with attribute ranges for the lint.
type settingsDecl struct {
	s *Settings
}

// decodeSettingsBlock reads a zone's `settings` block. Only what is written is
// managed: absent settings are left as they are live.
func (l *loader) decodeSettingsBlock(zs *zoneState, b *hcl.Block) {
	if !zs.caps.Settings {
		l.errorf(b.DefRange, "Settings not supported",
			"%s zones have no zone settings (SSL/TLS, HSTS are Cloudflare features). Remove the settings block.", zs.z.ProviderKind)
		return
	}
	c := l.content(b.Body, settingsSchema)
	s := &Settings{
		Settings:  model.Settings{Values: map[string]string{}},
		Ranges:    map[string]hcl.Range{},
		DeclRange: b.DefRange,
	}
	enum := func(id, what string, allowed []string) {
		a, ok := c.Attributes[id]
		if !ok {
			return
		}
		v, good := l.str(a)
		if !good || !l.oneOf(a.Expr.Range(), what, v, allowed) {
			return
		}
		s.Values[id] = v
		s.Ranges[id] = a.Range
	}
	onOff := func(id string) {
		a, ok := c.Attributes[id]
		if !ok {
			return
		}
		v, good := l.boolean(a)
		if !good {
			return
		}
		s.Values[id] = "off"
		if v {
			s.Values[id] = "on"
		}
		s.Ranges[id] = a.Range
	}
	enum(model.SettingSSL, "SSL mode", SSLModes)
	onOff(model.SettingAlwaysUseHTTPS)
	enum(model.SettingMinTLSVersion, "minimum TLS version", TLSVersions)
	enum(model.SettingTLS13, "TLS 1.3 mode", TLS13Modes)
	onOff(model.SettingAutomaticHTTPSRewrites)
	enum(model.SettingSecurityLevel, "security level", SecurityLevels)
	if v, ok := s.Values[model.SettingSecurityLevel]; ok && slices.Contains(InertSecurityLevels, v) {
		l.warnf(c.Attributes[model.SettingSecurityLevel].Expr.Range(), "Security level has no effect",
			"security_level = %q changes nothing at Cloudflare since 2025-03-17: the levels chose which threat scores to challenge, and the threat score is now always 0. Only \"under_attack\" (I'm Under Attack mode) still acts. Remove the line unless you mean to record the value (https://developers.cloudflare.com/waf/tools/security-level/).", v)
	}

	if hb := l.singleBlock(c.Blocks, "hsts"); hb != nil {
		if h := l.decodeHSTSBlock(hb); h != nil {
			s.HSTS = h
			s.Ranges[model.SettingSecurityHeader] = hb.DefRange
			if s.Values[model.SettingSSL] == "off" && h.Enabled {
				l.errorf(hb.DefRange, "HSTS without SSL",
					"HSTS makes browsers refuse plain HTTP, but ssl = \"off\" serves no HTTPS: the site would become unreachable. Set ssl to \"full\" or \"strict\", or remove hsts.")
			}
		}
	}
	if s.Values[model.SettingSSL] == "off" && s.Values[model.SettingAlwaysUseHTTPS] == "on" {
		l.errorf(s.Ranges[model.SettingAlwaysUseHTTPS], "Always Use HTTPS without SSL",
			"always_use_https redirects every request to HTTPS, but ssl = \"off\" serves no HTTPS. Set ssl to \"full\" or \"strict\".")
	}
	if len(s.Values) == 0 {
		s.Values = nil
	}
	zs.settings = &settingsDecl{s: s}
	zs.z.Settings = s
}

// decodeHSTSBlock reads `hsts { … }`: Cloudflare's security_header setting.
func (l *loader) decodeHSTSBlock(b *hcl.Block) *model.HSTS {
	c := l.content(b.Body, hstsSchema)
	h := &model.HSTS{Enabled: true}
	good := true
	flag := func(name string, dst *bool) {
		if a, ok := c.Attributes[name]; ok {
			if v, okb := l.boolean(a); okb {
				*dst = v
			} else {
				good = false
			}
		}
	}
	flag("enabled", &h.Enabled)
	flag("include_subdomains", &h.IncludeSubdomains)
	flag("preload", &h.Preload)
	flag("nosniff", &h.Nosniff)
	a, ok := c.Attributes["max_age"]
	switch {
	case ok:
		if n, okn := l.integer(a); okn {
			if n < 0 || n > HSTSMaxAgeLimit {
				l.errorf(a.Expr.Range(), "Invalid HSTS max_age",
					"max_age is in seconds, from 0 to %d (one year); %d is out of range.", HSTSMaxAgeLimit, n)
				good = false
			} else {
				h.MaxAge = n
			}
		} else {
			good = false
		}
	case h.Enabled:
		l.errorf(b.DefRange, "Missing HSTS max_age",
			"Write max_age in seconds, e.g. max_age = 31536000 (one year). Start lower (300) while testing: browsers remember it.")
		good = false
	}
	if good && h.Enabled && h.Preload && (!h.IncludeSubdomains || h.MaxAge < HSTSMaxAgeLimit) {
		l.warnf(c.Attributes["preload"].Expr.Range(), "HSTS preload requirements not met",
			"Browser preload lists require include_subdomains = true and max_age of at least %d; preload alone has no effect.", HSTSMaxAgeLimit)
	}
	if !good {
		return nil
	}
	return h
}
