package cli

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/providers/cloudflare/sim/edge"
	"github.com/launchready/launchready/providers/cloudflare/sim/origin"
)

// simWorld is a simulated Cloudflare on loopback: the API, its DNS server and HTTPS
// edge, and a small origin web server behind the edge. `launchready sim` and
// `launchready demo` run one.
type simWorld struct {
	api    *sim.Server
	base   string
	edge   *edge.Edge
	origin *origin.Origin
}

type simWorldOptions struct {
	api                   sim.Options
	listen                string
	dns, edgeHTTP, edgeTS string // "" = 127.0.0.1:0
	origins               map[string]string
	noEdge                bool
	logger                hclog.Logger
	// edgeNow and edgeCertName are the edge's clock and certificate naming (nil:
	// the real clock, each host's own name); demo --break sets them.
	edgeNow      func() time.Time
	edgeCertName func(string) string
}

// simEdgeInfo is what GET /__sim/edge answers: where verify should look.
type simEdgeInfo struct {
	DNS   string `json:"dns"`
	HTTP  string `json:"http"`
	HTTPS string `json:"https"`
	CAPEM string `json:"ca_pem"`
}

func startSimWorld(o simWorldOptions) (*simWorld, error) {
	w := &simWorld{}
	if !o.noEdge {
		o.api.EdgeInfo = func() any {
			return simEdgeInfo{DNS: w.edge.DNSAddr(), HTTP: w.edge.HTTPAddr(), HTTPS: w.edge.HTTPSAddr(), CAPEM: string(w.edge.CACertPEM())}
		}
	}
	var err error
	if w.api, err = sim.New(o.api); err != nil {
		return nil, err
	}
	listen := o.listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	if w.base, err = w.api.Start(listen); err != nil {
		return nil, err
	}
	if o.noEdge {
		return w, nil
	}
	// One origin serves every site behind the edge; its certificate covers any name
	// the zones may proxy, so ssl = "strict" works.
	var hosts []string
	for _, z := range w.api.ZoneNames() {
		hosts = append(hosts, z, "*."+z)
	}
	if len(hosts) == 0 {
		hosts = []string{"localhost"}
	}
	if w.origin, err = origin.Start(hosts); err != nil {
		w.close()
		return nil, err
	}
	w.edge, err = edge.Start(edge.Options{
		Source:         w.api,
		DNSAddr:        o.dns,
		HTTPAddr:       o.edgeHTTP,
		HTTPSAddr:      o.edgeTS,
		Origins:        o.origins,
		FallbackOrigin: w.origin.Addr(),
		OriginTLS:      &tls.Config{RootCAs: w.origin.RootCAs(), MinVersion: tls.VersionTLS12},
		Logger:         o.logger,
		Now:            o.edgeNow,
		CertName:       o.edgeCertName,
	})
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *simWorld) close() {
	if w.edge != nil {
		w.edge.Close()
	}
	if w.origin != nil {
		w.origin.Close()
	}
	if w.api != nil {
		w.api.Close()
	}
}

// fetchSimEdge asks the Cloudflare API at base (CLOUDFLARE_BASE_URL) whether it is a
// launchready simulator running an edge, and where that edge listens. For any other
// API — real Cloudflare — it returns ok = false without error. token
// (CLOUDFLARE_API_TOKEN) is sent, only ever to a loopback address, because a simulator
// started with --token answers /__sim/* to its token only.
func fetchSimEdge(ctx context.Context, base, token string) (info simEdgeInfo, ok bool) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || !isLoopbackHost(u.Hostname()) {
		return info, false
	}
	u.Path = strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/client/v4") + "/__sim/edge"
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return info, false
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return info, false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return info, false
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil || info.DNS == "" || info.CAPEM == "" {
		return info, false
	}
	return info, true
}

// simEdgeFlags turns the edge's whereabouts into verify flags, with its CA written to
// a temporary file (removed by cleanup).
func simEdgeFlags(info simEdgeInfo) (f verifyFlags, cleanup func(), err error) {
	ca, err := os.CreateTemp("", "launchready-sim-ca-*.pem")
	if err != nil {
		return f, nil, err
	}
	if _, err := ca.WriteString(info.CAPEM); err != nil {
		ca.Close()
		os.Remove(ca.Name())
		return f, nil, err
	}
	if err := ca.Close(); err != nil {
		os.Remove(ca.Name())
		return f, nil, err
	}
	f.resolver, f.caFile = info.DNS, ca.Name()
	f.httpPort, _ = strconv.Atoi(portOf(info.HTTP))
	f.httpsPort, _ = strconv.Atoi(portOf(info.HTTPS))
	return f, func() { os.Remove(ca.Name()) }, nil
}

// portOf is the port of a host:port address ("0" when there is none).
func portOf(addr string) string {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "0"
	}
	if _, err := strconv.Atoi(p); err != nil {
		return "0"
	}
	return p
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}

func (w *simWorld) describe() string {
	if w.edge == nil {
		return fmt.Sprintf("API %s", w.base)
	}
	return fmt.Sprintf("API %s, DNS %s, HTTPS edge %s (HTTP %s), origin %s", w.base, w.edge.DNSAddr(), w.edge.HTTPSAddr(), w.edge.HTTPAddr(), w.origin.Addr())
}
