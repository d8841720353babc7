// Package cfplan holds what launchready knows about Cloudflare accounts: the limits of
// each zone plan and the API token permission groups each endpoint needs. The
// simulator enforces these facts and the product checks a launch.hcl against them
// before it writes anything, so both read them from this one place.
//
// Every figure carries its public source; figures marked "inferred" are launchready's
// best reading where Cloudflare publishes nothing precise (see also
// providers/cloudflare/sim/doc.go and shared/cloudflare-api/FACTS.md).
package cfplan

import (
	"fmt"
	"sort"
	"strings"
)

// Plan ids, as the zone object's plan.legacy_id spells them.
const (
	Free       = "free"
	Pro        = "pro"
	Business   = "business"
	Enterprise = "enterprise"
)

// Plans lists the plan ids from the smallest to the largest.
var Plans = []string{Free, Pro, Business, Enterprise}

// Limits are one plan's limits that launchready can hit.
type Limits struct {
	// Plan is the plan id ("free").
	Plan string
	// Name is the plan's name as the zone object shows it ("Free Website").
	Name string
	// Records is the zone's DNS record quota. Free: 200 for zones created from
	// 2024-09-01, 1,000 before; paid plans 3,500.
	// https://developers.cloudflare.com/dns/troubleshooting/faq/#how-many-dns-records-can-i-create
	Records int
	// Batch is the most record operations one batch request may carry.
	// https://developers.cloudflare.com/dns/manage-dns-records/how-to/batch-record-changes/#availability-and-limits
	Batch int
	// Comment is the longest record comment, in characters.
	// https://developers.cloudflare.com/dns/manage-dns-records/reference/record-attributes/
	Comment int
	// Tags reports whether records may carry tags (paid plans only; same page).
	Tags bool
	// RedirectRules is the most Single Redirect rules per zone.
	// https://developers.cloudflare.com/rules/url-forwarding/single-redirects/#availability
	RedirectRules int
	// CacheRules is the most Cache Rules per zone.
	// https://developers.cloudflare.com/cache/how-to/cache-rules/#availability
	CacheRules int
	// MinEdgeTTL is the shortest edge cache TTL a cache rule may set, in seconds.
	// https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/#edge-cache-ttl
	MinEdgeTTL int
	// Matches reports whether the rules language's "matches" (regular expression)
	// operator is available (Business and Enterprise).
	// https://developers.cloudflare.com/ruleset-engine/rules-language/operators/#comparison-operators
	Matches bool
}

// LegacyFreeRecords is the record quota of Free zones created before 2024-09-01.
const LegacyFreeRecords = 1000

var table = map[string]Limits{
	Free:       {Plan: Free, Name: "Free Website", Records: 200, Batch: 200, Comment: 100, Tags: false, RedirectRules: 10, CacheRules: 10, MinEdgeTTL: 7200, Matches: false},
	Pro:        {Plan: Pro, Name: "Pro Website", Records: 3500, Batch: 3500, Comment: 500, Tags: true, RedirectRules: 25, CacheRules: 25, MinEdgeTTL: 3600, Matches: false},
	Business:   {Plan: Business, Name: "Business Website", Records: 3500, Batch: 3500, Comment: 500, Tags: true, RedirectRules: 50, CacheRules: 50, MinEdgeTTL: 1, Matches: true},
	Enterprise: {Plan: Enterprise, Name: "Enterprise Website", Records: 3500, Batch: 3500, Comment: 500, Tags: true, RedirectRules: 300, CacheRules: 300, MinEdgeTTL: 1, Matches: true},
}

// For returns the limits of plan (a legacy_id, case-insensitive) and whether the plan
// is known. An unknown plan answers the Free limits, the most cautious choice.
func For(plan string) (Limits, bool) {
	l, ok := table[strings.ToLower(strings.TrimSpace(plan))]
	if !ok {
		return table[Free], false
	}
	return l, true
}

// Parse checks a plan id given by a user (--plan).
func Parse(plan string) (string, error) {
	p := strings.ToLower(strings.TrimSpace(plan))
	if p == "" {
		return Free, nil
	}
	if _, ok := table[p]; !ok {
		return "", fmt.Errorf("plan %q: want one of %s", plan, strings.Join(Plans, ", "))
	}
	return p, nil
}

// Permission groups, written as the dashboard's token editor shows them ("Zone >
// DNS > Edit" is "DNS:Edit"). Edit includes Read.
// https://developers.cloudflare.com/fundamentals/api/reference/permissions/ lists the
// zone permission groups: Zone, DNS, Zone Settings, "Single Redirect" ("zone-level
// Single Redirects") and "Cache Rules" (source: cloudflare-docs
// src/content/partials/fundamentals/zone-permissions-table.mdx). The API reference
// names the last two "Dynamic URL Redirects Write" and "Cache Settings Write"
// (https://developers.cloudflare.com/rules/url-forwarding/single-redirects/create-api/,
// "Required API token permissions"); a third-party docs fix,
// techieforfun/cloudflare-docs#1, says the token editor itself shows "Dynamic URL
// Redirects". Which endpoint needs which group, with sources, is in
// providers/cloudflare/sim/doc.go.
const (
	ZoneRead           = "Zone:Read"
	ZoneEdit           = "Zone:Edit"
	DNSRead            = "DNS:Read"
	DNSEdit            = "DNS:Edit"
	SettingsRead       = "Zone Settings:Read"
	SettingsEdit       = "Zone Settings:Edit"
	RedirectRead       = "Single Redirect:Read"
	RedirectEdit       = "Single Redirect:Edit"
	CacheRulesRead     = "Cache Rules:Read"
	CacheRulesEdit     = "Cache Rules:Edit"
	redirectPhase      = "http_request_dynamic_redirect"
	cachePhase         = "http_request_cache_settings"
	permissionGroupSep = ","
)

// Groups lists every permission group the simulator models, in the order the
// token editor lists them.
var Groups = []string{ZoneRead, ZoneEdit, DNSRead, DNSEdit, SettingsRead, SettingsEdit, RedirectRead, RedirectEdit, CacheRulesRead, CacheRulesEdit}

// ParseGroups parses a comma-separated list of permission groups
// ("Zone:Read,DNS:Edit"); names are matched case-insensitively, "Write" is accepted
// for "Edit", the API reference's "Dynamic URL Redirects" and "Cache Settings" for
// "Single Redirect" and "Cache Rules", and each Edit group brings its Read group.
func ParseGroups(list string) ([]string, error) {
	set := map[string]bool{}
	for _, raw := range strings.Split(list, permissionGroupSep) {
		g := strings.TrimSpace(raw)
		if g == "" {
			continue
		}
		c, ok := canonicalGroup(g)
		if !ok {
			return nil, fmt.Errorf("permission group %q: want one of %s", g, strings.Join(Groups, ", "))
		}
		set[c] = true
		if r, ok := strings.CutSuffix(c, ":Edit"); ok {
			set[r+":Read"] = true
		}
	}
	var out []string
	for _, g := range Groups {
		if set[g] {
			out = append(out, g)
		}
	}
	return out, nil
}

// apiGroupNames maps the API reference's names of two groups to the token editor's.
var apiGroupNames = map[string]string{
	"dynamic url redirects": "single redirect",
	"cache settings":        "cache rules",
}

func canonicalGroup(g string) (string, bool) {
	res, level, ok := strings.Cut(g, ":")
	if !ok {
		return "", false
	}
	level = strings.TrimSpace(level)
	if strings.EqualFold(level, "write") {
		level = "Edit"
	}
	res = strings.ToLower(strings.TrimSpace(res))
	if n, ok := apiGroupNames[res]; ok {
		res = n
	}
	want := res + ":" + strings.ToLower(level)
	for _, c := range Groups {
		if strings.ToLower(c) == want {
			return c, true
		}
	}
	return "", false
}

// Has reports whether groups (as ParseGroups returns them) include g.
func Has(groups []string, g string) bool {
	for _, x := range groups {
		if x == g {
			return true
		}
	}
	return false
}

// PhaseGroup returns the permission group that reads (edit false) or writes a
// ruleset phase, or "" for a phase launchready does not use.
func PhaseGroup(phase string, edit bool) string {
	var g string
	switch phase {
	case redirectPhase:
		g = RedirectRead
	case cachePhase:
		g = CacheRulesRead
	default:
		return ""
	}
	if edit {
		g = strings.TrimSuffix(g, ":Read") + ":Edit"
	}
	return g
}

// ZonePermission is the entry of the zone object's "permissions" list that a
// permission group grants ("#dns_records:edit"). The zone object's list uses the
// legacy "#resource:level" form, the one of the 2024 schema's
// x-cfPermissionsRequired ("#zone:read", "#dns_records:edit", "#zone_settings:edit");
// the ruleset entries ("#single_redirect:…", "#cache_rules:…") are [inferred]: the
// schema gives ruleset endpoints no such key.
func ZonePermission(group string) string {
	res, level, _ := strings.Cut(group, ":")
	key := map[string]string{
		"Zone": "zone", "DNS": "dns_records", "Zone Settings": "zone_settings",
		"Single Redirect": "single_redirect", "Cache Rules": "cache_rules",
	}[res]
	return "#" + key + ":" + strings.ToLower(level)
}

// ZonePermissions returns the zone object's permissions list for groups, sorted.
func ZonePermissions(groups []string) []string {
	out := make([]string, 0, len(groups))
	for _, g := range groups {
		out = append(out, ZonePermission(g))
	}
	sort.Strings(out)
	return out
}

// UsesMatches reports whether a rules-language expression uses the matches
// (regular expression) operator: the word "matches" or "~" outside string literals.
func UsesMatches(expr string) bool {
	inStr := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case inStr && c == '\\':
			i++
		case c == '"':
			inStr = !inStr
		case inStr:
		case c == '~':
			return true
		case strings.HasPrefix(expr[i:], "matches") && (i == 0 || !isIdent(expr[i-1])) && (i+7 == len(expr) || !isIdent(expr[i+7])):
			return true
		}
	}
	return false
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
