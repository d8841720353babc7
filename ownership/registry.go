package ownership

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/launchready/launchready/model"
)

// The TXT registry (Style TXT, and zone-wide facts on every style).
//
// For every record name N at which an owner owns records, a TXT record at
// RegistryName(N) lists the values it owns there, one mark per value, and the owner
// (absent for DefaultOwner, as marks written before owners existed):
//
//	_launchready.api.example.com  TXT  "v=launchready1 owner=app A:1f2e3d4c A:9a8b7c6d"
//
// Two owners at one name have one TXT record each (one RRset, two values).
//
// A mark is TYPE:h where h is the first 8 hex digits of sha256(TYPE + " " + canonical
// value) (ValueMark). Marks are per value, not per record id, so they work on every
// provider (RFC 2136 servers have no ids and no comments) and survive a user editing a
// record's comment: only a change of the value itself makes the record someone else's.
// The apex mark may also carry `settings=<id>,<id>`, the zone settings launchready
// manages, so that a setting removed from the file is reported as no longer managed
// instead of being forgotten silently, and `rules=<kind>,<kind>` (or `rules=none`), the
// rule kinds ("redirect", "cache") in which the owner has rules: a plan reads a rule
// phase only when launch.hcl declares it or the apex mark lists it (RuleReads), so a
// records-only zone costs no ruleset request and needs no ruleset permission.
//
// A TXT record at a registry name whose text does not parse (another tool's format, a
// future version, garbage) is not a mark: plans treat it as an ordinary unmanaged record.
const (
	// RegistryVersion is the first token of every mark.
	RegistryVersion = "v=launchready1"
	// RegistryPrefix is the label prepended to a name to find its mark.
	RegistryPrefix = "_launchready"
	// RegistryWildcardPrefix replaces the "*" label of a wildcard name, since "*" may
	// only be the leftmost label.
	RegistryWildcardPrefix = "_launchready-wildcard"

	markHashLen      = 8
	registrySettings = "settings="
	registryRules    = "rules="
	registryOwner    = "owner="
	// registryNoRules is the rules list of an owner with no rules: it says the list
	// is known (a mark written before rules= existed has no list at all).
	registryNoRules = "none"
)

// RegistryName returns the name of the ownership mark describing records at name
// (canonical): "_launchready.<name>", or "_launchready-wildcard.<rest>" for "*.<rest>".
func RegistryName(name string) string {
	if rest, ok := strings.CutPrefix(name, "*."); ok {
		return RegistryWildcardPrefix + "." + rest
	}
	return RegistryPrefix + "." + name
}

// RegistryOwner reverses RegistryName: the record name a mark at regName describes, and
// whether regName is a registry name at all.
func RegistryOwner(regName string) (string, bool) {
	if rest, ok := strings.CutPrefix(regName, RegistryWildcardPrefix+"."); ok && rest != "" {
		return "*." + rest, true
	}
	if rest, ok := strings.CutPrefix(regName, RegistryPrefix+"."); ok && rest != "" {
		return rest, true
	}
	return "", false
}

// IsRegistryName reports whether name is reserved for ownership marks or the zone
// lock: records may not be declared there.
func IsRegistryName(name string) bool {
	_, ok := RegistryOwner(name)
	return ok || IsLockName(name)
}

// ValueMark returns the mark of one record value: "TYPE:h", h the first 8 hex digits of
// sha256(TYPE + " " + value). value must be canonical (model.CanonicalValue).
func ValueMark(typ, value string) string {
	var buf [256]byte // on the stack for the usual short values
	b := append(append(append(buf[:0], typ...), ' '), value...)
	sum := sha256.Sum256(b)
	// One allocation: the result (hex of the first markHashLen/2 bytes).
	out := make([]byte, 0, len(typ)+1+markHashLen)
	out = append(out, typ...)
	out = append(out, ':')
	out = hex.AppendEncode(out, sum[:(markHashLen+1)/2])
	return string(out[:len(typ)+1+markHashLen])
}

// Registry is the content of one ownership mark record.
type Registry struct {
	// Owner is the owner the mark speaks for ("" reads as DefaultOwner).
	Owner string
	// Marks are the owned values' marks (ValueMark), sorted, without duplicates.
	Marks []string
	// Settings are the managed zone setting ids (apex mark only), sorted.
	Settings []string
	// Rules are the rule kinds in which the owner has rules (apex mark only), sorted;
	// RulesKnown says the mark carries the list at all (`rules=none` for no kind).
	Rules      []string
	RulesKnown bool
}

// ParseRegistry parses a mark record's text. It fails for anything launchready did not
// write: another version or format, unknown tokens, malformed marks.
func ParseRegistry(text string) (Registry, error) {
	f := strings.Fields(text)
	if len(f) == 0 || f[0] != RegistryVersion {
		return Registry{}, fmt.Errorf("not a launchready ownership mark (does not start with %q)", RegistryVersion)
	}
	var r Registry
	seenSettings := false
	for _, tok := range f[1:] {
		if list, ok := strings.CutPrefix(tok, registryRules); ok {
			if r.RulesKnown {
				return Registry{}, fmt.Errorf("ownership mark has two %q lists", registryRules)
			}
			r.RulesKnown = true
			if list == registryNoRules {
				continue
			}
			for _, kind := range strings.Split(list, ",") {
				if !validRuleKind(kind) {
					return Registry{}, fmt.Errorf("ownership mark lists invalid rule kind %q", kind)
				}
				r.Rules = append(r.Rules, kind)
			}
			continue
		}
		if o, ok := strings.CutPrefix(tok, registryOwner); ok {
			if r.Owner != "" || CheckOwner(o) != nil {
				return Registry{}, fmt.Errorf("ownership mark has an invalid or second owner %q", o)
			}
			r.Owner = o
			continue
		}
		if list, ok := strings.CutPrefix(tok, registrySettings); ok {
			if seenSettings {
				return Registry{}, fmt.Errorf("ownership mark has two %q lists", registrySettings)
			}
			seenSettings = true
			for _, id := range strings.Split(list, ",") {
				if !validSettingID(id) {
					return Registry{}, fmt.Errorf("ownership mark lists invalid setting id %q", id)
				}
				r.Settings = append(r.Settings, id)
			}
			continue
		}
		if !validMark(tok) {
			return Registry{}, fmt.Errorf("ownership mark has invalid token %q", tok)
		}
		r.Marks = append(r.Marks, tok)
	}
	r.Marks = SortedUnique(r.Marks)
	r.Settings = SortedUnique(r.Settings)
	r.Rules = SortedUnique(r.Rules)
	if r.Owner == "" {
		r.Owner = DefaultOwner
	}
	return r, nil
}

// String renders the mark's text: "v=launchready1 A:… TXT:… settings=ssl,tls_1_3
// rules=redirect".
func (r Registry) String() string {
	parts := []string{RegistryVersion}
	if r.Owner != "" && r.Owner != DefaultOwner {
		parts = append(parts, registryOwner+r.Owner)
	}
	parts = append(parts, SortedUnique(r.Marks)...)
	if s := SortedUnique(r.Settings); len(s) > 0 {
		parts = append(parts, registrySettings+strings.Join(s, ","))
	}
	if k := SortedUnique(r.Rules); len(k) > 0 {
		parts = append(parts, registryRules+strings.Join(k, ","))
	} else if r.RulesKnown {
		parts = append(parts, registryRules+registryNoRules)
	}
	return strings.Join(parts, " ")
}

// Empty reports whether the mark would say nothing (and so should not exist).
func (r Registry) Empty() bool {
	return len(r.Marks) == 0 && len(r.Settings) == 0 && len(r.Rules) == 0 && !r.RulesKnown
}

// Has reports whether the registry lists mark.
func (r Registry) Has(mark string) bool {
	i := sort.SearchStrings(r.Marks, mark)
	return i < len(r.Marks) && r.Marks[i] == mark
}

// ParseRegistryRecord returns the owner name and content of rec if it is one of
// launchready's ownership marks (a TXT record at a registry name whose text parses).
func ParseRegistryRecord(rec model.Record) (owner string, reg Registry, ok bool) {
	if rec.Type != "TXT" {
		return "", Registry{}, false
	}
	owner, ok = RegistryOwner(model.CanonicalLiveName(rec.Name))
	if !ok {
		return "", Registry{}, false
	}
	reg, err := ParseRegistry(rec.Value)
	if err != nil {
		return "", Registry{}, false
	}
	return owner, reg, true
}

// ManagedSettings returns the setting ids the zone's apex marks say launchready manages
// (every owner's).
// Callers reading live state use it to also read settings that were removed from the
// file, so the plan can report them as no longer managed.
func ManagedSettings(live *model.LiveZone) []string {
	if live == nil {
		return nil
	}
	apex := model.CanonicalLiveName(live.Name)
	var ids []string
	for _, rec := range live.Records {
		owner, reg, ok := ParseRegistryRecord(rec)
		if ok && owner == apex {
			ids = append(ids, reg.Settings...)
		}
	}
	return SortedUnique(ids)
}

func validMark(tok string) bool {
	typ, h, ok := strings.Cut(tok, ":")
	if !ok || typ == "" || len(h) != markHashLen {
		return false
	}
	for _, c := range typ {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func validRuleKind(kind string) bool {
	if kind == "" || kind == registryNoRules {
		return false
	}
	for _, c := range kind {
		if !(c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func validSettingID(id string) bool {
	if id == "" {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// SortedUnique returns ss sorted without duplicates (nil for none). It never changes
// ss; a one-element result shares ss's array (with its capacity cut, so appending to
// it copies).
func SortedUnique(ss []string) []string {
	switch len(ss) {
	case 0:
		return nil
	case 1:
		return ss[:1:1] // no copy; the cap keeps an append from writing into ss
	}
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}
