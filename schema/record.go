package schema

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

var recordSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "value"},
		{Name: "values"},
		{Name: "ttl"},
		{Name: "proxied"},
		{Name: "comment"},
	},
}

// recordArgs are the names recordSchema takes.
var recordArgs = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range recordSchema.Attributes {
		m[a.Name] = true
	}
	return m
}()

// recordContent is l.content(body, recordSchema). A block of only arguments that
// schema names (a record block's body as the parser made it) is read directly: the
// same attributes, and no diagnostics, which hclsyntax's Content finds only for
// blocks or other arguments; it would also copy the body and build two maps per
// block, ~4 KB for each of the 9,000 blocks of a large file.
func (l *loader) recordContent(body hcl.Body) *hcl.BodyContent {
	sb, ok := body.(*hclsyntax.Body)
	if !ok || len(sb.Blocks) > 0 {
		return l.content(body, recordSchema)
	}
	for name := range sb.Attributes {
		if !recordArgs[name] {
			return l.content(body, recordSchema)
		}
	}
	attrs := make(hcl.Attributes, len(sb.Attributes))
	for name, a := range sb.Attributes {
		if lit, ok := a.Expr.(*hclsyntax.LiteralValueExpr); ok && lit.Val.IsNull() {
			continue // as content does
		}
		attrs[name] = a.AsHCLAttribute()
	}
	return &hcl.BodyContent{Attributes: attrs, MissingItemRange: sb.MissingItemRange()}
}

// recordDecl is a decoded `record` block with the ranges zone-level checks use.
type recordDecl struct {
	rec       *Record
	nameRange hcl.Range
	// valueRanges says where each canonical value was written.
	valueRanges valueRanges
	ttlRange    *hcl.Range
}

// valueRanges maps a record set's canonical values to where they were written, in
// the order they were added. A set has few values: a slice costs one small
// allocation where a map cost ~650 bytes per record block (9,000 in a large file);
// a set of many values is indexed by a map as well.
type valueRanges struct {
	list  []valueRange
	index map[string]int // into list; built past indexFrom values
}

type valueRange struct {
	v string
	r hcl.Range
}

// indexFrom is the number of values from which valueRanges keeps an index.
const indexFrom = 16

// get returns where v was written.
func (vr *valueRanges) get(v string) (hcl.Range, bool) {
	if vr.index != nil {
		i, ok := vr.index[v]
		if !ok {
			return hcl.Range{}, false
		}
		return vr.list[i].r, true
	}
	for _, e := range vr.list {
		if e.v == v {
			return e.r, true
		}
	}
	return hcl.Range{}, false
}

// add records where v, not yet in vr, was written.
func (vr *valueRanges) add(v string, r hcl.Range) {
	vr.list = append(vr.list, valueRange{v: v, r: r})
	switch n := len(vr.list); {
	case n == indexFrom:
		vr.index = make(map[string]int, 2*indexFrom)
		for i, e := range vr.list {
			vr.index[e.v] = i
		}
	case n > indexFrom:
		vr.index[v] = n - 1
	}
}

// count is the number of values.
func (vr *valueRanges) count() int { return len(vr.list) }

// ttlRange returns the valid explicit TTLs for capabilities, as text.
func ttlRangeText(kind string, caps model.Capabilities) string {
	if caps.DefaultTTL == 0 {
		return fmt.Sprintf("%s zones accept 1 (automatic) or %d to %d seconds", kind, caps.MinTTL, caps.MaxTTL)
	}
	return fmt.Sprintf("%s zones accept %d to %d seconds", kind, caps.MinTTL, caps.MaxTTL)
}

// reservedLabels start the names of launchready's ownership registry records.
var reservedLabels = []string{"_launchready", "_launchready-wildcard"}

// decodeRecordBlock reads a `record "<name>" "<type>"` block: one RRset.
func (l *loader) decodeRecordBlock(zs *zoneState, b *hcl.Block) *recordDecl {
	zone := zs.z.Name
	c := l.recordContent(b.Body)
	typ := strings.ToUpper(b.Labels[1])
	okType := true
	if !model.IsRecordType(typ) {
		hint := ""
		switch typ {
		case "SPF":
			hint = " SPF is published as TXT: use the email block's spf, or a TXT record."
		case "ALIAS", "ANAME":
			hint = " Use a CNAME at \"@\": Cloudflare flattens it."
		default:
			hint = didYouMean(typ, model.RecordTypes)
		}
		l.errorf(b.LabelRanges[1], "Unsupported record type",
			"%q is not a record type launchready manages; use one of %s.%s", b.Labels[1], strings.Join(model.RecordTypes, ", "), hint)
		okType = false
	}
	name, ok := l.recordName(zone, b.Labels[0], b.LabelRanges[0])
	if !ok || !okType {
		return nil
	}
	if typ == "NS" && name == zone {
		l.errorf(b.LabelRanges[0], "NS record at the zone apex",
			"The apex NS records belong to the DNS provider and are not managed here. NS records delegate a subdomain: use a name below the zone, e.g. record \"dev\" \"NS\".")
		return nil
	}
	if typ == "CNAME" && name == zone && !zs.caps.ApexCNAME {
		l.errorf(b.LabelRanges[0], "CNAME at the zone apex",
			"The apex of a %s zone holds its SOA and NS records, and a CNAME cannot share a name with other records. Use A/AAAA records at \"@\".", zs.z.ProviderKind)
		return nil
	}

	d := &recordDecl{
		rec:       &Record{RRSet: model.RRSet{Name: name, Type: typ, Origin: "record"}, DeclRange: b.DefRange},
		nameRange: b.LabelRanges[0],
	}
	va, vsa := c.Attributes["value"], c.Attributes["values"]
	var raw []elem
	switch {
	case va != nil && vsa != nil:
		l.errorf(vsa.NameRange, "Both value and values",
			"A record block takes either value (one value) or values (a list), never both. Move the value into values.")
		return nil
	case va == nil && vsa == nil:
		l.errorf(b.DefRange, "Missing record value",
			"Write value = \"…\" for one value or values = [\"…\", \"…\"] for several.")
		return nil
	case va != nil:
		s, good := l.str(va)
		if !good {
			return nil
		}
		raw = []elem{{Value: s, Range: va.Expr.Range()}}
	default:
		es, good := l.strList(vsa)
		if !good {
			return nil
		}
		if len(es) == 0 {
			l.errorf(vsa.Expr.Range(), "Empty values",
				"A record set needs at least one value. To delete the records, remove the block.")
			return nil
		}
		raw = es
	}
	good := true
	spfAt := hcl.Range{}
	for _, e := range raw {
		v, err := model.CanonicalValue(typ, e.Value, zone)
		if err != nil {
			l.valueError(typ, e, err)
			good = false
			continue
		}
		if typ == "TXT" && zs.caps.MaxTXT > 0 && len(model.QuoteTXT(v)) > zs.caps.MaxTXT {
			l.errorf(e.Range, "TXT value too long",
				"%s stores at most %d characters of TXT content (quoted, in 255-byte strings); this value needs %d. Shorten it, or split it across several values if its protocol allows.",
				zs.z.ProviderKind, zs.caps.MaxTXT, len(model.QuoteTXT(v)))
			good = false
			continue
		}
		if typ == "CNAME" && d.valueRanges.count() > 0 {
			l.errorf(e.Range, "CNAME with several values",
				"A CNAME record set holds exactly one target. Keep one value, or use A/AAAA records for several addresses.")
			good = false
			continue
		}
		if first, dup := d.valueRanges.get(v); dup {
			l.warnf(e.Range, "Duplicate record value",
				"This value is the same as the one at %s once normalised (%q); it is kept once.", rangeString(first), v)
			continue
		}
		if typ == "TXT" && isSPF(v) {
			if spfAt != (hcl.Range{}) {
				l.errorf(e.Range, "Several SPF records",
					"%s already has an SPF record (v=spf1) at %s. A name may publish only one SPF record (RFC 7208 §3.2): merge the mechanisms into one value, or use the email block's spf.", name, rangeString(spfAt))
				good = false
				continue
			}
			spfAt = e.Range
		}
		if typ == "TXT" {
			l.checkEmailTXT(name, v, e.Range)
		}
		d.valueRanges.add(v, e.Range)
		d.rec.Values = append(d.rec.Values, v)
	}
	sort.Strings(d.rec.Values)

	if a, ok := c.Attributes["proxied"]; ok {
		switch p, okp := l.boolean(a); {
		case !okp:
			good = false
		case !zs.caps.Proxied:
			l.errorf(a.NameRange, "Proxying not supported",
				"%s zones serve records directly; proxied is a Cloudflare feature. Remove the proxied argument.", zs.z.ProviderKind)
			good = false
		case p && !model.Proxiable(typ):
			l.errorf(a.NameRange, "Record type cannot be proxied",
				"Only A, AAAA and CNAME records can be proxied, not %s. Remove proxied.", typ)
			good = false
		default:
			d.rec.Proxied = p
		}
	}
	if a, ok := c.Attributes["ttl"]; ok {
		r := a.Expr.Range()
		d.ttlRange = &r
		if t, okt := l.integer(a); okt {
			switch {
			case t == 1 && zs.caps.DefaultTTL == 0:
				d.rec.TTL = 0 // 1 means automatic where the provider has an automatic TTL
			case t < zs.caps.MinTTL || t > zs.caps.MaxTTL:
				l.errorf(r, "Invalid TTL", "%d is out of range: %s. Omit ttl for the default.", t, ttlRangeText(zs.z.ProviderKind, zs.caps))
				good = false
			default:
				d.rec.TTL = t
			}
		} else {
			good = false
		}
	}
	if d.rec.Proxied && d.rec.TTL != 0 {
		l.warnf(*d.ttlRange, "TTL ignored on a proxied record",
			"Proxied records always have an automatic TTL (Cloudflare answers with 300 seconds). Remove ttl, or set ttl = 1.")
		d.rec.TTL = 0
	}
	if a, ok := c.Attributes["comment"]; ok {
		if s, okc := l.str(a); okc {
			if strings.ContainsAny(s, "\r\n") {
				l.errorf(a.Expr.Range(), "Invalid comment", "A record comment is one line of text; it cannot contain a line break.")
				good = false
			} else if err := ownership.CheckComment(s, zs.z.Owner); zs.caps.Comments && err != nil {
				l.errorf(a.Expr.Range(), "Comment too long", "%s.", capitalize(err.Error()))
				good = false
			} else {
				d.rec.Comment = strings.TrimSpace(s)
			}
		} else {
			good = false
		}
	}
	if !good || len(d.rec.Values) == 0 {
		return nil
	}
	return d
}

// recordName canonicalises a record name label: "@", relative, or absolute with a
// trailing dot; IDN labels become Punycode. Wildcards are "*" as the whole leftmost
// label; the ownership registry's names are reserved.
func (l *loader) recordName(zone, label string, rng hcl.Range) (string, bool) {
	name, err := model.CanonicalName(label, zone)
	if err != nil {
		l.errorf(rng, "Invalid record name", "%s. Names are \"@\" for the apex, relative (\"www\"), or absolute with a trailing dot (\"www.%s.\").", strings.TrimSuffix(err.Error(), "."), zone)
		return "", false
	}
	labels := strings.Split(name, ".")
	for i, lab := range labels {
		if strings.Contains(lab, "*") && (lab != "*" || i != 0) {
			l.errorf(rng, "Invalid wildcard",
				"A wildcard is a whole \"*\" label at the start of the name, e.g. \"*.preview\".")
			return "", false
		}
	}
	first := labels[0]
	if first == "*" && len(labels) > 1 {
		first = labels[1]
	}
	for _, r := range reservedLabels {
		if first == r {
			l.errorf(rng, "Reserved record name",
				"Names starting with %s hold launchready's ownership registry and cannot be declared.", r)
			return "", false
		}
	}
	return name, true
}

// isSPF reports whether a TXT value is an SPF record ("v=spf1" followed by a space or
// nothing, case-insensitively, RFC 7208 §4.5).
func isSPF(v string) bool {
	if len(v) < 6 || !strings.EqualFold(v[:6], "v=spf1") {
		return false
	}
	return len(v) == 6 || v[6] == ' '
}

// isDMARC reports whether a TXT value is a DMARC record (RFC 7489 §6.4).
func isDMARC(v string) bool {
	v = strings.TrimSpace(v)
	return len(v) >= 8 && strings.EqualFold(v[:8], "v=DMARC1") && (len(v) == 8 || v[8] == ';' || v[8] == ' ')
}

// checkRecordSets runs the zone-wide record checks: one block per RRset, CNAME
// exclusivity (record blocks and email records alike), and SPF/DMARC/DKIM records
// written both by record blocks and the email block.
func (l *loader) checkRecordSets(zs *zoneState) {
	type decl struct {
		set model.RRSet
		rng hcl.Range // what a diagnostic about this declaration points at
	}
	all := make([]decl, 0, len(zs.records))
	seen := make(map[model.Key]*recordDecl, len(zs.records))
	kept := make([]*recordDecl, 0, len(zs.records))
	for _, d := range zs.records {
		k := d.rec.Key()
		if first, dup := seen[k]; dup {
			l.errorf(d.rec.DeclRange, "Duplicate record set",
				"%s %s is already declared at %s. One record block is one record set: put every value in that block's values list.",
				k.Name, k.Type, rangeString(first.rec.DeclRange))
			continue
		}
		seen[k] = d
		kept = append(kept, d)
		all = append(all, decl{set: d.rec.RRSet, rng: d.rec.DeclRange})
	}
	zs.records = kept

	if zs.email != nil && zs.email.policy != nil {
		for _, d := range zs.records {
			if d.rec.Type != "TXT" {
				continue
			}
			for _, e := range d.valueRanges.list {
				if v, r := e.v, e.r; isDMARC(v) && d.rec.Name == "_dmarc."+zs.z.Name && zs.email.policy.DMARC != nil {
					l.errorf(r, "DMARC record declared twice",
						"The email block's dmarc publishes the DMARC record at %s (declared at %s). Remove this value: a domain has one DMARC record.",
						d.rec.Name, rangeString(zs.email.dmarcRange))
				}
			}
		}
		var keptEmail []*emailRecord
		for _, g := range zs.email.records {
			k := g.rec.Key()
			if rd, clash := seen[k]; clash {
				if !l.emailClash(zs, g, rd) {
					continue
				}
				// A TXT record set shared by a record block and the email block (e.g.
				// a site verification and SPF at the apex). Zone.Records holds one set
				// per name and type, so the email values join the record block's set
				// (and take its TTL).
				for _, v := range g.rec.Values {
					if _, dup := rd.valueRanges.get(v); !dup {
						rd.valueRanges.add(v, g.rec.DeclRange)
						rd.rec.Values = append(rd.rec.Values, v)
					}
				}
				sort.Strings(rd.rec.Values)
				// The set says both blocks wrote it ("record+email.spf"), so plans
				// and the DNS map label the email part.
				rd.rec.Origin += "+" + g.rec.Origin
				continue
			}
			keptEmail = append(keptEmail, g)
			all = append(all, decl{set: g.rec.RRSet, rng: g.rec.DeclRange})
		}
		zs.email.records = keptEmail
	}

	// CNAME exclusivity: a CNAME owns its name alone (RFC 1034 §3.6.2).
	byName := make(map[string][]decl, len(all))
	names := make([]string, 0, len(all))
	for _, d := range all {
		if _, ok := byName[d.set.Name]; !ok {
			names = append(names, d.set.Name)
		}
		byName[d.set.Name] = append(byName[d.set.Name], d)
	}
	for _, n := range names {
		ds := byName[n]
		for _, c := range ds {
			if c.set.Type != "CNAME" {
				continue
			}
			for _, o := range ds {
				if o.set.Type == "CNAME" {
					continue
				}
				later, earlier := o, c
				if l.before(o.rng, c.rng) {
					later, earlier = c, o
				}
				l.errorf(later.rng, "CNAME shares its name",
					"%s has a CNAME record and a %s record (declared at %s). A CNAME cannot share its name with any other record: remove one, or use A/AAAA records instead of the CNAME.",
					n, otherType(later.set, earlier.set), rangeString(earlier.rng))
			}
		}
	}
}

// otherType names, of two declarations at one name, the type that is not CNAME (or
// CNAME when both are).
func otherType(a, b model.RRSet) string {
	if a.Type != "CNAME" {
		return a.Type
	}
	return b.Type
}

// emailClash checks a record set generated by the email block against a record block
// with the same name and type. Only a TXT set that holds neither SPF, DKIM nor DMARC
// values may be shared with email records; it reports false (drop the generated set)
// when the clash is an error.
func (l *loader) emailClash(zs *zoneState, g *emailRecord, rd *recordDecl) bool {
	if g.rec.Type != "TXT" {
		l.errorf(rd.rec.DeclRange, "Record set written twice",
			"The email block's %s generates %s %s (declared at %s). Remove this record block or the email entry.",
			g.rec.Origin, g.rec.Name, g.rec.Type, rangeString(g.rec.DeclRange))
		return false
	}
	ok := true
	switch {
	case strings.HasPrefix(g.rec.Origin, "email.dkim."):
		l.errorf(rd.nameRange, "DKIM selector written twice",
			"The email block's dkim %q publishes the key at %s (declared at %s). Remove this record block: a selector has one key record.",
			strings.TrimPrefix(g.rec.Origin, "email.dkim."), g.rec.Name, rangeString(g.rec.DeclRange))
		ok = false
	case g.rec.Origin == "email.spf":
		for _, e := range rd.valueRanges.list {
			if v, r := e.v, e.r; isSPF(v) {
				l.errorf(r, "Several SPF records",
					"The email block's spf publishes the SPF record of %s (declared at %s). A name may publish only one SPF record (RFC 7208 §3.2): remove this value and list its mechanisms in spf.",
					g.rec.Name, rangeString(g.rec.DeclRange))
				ok = false
			}
		}
	}
	// DMARC values in a record block at _dmarc are reported by checkRecordSets.
	return ok
}
