package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/schema"
)

// delegationReader adapts the zones' providers to verify's Delegation hook: the
// command's own providers when it built them for the same config (one zone listing
// per run), else providers built on first use. A provider that cannot be built (no
// credentials) or cannot say (no DelegationReader) gives an error verify reports as a
// warning. What it reads is kept for the DNS map of the same run.
func (e *env) delegationReader(cfg *schema.Config) func(ctx context.Context, zone string) (*model.Delegation, error) {
	build := sync.OnceValues(func() (map[string]providers.Provider, error) {
		if e.provs != nil && e.provsCfg == cfg {
			return e.provs, nil
		}
		return engine.Build(cfg, engine.BuildOptions{LookupEnv: e.lookup, Logger: e.log})
	})
	return func(ctx context.Context, zone string) (*model.Delegation, error) {
		z := cfg.Zone(zone)
		if z == nil {
			return nil, fmt.Errorf("zone %s is not in launch.hcl", zone)
		}
		provs, err := build()
		if err != nil {
			return nil, err
		}
		dr, ok := provs[z.Provider].(providers.DelegationReader)
		if !ok {
			return nil, fmt.Errorf("provider %s cannot report the zone's delegation", z.Provider)
		}
		d, err := dr.ReadDelegation(ctx, zone)
		if err == nil {
			e.delegations.Store(zone, d)
		}
		return d, err
	}
}

// parseNSAddrs reads --ns-address NAME=HOST:PORT flags.
func parseNSAddrs(list []string) (map[string]string, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, item := range list {
		name, addr, ok := strings.Cut(item, "=")
		if !ok || name == "" || addr == "" {
			return nil, fmt.Errorf("--ns-address %q: want NAME=HOST:PORT", item)
		}
		out[name] = addr
	}
	return out, nil
}

// readDelegations returns how each zone must be delegated, for the DNS map: what
// verify read in this run, else (when read is set) asked of the zone's provider now. A
// zone whose provider cannot say is left out (the map then says what it could not
// read); errors are logged, not fatal.
func (e *env) readDelegations(ctx context.Context, eng *engine.Engine, read bool) map[string]*model.Delegation {
	out := map[string]*model.Delegation{}
	zones, err := eng.SelectedZones()
	if err != nil {
		return out
	}
	for _, z := range zones {
		if d, ok := e.delegations.Load(z.Name); ok {
			out[z.Name] = d.(*model.Delegation)
			continue
		}
		if !read {
			continue
		}
		dr, ok := eng.Providers[z.Provider].(providers.DelegationReader)
		if !ok {
			continue
		}
		d, err := dr.ReadDelegation(ctx, z.Name)
		if err != nil {
			e.log.Warn("could not read the zone's delegation for the DNS map", "zone", z.Name, "error", err)
			continue
		}
		out[z.Name] = d
	}
	return out
}
