// Package engine runs launchready's workflow over every zone of a config: read live
// state from each zone's provider, compute the plan, snapshot what will change, apply
// the writes, and re-read to prove convergence.
//
// It is the orchestration between schema, plan and providers, and nothing else: it
// does no rendering (cmd does), no diffing (plan does) and no API calls of its own
// (providers do). Providers are passed in already built (see Build for the wiring).
package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/hashicorp/go-hclog"
	"golang.org/x/sync/errgroup"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/schema"
)

// Engine ties a config to the providers that serve its zones.
type Engine struct {
	Config *schema.Config
	// Providers by the zone's provider reference ("cloudflare", "rfc2136.corp").
	Providers map[string]providers.Provider
	Logger    hclog.Logger
	// Zones restricts the run to these canonical zone names (nil = all).
	Zones []string
	// RecordQuota, when > 0, replaces the Cloudflare plans' DNS record quota in the
	// plan-time limit checks (a zone whose quota Cloudflare raised).
	RecordQuota int

	// held are the apply locks Lock took; applied are the stored records Apply's
	// record writes answered with, by zone.
	held    *heldLocks
	applied map[string]providers.ApplyResult
}

func (e *Engine) logger() hclog.Logger {
	if e.Logger == nil {
		return hclog.NewNullLogger()
	}
	return e.Logger
}

// SelectedZones returns the config's zones the run covers, in config order.
func (e *Engine) SelectedZones() ([]*schema.Zone, error) {
	if len(e.Zones) == 0 {
		return e.Config.Zones, nil
	}
	var out []*schema.Zone
	for _, name := range e.Zones {
		c, err := model.CanonicalZone(name)
		if err != nil {
			return nil, fmt.Errorf("--zone %q: %w", name, err)
		}
		z := e.Config.Zone(c)
		if z == nil {
			return nil, fmt.Errorf("--zone %q: no such zone in the config", name)
		}
		out = append(out, z)
	}
	return out, nil
}

// settingIDs lists the setting ids a zone declares.
func settingIDs(z *schema.Zone) []string {
	if z.Settings == nil {
		return nil
	}
	var ids []string
	for id := range z.Settings.Values {
		ids = append(ids, id)
	}
	if z.Settings.HSTS != nil {
		ids = append(ids, model.SettingSecurityHeader)
	}
	return ids
}

// ReadZone reads one zone's live state: records always; settings the zone declares
// or launchready managed before; the rule phases the zone declares or its owner's
// apex mark lists (ownership.ReadsRules). A records-only zone costs one request and
// needs only DNS permissions. Zones marked before apex marks listed rule kinds also
// read every other phase the token may read, once, until the plan writes the list.
func (e *Engine) ReadZone(ctx context.Context, z *schema.Zone) (*model.LiveZone, error) {
	return e.readZone(ctx, z.Name, z.Provider, settingIDs(z), func(live *model.LiveZone) ownership.RuleReads {
		return ownership.ReadsRules(z.Name, z.Owner, live.Records, declaredKinds(z))
	})
}

// declaredKinds returns the rule kinds a zone has blocks for.
func declaredKinds(z *schema.Zone) []string {
	var out []string
	if len(z.Redirects) > 0 {
		out = append(out, ownership.RuleKindRedirect)
	}
	if len(z.Caches) > 0 {
		out = append(out, ownership.RuleKindCache)
	}
	return out
}

// ReadZoneFrom reads zone through the provider with reference ref, with the live
// values of the given settings and every rule phase the token may read (import and
// rollback need them all).
func (e *Engine) ReadZoneFrom(ctx context.Context, zone, ref string, settings []string) (*model.LiveZone, error) {
	return e.readZone(ctx, zone, ref, settings, func(*model.LiveZone) ownership.RuleReads {
		return ownership.RuleReads{Legacy: true}
	})
}

func (e *Engine) readZone(ctx context.Context, zone, ref string, settings []string, rules func(*model.LiveZone) ownership.RuleReads) (*model.LiveZone, error) {
	p, ok := e.Providers[ref]
	if !ok {
		return nil, fmt.Errorf("zone %s: provider %q is not configured", zone, ref)
	}
	live, err := p.ReadZone(ctx, zone)
	if err != nil {
		if _, ok := cloudflare.IsPermission(err); ok {
			return nil, err // it names the zone and the permission to add
		}
		return nil, fmt.Errorf("reading zone %s: %w", zone, err)
	}
	// Settings launchready managed before (listed in the apex ownership mark) are read
	// too, so the plan can show the live value it stops managing.
	settings = unionStrings(settings, plan.ManagedSettings(live))
	if sp, ok := p.(providers.SettingsProvider); ok && len(settings) > 0 {
		s, err := sp.ReadSettings(ctx, zone, settings)
		if _, ok := cloudflare.IsPermission(err); ok {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("reading settings of %s: %w", zone, err)
		}
		live.Settings = s
	}
	rp, ok := p.(providers.RulesProvider)
	if !ok {
		return live, nil
	}
	rr := rules(live)
	must := map[string]bool{}
	for _, ph := range rr.Phases {
		must[ph] = true
	}
	live.Rules = map[string][]model.Rule{}
	for _, phase := range []string{model.PhaseRedirect, model.PhaseCache} {
		if !must[phase] && !rr.Legacy {
			continue // neither declared nor managed before: not read, left alone
		}
		rules, err := rp.ReadRules(ctx, zone, phase)
		if _, ok := cloudflare.IsPermission(err); ok {
			if must[phase] {
				return nil, err
			}
			e.logger().Debug("rules not read: the token may not read them and launch.hcl declares none", "zone", zone, "phase", phase)
			continue // the phase stays unread: the plan leaves it alone
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s rules of %s: %w", phase, zone, err)
		}
		live.Rules[phase] = rules
	}
	return live, nil
}

// readConcurrency bounds the zones read at once. Providers pace their requests
// themselves (Cloudflare: one pacer across zones), so this only bounds goroutines
// and open connections; it is high enough that 9 zones are read in one wave.
const readConcurrency = 16

// ReadLive reads every selected zone concurrently (providers pace themselves), after
// letting providers look the zones up together (one listing of a Cloudflare
// account's zones serves every zone of the run).
func (e *Engine) ReadLive(ctx context.Context) (map[string]*model.LiveZone, error) {
	zones, err := e.SelectedZones()
	if err != nil {
		return nil, err
	}
	if err := e.prepareZones(ctx, zones); err != nil {
		return nil, err
	}
	var mu sync.Mutex
	out := make(map[string]*model.LiveZone, len(zones))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(readConcurrency)
	for _, z := range zones {
		g.Go(func() error {
			live, err := e.ReadZone(gctx, z)
			if err != nil {
				return err
			}
			mu.Lock()
			out[z.Name] = live
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// subConfig is the config restricted to the selected zones, so plan covers just them.
func (e *Engine) subConfig() (*schema.Config, error) {
	zones, err := e.SelectedZones()
	if err != nil {
		return nil, err
	}
	c := *e.Config
	c.Zones = zones
	return &c, nil
}

// Plan reads live state and computes the plan.
func (e *Engine) Plan(ctx context.Context) (*plan.Plan, map[string]*model.LiveZone, error) {
	live, err := e.ReadLive(ctx)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := e.subConfig()
	if err != nil {
		return nil, nil, err
	}
	p, err := plan.Compute(cfg, live)
	if err != nil {
		return nil, nil, err
	}
	if err := checkLimits(cfg, live, p, e.RecordQuota); err != nil {
		return nil, nil, err
	}
	return p, live, nil
}

// ErrNotConverged is returned by Apply when the re-read after apply still differs.
var ErrNotConverged = errors.New("live state does not match launch.hcl after apply")

// Apply performs a plan's writes zone by zone: records (one atomic provider call per
// zone), then settings, then rules. It stops at the first failing zone; zones already
// applied stay applied (the snapshot written before lets rollback restore them).
// Progress, if set, is told each step.
func (e *Engine) Apply(ctx context.Context, p *plan.Plan, live map[string]*model.LiveZone, progress func(zone, step string)) error {
	if progress == nil {
		progress = func(string, string) {}
	}
	wrote := false
	e.applied = nil
	err := e.apply(ctx, p, live, progress, &wrote)
	if pe, ok := cloudflare.IsPermission(err); ok && wrote {
		pe.Wrote = true // earlier writes of this apply happened: do not claim nothing changed
	}
	return err
}

func (e *Engine) apply(ctx context.Context, p *plan.Plan, live map[string]*model.LiveZone, progress func(zone, step string), wrote *bool) error {
	for i := range p.Zones {
		zp := &p.Zones[i]
		prov, ok := e.Providers[zp.Provider]
		if !ok {
			return fmt.Errorf("zone %s: provider %q is not configured", zp.Zone, zp.Provider)
		}
		// Phases launchready stops managing go first: the record ops drop their kind
		// from the apex mark, which must not happen while their rules remain.
		for _, phase := range zp.ReleasedPhases {
			if err := e.writeRules(ctx, prov, zp, phase, progress, wrote); err != nil {
				return err
			}
		}
		if len(zp.RecordOps) > 0 {
			progress(zp.Zone, fmt.Sprintf("writing %d record changes", len(zp.RecordOps)))
			e.logger().Info("applying records", "zone", zp.Zone, "ops", len(zp.RecordOps))
			if err := e.applyRecords(ctx, prov, zp, live[zp.Zone]); err != nil {
				return err // providers name the zone (and server) in their errors
			}
			*wrote = true
		}
		if zp.SettingWrites != nil && (len(zp.SettingWrites.Values) > 0 || zp.SettingWrites.HSTS != nil) {
			sp, ok := prov.(providers.SettingsProvider)
			if !ok {
				return fmt.Errorf("zone %s: provider %s cannot write settings", zp.Zone, zp.Provider)
			}
			progress(zp.Zone, "writing settings")
			if err := sp.WriteSettings(ctx, zp.Zone, zp.SettingWrites); err != nil {
				if _, ok := cloudflare.IsPermission(err); ok {
					return err
				}
				return fmt.Errorf("zone %s: writing settings: %w", zp.Zone, err)
			}
			*wrote = true
		}
		for _, phase := range sortedPhases(zp.RuleWrites) {
			if slices.Contains(zp.ReleasedPhases, phase) {
				continue // written first
			}
			if err := e.writeRules(ctx, prov, zp, phase, progress, wrote); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyRecords writes a zone plan's record ops. Providers that answer with the stored
// records have them kept for PlanAfter; the zone's apply lock is taken in their first
// batch when Lock left it to them (see inline), and released in their last when the
// records are the zone's last write.
func (e *Engine) applyRecords(ctx context.Context, prov providers.Provider, zp *plan.ZonePlan, live *model.LiveZone) error {
	ra, ok := prov.(providers.RecordApplier)
	if !ok {
		return prov.ApplyRecords(ctx, live, zp.RecordOps)
	}
	opts := providers.ApplyOptions{Acquire: e.held.acquirable(zp.Zone)}
	if recordsLast(zp) {
		opts.Release = e.held.releasable(zp.Zone)
	}
	res, err := ra.ApplyRecordsWith(ctx, live, zp.RecordOps, opts)
	if err != nil {
		return err
	}
	if res.Released {
		e.held.markReleased(zp.Zone)
	}
	if e.applied == nil {
		e.applied = map[string]providers.ApplyResult{}
	}
	e.applied[zp.Zone] = res
	return nil
}

// recordsLast reports whether a zone plan writes nothing after its records.
func recordsLast(zp *plan.ZonePlan) bool {
	if zp.SettingWrites != nil && (len(zp.SettingWrites.Values) > 0 || zp.SettingWrites.HSTS != nil) {
		return false
	}
	for phase := range zp.RuleWrites {
		if !slices.Contains(zp.ReleasedPhases, phase) {
			return false
		}
	}
	return true
}

// writeRules writes one phase of a zone plan's rule writes.
func (e *Engine) writeRules(ctx context.Context, prov providers.Provider, zp *plan.ZonePlan, phase string, progress func(zone, step string), wrote *bool) error {
	rp, ok := prov.(providers.RulesProvider)
	if !ok {
		return fmt.Errorf("zone %s: provider %s cannot write rules", zp.Zone, zp.Provider)
	}
	progress(zp.Zone, "writing "+phase+" rules")
	if err := rp.WriteRules(ctx, zp.Zone, phase, zp.RuleWrites[phase]); err != nil {
		if _, ok := cloudflare.IsPermission(err); ok {
			return err
		}
		return fmt.Errorf("zone %s: writing %s rules: %w", zp.Zone, phase, err)
	}
	*wrote = true
	return nil
}

func sortedPhases(m map[string][]model.Rule) []string {
	var out []string
	for _, ph := range []string{model.PhaseRedirect, model.PhaseCache} {
		if _, ok := m[ph]; ok {
			out = append(out, ph)
		}
	}
	for ph := range m {
		if ph != model.PhaseRedirect && ph != model.PhaseCache {
			out = append(out, ph)
		}
	}
	return out
}

func unionStrings(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string{}, a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func sortStrings(s []string) { sort.Strings(s) }
