package conformance

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// maxCapture bounds the request and answer bytes kept for validation (a 3,500-record
// batch and a 5,000-record page are well under it). A larger body is still passed on
// whole; its exchange is then reported as not checkable.
const maxCapture = 32 << 20

// Transport returns a RoundTripper that sends through next (nil:
// http.DefaultTransport) and validates every exchange whose path contains /client/v4/.
// A transport error is passed on; the exchange's request is still validated.
func (c *Checker) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return transport{c: c, next: next}
}

var (
	_ http.RoundTripper   = transport{}
	_ http.ResponseWriter = (*recorder)(nil)
)

type transport struct {
	c    *Checker
	next http.RoundTripper
}

func (t transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.Contains(req.URL.Path, APIPrefix) {
		return t.next.RoundTrip(req)
	}
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.c.check(exchange{req: req, body: body})
		return resp, err
	}
	answer, rerr := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(answer))
	x := exchange{req: req, body: body, status: resp.StatusCode, header: resp.Header, answer: answer}
	if rerr != nil {
		x.status = 0 // the answer was cut off: only the request is checked
	}
	t.c.check(x)
	return resp, nil
}

// Middleware returns a handler that serves through next and validates every exchange
// whose path starts with /client/v4/: the request as it arrived, the answer as next
// wrote it. The request is served whatever the outcome; failures are recorded (and
// reported through Report). An answer never written (a dropped connection) is not
// checked.
func (c *Checker) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, APIPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		var body []byte
		if r.Body != nil {
			b, err := io.ReadAll(io.LimitReader(r.Body, maxCapture+1))
			if err != nil || len(b) > maxCapture {
				// Let the server answer what it makes of the rest; nothing to check.
				r.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), r.Body))
				next.ServeHTTP(w, r)
				return
			}
			r.Body.Close()
			body = b
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		x := exchange{req: r, body: body, status: rec.status, header: w.Header(), answer: rec.buf.Bytes()}
		if rec.overflow {
			x.status = 0
		}
		c.check(x)
	})
}

// recorder keeps a copy of the answer written through it. Unwrap lets
// http.ResponseController reach the connection (hijacking, flushing).
type recorder struct {
	http.ResponseWriter
	status   int
	buf      bytes.Buffer
	overflow bool
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 && code >= 200 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	if r.buf.Len()+len(b) > maxCapture {
		r.overflow = true
	} else {
		r.buf.Write(b)
	}
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
