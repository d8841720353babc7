package importer

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

// ruleBlock is a live rule ready to be written as a block.
type ruleBlock struct {
	kind  string // "redirect" | "cache"
	rule  model.Rule
	owned bool   // launchready's own rule (its ref names the block)
	name  string // block label
	hint  string // where a hand-made rule's name comes from
	write func(b *hclwrite.Body)
	notes []string
}

// writeRules writes the zone's redirect and cache rules as blocks, in phase order, and
// returns the rules it could not express.
// Rules another owner made (ownership.RuleOwner) are left out: that owner's file
// declares them.
func writeRules(zb *hclwrite.Body, live *model.LiveZone, zone, owner string) []omitted {
	var blocks []*ruleBlock
	var left []omitted
	phases := make([]string, 0, len(live.Rules))
	for ph := range live.Rules {
		phases = append(phases, ph)
	}
	sort.Strings(phases)
	for _, ph := range []string{model.PhaseRedirect, model.PhaseCache} {
		for _, r := range live.Rules[ph] {
			if o := ownership.RuleOwner(r.Ref); o != "" && o != owner {
				left = append(left, omitted{what: ruleLabel(ph, r), reason: fmt.Sprintf("made by launch.hcl owner %q, whose file declares it; launchready never changes it from this file", o)})
				continue
			}
			var b *ruleBlock
			var why string
			if ph == model.PhaseRedirect {
				b, why = redirectBlock(r, zone)
			} else {
				b, why = cacheBlock(r, zone)
			}
			if b == nil {
				left = append(left, omitted{what: ruleLabel(ph, r), reason: why})
				continue
			}
			blocks = append(blocks, b)
		}
	}
	for _, ph := range phases {
		if ph == model.PhaseRedirect || ph == model.PhaseCache {
			continue
		}
		for _, r := range live.Rules[ph] {
			left = append(left, omitted{what: ruleLabel(ph, r), reason: "phase " + ph + " is not managed by launch.hcl"})
		}
	}
	nameBlocks(blocks)
	for _, b := range blocks {
		zb.AppendNewline()
		blk := zb.AppendNewBlock(b.kind, []string{b.name}).Body()
		if !b.owned {
			appendComments(blk, "Made by hand ("+handMadeID(b.rule)+").")
		}
		for _, n := range b.notes {
			appendComments(blk, "NOTE: "+n+".")
		}
		b.write(blk)
	}
	return left
}

func handMadeID(r model.Rule) string {
	var parts []string
	if r.ID != "" {
		parts = append(parts, "rule id "+r.ID)
	}
	if r.Description != "" {
		parts = append(parts, "description "+commentValue(r.Description))
	}
	if len(parts) == 0 {
		return "no id"
	}
	return strings.Join(parts, ", ")
}

// ruleLabel describes a rule in the "not imported" comment.
func ruleLabel(phase string, r model.Rule) string {
	kind := "rule"
	switch phase {
	case model.PhaseRedirect:
		kind = "redirect rule"
	case model.PhaseCache:
		kind = "cache rule"
	}
	switch {
	case r.Ref != "":
		return kind + " " + r.Ref
	case r.Description != "":
		return kind + " " + commentValue(r.Description)
	case r.ID != "":
		return kind + " " + r.ID
	}
	return kind + " " + commentValue(r.Expression)
}

// ownedName returns the block name in a launchready rule's ref (without the owner
// the ref may carry: ownership.RuleName), if it has one of kind.
func ownedName(r model.Rule, kind string) (string, bool) {
	if !strings.HasPrefix(r.Ref, model.RefPrefix+kind+":") {
		return "", false
	}
	name := ownership.RuleName(r.Ref)
	return name, name != ""
}

// redirectBlock turns a live redirect rule into a block, or says why it cannot.
func redirectBlock(r model.Rule, zone string) (*ruleBlock, string) {
	b := &ruleBlock{kind: "redirect", rule: r}
	name, owned := ownedName(r, "redirect")
	b.owned, b.name = owned, name
	switch {
	case r.Action != "redirect":
		return nil, fmt.Sprintf("action %q cannot be declared in launch.hcl", r.Action)
	case !r.Enabled:
		return nil, "disabled; launch.hcl declares only enabled rules"
	case len(r.Raw) > 0 && !rawRedirectOK(r.Raw) && !owned:
		return nil, "its parameters go beyond what a redirect block can express"
	case r.Redirect == nil:
		return nil, "its redirect parameters could not be read"
	}
	if len(r.Raw) > 0 && !rawRedirectOK(r.Raw) {
		b.notes = append(b.notes, "the live rule was edited by hand and has parameters this block does not hold; applying resets them")
	}
	a := *r.Redirect
	status := a.StatusCode
	if status == 0 {
		status = 301
	}
	validStatus := false
	for _, s := range schema.RedirectStatuses {
		validStatus = validStatus || s == status
	}
	if !validStatus {
		return nil, fmt.Sprintf("status %d is not one launch.hcl writes (301, 302, 307, 308)", status)
	}
	var attrs []attr
	if from, to, ok := schema.ParseRedirectRule(r); ok && hostMayBeInZone(hostOf(from), zone) {
		attrs = append(attrs, attr{"from", cty.StringVal(from)}, attr{"to", cty.StringVal(to)})
		b.hint = hostOf(from)
	} else {
		expr := strings.TrimSpace(r.Expression)
		if expr == "" {
			return nil, "it has no expression"
		}
		if expr != r.Expression {
			b.notes = append(b.notes, "the live expression has surrounding white space, which launch.hcl trims")
		}
		attrs = append(attrs, attr{"expression", cty.StringVal(expr)})
		switch {
		case a.TargetExpression != "" && a.TargetURL == "":
			t := strings.TrimSpace(a.TargetExpression)
			attrs = append(attrs, attr{"target_expression", cty.StringVal(t)})
		case a.TargetURL != "" && a.TargetExpression == "" && staticTarget(a.TargetURL):
			attrs = append(attrs, attr{"to", cty.StringVal(a.TargetURL)})
			b.hint = hostOf(a.TargetURL)
		default:
			return nil, "its target cannot be written as to or target_expression"
		}
		if h := exprHost(expr); h != "" {
			b.hint = h
		}
	}
	attrs = append(attrs, attr{"status", cty.NumberIntVal(int64(status))})
	if a.PreserveQuery {
		attrs = append(attrs, attr{"preserve_query", cty.True})
	}
	b.write = func(body *hclwrite.Body) { setAttrs(body, attrs) }
	return b, ""
}

// cacheBlock turns a live cache rule into a block, or says why it cannot.
func cacheBlock(r model.Rule, zone string) (*ruleBlock, string) {
	b := &ruleBlock{kind: "cache", rule: r}
	name, owned := ownedName(r, "cache")
	b.owned, b.name = owned, name
	switch {
	case r.Action != "set_cache_settings":
		return nil, fmt.Sprintf("action %q cannot be declared in launch.hcl", r.Action)
	case !r.Enabled:
		return nil, "disabled; launch.hcl declares only enabled rules"
	case len(r.Raw) > 0 && !rawCacheOK(r.Raw) && !owned:
		return nil, "its cache settings go beyond what a cache block can express"
	case r.Cache == nil:
		return nil, "its cache parameters could not be read"
	}
	if len(r.Raw) > 0 && !rawCacheOK(r.Raw) {
		b.notes = append(b.notes, "the live rule was edited by hand and has settings this block does not hold; applying resets them")
	}
	hosts, prefix, ok := schema.ParseCacheExpression(r.Expression)
	if !ok {
		return nil, "its expression is not a list of hosts with an optional path prefix, which is what a cache block declares"
	}
	for _, h := range hosts {
		if h != zone && !strings.HasSuffix(h, "."+zone) || strings.Contains(h, "*") {
			return nil, "it matches host " + h + ", which is not a host of the zone"
		}
	}
	c := *r.Cache
	if c.Bypass && (c.EdgeTTL != 0 || c.BrowserTTL != 0) {
		return nil, "it bypasses the cache and sets TTLs, which a cache block cannot say"
	}
	for _, t := range []int{c.EdgeTTL, c.BrowserTTL} {
		if t < 0 || t > schema.MaxCacheTTL {
			return nil, fmt.Sprintf("TTL %d seconds is outside what a cache block accepts", t)
		}
	}
	attrs := []attr{{"hosts", cty.ListVal(stringVals(hosts))}}
	if prefix != "" {
		attrs = append(attrs, attr{"path_prefix", cty.StringVal(prefix)})
	}
	if c.Bypass {
		attrs = append(attrs, attr{"bypass", cty.True})
	}
	if c.EdgeTTL > 0 {
		attrs = append(attrs, attr{"edge_ttl", cty.StringVal(schema.FormatDuration(c.EdgeTTL))})
	}
	if c.BrowserTTL > 0 {
		attrs = append(attrs, attr{"browser_ttl", cty.StringVal(schema.FormatDuration(c.BrowserTTL))})
	}
	b.hint = strings.Join(hosts, "-")
	if prefix != "" {
		b.hint += "-" + prefix
	}
	b.write = func(body *hclwrite.Body) {
		for _, a := range attrs {
			if a.name == "hosts" {
				body.SetAttributeRaw("hosts", stringList(hosts))
				continue
			}
			body.SetAttributeValue(a.name, a.val)
		}
	}
	return b, ""
}

type attr struct {
	name string
	val  cty.Value
}

func setAttrs(body *hclwrite.Body, attrs []attr) {
	for _, a := range attrs {
		body.SetAttributeValue(a.name, a.val)
	}
}

func stringVals(ss []string) []cty.Value {
	out := make([]cty.Value, len(ss))
	for i, s := range ss {
		out[i] = cty.StringVal(s)
	}
	return out
}

var wildcardRef = regexp.MustCompile(`\$\{[0-9]+\}`)

// staticTarget reports whether a fixed target URL can be written as `to` next to an
// expression: an absolute http(s) URL with a host and no ${n} reference.
func staticTarget(u string) bool {
	if !(strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")) || wildcardRef.MatchString(u) {
		return false
	}
	h := hostOf(u)
	return h != "" && !strings.ContainsAny(h, " \t@")
}

// hostOf returns the host of a URL or URL pattern.
func hostOf(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	return host
}

// hostMayBeInZone reports whether a from pattern's host (perhaps with * wildcards and
// a port) can name a host of zone; launch.hcl refuses a from outside the zone.
func hostMayBeInZone(host, zone string) bool {
	host, _, _ = strings.Cut(strings.ToLower(host), ":")
	if host == zone || strings.HasSuffix(host, "."+zone) {
		return true
	}
	i := strings.LastIndex(host, "*")
	if i < 0 {
		return false
	}
	suffix := host[i+1:] // what follows the last * must fit some name of the zone
	return suffix == "" || strings.HasSuffix("."+zone, suffix) || strings.HasSuffix(suffix, "."+zone)
}

// hostInExpr finds `http.host eq "…"` in a hand-written expression.
var hostInExpr = regexp.MustCompile(`http\.host\s*(?:eq|==)\s*"([^"\\]+)"`)

func exprHost(expr string) string {
	if m := hostInExpr.FindStringSubmatch(expr); m != nil {
		return m[1]
	}
	return ""
}

// nameBlocks gives every block a unique name per kind: launchready's rules keep the
// name in their ref; hand-made rules get a slug of their description, else of their
// hosts, else the kind, numbered when taken.
func nameBlocks(blocks []*ruleBlock) {
	taken := map[string]bool{}
	for _, b := range blocks {
		if b.owned {
			if taken[b.kind+" "+b.name] {
				// two live rules with the same ref: the second is treated as hand-made
				b.owned = false
				continue
			}
			taken[b.kind+" "+b.name] = true
		}
	}
	for _, b := range blocks {
		if b.owned {
			continue
		}
		base := slug(b.rule.Description)
		if base == "" {
			base = slug(b.hint)
		}
		if base == "" {
			base = b.kind
		}
		name := base
		for i := 2; taken[b.kind+" "+name]; i++ {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		taken[b.kind+" "+name] = true
		b.name = name
	}
}

// slug turns text into a block name: lower-case letters, digits and dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	return b.String()
}

// rawRedirectOK reports whether a redirect's action_parameters hold only what a
// redirect block expresses.
func rawRedirectOK(raw []byte) bool {
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil || !onlyKeys(p, "from_value") {
		return false
	}
	fv, ok := p["from_value"]
	if !ok {
		return false
	}
	var f map[string]json.RawMessage
	if json.Unmarshal(fv, &f) != nil || !onlyKeys(f, "target_url", "status_code", "preserve_query_string") {
		return false
	}
	if t, ok := f["target_url"]; ok {
		var tu map[string]json.RawMessage
		if json.Unmarshal(t, &tu) != nil || !onlyKeys(tu, "value", "expression") {
			return false
		}
	}
	return true
}

// rawCacheOK reports whether a cache rule's action_parameters hold only what a cache
// block expresses: cache on/off and TTLs that override the origin (or respect it).
func rawCacheOK(raw []byte) bool {
	var p map[string]json.RawMessage
	if json.Unmarshal(raw, &p) != nil || !onlyKeys(p, "cache", "edge_ttl", "browser_ttl") {
		return false
	}
	if _, ok := p["cache"]; !ok {
		return false
	}
	for _, k := range []string{"edge_ttl", "browser_ttl"} {
		v, ok := p[k]
		if !ok {
			continue
		}
		var t struct {
			Mode    string `json:"mode"`
			Default *int   `json:"default"`
		}
		var keys map[string]json.RawMessage
		if json.Unmarshal(v, &keys) != nil || !onlyKeys(keys, "mode", "default") || json.Unmarshal(v, &t) != nil {
			return false
		}
		switch {
		case t.Mode == "override_origin" && t.Default != nil && *t.Default > 0:
		case t.Mode == "respect_origin" && (t.Default == nil || *t.Default == 0):
		default:
			return false
		}
	}
	return true
}

func onlyKeys(m map[string]json.RawMessage, allowed ...string) bool {
	for k := range m {
		if !contains(allowed, k) {
			return false
		}
	}
	return true
}
