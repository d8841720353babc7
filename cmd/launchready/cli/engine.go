package cli

import (
	"fmt"
	"strconv"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/schema"
)

// newEngine loads the config and builds the providers its zones use.
func (e *env) newEngine(zones []string) (*engine.Engine, error) {
	return e.newEngineWith(zones, nil)
}

// newEngineWith is newEngine with the Cloudflare provider cf when it is not nil (one
// buildOptions made, reading zones ahead).
func (e *env) newEngineWith(zones []string, cf *cloudflare.Provider) (*engine.Engine, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	return e.engineWith(cfg, zones, cf)
}

func (e *env) engineFor(cfg *schema.Config, zones []string) (*engine.Engine, error) {
	return e.engineWith(cfg, zones, nil)
}

// buildOptions are the options providers are built with, from flags and the
// environment.
func (e *env) buildOptions() (engine.BuildOptions, error) {
	batch := 0
	if v := e.getenv("LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3500 {
			return engine.BuildOptions{}, exitCode(ExitError, fmt.Errorf("LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=%q: want a number of records per batch from 1 to 3500 (default: the zone's plan's, Cloudflare Free: 200, paid plans: 3500)", v))
		}
		batch = n
	}
	return engine.BuildOptions{LookupEnv: e.lookup, Logger: e.log, CloudflareBatchLimit: batch, CloudflareRequestTimeout: e.requestTimeout, CloudflareMaxRetryWait: e.maxRetryWait}, nil
}

func (e *env) engineWith(cfg *schema.Config, zones []string, cf *cloudflare.Provider) (*engine.Engine, error) {
	opts, err := e.buildOptions()
	if err != nil {
		return nil, err
	}
	opts.Cloudflare = cf
	provs, err := engine.Build(cfg, opts)
	if err != nil {
		return nil, exitCode(ExitError, err)
	}
	quota := 0
	if v := e.getenv("LAUNCHREADY_CLOUDFLARE_RECORD_QUOTA"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, exitCode(ExitError, fmt.Errorf("LAUNCHREADY_CLOUDFLARE_RECORD_QUOTA=%q: want the zones' DNS record quota, a positive number (Cloudflare Free: 200, or 1000 for zones created before September 2024; paid plans: 3500)", v))
		}
		quota = n
	}
	e.provs, e.provsCfg = provs, cfg
	eng := &engine.Engine{Config: cfg, Providers: provs, Logger: e.log, Zones: zones, RecordQuota: quota}
	if _, err := eng.SelectedZones(); err != nil {
		return nil, exitCode(ExitError, err)
	}
	return eng, nil
}
