package cli

import (
	"fmt"
	"strconv"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/schema"
)

// newEngine loads the config and builds the providers its zones use.
func (e *env) newEngine(zones []string) (*engine.Engine, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, err
	}
	return e.engineFor(cfg, zones)
}

func (e *env) engineFor(cfg *schema.Config, zones []string) (*engine.Engine, error) {
	batch := 0
	if v := e.getenv("LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 3500 {
			return nil, exitCode(ExitError, fmt.Errorf("LAUNCHREADY_CLOUDFLARE_BATCH_LIMIT=%q: want a number of records per batch from 1 to 3500 (default: the zone's plan's, Cloudflare Free: 200, paid plans: 3500)", v))
		}
		batch = n
	}
	provs, err := engine.Build(cfg, engine.BuildOptions{LookupEnv: e.lookup, Logger: e.log, CloudflareBatchLimit: batch, CloudflareRequestTimeout: e.requestTimeout, CloudflareMaxRetryWait: e.maxRetryWait})
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
