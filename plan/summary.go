package plan

import (
	"fmt"

	"github.com/launchready/launchready/model"
)

// Defaults of the mass-change guard (DESIGN.md "Safety"): a plan that deletes or
// rewrites more than DefaultMassThreshold of a zone's managed records, and at least
// DefaultMassMin of them, is refused unless the user allows mass changes.
const (
	DefaultMassThreshold = 0.33
	DefaultMassMin       = 5
)

// Summary counts a plan's changes by action. Record sets, settings and rules count
// one each; ownership marks are not counted (they follow the records they describe).
// An adoption that also creates or deletes records of its set (a live value
// launchready owned and the file no longer declares, a declared value missing live)
// counts those writes too, one per record, under add and delete: every write a plan
// makes shows in its summary.
type Summary struct {
	Add       int `json:"add"`
	Change    int `json:"change"`
	Delete    int `json:"delete"`
	Adopt     int `json:"adopt"`
	Forget    int `json:"forget"`
	Unmanaged int `json:"unmanaged"` // live records left alone
}

// Summary counts the zone's changes.
func (z *ZonePlan) Summary() Summary {
	s := Summary{Unmanaged: len(z.Unmanaged)}
	var folded map[string][2]int // record set key → creates, deletes (built on first adoption)
	for _, c := range z.Changes {
		if c.Action == ActionAdopt && (c.Kind == KindRecord || c.Kind == KindEmail) {
			if folded == nil {
				folded = z.recordWritesByKey()
			}
			n := folded[c.Key]
			s.Add += n[0]
			s.Delete += n[1]
		}
		if c.Kind == KindOwnership {
			continue
		}
		switch c.Action {
		case ActionCreate:
			s.Add++
		case ActionUpdate:
			s.Change++
		case ActionDelete:
			s.Delete++
		case ActionAdopt:
			s.Adopt++
		case ActionForget:
			s.Forget++
		}
	}
	return s
}

// HasChanges reports whether applying the zone's plan would write anything (ownership
// marks included).
func (z *ZonePlan) HasChanges() bool {
	return len(z.Changes) > 0 || len(z.RecordOps) > 0 || z.SettingWrites != nil || len(z.RuleWrites) > 0
}

// Summary adds up every zone's Summary.
func (p *Plan) Summary() Summary {
	var s Summary
	for i := range p.Zones {
		z := p.Zones[i].Summary()
		s.Add += z.Add
		s.Change += z.Change
		s.Delete += z.Delete
		s.Adopt += z.Adopt
		s.Forget += z.Forget
		s.Unmanaged += z.Unmanaged
	}
	return s
}

// HasChanges reports whether applying the plan would write anything: it is what
// `plan --detailed-exitcode` and `drift` turn into exit code 2.
func (p *Plan) HasChanges() bool {
	for i := range p.Zones {
		if p.Zones[i].HasChanges() {
			return true
		}
	}
	return false
}

// MassChanges returns one message per zone whose plan deletes or rewrites more than
// threshold (a share, e.g. 0.33) of the records launchready managed before the plan,
// and at least min of them; nil when no zone trips the guard. Adoptions and ownership
// marks do not count.
func (p *Plan) MassChanges(threshold float64, min int) []string {
	var out []string
	for _, z := range p.Zones {
		n := z.ManagedRewrites
		if n == 0 || n < min || float64(n) <= threshold*float64(z.ManagedRecords) {
			continue
		}
		share := 100.0
		if z.ManagedRecords > 0 {
			share = 100 * float64(n) / float64(z.ManagedRecords)
		}
		out = append(out, fmt.Sprintf("zone %s: this plan deletes or rewrites %d of the %d records launchready manages (%.0f%%, more than %.0f%%); use --allow-mass-changes if that is intended",
			z.Zone, n, z.ManagedRecords, share, 100*threshold))
	}
	return out
}

// markOpCounts counts the zone's record ops on ownership marks, for the compact line.
func (z *ZonePlan) markOpCounts() (write, del int) {
	for _, op := range z.RecordOps {
		r := op.After
		if r == nil {
			r = op.Before
		}
		if r == nil || r.Type != "TXT" || !IsRegistryName(model.CanonicalLiveName(r.Name)) {
			continue
		}
		if op.Op == model.OpDelete {
			del++
		} else {
			write++
		}
	}
	return write, del
}

// recordWritesByKey counts the zone's record creates and deletes (ownership marks
// excluded) by record set key ("www.example.com A"), for the writes an adoption folds
// in.
func (z *ZonePlan) recordWritesByKey() map[string][2]int {
	out := map[string][2]int{}
	for _, op := range z.RecordOps {
		var r *model.Record
		i := 0
		switch op.Op {
		case model.OpCreate:
			r = op.After
		case model.OpDelete:
			r, i = op.Before, 1
		default:
			continue
		}
		if r == nil {
			continue
		}
		name := model.CanonicalLiveName(r.Name)
		if r.Type == "TXT" && IsRegistryName(name) {
			continue
		}
		k := model.Key{Name: name, Type: r.Type}.String()
		n := out[k]
		n[i]++
		out[k] = n
	}
	return out
}
