package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// Options tune a Run. The zero value checks the real world: name servers found through
// the system resolver, system roots, no wait, ports 80 and 443.
type Options struct {
	// Resolver ("HOST:PORT") receives every DNS query: it is taken as the zone's only
	// authoritative server, and the HTTP client resolves host names through it.
	// "" finds each zone's authoritative servers through the system resolver and lets
	// the HTTP client use the system resolver.
	Resolver string
	// ZoneServers maps a zone to its own DNS server ("HOST:PORT"), taken as the zone's
	// only authoritative server and used to resolve its names, ahead of Resolver: the
	// server an RFC 2136 zone is managed on.
	ZoneServers map[string]string
	// CAFile is a PEM file of extra trusted roots, added to the system roots. Certificate
	// verification is never disabled.
	CAFile string
	// Wait is how long DNS checks wait for every authoritative server to serve the
	// desired data (after an apply); 0 checks once. The CLI passes DefaultWait after
	// an apply.
	Wait time.Duration
	// PollInterval is the pause between DNS polls while waiting; 0 means 2 s.
	PollInterval time.Duration
	// Concurrency bounds the checks run at once; 0 means 8.
	Concurrency int
	// Timeout bounds each DNS query and each HTTP request or TLS handshake; 0 means 10 s.
	Timeout time.Duration
	// Now is the clock used for certificate validity and the report time; nil = time.Now.
	Now func() time.Time
	// Progress, when set, is called after every finished check and while DNS waits,
	// with the number done, the total and what is being worked on. Calls never overlap.
	Progress func(done, total int, current string)
	// HTTPPort and HTTPSPort are dialled instead of 80 and 443 (the URL's host still
	// names the server for SNI and Host); 0 means 80 and 443.
	HTTPPort  int
	HTTPSPort int
	// ConnectTo maps "ADDRESS:PORT" — an address a host name resolves to and the port
	// of the URL (443, 80) — to the "HOST:PORT" dialled instead, as curl's
	// --connect-to does. The name still goes into SNI and Host. Staging servers and
	// tests use it to reach a server that is not (yet) at its public address.
	ConnectTo map[string]string
	// LoopbackOnly dials only loopback addresses (and ConnectTo's mappings); any other
	// address counts as not answering. Verify sets it against the simulator, so that a
	// DNS-only record's documentation address is never contacted off this machine.
	LoopbackOnly bool
	// HostConcurrency bounds the DNS-only names probed on port 443 at once; 0 means 32.
	HostConcurrency int
	// HostConnectTimeout bounds the connection attempt to a DNS-only name's port 443
	// (nothing answering within it means "no HTTPS here"); 0 means 3 s.
	HostConnectTimeout time.Duration
	// Kinds, when not empty, limits the run to checks of these kinds (watch runs the
	// declared HTTP checks more often than the rest; verify --smoke runs only them).
	Kinds []Kind
	// MaxRequests, when > 0, caps the request count of every declared check
	// (verify --smoke).
	MaxRequests int
	// Baseline is an earlier report; a check whose p95 regressed by more than
	// MaxRegression against it fails.
	Baseline *Report
	// MaxRegression is the p95 increase over the baseline that is tolerated, as a
	// fraction (0.20 = +20 %). Its zero value means DefaultMaxRegression, unless
	// MaxRegressionSet is true: then it is taken as given, and 0 fails any regression
	// at all (a p95 equal to or below the baseline's passes). Negative or NaN values
	// are refused by Run.
	MaxRegression float64
	// MaxRegressionSet marks MaxRegression as chosen by the caller, so that 0 keeps
	// its meaning. The CLI sets it whenever it passes its --max-regression value
	// (whose own default is DefaultMaxRegression).
	MaxRegressionSet bool
	// EmailAnalyze runs the online email analysis (SPF tree, DKIM, DMARC) of a domain
	// and returns its results (Kind and Zone are filled in when empty). When nil, zones
	// with an email block get a skipped email result saying so.
	EmailAnalyze func(ctx context.Context, domain string) []Result
	// Delegation reads from the zone's provider how the zone should be delegated:
	// its status, the name servers the parent must list, its DNSSEC state and DS.
	// nil: the delegation checks compare nothing with the provider and say so.
	Delegation func(ctx context.Context, zone string) (*model.Delegation, error)
	// ParentResolver ("HOST:PORT") is where the walk to each zone's parent starts
	// instead of the root servers (a test world's parent zone, e.g. a BIND on
	// loopback). Without it the parent is not asked when Resolver is set.
	ParentResolver string
	// NSAddrs maps a name server's host name to the "HOST:PORT" that serves it, for
	// the walk to the parent and the subzone checks (test worlds on loopback; the
	// real world resolves names and uses port 53).
	NSAddrs map[string]string

	// systemResolver and dnsPort replace the system resolver and port 53 when finding
	// authoritative servers without Resolver (tests only).
	systemResolver *net.Resolver
	dnsPort        string
}

// DefaultWait is the wait the CLI uses after an apply (`--wait`).
const DefaultWait = 2 * time.Minute

// DefaultMaxRegression is the tolerated p95 regression against a baseline when
// Options.MaxRegression is left at zero (and MaxRegressionSet is false): +20 %.
const DefaultMaxRegression = 0.20

const (
	defaultWaitPoll    = 2 * time.Second
	defaultConcurrency = 8
	defaultTimeout     = 10 * time.Second

	defaultHostConcurrency    = 32
	defaultHostConnectTimeout = 3 * time.Second
)

// runner is one Run's shared state.
type runner struct {
	opts   Options
	now    func() time.Time
	roots  *x509.CertPool
	dialer *dialer
	// client never follows redirects; clientTLS10 is only used for TLS handshakes.
	client    *http.Client
	transport *http.Transport

	progressMu sync.Mutex
	done       int
	total      int
}

// Run checks the live world against cfg and returns the report. An error means the
// checks could not run at all (bad options, unreadable CA file, cancelled context);
// failing checks are results, not errors.
func Run(ctx context.Context, cfg *schema.Config, opts Options) (*Report, error) {
	if cfg == nil {
		return nil, fmt.Errorf("verify: no configuration")
	}
	r, err := newRunner(opts)
	if err != nil {
		return nil, err
	}
	defer r.transport.CloseIdleConnections()
	began := time.Now()
	rep := &Report{FormatVersion: FormatVersion, StartedAt: r.now().UTC()}

	// DNS first: after an apply the other checks need the new data to be served.
	var dnsTasks, otherTasks, hostTasks []task
	for _, z := range cfg.Zones {
		if r.wants(KindDelegation) {
			dnsTasks = append(dnsTasks, r.delegationTasks(z)...)
		}
		if r.wants(KindDNS) {
			dnsTasks = append(dnsTasks, r.dnsTasks(z)...)
		}
		if r.wants(KindTLS) {
			hostTasks = append(hostTasks, r.hostTasks(z)...)
			otherTasks = append(otherTasks, r.tlsTasks(z)...)
		}
		if r.wants(KindRedirect) {
			otherTasks = append(otherTasks, r.redirectTasks(z)...)
		}
		if r.wants(KindHTTP) {
			otherTasks = append(otherTasks, r.httpTasks(z)...)
		}
		if r.wants(KindEmail) {
			otherTasks = append(otherTasks, r.emailTasks(z)...)
		}
	}
	r.total = len(dnsTasks) + len(otherTasks) + len(hostTasks)
	results := r.runTasks(ctx, dnsTasks, r.opts.Concurrency)
	if ctx.Err() == nil {
		results = append(results, r.runTasks(ctx, otherTasks, r.opts.Concurrency)...)
	}
	if ctx.Err() == nil {
		results = append(results, r.runTasks(ctx, hostTasks, r.opts.HostConcurrency)...)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("verify interrupted: %w", err)
	}

	byZone := map[string]int{} // zone name → index in rep.Zones
	addZone := func(name string) int {
		if i, ok := byZone[name]; ok {
			return i
		}
		rep.Zones = append(rep.Zones, ZoneReport{Zone: name})
		byZone[name] = len(rep.Zones) - 1
		return byZone[name]
	}
	for _, z := range cfg.Zones {
		addZone(z.Name)
	}
	for _, res := range results {
		i := addZone(res.Zone) // a hook reporting another zone name keeps its results, visibly
		rep.Zones[i].Results = append(rep.Zones[i].Results, res)
	}
	rep.finish()
	rep.DurationMs = ms(time.Since(began))
	return rep, nil
}

func newRunner(opts Options) (*runner, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = defaultConcurrency
	}
	if opts.Timeout <= 0 {
		opts.Timeout = defaultTimeout
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = defaultWaitPoll
	}
	if opts.HostConcurrency <= 0 {
		opts.HostConcurrency = defaultHostConcurrency
	}
	if opts.HostConnectTimeout <= 0 {
		opts.HostConnectTimeout = defaultHostConnectTimeout
	}
	switch {
	case math.IsNaN(opts.MaxRegression) || opts.MaxRegression < 0:
		return nil, fmt.Errorf("verify: max regression %v must be a fraction ≥ 0 (0.2 = +20 %%; 0 = any regression fails)", opts.MaxRegression)
	case opts.MaxRegression == 0 && !opts.MaxRegressionSet:
		opts.MaxRegression = DefaultMaxRegression
	}
	if opts.HTTPPort <= 0 {
		opts.HTTPPort = 80
	}
	if opts.HTTPSPort <= 0 {
		opts.HTTPSPort = 443
	}
	for zone, srv := range opts.ZoneServers {
		if _, _, err := net.SplitHostPort(srv); err != nil {
			return nil, fmt.Errorf("verify: server %q of zone %s must be HOST:PORT: %w", srv, zone, err)
		}
	}
	if len(opts.NSAddrs) > 0 {
		canon := make(map[string]string, len(opts.NSAddrs))
		for name, srv := range opts.NSAddrs {
			if _, _, err := net.SplitHostPort(srv); err != nil {
				return nil, fmt.Errorf("verify: address %q of name server %s must be HOST:PORT: %w", srv, name, err)
			}
			canon[model.CanonicalLiveName(name)] = srv
		}
		opts.NSAddrs = canon
	}
	if opts.ParentResolver != "" {
		if _, _, err := net.SplitHostPort(opts.ParentResolver); err != nil {
			return nil, fmt.Errorf("verify: parent resolver %q must be HOST:PORT: %w", opts.ParentResolver, err)
		}
	}
	if opts.Resolver != "" {
		if _, _, err := net.SplitHostPort(opts.Resolver); err != nil {
			return nil, fmt.Errorf("verify: resolver %q must be HOST:PORT: %w", opts.Resolver, err)
		}
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	roots, err := loadRoots(opts.CAFile)
	if err != nil {
		return nil, err
	}
	r := &runner{opts: opts, now: now, roots: roots}
	for from, to := range opts.ConnectTo {
		for _, a := range []string{from, to} {
			if _, _, err := net.SplitHostPort(a); err != nil {
				return nil, fmt.Errorf("verify: connect-to %s=%s: %q must be HOST:PORT", from, to, a)
			}
		}
	}
	r.dialer = &dialer{resolver: opts.Resolver, zoneServers: opts.ZoneServers, httpPort: opts.HTTPPort, httpsPort: opts.HTTPSPort, timeout: opts.Timeout,
		connectTo: opts.ConnectTo, loopbackOnly: opts.LoopbackOnly}
	r.transport = &http.Transport{
		DialContext:           r.dialer.DialContext,
		TLSClientConfig:       r.tlsConfig("", 0),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
	}
	r.client = &http.Client{
		Transport: r.transport,
		Timeout:   opts.Timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // hops are followed one at a time, by us
		},
	}
	return r, nil
}

// loadRoots returns the system roots plus the certificates of caFile.
func loadRoots(caFile string) (*x509.CertPool, error) {
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if caFile == "" {
		return pool, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("verify: reading CA file: %w", err)
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("verify: CA file %s holds no PEM certificate", caFile)
	}
	return pool, nil
}

// tlsConfig is the client configuration of every TLS connection: system roots plus
// the CA file, verification always on, the run's clock. minVersion 0 keeps Go's
// default minimum (TLS 1.2) as browsers do.
func (r *runner) tlsConfig(serverName string, minVersion uint16) *tls.Config {
	return &tls.Config{
		ServerName: serverName,
		RootCAs:    r.roots,
		MinVersion: minVersion,
		Time:       r.now,
	}
}

// wants reports whether checks of kind k run (Options.Kinds).
func (r *runner) wants(k Kind) bool {
	return len(r.opts.Kinds) == 0 || slices.Contains(r.opts.Kinds, k)
}

// task is one unit of concurrent work producing results.
type task struct {
	label string
	run   func(ctx context.Context) []Result
}

// runTasks runs tasks with at most n at once and returns their results in task order.
func (r *runner) runTasks(ctx context.Context, tasks []task, n int) []Result {
	out := make([][]Result, len(tasks))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, t := range tasks {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			out[i] = t.run(ctx)
			r.progress(true, t.label)
		}()
	}
	wg.Wait()
	var all []Result
	for _, rs := range out {
		all = append(all, rs...)
	}
	return all
}

// progress reports to Options.Progress; finished counts one more task done.
func (r *runner) progress(finished bool, current string) {
	r.progressMu.Lock()
	defer r.progressMu.Unlock()
	if finished {
		r.done++
	}
	if r.opts.Progress != nil {
		r.opts.Progress(r.done, r.total, current)
	}
}

// emailTasks calls the email hook for zones with an email block.
func (r *runner) emailTasks(z *schema.Zone) []task {
	if z.Email == nil {
		return nil
	}
	zone := z.Name
	return []task{{label: "email " + zone, run: func(ctx context.Context) []Result {
		if r.opts.EmailAnalyze == nil {
			return []Result{{Zone: zone, Kind: KindEmail, Name: zone, Check: CheckEmail, Status: Skip,
				Reason: "email analysis not run: no email analyzer wired into this verify (Options.EmailAnalyze is nil)"}}
		}
		rs := r.opts.EmailAnalyze(ctx, zone)
		for i := range rs {
			if rs[i].Zone == "" {
				rs[i].Zone = zone
			}
			if rs[i].Kind == "" {
				rs[i].Kind = KindEmail
			}
		}
		return rs
	}}}
}

// ms converts a duration to milliseconds rounded to the microsecond.
func ms(d time.Duration) float64 {
	return float64(d.Round(time.Microsecond).Microseconds()) / 1000
}

// joinLimit joins at most n items, adding "and N more".
func joinLimit(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}
