package schema

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
)

var providerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "server", Required: true},
		{Name: "tsig_key", Required: true},
		{Name: "tsig_algorithm"},
		{Name: "tsig_secret_env", Required: true},
		// tsig_secret is in the schema only to refuse it with a precise message.
		{Name: "tsig_secret"},
	},
}

// TSIGAlgorithms are the accepted tsig_algorithm values (RFC 8945 names).
var TSIGAlgorithms = []string{"hmac-sha256", "hmac-sha384", "hmac-sha512", "hmac-sha224", "hmac-sha1", "hmac-md5"}

// envNameRE is what an environment variable name may look like.
var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// decodeProviderBlock reads a `provider "<kind>" "<name>"` block. Only "rfc2136"
// providers are declared; Cloudflare is configured by the environment alone.
func (l *loader) decodeProviderBlock(b *hcl.Block) {
	kind, name := b.Labels[0], b.Labels[1]
	if kind == "cloudflare" {
		l.errorf(b.LabelRanges[0], "Cloudflare needs no provider block",
			"Zones use Cloudflare with provider = \"cloudflare\"; the API token comes from CLOUDFLARE_API_TOKEN. Remove this block.")
		return
	}
	if kind != "rfc2136" {
		l.errorf(b.LabelRanges[0], "Unsupported provider kind",
			"%q is not a provider kind launchready can declare; use \"rfc2136\" (Cloudflare needs no block).%s", kind, didYouMean(kind, []string{"rfc2136"}))
		return
	}
	if !isLabel(name) {
		l.errorf(b.LabelRanges[1], "Invalid provider name",
			"A provider name is letters, digits, dashes and underscores; zones refer to it as \"rfc2136.<name>\".")
		return
	}
	p := &Provider{Kind: kind, Name: name, TSIGAlgorithm: "hmac-sha256", DeclRange: b.DefRange}
	if first, dup := l.cfg.Providers[p.Ref()]; dup {
		l.errorf(b.LabelRanges[1], "Duplicate provider",
			"The provider %s is already declared at %s.", p.Ref(), rangeString(first.DeclRange))
		return
	}
	c := l.content(b.Body, providerSchema)
	if a, has := c.Attributes["tsig_secret"]; has {
		if !l.flagged[flagKey(a.Expr.Range())] {
			l.errorf(a.NameRange, "TSIG secret in the configuration",
				"A TSIG secret must never be written in launch.hcl. Put it in an environment variable and name that variable with tsig_secret_env.")
		}
	}
	if a, has := c.Attributes["server"]; has {
		if s, good := l.str(a); good {
			host, port := splitServer(s)
			if port == "" {
				port = "53" // no port: DNS's
			}
			if n, err := strconv.Atoi(port); host == "" || strings.ContainsAny(host, " /") || err != nil || n < 1 || n > 65535 {
				l.errorf(a.Expr.Range(), "Invalid server", "server is a host name or IP address with an optional port, e.g. \"ns1.corp.example:53\" or \"127.0.0.1:5353\".")
			} else {
				p.Server = joinServer(host, port)
			}
		}
	}
	if a, has := c.Attributes["tsig_key"]; has {
		if s, good := l.str(a); good {
			k, err := model.CanonicalZone(s)
			if err != nil {
				l.errorf(a.Expr.Range(), "Invalid TSIG key name", "tsig_key is the key's domain-style name, e.g. \"launch-key.\": %v.", err)
			} else {
				p.TSIGKey = k + "."
			}
		}
	}
	if a, has := c.Attributes["tsig_algorithm"]; has {
		if s, good := l.str(a); good && l.oneOf(a.Expr.Range(), "TSIG algorithm", strings.ToLower(s), TSIGAlgorithms) {
			p.TSIGAlgorithm = strings.ToLower(s)
		}
	}
	if a, has := c.Attributes["tsig_secret_env"]; has {
		if s, good := l.str(a); good {
			if !envNameRE.MatchString(s) {
				l.errorf(a.Expr.Range(), "Invalid environment variable name",
					"tsig_secret_env names the environment variable that holds the base64 TSIG secret, e.g. \"LAUNCH_TSIG_SECRET\"; it is not the secret itself.")
			} else {
				p.TSIGSecretEnv = s
			}
		}
	}
	// Registered even when invalid, so zones using it get no second error.
	l.cfg.Providers[p.Ref()] = p
}

// isLabel reports whether s is a simple name: letters, digits, '-' and '_'.
func isLabel(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// splitServer splits "host:port", "[v6]:port", "host" or a bare IPv6 address. It is
// written out (not net.SplitHostPort) so that schema stays free of the net package:
// plan, which must do no I/O, imports schema.
func splitServer(s string) (host, port string) {
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "]"); i > 0 {
			host, rest := s[1:i], s[i+1:]
			if strings.HasPrefix(rest, ":") {
				return host, rest[1:]
			}
			if rest == "" {
				return host, ""
			}
			return "", ""
		}
		return "", ""
	}
	if strings.Count(s, ":") == 1 {
		i := strings.LastIndex(s, ":")
		return s[:i], s[i+1:]
	}
	return s, "" // a host name, or a bare IPv6 address
}

func joinServer(host, port string) string {
	if strings.Contains(host, ":") {
		return "[" + host + "]:" + port
	}
	return host + ":" + port
}
