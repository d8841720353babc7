package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/zones"

	"github.com/launchready/launchready/model"
)

// zonesPerPage is the largest page GET /zones allows (FACTS.md: per_page 5–50).
const zonesPerPage = 50

// listZones returns one page (1-based) of the account's zones and the number of
// pages (result_info.total_pages; 0 when the API does not say, and paging then
// stops at a short page).
func (s *sdkAPI) listZones(ctx context.Context, page int) ([]wireZone, int, error) {
	var env struct {
		Result []struct {
			ID          string   `json:"id"`
			Name        string   `json:"name"`
			Status      string   `json:"status"`
			NameServers []string `json:"name_servers"`
			// OriginalNameServers: the registrar's name servers when the zone was added.
			OriginalNameServers []string `json:"original_name_servers"`
			Plan                struct {
				LegacyID string `json:"legacy_id"`
			} `json:"plan"`
			Permissions []string `json:"permissions"`
		} `json:"result"`
		ResultInfo struct {
			TotalPages int `json:"total_pages"`
		} `json:"result_info"`
	}
	params := zones.ZoneListParams{PerPage: cf.F(float64(zonesPerPage)), Page: cf.F(float64(page))}
	if err := s.c.Get(ctx, "zones", params, &env); err != nil {
		return nil, 0, convertErr(fmt.Sprintf("GET zones (page %d)", page), err)
	}
	out := make([]wireZone, 0, len(env.Result))
	for _, z := range env.Result {
		out = append(out, wireZone{ID: z.ID, Name: z.Name, Status: z.Status, NameServers: z.NameServers, OriginalNameServers: z.OriginalNameServers,
			Plan: z.Plan.LegacyID, Permissions: z.Permissions})
	}
	pages := env.ResultInfo.TotalPages
	if pages == 0 && len(out) == zonesPerPage {
		pages = page + 1
	}
	return out, pages, nil
}

// zoneLister is the optional part of api that lists the account's zones.
type zoneLister interface {
	listZones(ctx context.Context, page int) ([]wireZone, int, error)
}

// PrepareZones looks up the ids of the zones a run covers with as few requests as
// possible: two or more zones not looked up yet are found in one listing of the
// account's zones (50 a page, stopping once all are found) instead of one lookup
// each. A zone the listing does not find is left to the per-zone lookup, which
// reports it. One zone costs nothing here (its own lookup is one request anyway).
func (p *Provider) PrepareZones(ctx context.Context, names []string) error {
	p.awaitAhead(ctx)
	if err := p.aheadListingErr(names); err != nil {
		return err
	}
	return p.prepareZones(ctx, names)
}

// prepareZones is PrepareZones without waiting for Prefetch's lookups.
func (p *Provider) prepareZones(ctx context.Context, names []string) error {
	lister, ok := p.api.(zoneLister)
	if !ok {
		return nil
	}
	missing := map[string]bool{}
	p.mu.Lock()
	for _, n := range names {
		c, err := model.CanonicalZone(n)
		if err != nil {
			continue
		}
		if e := p.zones[c]; e == nil || e.id == "" {
			missing[c] = true
		}
	}
	p.mu.Unlock()
	if len(missing) < 2 {
		return nil
	}
	byName := map[string][]wireZone{}
	found := 0
	for page, pages := 1, 1; page <= pages && found < len(missing); page++ {
		zs, n, err := lister.listZones(ctx, page)
		if err != nil {
			var stalled *StalledError
			if ctx.Err() != nil || errors.As(err, &stalled) {
				return fmt.Errorf("listing the account's zones: %w", err)
			}
			// E.g. a token that may read its zones but not list the account: look
			// each zone up by name instead, as without this step.
			p.log.Debug("listing the account's zones failed; looking zones up one by one", "error", err)
			return nil
		}
		pages = n
		for _, z := range zs {
			c := strings.ToLower(strings.TrimSuffix(z.Name, "."))
			if !missing[c] {
				continue
			}
			if len(byName[c]) == 0 {
				found++
			}
			byName[c] = append(byName[c], z)
		}
		if len(zs) == 0 {
			break
		}
	}
	for name, match := range byName {
		z, err := pickZone(name, match)
		if err != nil {
			continue // the per-zone lookup reports it
		}
		p.mu.Lock()
		e := p.zones[name]
		if e == nil {
			e = &zoneEntry{}
			p.zones[name] = e
		}
		p.mu.Unlock()
		e.mu.Lock()
		if e.id == "" {
			e.id, e.ns = z.ID, canonicalNameServers(z.NameServers)
			e.status, e.origNS = z.Status, canonicalNameServers(z.OriginalNameServers)
			e.plan, e.perms = z.Plan, z.Permissions
		}
		e.mu.Unlock()
	}
	p.log.Debug("listed the account's zones", "wanted", len(missing), "found", found)
	return nil
}

// pickZone chooses among the zones called name: the only one, or the active one
// (the same name can exist twice, e.g. a pending copy).
func pickZone(name string, match []wireZone) (wireZone, error) {
	switch len(match) {
	case 0:
		return wireZone{}, fmt.Errorf("zone %s: not found in the Cloudflare account (check the zone name and that the API token can read it)", name)
	case 1:
		return match[0], nil
	}
	var found wireZone
	for _, z := range match {
		if z.Status == "active" {
			found = z
		}
	}
	if found.ID == "" {
		return wireZone{}, fmt.Errorf("zone %s: %d zones of that name and none is active", name, len(match))
	}
	return found, nil
}
