package schema

import (
	"fmt"
	"net/netip"
	"net/url"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/launchready/launchready/model"
)

var checkSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "url", Required: true},
		{Name: "method"},
		{Name: "headers"},
		{Name: "expect_status"},
		{Name: "requests"},
		{Name: "concurrency"},
		{Name: "p95_ms"},
		{Name: "max_error_rate"},
		{Name: "never_cached"},
		{Name: "no_mixed_content"},
		{Name: "noindex"},
	},
}

// Check defaults (issue 5).
const (
	DefaultCheckMethod       = "GET"
	DefaultCheckStatus       = 200
	DefaultCheckRequests     = 20
	DefaultCheckConcurrency  = 2
	DefaultCheckP95Ms        = 300
	DefaultCheckMaxErrorRate = 0.01

	MaxCheckRequests    = 10000
	MaxCheckConcurrency = 100
)

// CheckMethods are the HTTP methods a check may use.
var CheckMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// checkDecl is a decoded check block with the ranges the lint points at.
type checkDecl struct {
	c           *Check
	urlRange    hcl.Range
	neverCached hcl.Range
}

// decodeCheckBlock reads a `check "<name>"` block: an HTTP probe for verify.
func (l *loader) decodeCheckBlock(zs *zoneState, b *hcl.Block) *checkDecl {
	c := l.content(b.Body, checkSchema)
	ch := &Check{
		Name:         b.Labels[0],
		Method:       DefaultCheckMethod,
		Headers:      map[string]Secret{},
		ExpectStatus: DefaultCheckStatus,
		Requests:     DefaultCheckRequests,
		Concurrency:  DefaultCheckConcurrency,
		P95Ms:        DefaultCheckP95Ms,
		MaxErrorRate: DefaultCheckMaxErrorRate,
		DeclRange:    b.DefRange,
	}
	d := &checkDecl{c: ch}
	good := true
	if a, ok := c.Attributes["url"]; ok {
		d.urlRange = a.Expr.Range()
		s, oks := l.str(a)
		switch {
		case oks && l.flagged[flagKey(a.Expr.Range())]:
			good = false // already reported as a literal secret
		case oks:
			if u, msg := checkURL(s); msg != "" {
				l.errorf(a.Expr.Range(), "Invalid check URL", "%s", msg)
				good = false
			} else {
				ch.URL = u
			}
		default:
			good = false
		}
	}
	if a, ok := c.Attributes["method"]; ok {
		if s, oks := l.str(a); oks && l.oneOf(a.Expr.Range(), "HTTP method", strings.ToUpper(s), CheckMethods) {
			ch.Method = strings.ToUpper(s)
		} else {
			good = false
		}
	}
	if a, ok := c.Attributes["headers"]; ok {
		if !l.decodeHeaders(ch, a) {
			good = false
		}
	}
	intRange := func(attr string, lo, hi int, dst *int, what string) {
		a, ok := c.Attributes[attr]
		if !ok {
			return
		}
		n, okn := l.integer(a)
		switch {
		case !okn:
			good = false
		case n < lo || n > hi:
			l.errorf(a.Expr.Range(), "Invalid "+attr, "%s must be from %d to %d; %d is out of range.", what, lo, hi, n)
			good = false
		default:
			*dst = n
		}
	}
	intRange("expect_status", 100, 599, &ch.ExpectStatus, "expect_status (an HTTP status code)")
	intRange("requests", 1, MaxCheckRequests, &ch.Requests, "requests (how many requests to send)")
	intRange("concurrency", 1, MaxCheckConcurrency, &ch.Concurrency, "concurrency (requests in flight at once)")
	intRange("p95_ms", 1, 600000, &ch.P95Ms, "p95_ms (the 95th-percentile latency budget in milliseconds)")
	if a, ok := c.Attributes["concurrency"]; ok && ch.Concurrency > ch.Requests {
		l.errorf(a.Expr.Range(), "Invalid concurrency",
			"concurrency (%d) is larger than requests (%d): at most %d requests can be in flight.", ch.Concurrency, ch.Requests, ch.Requests)
		good = false
	}
	if a, ok := c.Attributes["max_error_rate"]; ok {
		f, okf := l.number(a)
		switch {
		case !okf:
			good = false
		case f < 0 || f > 1:
			l.errorf(a.Expr.Range(), "Invalid max_error_rate",
				"max_error_rate is a fraction from 0 to 1 (0.01 = 1 %% of requests may fail); %g is out of range.", f)
			good = false
		default:
			ch.MaxErrorRate = f
		}
	}
	flag := func(attr string, dst *bool) *hcl.Attribute {
		a, ok := c.Attributes[attr]
		if !ok {
			return nil
		}
		if v, okb := l.boolean(a); okb {
			*dst = v
		} else {
			good = false
		}
		return a
	}
	if a := flag("never_cached", &ch.NeverCached); a != nil {
		d.neverCached = a.Range
	}
	flag("no_mixed_content", &ch.NoMixedContent)
	flag("noindex", &ch.Noindex)
	if !good {
		return nil
	}
	return d
}

// checkURL validates a check URL: absolute http or https, with a host and without
// credentials.
func checkURL(s string) (string, string) {
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Sprintf("%q is not a URL: %v.", s, err)
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return "", fmt.Sprintf("%q must start with https:// (or http://).", s)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Sprintf("%q has no host.", s)
	}
	if u.User != nil {
		return "", "A check URL cannot carry credentials (user:password@). Send them in a header whose value is env(\"NAME\")."
	}
	if u.Fragment != "" {
		return "", "A check URL has no #fragment: browsers never send it."
	}
	if _, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err != nil {
		h, err := model.CanonicalZone(u.Hostname())
		if err != nil {
			return "", fmt.Sprintf("%q has an invalid host: %v.", s, err)
		}
		if p := u.Port(); p != "" {
			h += ":" + p
		}
		u.Host = h // lower case, Punycode: the name DNS and TLS see
	}
	return u.String(), ""
}

// sensitiveWords mark a header (or attribute, or map key) name as one whose value is
// a secret.
var sensitiveWords = map[string]bool{
	"authorization": true, "auth": true, "cookie": true, "token": true, "secret": true,
	"password": true, "passwd": true, "apikey": true, "key": true, "session": true,
	"signature": true, "credential": true, "credentials": true, "jwt": true,
}

// SensitiveHeader reports whether an HTTP header carries a secret, so that its value
// must come from env(): Authorization, Proxy-Authorization, Cookie, and any name with
// a word such as Token, Key, Secret, Auth, Session or Password (X-Api-Key,
// X-Auth-Token, …).
func SensitiveHeader(name string) bool {
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
		if sensitiveWords[w] {
			return true
		}
	}
	return false
}

// validHeaderName reports whether s is an HTTP header field name (RFC 9110 token).
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return true
}

// decodeHeaders reads a check's headers map. A value written as env("NAME") keeps only
// the variable's name; literal values are allowed for headers that are not sensitive.
func (l *loader) decodeHeaders(ch *Check, a *hcl.Attribute) bool {
	type item struct {
		key     hcl.Expression
		value   hcl.Expression
		keyName string
	}
	var items []item
	if obj, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
		for _, it := range obj.Items {
			items = append(items, item{key: it.KeyExpr, value: it.ValueExpr})
		}
	} else {
		// A computed map (a variable, merge(…)): no env() possible inside.
		v, ok := l.value(a.Expr)
		if !ok {
			return false
		}
		m, err := convert.Convert(v, cty.Map(cty.String))
		if err != nil {
			l.typeError(a.Expr, "A map of header names to values", err)
			return false
		}
		good := true
		for k, hv := range m.AsValueMap() {
			if !l.addHeader(ch, k, Secret{Literal: hv.AsString()}, a.Expr.Range(), a.Expr.Range()) {
				good = false
			}
		}
		return good
	}
	good := true
	seen := map[string]hcl.Range{}
	for _, it := range items {
		kv, ok := l.value(it.key)
		if !ok {
			good = false
			continue
		}
		ks, err := convert.Convert(kv, cty.String)
		if err != nil {
			l.typeError(it.key, "A header name", err)
			good = false
			continue
		}
		name := ks.AsString()
		if first, dup := seen[strings.ToLower(name)]; dup {
			l.errorf(it.key.Range(), "Duplicate header", "The header %s is already set at %s (header names are case-insensitive).", name, rangeString(first))
			good = false
			continue
		}
		seen[strings.ToLower(name)] = it.key.Range()
		var sec Secret
		if call, isEnv := unwrapEnvCall(it.value); isEnv {
			envName, ok := l.envCallName(call)
			if !ok {
				good = false
				continue
			}
			sec.Env = envName
		} else {
			s, ok := l.strExpr(it.value)
			if !ok {
				good = false
				continue
			}
			sec.Literal = s
		}
		if !l.addHeader(ch, name, sec, it.key.Range(), it.value.Range()) {
			good = false
		}
	}
	return good
}

// addHeader validates one header and adds it to the check.
func (l *loader) addHeader(ch *Check, name string, sec Secret, keyRange, valueRange hcl.Range) bool {
	if !validHeaderName(name) {
		l.errorf(keyRange, "Invalid header name", "%q is not an HTTP header name.", name)
		return false
	}
	if sec.Env == "" {
		if strings.ContainsAny(sec.Literal, "\r\n") {
			l.errorf(valueRange, "Invalid header value", "A header value cannot contain a line break.")
			return false
		}
		if SensitiveHeader(name) {
			if !l.flagged[flagKey(valueRange)] {
				l.errorf(valueRange, "Secret header value in the configuration",
					"%s carries a secret, so its value must come from the environment: write %s = env(\"YOUR_VARIABLE\") and set YOUR_VARIABLE where verify runs (the variable holds the whole value, e.g. \"Bearer …\").", name, name)
			}
			return false
		}
	}
	ch.Headers[name] = sec
	return true
}

// unwrapEnvCall reports whether e is an env(…) call, looking through parentheses.
func unwrapEnvCall(e hcl.Expression) (*hclsyntax.FunctionCallExpr, bool) {
	for {
		switch x := e.(type) {
		case *hclsyntax.FunctionCallExpr:
			return x, x.Name == "env"
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
		default:
			return nil, false
		}
	}
}

// envCallName checks an env("NAME") call and returns NAME. The argument may be any
// constant string expression (not another env call).
func (l *loader) envCallName(call *hclsyntax.FunctionCallExpr) (string, bool) {
	if len(call.Args) != 1 || call.ExpandFinal {
		l.errorf(call.Range(), "Invalid env() call", "env takes one argument, the name of an environment variable: env(\"LAUNCH_CHECK_TOKEN\").")
		return "", false
	}
	name, ok := l.strExpr(call.Args[0])
	if !ok {
		return "", false
	}
	if !envNameRE.MatchString(name) {
		l.errorf(call.Args[0].Range(), "Invalid environment variable name",
			"%q is not an environment variable name (letters, digits and underscores, not starting with a digit). env() takes the variable's name, never the secret itself.", name)
		return "", false
	}
	return name, true
}

// String describes where the value comes from without revealing a secret:
// env("NAME") or the literal (literals are never secrets: validation refuses them).
func (s Secret) String() string {
	if s.Env != "" {
		return fmt.Sprintf("env(%q)", s.Env)
	}
	return s.Literal
}

// Resolve returns the value: the literal, or the environment variable's value read
// with lookup (os.LookupEnv in the CLI). An unset variable is an error naming it.
func (s Secret) Resolve(lookup func(string) (string, bool)) (string, error) {
	if s.Env == "" {
		return s.Literal, nil
	}
	if lookup == nil {
		return "", fmt.Errorf("environment variable %s is not available", s.Env)
	}
	v, ok := lookup(s.Env)
	if !ok {
		return "", fmt.Errorf("environment variable %s is not set", s.Env)
	}
	return v, nil
}

// sortedHeaderNames returns a check's header names in order (for fingerprints and
// output).
func sortedHeaderNames(h map[string]Secret) []string {
	out := make([]string, 0, len(h))
	for k := range h {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
