package cloudflare

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/cloudflare/cloudflare-go/v7/option"
)

// longWait is the retry delay from which a wait is logged at warn level (shown by
// default): a user staring at a silent terminal deserves to know why.
const longWait = 2 * time.Second

// DefaultMaxRetryWait is the longest Retry-After honoured by default.
const DefaultMaxRetryWait = 60 * time.Second

// cappedHeader marks an answer whose Retry-After exceeded the cap: its value is the
// cap, so the error can say it.
const cappedHeader = "X-Launchready-Retry-Capped"

// middleware runs around every HTTP attempt the SDK makes (retries included): it
// waits for the shared pacer, counts the request, bounds it by the per-request
// timeout (withRequestTimeout), and logs retries. It logs method,
// path and status only: never headers (Authorization) or bodies.
//
// When an answer's Retry-After is longer than the context has left, it tells the SDK
// not to retry (x-should-retry: false), so the caller gets the API's 429 at once
// instead of a context deadline after a sleep that could never finish.
func (p *Provider) middleware(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	ctx := req.Context()
	if n, _ := strconv.Atoi(req.Header.Get("X-Stainless-Retry-Count")); n > 0 {
		p.log.Debug("retrying Cloudflare API request", "method", req.Method, "path", req.URL.Path, "retry", n)
	}
	if err := p.pacer.Wait(ctx); err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := p.withRequestTimeout(req, p.requestTimeout, next)
	if err != nil {
		p.log.Debug("Cloudflare API request failed", "method", req.Method, "path", req.URL.Path, "error", err)
		return resp, err
	}
	p.log.Trace("Cloudflare API request", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode, "duration", time.Since(start))
	if !retryableStatus(resp.StatusCode) || resp.Header.Get("x-should-retry") == "false" {
		return resp, nil
	}
	wait, ok := retryAfter(resp.Header)
	if !ok {
		p.log.Debug("Cloudflare API answered a retryable status", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode)
		return resp, nil
	}
	if max := p.maxRetryWait; max > 0 && wait > max {
		p.log.Debug("Retry-After exceeds the cap; not retrying", "path", req.URL.Path, "status", resp.StatusCode, "retry_after", wait, "cap", max)
		resp.Header.Set("x-should-retry", "false")
		resp.Header.Set(cappedHeader, max.String())
		return resp, nil
	}
	if dl, has := ctx.Deadline(); has && wait > time.Until(dl) {
		p.log.Debug("Retry-After exceeds the time left; not retrying", "path", req.URL.Path, "status", resp.StatusCode, "retry_after", wait)
		resp.Header.Set("x-should-retry", "false")
		return resp, nil
	}
	if wait >= longWait {
		p.log.Warn(fmt.Sprintf("Cloudflare API answered %d: waiting %s before retrying (Retry-After; at most %s is waited, see --max-retry-wait)", resp.StatusCode, wait.Round(time.Second), p.maxRetryWait))
	} else {
		p.log.Debug("Cloudflare API asked to wait before retrying", "method", req.Method, "path", req.URL.Path, "status", resp.StatusCode, "retry_after", wait)
	}
	return resp, nil
}

// retryableStatus mirrors the SDK's retry rule (408, 409, 429, 5xx).
func retryableStatus(code int) bool {
	return code == http.StatusRequestTimeout || code == http.StatusConflict ||
		code == http.StatusTooManyRequests || code >= http.StatusInternalServerError
}

// retryAfter reads the delay the SDK will honour: Retry-After-Ms, else Retry-After
// in seconds or as an HTTP date.
func retryAfter(h http.Header) (time.Duration, bool) {
	if v := h.Get("Retry-After-Ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := h.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := time.Parse(time.RFC1123, v); err == nil {
		return time.Until(t), true
	}
	return 0, false
}
