package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault makes the simulator misbehave on matching requests, for reliability tests.
// Faults are checked in the order they were injected; the first that matches applies.
// Its JSON form (POST /__sim/faults) uses the snake_case names below; Latency is a Go
// duration string ("250ms") or a number of nanoseconds.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string `json:"method,omitempty"`
	// PathPrefix matches the request path, with or without the /client/v4 prefix
	// ("/zones/" and "/client/v4/zones/" are the same); "" matches any path.
	PathPrefix string `json:"path_prefix,omitempty"`
	// Status, when non-zero, answers the request with this status (429 or 5xx) and a
	// Cloudflare error body instead of serving it.
	Status int `json:"status,omitempty"`
	// RetryAfter, in seconds (fractions allowed), is sent as Retry-After with Status;
	// 0 sends none. Keep it small: the SDK sleeps exactly this long.
	RetryAfter float64 `json:"retry_after,omitempty"`
	// Latency delays the answer (whatever it is).
	Latency time.Duration `json:"latency,omitempty"`
	// Drop closes the connection without answering.
	Drop bool `json:"drop,omitempty"`
	// ReplyLost serves the request (a write is committed) and then closes the
	// connection without sending the answer: a reply lost after the write succeeded.
	ReplyLost bool `json:"reply_lost,omitempty"`
	// Count is how many requests the fault applies to; 0 means until cleared.
	Count int `json:"count,omitempty"`
	// Hold (Go API only) holds the request until the channel is closed, then serves
	// it: the answer is the state at that moment, as with Latency, but released by
	// the test instead of a clock.
	Hold <-chan struct{} `json:"-"`
}

// UnmarshalJSON accepts Latency as a duration string or nanoseconds.
func (f *Fault) UnmarshalJSON(b []byte) error {
	type plain Fault
	var aux struct {
		plain
		Latency json.RawMessage `json:"latency"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*f = Fault(aux.plain)
	f.Latency = 0
	if len(aux.Latency) > 0 && string(aux.Latency) != "null" {
		var s string
		if json.Unmarshal(aux.Latency, &s) == nil {
			d, err := time.ParseDuration(s)
			if err != nil {
				return fmt.Errorf("latency: %w", err)
			}
			f.Latency = d
		} else {
			var n int64
			if err := json.Unmarshal(aux.Latency, &n); err != nil {
				return fmt.Errorf("latency must be a duration string or nanoseconds: %w", err)
			}
			f.Latency = time.Duration(n)
		}
	}
	return f.validate()
}

func (f Fault) validate() error {
	switch {
	case f.Status != 0 && f.Status != http.StatusTooManyRequests && (f.Status < 500 || f.Status > 599):
		return fmt.Errorf("fault status %d: only 429 and 5xx are supported", f.Status)
	case f.RetryAfter < 0 || math.IsNaN(f.RetryAfter):
		return fmt.Errorf("fault retry_after %v: must be >= 0", f.RetryAfter)
	case f.Latency < 0:
		return fmt.Errorf("fault latency %v: must be >= 0", f.Latency)
	case f.Count < 0:
		return fmt.Errorf("fault count %d: must be >= 0", f.Count)
	case f.ReplyLost && (f.Status != 0 || f.Drop || f.Latency != 0):
		return fmt.Errorf("fault reply_lost serves the request: it cannot be combined with status, drop or latency")
	case f.ReplyLost && f.Hold != nil:
		return fmt.Errorf("fault reply_lost serves the request: it cannot be combined with hold")
	case f.Status == 0 && f.Latency == 0 && !f.Drop && !f.ReplyLost && f.Hold == nil:
		return fmt.Errorf("fault does nothing: set status, latency, drop or reply_lost")
	}
	return nil
}

func (f Fault) matches(method, path string) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, method) {
		return false
	}
	if f.PathPrefix == "" {
		return true
	}
	return strings.HasPrefix(path, f.PathPrefix) || strings.HasPrefix(strings.TrimPrefix(path, apiPrefix), f.PathPrefix)
}

// faults is the list of active faults.
type faults struct {
	mu   sync.Mutex
	list []*Fault
}

func (fs *faults) add(f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &f)
}

func (fs *faults) clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

func (fs *faults) snapshot() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, 0, len(fs.list))
	for _, f := range fs.list {
		out = append(out, *f)
	}
	return out
}

// take returns the first fault matching the request and uses up one of its count.
func (fs *faults) take(method, path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i, f := range fs.list {
		if !f.matches(method, path) {
			continue
		}
		got := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				fs.list = append(fs.list[:i:i], fs.list[i+1:]...)
			}
		}
		return got, true
	}
	return Fault{}, false
}

// apply performs fault f on the request. It reports whether the request was answered
// (or dropped) and must not be served.
func (f Fault) apply(w http.ResponseWriter, r *http.Request) bool {
	if f.Hold != nil {
		select {
		case <-f.Hold:
		case <-r.Context().Done():
			return true
		}
	}
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if f.Drop {
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			_ = conn.Close()
			return true
		}
		// Not hijackable (HTTP/2): abort the response, which net/http turns into a
		// reset stream / closed connection.
		panic(http.ErrAbortHandler)
	}
	if f.Status == 0 {
		return false
	}
	e := &apiError{Status: f.Status}
	if f.RetryAfter > 0 {
		e.RetryAfter = strconv.FormatFloat(f.RetryAfter, 'f', -1, 64)
	}
	if f.Status == http.StatusTooManyRequests {
		e.Errors = []apiMessage{{Code: CodeRateLimited, Message: "Please wait and consider throttling your request speed"}}
	} else {
		e.Errors = []apiMessage{{Code: CodeInjectedServerError, Message: fmt.Sprintf("Internal error (injected fault: %d %s)", f.Status, http.StatusText(f.Status))}}
	}
	writeError(w, e)
	return true
}

// rateLimiter emulates Cloudflare's per-user request budget with a fixed window per
// credential.
type rateLimiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*rlWindow
}

type rlWindow struct {
	start time.Time
	count int
}

// allow counts one request for key and returns the remaining budget and the time until
// the window resets; ok is false when the request is over the limit.
func (l *rateLimiter) allow(key string) (remaining int, reset time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &rlWindow{start: now}
		l.windows[key] = w
	}
	w.count++
	reset = l.window - now.Sub(w.start)
	return max(l.limit-w.count, 0), reset, w.count <= l.limit
}

// check applies the rate limit to a request authenticated with key; it answers 429
// (code 971, small Retry-After) and reports false when over the limit.
func (l *rateLimiter) check(w http.ResponseWriter, key string) bool {
	remaining, reset, ok := l.allow(key)
	secs := int(math.Ceil(reset.Seconds()))
	if secs < 1 {
		secs = 1
	}
	w.Header().Set("Ratelimit", fmt.Sprintf(`"default";r=%d;t=%d`, remaining, secs))
	w.Header().Set("Ratelimit-Policy", fmt.Sprintf(`"default";q=%d;w=%d`, l.limit, int(math.Ceil(l.window.Seconds()))))
	if ok {
		return true
	}
	writeError(w, &apiError{Status: http.StatusTooManyRequests, RetryAfter: strconv.Itoa(secs), Errors: []apiMessage{{
		Code: CodeRateLimited, Message: "Please wait and consider throttling your request speed",
	}}})
	return false
}
