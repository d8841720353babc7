package edge

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/model"
)

// originDialTimeout is how long a TCP connection to an origin may take before the
// edge answers 522 (Cloudflare waits 15 seconds).
const originDialTimeout = 15 * time.Second

// handler serves the edge for one visitor scheme ("http" or "https").
func (e *Edge) handler(scheme string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		e.serve(rec, r, scheme)
		e.log.Debug("request", "scheme", scheme, "method", r.Method, "host", r.Host, "path", r.URL.Path,
			"status", rec.status, "cache", rec.Header().Get("Cf-Cache-Status"), "ray", rec.Header().Get("Cf-Ray"))
	})
}

// statusRecorder remembers the status written, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// requestHost is the Host header's name, lower case, without port or trailing dot.
func requestHost(r *http.Request) string {
	h := r.Host
	if host, _, err := net.SplitHostPort(h); err == nil {
		h = host
	}
	return strings.ToLower(strings.TrimSuffix(h, "."))
}

// serve runs one request through the zone's edge: always_use_https (http only),
// Single Redirects, then the cache and the origin.
func (e *Edge) serve(w http.ResponseWriter, r *http.Request, scheme string) {
	ray := newRay()
	host := requestHost(r)
	zv := viewFor(e.opts.Source, host)
	if zv == nil || !e.proxiedHost(zv, host) {
		e.edgeHeaders(w.Header(), nil, scheme, ray)
		e.edgeError(w, http.StatusConflict, 1001, "DNS resolution error: "+host+" is not a proxied name of a zone on this edge")
		return
	}
	e.edgeHeaders(w.Header(), zv, scheme, ray)
	f := reqFields{
		Scheme:    scheme,
		Host:      host,
		Path:      r.URL.EscapedPath(),
		Query:     r.URL.RawQuery,
		Method:    r.Method,
		UserAgent: r.UserAgent(),
		Referer:   r.Referer(),
		Cookie:    r.Header.Get("Cookie"),
		SrcIP:     clientIP(r),
	}
	if f.Path == "" {
		f.Path = "/"
	}
	if scheme == "http" && zv.setting(model.SettingAlwaysUseHTTPS) == "on" {
		writeRedirect(w, "https://"+host+f.uri(), http.StatusMovedPermanently)
		return
	}
	if loc, status, ok := e.matchRedirect(zv, f); ok {
		writeRedirect(w, loc, status)
		return
	}
	e.serveCached(w, r, zv, f, ray)
}

// edgeHeaders sets what the edge adds to every response: Server, CF-Ray and, on
// HTTPS with the zone's security_header enabled, HSTS (and nosniff).
func (e *Edge) edgeHeaders(h http.Header, zv *zoneView, scheme, ray string) {
	h.Set("Server", "cloudflare")
	h.Set("CF-Ray", ray)
	if zv == nil || scheme != "https" {
		return
	}
	hs := zv.hsts()
	if hs == nil || !hs.Enabled {
		return
	}
	v := "max-age=" + strconv.Itoa(hs.MaxAge)
	if hs.IncludeSubdomains {
		v += "; includeSubDomains"
	}
	if hs.Preload {
		v += "; preload"
	}
	h.Set("Strict-Transport-Security", v)
	if hs.Nosniff {
		h.Set("X-Content-Type-Options", "nosniff")
	}
}

// newRay returns a CF-Ray value: 16 hex digits and a location code.
func newRay() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "-SIM"
}

func clientIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func writeRedirect(w http.ResponseWriter, location string, status int) {
	w.Header().Set("Location", location)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(status)
}

// edgeError answers like Cloudflare's error pages: "error code: N".
func (e *Edge) edgeError(w http.ResponseWriter, status, code int, why string) {
	e.log.Debug("edge error", "status", status, "code", code, "reason", why)
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	h.Set("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate")
	h.Del("Cf-Cache-Status")
	w.WriteHeader(status)
	fmt.Fprintf(w, "error code: %d\n", code)
}

// parsedExpr is a parsed rule expression, kept so that a rule is parsed once.
type parsedExpr struct {
	n   node
	err error
}

// maxParsedExprs bounds the parsed-expression memo.
const maxParsedExprs = 4096

// parsed parses a filter (value=false) or a value expression (value=true), memoised.
func (e *Edge) parsed(src string, value bool) (node, error) {
	key := "f:" + src
	if value {
		key = "v:" + src
	}
	e.exprMu.Lock()
	defer e.exprMu.Unlock()
	if p, ok := e.exprs[key]; ok {
		return p.n, p.err
	}
	var p parsedExpr
	if value {
		p.n, p.err = parseValueExpr(src)
	} else {
		p.n, p.err = parseExpr(src)
	}
	if len(e.exprs) >= maxParsedExprs {
		clear(e.exprs)
	}
	e.exprs[key] = p
	return p.n, p.err
}

// ruleMatches evaluates a rule's expression; a rule the evaluator cannot read does
// not match (logged at debug).
func (e *Edge) ruleMatches(zv *zoneView, rule model.Rule, f reqFields) bool {
	n, err := e.parsed(rule.Expression, false)
	if err == nil {
		var ok bool
		ok, err = evalBool(n, f)
		if err == nil {
			return ok
		}
	}
	e.log.Debug("rule skipped: expression not understood", "zone", zv.name, "rule", ruleLabel(rule), "expression", rule.Expression, "error", err)
	return false
}

func ruleLabel(r model.Rule) string {
	switch {
	case r.Ref != "":
		return r.Ref
	case r.ID != "":
		return r.ID
	}
	return r.Description
}

// matchRedirect runs the zone's Single Redirects: the first enabled rule that
// matches decides the Location and status.
func (e *Edge) matchRedirect(zv *zoneView, f reqFields) (location string, status int, ok bool) {
	for _, rule := range zv.rules(model.PhaseRedirect) {
		if !rule.Enabled || rule.Action != "redirect" || rule.Redirect == nil || !e.ruleMatches(zv, rule, f) {
			continue
		}
		a := rule.Redirect
		target := a.TargetURL
		if a.TargetExpression != "" {
			n, err := e.parsed(a.TargetExpression, true)
			if err == nil {
				target, err = evalString(n, f)
			}
			if err != nil {
				e.log.Debug("redirect skipped: target expression not understood", "zone", zv.name, "rule", ruleLabel(rule),
					"target", a.TargetExpression, "error", err)
				continue
			}
		}
		if target == "" {
			continue
		}
		if a.PreserveQuery && f.Query != "" {
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			target += sep + f.Query
		}
		status = a.StatusCode
		if status == 0 {
			status = http.StatusMovedPermanently
		}
		return target, status, true
	}
	return "", 0, false
}

// cacheRules merges the zone's matching cache rules, in order (a later rule's
// settings override an earlier one's).
func (e *Edge) cacheRules(zv *zoneView, f reqFields) cacheDecision {
	var d cacheDecision
	for _, rule := range zv.rules(model.PhaseCache) {
		if !rule.Enabled || rule.Action != "set_cache_settings" || rule.Cache == nil || !e.ruleMatches(zv, rule, f) {
			continue
		}
		d.matched = true
		if rule.Cache.Bypass {
			d.bypass, d.eligible = true, false
			continue
		}
		d.bypass, d.eligible = false, true
		if rule.Cache.EdgeTTL > 0 {
			d.edgeTTL = rule.Cache.EdgeTTL
		}
		if rule.Cache.BrowserTTL > 0 {
			d.browserTTL = rule.Cache.BrowserTTL
		}
	}
	return d
}

// serveCached answers from the cache or the origin, with cf-cache-status:
// BYPASS (a bypass rule, or the origin forbids caching), DYNAMIC (not eligible),
// HIT (with Age), MISS or EXPIRED (fetched and stored).
func (e *Edge) serveCached(w http.ResponseWriter, r *http.Request, zv *zoneView, f reqFields, ray string) {
	d := e.cacheRules(zv, f)
	readOnly := r.Method == http.MethodGet || r.Method == http.MethodHead
	status, cacheable := "", false
	switch {
	case d.bypass:
		status = "BYPASS"
	case !readOnly:
		status = "DYNAMIC"
	case d.eligible, !d.matched && staticExtensions[pathExtension(f.Path)]:
		cacheable = true
	default:
		status = "DYNAMIC"
	}
	now := e.opts.Now()
	key := f.Scheme + "://" + f.Host + f.uri()
	expired := false
	if cacheable {
		ent, exp := e.cache.get(key, now)
		if ent != nil {
			e.writeHit(w, r, zv, f.Scheme, ray, ent, now)
			return
		}
		expired = exp
	}

	resp, eerr := e.fetchOrigin(r, zv, f, ray)
	if eerr != nil {
		e.edgeError(w, eerr.status, eerr.status, eerr.msg)
		return
	}
	defer resp.Body.Close()
	h := w.Header()
	copyHeaders(h, resp.Header)
	e.edgeHeaders(h, zv, f.Scheme, ray)

	store := false
	var ttl time.Duration
	if cacheable {
		status = "MISS"
		if expired {
			status = "EXPIRED"
		}
		if d.edgeTTL > 0 {
			ttl, store = time.Duration(d.edgeTTL)*time.Second, true
		} else if ttl, store = originTTL(resp.Header); !store && resp.StatusCode == http.StatusOK {
			status = "BYPASS" // the origin said not to cache
		}
		if resp.StatusCode != http.StatusOK || r.Method != http.MethodGet {
			store = false
		}
		if d.browserTTL > 0 {
			h.Set("Cache-Control", "max-age="+strconv.Itoa(d.browserTTL))
		}
	}
	h.Set("Cf-Cache-Status", status)
	if !store {
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
		return
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxCacheBody+1))
	if err != nil || len(body) > maxCacheBody {
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
		if err == nil {
			_, _ = io.Copy(w, resp.Body)
		}
		return
	}
	stored := h.Clone()
	for _, k := range []string{"Cf-Ray", "Cf-Cache-Status", "Age", "Server", "Strict-Transport-Security", "X-Content-Type-Options"} {
		stored.Del(k)
	}
	e.cache.put(key, &cacheEntry{status: resp.StatusCode, header: stored, body: body, stored: now, expires: now.Add(ttl)}, now)
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// writeHit answers from a cache entry, with its Age.
func (e *Edge) writeHit(w http.ResponseWriter, r *http.Request, zv *zoneView, scheme, ray string, ent *cacheEntry, now time.Time) {
	h := w.Header()
	for k, vs := range ent.header {
		h[k] = append([]string(nil), vs...)
	}
	e.edgeHeaders(h, zv, scheme, ray)
	h.Set("Cf-Cache-Status", "HIT")
	h.Set("Age", strconv.Itoa(int(max(0, now.Sub(ent.stored))/time.Second)))
	h.Set("Content-Length", strconv.Itoa(len(ent.body)))
	w.WriteHeader(ent.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(ent.body)
	}
}

// hopHeaders are not forwarded by a proxy (RFC 9110 §7.6.1).
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate",
	"Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// edgeOwned are response headers the edge sets itself.
var edgeOwned = map[string]bool{"Server": true, "Cf-Ray": true, "Cf-Cache-Status": true}

// copyHeaders copies end-to-end headers from src to dst.
func copyHeaders(dst, src http.Header) {
	drop := map[string]bool{}
	for _, h := range hopHeaders {
		drop[h] = true
	}
	for _, c := range src.Values("Connection") {
		for _, f := range strings.Split(c, ",") {
			drop[http.CanonicalHeaderKey(strings.TrimSpace(f))] = true
		}
	}
	for k, vs := range src {
		if drop[k] || edgeOwned[k] {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

// originError is a failed origin fetch, answered with Cloudflare's 52x codes.
type originError struct {
	status int
	msg    string
}

// resolveOrigin finds the loopback address serving host's origin: the record's value
// (A/AAAA addresses, or the CNAME target), following CNAMEs through the source's
// zones until a value is in Options.Origins. origin names what was looked for.
func (e *Edge) resolveOrigin(zv *zoneView, host string) (origin, addr string, ok bool) {
	n := zv.lookup(host).node
	for hop := 0; hop < maxChase && n != nil; hop++ {
		var candidates []string
		cname := ""
		if cn := n.byType["CNAME"]; len(cn) > 0 {
			cname = strings.ToLower(cn[0].Value)
			candidates = []string{cname}
		} else {
			for _, t := range []string{"A", "AAAA"} {
				for _, r := range n.byType[t] {
					candidates = append(candidates, r.Value)
				}
			}
		}
		if len(candidates) == 0 {
			return host, "", false
		}
		for _, c := range candidates {
			if a, found := e.opts.Origins[canonicalOrigin(c)]; found {
				return c, a, true
			}
		}
		if cname == "" {
			return candidates[0], e.opts.FallbackOrigin, e.opts.FallbackOrigin != ""
		}
		next := viewFor(e.opts.Source, cname)
		if next == nil {
			return cname, e.opts.FallbackOrigin, e.opts.FallbackOrigin != ""
		}
		r := next.lookup(cname)
		if !r.exists {
			return cname, "", false
		}
		n = r.node
	}
	return host, "", false
}

// fetchOrigin sends the request to the origin with the zone's SSL mode: off and
// flexible over http, full over https without verification, strict over https
// verified with Options.OriginTLS.
func (e *Edge) fetchOrigin(r *http.Request, zv *zoneView, f reqFields, ray string) (*http.Response, *originError) {
	origin, addr, ok := e.resolveOrigin(zv, f.Host)
	if !ok {
		return nil, &originError{523, fmt.Sprintf("origin is unreachable: %s is not mapped to a local address", origin)}
	}
	mode := zv.setting(model.SettingSSL)
	scheme := "http"
	switch mode {
	case "full", "strict", "origin_pull":
		scheme = "https"
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, scheme+"://"+f.Host+f.uri(), r.Body)
	if err != nil {
		return nil, &originError{http.StatusBadGateway, "building the origin request: " + err.Error()}
	}
	if r.ContentLength == 0 {
		out.Body = nil
	}
	out.ContentLength = r.ContentLength
	copyHeaders(out.Header, r.Header)
	out.Host = f.Host
	ip := clientIP(r)
	if prior := r.Header.Get("X-Forwarded-For"); prior != "" {
		out.Header.Set("X-Forwarded-For", prior+", "+ip)
	} else {
		out.Header.Set("X-Forwarded-For", ip)
	}
	out.Header.Set("X-Forwarded-Proto", f.Scheme)
	out.Header.Set("CF-Connecting-IP", ip)
	out.Header.Set("CF-Ray", ray)
	out.Header.Set("CF-Visitor", `{"scheme":"`+f.Scheme+`"}`)

	resp, err := e.transport(mode, addr).RoundTrip(out)
	if err != nil {
		oe := classifyOriginError(err)
		oe.msg = fmt.Sprintf("origin %s (%s, ssl %q): %s", origin, addr, mode, oe.msg)
		return nil, oe
	}
	return resp, nil
}

// classifyOriginError maps a transport error to Cloudflare's codes: 521 refused,
// 522 connect timeout, 524 response timeout, 525 TLS handshake failed, 526 invalid
// origin certificate, 502 otherwise.
func classifyOriginError(err error) *originError {
	var (
		verr    *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invalid x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		alert   tls.AlertError
		opErr   *net.OpError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &verr), errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid):
		return &originError{526, "invalid SSL certificate: " + err.Error()}
	case errors.As(err, &recErr), errors.As(err, &alert), strings.Contains(err.Error(), "tls: "):
		return &originError{525, "SSL handshake failed: " + err.Error()}
	case errors.As(err, &opErr) && opErr.Op == "dial":
		if opErr.Timeout() {
			return &originError{522, "connection timed out: " + err.Error()}
		}
		return &originError{521, "web server is down: " + err.Error()}
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, context.DeadlineExceeded):
		return &originError{524, "a timeout occurred: " + err.Error()}
	}
	return &originError{http.StatusBadGateway, "bad gateway: " + err.Error()}
}

// transport returns the pooled transport for one SSL mode and origin address.
func (e *Edge) transport(mode, addr string) *http.Transport {
	key := mode + "|" + addr
	e.trMu.Lock()
	defer e.trMu.Unlock()
	if t, ok := e.transports[key]; ok {
		return t
	}
	d := &net.Dialer{Timeout: originDialTimeout}
	t := &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", addr)
		},
		DisableCompression:    true, // pass bodies through as the origin encoded them
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: e.opts.OriginTimeout,
	}
	switch mode {
	case "full":
		// SSL "Full": encrypted, but any certificate is accepted (Cloudflare's
		// documented behaviour for this mode).
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the mode's definition
	case "strict", "origin_pull":
		if e.opts.OriginTLS != nil {
			t.TLSClientConfig = e.opts.OriginTLS.Clone()
		} else {
			t.TLSClientConfig = &tls.Config{}
		}
	}
	e.transports[key] = t
	return t
}
