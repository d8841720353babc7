package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/launchready/launchready/model"
)

var cacheSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "hosts", Required: true},
		{Name: "path_prefix"},
		{Name: "edge_ttl"},
		{Name: "browser_ttl"},
		{Name: "bypass"},
	},
}

// MaxCacheTTL is the longest edge or browser TTL a cache block accepts (one year).
const MaxCacheTTL = 365 * 24 * 3600

// cacheDecl is a decoded cache block with the ranges the lint points at.
type cacheDecl struct {
	c          *Cache
	hostsRange hcl.Range
	hostRanges map[string]hcl.Range // canonical host → where it was written
}

// decodeCacheBlock reads a `cache "<name>"` block and compiles it to a Cache Rule
// (see CompileCache).
func (l *loader) decodeCacheBlock(zs *zoneState, b *hcl.Block) *cacheDecl {
	if !zs.caps.Cache {
		l.errorf(b.DefRange, "Cache rules not supported",
			"%s zones have no edge cache (cache rules are a Cloudflare feature). Remove the cache block.", zs.z.ProviderKind)
		return nil
	}
	name := b.Labels[0]
	c := l.content(b.Body, cacheSchema)
	d := &cacheDecl{c: &Cache{Name: name, DeclRange: b.DefRange}, hostRanges: map[string]hcl.Range{}}
	spec := CacheSpec{Name: name}
	good := true

	if a, ok := c.Attributes["hosts"]; ok {
		d.hostsRange = a.Expr.Range()
		es, okh := l.strList(a)
		if !okh {
			return nil
		}
		if len(es) == 0 {
			l.errorf(a.Expr.Range(), "Empty hosts", "List the host names the rule applies to, e.g. hosts = [\"example.com\"].")
			return nil
		}
		for _, e := range es {
			h, err := model.CanonicalTarget(e.Value, zs.z.Name)
			switch {
			case err != nil || h == "." || strings.ContainsAny(e.Value, "/: "):
				l.errorf(e.Range, "Invalid cache host", "%q is not a host name; write a name like \"app.%s\" (no scheme or path).", e.Value, zs.z.Name)
				good = false
				continue
			case strings.Contains(h, "*"):
				l.errorf(e.Range, "Wildcard cache host", "Cache rules match hosts exactly; list each host name instead of %q.", e.Value)
				good = false
				continue
			case h != zs.z.Name && !strings.HasSuffix(h, "."+zs.z.Name):
				l.errorf(e.Range, "Cache host outside the zone", "%s is not a host of zone %s: the zone's rules only see requests for its own names.", h, zs.z.Name)
				good = false
				continue
			}
			if first, dup := d.hostRanges[h]; dup {
				l.warnf(e.Range, "Duplicate cache host", "%s is already listed at %s.", h, rangeString(first))
				continue
			}
			d.hostRanges[h] = e.Range
			spec.Hosts = append(spec.Hosts, h)
		}
	}
	if a, ok := c.Attributes["path_prefix"]; ok {
		if s, oks := l.str(a); oks {
			if !strings.HasPrefix(s, "/") || strings.ContainsAny(s, " \t\"*?") {
				l.errorf(a.Expr.Range(), "Invalid path prefix", "path_prefix is the start of a URL path, beginning with \"/\", e.g. \"/assets/\" (no wildcards, no quotes).")
				good = false
			} else if s != "/" {
				spec.PathPrefix = s
			}
		} else {
			good = false
		}
	}
	ttl := func(attr string) (int, *hcl.Attribute) {
		a, ok := c.Attributes[attr]
		if !ok {
			return 0, nil
		}
		v, okv := l.value(a.Expr)
		if !okv {
			good = false
			return 0, a
		}
		n, err := durationValue(v)
		if err != nil {
			l.errorf(a.Expr.Range(), "Invalid "+attr, "%v.", err)
			good = false
			return 0, a
		}
		if n <= 0 || n > MaxCacheTTL {
			l.errorf(a.Expr.Range(), "Invalid "+attr, "%s must be between 1 second and 365 days.", attr)
			good = false
			return 0, a
		}
		return n, a
	}
	var edgeAttr, browserAttr *hcl.Attribute
	spec.EdgeTTL, edgeAttr = ttl("edge_ttl")
	spec.BrowserTTL, browserAttr = ttl("browser_ttl")
	if a, ok := c.Attributes["bypass"]; ok {
		if v, okb := l.boolean(a); okb {
			spec.Bypass = v
			if v {
				for _, t := range []*hcl.Attribute{edgeAttr, browserAttr} {
					if t != nil {
						l.errorf(t.NameRange, "TTL on a bypass rule",
							"bypass = true serves these requests from the origin every time, so %s means nothing. Remove %s or bypass.", t.Name, t.Name)
						good = false
					}
				}
			}
		} else {
			good = false
		}
	}
	if !good || len(spec.Hosts) == 0 {
		return nil
	}
	d.c.Rule = CompileCache(spec)
	return d
}

// CacheSpec is a cache block's content, the input of CompileCache.
type CacheSpec struct {
	Name       string
	Hosts      []string // canonical host names
	PathPrefix string   // "" for every path
	Bypass     bool
	EdgeTTL    int // seconds; 0 respects the origin
	BrowserTTL int // seconds; 0 respects the origin
}

// CompileCache turns a cache block into its Cache Rule. Hosts are sorted and
// de-duplicated; the expression is deterministic and ParseCacheExpression reverses
// it:
//
//	(http.host in {"a.example.com" "b.example.com"} and starts_with(http.request.uri.path, "/assets/"))
func CompileCache(s CacheSpec) model.Rule {
	hosts := append([]string(nil), s.Hosts...)
	sort.Strings(hosts)
	hosts = dedupe(hosts)
	return model.Rule{
		Ref:         model.RefPrefix + "cache:" + s.Name,
		Phase:       model.PhaseCache,
		Description: "launchready: " + s.Name,
		Expression:  CacheExpression(hosts, s.PathPrefix),
		Action:      "set_cache_settings",
		Enabled:     true,
		Cache: &model.CacheAction{
			Hosts:      hosts,
			PathPrefix: s.PathPrefix,
			Bypass:     s.Bypass,
			EdgeTTL:    s.EdgeTTL,
			BrowserTTL: s.BrowserTTL,
		},
	}
}

// CacheExpression is the rule expression of a cache block with these (sorted) hosts
// and path prefix.
func CacheExpression(hosts []string, pathPrefix string) string {
	q := make([]string, len(hosts))
	for i, h := range hosts {
		q[i] = quoteRuleString(h)
	}
	e := "(http.host in {" + strings.Join(q, " ") + "}"
	if pathPrefix != "" {
		e += " and starts_with(http.request.uri.path, " + quoteRuleString(pathPrefix) + ")"
	}
	return e + ")"
}

// ParseCacheExpression reverses CacheExpression for import: the hosts and path prefix
// of the cache block whose rule has this expression. ok is false for any other shape.
func ParseCacheExpression(expr string) (hosts []string, pathPrefix string, ok bool) {
	rest, ok := strings.CutPrefix(expr, "(http.host in {")
	if !ok {
		return nil, "", false
	}
	for {
		var h string
		h, rest, ok = parseRuleString(rest)
		if !ok || h == "" {
			return nil, "", false
		}
		hosts = append(hosts, h)
		if r, more := strings.CutPrefix(rest, " "); more && strings.HasPrefix(r, `"`) {
			rest = r
			continue
		}
		break
	}
	rest, ok = strings.CutPrefix(rest, "}")
	if !ok {
		return nil, "", false
	}
	if r, hasPath := strings.CutPrefix(rest, " and starts_with(http.request.uri.path, "); hasPath {
		pathPrefix, rest, ok = parseRuleString(r)
		if !ok || pathPrefix == "" {
			return nil, "", false
		}
		rest, ok = strings.CutPrefix(rest, ")")
		if !ok {
			return nil, "", false
		}
	}
	if rest != ")" || !sort.StringsAreSorted(hosts) || len(dedupe(append([]string(nil), hosts...))) != len(hosts) {
		return nil, "", false
	}
	return hosts, pathPrefix, true
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// durationValue reads a TTL: a number of seconds, or a duration string.
func durationValue(v cty.Value) (int, error) {
	if v.Type() == cty.Number {
		bf := v.AsBigFloat()
		if !bf.IsInt() {
			return 0, fmt.Errorf("a number of seconds must be whole")
		}
		n, _ := bf.Int64()
		return int(n), nil
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return 0, fmt.Errorf("a duration such as \"30d\" or a number of seconds is required")
	}
	return ParseDuration(s.AsString())
}

var durationUnits = map[byte]int{'s': 1, 'm': 60, 'h': 3600, 'd': 86400, 'w': 7 * 86400}

// ParseDuration reads a TTL written as "30s", "5m", "2h", "30d", "1w", a sum of them
// ("1h30m"), or a bare number of seconds ("3600"), and returns seconds.
func ParseDuration(s string) (int, error) {
	orig := s
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if n, err := strconv.Atoi(s); err == nil {
		return n, nil
	}
	total := 0
	for s != "" {
		i := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == 0 || i == len(s) {
			return 0, fmt.Errorf("%q is not a duration: write a number with a unit s, m, h, d or w, e.g. \"30d\"", orig)
		}
		unit, ok := durationUnits[s[i]]
		if !ok {
			return 0, fmt.Errorf("%q is not a duration: unknown unit %q (use s, m, h, d or w)", orig, s[i])
		}
		n, err := strconv.Atoi(s[:i])
		if err != nil || n > MaxCacheTTL {
			return 0, fmt.Errorf("%q is not a duration: number too large", orig)
		}
		total += n * unit
		if total > 10*MaxCacheTTL {
			return 0, fmt.Errorf("%q is far too long", orig)
		}
		s = s[i+1:]
	}
	return total, nil
}

// FormatDuration writes seconds in the largest unit that divides them exactly
// ("30d", "2h", "90s"): the form import writes back.
func FormatDuration(seconds int) string {
	for _, u := range []struct {
		suffix string
		n      int
	}{{"d", 86400}, {"h", 3600}, {"m", 60}} {
		if seconds > 0 && seconds%u.n == 0 {
			return strconv.Itoa(seconds/u.n) + u.suffix
		}
	}
	return strconv.Itoa(seconds) + "s"
}
