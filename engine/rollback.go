package engine

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
)

// RestorePlan computes the plan that puts back what a snapshot's apply changed: each
// record write is inverted against the current live state (a created record is
// deleted, a deleted one re-created, an updated one set back), the settings it changed
// get their previous values, and launchready's rules of each phase it rewrote return
// to their previous content and order; hand-made rules stay as they are now.
//
// Records changed again since the apply are restored too and named in the zone's
// warnings, so the user sees what rollback overrides before confirming. Pure: no I/O.
func RestorePlan(s *Snapshot, live map[string]*model.LiveZone) (*plan.Plan, error) {
	p := &plan.Plan{FormatVersion: plan.FormatVersion, LiveFingerprint: plan.Fingerprint(live)}
	for _, zs := range s.Zones {
		lz := live[zs.Zone]
		if lz == nil {
			return nil, fmt.Errorf("zone %s: no live state read", zs.Zone)
		}
		zp := plan.ZonePlan{Zone: zs.Zone, Provider: zs.Provider, Changes: []plan.Change{}}
		restoreRecords(&zp, zs, lz)
		restoreSettings(&zp, zs, lz)
		restoreRules(&zp, zs, lz)
		p.Zones = append(p.Zones, zp)
	}
	return p, nil
}

type valueKey struct{ name, typ, value string }

func keyOf(r model.Record) valueKey { return valueKey{r.Name, r.Type, r.Value} }

func sameFields(a, b model.Record) bool {
	return a.TTL == b.TTL && a.Proxied == b.Proxied && a.Comment == b.Comment
}

func recordKind(r model.Record) plan.Kind {
	if plan.IsRegistryName(r.Name) {
		return plan.KindOwnership
	}
	return plan.KindRecord
}

func recordChange(zone string, a plan.Action, before, after *model.Record, reason string) plan.Change {
	r := after
	if r == nil {
		r = before
	}
	c := plan.Change{Action: a, Kind: recordKind(*r), Zone: zone, Key: r.Name + " " + r.Type, Reason: reason}
	obj := func(x *model.Record) *plan.Object {
		if x == nil {
			return nil
		}
		return &plan.Object{RRSet: &model.RRSet{Name: x.Name, Type: x.Type, TTL: x.TTL, Proxied: x.Proxied, Values: []string{x.Value}, Comment: x.Comment}}
	}
	c.Before, c.After = obj(before), obj(after)
	if before != nil && after != nil {
		add := func(f, b, a string) {
			if a != b {
				c.Fields = append(c.Fields, plan.FieldChange{Field: f, Before: b, After: a})
			}
		}
		add("value", before.Value, after.Value)
		add("ttl", fmt.Sprint(before.TTL), fmt.Sprint(after.TTL))
		add("proxied", fmt.Sprint(before.Proxied), fmt.Sprint(after.Proxied))
		add("comment", before.Comment, after.Comment)
	}
	return c
}

func restoreRecords(zp *plan.ZonePlan, zs ZoneSnapshot, lz *model.LiveZone) {
	byID := map[string]model.Record{}
	byValue := map[valueKey]model.Record{}
	for _, r := range lz.Records {
		if r.ID != "" {
			byID[r.ID] = r
		}
		byValue[keyOf(r)] = r
	}
	// find locates the live record that an apply wrote as w (by id where the
	// provider has ids and the id survived, else by name, type and value).
	find := func(w model.Record) (model.Record, bool) {
		if w.ID != "" {
			if r, ok := byID[w.ID]; ok {
				return r, true
			}
		}
		r, ok := byValue[keyOf(w)]
		return r, ok
	}
	var dels, upds, creates []model.RecordOp
	// Invert in reverse order, so the last write is undone first.
	for i := len(zs.Ops) - 1; i >= 0; i-- {
		op := zs.Ops[i]
		switch op.Op {
		case model.OpCreate:
			cur, ok := find(*op.After)
			if !ok {
				zp.Warnings = append(zp.Warnings, fmt.Sprintf("%s was created by that apply and is already gone; nothing to delete", op.After))
				continue
			}
			c := cur
			dels = append(dels, model.RecordOp{Op: model.OpDelete, Before: &c})
			zp.Changes = append(zp.Changes, recordChange(zp.Zone, plan.ActionDelete, &c, nil, "created by the apply being rolled back"))
		case model.OpDelete:
			want := *op.Before
			want.ID = ""
			if cur, ok := byValue[keyOf(want)]; ok {
				if sameFields(cur, want) {
					continue
				}
				c, w := cur, want
				w.ID = cur.ID
				upds = append(upds, model.RecordOp{Op: model.OpUpdate, Before: &c, After: &w})
				zp.Changes = append(zp.Changes, recordChange(zp.Zone, plan.ActionUpdate, &c, &w, "deleted by the apply being rolled back; it exists again with other settings"))
				continue
			}
			w := want
			creates = append(creates, model.RecordOp{Op: model.OpCreate, After: &w})
			zp.Changes = append(zp.Changes, recordChange(zp.Zone, plan.ActionCreate, nil, &w, "deleted by the apply being rolled back"))
		case model.OpUpdate:
			written := *op.After
			if written.ID == "" {
				written.ID = op.Before.ID
			}
			cur, ok := find(written)
			want := *op.Before
			if !ok {
				if _, exists := byValue[keyOf(want)]; exists {
					continue // already back as it was
				}
				zp.Warnings = append(zp.Warnings, fmt.Sprintf("%s was changed again after that apply; restoring it as a new record", op.Before))
				w := want
				w.ID = ""
				creates = append(creates, model.RecordOp{Op: model.OpCreate, After: &w})
				zp.Changes = append(zp.Changes, recordChange(zp.Zone, plan.ActionCreate, nil, &w, "updated by the apply being rolled back and changed since"))
				continue
			}
			if cur.Value != written.Value || !sameFields(cur, written) {
				zp.Warnings = append(zp.Warnings, fmt.Sprintf("%s was changed again after that apply; rollback overrides that change", cur))
			}
			if cur.Value == want.Value && sameFields(cur, want) {
				continue
			}
			c, w := cur, want
			w.ID = cur.ID
			if cur.ID == "" {
				// Providers without ids replace the value: delete then create.
				dels = append(dels, model.RecordOp{Op: model.OpDelete, Before: &c})
				creates = append(creates, model.RecordOp{Op: model.OpCreate, After: &w})
			} else {
				upds = append(upds, model.RecordOp{Op: model.OpUpdate, Before: &c, After: &w})
			}
			zp.Changes = append(zp.Changes, recordChange(zp.Zone, plan.ActionUpdate, &c, &w, "updated by the apply being rolled back"))
		}
	}
	zp.RecordOps = append(append(dels, upds...), creates...)
}

func restoreSettings(zp *plan.ZonePlan, zs ZoneSnapshot, lz *model.LiveZone) {
	if zs.Settings == nil {
		return
	}
	w := &model.Settings{Values: map[string]string{}}
	for _, id := range sortedKeys(zs.Settings.Values) {
		prev := zs.Settings.Values[id]
		cur := ""
		if lz.Settings != nil {
			cur = lz.Settings.Values[id]
		}
		if cur == prev {
			continue
		}
		w.Values[id] = prev
		zp.Changes = append(zp.Changes, plan.Change{Action: plan.ActionUpdate, Kind: plan.KindSetting, Zone: zp.Zone, Key: id,
			Before: &plan.Object{Setting: &plan.Setting{ID: id, Value: cur}}, After: &plan.Object{Setting: &plan.Setting{ID: id, Value: prev}},
			Fields: []plan.FieldChange{{Field: "value", Before: cur, After: prev}}, Reason: "value before the apply being rolled back"})
	}
	if h := zs.Settings.HSTS; h != nil {
		var cur *model.HSTS
		if lz.Settings != nil {
			cur = lz.Settings.HSTS
		}
		if cur == nil || *cur != *h {
			hh := *h
			w.HSTS = &hh
			c := plan.Change{Action: plan.ActionUpdate, Kind: plan.KindSetting, Zone: zp.Zone, Key: model.SettingSecurityHeader,
				After: &plan.Object{Setting: &plan.Setting{ID: model.SettingSecurityHeader, HSTS: &hh}}, Reason: "value before the apply being rolled back"}
			var was model.HSTS
			if cur != nil {
				was = *cur
				c.Before = &plan.Object{Setting: &plan.Setting{ID: model.SettingSecurityHeader, HSTS: &was}}
			}
			c.Fields = hstsFields(was, hh)
			zp.Changes = append(zp.Changes, c)
		}
	}
	if len(w.Values) > 0 || w.HSTS != nil {
		zp.SettingWrites = w
	}
}

// hstsFields lists the HSTS fields that differ, as the plan shows them.
func hstsFields(before, after model.HSTS) []plan.FieldChange {
	var out []plan.FieldChange
	add := func(field string, b, a any) {
		if bs, as := fmt.Sprint(b), fmt.Sprint(a); bs != as {
			out = append(out, plan.FieldChange{Field: "hsts." + field, Before: bs, After: as})
		}
	}
	add("enabled", before.Enabled, after.Enabled)
	add("max_age", before.MaxAge, after.MaxAge)
	add("include_subdomains", before.IncludeSubdomains, after.IncludeSubdomains)
	add("preload", before.Preload, after.Preload)
	add("nosniff", before.Nosniff, after.Nosniff)
	return out
}

func restoreRules(zp *plan.ZonePlan, zs ZoneSnapshot, lz *model.LiveZone) {
	for _, phase := range sortedPhases(zs.Rules) {
		prev := zs.Rules[phase]
		cur := lz.Rules[phase]
		prevByID := map[string]model.Rule{}
		for _, r := range prev {
			if r.ID != "" {
				prevByID[r.ID] = r
			}
		}
		// Walk the current list: hand-made rules stay as they are now; a rule
		// launchready owns now returns to what it was before the apply (that covers a
		// hand-made rule the apply adopted: it becomes hand-made again, unchanged); a
		// rule the apply created goes.
		var next []model.Rule
		inNext := map[string]bool{}
		for _, r := range cur {
			switch p, existed := prevByID[r.ID]; {
			case !r.Owned():
				next = append(next, r)
			case existed:
				next = append(next, p)
			default:
				continue
			}
			inNext[r.ID] = true
		}
		// launchready's rules the apply deleted (or someone deleted since) come back,
		// after the rule that preceded them before. The API refuses an id that is not
		// in the ruleset, so they are created anew under their ref.
		for i, p := range prev {
			if !p.Owned() || inNext[p.ID] {
				continue
			}
			at := 0
			for j := i - 1; j >= 0; j-- {
				if k := indexOfID(next, prev[j].ID); k >= 0 {
					at = k + 1
					break
				}
			}
			p.ID = ""
			next = append(next[:at], append([]model.Rule{p}, next[at:]...)...)
		}
		if rulesEqual(next, cur) {
			continue
		}
		if zp.RuleWrites == nil {
			zp.RuleWrites = map[string][]model.Rule{}
		}
		zp.RuleWrites[phase] = next
		kind := plan.KindRedirect
		if phase == model.PhaseCache {
			kind = plan.KindCache
		}
		zp.Changes = append(zp.Changes, plan.Change{Action: plan.ActionUpdate, Kind: kind, Zone: zp.Zone, Key: phase,
			Fields: []plan.FieldChange{{Field: "launchready rules", Before: ownedNames(cur), After: ownedNames(next)}},
			Reason: "rules as they were before the apply being rolled back; hand-made rules kept as they are now"})
	}
}

func indexOfID(rs []model.Rule, id string) int {
	if id == "" {
		return -1
	}
	for i, r := range rs {
		if r.ID == id {
			return i
		}
	}
	return -1
}

// ownedNames lists launchready's rules of rs by block name, in order ("(none)" when
// there are none), so the restore plan shows which rules come back.
func ownedNames(rs []model.Rule) string {
	var names []string
	for _, r := range rs {
		if r.Owned() {
			rest := strings.TrimPrefix(r.Ref, model.RefPrefix)
			if _, name, ok := strings.Cut(rest, ":"); ok {
				rest = name
			}
			names = append(names, rest)
		}
	}
	if len(names) == 0 {
		return "(none)"
	}
	return strings.Join(names, ", ")
}

func rulesEqual(a, b []model.Rule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Ref != y.Ref || x.Expression != y.Expression || x.Action != y.Action || x.Enabled != y.Enabled || x.Description != y.Description {
			return false
		}
		if fmt.Sprint(x.Redirect) != fmt.Sprint(y.Redirect) || fmt.Sprint(x.Cache) != fmt.Sprint(y.Cache) || string(x.Raw) != string(y.Raw) {
			return false
		}
	}
	return true
}

func sortedKeys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
