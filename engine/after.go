package engine

import (
	"context"
	"fmt"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
)

// PlanAfter returns the live state after Apply performed p on live (the state p was
// computed from) and the plan computed from it, which has no changes when the apply
// converged. A zone whose record writes answered with every record they stored, and
// that wrote nothing else, is known without a request: live with p's deletes and
// updates taken out and the stored records put in. Every other zone that p changed is
// read again; a zone p did not change is live as it was.
func (e *Engine) PlanAfter(ctx context.Context, p *plan.Plan, live map[string]*model.LiveZone) (*plan.Plan, map[string]*model.LiveZone, error) {
	zones, err := e.SelectedZones()
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]*plan.ZonePlan{}
	for i := range p.Zones {
		byName[p.Zones[i].Zone] = &p.Zones[i]
	}
	after := make(map[string]*model.LiveZone, len(zones))
	for _, z := range zones {
		zp, lz := byName[z.Name], live[z.Name]
		switch {
		case lz != nil && (zp == nil || !zp.HasChanges()):
			after[z.Name] = lz
		case lz != nil && recordsLast(zp) && e.applied[z.Name].Complete:
			after[z.Name] = e.recordsAfter(lz, zp.RecordOps, e.applied[z.Name].Stored)
		default:
			fresh, err := e.ReadZone(ctx, z)
			if err != nil {
				return nil, nil, fmt.Errorf("re-reading zone %s after apply: %w", z.Name, err)
			}
			after[z.Name] = fresh
		}
	}
	cfg, err := e.subConfig()
	if err != nil {
		return nil, nil, err
	}
	np, err := plan.Compute(cfg, after)
	if err != nil {
		return nil, nil, err
	}
	return np, after, nil
}

// recordsAfter returns lz with ops performed: the records ops delete or update taken
// out (by id), the stored records (every create and update, as the provider stored
// them) put in, and the zone's lock records dropped (the lock this engine took and
// released, the generation its taking replaced: neither is state).
func (e *Engine) recordsAfter(lz *model.LiveZone, ops []model.RecordOp, stored []model.Record) *model.LiveZone {
	gone := make(map[string]bool, len(ops))
	for _, op := range ops {
		if op.Before != nil && op.Before.ID != "" {
			gone[op.Before.ID] = true
		}
	}
	out := *lz
	out.Records = make([]model.Record, 0, len(lz.Records)+len(stored))
	for _, r := range lz.Records {
		if gone[r.ID] || ownership.IsLockName(model.CanonicalLiveName(r.Name)) {
			continue
		}
		out.Records = append(out.Records, r)
	}
	out.Records = append(out.Records, stored...)
	model.SortRecords(out.Records)
	return &out
}
