package preflight

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// Secret detection for public variables.
//
// The rules are gitleaks' default rule set (github.com/zricethezav/gitleaks/v8, its
// embedded config/gitleaks.toml: some 220 provider-specific rules with keywords,
// entropy thresholds and allowlists, maintained upstream), applied to the value alone.
// The variable's name is not given to gitleaks: its generic "key/secret/token near a
// high-entropy string" rule would fire on every public key named *_KEY (a Stripe
// publishable key, a Supabase anon key), which is exactly what public variables hold.
//
// On top of gitleaks, launchready's own rules (tested in secrets_test.go):
//   - launchready:url-password: a URL with a password (postgres://user:pw@host/db),
//     which gitleaks' default rules do not flag;
//   - launchready:secret-name: the part of the name after the public prefix says the
//     value is secret (a SECRET, PASSWORD, PASSWD, PRIVATE, SERVICE_ROLE or CREDENTIAL
//     word) and the value is at least 8 characters: NEXT_PUBLIC_STRIPE_SECRET_KEY is a
//     mistake whatever its value looks like;
//   - JSON Web Tokens (gitleaks' jwt rule) are read: a token whose payload claims
//     "role": "anon" is a Supabase anon key, public by design, and passes; one that
//     claims "service_role" is reported as a Supabase service-role key.
//
// Values that are public by design yet look like credentials (a Firebase web API key
// "AIza…", a Mapbox public token "pk.…") are listed in the block's public_env_allow.

// Secret describes a detected secret: what it is and which rule found it.
type Secret struct {
	Kind string // "stripe-access-token", "a URL with a password", …
	Rule string // "gitleaks:stripe-access-token", "launchready:url-password", …
}

var (
	detectorOnce sync.Once
	detector     *detect.Detector
	detectorErr  error
	detectorMu   sync.Mutex
)

// gitleaks returns the detector with gitleaks' default rules, built once. gitleaks
// logs (at debug level) the secrets it finds: its logger is silenced for good.
func gitleaks() (*detect.Detector, error) {
	detectorOnce.Do(func() {
		logging.Logger = zerolog.Nop()
		detector, detectorErr = detect.NewDetectorDefaultConfig()
		if detector != nil {
			detector.MaxDecodeDepth = 2 // also look inside base64/percent/hex-encoded values
			detector.Redact = 100
		}
	})
	return detector, detectorErr
}

var (
	urlPasswordRE = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@`)
	secretNameRE  = regexp.MustCompile(`(^|_)(SECRET|SECRETS|PASSWORD|PASSWD|PWD|PRIVATE|SERVICE_ROLE|CREDENTIAL|CREDENTIALS)(_|$)`)
)

// DetectSecret reports whether value, held by the public variable name (which starts
// with prefix), is a secret. It never returns or records the value.
func DetectSecret(name, prefix, value string) (Secret, bool) {
	v := strings.TrimSpace(value)
	if v == "" {
		return Secret{}, false
	}
	rest := strings.ToUpper(strings.TrimPrefix(name, prefix))
	if len(v) >= 8 && secretNameRE.MatchString(rest) {
		return Secret{Kind: "a value its name calls secret", Rule: "launchready:secret-name"}, true
	}
	if urlPasswordRE.MatchString(v) {
		return Secret{Kind: "a URL with a password", Rule: "launchready:url-password"}, true
	}
	d, err := gitleaks()
	if err != nil {
		// The embedded rules failed to load: a broken build, not a clean value.
		return Secret{Kind: "unknown (the gitleaks rules did not load: " + err.Error() + ")", Rule: "launchready:rules-unavailable"}, true
	}
	detectorMu.Lock()
	findings := d.DetectString(v)
	detectorMu.Unlock()
	var found *Secret
	for _, f := range findings {
		if f.RuleID == "jwt" || f.RuleID == "jwt-base64" {
			switch jwtRole(v) {
			case "anon":
				continue // a Supabase anon key: public by design
			case "service_role":
				return Secret{Kind: "a Supabase service-role key", Rule: "gitleaks:" + f.RuleID}, true
			}
		}
		if found == nil {
			found = &Secret{Kind: f.RuleID, Rule: "gitleaks:" + f.RuleID}
		}
	}
	if found != nil {
		return *found, true
	}
	return Secret{}, false
}

// jwtRole returns the "role" claim of a JSON Web Token's payload, or "".
func jwtRole(tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims struct {
		Role string `json:"role"`
	}
	if json.Unmarshal(raw, &claims) != nil {
		return ""
	}
	return claims.Role
}
