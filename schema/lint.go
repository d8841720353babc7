package schema

import (
	"net/url"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
)

// Static lint of the edge (issue 3), run at load time across the whole configuration
// once every zone is decoded:
//
//   - a redirect whose target is redirected again (a chain of more than one hop), or
//     that comes back to itself (a loop), is an error;
//   - a redirect to an http:// URL whose zone has always_use_https on is an error (the
//     edge sends the visitor straight back to https://);
//   - a redirect or cache rule for a host with no address record (A, AAAA, CNAME, or a
//     covering wildcard) in its zone is a warning, and so is a host whose records are
//     not proxied (Cloudflare's rules only see proxied traffic);
//   - a cache rule that makes a host cacheable while a check with never_cached = true
//     targets it is an error (the check would fail on the first cached response).
//
// Redirects written as raw expressions are not followed: their targets are not known
// statically.

// lint runs every lint rule.
func (l *loader) lint() {
	l.lintRedirectChains()
	l.lintRuleHosts()
	l.lintNeverCached()
	l.lintTargetsWithoutAddress()
}

// zoneFor returns the configured zone that holds host (the longest match), or nil.
func (l *loader) zoneFor(host string) *zoneState {
	var best *zoneState
	for _, zs := range l.zones {
		n := zs.z.Name
		if host == n || strings.HasSuffix(host, "."+n) {
			if best == nil || len(n) > len(best.z.Name) {
				best = zs
			}
		}
	}
	return best
}

// wildcardMatch reports whether s matches pattern, where * matches any run of
// characters (Cloudflare's wildcard operator, case-insensitive).
func wildcardMatch(pattern, s string) bool {
	p, t := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative glob with backtracking to the last star.
	pi, ti, star, mark := 0, 0, -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && p[pi] == t[ti]:
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// targetSamples returns concrete URLs a redirect sends visitors to: its fixed target,
// or its wildcard replacement with each capture empty and with a sample path.
func targetSamples(r *Redirect) []string {
	ra := r.Rule.Redirect
	if ra == nil {
		return nil
	}
	if ra.TargetURL != "" {
		return []string{ra.TargetURL}
	}
	if r.FromURL == "" || r.ToURL == "" {
		return nil // a raw target expression: not known statically
	}
	var out []string
	for _, sample := range []string{"", "x/y"} {
		out = append(out, wildcardRef.ReplaceAllString(r.ToURL, sample))
	}
	return out
}

// urlHost returns the lower-case host of an absolute URL, or "".
func urlHost(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return strings.ToLower(p.Hostname())
}

// redirectFor returns the first redirect (in its zone's order) whose from pattern
// matches target, with its declaration, or nil.
func (l *loader) redirectFor(target string) *redirectDecl {
	zs := l.zoneFor(urlHost(target))
	if zs == nil {
		return nil
	}
	for _, d := range zs.redirect {
		if d.r.FromURL != "" && wildcardMatch(d.r.FromURL, target) {
			return d
		}
	}
	return nil
}

func (l *loader) lintRedirectChains() {
	for _, zs := range l.zones {
		for _, d := range zs.redirect {
			samples := targetSamples(d.r)
			reported := false
			for _, target := range samples {
				if reported {
					break
				}
				if strings.HasPrefix(target, "http://") {
					if tz := l.zoneFor(urlHost(target)); tz != nil && tz.settings != nil && tz.settings.s.Values[model.SettingAlwaysUseHTTPS] == "on" {
						l.errorf(d.toRange, "Redirect to http:// with Always Use HTTPS",
							"The target %s is in zone %s, which has always_use_https = true: the edge would redirect the visitor again, to https://. Redirect to https:// directly.",
							target, tz.z.Name)
						reported = true
						continue
					}
				}
				next := l.redirectFor(target)
				if next == nil {
					continue
				}
				// Follow the chain to see whether it comes back.
				path := []*redirectDecl{d}
				seen := map[*redirectDecl]bool{d: true}
				loop := false
				cur, curTarget := next, target
				for cur != nil {
					if seen[cur] {
						loop = true
						break
					}
					seen[cur] = true
					path = append(path, cur)
					nt := targetSamples(cur.r)
					if len(nt) == 0 {
						break
					}
					curTarget = nt[len(nt)-1]
					cur = l.redirectFor(curTarget)
				}
				names := make([]string, len(path))
				for i, p := range path {
					names[i] = "\"" + p.r.Name + "\""
				}
				if loop {
					l.errorf(d.toRange, "Redirect loop",
						"Visitors sent to %s are redirected again by redirect %s (declared at %s), and the redirects %s lead back: the browser stops with \"too many redirects\". Point this redirect at a URL no redirect matches.",
						target, "\""+next.r.Name+"\"", rangeString(next.r.DeclRange), strings.Join(names, " → "))
				} else {
					l.errorf(d.toRange, "Redirect chain",
						"Visitors sent to %s are redirected again by redirect %s (declared at %s): %d hops instead of one, which is slower and loses link credit. Redirect straight to the final URL.",
						target, "\""+next.r.Name+"\"", rangeString(next.r.DeclRange), len(path))
				}
				reported = true
			}
		}
	}
}

// hostRecords says whether zs declares an address record for host, and whether one
// of them is proxied. Wildcard records cover names below their parent.
func hostRecords(zs *zoneState, host string) (found, proxied bool) {
	for _, r := range zs.z.Records {
		if r.Type != "A" && r.Type != "AAAA" && r.Type != "CNAME" {
			continue
		}
		match := r.Name == host
		if rest, ok := strings.CutPrefix(r.Name, "*."); ok && strings.HasSuffix(host, "."+rest) {
			match = true
		}
		if match {
			found = true
			proxied = proxied || r.Proxied
		}
	}
	return found, proxied
}

// lintRuleHost warns about a rule host with no address record, or not proxied.
func (l *loader) lintRuleHost(zs *zoneState, kind, name, host string, rng hcl.Range) {
	if strings.Contains(host, "*") || host == "" {
		return
	}
	found, proxied := hostRecords(zs, host)
	switch {
	case !found:
		l.warnf(rng, "No record for "+kind+" host",
			"The %s %q applies to %s, but the zone declares no A, AAAA or CNAME record for it, so no visitor reaches it through Cloudflare. Add a proxied record, or check the host name.",
			kind, name, host)
	case !proxied && zs.caps.Proxied:
		l.warnf(rng, "Host not proxied",
			"The %s %q applies to %s, whose records are not proxied: Cloudflare's rules only run on proxied traffic. Set proxied = true on its record.",
			kind, name, host)
	}
}

func (l *loader) lintRuleHosts() {
	for _, zs := range l.zones {
		for _, d := range zs.redirect {
			if d.r.FromURL != "" {
				l.lintRuleHost(zs, "redirect", d.r.Name, patternHost(d.r.FromURL), d.fromRange)
			}
		}
		for _, d := range zs.cache {
			for _, h := range d.c.Rule.Cache.Hosts {
				l.lintRuleHost(zs, "cache rule", d.c.Name, h, d.hostRanges[h])
			}
		}
	}
}

// lintNeverCached finds cache rules that make a never_cached check's URL cacheable.
// Cache rules all apply in order, later ones overriding earlier ones, so what counts
// is the last rule that matches the URL.
func (l *loader) lintNeverCached() {
	for _, czs := range l.zones {
		for _, cd := range czs.checks {
			ch := cd.c
			if !ch.NeverCached {
				continue
			}
			u, err := url.Parse(ch.URL)
			if err != nil {
				continue
			}
			host := strings.ToLower(u.Hostname())
			path := u.EscapedPath()
			if path == "" {
				path = "/"
			}
			zs := l.zoneFor(host)
			if zs == nil {
				continue
			}
			var last *cacheDecl
			for _, d := range zs.cache {
				ca := d.c.Rule.Cache
				if ca == nil {
					continue
				}
				hostMatch := false
				for _, h := range ca.Hosts {
					hostMatch = hostMatch || h == host
				}
				if hostMatch && strings.HasPrefix(path, ca.PathPrefix) {
					last = d
				}
			}
			if last == nil || last.c.Rule.Cache.Bypass {
				continue
			}
			rng, ok := last.hostRanges[host]
			if !ok {
				rng = last.hostsRange
			}
			l.errorf(rng, "Cache rule caches a never_cached URL",
				"The cache rule %q makes %s cacheable, but the check %q (declared at %s) requires it is never served from cache. Add bypass = true for that host, narrow path_prefix, or remove the host.",
				last.c.Name, ch.URL, ch.Name, rangeString(ch.DeclRange))
		}
	}
}
