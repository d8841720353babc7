package schema

import (
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/launchready/launchready/model"
)

// decodeIgnore reads a zone's `ignore` list: name globs, or objects
// { name = "home", types = ["A", "AAAA"], value = "…" } that narrow a glob by type
// and value. Every entry becomes an IgnoreRule; entries covering whole names also
// stay in Zone.Ignore (the plain globs plan, handover and the fingerprint read).
func (l *loader) decodeIgnore(zs *zoneState, a *hcl.Attribute) {
	var exprs []hclsyntax.Expression
	if tup, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
		exprs = tup.Exprs
	} else {
		// A variable or function: a list of strings.
		globs, good := l.strList(a)
		if !good {
			return
		}
		for _, g := range globs {
			l.addIgnore(zs, model.IgnoreRule{Name: g.Value}, g.Range)
		}
		return
	}
	for _, e := range exprs {
		if obj, ok := e.(*hclsyntax.ObjectConsExpr); ok {
			if r, good := l.ignoreObject(obj); good {
				l.addIgnore(zs, r, e.Range())
			}
			continue
		}
		s, ok := l.strExpr(e)
		if !ok {
			continue
		}
		l.addIgnore(zs, model.IgnoreRule{Name: s}, e.Range())
	}
}

// ignoreObject decodes { name = "…", types = ["…"], value = "…" }.
func (l *loader) ignoreObject(obj *hclsyntax.ObjectConsExpr) (model.IgnoreRule, bool) {
	var r model.IgnoreRule
	good, hasName := true, false
	for _, item := range obj.Items {
		key, diags := item.KeyExpr.Value(nil)
		if diags.HasErrors() || key.Type() != cty.String {
			l.errorf(item.KeyExpr.Range(), "Invalid ignore entry",
				"An ignore object has the keys name, types and value, e.g. { name = \"home\", types = [\"A\", \"AAAA\"] }.")
			good = false
			continue
		}
		switch k := key.AsString(); k {
		case "name":
			s, ok := l.strExpr(item.ValueExpr)
			if !ok {
				good = false
				continue
			}
			r.Name, hasName = s, true
		case "value":
			s, ok := l.strExpr(item.ValueExpr)
			if !ok {
				good = false
				continue
			}
			if s == "" {
				l.errorf(item.ValueExpr.Range(), "Invalid ignore value", "The value pattern is empty: remove value to ignore every value, or write a pattern such as \"google-site-verification=*\".")
				good = false
				continue
			}
			r.Value = s
		case "types":
			ts, ok := l.strList(&hcl.Attribute{Name: "types", Expr: item.ValueExpr, Range: item.ValueExpr.Range(), NameRange: item.KeyExpr.Range()})
			if !ok {
				good = false
				continue
			}
			if len(ts) == 0 {
				l.errorf(item.ValueExpr.Range(), "Invalid ignore types", "types is empty: remove it to ignore every type, or list types such as [\"A\", \"AAAA\"].")
				good = false
			}
			for _, t := range ts {
				u := strings.ToUpper(strings.TrimSpace(t.Value))
				if !model.IsRecordType(u) {
					l.errorf(t.Range, "Invalid ignore types", "%q is not a record type launchready manages; use one of %s.%s", t.Value, strings.Join(model.RecordTypes, ", "), didYouMean(u, model.RecordTypes))
					good = false
					continue
				}
				r.Types = append(r.Types, u)
			}
			sort.Strings(r.Types)
		default:
			l.errorf(item.KeyExpr.Range(), "Invalid ignore entry",
				"%q is not a key of an ignore object: use name, types and value, e.g. { name = \"@\", types = [\"TXT\"], value = \"google-site-verification=*\" }.", k)
			good = false
		}
	}
	if !hasName {
		l.errorf(obj.Range(), "Invalid ignore entry", "An ignore object needs a name (a glob relative to the zone, \"@\" for the apex), e.g. { name = \"home\", types = [\"A\", \"AAAA\"] }.")
		good = false
	}
	return r, good
}

func (l *loader) addIgnore(zs *zoneState, r model.IgnoreRule, rng hcl.Range) {
	if _, err := path.Match(r.Name, ""); err != nil || r.Name == "" {
		l.errorf(rng, "Invalid ignore pattern",
			"%q is not a valid name pattern: use * and ? wildcards on names relative to the zone, e.g. \"_acme-challenge*\".", r.Name)
		return
	}
	r.Name = strings.ToLower(r.Name)
	zs.z.IgnoreRules = append(zs.z.IgnoreRules, r)
	zs.ignoreRanges = append(zs.ignoreRanges, rng)
	if r.WholeName() {
		zs.z.Ignore = append(zs.z.Ignore, r.Name)
	}
}

// checkIgnoredSets refuses declared record sets that an ignore entry covers: a set
// an entry covers entirely (the name, its type, every value), or a declared value the
// entry's value pattern matches. Such a value cannot be both managed and ignored.
func (l *loader) checkIgnoredSets(zs *zoneState) {
	for _, d := range zs.records {
		rel := model.RelativeName(d.rec.Name, zs.z.Name)
		for i, r := range zs.z.IgnoreRules {
			if r.CoversSet(rel, d.rec.Type) {
				l.errorf(d.rec.DeclRange, "Record set both declared and ignored",
					"The ignore entry %s (at %s) covers every value of %s %s, so launchready could never manage this set. Remove the entry, narrow it (types, value), or remove the record block.",
					r, rangeString(zs.ignoreRanges[i]), d.rec.Name, d.rec.Type)
				break
			}
			if r.Value == "" {
				continue
			}
			for _, v := range d.rec.Values {
				if r.Covers(rel, d.rec.Type, v) {
					rng, _ := d.valueRanges.get(v)
					l.errorf(rng, "Record value both declared and ignored",
						"The ignore entry %s (at %s) covers this value of %s %s, so launchready could never manage it. Narrow the entry's value pattern, or remove the value.",
						r, rangeString(zs.ignoreRanges[i]), d.rec.Name, d.rec.Type)
				}
			}
		}
	}
}
