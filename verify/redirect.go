package verify

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// Redirect probes: "*" in a source pattern's path stands for probePath, and every test
// URL carries probeQuery so that preserve_query can be observed. The query string is
// kept apart from wildcard captures: a capture never contains it, and the expected
// Location carries it exactly when preserve_query is set.
const (
	probePath  = "launchready-verify/probe"
	probeQuery = "x=1"
	// maxHops is how many redirects are followed to describe a chain or loop.
	maxHops = 5
)

func (r *runner) redirectTasks(z *schema.Zone) []task {
	var tasks []task
	for _, rd := range z.Redirects {
		tasks = append(tasks, task{label: "redirect " + rd.Name, run: func(ctx context.Context) []Result {
			return []Result{r.checkRedirect(ctx, z, rd)}
		}})
	}
	// apex/www agreement is checked where launchready manages the edge (a provider
	// with redirects): in a DNS-only zone (RFC 2136) the web servers behind the
	// addresses are none of launchready's business, and probing them would reach
	// hosts the file only names.
	www := "www." + z.Name
	if model.ProviderKinds[z.ProviderKind].Redirects && hasAddress(z, z.Name) && hasAddress(z, www) {
		tasks = append(tasks, task{label: "apex/www " + z.Name, run: func(ctx context.Context) []Result {
			return []Result{r.checkApexWWW(ctx, z.Name, www)}
		}})
	}
	return tasks
}

// hasAddress reports whether the zone declares an A, AAAA or CNAME record at name.
func hasAddress(z *schema.Zone, name string) bool {
	for _, rec := range z.Records {
		if rec.Name == name && (rec.Type == "A" || rec.Type == "AAAA" || rec.Type == "CNAME") {
			return true
		}
	}
	return false
}

// hop requests u once, without following a redirect. Location is made absolute.
func (r *runner) hop(ctx context.Context, u string) Hop {
	h := Hop{URL: u}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		h.Error = err.Error()
		return h
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		h.Error = trimURLError(err)
		return h
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	h.Status = resp.StatusCode
	if loc := resp.Header.Get("Location"); loc != "" {
		if lu, err := req.URL.Parse(loc); err == nil {
			h.Location = lu.String()
		} else {
			h.Location = loc
		}
	}
	return h
}

// trimURLError drops the method and URL url.Error repeats.
func trimURLError(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return err.Error()
}

// follow requests start and follows redirects one hop at a time, up to maxHops
// redirects. loop is true when a URL came back.
func (r *runner) follow(ctx context.Context, start string) (hops []Hop, loop bool) {
	seen := map[string]bool{}
	u := start
	for i := 0; i <= maxHops; i++ {
		seen[u] = true
		h := r.hop(ctx, u)
		hops = append(hops, h)
		if h.Error != "" || !isRedirect(h.Status) || h.Location == "" {
			return hops, false
		}
		if seen[h.Location] {
			return hops, true
		}
		u = h.Location
	}
	return hops, false
}

// chain renders hops as "URL → 301 URL → 200".
func chain(hops []Hop, loop bool) string {
	var b strings.Builder
	for i, h := range hops {
		if i == 0 {
			b.WriteString(h.URL)
		}
		switch {
		case h.Error != "":
			b.WriteString(" → error: " + h.Error)
		case isRedirect(h.Status) && h.Location != "":
			fmt.Fprintf(&b, " → %d %s", h.Status, h.Location)
		default:
			fmt.Fprintf(&b, " → %d", h.Status)
		}
	}
	if loop {
		b.WriteString(" (loop)")
	} else if n := len(hops); n > 0 && isRedirect(hops[n-1].Status) && hops[n-1].Error == "" {
		fmt.Fprintf(&b, " (stopped after %d redirects)", n)
	}
	return b.String()
}

// redirectSpec is what one redirect block must do to one test URL.
type redirectSpec struct {
	testURL      string
	wantStatus   int
	wantLocation string // "" when the target is an expression verify cannot evaluate
}

func (r *runner) checkRedirect(ctx context.Context, z *schema.Zone, rd *schema.Redirect) Result {
	res := Result{Zone: z.Name, Kind: KindRedirect, Name: rd.Name, Check: CheckRedirect}
	spec, err := buildRedirectSpec(z, rd)
	if err != nil {
		res.Status, res.Reason = Skip, "not checked: "+err.Error()
		return res
	}
	res.Target = spec.testURL
	hops, loop := r.follow(ctx, spec.testURL)
	res.Redirect = &RedirectDetail{URL: spec.testURL, WantStatus: spec.wantStatus, WantLocation: spec.wantLocation, Hops: hops}
	first := hops[0]
	switch {
	case first.Error != "":
		res.Status, res.Reason = Fail, "request failed: "+first.Error
		return res
	case !isRedirect(first.Status) || first.Location == "":
		want := spec.wantLocation
		if want == "" {
			want = "the target"
		}
		res.Status, res.Reason = Fail, fmt.Sprintf("no redirect: %s answered %d, want %d to %s", spec.testURL, first.Status, spec.wantStatus, want)
		return res
	}
	var problems []string
	warn := ""
	if first.Status != spec.wantStatus {
		problems = append(problems, fmt.Sprintf("status %d, want %d", first.Status, spec.wantStatus))
	}
	if spec.wantLocation != "" && !sameURL(first.Location, spec.wantLocation) {
		problems = append(problems, fmt.Sprintf("Location %s, want %s", first.Location, spec.wantLocation))
	}
	switch {
	case loop:
		problems = append(problems, "redirect loop: "+chain(hops, loop))
	case len(hops) > 1 && hops[1].Error != "":
		problems = append(problems, fmt.Sprintf("target %s failed: %s", hops[1].URL, hops[1].Error))
	case len(hops) > 2:
		problems = append(problems, fmt.Sprintf("%d redirects instead of one: %s", redirectCount(hops), chain(hops, loop)))
	case len(hops) > 1 && hops[1].Status >= 500:
		warn = fmt.Sprintf("target %s answered %d", hops[1].URL, hops[1].Status)
	}
	if len(problems) > 0 {
		res.Status, res.Reason = Fail, strings.Join(problems, "; ")
		return res
	}
	if warn != "" {
		res.Status, res.Reason = Warn, "redirect is right but "+warn
		return res
	}
	res.Status = Pass
	res.Reason = fmt.Sprintf("%d to %s in one hop; the target answers %d", first.Status, first.Location, hops[len(hops)-1].Status)
	if spec.wantLocation == "" {
		res.Reason += " (target is an expression: Location not compared)"
	}
	return res
}

func redirectCount(hops []Hop) int {
	n := 0
	for _, h := range hops {
		if h.Error == "" && isRedirect(h.Status) {
			n++
		}
	}
	return n
}

// checkApexWWW requires the apex and www to agree: one redirects to the other in one
// hop, or both answer 200.
func (r *runner) checkApexWWW(ctx context.Context, apex, www string) Result {
	res := Result{Zone: apex, Kind: KindRedirect, Name: apex + "/" + www, Check: CheckApexWWW}
	apexURL, wwwURL := "https://"+apex+"/", "https://"+www+"/"
	res.Target = apexURL + " " + wwwURL
	ah, aloop := r.follow(ctx, apexURL)
	wh, wloop := r.follow(ctx, wwwURL)
	res.Redirect = &RedirectDetail{URL: wwwURL, Hops: append(append([]Hop{}, ah...), wh...)}
	final := func(h Hop) bool { return h.Error == "" && h.Status >= 200 && h.Status < 300 }
	oneHopTo := func(hops []Hop, host string) bool {
		if len(hops) != 2 || !isRedirect(hops[0].Status) {
			return false
		}
		u, err := url.Parse(hops[0].Location)
		return err == nil && strings.EqualFold(u.Hostname(), host) && u.Scheme == "https" && final(hops[1])
	}
	switch {
	case len(wh) == 2 && oneHopTo(wh, apex) && len(ah) == 1 && final(ah[0]):
		res.Status = Pass
		res.Reason = fmt.Sprintf("%s redirects to %s in one hop (%d); %s answers %d", www, apex, wh[0].Status, apex, ah[0].Status)
	case len(ah) == 2 && oneHopTo(ah, www) && len(wh) == 1 && final(wh[0]):
		res.Status = Pass
		res.Reason = fmt.Sprintf("%s redirects to %s in one hop (%d); %s answers %d", apex, www, ah[0].Status, www, wh[0].Status)
	case len(ah) == 1 && len(wh) == 1 && final(ah[0]) && final(wh[0]):
		res.Status = Pass
		res.Reason = fmt.Sprintf("both answer without redirect (%d, %d)", ah[0].Status, wh[0].Status)
	default:
		res.Status = Fail
		res.Reason = fmt.Sprintf("apex and www disagree (want one to redirect to the other in one hop, or both to answer 200): %s; %s",
			chain(ah, aloop), chain(wh, wloop))
	}
	return res
}

// buildRedirectSpec derives a test URL and the expected answer from a redirect block.
func buildRedirectSpec(z *schema.Zone, rd *schema.Redirect) (redirectSpec, error) {
	spec := redirectSpec{wantStatus: 301}
	preserve := false
	target, targetExpr := "", ""
	if a := rd.Rule.Redirect; a != nil {
		if a.StatusCode != 0 {
			spec.wantStatus = a.StatusCode
		}
		preserve = a.PreserveQuery
		target, targetExpr = a.TargetURL, a.TargetExpression
	}
	from, to := rd.FromURL, rd.ToURL
	if from == "" {
		// Raw expression: recognise the forms the dashboard and launch.hcl write.
		f, t, ok := parseRedirectExpression(rd.Rule.Expression, targetExpr)
		if !ok {
			return spec, fmt.Errorf("cannot derive a test URL from expression %q; declare the redirect with from/to, or add a check block", rd.Rule.Expression)
		}
		from = f
		if t != "" {
			to = t
		}
	}
	if to == "" {
		to = target
	}
	captures, testURL, err := instantiate(z, from)
	if err != nil {
		return spec, err
	}
	spec.testURL = testURL
	if !strings.Contains(testURL, "?") {
		spec.testURL += "?" + probeQuery
	}
	if to == "" {
		return spec, nil // target computed by an expression
	}
	want := substitute(to, captures)
	if preserve {
		_, q, _ := strings.Cut(spec.testURL, "?")
		if strings.Contains(want, "?") {
			want += "&" + q
		} else {
			want += "?" + q
		}
	}
	spec.wantLocation = want
	return spec, nil
}

var (
	exprWildcard = regexp.MustCompile(`http\.request\.full_uri\s+(?:wildcard|strict\s+wildcard)\s+r?"([^"]+)"`)
	exprFullURI  = regexp.MustCompile(`http\.request\.full_uri\s+(?:eq|==)\s+"([^"]+)"`)
	exprHost     = regexp.MustCompile(`http\.host\s+(?:eq|==)\s+"([^"]+)"`)
	exprHostIn   = regexp.MustCompile(`http\.host\s+in\s+\{\s*"([^"]+)"`)
	exprPath     = regexp.MustCompile(`http\.request\.uri\.path\s+(?:eq|==)\s+"([^"]+)"`)
	exprReplace  = regexp.MustCompile(`wildcard_replace\(\s*http\.request\.full_uri\s*,\s*r?"[^"]*"\s*,\s*r?"([^"]*)"`)
)

// parseRedirectExpression recognises simple rules-language expressions: a wildcard on
// the full URI, an equality on the full URI, or on the host (and path). It returns
// the source pattern and, for wildcard_replace targets, the replacement.
func parseRedirectExpression(expr, targetExpr string) (from, to string, ok bool) {
	if m := exprReplace.FindStringSubmatch(targetExpr); m != nil {
		to = m[1]
	}
	if m := exprWildcard.FindStringSubmatch(expr); m != nil {
		return m[1], to, true
	}
	if m := exprFullURI.FindStringSubmatch(expr); m != nil {
		return m[1], to, true
	}
	host := ""
	if m := exprHost.FindStringSubmatch(expr); m != nil {
		host = m[1]
	} else if m := exprHostIn.FindStringSubmatch(expr); m != nil {
		host = m[1]
	}
	if host == "" {
		return "", "", false
	}
	path := "/"
	if m := exprPath.FindStringSubmatch(expr); m != nil {
		path = m[1]
	}
	return "https://" + host + path, to, true
}

// instantiate turns a wildcard source pattern into a concrete URL and the wildcard
// captures: "*" in the scheme becomes https, in the host a declared name of the zone
// that matches, elsewhere probePath.
func instantiate(z *schema.Zone, pattern string) (captures []string, concrete string, err error) {
	scheme, rest, ok := strings.Cut(pattern, "://")
	if !ok {
		return nil, "", fmt.Errorf("source %q is not an absolute URL", pattern)
	}
	hostPart, pathPart := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hostPart, pathPart = rest[:i], rest[i:]
	}
	if scheme == "*" {
		scheme = "https"
	} else if strings.Contains(scheme, "*") {
		return nil, "", fmt.Errorf("source %q: a wildcard inside the scheme cannot be probed", pattern)
	}
	if strings.Contains(hostPart, "*") {
		host, ok := matchingHost(z, hostPart)
		if !ok {
			return nil, "", fmt.Errorf("source %q: no record of zone %s matches the host pattern %q", pattern, z.Name, hostPart)
		}
		hostPart = host
	}
	if pathPart == "" {
		pathPart = "/"
	}
	pathPart = strings.ReplaceAll(pathPart, "*", probePath)
	concrete = scheme + "://" + hostPart + pathPart
	m := wildcardRegexp(pattern).FindStringSubmatch(concrete)
	if m == nil {
		return nil, "", fmt.Errorf("source %q: internal error: the probe URL %s does not match it", pattern, concrete)
	}
	return m[1:], concrete, nil
}

// wildcardRegexp compiles a wildcard pattern: "*" matches any run of characters (as
// few as possible), everything else literally, case-insensitively.
func wildcardRegexp(pattern string) *regexp.Regexp {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("(?i)^" + strings.Join(parts, "(.*?)") + "$")
}

// matchingHost picks the first declared name of the zone (sorted) matching a host
// pattern with wildcards.
func matchingHost(z *schema.Zone, pattern string) (string, bool) {
	re := wildcardRegexp(strings.ToLower(pattern))
	var names []string
	for _, rec := range z.Records {
		if strings.Contains(rec.Name, "*") || strings.HasPrefix(rec.Name, "_") || strings.Contains(rec.Name, "._") {
			continue
		}
		if (rec.Type == "A" || rec.Type == "AAAA" || rec.Type == "CNAME") && re.MatchString(rec.Name) {
			names = append(names, rec.Name)
		}
	}
	if len(names) == 0 {
		return "", false
	}
	sort.Strings(names)
	return names[0], true
}

var placeholder = regexp.MustCompile(`\$\{(\d+)\}`)

// substitute replaces ${n} with the n-th capture (empty when there is none).
func substitute(target string, captures []string) string {
	return placeholder.ReplaceAllStringFunc(target, func(m string) string {
		n, _ := strconv.Atoi(m[2 : len(m)-1])
		if n >= 1 && n <= len(captures) {
			return captures[n-1]
		}
		return ""
	})
}
