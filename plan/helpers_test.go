package plan

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

// Test configs are built directly as schema values (not parsed from HCL), so these
// tests do not depend on the parser.

const zn = "example.com"

// cfZone returns a Cloudflare zone declaring sets.
func cfZone(sets ...model.RRSet) *schema.Zone {
	z := &schema.Zone{Name: zn, Provider: "cloudflare", ProviderKind: "cloudflare"}
	for _, s := range sets {
		z.Records = append(z.Records, &schema.Record{RRSet: s})
	}
	return z
}

// dnsZone returns an RFC 2136 zone declaring sets.
func dnsZone(sets ...model.RRSet) *schema.Zone {
	z := cfZone(sets...)
	z.Provider, z.ProviderKind = "rfc2136.corp", "rfc2136"
	return z
}

// rr builds a desired set at name (relative to zn, "@" for the apex) with values in
// canonical form.
func rr(name, typ string, values ...string) model.RRSet {
	return model.RRSet{Name: fqdn(name), Type: typ, Values: values, Origin: "record"}
}

func fqdn(name string) string {
	if name == "@" {
		return zn
	}
	return name + "." + zn
}

func withTTL(s model.RRSet, ttl int) model.RRSet          { s.TTL = ttl; return s }
func proxied(s model.RRSet) model.RRSet                   { s.Proxied = true; return s }
func withComment(s model.RRSet, c string) model.RRSet     { s.Comment = c; return s }
func withOrigin(s model.RRSet, origin string) model.RRSet { s.Origin = origin; return s }

// rec is a live record at name (relative) with an id.
func rec(id, name, typ, value string, ttl int) model.Record {
	return model.Record{ID: id, Name: fqdn(name), Type: typ, Value: value, TTL: ttl}
}

func recProxied(r model.Record) model.Record { r.Proxied = true; r.TTL = 0; return r }

func recComment(r model.Record, c string) model.Record { r.Comment = c; return r }

// markText is the mark text listing the "TYPE value" entries (and settings).
func markText(entries []string, settings ...string) string {
	var reg Registry
	for _, e := range entries {
		typ, value, _ := strings.Cut(e, " ")
		reg.Marks = append(reg.Marks, ValueMark(typ, value))
	}
	reg.Marks = ownership.SortedUnique(reg.Marks)
	reg.Settings = ownership.SortedUnique(settings)
	return reg.String()
}

// markRec is a live ownership mark for records at name listing entries.
func markRec(id, name string, entries ...string) model.Record {
	return model.Record{ID: id, Name: RegistryName(fqdn(name)), Type: "TXT", Value: markText(entries)}
}

// owned returns rs marked as the default owner's with the comment marker (the
// Cloudflare style; markID is unused there). ownedTXT marks them with a TXT mark.
func owned(markID string, rs ...model.Record) []model.Record {
	out := make([]model.Record, 0, len(rs))
	for _, r := range rs {
		u, _ := ownership.SplitComment(r.Comment)
		r.Comment = ownership.WithMarker(u, ownership.DefaultOwner)
		out = append(out, r)
	}
	return out
}

// ownedTXT returns r and the TXT mark owning it (one record set per call): the RFC
// 2136 style, and Cloudflare zones from before comment markers.
func ownedTXT(markID string, rs ...model.Record) []model.Record {
	var entries []string
	for _, r := range rs {
		entries = append(entries, r.Type+" "+r.Value)
	}
	name := model.RelativeName(rs[0].Name, zn)
	return append(append([]model.Record{}, rs...), markRec(markID, name, entries...))
}

// live returns a live zone holding recs whose rule phases were read (and are empty),
// as the engine reads a zone marked before rules lists.
func live(recs ...[]model.Record) *model.LiveZone {
	lz := &model.LiveZone{Name: zn, ID: "zone-1", Rules: map[string][]model.Rule{model.PhaseRedirect: nil, model.PhaseCache: nil}}
	for _, rs := range recs {
		lz.Records = append(lz.Records, rs...)
	}
	return lz
}

func one(rs ...model.Record) []model.Record { return rs }

func cfgOf(zones ...*schema.Zone) *schema.Config {
	return &schema.Config{Zones: zones, Fingerprint: "cfg-fingerprint"}
}

func mustCompute(t *testing.T, z *schema.Zone, lz *model.LiveZone) *Plan {
	t.Helper()
	p, err := Compute(cfgOf(z), map[string]*model.LiveZone{z.Name: lz})
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return p
}

// changeStrings renders changes compactly for comparison:
// "update record api.example.com A | ttl: 300 -> 600 | values: … -> …".
func changeStrings(cs []Change) []string {
	var out []string
	for _, c := range cs {
		s := fmt.Sprintf("%s %s %s", c.Action, c.Kind, c.Key)
		if c.Kind == KindOwnership { // mark contents are checked through the ops
			out = append(out, s)
			continue
		}
		for _, f := range c.Fields {
			s += fmt.Sprintf(" | %s: %s -> %s", f.Field, f.Before, f.After)
		}
		out = append(out, s)
	}
	return out
}

func recString(r *model.Record) string {
	s := fmt.Sprintf("%s %s %q ttl=%d", r.Name, r.Type, r.Value, r.TTL)
	if r.ID != "" {
		s = r.ID + " " + s
	}
	if r.Proxied {
		s += " proxied"
	}
	if r.Comment != "" {
		s += fmt.Sprintf(" comment=%q", r.Comment)
	}
	return s
}

// opStrings renders record ops compactly: "delete id1 a.example.com A "1.2.3.4" ttl=300",
// "update id1 … => …", "create …".
func opStrings(ops []model.RecordOp) []string {
	var out []string
	for _, op := range ops {
		switch op.Op {
		case model.OpDelete:
			out = append(out, "delete "+recString(op.Before))
		case model.OpCreate:
			out = append(out, "create "+recString(op.After))
		default:
			out = append(out, "update "+recString(op.Before)+" => "+recString(op.After))
		}
	}
	return out
}

func recordStrings(rs []model.Record) []string {
	var out []string
	for i := range rs {
		out = append(out, recString(&rs[i]))
	}
	return out
}

// applyPlan applies a plan's writes to a copy of live state the way the providers
// store them, failing the test on a write a real provider would refuse: a delete or
// update of a record that is not there, a duplicate record, a CNAME next to another
// record at any step of the (ordered) ops.
func applyPlan(t *testing.T, p *Plan, before map[string]*model.LiveZone) map[string]*model.LiveZone {
	t.Helper()
	after := map[string]*model.LiveZone{}
	for name, lz := range before {
		after[name] = cloneLive(lz)
	}
	nextID := 0
	for _, zp := range p.Zones {
		lz := after[zp.Zone]
		cf := strings.HasPrefix(zp.Provider, "cloudflare")
		store := func(r model.Record) model.Record {
			r.Name = model.CanonicalLiveName(r.Name)
			if !cf {
				r.ID, r.Comment, r.Proxied = "", "", false
			} else if r.Proxied {
				r.TTL = 0 // Cloudflare reads proxied records back as automatic
			}
			return r
		}
		find := func(r *model.Record) int {
			for i, l := range lz.Records {
				if cf && r.ID != "" && l.ID == r.ID || !cf && l.Name == model.CanonicalLiveName(r.Name) && l.Type == r.Type && l.Value == r.Value {
					return i
				}
			}
			t.Fatalf("zone %s: op names a record that is not live: %s", zp.Zone, recString(r))
			return -1
		}
		for _, op := range zp.RecordOps {
			switch op.Op {
			case model.OpDelete:
				i := find(op.Before)
				lz.Records = append(lz.Records[:i], lz.Records[i+1:]...)
			case model.OpUpdate:
				i := find(op.Before)
				r := store(*op.After)
				if cf {
					r.ID = lz.Records[i].ID
				}
				lz.Records[i] = r
			case model.OpCreate:
				r := store(*op.After)
				for _, l := range lz.Records {
					if l.Name == r.Name && l.Type == r.Type && l.Value == r.Value {
						t.Fatalf("zone %s: creating a record that exists: %s", zp.Zone, recString(&r))
					}
				}
				if cf {
					nextID++
					r.ID = fmt.Sprintf("new-%d", nextID)
				}
				lz.Records = append(lz.Records, r)
			}
			checkCNAMEs(t, lz, op)
		}
		if w := zp.SettingWrites; w != nil {
			if lz.Settings == nil {
				lz.Settings = &model.Settings{}
			}
			for id, v := range w.Values {
				if lz.Settings.Values == nil {
					lz.Settings.Values = map[string]string{}
				}
				lz.Settings.Values[id] = v
			}
			if w.HSTS != nil {
				h := *w.HSTS
				lz.Settings.HSTS = &h
			}
		}
		for phase, rules := range zp.RuleWrites {
			stored := make([]model.Rule, 0, len(rules))
			for _, r := range rules {
				if r.ID == "" {
					nextID++
					r.ID = fmt.Sprintf("rule-%d", nextID)
				}
				// The API does not keep launch.hcl's display fields.
				if r.Redirect != nil {
					a := *r.Redirect
					a.From, a.To = "", ""
					r.Redirect = &a
				}
				if r.Cache != nil {
					c := *r.Cache
					c.Hosts, c.PathPrefix = nil, ""
					r.Cache = &c
				}
				stored = append(stored, r)
			}
			lz.Rules[phase] = stored
		}
	}
	return after
}

func checkCNAMEs(t *testing.T, lz *model.LiveZone, op model.RecordOp) {
	t.Helper()
	types := map[string][]string{}
	for _, r := range lz.Records {
		types[r.Name] = append(types[r.Name], r.Type)
	}
	for name, ts := range types {
		if len(ts) < 2 {
			continue
		}
		for _, typ := range ts {
			if typ == "CNAME" {
				sort.Strings(ts)
				t.Fatalf("after %s: a CNAME shares %s with other records (%v)", op, name, ts)
			}
		}
	}
}

func cloneLive(lz *model.LiveZone) *model.LiveZone {
	c := *lz
	c.Records = append([]model.Record(nil), lz.Records...)
	if lz.Settings != nil {
		s := model.Settings{}
		if lz.Settings.Values != nil {
			s.Values = map[string]string{}
			for k, v := range lz.Settings.Values {
				s.Values[k] = v
			}
		}
		if lz.Settings.HSTS != nil {
			h := *lz.Settings.HSTS
			s.HSTS = &h
		}
		c.Settings = &s
	}
	if lz.Rules != nil {
		c.Rules = map[string][]model.Rule{}
		for ph, rs := range lz.Rules {
			c.Rules[ph] = append([]model.Rule{}, rs...)
		}
	}
	return &c
}
