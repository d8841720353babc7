package handover

import (
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

// buildRules lists the zone's redirects and cache rules in the order they run. With
// live state that is the order after the next apply (plan's phase writes) or, when
// nothing changes, the live order, rules made by hand included; launchready's rules
// that the next apply deletes follow. Without live state it is the file's order.
func (v *zoneView) buildRules() {
	redirects := map[string]*schemaRule{}
	caches := map[string]*schemaRule{}
	var declaredRedirects, declaredCaches []*schemaRule
	for _, r := range v.z.Redirects {
		from, to := r.FromURL, r.ToURL
		if from == "" && r.Rule.Redirect != nil {
			from, to = r.Rule.Redirect.From, r.Rule.Redirect.To
		}
		sr := &schemaRule{name: r.Name, rule: v.ownerRef(r.Rule, "redirect", r.Name), from: from, to: to}
		redirects[refOf(sr.rule, "redirect", r.Name)] = sr
		declaredRedirects = append(declaredRedirects, sr)
	}
	for _, c := range v.z.Caches {
		sr := &schemaRule{name: c.Name, rule: v.ownerRef(c.Rule, "cache", c.Name)}
		caches[refOf(sr.rule, "cache", c.Name)] = sr
		declaredCaches = append(declaredCaches, sr)
	}
	v.redirects = v.phaseRows(model.PhaseRedirect, plan.KindRedirect, redirects, declaredRedirects)
	v.caches = v.phaseRows(model.PhaseCache, plan.KindCache, caches, declaredCaches)
}

// schemaRule is a declared redirect or cache block.
type schemaRule struct {
	name     string
	rule     model.Rule
	from, to string
}

func (v *zoneView) row(phase string, r model.Rule, name, from, to string) ruleRow {
	if phase == model.PhaseRedirect {
		if from == "" && r.Redirect != nil {
			from, to = r.Redirect.From, r.Redirect.To
		}
		if from == "" {
			// Live rules carry only what Cloudflare stores: recover the wildcard form.
			if f, t, ok := schema.ParseRedirectRule(r); ok {
				from, to = f, t
			}
		}
		return redirectRow(name, r, from, to)
	}
	if r.Cache != nil && len(r.Cache.Hosts) == 0 && r.Cache.PathPrefix == "" {
		if hosts, prefix, ok := schema.ParseCacheExpression(r.Expression); ok {
			c := *r.Cache
			c.Hosts, c.PathPrefix = hosts, prefix
			r.Cache = &c
		}
	}
	return cacheRow(name, r)
}

func (v *zoneView) phaseRows(phase string, kind plan.Kind, declared map[string]*schemaRule, inFile []*schemaRule) []ruleRow {
	var rows []ruleRow
	declaredRow := func(sr *schemaRule, ref string) ruleRow {
		row := v.row(phase, sr.rule, sr.name, sr.from, sr.to)
		row.owner = "launchready"
		row.state = v.ruleState(kind, ref)
		return row
	}
	// liveRow shows a live rule no block of this file declares: made by hand, this
	// owner's (no longer declared) or another owner's, as ownership.RuleOwner says.
	liveRow := func(r model.Rule) (ruleRow, string) {
		row := v.row(phase, r, ruleName(r), "", "")
		o := ownership.RuleOwner(r.Ref)
		switch {
		case o == "":
			row.owner = "by hand"
		case o == v.owner:
			row.owner = "launchready"
		default:
			row.owner, row.other = otherOwners([]string{o}), true
			v.others = append(v.others, o)
		}
		return row, o
	}
	var live []model.Rule
	if v.live != nil {
		live = v.live.Rules[phase]
	}
	if v.zp == nil {
		// No plan: the live order (when read), then what the file declares that is
		// not live.
		shown := map[string]bool{}
		for _, r := range live {
			if sr := declared[r.Ref]; r.Owned() && sr != nil && !shown[r.Ref] {
				shown[r.Ref] = true
				rows = append(rows, declaredRow(sr, r.Ref))
				continue
			}
			row, _ := liveRow(r)
			rows = append(rows, row)
		}
		for _, sr := range inFile {
			if ref := refOf(sr.rule, string(kind), sr.name); !shown[ref] {
				rows = append(rows, declaredRow(sr, ref))
			}
		}
		return rows
	}
	order, writes := v.zp.RuleWrites[phase]
	if !writes {
		order = live
	}
	for _, r := range order {
		if sr := declared[r.Ref]; r.Owned() && sr != nil {
			rows = append(rows, declaredRow(sr, r.Ref))
			continue
		}
		row, o := liveRow(r)
		row.state = "left alone"
		if o == v.owner {
			row.state = "owned, not declared"
		}
		if !r.Enabled {
			row.state += " (disabled)"
		}
		rows = append(rows, row)
	}
	for _, r := range live {
		// Only this owner's rules are deleted; other owners' stay in the order above.
		if ownership.RuleOwner(r.Ref) == v.owner && declared[r.Ref] == nil && writes {
			row, _ := liveRow(r)
			row.state = "no longer declared: the next apply deletes it"
			rows = append(rows, row)
		}
	}
	return rows
}

// ownerRef gives a declared rule the ref plan writes for the zone's owner.
func (v *zoneView) ownerRef(r model.Rule, kind, name string) model.Rule {
	if r.Ref == "" || r.Ref == ownership.RuleRef(kind, name, ownership.DefaultOwner) {
		r.Ref = ownership.RuleRef(kind, name, v.z.Owner)
	}
	return r
}

func refOf(r model.Rule, kind, name string) string {
	if r.Ref != "" {
		return r.Ref
	}
	return model.RefPrefix + kind + ":" + name
}

// ruleName is how a live rule is named in the map: its block name for launchready's
// rules (whichever owner's: the owner has its own column), else its description,
// else its id.
func ruleName(r model.Rule) string {
	if name := ownership.RuleName(r.Ref); name != "" {
		return name
	}
	if r.Description != "" {
		return r.Description
	}
	if r.ID != "" {
		return "rule " + r.ID
	}
	return "unnamed rule"
}

func (v *zoneView) ruleState(kind plan.Kind, ref string) string {
	if !v.hasState() {
		return ""
	}
	if c, ok := v.changes[string(kind)+" "+ref]; ok {
		return changeState(c.Action)
	}
	return "in sync"
}

// redirectRow shows a redirect as from → to when it has the wildcard form, else as
// its expressions.
func redirectRow(name string, r model.Rule, from, to string) ruleRow {
	row := ruleRow{name: name}
	a := model.RedirectAction{}
	if r.Redirect != nil {
		a = *r.Redirect
	}
	status := a.StatusCode
	if status == 0 {
		status = 301
	}
	row.status = strconv.Itoa(status)
	var fromCell, toCell string
	switch {
	case r.Action != "" && r.Action != "redirect":
		fromCell = "expression " + code(r.Expression)
		toCell = "action " + code(r.Action)
		row.status = ""
	case from != "":
		fromCell = code(from)
		toCell = code(to)
		row.hosts = []string{urlHost(from), urlHost(to)}
	default:
		fromCell = "expression " + code(r.Expression)
		switch {
		case a.TargetURL != "":
			toCell = code(a.TargetURL)
			row.hosts = []string{"", urlHost(a.TargetURL)}
		case a.TargetExpression != "":
			toCell = "expression " + code(a.TargetExpression)
		default:
			toCell = "—"
		}
	}
	query := "dropped"
	if a.PreserveQuery {
		query = "kept"
	}
	row.cells = []string{fromCell, toCell, orDash(text(row.status)), query}
	return row
}

// urlHost returns the host of a URL pattern ("https://www.example.com/*" →
// "www.example.com"), or "" when it has none.
func urlHost(u string) string {
	_, rest, ok := strings.Cut(u, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.Contains(h, "[") {
		host = h
	}
	if strings.ContainsAny(host, "${}\"() ") {
		return ""
	}
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

func cacheRow(name string, r model.Rule) ruleRow {
	row := ruleRow{name: name}
	c := model.CacheAction{}
	if r.Cache != nil {
		c = *r.Cache
	}
	var match string
	switch {
	case r.Action != "" && r.Action != "set_cache_settings":
		row.cells = []string{"expression " + code(r.Expression), "action " + code(r.Action), "—", "—"}
		return row
	case len(c.Hosts) > 0 || c.PathPrefix != "":
		hosts := "any host"
		if len(c.Hosts) > 0 {
			hosts = codeList(c.Hosts)
		}
		match = hosts
		if c.PathPrefix != "" {
			match += " under " + code(c.PathPrefix)
		}
	default:
		match = "expression " + code(r.Expression)
	}
	cache := "cached"
	edge, browser := durationString(c.EdgeTTL), durationString(c.BrowserTTL)
	if c.Bypass {
		cache, edge, browser = "**bypass** (never cached)", "—", "—"
	}
	row.cells = []string{match, cache, edge, browser}
	return row
}

// durationString writes seconds in the largest whole unit, as launch.hcl does ("30d",
// "1h"); 0 means the origin's own cache headers decide.
func durationString(s int) string {
	if s == 0 {
		return "origin's headers"
	}
	for _, u := range []struct {
		suffix string
		secs   int
	}{{"d", 86400}, {"h", 3600}, {"m", 60}} {
		if s%u.secs == 0 {
			return strconv.Itoa(s/u.secs) + u.suffix
		}
	}
	return strconv.Itoa(s) + "s"
}
