package schema

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/zclconf/go-cty/cty"

	"github.com/launchready/launchready/model"
)

var redirectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "from"},
		{Name: "to"},
		{Name: "expression"},
		{Name: "target_expression"},
		{Name: "status"},
		{Name: "preserve_query"},
	},
}

// RedirectStatuses are the status codes a redirect block may use.
var RedirectStatuses = []int{301, 302, 307, 308}

// redirectDecl is a decoded redirect block with the ranges the lint points at.
type redirectDecl struct {
	r         *Redirect
	fromRange hcl.Range
	toRange   hcl.Range // the to or target_expression attribute
	static    bool      // the target is a fixed URL (TargetURL)
}

// wildcardRef matches a reference to a wildcard capture in a replacement: ${1}.
var wildcardRef = regexp.MustCompile(`\$\{([0-9]+)\}`)

// decodeRedirectBlock reads a `redirect "<name>"` block and compiles it to a Single
// Redirect rule (see CompileRedirect).
func (l *loader) decodeRedirectBlock(zs *zoneState, b *hcl.Block) *redirectDecl {
	if !zs.caps.Redirects {
		l.errorf(b.DefRange, "Redirects not supported",
			"%s zones have no edge to run redirects (they are Cloudflare rules). Remove the redirect block, or serve the redirect from your origin.", zs.z.ProviderKind)
		return nil
	}
	name := b.Labels[0]
	c := l.content(b.Body, redirectSchema)
	d := &redirectDecl{r: &Redirect{Name: name, DeclRange: b.DefRange}}
	from, to, expr, target := c.Attributes["from"], c.Attributes["to"], c.Attributes["expression"], c.Attributes["target_expression"]

	status := 301
	if a, ok := c.Attributes["status"]; ok {
		n, good := l.integer(a)
		if !good {
			return nil
		}
		valid := false
		for _, s := range RedirectStatuses {
			valid = valid || s == n
		}
		if !valid {
			l.errorf(a.Expr.Range(), "Invalid redirect status",
				"%d is not a redirect status launchready writes; use 301 or 308 (permanent) or 302 or 307 (temporary).", n)
			return nil
		}
		status = n
	}
	preserve := false
	if a, ok := c.Attributes["preserve_query"]; ok {
		v, good := l.boolean(a)
		if !good {
			return nil
		}
		preserve = v
	}

	switch {
	case from != nil && expr != nil:
		l.errorf(expr.NameRange, "Both from and expression",
			"A redirect matches either a wildcard URL pattern (from) or a raw rules expression (expression), not both.")
		return nil
	case from == nil && expr == nil:
		l.errorf(b.DefRange, "Missing redirect source",
			"Write from = \"https://www.example.com/*\" (a wildcard URL pattern), or expression = \"…\" in Cloudflare's rules language.")
		return nil
	case to != nil && target != nil:
		l.errorf(target.NameRange, "Both to and target_expression",
			"A redirect's target is either to (a URL, with ${1}… wildcard references when from is used) or target_expression, not both.")
		return nil
	case to == nil && target == nil:
		l.errorf(b.DefRange, "Missing redirect target",
			"Write to = \"https://example.com/$${1}\" (a URL; $${n} refers to the n-th * of from), or target_expression = \"…\".")
		return nil
	case from != nil && target != nil:
		l.errorf(target.NameRange, "target_expression needs expression",
			"With from, write the target as to = \"https://…/$${1}\"; target_expression goes with a raw expression.")
		return nil
	}

	spec := RedirectSpec{Name: name, Status: status, PreserveQuery: preserve}
	if from != nil {
		s, good := l.str(from)
		if !good {
			return nil
		}
		f, err := canonicalURLPattern(s)
		if err != nil {
			l.errorf(from.Expr.Range(), "Invalid redirect source", "%v.", err)
			return nil
		}
		if h := patternHost(f); !hostMayBeInZone(h, zs.z.Name) {
			l.errorf(from.Expr.Range(), "Redirect source outside the zone",
				"%s is not a host of zone %s: the zone's rules only see requests for its own names.", h, zs.z.Name)
			return nil
		}
		spec.From = f
		d.fromRange = from.Expr.Range()
	} else {
		s, good := l.str(expr)
		if !good {
			return nil
		}
		if strings.TrimSpace(s) == "" {
			l.errorf(expr.Expr.Range(), "Empty expression", "expression is a rules-language filter, e.g. (http.host eq \"old.example.com\").")
			return nil
		}
		spec.Expression = strings.TrimSpace(s)
		d.fromRange = expr.Expr.Range()
	}
	if to != nil {
		if r := numericInterpolation(to.Expr); r != nil {
			l.errorf(*r, "Wildcard reference written as interpolation",
				"In HCL, ${1} inside a string is an interpolation (it inserts the number 1). Write $${1} to put the wildcard reference ${1} in the target.")
			return nil
		}
		s, good := l.str(to)
		if !good {
			return nil
		}
		if err := checkTarget(s, spec.From); err != nil {
			l.errorf(to.Expr.Range(), "Invalid redirect target", "%v.", err)
			return nil
		}
		spec.To = s
		d.toRange = to.Expr.Range()
	} else {
		s, good := l.str(target)
		if !good {
			return nil
		}
		if strings.TrimSpace(s) == "" {
			l.errorf(target.Expr.Range(), "Empty target expression", "target_expression is a rules-language expression that yields the target URL.")
			return nil
		}
		spec.TargetExpression = strings.TrimSpace(s)
		d.toRange = target.Expr.Range()
	}
	rule := CompileRedirect(spec)
	d.r.Rule = rule
	d.r.FromURL = spec.From
	if spec.From != "" {
		d.r.ToURL = spec.To
	}
	d.static = rule.Redirect.TargetURL != ""
	return d
}

// RedirectSpec is a redirect block's content, the input of CompileRedirect.
type RedirectSpec struct {
	Name string
	// From is a wildcard URL pattern ("https://www.example.com/*"), or empty when
	// Expression is used.
	From string
	// To is the target: a wildcard replacement ("https://example.com/${1}") with From,
	// or a fixed URL. Empty when TargetExpression is used.
	To               string
	Expression       string
	TargetExpression string
	Status           int // 0 means 301
	PreserveQuery    bool
}

// CompileRedirect turns a redirect block into its Single Redirect rule. The text is
// deterministic, and ParseRedirectExpression reverses it:
//
//	expression:        (http.request.full_uri wildcard "<from>")
//	target expression: wildcard_replace(http.request.full_uri, "<from>", "<to>")
//
// The target is a fixed URL (TargetURL) when To holds no ${n} reference.
func CompileRedirect(s RedirectSpec) model.Rule {
	status := s.Status
	if status == 0 {
		status = 301
	}
	r := model.Rule{
		Ref:         model.RefPrefix + "redirect:" + s.Name,
		Phase:       model.PhaseRedirect,
		Description: "launchready: " + s.Name,
		Action:      "redirect",
		Enabled:     true,
		Redirect:    &model.RedirectAction{StatusCode: status, PreserveQuery: s.PreserveQuery},
	}
	if s.From != "" {
		r.Expression = "(http.request.full_uri wildcard " + quoteRuleString(s.From) + ")"
		r.Redirect.From = s.From
		r.Redirect.To = s.To
	} else {
		r.Expression = s.Expression
	}
	switch {
	case s.TargetExpression != "":
		r.Redirect.TargetExpression = s.TargetExpression
	case s.From != "" && wildcardRef.MatchString(s.To):
		r.Redirect.TargetExpression = "wildcard_replace(http.request.full_uri, " + quoteRuleString(s.From) + ", " + quoteRuleString(s.To) + ")"
	default:
		r.Redirect.TargetURL = s.To
	}
	return r
}

// ParseRedirectExpression reverses CompileRedirect for import: given a rule's
// expression and its target (the target expression, or the fixed target URL when the
// rule has none), it returns the from pattern and to replacement of the redirect block
// that compiles to exactly that rule. ok is false for any other shape (a hand-written
// rule, which import writes with expression/target_expression instead).
func ParseRedirectExpression(expr, target string) (from, to string, ok bool) {
	rest, ok := strings.CutPrefix(expr, "(http.request.full_uri wildcard ")
	if !ok {
		return "", "", false
	}
	from, rest, ok = parseRuleString(rest)
	if !ok || rest != ")" || from == "" {
		return "", "", false
	}
	if _, err := canonicalURLPattern(from); err != nil {
		return "", "", false
	}
	if t, isExpr := strings.CutPrefix(target, "wildcard_replace(http.request.full_uri, "); isExpr {
		f2, t, ok := parseRuleString(t)
		if !ok || f2 != from {
			return "", "", false
		}
		t, ok = strings.CutPrefix(t, ", ")
		if !ok {
			return "", "", false
		}
		to, t, ok = parseRuleString(t)
		if !ok || t != ")" || !wildcardRef.MatchString(to) {
			return "", "", false
		}
		return from, to, true
	}
	if wildcardRef.MatchString(target) || checkTarget(target, from) != nil {
		return "", "", false
	}
	return from, target, true
}

// ParseRedirectRule is ParseRedirectExpression applied to a rule: the from and to a
// redirect block would need to compile to r, if it has that shape.
func ParseRedirectRule(r model.Rule) (from, to string, ok bool) {
	if r.Action != "redirect" || r.Redirect == nil {
		return "", "", false
	}
	target := r.Redirect.TargetExpression
	if target == "" {
		target = r.Redirect.TargetURL
	}
	return ParseRedirectExpression(r.Expression, target)
}

// quoteRuleString writes s as a rules-language string literal.
func quoteRuleString(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	s = strings.ReplaceAll(s, `"`, `\"`)
	return `"` + s + `"`
}

// parseRuleString reads a rules-language string literal at the start of s and
// returns its value and what follows.
func parseRuleString(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) {
				return "", "", false
			}
			i++
			b.WriteByte(s[i])
		case '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", false
}

// canonicalURLPattern checks a wildcard URL pattern ("https://www.example.com/*")
// and returns it with its host in canonical form (lower case, Punycode).
func canonicalURLPattern(p string) (string, error) {
	scheme, rest, ok := strings.Cut(p, "://")
	if !ok || !(scheme == "http" || scheme == "https" || scheme == "*") {
		return "", fmt.Errorf("%q must be a URL pattern starting with https://, http:// or *://, e.g. \"https://www.example.com/*\"", p)
	}
	host, path, hasPath := strings.Cut(rest, "/")
	if host == "" {
		return "", fmt.Errorf("%q has no host", p)
	}
	if strings.ContainsAny(host, " \t") || strings.Contains(host, "@") {
		return "", fmt.Errorf("%q has an invalid host %q", p, host)
	}
	h, err := canonicalPatternHost(host)
	if err != nil {
		return "", fmt.Errorf("%q: %v", p, err)
	}
	out := scheme + "://" + h
	if hasPath {
		out += "/" + path
	}
	return out, nil
}

// canonicalPatternHost canonicalises a host that may hold * wildcards (and a port).
func canonicalPatternHost(host string) (string, error) {
	hostOnly, port, hasPort := strings.Cut(host, ":")
	labels := strings.Split(hostOnly, ".")
	for i, lab := range labels {
		if strings.Contains(lab, "*") {
			labels[i] = strings.ToLower(lab)
			continue
		}
		c, err := model.CanonicalZone(lab)
		if err != nil {
			return "", err
		}
		labels[i] = c
	}
	out := strings.Join(labels, ".")
	if hasPort {
		if _, err := strconv.Atoi(port); err != nil && port != "*" {
			return "", fmt.Errorf("invalid port %q", port)
		}
		out += ":" + port
	}
	return out, nil
}

// patternHost is the host of a canonical URL pattern, without a port.
func patternHost(p string) string {
	_, rest, _ := strings.Cut(p, "://")
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, ":")
	return host
}

// hostMayBeInZone reports whether a host (perhaps with * wildcards) can name a host
// inside zone.
func hostMayBeInZone(host, zone string) bool {
	if host == zone || strings.HasSuffix(host, "."+zone) {
		return true
	}
	i := strings.LastIndex(host, "*")
	if i < 0 {
		return false
	}
	// The part after the last * must be a suffix of some name in the zone.
	suffix := host[i+1:]
	return strings.HasSuffix("."+zone, suffix) || strings.HasSuffix(suffix, "."+zone) || suffix == ""
}

// checkTarget checks a redirect target URL: absolute http(s), and its ${n} references
// within the number of * in from.
func checkTarget(to, from string) error {
	if !(strings.HasPrefix(to, "https://") || strings.HasPrefix(to, "http://")) {
		return fmt.Errorf("%q must be an absolute URL starting with https:// (or http://)", to)
	}
	_, rest, _ := strings.Cut(to, "://")
	host, _, _ := strings.Cut(rest, "/")
	if host == "" || strings.ContainsAny(host, " \t@") {
		return fmt.Errorf("%q has no valid host", to)
	}
	stars := strings.Count(from, "*")
	for _, m := range wildcardRef.FindAllStringSubmatch(to, -1) {
		n, _ := strconv.Atoi(m[1])
		if from == "" {
			return fmt.Errorf("%q refers to %s, but only from (a wildcard pattern) provides captures", to, m[0])
		}
		if n < 1 || n > stars {
			return fmt.Errorf("%q refers to %s, but from has %d wildcard(s): use ${1} to ${%d}", to, m[0], stars, stars)
		}
	}
	return nil
}

// numericInterpolation finds a ${<number>} interpolation in a string template, the
// usual mistake for a wildcard reference (which HCL spells $${1}).
func numericInterpolation(e hcl.Expression) *hcl.Range {
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok {
		return nil
	}
	for _, p := range t.Parts {
		if lit, ok := p.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.Number {
			r := lit.Range()
			return &r
		}
	}
	return nil
}
