package cloudflare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers"
)

// Kind is the provider kind launch.hcl names ("cloudflare").
const Kind = "cloudflare"

// Defaults for Options' zero values.
const (
	DefaultBatchLimit        = 200 // Cloudflare Free plan's batch limit (a zone of unknown plan)
	DefaultRequestsPerSecond = 4.0 // 1,200 requests per 5 minutes
	DefaultBurst             = 4
	DefaultMaxRetries        = 4
	// MaxPageSize is the page size ReadZone asks for.
	MaxPageSize = 5000
)

// Options configures a Provider. The zero value is ready for real Cloudflare with
// the credentials and base URL from the environment.
type Options struct {
	// BaseURL is the API's base URL, e.g. "http://127.0.0.1:8787/client/v4" for the
	// simulator. "" = CLOUDFLARE_BASE_URL, else https://api.cloudflare.com/client/v4.
	BaseURL string
	// Token is the API token. "" = CLOUDFLARE_API_TOKEN (or the SDK's other
	// credential variables). It is never logged.
	Token string
	// BatchLimit is the most records per batch request; 0 = the zone's plan's (Free
	// 200, paid plans 3,500; cfplan.Limits.Batch).
	BatchLimit int
	// RequestsPerSecond paces every request this Provider makes, across zones; 0 = 4
	// (Cloudflare's 1,200 per 5 minutes), except for an API on a loopback address (the
	// local simulator), which is unpaced; negative = unpaced.
	RequestsPerSecond float64
	// Burst is how many requests may go at once before pacing applies; 0 = 4.
	Burst int
	// MaxRetries is how often the SDK retries a request answered 408, 409, 429 or 5xx
	// or lost on the way, honouring Retry-After; 0 = 4, negative = never.
	MaxRetries int
	// MaxRetryWait is the longest Retry-After the provider waits before retrying;
	// an answer asking for longer stops the command with the time to retry. 0 = 60 s;
	// negative = no cap.
	MaxRetryWait time.Duration
	// HTTPClient sends the requests; nil = the SDK's default client.
	HTTPClient *http.Client
	// RequestTimeout bounds each request attempt: connecting, the answer and reading
	// its body. 0 = DefaultRequestTimeout (30 s); negative = none (the caller's
	// context alone). A request that stalls past it fails with *StalledError, naming
	// the endpoint, and is not retried.
	RequestTimeout time.Duration
	// Logger receives debug logs of requests, retries and writes; nil = silent.
	Logger hclog.Logger
}

// Provider is launchready's Cloudflare provider: DNS records, zone settings and
// entrypoint rulesets of the zones the token can see. It is safe for concurrent use
// by several zones; they share one request pacer.
type Provider struct {
	api        api
	pacer      *providers.Pacer
	batchLimit int
	log        hclog.Logger
	// maxRetryWait caps Retry-After waits (0 = no cap).
	maxRetryWait time.Duration

	requestTimeout time.Duration
	stalls         stallGuard

	mu        sync.Mutex
	zones     map[string]*zoneEntry
	ruleExtra map[ruleKey]map[string]json.RawMessage
	// locks maps a zone to the apply lock this process holds there (record id and
	// token), so it is released without reading the zone.
	locks map[string]heldLock
	// noBulkSettings is set once GET /zones/{id}/settings answered that it is gone
	// (deprecated, end of life 2027-03-31); settings are then read one at a time.
	noBulkSettings atomic.Bool
	// ahead is the state of Prefetch.
	ahead readAhead
}

type zoneEntry struct {
	mu sync.Mutex
	id string
	// aheadErr is how the lookup made ahead (Prefetch) failed, for the next lookup.
	aheadErr error
	// ns are the zone's assigned name servers (canonical), from the same lookup.
	ns []string
	// status and origNS are the zone's status and original name servers, from the
	// same lookup.
	status string
	origNS []string
	// plan is the zone's plan (plan.legacy_id: "free", "pro"…), "" when not told.
	plan string
	// perms is the zone object's permissions list ("#dns_records:edit"…).
	perms []string
}

var (
	_ providers.Provider         = (*Provider)(nil)
	_ providers.SettingsProvider = (*Provider)(nil)
	_ providers.RulesProvider    = (*Provider)(nil)
	_ providers.DelegationReader = (*Provider)(nil)
)

// The provider takes the apply lock against a read, in the first record batch.
var (
	_ providers.HolderBreaker    = (*Provider)(nil)
	_ providers.StateLocker      = (*Provider)(nil)
	_ providers.RecordApplier    = (*Provider)(nil)
	_ providers.SettingsProvider = (*Provider)(nil)
	_ providers.RulesProvider    = (*Provider)(nil)
)

// New returns a Provider talking to the Cloudflare API (or a simulator at
// opts.BaseURL). It fails when no credentials are given or found in the environment;
// it makes no request (see VerifyToken).
func New(opts Options) (*Provider, error) {
	if opts.Token == "" && os.Getenv("CLOUDFLARE_API_TOKEN") == "" && os.Getenv("CLOUDFLARE_API_KEY") == "" {
		return nil, errors.New("no Cloudflare credentials: set CLOUDFLARE_API_TOKEN: " + TokenHelp)
	}
	p := newProvider(nil, opts)
	sdk, err := newSDKAPI(opts, p.middleware)
	if err != nil {
		return nil, err
	}
	p.api = sdk
	return p, nil
}

// newProvider builds a Provider around a (possibly fake) api.
func newProvider(a api, opts Options) *Provider {
	rps := opts.RequestsPerSecond
	if rps == 0 {
		rps = DefaultRequestsPerSecond
		if isLoopback(opts.BaseURL) || (opts.BaseURL == "" && isLoopback(os.Getenv("CLOUDFLARE_BASE_URL"))) {
			rps = -1
		}
	}
	burst := opts.Burst
	if burst <= 0 {
		burst = DefaultBurst
	}
	limit := opts.BatchLimit
	if limit < 0 {
		limit = 0
	}
	log := opts.Logger
	if log == nil {
		log = hclog.NewNullLogger()
	}
	maxWait := opts.MaxRetryWait
	switch {
	case maxWait == 0:
		maxWait = DefaultMaxRetryWait
	case maxWait < 0:
		maxWait = 0
	}
	timeout := opts.RequestTimeout
	if timeout == 0 {
		timeout = DefaultRequestTimeout
	}
	return &Provider{
		requestTimeout: timeout,
		api:            a,
		maxRetryWait:   maxWait,
		pacer:          providers.NewPacer(rps, burst),
		batchLimit:     limit,
		log:            log.Named("cloudflare"),
		zones:          map[string]*zoneEntry{},
		ruleExtra:      map[ruleKey]map[string]json.RawMessage{},
	}
}

// isLoopback reports whether base is a URL on a loopback address (127.0.0.0/8, ::1,
// localhost).
func isLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}

// Kind returns "cloudflare".
func (p *Provider) Kind() string { return Kind }

// Requests returns how many HTTP requests the Provider has sent so far, retries
// included.
func (p *Provider) Requests() int { return p.pacer.Requests() }

// VerifyToken checks that the API accepts the credentials and that the token is
// active. It makes one request.
func (p *Provider) VerifyToken(ctx context.Context) error {
	status, err := p.api.verifyToken(ctx)
	if err != nil {
		var ae *apiError
		if errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusTooManyRequests {
			return fmt.Errorf("verifying the Cloudflare API token (user tokens only: an account-owned token is refused by this check even when valid): %w", err)
		}
		return fmt.Errorf("verifying the Cloudflare API token: %w", err)
	}
	if status != "active" {
		return fmt.Errorf("the Cloudflare API token is %s, not active", status)
	}
	return nil
}

// zoneID returns the canonical zone name and its Cloudflare id, looked up by name
// once per Provider (one request per zone).
func (p *Provider) zoneID(ctx context.Context, zone string) (string, string, error) {
	name, e, err := p.zoneInfo(ctx, zone)
	if err != nil {
		return "", "", err
	}
	return name, e.id, nil
}

// zoneFacts is what the zone lookup told about a zone.
type zoneFacts struct {
	id     string
	ns     []string
	status string
	origNS []string
	plan   string
	perms  []string
}

// zoneInfo returns the canonical zone name, its Cloudflare id and its assigned name
// servers, looked up by name once per Provider (one request per zone).
func (p *Provider) zoneInfo(ctx context.Context, zone string) (string, zoneFacts, error) {
	p.awaitAhead(ctx)
	return p.lookupZone(ctx, zone, false)
}

// lookupZone is zoneInfo without waiting for Prefetch's lookups; ahead is set when
// it is one of them (its failure is then kept for the next lookup).
func (p *Provider) lookupZone(ctx context.Context, zone string, ahead bool) (string, zoneFacts, error) {
	name, err := model.CanonicalZone(zone)
	if err != nil {
		return "", zoneFacts{}, fmt.Errorf("zone %q: %w", zone, err)
	}
	p.mu.Lock()
	e := p.zones[name]
	if e == nil {
		e = &zoneEntry{}
		p.zones[name] = e
	}
	p.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.id != "" {
		return name, zoneFacts{id: e.id, ns: e.ns, status: e.status, origNS: e.origNS, plan: e.plan, perms: e.perms}, nil
	}
	if err := e.aheadErr; err != nil && !ahead {
		e.aheadErr = nil
		return "", zoneFacts{}, err
	}
	facts, err := p.lookupZoneLocked(ctx, name, e)
	if err != nil && ahead && ctx.Err() == nil {
		e.aheadErr = err
	}
	return name, facts, err
}

// lookupZoneLocked looks zone name up by name and fills e (whose lock is held).
func (p *Provider) lookupZoneLocked(ctx context.Context, name string, e *zoneEntry) (zoneFacts, error) {
	zs, err := p.api.zoneIDs(ctx, name)
	if err != nil {
		if pe := denied(name, "Zone:Read", "find the zone", err); pe != err {
			return zoneFacts{}, pe
		}
		return zoneFacts{}, fmt.Errorf("looking up zone %s: %w", name, err)
	}
	var match []wireZone
	for _, z := range zs {
		if strings.EqualFold(strings.TrimSuffix(z.Name, "."), name) {
			match = append(match, z)
		}
	}
	found, err := pickZone(name, match)
	if err != nil {
		return zoneFacts{}, err
	}
	e.id = found.ID
	e.ns = canonicalNameServers(found.NameServers)
	e.status, e.origNS = found.Status, canonicalNameServers(found.OriginalNameServers)
	e.plan = found.Plan
	e.perms = found.Permissions
	p.log.Debug("found zone", "zone", name, "id", e.id, "status", e.status, "name_servers", e.ns, "plan", e.plan)
	return zoneFacts{id: e.id, ns: e.ns, status: e.status, origNS: e.origNS, plan: e.plan, perms: e.perms}, nil
}

// canonicalNameServers returns the name servers as canonical names, in the API's
// order, without blanks or repeats; nil when there are none.
func canonicalNameServers(ns []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range ns {
		if strings.TrimSpace(n) == "" {
			continue
		}
		c := model.CanonicalLiveName(n)
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}
