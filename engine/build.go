package engine

import (
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/rfc2136"
	"github.com/launchready/launchready/schema"
)

// BuildOptions carries what provider construction needs from the environment.
type BuildOptions struct {
	// LookupEnv reads environment variables (credentials, TSIG secrets).
	LookupEnv func(string) (string, bool)
	Logger    hclog.Logger
	// CloudflareBatchLimit overrides the records-per-batch limit (0 = the zone's
	// plan's: Free 200, paid 3,500).
	CloudflareBatchLimit int
	// CloudflareRequestTimeout bounds each Cloudflare API request (0 = the
	// provider's default, 30 s).
	CloudflareRequestTimeout time.Duration
	// CloudflareMaxRetryWait caps Retry-After waits (0 = 60 s; negative = no cap).
	CloudflareMaxRetryWait time.Duration
	// Cloudflare, when set, is the Cloudflare provider to use (one BuildCloudflare
	// made earlier with these options, e.g. to read zones ahead); nil = build one.
	Cloudflare *cloudflare.Provider
}

// Build constructs one provider per provider reference used by cfg's zones: the one
// place where provider kinds are wired (no init-time registration). Every Cloudflare
// zone shares one client, so pacing holds across zones.
func Build(cfg *schema.Config, o BuildOptions) (map[string]providers.Provider, error) {
	out := map[string]providers.Provider{}
	refs := map[string]bool{}
	for _, z := range cfg.Zones {
		refs[z.Provider] = true
	}
	var names []string
	for r := range refs {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, ref := range names {
		p, err := build(cfg, ref, o)
		if err != nil {
			return nil, err
		}
		out[ref] = p
	}
	return out, nil
}

func build(cfg *schema.Config, ref string, o BuildOptions) (providers.Provider, error) {
	if ref == "cloudflare" {
		if o.Cloudflare != nil {
			return o.Cloudflare, nil
		}
		return BuildCloudflare(o)
	}
	pb, ok := cfg.Providers[ref]
	if !ok {
		return nil, fmt.Errorf("provider %q is not declared", ref)
	}
	switch pb.Kind {
	case "rfc2136":
		secret, ok := o.LookupEnv(pb.TSIGSecretEnv)
		if !ok || secret == "" {
			return nil, fmt.Errorf("provider %s: environment variable %s (tsig_secret_env) is not set", ref, pb.TSIGSecretEnv)
		}
		return rfc2136.New(rfc2136.Config{Server: pb.Server, TSIGKey: pb.TSIGKey, TSIGAlgorithm: pb.TSIGAlgorithm, TSIGSecret: secret, TSIGSecretEnv: pb.TSIGSecretEnv})
	}
	return nil, fmt.Errorf("provider %s: unknown kind %q", ref, pb.Kind)
}

// BuildCloudflare constructs the Cloudflare provider every Cloudflare zone of a run
// shares, from the environment (CLOUDFLARE_API_TOKEN, CLOUDFLARE_BASE_URL) and o.
func BuildCloudflare(o BuildOptions) (*cloudflare.Provider, error) {
	tok, ok := o.LookupEnv("CLOUDFLARE_API_TOKEN")
	if !ok || tok == "" {
		return nil, fmt.Errorf("CLOUDFLARE_API_TOKEN is not set: %s, and export it (or run `launchready demo` to try without an account)", cloudflare.TokenHelp)
	}
	base, _ := o.LookupEnv("CLOUDFLARE_BASE_URL")
	return cloudflare.New(cloudflare.Options{BaseURL: base, Token: tok, BatchLimit: o.CloudflareBatchLimit, RequestTimeout: o.CloudflareRequestTimeout, MaxRetryWait: o.CloudflareMaxRetryWait, Logger: o.Logger})
}
