package ownership

import (
	"strings"

	"github.com/launchready/launchready/model"
)

// Rule kinds as the apex mark lists them (`rules=redirect,cache`).
const (
	RuleKindRedirect = "redirect"
	RuleKindCache    = "cache"
)

// RuleKindPhases maps a rule kind to the Cloudflare ruleset phase holding it.
var RuleKindPhases = map[string]string{
	RuleKindRedirect: model.PhaseRedirect,
	RuleKindCache:    model.PhaseCache,
}

// RuleReads says which rule phases a plan of one owner's zone reads.
//
// A phase is read when launch.hcl declares rules of its kind, or when the owner's apex
// mark lists the kind (the owner has rules there, which a plan must be able to delete):
// a refusal to read such a phase is an error. Nothing else is read, so a records-only
// zone costs no ruleset request and needs no ruleset permission.
//
// Legacy covers zones marked before apex marks carried a rules list: the owner has
// TXT marks in the zone (an apex mark without a `rules=` list, or the per-name marks
// of the time before comment markers), so whether it has rules is unknown. Such a plan
// reads every other phase the token may read too (a refusal leaves that phase unread,
// as before); once every phase was read it writes the list into the apex mark (or
// the mark goes, with the per-name marks, when the owner has no settings and no
// rules), after which the zone is read lazily. An owner with no TXT mark at all has
// no rules: the apex mark exists whenever it has some.
type RuleReads struct {
	Phases []string // in RuleKindPhases order: redirect, then cache
	Legacy bool
}

// ReadsRules decides the RuleReads of owner's zone from its live records (read
// first) and the rule kinds launch.hcl declares.
func ReadsRules(zone, owner string, recs []model.Record, declared []string) RuleReads {
	if owner == "" {
		owner = DefaultOwner
	}
	apex := model.CanonicalLiveName(zone)
	var listedKinds []string
	listed, marked := false, false
	for _, r := range recs {
		if !strings.EqualFold(r.Type, "TXT") || !strings.HasPrefix(strings.ToLower(r.Name), RegistryPrefix) {
			continue
		}
		described, reg, ok := ParseRegistryRecord(r)
		if !ok || reg.Owner != owner {
			continue
		}
		marked = true
		if described == apex && reg.RulesKnown {
			listed = true
			listedKinds = append(listedKinds, reg.Rules...)
		}
	}
	return ruleReads(declared, listedKinds, marked, listed)
}

// RuleReads is ReadsRules on a zone's ledger already read (ReadLedger): the same
// answer without scanning the records again.
func (l *Ledger) RuleReads(owner string, declared []string) RuleReads {
	if owner == "" {
		owner = DefaultOwner
	}
	marked := false
	for _, byOwner := range l.Recs {
		if len(byOwner[owner]) > 0 {
			marked = true
			break
		}
	}
	kinds, listed := l.Rules[owner]
	return ruleReads(declared, kinds, marked, listed)
}

// ruleReads decides RuleReads from the declared kinds, the kinds the owner's apex
// mark lists, whether the owner has TXT marks at all, and whether its apex mark
// carries a rules list.
func ruleReads(declared, listedKinds []string, marked, listed bool) RuleReads {
	want := map[string]bool{}
	for _, k := range declared {
		want[k] = true
	}
	for _, k := range listedKinds {
		want[k] = true
	}
	out := RuleReads{Legacy: marked && !listed}
	for _, k := range []string{RuleKindRedirect, RuleKindCache} {
		if want[k] {
			out.Phases = append(out.Phases, RuleKindPhases[k])
		}
	}
	return out
}

// RuleKindOf returns the rule kind of a ruleset phase ("" for a phase launchready
// does not manage).
func RuleKindOf(phase string) string {
	for k, p := range RuleKindPhases {
		if p == phase {
			return k
		}
	}
	return ""
}
