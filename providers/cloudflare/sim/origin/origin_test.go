package origin

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// client dials the origin whatever the URL's host, like the edge does.
func client(o *Origin) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, o.Addr())
		},
		TLSClientConfig: &tls.Config{RootCAs: o.RootCAs()},
	}}
}

func TestOriginServesHTTPSAndHTTPOnOnePort(t *testing.T) {
	o, err := Start([]string{"example.com", "*.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	c := client(o)
	tests := []struct {
		url, cacheControl, body string
	}{
		{"https://example.com/", "", "Launching soon"},
		{"http://example.com/", "", "Launching soon"},
		{"https://example.com/assets/site.css", "public, max-age=86400", "font-family"},
		{"https://app.example.com/", "private, no-store", "Your subscription"},
	}
	for _, tt := range tests {
		resp, err := c.Get(tt.url)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.url, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), tt.body) || resp.Header.Get("Cache-Control") != tt.cacheControl {
			t.Errorf("GET %s: %d %q cache-control %q; want 200 with %q and %q", tt.url, resp.StatusCode, b, resp.Header.Get("Cache-Control"), tt.body, tt.cacheControl)
		}
	}
	// The certificate covers only the names given: another name fails verification.
	if _, err := c.Get("https://other.test/"); err == nil {
		t.Errorf("a name outside the certificate verified")
	}
}
