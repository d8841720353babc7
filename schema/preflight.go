package schema

import (
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Preflight is the top-level `preflight` block: what `launchready preflight` checks in
// the environment of the CI step before a deploy. It holds environment variable
// names only, never values, and is not part of the desired state (nor of the
// fingerprint): changing it does not make saved plans stale.
//
//	preflight {
//	  required_env        = ["DATABASE_URL", "STRIPE_SECRET_KEY", "NEXT_PUBLIC_APP_URL"]
//	  public_env_prefixes = ["NEXT_PUBLIC_", "VITE_", "PUBLIC_"]
//	  public_env_allow    = ["NEXT_PUBLIC_FIREBASE_API_KEY"]
//	}
type Preflight struct {
	// RequiredEnv must each be set, non-empty and not a placeholder.
	RequiredEnv []EnvName
	// PublicEnvPrefixes start the names of variables whose values ship to browsers
	// (the framework inlines them into client bundles); none may hold a secret.
	PublicEnvPrefixes []string
	// PublicEnvAllow are public variables whose value is public by design although
	// it has a credential's shape (a Firebase web API key, a Mapbox public token):
	// the secret check skips them, and says so.
	PublicEnvAllow []EnvName
	DeclRange      hcl.Range
}

// EnvName is an environment variable name with where it was written.
type EnvName struct {
	Name  string
	Range hcl.Range
}

// PublicPrefix returns the public prefix name starts with, or "".
func (p *Preflight) PublicPrefix(name string) string {
	for _, pre := range p.PublicEnvPrefixes {
		if strings.HasPrefix(name, pre) {
			return pre
		}
	}
	return ""
}

var preflightSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "required_env"},
		{Name: "public_env_prefixes"},
		{Name: "public_env_allow"},
	},
}

// envPrefixRE is what a public prefix may look like: the start of a variable name.
var envPrefixRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// decodePreflightBlock reads the `preflight` block.
func (l *loader) decodePreflightBlock(b *hcl.Block) *Preflight {
	p := &Preflight{DeclRange: b.DefRange}
	c := l.content(b.Body, preflightSchema)
	if a, has := c.Attributes["required_env"]; has {
		p.RequiredEnv = l.envNames(a, "required_env")
	}
	if a, has := c.Attributes["public_env_prefixes"]; has {
		if list, ok := l.strList(a); ok {
			seen := map[string]hcl.Range{}
			for _, e := range list {
				switch {
				case !envPrefixRE.MatchString(e.Value):
					l.errorf(e.Range, "Invalid public prefix",
						"public_env_prefixes holds the starts of variable names whose values ship to browsers, e.g. \"NEXT_PUBLIC_\" or \"VITE_\": letters, digits and underscores, not starting with a digit.")
				case hasRange(seen, e.Value):
					l.errorf(e.Range, "Duplicate public prefix", "%s is already listed at %s.", e.Value, rangeString(seen[e.Value]))
				default:
					seen[e.Value] = e.Range
					p.PublicEnvPrefixes = append(p.PublicEnvPrefixes, e.Value)
				}
			}
		}
	}
	if a, has := c.Attributes["public_env_allow"]; has {
		for _, n := range l.envNames(a, "public_env_allow") {
			if p.PublicPrefix(n.Name) == "" {
				l.errorf(n.Range, "Not a public variable",
					"public_env_allow lists public variables whose values are public by design; %s starts with none of public_env_prefixes, so it is never checked for secrets anyway. Remove it.", n.Name)
				continue
			}
			p.PublicEnvAllow = append(p.PublicEnvAllow, n)
		}
	}
	if len(c.Attributes) == 0 {
		l.warnf(b.DefRange, "Empty preflight block",
			"This preflight block checks nothing: list the variables the deploy needs in required_env, and the prefixes of browser-visible variables in public_env_prefixes.")
	}
	return p
}

// envNames evaluates a list of environment variable names, reporting invalid and
// duplicate ones at their element.
func (l *loader) envNames(a *hcl.Attribute, attr string) []EnvName {
	list, ok := l.strList(a)
	if !ok {
		return nil
	}
	var out []EnvName
	seen := map[string]hcl.Range{}
	for _, e := range list {
		switch {
		case !envNameRE.MatchString(e.Value):
			l.errorf(e.Range, "Invalid environment variable name",
				"%s holds environment variable names (letters, digits and underscores, not starting with a digit), e.g. \"DATABASE_URL\"; never a value.", attr)
		case hasRange(seen, e.Value):
			l.errorf(e.Range, "Duplicate environment variable", "%s is already listed at %s.", e.Value, rangeString(seen[e.Value]))
		default:
			seen[e.Value] = e.Range
			out = append(out, EnvName{Name: e.Value, Range: e.Range})
		}
	}
	return out
}

func hasRange(m map[string]hcl.Range, k string) bool { _, ok := m[k]; return ok }
