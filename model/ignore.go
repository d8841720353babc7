package model

import (
	"path"
	"strings"
)

// IgnoreRule is one entry of a zone's `ignore` list: live records it covers are never
// changed or deleted. A plain glob ("_acme-challenge*") is a rule with only Name; an
// object narrows it by type and value ({ name = "@", types = ["TXT"], value =
// "google-site-verification=*" }).
type IgnoreRule struct {
	// Name is a glob (path.Match: *, ?, [..]) on the name relative to the zone ("@"
	// for the apex), lower case.
	Name string `json:"name"`
	// Types are upper case; empty means every type.
	Types []string `json:"types,omitempty"`
	// Value is a glob on the canonical value (* any run of characters, ? one; "/"
	// is an ordinary character); empty means every value.
	Value string `json:"value,omitempty"`
}

// WholeName reports whether the rule covers every record at the names it matches.
func (r IgnoreRule) WholeName() bool { return len(r.Types) == 0 && r.Value == "" }

// CoversSet reports whether the rule covers every value of the record set rel/typ
// whatever they are (rel relative to the zone): its name matches, its types include
// typ (or are all types), and it has no value pattern.
func (r IgnoreRule) CoversSet(rel, typ string) bool {
	return r.Value == "" && r.coversKey(rel, typ)
}

func (r IgnoreRule) coversKey(rel, typ string) bool {
	if ok, err := path.Match(r.Name, rel); err != nil || !ok {
		return false
	}
	if len(r.Types) == 0 {
		return true
	}
	for _, t := range r.Types {
		if t == typ {
			return true
		}
	}
	return false
}

// Covers reports whether the rule covers the record rel/typ/value (rel relative to
// the zone, value canonical).
func (r IgnoreRule) Covers(rel, typ, value string) bool {
	return r.coversKey(rel, typ) && (r.Value == "" || GlobMatch(r.Value, value))
}

// Ignored reports whether any rule covers the record name/typ/value of zone (name
// canonical, value canonical).
func Ignored(rules []IgnoreRule, name, zone, typ, value string) bool {
	rel := RelativeName(name, zone)
	for _, r := range rules {
		if r.Covers(rel, typ, value) {
			return true
		}
	}
	return false
}

// GlobMatch matches s against a pattern where * is any run of characters and ? is one
// character; every other character stands for itself ("/" included, unlike
// path.Match, as values hold URLs).
func GlobMatch(pattern, s string) bool {
	// Iterative wildcard matching with backtracking to the last star.
	p, i := 0, 0
	star, mark := -1, 0
	pr, sr := []rune(pattern), []rune(s)
	for i < len(sr) {
		switch {
		case p < len(pr) && (pr[p] == '?' || pr[p] == sr[i]):
			p++
			i++
		case p < len(pr) && pr[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pr) && pr[p] == '*' {
		p++
	}
	return p == len(pr)
}

// String writes the rule as launch.hcl does.
func (r IgnoreRule) String() string {
	if r.WholeName() {
		return r.Name
	}
	var b strings.Builder
	b.WriteString("{ name = \"" + r.Name + "\"")
	if len(r.Types) > 0 {
		b.WriteString(", types = [\"" + strings.Join(r.Types, "\", \"") + "\"]")
	}
	if r.Value != "" {
		b.WriteString(", value = \"" + r.Value + "\"")
	}
	b.WriteString(" }")
	return b.String()
}
