package cli

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/providers/cloudflare/cfplan"
	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

func newSimCmd(e *env) *cobra.Command {
	var (
		listen, state, token  string
		dns, edgeHTTP, edgeTS string
		zones, origins        []string
		batchLimit            int
		noEdge, allowRemote   bool
		plan, permissions     string
		recordQuota           int
		emailRouting          []string
		conformanceSchema     string
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the local Cloudflare API simulator (and its DNS server and HTTPS edge)",
		Long: `sim serves a faithful local copy of the parts of Cloudflare API v4 that launchready uses, so you can try launchready without an account:

  launchready sim --listen 127.0.0.1:8787 --zone example.com &
  export CLOUDFLARE_BASE_URL=http://127.0.0.1:8787/client/v4 CLOUDFLARE_API_TOKEN=dev

It also runs what customers would reach: an authoritative DNS server for the zones (proxied names answer the edge's address), an HTTP/HTTPS edge applying each zone's settings, redirects and cache rules with certificates from a local CA, and a small origin web server behind it (--origin maps a record's value to your own server instead). "launchready verify" finds them through CLOUDFLARE_BASE_URL.

Request counts per endpoint are served at GET /__sim/stats; faults (429, 5xx, latency, dropped connections) can be injected with POST /__sim/faults.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var remote []string
			for _, a := range []struct{ flag, addr string }{{"--listen", listen}, {"--dns", dns}, {"--edge-http", edgeHTTP}, {"--edge-https", edgeTS}} {
				if a.flag != "--listen" && noEdge {
					continue
				}
				if !loopbackListenAddr(a.addr) {
					remote = append(remote, a.flag+" "+a.addr)
				}
			}
			if len(remote) > 0 && !allowRemote {
				return exitCode(ExitError, fmt.Errorf("%s: the simulator is a development tool, not a security boundary, and listens on loopback only; pass --allow-remote to listen on another address", strings.Join(remote, ", ")))
			}
			if len(remote) > 0 {
				open := ""
				if token == "" {
					open = " (no --token is set: any token is accepted)"
				}
				fmt.Fprintf(e.stderr, "WARNING: the simulator listens outside loopback (%s): anyone who can reach it can read and change its zones%s.\n", strings.Join(remote, ", "), open)
			}
			om := map[string]string{}
			for _, o := range origins {
				k, v, ok := strings.Cut(o, "=")
				if !ok || k == "" || v == "" {
					return exitCode(ExitError, fmt.Errorf("--origin %q: want VALUE=HOST:PORT, e.g. 203.0.113.10=127.0.0.1:3000", o))
				}
				om[strings.ToLower(k)] = v
			}
			api := sim.Options{Token: token, Zones: zones, StatePath: state, BatchLimit: batchLimit, Logger: e.log,
				Plan: plan, RecordQuota: recordQuota, EmailRouting: emailRouting}
			if cmd.Flags().Changed("token-permissions") {
				gs, err := cfplan.ParseGroups(permissions)
				if err != nil {
					return exitCode(ExitError, fmt.Errorf("--token-permissions: %w", err))
				}
				api.Permissions = append([]string{}, gs...)
			}
			if conformanceSchema != "" {
				c, err := newSimConformance(conformanceSchema, e.stderr)
				if err != nil {
					return exitCode(ExitError, fmt.Errorf("--conformance: %w", err))
				}
				api.Conformance = c
				fmt.Fprintf(e.stdout, "Validating every /client/v4 request and answer against %s (failures: GET /__sim/conformance)\n", conformanceSchema)
			}
			w, err := startSimWorld(simWorldOptions{
				api:    api,
				listen: listen, dns: dns, edgeHTTP: edgeHTTP, edgeTS: edgeTS, origins: om, noEdge: noEdge, logger: e.log,
			})
			if err != nil {
				return exitCode(ExitError, err)
			}
			defer w.close()
			fmt.Fprintf(e.stdout, "Cloudflare API simulator listening on %s\n", w.base)
			fmt.Fprintf(e.stdout, "  export CLOUDFLARE_BASE_URL=%s CLOUDFLARE_API_TOKEN=%s\n", w.base, tokenHint(token))
			if w.edge != nil {
				fmt.Fprintf(e.stdout, "  DNS server %s, HTTPS edge %s, HTTP edge %s, origin %s\n", w.edge.DNSAddr(), w.edge.HTTPSAddr(), w.edge.HTTPAddr(), w.origin.Addr())
			}
			for _, z := range w.api.ZoneNames() {
				fmt.Fprintf(e.stdout, "  zone %s\n", z)
			}
			<-cmd.Context().Done()
			fmt.Fprintln(e.stdout, "simulator stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8787", "address of the API")
	cmd.Flags().StringVar(&state, "state", "", "persist state in FILE across restarts")
	cmd.Flags().StringVar(&token, "token", "", "accept only this API token (default: any non-empty bearer token)")
	cmd.Flags().StringArrayVar(&zones, "zone", nil, "create this zone at start (repeatable)")
	cmd.Flags().IntVar(&batchLimit, "batch-limit", 0, "records per batch request (default: the plan's, Free 200, paid 3,500)")
	cmd.Flags().StringVar(&plan, "plan", "free", "the zones' Cloudflare plan: free, pro, business or enterprise (sets the limits enforced)")
	cmd.Flags().IntVar(&recordQuota, "record-quota", 0, "DNS records per zone (default: the plan's, Free 200, paid 3,500; 1000 for a Free zone created before September 2024)")
	cmd.Flags().StringVar(&permissions, "token-permissions", "", `permission groups the token holds, as the dashboard's token editor names them, e.g. "Zone:Read,DNS:Edit" (default: all)`)
	cmd.Flags().StringArrayVar(&emailRouting, "email-routing", nil, "turn Email Routing on for ZONE: its MX, SPF and DKIM records are added, read-only (repeatable)")
	cmd.Flags().StringVar(&dns, "dns", "127.0.0.1:0", "address of the zones' authoritative DNS server (UDP and TCP)")
	cmd.Flags().StringVar(&edgeHTTP, "edge-http", "127.0.0.1:0", "address of the HTTP edge")
	cmd.Flags().StringVar(&edgeTS, "edge-https", "127.0.0.1:0", "address of the HTTPS edge")
	cmd.Flags().StringArrayVar(&origins, "origin", nil, "serve a record value's origin from HOST:PORT: VALUE=HOST:PORT (repeatable; default: the built-in demo origin)")
	cmd.Flags().BoolVar(&noEdge, "no-edge", false, "run the API only")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "allow listening on an address outside loopback (prints a warning)")
	cmd.Flags().StringVar(&conformanceSchema, "conformance", e.getenv(envSimConformance), "validate every API request and answer against the Cloudflare OpenAPI schema in FILE (tests; default $"+envSimConformance+")")
	_ = cmd.Flags().MarkHidden("conformance")
	return cmd
}

// envSimConformance names the schema file `launchready sim --conformance` defaults to.
const envSimConformance = "LAUNCHREADY_SIM_CONFORMANCE"

// newSimConformance loads the schema at path and returns a checker that prints each
// failure to stderr as it happens, naming method, path and what failed.
func newSimConformance(path string, stderr io.Writer) (*conformance.Checker, error) {
	spec, err := conformance.Load(path)
	if err != nil {
		return nil, err
	}
	c := conformance.New(spec)
	var mu sync.Mutex
	c.Report = func(f conformance.Failure) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(stderr, "SCHEMA CONFORMANCE FAILURE: %s\n", f)
	}
	return c, nil
}

// loopbackListenAddr reports whether a listen address (host:port) binds loopback only.
// An empty host, 0.0.0.0 and :: listen on every interface; a host name other than
// localhost may resolve anywhere.
func loopbackListenAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// tokenHint is what to export as the token: the fixed one is the user's own choice
// (given on the command line), so it is not echoed; otherwise any value works.
func tokenHint(token string) string {
	if token != "" {
		return "<the --token value>"
	}
	return "dev"
}
