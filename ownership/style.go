package ownership

import (
	"strings"

	"github.com/launchready/launchready/model"
)

// Style is how a provider kind marks what an owner owns.
type Style interface {
	// Comments reports whether marks live in the records' comments (else in TXT
	// registry records per name and owner).
	Comments() bool
	// OwnerOf returns who owns live record r ("" for nobody) and whether that is known
	// only from a TXT mark a Comments style has to migrate. typ and value are r's type
	// and value in canonical form (model.CanonicalValue).
	OwnerOf(r model.Record, typ, value string, l *Ledger) (owner string, legacy bool)
	// Dress returns r as written for owner: with the owner's marker in its comment
	// (Comments), unchanged (TXT).
	Dress(r model.Record, owner string) model.Record
	// UserComment returns the part of a live comment a person wrote.
	UserComment(comment string) string
}

// StyleFor returns the style of a provider kind's capabilities.
func StyleFor(caps model.Capabilities) Style {
	if caps.Comments {
		return commentStyle{}
	}
	return txtStyle{}
}

type commentStyle struct{}

func (commentStyle) Comments() bool { return true }

func (commentStyle) OwnerOf(r model.Record, typ, value string, l *Ledger) (string, bool) {
	if _, o := SplitComment(r.Comment); o != "" {
		return o, false
	}
	if o := l.ownerOf(model.CanonicalLiveName(r.Name), typ, value); o != "" {
		return o, true
	}
	return "", false
}

func (commentStyle) Dress(r model.Record, owner string) model.Record {
	user, _ := SplitComment(r.Comment)
	r.Comment = WithMarker(user, owner)
	return r
}

func (commentStyle) UserComment(c string) string { u, _ := SplitComment(c); return u }

type txtStyle struct{}

func (txtStyle) Comments() bool { return false }

func (txtStyle) OwnerOf(r model.Record, typ, value string, l *Ledger) (string, bool) {
	return l.ownerOf(model.CanonicalLiveName(r.Name), typ, value), false
}

func (txtStyle) Dress(r model.Record, owner string) model.Record { return r }

func (txtStyle) UserComment(c string) string { return c }

// Ledger is the TXT registry of a zone as read: per described name, per owner, the
// mark records and the marks they list.
type Ledger struct {
	// Recs maps a described name to owner → that owner's mark records there.
	Recs map[string]map[string][]model.Record
	// Marks maps a described name to owner → marks listed.
	Marks map[string]map[string]map[string]bool
	// Settings maps an owner to the settings its apex mark lists.
	Settings map[string][]string
	// Rules maps an owner whose apex mark carries a rules list (RulesKnown) to the
	// rule kinds it lists (nil for `rules=none`).
	Rules map[string][]string
}

// ReadLedger collects the TXT marks among recs. It returns the ledger and the other
// records (lock records are neither: they are dropped).
func ReadLedger(zone string, recs []model.Record) (*Ledger, []model.Record) {
	l := &Ledger{Recs: map[string]map[string][]model.Record{}, Marks: map[string]map[string]map[string]bool{}, Settings: map[string][]string{}, Rules: map[string][]string{}}
	var rest []model.Record
	for _, r := range recs {
		name := model.CanonicalLiveName(r.Name)
		if IsLockName(name) && strings.EqualFold(r.Type, "TXT") {
			continue
		}
		described, reg, ok := ParseRegistryRecord(r)
		if !ok {
			if rest == nil {
				rest = make([]model.Record, 0, len(recs)) // marks are few: room for every record
			}
			rest = append(rest, r)
			continue
		}
		if l.Recs[described] == nil {
			l.Recs[described] = map[string][]model.Record{}
			l.Marks[described] = map[string]map[string]bool{}
		}
		l.Recs[described][reg.Owner] = append(l.Recs[described][reg.Owner], r)
		if l.Marks[described][reg.Owner] == nil {
			l.Marks[described][reg.Owner] = map[string]bool{}
		}
		for _, m := range reg.Marks {
			l.Marks[described][reg.Owner][m] = true
		}
		if described == zone {
			l.Settings[reg.Owner] = SortedUnique(append(l.Settings[reg.Owner], reg.Settings...))
			if reg.RulesKnown {
				l.Rules[reg.Owner] = SortedUnique(append(l.Rules[reg.Owner], reg.Rules...))
			}
		}
	}
	for _, byOwner := range l.Recs {
		for _, rs := range byOwner {
			model.SortRecords(rs)
		}
	}
	return l, rest
}

// ownerOf returns the owner whose mark at name lists the value's mark ("" none; the
// smallest owner name if, against the rules, two do). The value's mark is computed
// only if there is a mark at name.
func (l *Ledger) ownerOf(name, typ, value string) string {
	byOwner := l.Marks[name]
	if len(byOwner) == 0 {
		return ""
	}
	mark := ValueMark(typ, value)
	best := ""
	for o, ms := range byOwner {
		if ms[mark] && (best == "" || o < best) {
			best = o
		}
	}
	return best
}

// Owners returns every owner named by some mark of the ledger, sorted.
func (l *Ledger) Owners() []string {
	var out []string
	for _, byOwner := range l.Recs {
		for o := range byOwner {
			out = append(out, o)
		}
	}
	return SortedUnique(out)
}
