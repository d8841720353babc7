package verify

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/html"

	"github.com/launchready/launchready/schema"
)

const userAgent = "launchready-verify/1"

// Check defaults, applied where a schema.Check field is zero. MaxErrorRate is taken as
// written (schema fills its default of 0.01; 0 then tolerates no error).
const (
	defaultRequests     = 20
	defaultCheckWorkers = 2
	defaultP95Ms        = 300
	maxBodyAnalysed     = 2 << 20 // bytes of an HTML page scanned for mixed content and meta robots
	maxBodyRead         = 16 << 20
)

// cachedStatuses are cf-cache-status values meaning the answer came from the cache.
var cachedStatuses = []string{"HIT", "STALE", "UPDATING", "REVALIDATED"}

func (r *runner) httpTasks(z *schema.Zone) []task {
	var tasks []task
	for _, c := range z.Checks {
		tasks = append(tasks, task{label: "check " + c.Name, run: func(ctx context.Context) []Result {
			return r.runCheck(ctx, z.Name, c)
		}})
	}
	return tasks
}

// sample is one request's outcome.
type sample struct {
	total, ttfb, dns, connect, tls, server time.Duration
	status                                 int
	err                                    string
	cacheStatus                            string // cf-cache-status
	age                                    int
}

// page is the first response with the expected status, kept for content checks.
type page struct {
	header http.Header
	body   []byte
}

// runCheck runs a declared HTTP check and grades it.
func (r *runner) runCheck(ctx context.Context, zone string, c *schema.Check) []Result {
	shown := redactURL(c.URL) // a password in the URL is never printed
	base := Result{Zone: zone, Kind: KindHTTP, Name: c.Name, Target: shown}
	method := strings.ToUpper(c.Method)
	if method == "" {
		method = http.MethodGet
	}
	requests, workers, p95Budget, expect := c.Requests, c.Concurrency, c.P95Ms, c.ExpectStatus
	if requests <= 0 {
		requests = defaultRequests
	}
	if r.opts.MaxRequests > 0 && requests > r.opts.MaxRequests {
		requests = r.opts.MaxRequests
	}
	if workers <= 0 {
		workers = defaultCheckWorkers
	}
	workers = min(workers, requests)
	if p95Budget <= 0 {
		p95Budget = defaultP95Ms
	}
	if expect == 0 {
		expect = http.StatusOK
	}

	header, missing := resolveHeaders(c.Headers)
	if len(missing) > 0 {
		res := base
		res.Check, res.Status = CheckHeaders, Fail
		res.Reason = "not run: " + strings.Join(missing, "; ")
		return []Result{res}
	}
	if _, err := url.Parse(c.URL); err != nil {
		res := base
		res.Check, res.Status, res.Reason = CheckErrors, Fail, "invalid URL: "+err.Error()
		return []Result{res}
	}

	samples := make([]sample, requests)
	var (
		firstPage *page
		pageOnce  sync.Mutex
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				s, pg := r.request(ctx, method, c.URL, header, expect)
				samples[i] = s
				if pg != nil {
					pageOnce.Lock()
					if firstPage == nil {
						firstPage = pg
					}
					pageOnce.Unlock()
				}
			}
		}()
	}
	for i := range requests {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	detail := summarise(shown, method, samples, expect)
	errorsRes, latency := base, base
	errorsRes.Check, latency.Check = CheckErrors, CheckLatency
	latency.HTTP = detail

	if detail.ErrorRate > c.MaxErrorRate {
		errorsRes.Status = Fail
	} else {
		errorsRes.Status = Pass
	}
	errorsRes.Reason = fmt.Sprintf("%d of %d requests failed (%s, budget %s)%s", detail.Errors, detail.Requests,
		pct(detail.ErrorRate), pct(c.MaxErrorRate), describeErrors(detail, expect))

	latency.Reason = fmt.Sprintf("p95 %s (budget %d ms; p50 %s, p99 %s; time to first byte p95 %s)",
		fmtMs(detail.Total.P95), p95Budget, fmtMs(detail.Total.P50), fmtMs(detail.Total.P99), fmtMs(detail.TTFB.P95))
	answered := 0
	for _, sm := range samples {
		if sm.status != 0 {
			answered++
		}
	}
	switch {
	case answered == 0:
		// Timings of connections that failed say nothing of the service's speed.
		latency.Status = Skip
		latency.Reason = fmt.Sprintf("not measured: none of the %d requests got an answer (see errors)", len(samples))
	case detail.Total.P95 > float64(p95Budget):
		latency.Status = Fail
		latency.Reason = "too slow: " + latency.Reason
	default:
		latency.Status = Pass
	}
	out := []Result{errorsRes, latency}

	if r.opts.Baseline != nil {
		out = append(out, r.judgeBaseline(base, detail))
	}
	if c.NeverCached {
		out = append(out, judgeNeverCached(base, samples))
	}
	if c.NoMixedContent {
		out = append(out, judgeMixedContent(base, c.URL, firstPage, expect))
	}
	if c.Noindex {
		out = append(out, judgeNoindex(base, firstPage, expect))
	}
	return out
}

// redactURL hides the password of a URL's user information.
func redactURL(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.Redacted()
}

// resolveHeaders reads header values, secrets from the environment at run time. It
// returns the names of missing variables, never values.
func resolveHeaders(hs map[string]schema.Secret) (http.Header, []string) {
	h := http.Header{}
	var missing []string
	names := make([]string, 0, len(hs))
	for n := range hs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := hs[n]
		if s.Env == "" {
			h.Set(n, s.Literal)
			continue
		}
		v, ok := os.LookupEnv(s.Env)
		switch {
		case !ok:
			missing = append(missing, fmt.Sprintf("header %s: environment variable %s is not set", n, s.Env))
		case v == "":
			missing = append(missing, fmt.Sprintf("header %s: environment variable %s is empty", n, s.Env))
		default:
			h.Set(n, v)
		}
	}
	return h, missing
}

// timing collects httptrace events of one request; hooks may fire concurrently.
type timing struct {
	mu                                  sync.Mutex
	dnsStart, dnsDone                   time.Time
	connStart, connDone                 time.Time
	tlsStart, tlsDone, wrote, firstByte time.Time
}

func (t *timing) set(p *time.Time, first bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if first && !p.IsZero() {
		return
	}
	*p = time.Now()
}

func (t *timing) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { t.set(&t.dnsStart, true) },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.set(&t.dnsDone, false) },
		ConnectStart:         func(string, string) { t.set(&t.connStart, true) },
		ConnectDone:          func(string, string, error) { t.set(&t.connDone, false) },
		TLSHandshakeStart:    func() { t.set(&t.tlsStart, true) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.set(&t.tlsDone, false) },
		WroteRequest:         func(httptrace.WroteRequestInfo) { t.set(&t.wrote, false) },
		GotFirstResponseByte: func() { t.set(&t.firstByte, true) },
	}
}

func span(a, b time.Time) time.Duration {
	if a.IsZero() || b.IsZero() || b.Before(a) {
		return 0
	}
	return b.Sub(a)
}

// request sends one request and measures it. It returns the page when the status is
// the expected one and it is the kind of response content checks look at.
func (r *runner) request(ctx context.Context, method, u string, header http.Header, expect int) (sample, *page) {
	var t timing
	start := time.Now()
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, t.trace()), method, u, nil)
	if err != nil {
		return sample{err: err.Error(), total: time.Since(start)}, nil
	}
	req.Header = header.Clone()
	req.Header.Set("User-Agent", userAgent)
	resp, err := r.client.Do(req)
	if err != nil {
		return sample{err: trimURLError(err), total: time.Since(start)}, nil
	}
	var buf bytes.Buffer
	_, rerr := io.Copy(&buf, io.LimitReader(resp.Body, maxBodyRead))
	resp.Body.Close()
	end := time.Now()
	t.mu.Lock()
	s := sample{
		total:   end.Sub(start),
		ttfb:    span(start, t.firstByte),
		dns:     span(t.dnsStart, t.dnsDone),
		connect: span(t.connStart, t.connDone),
		tls:     span(t.tlsStart, t.tlsDone),
		server:  span(t.wrote, t.firstByte),
		status:  resp.StatusCode,
	}
	t.mu.Unlock()
	s.cacheStatus = strings.ToUpper(strings.TrimSpace(resp.Header.Get("Cf-Cache-Status")))
	if a, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Age"))); err == nil {
		s.age = a
	}
	if rerr != nil {
		s.err = "reading the body: " + rerr.Error()
		return s, nil
	}
	if resp.StatusCode != expect {
		return s, nil
	}
	body := buf.Bytes()
	if len(body) > maxBodyAnalysed {
		body = body[:maxBodyAnalysed]
	}
	return s, &page{header: resp.Header, body: bytes.Clone(body)}
}

// summarise computes error counts and exact percentiles over all samples.
func summarise(u, method string, samples []sample, expect int) *HTTPDetail {
	d := &HTTPDetail{URL: u, Method: method, Requests: len(samples), Statuses: map[string]int{}}
	var total, ttfb, dnsT, conn, tlsT, server []float64
	for _, s := range samples {
		switch {
		case s.err != "" && s.status == 0:
			d.Statuses["error"]++
		default:
			d.Statuses[strconv.Itoa(s.status)]++
		}
		if s.err != "" || s.status != expect {
			d.Errors++
			msg := s.err
			if msg == "" {
				msg = fmt.Sprintf("status %d", s.status)
			}
			if len(d.ErrorSamples) < 5 && !slices.Contains(d.ErrorSamples, msg) {
				d.ErrorSamples = append(d.ErrorSamples, msg)
			}
		}
		total = append(total, ms(s.total))
		ttfb = append(ttfb, ms(s.ttfb))
		dnsT = append(dnsT, ms(s.dns))
		conn = append(conn, ms(s.connect))
		tlsT = append(tlsT, ms(s.tls))
		server = append(server, ms(s.server))
	}
	if d.Requests > 0 {
		d.ErrorRate = float64(d.Errors) / float64(d.Requests)
	}
	d.Total, d.TTFB, d.DNS, d.Connect, d.TLS, d.Server = percentiles(total), percentiles(ttfb), percentiles(dnsT), percentiles(conn), percentiles(tlsT), percentiles(server)
	return d
}

// percentiles returns exact nearest-rank p50, p95 and p99 of values.
func percentiles(values []float64) Percentiles {
	s := append([]float64(nil), values...)
	sort.Float64s(s)
	return Percentiles{P50: nearestRank(s, 50), P95: nearestRank(s, 95), P99: nearestRank(s, 99)}
}

// nearestRank is the p-th percentile (0 < p ≤ 100) of sorted values by the
// nearest-rank method: the smallest value such that at least p % of the values are
// less than or equal to it, i.e. the value at rank ⌈p·n/100⌉. Integer arithmetic keeps
// the rank exact. It returns 0 for no values.
func nearestRank(sorted []float64, p int) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	rank := (p*n + 99) / 100
	rank = max(1, min(rank, n))
	return sorted[rank-1]
}

func describeErrors(d *HTTPDetail, expect int) string {
	if d.Errors == 0 {
		return ""
	}
	var parts []string
	keys := make([]string, 0, len(d.Statuses))
	for k := range d.Statuses {
		if k != strconv.Itoa(expect) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := "status " + k
		if k == "error" {
			label = "transport error"
		}
		parts = append(parts, fmt.Sprintf("%d× %s", d.Statuses[k], label))
	}
	s := ": " + strings.Join(parts, ", ")
	for _, e := range d.ErrorSamples {
		if !strings.HasPrefix(e, "status ") {
			s += " (" + e + ")"
			break
		}
	}
	if len(parts) == 0 { // only body read errors
		s = ": " + strings.Join(d.ErrorSamples, "; ")
	}
	return s
}

// judgeBaseline compares p95 with the baseline report's same check.
func (r *runner) judgeBaseline(base Result, d *HTTPDetail) Result {
	res := base
	res.Check = CheckBaseline
	var prev *HTTPDetail
	for _, z := range r.opts.Baseline.Zones {
		for _, b := range z.Results {
			if b.Zone == base.Zone && b.Kind == KindHTTP && b.Name == base.Name && b.Check == CheckLatency && b.HTTP != nil {
				prev = b.HTTP
			}
		}
	}
	if prev == nil || prev.Total.P95 <= 0 {
		res.Status, res.Reason = Skip, "not compared: the baseline report has no latency for this check"
		return res
	}
	d.BaselineP95 = prev.Total.P95
	change := (d.Total.P95 - prev.Total.P95) / prev.Total.P95
	res.Reason = fmt.Sprintf("p95 %s against %s in the baseline (%s, budget +%s)",
		fmtMs(d.Total.P95), fmtMs(prev.Total.P95), fmtChange(change), pct(r.opts.MaxRegression))
	if change > r.opts.MaxRegression {
		res.Status, res.Reason = Fail, "p95 regressed: "+res.Reason
	} else {
		res.Status = Pass
	}
	return res
}

func judgeNeverCached(base Result, samples []sample) Result {
	res := base
	res.Check = CheckNeverCached
	cached := 0
	var why []string
	for _, s := range samples {
		hit := slices.Contains(cachedStatuses, s.cacheStatus)
		if hit || s.age > 0 {
			cached++
			w := ""
			if hit {
				w = "cf-cache-status: " + s.cacheStatus
			} else {
				w = fmt.Sprintf("Age: %d", s.age)
			}
			if !slices.Contains(why, w) {
				why = append(why, w)
			}
		}
	}
	if cached > 0 {
		res.Status = Fail
		res.Reason = fmt.Sprintf("%d of %d responses came from a cache (%s): this route must never be cached", cached, len(samples), strings.Join(why, ", "))
		return res
	}
	res.Status, res.Reason = Pass, fmt.Sprintf("none of %d responses came from a cache", len(samples))
	return res
}

// isHTML reports whether a response is an HTML page.
func isHTML(h http.Header) (bool, string) {
	ct := h.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false, ct
	}
	return mt == "text/html" || mt == "application/xhtml+xml", mt
}

func judgeMixedContent(base Result, u string, pg *page, expect int) Result {
	res := base
	res.Check = CheckMixed
	if pu, err := url.Parse(u); err != nil || pu.Scheme != "https" {
		res.Status, res.Reason = Skip, "not applicable: the check URL is not https (mixed content concerns https pages)"
		return res
	}
	if pg == nil {
		res.Status, res.Reason = Skip, fmt.Sprintf("not checked: no response with status %d to inspect", expect)
		return res
	}
	if ok, mt := isHTML(pg.header); !ok {
		res.Status, res.Reason = Pass, fmt.Sprintf("the response is %s, not an HTML page: no subresources", orNone(mt))
		return res
	}
	insecure := insecureSubresources(pg.body)
	if len(insecure) > 0 {
		res.Status = Fail
		res.Reason = fmt.Sprintf("the https page loads %d insecure subresource(s): %s", len(insecure), joinLimit(insecure, 3))
		return res
	}
	res.Status, res.Reason = Pass, "no http:// subresources in the page"
	return res
}

func orNone(s string) string {
	if s == "" {
		return "untyped"
	}
	return s
}

// subresourceAttrs lists, per element, the attributes that load a subresource.
var subresourceAttrs = map[string][]string{
	"script": {"src"},
	"img":    {"src", "srcset"},
	"iframe": {"src"},
	"frame":  {"src"},
	"embed":  {"src"},
	"object": {"data"},
	"audio":  {"src"},
	"video":  {"src", "poster"},
	"source": {"src", "srcset"},
	"track":  {"src"},
	"input":  {"src"},
}

// loadingRels are <link rel> values that make the browser fetch href.
var loadingRels = []string{"stylesheet", "icon", "preload", "modulepreload", "manifest", "apple-touch-icon"}

// insecureSubresources tokenizes an HTML page and lists the http:// URLs it loads,
// as "<script src=http://…>".
func insecureSubresources(body []byte) []string {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []string
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attrs := map[string]string{}
		for _, a := range tok.Attr {
			attrs[strings.ToLower(a.Key)] = a.Val
		}
		var check []string
		if tok.Data == "link" {
			rels := strings.Fields(strings.ToLower(attrs["rel"]))
			for _, r := range rels {
				if slices.Contains(loadingRels, r) {
					check = []string{"href"}
					break
				}
			}
		} else {
			check = subresourceAttrs[tok.Data]
		}
		for _, name := range check {
			v, ok := attrs[name]
			if !ok {
				continue
			}
			for _, ref := range srcsetURLs(name, v) {
				if strings.HasPrefix(strings.ToLower(strings.TrimSpace(ref)), "http://") {
					out = append(out, fmt.Sprintf("<%s %s=%s>", tok.Data, name, strings.TrimSpace(ref)))
				}
			}
		}
	}
}

// srcsetURLs splits a srcset into its URLs; other attributes hold one URL.
func srcsetURLs(attr, v string) []string {
	if attr != "srcset" {
		return []string{v}
	}
	var out []string
	for _, cand := range strings.Split(v, ",") {
		f := strings.Fields(cand)
		if len(f) > 0 {
			out = append(out, f[0])
		}
	}
	return out
}

func judgeNoindex(base Result, pg *page, expect int) Result {
	res := base
	res.Check = CheckNoindex
	if pg == nil {
		res.Status, res.Reason = Skip, fmt.Sprintf("not checked: no response with status %d to inspect", expect)
		return res
	}
	for _, v := range pg.header.Values("X-Robots-Tag") {
		if robotsNoindex(v) {
			res.Status, res.Reason = Pass, "X-Robots-Tag: "+v
			return res
		}
	}
	if ok, _ := isHTML(pg.header); ok {
		if content, found := metaRobots(pg.body); found && robotsNoindex(content) {
			res.Status, res.Reason = Pass, fmt.Sprintf("<meta name=robots content=%q>", content)
			return res
		}
	}
	res.Status = Fail
	res.Reason = "the page may be indexed by search engines: no X-Robots-Tag noindex header and no <meta name=\"robots\" content=\"noindex\">"
	return res
}

// robotsNoindex reports whether a robots directive list ("googlebot: noindex, nofollow")
// forbids indexing.
func robotsNoindex(v string) bool {
	v = strings.ToLower(v)
	if i := strings.Index(v, ":"); i >= 0 && !strings.Contains(v[:i], ",") {
		v = v[i+1:] // user-agent prefix
	}
	for _, d := range strings.Split(v, ",") {
		d = strings.TrimSpace(d)
		if d == "noindex" || d == "none" {
			return true
		}
	}
	return false
}

// metaRobots finds <meta name="robots" (or "googlebot") content="…"> in a page.
func metaRobots(body []byte) (string, bool) {
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return "", false
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		if tok.Data == "body" {
			return "", false
		}
		if tok.Data != "meta" {
			continue
		}
		name, content := "", ""
		for _, a := range tok.Attr {
			switch strings.ToLower(a.Key) {
			case "name":
				name = strings.ToLower(strings.TrimSpace(a.Val))
			case "content":
				content = a.Val
			}
		}
		if name == "robots" || name == "googlebot" {
			return content, true
		}
	}
}

func pct(f float64) string {
	s := strconv.FormatFloat(f*100, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}

// fmtChange renders a relative change as a signed percentage, with one decimal
// below 10 % so that a small regression never reads "+0%".
func fmtChange(c float64) string {
	switch p := c * 100; {
	case p == 0:
		return "±0%"
	case math.Abs(p) < 10:
		return fmt.Sprintf("%+.1f%%", p)
	default:
		return fmt.Sprintf("%+.0f%%", p)
	}
}

func fmtMs(v float64) string {
	return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
}
