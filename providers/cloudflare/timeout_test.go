package cloudflare_test

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// stallingServer accepts connections on loopback and reads each request; with
// headersFirst it sends a response's headers and then stalls the body, otherwise it
// never answers. It counts the requests it received.
func stallingServer(t *testing.T, headersFirst bool) (base string, requests *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	requests = &atomic.Int64{}
	done := make(chan struct{})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				requests.Add(1)
				if headersFirst {
					c.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"success\":true,"))
				}
				<-done
			}(c)
		}
	}()
	t.Cleanup(func() { close(done); ln.Close() })
	return "http://" + ln.Addr().String() + "/client/v4", requests
}

// TestStalledAPIFailsNamingTheEndpoint: an API that never answers (or stops halfway
// through a body) fails the request after the per-request timeout with an error that
// names the endpoint, once (no retry of the stalled request), long before the
// caller's own deadline.
func TestStalledAPIFailsNamingTheEndpoint(t *testing.T) {
	for _, headersFirst := range []bool{false, true} {
		name := map[bool]string{false: "no answer", true: "body stalls"}[headersFirst]
		t.Run(name, func(t *testing.T) {
			t.Setenv("CLOUDFLARE_BASE_URL", "")
			base, requests := stallingServer(t, headersFirst)
			p, err := cloudflare.New(cloudflare.Options{BaseURL: base, Token: "t", RequestsPerSecond: -1, RequestTimeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, err = p.ReadZone(ctx, "example.com")
			var se *cloudflare.StalledError
			if !errors.As(err, &se) {
				t.Fatalf("ReadZone error = %v (%T), want a *StalledError", err, err)
			}
			if ctx.Err() != nil {
				t.Fatalf("the caller's deadline passed first: %v", err)
			}
			if se.Method != "GET" || se.Path != "/client/v4/zones" || se.After != 300*time.Millisecond {
				t.Errorf("StalledError = %+v, want GET /client/v4/zones after 300ms", se)
			}
			if msg := err.Error(); !strings.Contains(msg, "GET /client/v4/zones") || !strings.Contains(msg, "did not answer within 300ms") {
				t.Errorf("error %q does not name the endpoint and the timeout", msg)
			}
			if n := requests.Load(); n != 1 {
				t.Errorf("the stalled request was sent %d times, want 1 (no retry of a stall)", n)
			}
		})
	}
}

// TestSimLatencyOverTheRequestTimeout: the simulator's latency fault on the records
// list makes ReadZone fail naming that endpoint; the next read (fault used up)
// succeeds, so a stall is not remembered beyond the retries of its own call.
func TestSimLatencyOverTheRequestTimeout(t *testing.T) {
	e := startSim(t, sim.Options{})
	e.srv.InjectFault(sim.Fault{Method: "GET", PathPrefix: "/client/v4/zones/", Latency: 3 * time.Second, Count: 1})
	p := e.provider(t, cloudflare.Options{RequestTimeout: 200 * time.Millisecond})
	_, err := p.ReadZone(context.Background(), "example.com")
	var se *cloudflare.StalledError
	if !errors.As(err, &se) || !strings.HasSuffix(se.Path, "/dns_records") {
		t.Fatalf("ReadZone error = %v, want a stall of the records list", err)
	}
	if _, err := p.ReadZone(context.Background(), "example.com"); err != nil {
		t.Errorf("second ReadZone: %v", err)
	}
}
