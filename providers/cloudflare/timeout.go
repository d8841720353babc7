package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// DefaultRequestTimeout bounds each HTTP attempt (connection, answer and body) when
// Options.RequestTimeout is 0.
const DefaultRequestTimeout = 30 * time.Second

// StalledError is a request the API did not answer (or finish answering) within the
// per-request timeout. It names the endpoint; the SDK does not retry it (see
// stallGuard). For a batch, whether it was applied is unknown (the error is marked
// so, like a lost connection).
type StalledError struct {
	Method, Path string
	After        time.Duration
}

func (e *StalledError) Error() string {
	return fmt.Sprintf("%s %s: the Cloudflare API did not answer within %s (the per-request timeout)", e.Method, e.Path, e.After)
}

// Timeout marks it as a timeout for net.Error-style checks.
func (e *StalledError) Timeout() bool { return true }

// stallGuard remembers the requests that stalled, so that the SDK's retry of one
// (it retries any attempt without an answer) fails at once with the same error
// instead of waiting another timeout: an API that holds a request for the whole
// timeout is down, not flaky, and the user should hear so after one wait.
type stallGuard struct {
	mu      sync.Mutex
	stalled map[string]*StalledError // method + URL
}

func (g *stallGuard) key(req *http.Request) string { return req.Method + " " + req.URL.String() }

// retryOfStalled returns the stall error when req retries a request that stalled.
func (g *stallGuard) retryOfStalled(req *http.Request) error {
	n, _ := strconv.Atoi(req.Header.Get("X-Stainless-Retry-Count"))
	g.mu.Lock()
	defer g.mu.Unlock()
	if n == 0 {
		delete(g.stalled, g.key(req))
		return nil
	}
	if e := g.stalled[g.key(req)]; e != nil {
		return e
	}
	return nil
}

func (g *stallGuard) remember(req *http.Request, e *StalledError) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stalled == nil {
		g.stalled = map[string]*StalledError{}
	}
	g.stalled[g.key(req)] = e
}

// withRequestTimeout sends req through next with the per-request timeout d covering
// the answer and the body (the body's reads end at the deadline; closing it releases
// the timer). A deadline of the caller's own context passes through unchanged.
func (p *Provider) withRequestTimeout(req *http.Request, d time.Duration, next func(*http.Request) (*http.Response, error)) (*http.Response, error) {
	if d <= 0 {
		return next(req)
	}
	if err := p.stalls.retryOfStalled(req); err != nil {
		return nil, err
	}
	parent := req.Context()
	ctx, cancel := context.WithTimeout(parent, d)
	stall := func(err error) error {
		if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
			e := &StalledError{Method: req.Method, Path: req.URL.Path, After: d}
			p.stalls.remember(req, e)
			p.log.Warn("Cloudflare API request stalled", "method", req.Method, "path", req.URL.Path, "timeout", d)
			return e
		}
		return err
	}
	resp, err := next(req.WithContext(ctx))
	if err != nil {
		cancel()
		return resp, stall(err)
	}
	resp.Body = &timedBody{rc: resp.Body, cancel: cancel, stall: stall}
	return resp, nil
}

// timedBody ends the per-request timeout when the body is closed, and reports a read
// cut by it as a stall.
type timedBody struct {
	rc     io.ReadCloser
	cancel context.CancelFunc
	stall  func(error) error
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	if err != nil && err != io.EOF {
		err = b.stall(err)
	}
	return n, err
}

func (b *timedBody) Close() error {
	err := b.rc.Close()
	b.cancel()
	return err
}
