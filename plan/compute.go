package plan

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// markComment is the comment ownership marks carry on providers with comments.
const markComment = "launchready ownership mark: do not edit"

// Compute diffs the desired state of every zone of cfg against its live state and
// returns the plan. live is keyed by canonical zone name and must hold every zone of
// cfg; for a zone that declares redirect or cache rules it must hold the rules of that
// phase, and for a zone that declares settings the live value of each declared setting
// (and, to report settings no longer managed, those ManagedSettings lists).
//
// Zones are planned in config order; within a zone, record sets come first (in
// declaration order, then removed sets by name), then settings, rules and ownership
// marks. Compute never fails on surprising live data: it fails only when live state
// needed for the plan is missing or the config is inconsistent.
func Compute(cfg *schema.Config, live map[string]*model.LiveZone) (*Plan, error) {
	if cfg == nil {
		return nil, errors.New("computing plan: no config")
	}
	p := &Plan{
		FormatVersion:     FormatVersion,
		Zones:             []ZonePlan{},
		ConfigFingerprint: cfg.Fingerprint,
		LiveFingerprint:   Fingerprint(live),
	}
	for _, z := range cfg.Zones {
		lz := live[z.Name]
		if lz == nil {
			return nil, fmt.Errorf("computing plan: no live state for zone %s", z.Name)
		}
		zp, err := computeZone(z, lz)
		if err != nil {
			return nil, fmt.Errorf("computing plan for zone %s: %w", z.Name, err)
		}
		p.Zones = append(p.Zones, *zp)
	}
	return p, nil
}

// liveRec is a live record (other than an ownership mark) with what planning needs.
type liveRec struct {
	rec     model.Record // as the provider reported it (ops carry it unchanged)
	name    string       // canonical
	typ     string
	value   string // canonical
	mark    string // ValueMark(typ, value)
	owned   bool   // owned before the plan
	ignored bool   // name matches an ignore glob
	done    bool   // matched, deleted or left alone already
}

func (l *liveRec) key() model.Key { return model.Key{Name: l.name, Type: l.typ} }

// zoneState is one zone's planning in progress.
type zoneState struct {
	z    *schema.Zone
	live *model.LiveZone
	caps model.Capabilities
	zp   *ZonePlan

	marks    map[string]map[string]bool // owner name → marks listed by its live marks
	markRecs map[string][]model.Record  // owner name → launchready's mark records there
	prevSet  []string                   // settings listed by the apex mark
	recs     []*liveRec                 // sorted by name, type, value, id
	byKey    map[model.Key][]*liveRec

	desired     []model.RRSet                // normalised, declaration order
	wantMarks   map[string]map[string]string // owner → mark → value, owned after the plan
	keptMarks   map[string][]string          // owner → marks of owned records left alone
	settingIDs  []string                     // settings managed after the plan
	recChanges  []Change
	settingChgs []Change
	ruleChanges []Change
	markChanges []Change
	deletes     []model.RecordOp
	updates     []model.RecordOp
	creates     []model.RecordOp
	markDeletes []model.RecordOp
	markUpdates []model.RecordOp
	markCreates []model.RecordOp
	leftAlone   []model.Record
	warnings    []string
	// reclaimed holds, per owner name, the stale CNAME mark of a CNAME launchready
	// still owns although its value was edited outside launchready.
	reclaimed map[string]string
}

func computeZone(z *schema.Zone, lz *model.LiveZone) (*ZonePlan, error) {
	caps, ok := model.ProviderKinds[z.ProviderKind]
	if !ok {
		return nil, fmt.Errorf("unknown provider kind %q", z.ProviderKind)
	}
	st := &zoneState{
		z:         z,
		live:      lz,
		caps:      caps,
		zp:        &ZonePlan{Zone: z.Name, Provider: z.Provider, Changes: []Change{}},
		marks:     map[string]map[string]bool{},
		markRecs:  map[string][]model.Record{},
		byKey:     map[model.Key][]*liveRec{},
		wantMarks: map[string]map[string]string{},
		keptMarks: map[string][]string{},
	}
	if err := st.readLive(); err != nil {
		return nil, err
	}
	if err := st.readDesired(); err != nil {
		return nil, err
	}
	if err := checkReadOnly(z, st.zp.ReadOnly); err != nil {
		return nil, err
	}
	for _, d := range st.desired {
		st.planRRSet(d)
	}
	st.planRemoved()
	st.checkConflicts()
	if err := st.planSettings(); err != nil {
		return nil, err
	}
	if err := st.planRules(); err != nil {
		return nil, err
	}
	if err := st.planMarks(); err != nil {
		return nil, err
	}

	zp := st.zp
	zp.Changes = append(zp.Changes, deletesFirst(st.recChanges)...)
	zp.Changes = append(zp.Changes, st.settingChgs...)
	zp.Changes = append(zp.Changes, st.ruleChanges...)
	zp.Changes = append(zp.Changes, st.markChanges...)
	var ops []model.RecordOp
	ops = append(ops, st.deletes...)
	ops = append(ops, st.markDeletes...)
	ops = append(ops, st.updates...)
	ops = append(ops, st.markUpdates...)
	ops = append(ops, st.creates...)
	ops = append(ops, st.markCreates...)
	zp.RecordOps = ops
	model.SortRecords(st.leftAlone)
	zp.Unmanaged = st.leftAlone
	zp.Warnings = st.warnings
	return zp, nil
}

// readLive splits live records into ownership marks and ordinary records and decides
// which records launchready owns.
func (st *zoneState) readLive() error {
	apex := st.z.Name
	for _, r := range st.live.Records {
		if r.ReadOnly != "" { // managed by Cloudflare (Email Routing): shown, never written
			st.zp.ReadOnly = append(st.zp.ReadOnly, r)
			continue
		}
		if owner, reg, ok := ParseRegistryRecord(r); ok {
			st.markRecs[owner] = append(st.markRecs[owner], r)
			if st.marks[owner] == nil {
				st.marks[owner] = map[string]bool{}
			}
			for _, m := range reg.Marks {
				st.marks[owner][m] = true
			}
			if owner == apex {
				st.prevSet = append(st.prevSet, reg.Settings...)
			}
			continue
		}
		l := &liveRec{rec: r, name: model.CanonicalLiveName(r.Name), typ: strings.ToUpper(r.Type)}
		l.value = canonicalValue(l.typ, r.Value, apex)
		l.mark = ValueMark(l.typ, l.value)
		ign, err := st.ignored(l.name)
		if err != nil {
			return err
		}
		l.ignored = ign
		st.recs = append(st.recs, l)
	}
	st.prevSet = sortedUnique(st.prevSet)
	for owner := range st.markRecs {
		model.SortRecords(st.markRecs[owner])
	}
	sort.SliceStable(st.recs, func(i, j int) bool { return recLess(st.recs[i], st.recs[j]) })
	for _, l := range st.recs {
		l.owned = st.marks[l.name][l.mark] || st.z.Authoritative && !l.ignored && st.sweepable(l)
		if !l.owned {
			st.reclaimCNAME(l)
		}
		if l.owned {
			st.zp.ManagedRecords++
		}
		st.byKey[l.key()] = append(st.byKey[l.key()], l)
	}
	return nil
}

// reclaimCNAME keeps ownership of a CNAME whose value someone edited in the dashboard.
// A name holds at most one CNAME, so when the mark says launchready owns a CNAME there
// and the one live CNAME does not match the mark, it is launchready's CNAME, edited:
// the plan restores it (an update) instead of leaving it unmanaged and then failing to
// create a second CNAME beside it. Other types can hold several values, one of which
// may be someone else's, so they are never reclaimed this way.
func (st *zoneState) reclaimCNAME(l *liveRec) {
	if l.typ != "CNAME" || l.ignored {
		return
	}
	var stale []string
	for m := range st.marks[l.name] {
		if strings.HasPrefix(m, "CNAME:") {
			stale = append(stale, m)
		}
	}
	if len(stale) != 1 {
		return
	}
	l.owned = true
	if st.reclaimed == nil {
		st.reclaimed = map[string]string{}
	}
	st.reclaimed[l.name] = stale[0]
	st.warnings = append(st.warnings, fmt.Sprintf("%s CNAME was changed outside launchready (it now points to %s); launchready still owns it", l.name, l.value))
}

// sweepable reports whether authoritative mode may claim l: only types launch.hcl can
// declare, and never the apex NS set (delegation) which the provider manages.
func (st *zoneState) sweepable(l *liveRec) bool {
	return model.IsRecordType(l.typ) && !(l.typ == "NS" && l.name == st.z.Name)
}

// ignored reports whether name matches one of the zone's ignore globs, matched against
// the name relative to the zone ("@" for the apex).
func (st *zoneState) ignored(name string) (bool, error) {
	rel := model.RelativeName(name, st.z.Name)
	for _, g := range st.z.Ignore {
		ok, err := path.Match(g, rel)
		if err != nil {
			return false, fmt.Errorf("ignore pattern %q: %w", g, err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// readDesired normalises the zone's desired record sets so that comparing them with
// live records shows only real differences.
func (st *zoneState) readDesired() error {
	seen := map[model.Key]bool{}
	for _, s := range st.z.RRSets() {
		d := s
		d.Name = model.CanonicalLiveName(d.Name)
		d.Type = strings.ToUpper(d.Type)
		if IsRegistryName(d.Name) {
			return fmt.Errorf("%s %s: names starting with %s or %s are reserved for launchready's ownership marks", d.Name, d.Type, RegistryPrefix, RegistryWildcardPrefix)
		}
		if seen[d.Key()] {
			return fmt.Errorf("%s %s is declared twice", d.Name, d.Type)
		}
		seen[d.Key()] = true
		vals := make([]string, 0, len(d.Values))
		for _, v := range d.Values {
			vals = append(vals, canonicalValue(d.Type, v, st.z.Name))
		}
		d.Values = sortedUnique(vals)
		if len(d.Values) == 0 {
			return fmt.Errorf("%s %s has no values", d.Name, d.Type)
		}
		d.TTL = st.effectiveTTL(d.TTL, d.Proxied)
		if !st.caps.Comments {
			d.Comment = ""
		}
		if !st.caps.Proxied {
			d.Proxied = false
		}
		if len(RegistryName(d.Name)) > 253 {
			return fmt.Errorf("%s %s: the name is too long to carry launchready's ownership mark %s", d.Name, d.Type, RegistryName(d.Name))
		}
		st.desired = append(st.desired, d)
	}
	return nil
}

// effectiveTTL is the TTL a desired record has once written: proxied records are always
// automatic, and "automatic" on a provider without it is the provider's default.
func (st *zoneState) effectiveTTL(ttl int, proxied bool) int {
	if proxied && st.caps.Proxied {
		return 0
	}
	if ttl == 0 {
		return st.caps.DefaultTTL
	}
	return ttl
}

// planRRSet plans one declared record set.
func (st *zoneState) planRRSet(d model.RRSet) {
	live := st.byKey[d.Key()]
	used := make([]bool, len(live))
	type match struct {
		value string
		l     *liveRec
	}
	var matches []match
	var toCreate []string
	for _, v := range d.Values {
		found := -1
		for i, l := range live {
			if !used[i] && l.value == v {
				found = i
				break
			}
		}
		if found < 0 {
			toCreate = append(toCreate, v)
			continue
		}
		used[found] = true
		matches = append(matches, match{v, live[found]})
	}
	var removed []*liveRec
	for i, l := range live {
		if used[i] {
			continue
		}
		l.done = true
		if l.owned {
			removed = append(removed, l)
		} else {
			st.leftAlone = append(st.leftAlone, l.rec)
		}
	}

	var before []*liveRec
	adopted := 0
	for _, m := range matches {
		m.l.done = true
		before = append(before, m.l)
		if !m.l.owned {
			adopted++
		}
		if st.differs(m.l, d) {
			st.updates = append(st.updates, updateOp(m.l, st.target(d, m.value, m.l)))
			if m.l.owned {
				st.zp.ManagedRewrites++
			}
		}
	}
	// A value replaced by another in the same set is one record changed in place
	// (Cloudflare keeps its id), not a delete and a create.
	n := min(len(removed), len(toCreate))
	for i := 0; i < n; i++ {
		st.updates = append(st.updates, updateOp(removed[i], st.target(d, toCreate[i], removed[i])))
		st.zp.ManagedRewrites++
	}
	for _, l := range removed[n:] {
		st.deletes = append(st.deletes, deleteOp(l))
		st.zp.ManagedRewrites++
	}
	for _, v := range toCreate[n:] {
		r := st.target(d, v, nil)
		st.creates = append(st.creates, model.RecordOp{Op: model.OpCreate, After: &r})
	}
	before = append(before, removed...)

	owner := d.Name
	for _, v := range d.Values {
		st.wantMark(owner, ValueMark(d.Type, v), v)
	}

	after := d
	ch := Change{Kind: kindOf(d.Origin), Zone: st.z.Name, Key: d.Key().String(), After: &Object{RRSet: &after}}
	if len(before) == 0 {
		ch.Action = ActionCreate
		ch.Fields = createFields(d)
		st.recChanges = append(st.recChanges, ch)
		return
	}
	ch.Before = &Object{RRSet: rrsetOf(d.Key(), before)}
	ch.Fields = st.rrsetFields(before, d)
	switch {
	case adopted > 0:
		ch.Action = ActionAdopt
		if adopted == 1 {
			ch.Reason = "exists live but was not created by launchready: adopting it"
		} else {
			ch.Reason = fmt.Sprintf("%d values exist live but were not created by launchready: adopting them", adopted)
		}
	case len(ch.Fields) > 0:
		ch.Action = ActionUpdate
	default:
		return // in sync
	}
	st.recChanges = append(st.recChanges, ch)
}

// planRemoved plans live record sets no block declares: owned records are deleted,
// everything else is left alone.
func (st *zoneState) planRemoved() {
	var keys []model.Key
	seen := map[model.Key]bool{}
	for _, l := range st.recs {
		if !l.done && !seen[l.key()] {
			seen[l.key()] = true
			keys = append(keys, l.key())
		}
	}
	for _, k := range keys {
		var gone []*liveRec
		byMark := true
		for _, l := range st.byKey[k] {
			if l.done {
				continue
			}
			l.done = true
			switch {
			case l.owned && l.ignored:
				// ignore globs protect undeclared records even from their creator
				st.leftAlone = append(st.leftAlone, l.rec)
				st.keptMarks[l.name] = append(st.keptMarks[l.name], l.mark)
			case l.owned:
				gone = append(gone, l)
				if !st.marks[l.name][l.mark] {
					byMark = false
				}
				st.deletes = append(st.deletes, deleteOp(l))
				st.zp.ManagedRewrites++
			default:
				st.leftAlone = append(st.leftAlone, l.rec)
			}
		}
		if len(gone) == 0 {
			continue
		}
		ch := Change{
			Action: ActionDelete,
			Kind:   guessKind(gone),
			Zone:   st.z.Name,
			Key:    k.String(),
			Before: &Object{RRSet: rrsetOf(k, gone)},
			Reason: "no longer declared in launch.hcl",
		}
		if !byMark {
			ch.Reason = "not declared in launch.hcl and the zone is authoritative"
		}
		ch.Fields = []FieldChange{{Field: "values", Before: strings.Join(valuesOf(gone), ", ")}}
		st.recChanges = append(st.recChanges, ch)
	}
}

// checkConflicts warns about declared sets DNS will refuse next to records left alone:
// a CNAME cannot share its name with any other record.
func (st *zoneState) checkConflicts() {
	byName := map[string][]model.Record{}
	for _, r := range st.leftAlone {
		n := model.CanonicalLiveName(r.Name)
		byName[n] = append(byName[n], r)
	}
	for _, d := range st.desired {
		for _, r := range byName[d.Name] {
			t := strings.ToUpper(r.Type)
			if d.Type == "CNAME" || t == "CNAME" {
				if d.Type == t && len(d.Values) == 1 && canonicalValue(t, r.Value, st.z.Name) == d.Values[0] {
					continue
				}
				st.warnings = append(st.warnings, fmt.Sprintf("%s %s conflicts with the unmanaged record %s %s %s (a CNAME cannot share its name with other records): the provider will refuse it until that record is removed or declared", d.Name, d.Type, d.Name, t, r.Value))
			}
		}
	}
}

// wantMark records that mark must be listed at owner after the plan.
func (st *zoneState) wantMark(owner, mark, value string) {
	if st.wantMarks[owner] == nil {
		st.wantMarks[owner] = map[string]string{}
	}
	st.wantMarks[owner][mark] = value
}

// planMarks reconciles the ownership marks with what launchready owns after the plan,
// and warns about marks naming values that are gone.
func (st *zoneState) planMarks() error {
	apex := st.z.Name
	owners := map[string]bool{}
	for o := range st.markRecs {
		owners[o] = true
	}
	for o := range st.wantMarks {
		owners[o] = true
	}
	for o := range st.keptMarks {
		owners[o] = true
	}
	if len(st.settingIDs) > 0 {
		owners[apex] = true
	}
	liveMarks := map[string]map[string]bool{}
	for _, l := range st.recs {
		if liveMarks[l.name] == nil {
			liveMarks[l.name] = map[string]bool{}
		}
		liveMarks[l.name][l.mark] = true
	}
	var names []string
	for o := range owners {
		names = append(names, o)
	}
	sort.Strings(names)
	for _, owner := range names {
		var stale []string
		for m := range st.marks[owner] {
			if !liveMarks[owner][m] && st.reclaimed[owner] != m {
				stale = append(stale, m)
			}
		}
		sort.Strings(stale)
		for _, m := range stale {
			typ, _, _ := strings.Cut(m, ":")
			if value, ok := st.wantMarks[owner][m]; ok {
				st.warnings = append(st.warnings, fmt.Sprintf("%s %s %s was created by launchready but is no longer live: it was edited or deleted outside launchready; it will be created again", owner, typ, value))
			} else {
				st.warnings = append(st.warnings, fmt.Sprintf("%s: the %s record with ownership mark %s is no longer live: it was edited or deleted outside launchready; the mark is dropped", owner, typ, m))
			}
		}

		var want Registry
		for m := range st.wantMarks[owner] {
			want.Marks = append(want.Marks, m)
		}
		want.Marks = sortedUnique(append(want.Marks, st.keptMarks[owner]...))
		if owner == apex {
			want.Settings = st.settingIDs
		}
		regName := RegistryName(owner)
		if len(regName) > 253 {
			return fmt.Errorf("%s: the name is too long to carry launchready's ownership mark", owner)
		}
		st.reconcileMark(regName, st.markRecs[owner], want)
	}
	return nil
}

// reconcileMark plans the writes that leave exactly one mark record with want's text
// at regName (none when want is empty).
func (st *zoneState) reconcileMark(regName string, cur []model.Record, want Registry) {
	key := model.Key{Name: regName, Type: "TXT"}
	text := ""
	if !want.Empty() {
		text = want.String()
	}
	var ch Change
	switch {
	case text == "" && len(cur) == 0:
		return
	case text == "":
		ch.Action = ActionDelete
		for i := range cur {
			st.markDeletes = append(st.markDeletes, model.RecordOp{Op: model.OpDelete, Before: &cur[i]})
		}
	case len(cur) == 0:
		ch.Action = ActionCreate
		r := st.markRecord(regName, text, "")
		st.markCreates = append(st.markCreates, model.RecordOp{Op: model.OpCreate, After: &r})
	default:
		keep := 0
		for i, r := range cur {
			if r.Value == text {
				keep = i
				break
			}
		}
		if cur[keep].Value == text && len(cur) == 1 {
			return
		}
		ch.Action = ActionUpdate
		for i := range cur {
			if i != keep {
				st.markDeletes = append(st.markDeletes, model.RecordOp{Op: model.OpDelete, Before: &cur[i]})
			}
		}
		if cur[keep].Value != text {
			r := st.markRecord(regName, text, cur[keep].ID)
			st.markUpdates = append(st.markUpdates, model.RecordOp{Op: model.OpUpdate, Before: &cur[keep], After: &r})
		}
	}
	ch.Kind = KindOwnership
	ch.Zone = st.z.Name
	ch.Key = key.String()
	var beforeVals []string
	for _, r := range cur {
		beforeVals = append(beforeVals, r.Value)
	}
	if len(cur) > 0 {
		ch.Before = &Object{RRSet: &model.RRSet{Name: regName, Type: "TXT", TTL: cur[0].TTL, Values: beforeVals}}
	}
	if text != "" {
		ch.After = &Object{RRSet: &model.RRSet{Name: regName, Type: "TXT", TTL: st.caps.DefaultTTL, Values: []string{text}}}
	}
	ch.Fields = []FieldChange{{Field: "values", Before: strings.Join(beforeVals, ", "), After: text}}
	st.markChanges = append(st.markChanges, ch)
}

func (st *zoneState) markRecord(regName, text, id string) model.Record {
	r := model.Record{ID: id, Name: regName, Type: "TXT", Value: text, TTL: st.caps.DefaultTTL}
	if st.caps.Comments {
		r.Comment = markComment
	}
	return r
}

// differs reports whether live record l must be rewritten to match d.
func (st *zoneState) differs(l *liveRec, d model.RRSet) bool {
	return l.rec.TTL != d.TTL || l.rec.Proxied != d.Proxied || d.Comment != "" && l.rec.Comment != d.Comment
}

// target is the full new state of one record of d with value v; from is the live
// record it replaces (nil for a new record), whose comment is kept when d has none.
func (st *zoneState) target(d model.RRSet, v string, from *liveRec) model.Record {
	r := model.Record{Name: d.Name, Type: d.Type, Value: v, TTL: d.TTL, Proxied: d.Proxied, Comment: d.Comment}
	if from != nil {
		r.ID = from.rec.ID
		if d.Comment == "" {
			r.Comment = from.rec.Comment
		}
	}
	return r
}

// rrsetFields lists what differs between the live records before and the set d.
func (st *zoneState) rrsetFields(before []*liveRec, d model.RRSet) []FieldChange {
	var out []FieldChange
	bv := valuesOf(before)
	if strings.Join(bv, "\x00") != strings.Join(d.Values, "\x00") {
		out = append(out, FieldChange{Field: "values", Before: strings.Join(bv, ", "), After: strings.Join(d.Values, ", ")})
	}
	var ttls, proxied, comments []string
	ttlDiff, proxDiff, comDiff := false, false, false
	for _, l := range before {
		ttls = append(ttls, ttlString(l.rec.TTL))
		proxied = append(proxied, strconv.FormatBool(l.rec.Proxied))
		comments = append(comments, l.rec.Comment)
		ttlDiff = ttlDiff || l.rec.TTL != d.TTL
		proxDiff = proxDiff || l.rec.Proxied != d.Proxied
		comDiff = comDiff || d.Comment != "" && l.rec.Comment != d.Comment
	}
	if ttlDiff {
		out = append(out, FieldChange{Field: "ttl", Before: strings.Join(sortedUnique(ttls), ", "), After: ttlString(d.TTL)})
	}
	if proxDiff {
		out = append(out, FieldChange{Field: "proxied", Before: strings.Join(sortedUnique(proxied), ", "), After: strconv.FormatBool(d.Proxied)})
	}
	if comDiff {
		out = append(out, FieldChange{Field: "comment", Before: strings.Join(sortedUnique(comments), ", "), After: d.Comment})
	}
	return out
}

func createFields(d model.RRSet) []FieldChange {
	out := []FieldChange{{Field: "values", After: strings.Join(d.Values, ", ")}, {Field: "ttl", After: ttlString(d.TTL)}}
	if d.Proxied {
		out = append(out, FieldChange{Field: "proxied", After: "true"})
	}
	if d.Comment != "" {
		out = append(out, FieldChange{Field: "comment", After: d.Comment})
	}
	return out
}

// ttlString displays a TTL: "auto" for 0, else seconds.
func ttlString(ttl int) string {
	if ttl == 0 {
		return "auto"
	}
	return strconv.Itoa(ttl)
}

func updateOp(l *liveRec, after model.Record) model.RecordOp {
	b := l.rec
	return model.RecordOp{Op: model.OpUpdate, Before: &b, After: &after}
}

func deleteOp(l *liveRec) model.RecordOp {
	b := l.rec
	return model.RecordOp{Op: model.OpDelete, Before: &b}
}

// rrsetOf describes live records of one set as an RRSet (fields from the first).
func rrsetOf(k model.Key, recs []*liveRec) *model.RRSet {
	s := &model.RRSet{Name: k.Name, Type: k.Type, Values: valuesOf(recs)}
	if len(recs) > 0 {
		first := recs[0]
		for _, l := range recs {
			if recLess(l, first) {
				first = l
			}
		}
		s.TTL, s.Proxied, s.Comment = first.rec.TTL, first.rec.Proxied, first.rec.Comment
	}
	return s
}

// valuesOf returns the canonical values of recs, sorted (duplicates kept: they are
// real records).
func valuesOf(recs []*liveRec) []string {
	out := make([]string, 0, len(recs))
	for _, l := range recs {
		out = append(out, l.value)
	}
	sort.Strings(out)
	return out
}

// kindOf labels a declared set by the block that wrote it; a set a record block and
// the email block share ("record+email.spf") counts as email: it carries the SPF
// record that mail depends on.
func kindOf(origin string) Kind {
	if strings.HasPrefix(origin, "email.") || strings.Contains(origin, "+email.") {
		return KindEmail
	}
	return KindRecord
}

// guessKind labels a removed set: the email block's records are recognisable by
// their text, since live state does not say which block wrote them.
func guessKind(recs []*liveRec) Kind {
	for _, l := range recs {
		if l.typ != "TXT" && !(l.typ == "CNAME" && strings.Contains(l.name, "._domainkey.")) {
			return KindRecord
		}
		if l.typ == "TXT" && !hasAnyPrefix(l.value, "v=spf1", "v=DMARC1", "v=DKIM1") && !strings.Contains(l.name, "._domainkey.") {
			return KindRecord
		}
	}
	return KindEmail
}

func hasAnyPrefix(s string, prefixes ...string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// canonicalValue canonicalises a value for comparison; a value the model cannot parse
// (a type launch.hcl does not support, or odd live data) is compared as it is.
func canonicalValue(typ, value, zone string) string {
	if typ == "TXT" {
		return value // already unquoted by the provider
	}
	if !model.IsRecordType(typ) {
		return value
	}
	c, err := model.CanonicalValue(typ, value, zone)
	if err != nil {
		return value
	}
	return c
}

func recLess(a, b *liveRec) bool {
	if a.name != b.name {
		return a.name < b.name
	}
	if a.typ != b.typ {
		return a.typ < b.typ
	}
	if a.value != b.value {
		return a.value < b.value
	}
	return a.rec.ID < b.rec.ID
}

// deletesFirst keeps the record changes in declaration order, except that a set being
// deleted at a name is shown before the first other change at that name: when a name
// changes type (A → CNAME) the plan reads in the order the writes happen.
func deletesFirst(cs []Change) []Change {
	name := func(c Change) string { n, _, _ := strings.Cut(c.Key, " "); return n }
	deletes := map[string][]int{}
	for i, c := range cs {
		if c.Action == ActionDelete {
			deletes[name(c)] = append(deletes[name(c)], i)
		}
	}
	out := make([]Change, 0, len(cs))
	done := make([]bool, len(cs))
	for i, c := range cs {
		if done[i] {
			continue
		}
		for _, j := range deletes[name(c)] {
			if !done[j] {
				out = append(out, cs[j])
				done[j] = true
			}
		}
		if !done[i] {
			out = append(out, c)
			done[i] = true
		}
	}
	return out
}
