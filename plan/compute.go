package plan

import (
	"errors"
	"fmt"
	"path"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

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
	}
	for _, z := range cfg.Zones {
		if live[z.Name] == nil {
			return nil, fmt.Errorf("computing plan: no live state for zone %s", z.Name)
		}
	}
	// Zones are planned independently, and only read their live state: the live
	// fingerprint and the zones' plans are computed several at once.
	zps := make([]*ZonePlan, len(cfg.Zones))
	errs := make([]error, len(cfg.Zones))
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Go(func() { p.LiveFingerprint = Fingerprint(live) })
	for range min(runtime.GOMAXPROCS(0), len(cfg.Zones)) {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < len(cfg.Zones); i = int(next.Add(1)) - 1 {
				zps[i], errs[i] = computeZone(cfg.Zones[i], live[cfg.Zones[i].Name])
			}
		})
	}
	wg.Wait()
	for i, z := range cfg.Zones {
		if errs[i] != nil {
			return nil, fmt.Errorf("computing plan for zone %s: %w", z.Name, errs[i])
		}
		p.Zones = append(p.Zones, *zps[i])
	}
	return p, nil
}

// liveRec is a live record (other than an ownership mark) with what planning needs.
type liveRec struct {
	rec     *model.Record // as the provider reported it (ops carry a copy, unchanged)
	name    string        // canonical
	typ     string
	value   string // canonical
	mark    string // ValueMark(typ, value) once computed: see valueMark
	owner   string // who marked it ("" nobody)
	legacy  bool   // owner known only from a TXT mark the comment style migrates
	owned   bool   // owned by this zone's owner before the plan (or swept: authoritative)
	foreign bool   // owned by another owner: never changed or deleted
	ignored bool   // name matches an ignore glob
	done    bool   // matched, deleted or left alone already
}

func (l *liveRec) key() model.Key { return model.Key{Name: l.name, Type: l.typ} }

// valueMark returns l's ownership mark (ValueMark), computed on first use: a zone
// whose marks are in the records' comments needs few or none.
func (l *liveRec) valueMark() string {
	if l.mark == "" {
		l.mark = ValueMark(l.typ, l.value)
	}
	return l.mark
}

// zoneState is one zone's planning in progress.
type zoneState struct {
	z    *schema.Zone
	live *model.LiveZone
	caps model.Capabilities
	zp   *ZonePlan

	style  ownership.Style
	owner  string            // the zone block's owner
	ledger *ownership.Ledger // TXT marks as read

	marks    map[string]map[string]bool // record name → marks this owner's live mark there lists
	markRecs map[string][]model.Record  // record name → this owner's mark records there
	prevSet  []string                   // settings listed by this owner's apex mark
	recs     []*liveRec                 // sorted by name, type, value, id: see atName, atKey

	desired     []model.RRSet       // normalised, declaration order
	wantMarks   map[string][]wanted // owner → values owned there after the plan
	keptMarks   map[string][]string // owner → marks of owned records left alone
	settingIDs  []string            // settings managed after the plan
	ruleKinds   []string            // rule kinds this owner has rules of after the plan
	rulesRead   map[string]bool     // rule phases read
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
	migrated    int // records whose mark moves from a TXT mark into their comment
	foreign     []ForeignRecord
}

func computeZone(z *schema.Zone, lz *model.LiveZone) (*ZonePlan, error) {
	caps, ok := model.ProviderKinds[z.ProviderKind]
	if !ok {
		return nil, fmt.Errorf("unknown provider kind %q", z.ProviderKind)
	}
	owner := z.Owner
	if owner == "" {
		owner = ownership.DefaultOwner
	}
	st := &zoneState{
		z:         z,
		live:      lz,
		caps:      caps,
		style:     ownership.StyleFor(caps),
		owner:     owner,
		zp:        &ZonePlan{Zone: z.Name, Provider: z.Provider, Changes: []Change{}},
		marks:     map[string]map[string]bool{},
		markRecs:  map[string][]model.Record{},
		recs:      make([]*liveRec, 0, len(lz.Records)),
		wantMarks: make(map[string][]wanted, len(z.Records)),
		keptMarks: map[string][]string{},
		rulesRead: map[string]bool{},
	}
	noteZoneStatus(st.zp, lz)
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
	// Grouped by name, so that a name's writes (and its mark) are never apart.
	zp.RecordOps = ownership.Flatten(ownership.Order(ops))
	model.SortRecords(st.leftAlone)
	zp.Unmanaged = st.leftAlone
	zp.Ignored = st.ignoredRecords()
	zp.Foreign = st.foreign
	zp.Migrated = st.migrated
	zp.Owner = st.owner
	zp.Warnings = st.warnings
	return zp, nil
}

// readLive splits live records into ownership marks and ordinary records and asks
// the ownership style who owns each.
func (st *zoneState) readLive() error {
	apex := st.z.Name
	ledger, rest := ownership.ReadLedger(apex, st.live.Records)
	st.ledger = ledger
	for name, byOwner := range ledger.Recs {
		if rs := byOwner[st.owner]; len(rs) > 0 {
			st.markRecs[name] = rs
			st.marks[name] = ledger.Marks[name][st.owner]
		}
	}
	st.prevSet = ledger.Settings[st.owner]
	all := make([]liveRec, len(rest)) // one allocation for every record's liveRec
	for i := range rest {
		r := &rest[i]
		if r.ReadOnly != "" { // managed by Cloudflare (Email Routing): shown, never written
			st.zp.ReadOnly = append(st.zp.ReadOnly, *r)
			continue
		}
		l := &all[i]
		*l = liveRec{rec: r, name: model.CanonicalLiveName(r.Name), typ: strings.ToUpper(r.Type)}
		l.value = canonicalValue(l.typ, r.Value, apex)
		l.owner, l.legacy = st.style.OwnerOf(*r, l.typ, l.value, ledger)
		ign, err := st.ignored(l.name)
		if err != nil {
			return err
		}
		l.ignored = ign || st.ignoredByRule(l)
		st.recs = append(st.recs, l)
	}
	slices.SortStableFunc(st.recs, compareLive)
	for _, l := range st.recs {
		l.foreign = l.owner != "" && l.owner != st.owner
		l.owned = l.owner == st.owner || l.owner == "" && st.z.Authoritative && !l.ignored && st.sweepable(l)
		if l.owned {
			st.zp.ManagedRecords++
		}
	}
	return nil
}

// atName returns the live records at name, in st.recs order: st.recs is sorted by
// name, so they are one run of it, found by binary search.
func (st *zoneState) atName(name string) []*liveRec {
	i, _ := slices.BinarySearchFunc(st.recs, name, func(l *liveRec, name string) int { return strings.Compare(l.name, name) })
	j := i
	for j < len(st.recs) && st.recs[j].name == name {
		j++
	}
	return st.recs[i:j:j]
}

// atKey returns the live records of set k, in st.recs order (a run of atName's, which
// is sorted by type).
func (st *zoneState) atKey(k model.Key) []*liveRec {
	recs := st.atName(k.Name)
	i, _ := slices.BinarySearchFunc(recs, k.Type, func(l *liveRec, typ string) int { return strings.Compare(l.typ, typ) })
	j := i
	for j < len(recs) && recs[j].typ == k.Type {
		j++
	}
	return recs[i:j:j]
}

// leaveAlone records a live record the plan does not touch: another owner's, or
// nobody's.
func (st *zoneState) leaveAlone(l *liveRec) {
	if l.foreign {
		st.foreign = append(st.foreign, ForeignRecord{Owner: l.owner, Record: *l.rec})
		return
	}
	st.leftAlone = append(st.leftAlone, *l.rec)
}

// conflict returns a live record this plan leaves alone that makes declared set d
// impossible at its name (a CNAME beside other data), or nil. Such a set is not
// written: the provider would refuse it (and with it the whole atomic batch), and a
// record launchready does not own is never rewritten or deleted to make room.
func (st *zoneState) conflict(d model.RRSet) *liveRec {
	for _, l := range st.atName(d.Name) {
		if l.owned {
			continue
		}
		if d.Type != "CNAME" && l.typ != "CNAME" {
			continue
		}
		if d.Type == l.typ && len(d.Values) == 1 && l.value == d.Values[0] && !l.foreign {
			continue // the same CNAME: adopted
		}
		return l
	}
	return nil
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
	seen := make(map[model.Key]bool, len(st.z.Records))
	st.desired = make([]model.RRSet, 0, len(st.z.Records))
	for _, r := range st.z.Records { // as z.RRSets(), without copying them all first
		d := r.RRSet
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
		d.Values = ownership.SortedUnique(vals)
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
	if c := st.conflict(d); c != nil {
		st.planConflict(d, c)
		return
	}
	live, theirs := splitForeign(st.atKey(d.Key()))
	values := d.Values
	if len(theirs) > 0 {
		values = st.unheld(d, theirs)
	}
	for _, l := range theirs {
		l.done = true
		st.leaveAlone(l)
	}
	used := make([]bool, len(live))
	type match struct {
		value string
		l     *liveRec
	}
	var matches []match
	var toCreate []string
	for _, v := range values {
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
		if l.owned && !st.keepIgnored(l) {
			removed = append(removed, l)
		} else {
			st.leaveAlone(l)
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
		differs, remark := st.differs(m.l, d) && !m.l.ignored, st.needsMarker(m.l) && !m.l.ignored
		if differs || remark {
			st.updates = append(st.updates, updateOp(m.l, st.target(d, m.value, m.l)))
			switch {
			case differs && m.l.owned:
				st.zp.ManagedRewrites++
			case !differs && m.l.owned && m.l.owner == st.owner:
				st.migrated++ // only the mark moves into the comment
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

	for _, v := range values {
		st.wantMark(d.Name, d.Type, v)
	}
	if len(values) == 0 && len(before) == 0 {
		return // every value is another owner's
	}

	d.Values = values // the set as planned (d is this call's copy)
	if len(before) == 0 {
		st.recChanges = append(st.recChanges, st.rrsetChange(ActionCreate, d, nil, createFields(d)))
		return
	}
	// Decided before any Change is built: most sets of a zone are in sync.
	fields := st.rrsetFields(before, d)
	switch {
	case adopted > 0:
		ch := st.rrsetChange(ActionAdopt, d, before, fields)
		if adopted == 1 {
			ch.Reason = "exists live but was not created by launchready: adopting it"
		} else {
			ch.Reason = fmt.Sprintf("%d values exist live but were not created by launchready: adopting them", adopted)
		}
		st.recChanges = append(st.recChanges, ch)
	case len(fields) > 0:
		st.recChanges = append(st.recChanges, st.rrsetChange(ActionUpdate, d, before, fields))
	default:
		// in sync
	}
}

// rrsetChange is the change of declared set d (as planned) from the live records
// before (none for a create).
func (st *zoneState) rrsetChange(action Action, d model.RRSet, before []*liveRec, fields []FieldChange) Change {
	ch := Change{Action: action, Kind: kindOf(d.Origin), Zone: st.z.Name, Key: d.Key().String(), After: &Object{RRSet: &d}, Fields: fields}
	if len(before) > 0 {
		ch.Before = &Object{RRSet: rrsetOf(d.Key(), before)}
	}
	return ch
}

// unheld returns the values of d that none of another owner's records theirs holds.
// A declared value another owner already holds stays theirs: it is neither created
// twice nor taken over, and the plan warns about it.
func (st *zoneState) unheld(d model.RRSet, theirs []*liveRec) []string {
	var values []string
	for _, v := range d.Values {
		held := false
		for _, l := range theirs {
			if l.value == v {
				held = true
				st.warnings = append(st.warnings, fmt.Sprintf("%s %s %s is declared here but owned by %q (another launch.hcl): left to them; remove it from one of the two files", d.Name, d.Type, displayValue(d.Type, v), l.owner))
				break
			}
		}
		if !held {
			values = append(values, v)
		}
	}
	return values
}

// splitForeign separates another owner's records (theirs) from recs; mine is recs
// itself when there are none, the usual case.
func splitForeign(recs []*liveRec) (mine, theirs []*liveRec) {
	if !slices.ContainsFunc(recs, func(l *liveRec) bool { return l.foreign }) {
		return recs, nil
	}
	for _, l := range recs {
		if l.foreign {
			theirs = append(theirs, l)
		} else {
			mine = append(mine, l)
		}
	}
	return mine, theirs
}

// planConflict leaves a declared set alone that a record launchready does not own
// blocks (a CNAME beside other data), and says how to resolve it. Owned records of
// the set stay as they are (and stay owned).
func (st *zoneState) planConflict(d model.RRSet, c *liveRec) {
	for _, l := range st.atKey(d.Key()) {
		l.done = true
		if l.owned && !l.foreign {
			st.keptMarks[l.name] = append(st.keptMarks[l.name], l.valueMark())
			continue
		}
		st.leaveAlone(l)
	}
	whose := "a record launchready did not create"
	if c.foreign {
		whose = fmt.Sprintf("a record owned by %q (another launch.hcl)", c.owner)
	}
	how := fmt.Sprintf("to adopt it, declare %s %s with its value %s; otherwise delete it by hand", c.name, c.typ, displayValue(c.typ, c.value))
	if c.foreign {
		how = fmt.Sprintf("remove it from the %q file first, or drop this block", c.owner)
	}
	st.warnings = append(st.warnings, fmt.Sprintf("conflict: %s %s cannot be written: %s %s %s is %s, and a CNAME cannot share its name with other records; launchready never rewrites or deletes it: %s", d.Name, d.Type, c.name, c.typ, displayValue(c.typ, c.value), whose, how))
}

// planRemoved plans live record sets no block declares: owned records are deleted,
// everything else is left alone.
func (st *zoneState) planRemoved() {
	var keys []model.Key
	for _, l := range st.recs {
		// A set's records are one run of st.recs: comparing with the last key found
		// is enough to list each key once.
		if !l.done && (len(keys) == 0 || keys[len(keys)-1] != l.key()) {
			keys = append(keys, l.key())
		}
	}
	for _, k := range keys {
		var gone []*liveRec
		byMark := true
		for _, l := range st.atKey(k) {
			if l.done {
				continue
			}
			l.done = true
			switch {
			case l.owned && l.ignored:
				// ignore globs protect undeclared records even from their creator
				st.leftAlone = append(st.leftAlone, *l.rec)
				st.keptMarks[l.name] = append(st.keptMarks[l.name], l.valueMark())
				if l.owner == st.owner && st.needsMarker(l) {
					r := st.style.Dress(*l.rec, st.owner)
					st.updates = append(st.updates, updateOp(l, r))
					st.migrated++
				}
			case l.owned:
				gone = append(gone, l)
				if l.owner != st.owner {
					byMark = false
				}
				st.deletes = append(st.deletes, deleteOp(l))
				st.zp.ManagedRewrites++
			default:
				st.leaveAlone(l)
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

// wanted is a record value owned after the plan. Its mark (ValueMark) is computed
// only where a TXT mark lists it or a stale mark is looked up: a zone whose marks are
// in the records' comments needs it only at names that still have a TXT mark.
type wanted struct{ typ, value string }

// wantMark records that the value of type typ must be marked at owner after the plan.
func (st *zoneState) wantMark(owner, typ, value string) {
	st.wantMarks[owner] = append(st.wantMarks[owner], wanted{typ, value})
}

// wantedMarks returns the marks of the values wanted at owner.
func (st *zoneState) wantedMarks(owner string) []string {
	var marks []string
	for _, w := range st.wantMarks[owner] {
		marks = append(marks, ValueMark(w.typ, w.value))
	}
	return marks
}

// wantedValue returns the value wanted at owner whose mark is m.
func (st *zoneState) wantedValue(owner, m string) (string, bool) {
	ws := st.wantMarks[owner]
	for i := len(ws) - 1; i >= 0; i-- { // the last one, should two values share a mark
		if ValueMark(ws[i].typ, ws[i].value) == m {
			return ws[i].value, true
		}
	}
	return "", false
}

// liveMark reports whether a live record at name has mark m.
func (st *zoneState) liveMark(name, m string) bool {
	return slices.ContainsFunc(st.atName(name), func(l *liveRec) bool { return l.valueMark() == m })
}

// planMarks reconciles the TXT marks with what this owner owns after the plan. With
// the TXT style every owned name has one; with the comment style only the apex keeps
// one (the settings this owner manages), and every other mark of this owner is a
// mark from before comment markers, deleted in the batch that moves it into the
// records' comments. Other owners' marks are never touched.
func (st *zoneState) planMarks() error {
	apex := st.z.Name
	comments := st.style.Comments()
	owners := map[string]bool{}
	for o := range st.markRecs {
		owners[o] = true
	}
	if !comments {
		for o := range st.wantMarks {
			owners[o] = true
		}
		for o := range st.keptMarks {
			owners[o] = true
		}
	}
	// The apex mark says which settings and rule kinds this owner manages; it exists
	// while there is any, and then always carries the rules list (`rules=none` too),
	// so that a later plan reads only the rule phases it lists or launch.hcl declares.
	ruleKinds, rulesKnown := st.ruleList()
	if len(st.settingIDs) > 0 || len(ruleKinds) > 0 {
		owners[apex] = true
	}
	var names []string
	for o := range owners {
		names = append(names, o)
	}
	sort.Strings(names)
	for _, owner := range names {
		var stale []string
		for m := range st.marks[owner] {
			if !st.liveMark(owner, m) {
				stale = append(stale, m)
			}
		}
		sort.Strings(stale)
		for _, m := range stale {
			typ, _, _ := strings.Cut(m, ":")
			if value, ok := st.wantedValue(owner, m); ok {
				st.warnings = append(st.warnings, fmt.Sprintf("%s %s %s was created by launchready but is no longer live: it was edited or deleted outside launchready; it will be created again", owner, typ, value))
			} else {
				st.warnings = append(st.warnings, fmt.Sprintf("%s: the %s record with ownership mark %s is no longer live: it was edited or deleted outside launchready; the mark is dropped", owner, typ, m))
			}
		}

		want := Registry{Owner: st.owner}
		if !comments {
			want.Marks = st.wantedMarks(owner)
			want.Marks = ownership.SortedUnique(append(want.Marks, st.keptMarks[owner]...))
		}
		if owner == apex {
			want.Settings = st.settingIDs
			if rulesKnown && (len(want.Settings) > 0 || len(want.Marks) > 0 || len(ruleKinds) > 0) {
				want.Rules, want.RulesKnown = ruleKinds, true
			}
		}
		regName := RegistryName(owner)
		if len(regName) > 253 {
			return fmt.Errorf("%s: the name is too long to carry launchready's ownership mark", owner)
		}
		st.reconcileMark(regName, st.markRecs[owner], want)
	}
	if st.migrated > 0 {
		st.markChanges = append(st.markChanges, Change{
			Action: ActionUpdate, Kind: KindOwnership, Zone: st.z.Name, Key: ownership.Marker(st.owner),
			Reason: fmt.Sprintf("%d records: ownership mark moves from TXT marks into each record's comment", st.migrated),
		})
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
	return st.style.Dress(r, st.owner)
}

// differs reports whether live record l must be rewritten to match d (ownership
// marker aside).
func (st *zoneState) differs(l *liveRec, d model.RRSet) bool {
	return l.rec.TTL != d.TTL || l.rec.Proxied != d.Proxied || d.Comment != "" && st.style.UserComment(l.rec.Comment) != d.Comment
}

// needsMarker reports whether l, once this owner's, must be rewritten to carry the
// owner's marker (comment style only).
func (st *zoneState) needsMarker(l *liveRec) bool {
	if !st.style.Comments() {
		return false
	}
	_, o := ownership.SplitComment(l.rec.Comment)
	return o != st.owner
}

// target is the full new state of one record of d with value v, marked as this
// owner's; from is the live record it replaces (nil for a new record), whose comment
// is kept when d has none.
func (st *zoneState) target(d model.RRSet, v string, from *liveRec) model.Record {
	r := model.Record{Name: d.Name, Type: d.Type, Value: v, TTL: d.TTL, Proxied: d.Proxied, Comment: d.Comment}
	if from != nil {
		r.ID = from.rec.ID
		if d.Comment == "" {
			r.Comment = st.style.UserComment(from.rec.Comment)
		}
	}
	return st.style.Dress(r, st.owner)
}

// rrsetFields lists what differs between the live records before and the set d.
func (st *zoneState) rrsetFields(before []*liveRec, d model.RRSet) []FieldChange {
	var out []FieldChange
	if !sameValues(before, d.Values) {
		bv := valuesOf(before)
		out = append(out, FieldChange{Field: "values", Before: strings.Join(bv, ", "), After: strings.Join(d.Values, ", ")})
	}
	// Which fields differ is found first; the live side of a field is listed only
	// when it does (in sync, the usual case, costs nothing).
	ttlDiff, proxDiff, comDiff := false, false, false
	for _, l := range before {
		ttlDiff = ttlDiff || l.rec.TTL != d.TTL
		proxDiff = proxDiff || l.rec.Proxied != d.Proxied
		comDiff = comDiff || d.Comment != "" && st.style.UserComment(l.rec.Comment) != d.Comment
	}
	if ttlDiff {
		ttl := func(l *liveRec) string { return ttlString(l.rec.TTL) }
		out = append(out, FieldChange{Field: "ttl", Before: liveList(before, ttl), After: ttlString(d.TTL)})
	}
	if proxDiff {
		proxied := func(l *liveRec) string { return strconv.FormatBool(l.rec.Proxied) }
		out = append(out, FieldChange{Field: "proxied", Before: liveList(before, proxied), After: strconv.FormatBool(d.Proxied)})
	}
	if comDiff {
		comment := func(l *liveRec) string { return st.style.UserComment(l.rec.Comment) }
		out = append(out, FieldChange{Field: "comment", Before: liveList(before, comment), After: d.Comment})
	}
	return out
}

// liveList shows one field of live records: its distinct values, sorted, joined
// with ", ".
func liveList(recs []*liveRec, field func(*liveRec) string) string {
	vs := make([]string, 0, len(recs))
	for _, l := range recs {
		vs = append(vs, field(l))
	}
	return strings.Join(ownership.SortedUnique(vs), ", ")
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
	b := *l.rec
	return model.RecordOp{Op: model.OpUpdate, Before: &b, After: &after}
}

func deleteOp(l *liveRec) model.RecordOp {
	b := *l.rec
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

// sameValues reports whether the live records recs hold exactly values (sorted). recs
// are usually in the order of values already, which is checked without sorting.
func sameValues(recs []*liveRec, values []string) bool {
	if len(recs) != len(values) {
		return false
	}
	for i, l := range recs {
		if l.value != values[i] {
			return slices.Equal(valuesOf(recs), values)
		}
	}
	return true
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

// compareLive orders live records by name, type, canonical value, then id.
func compareLive(a, b *liveRec) int {
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	if c := strings.Compare(a.typ, b.typ); c != 0 {
		return c
	}
	if c := strings.Compare(a.value, b.value); c != 0 {
		return c
	}
	return strings.Compare(a.rec.ID, b.rec.ID)
}

func recLess(a, b *liveRec) bool { return compareLive(a, b) < 0 }

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
