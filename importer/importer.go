package importer

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

// Options say how the imported zone is to be managed. The zero value imports a
// Cloudflare zone, not authoritative, without settings.
type Options struct {
	// Provider is the zone's provider reference: "cloudflare" ("" means "cloudflare")
	// or "rfc2136.<name>".
	Provider string
	// Authoritative writes `authoritative = true`: records later removed from the file
	// are deleted. `authoritative = false` is written otherwise, so the choice is
	// visible to reviewers.
	Authoritative bool
	// Settings includes the live zone settings (live.Settings) as a `settings` block.
	// Only the settings present in live.Settings are written.
	Settings bool
	// ProviderBlock, when set, is written as a `provider` block before the zone (an
	// rfc2136 zone needs one). It holds only the name of the environment variable that
	// carries the TSIG secret, never the secret. Its Ref() must equal Provider.
	ProviderBlock *schema.Provider
	// Owner is the owner whose file the import writes (`owner = "<Owner>"` unless it
	// is ownership.DefaultOwner). "" chooses it from the zone's marks: see Owner.
	Owner string
}

// maxCommentValue is how many characters of a value a comment shows.
const maxCommentValue = 100

// lineWidth is the longest `values = [ … ]` kept on one line.
const lineWidth = 100

// omitted is a live object the import leaves out, with why.
type omitted struct {
	what   string // `api TXT "v=…"`, `redirect rule "legacy blog"`
	reason string
	// sweepable marks a record an authoritative zone claims (a type launch.hcl
	// declares, not the apex NS, not an ownership mark): left out of the file, the
	// next apply of an authoritative zone deletes it.
	sweepable bool
}

// target is what an import writes to: the zone, its provider and what the provider
// kind can do.
type target struct {
	zone, provider, kind, pname string
	caps                        model.Capabilities
}

func resolve(live *model.LiveZone, o Options) (target, error) {
	if live == nil {
		return target{}, fmt.Errorf("importing: no live zone")
	}
	zone, err := model.CanonicalZone(live.Name)
	if err != nil {
		return target{}, fmt.Errorf("importing zone %q: %w", live.Name, err)
	}
	provider := o.Provider
	if provider == "" {
		provider = "cloudflare"
	}
	kind, pname, hasName := strings.Cut(provider, ".")
	caps, known := model.ProviderKinds[kind]
	switch {
	case !known:
		return target{}, fmt.Errorf("importing zone %s: unknown provider %q (want \"cloudflare\" or \"rfc2136.<name>\")", zone, provider)
	case kind == "cloudflare" && hasName:
		return target{}, fmt.Errorf("importing zone %s: provider %q: cloudflare takes no name", zone, provider)
	case kind != "cloudflare" && (!hasName || pname == ""):
		return target{}, fmt.Errorf("importing zone %s: provider %q needs a name, as in %q", zone, provider, kind+".corp")
	}
	if o.ProviderBlock != nil && o.ProviderBlock.Ref() != provider {
		return target{}, fmt.Errorf("importing zone %s: provider block %q does not match provider %q", zone, o.ProviderBlock.Ref(), provider)
	}
	return target{zone: zone, provider: provider, kind: kind, pname: pname, caps: caps}, nil
}

// Owner returns the owner whose file an import of live writes: o.Owner when set, else
// the one owner whose marks the zone's records and rules carry (ownership decides whose
// each mark is: a comment marker, a TXT mark, a rule's ref), else DefaultOwner when
// nothing is marked. Marks of several owners without o.Owner are an error that names
// them, since one file cannot declare what another owner manages.
func Owner(live *model.LiveZone, o Options) (string, error) {
	t, err := resolve(live, o)
	if err != nil {
		return "", err
	}
	return t.owner(live, o)
}

func (t target) owner(live *model.LiveZone, o Options) (string, error) {
	if o.Owner != "" {
		if err := ownership.CheckOwner(o.Owner); err != nil {
			return "", fmt.Errorf("importing zone %s: %w", t.zone, err)
		}
		return o.Owner, nil
	}
	counts := markedOwners(live, t.zone, t.caps)
	switch len(counts) {
	case 0:
		return ownership.DefaultOwner, nil
	case 1:
		for o := range counts {
			return o, nil
		}
	}
	return "", fmt.Errorf("importing zone %s: several launch.hcl files manage it (owners, with the records, rules and settings each marked: %s): import one owner's file with --owner NAME; what the other owners marked is then listed as left out", t.zone, ownerCounts(counts))
}

// markedOwners counts, per owner, the live records, rules and zone settings
// launchready marked as that owner's.
func markedOwners(live *model.LiveZone, zone string, caps model.Capabilities) map[string]int {
	counts := map[string]int{}
	ledger, rest := ownership.ReadLedger(zone, live.Records)
	for o, ids := range ledger.Settings {
		if len(ids) > 0 {
			counts[o] += len(ids)
		}
	}
	style := ownership.StyleFor(caps)
	for _, r := range rest {
		if o := recordOwner(r, zone, style, ledger); o != "" {
			counts[o]++
		}
	}
	for _, rules := range live.Rules {
		for _, r := range rules {
			if o := ownership.RuleOwner(r.Ref); o != "" {
				counts[o]++
			}
		}
	}
	return counts
}

// recordOwner returns the owner whose mark r carries ("" for none, and for records
// import leaves out anyway: registry names, types launch.hcl cannot declare, invalid
// values).
func recordOwner(r model.Record, zone string, style ownership.Style, ledger *ownership.Ledger) string {
	typ := strings.ToUpper(r.Type)
	if plan.IsRegistryName(model.CanonicalLiveName(r.Name)) || !model.IsRecordType(typ) {
		return ""
	}
	v, err := model.CanonicalValue(typ, r.Value, zone)
	if err != nil {
		return ""
	}
	o, _ := style.OwnerOf(r, typ, v, ledger)
	return o
}

// settingsOf splits the live settings: the ones another owner's apex mark lists (and
// owner's does not) are that owner's, left out; the rest are written.
func settingsOf(live *model.LiveZone, zone, owner string) (*model.Settings, []omitted) {
	ledger, _ := ownership.ReadLedger(zone, live.Records)
	theirs := map[string]string{}
	for o, ids := range ledger.Settings {
		if o == owner {
			continue
		}
		for _, id := range ids {
			if !slices.Contains(ledger.Settings[owner], id) && (theirs[id] == "" || o < theirs[id]) {
				theirs[id] = o
			}
		}
	}
	if len(theirs) == 0 {
		return live.Settings, nil
	}
	mine := &model.Settings{Values: map[string]string{}, HSTS: live.Settings.HSTS}
	for id, v := range live.Settings.Values {
		if theirs[id] == "" {
			mine.Values[id] = v
		}
	}
	if theirs[model.SettingSecurityHeader] != "" {
		mine.HSTS = nil
	}
	var left []omitted
	for _, id := range slices.Sorted(maps.Keys(theirs)) {
		left = append(left, omitted{what: "setting " + id, reason: fmt.Sprintf("managed by launch.hcl owner %q, whose file declares it", theirs[id])})
	}
	return mine, left
}

// ownerCounts lists owners with their counts, sorted: "default (3), marketing (2)".
func ownerCounts(counts map[string]int) string {
	owners := make([]string, 0, len(counts))
	for o := range counts {
		owners = append(owners, o)
	}
	sort.Strings(owners)
	for i, o := range owners {
		owners[i] = fmt.Sprintf("%s (%d)", o, counts[o])
	}
	return strings.Join(owners, ", ")
}

// Zone renders HCL that declares the live zone: see the package documentation for
// what is written and what is left out. The output is canonical (hclwrite.Format
// leaves it unchanged) and depends only on live and o.
func Zone(live *model.LiveZone, o Options) ([]byte, error) {
	t, err := resolve(live, o)
	if err != nil {
		return nil, err
	}
	owner, err := t.owner(live, o)
	if err != nil {
		return nil, err
	}
	zone, provider, kind, pname, caps := t.zone, t.provider, t.kind, t.pname, t.caps
	var others []string
	for o := range markedOwners(live, zone, caps) {
		if o != owner {
			others = append(others, o)
		}
	}
	sort.Strings(others)

	f := hclwrite.NewFile()
	body := f.Body()
	appendComments(body,
		"Imported from the live zone "+zone+" by `launchready import`.",
		"Review it, then run `launchready plan`: existing records become launchready's",
		"only when you apply, and the plan shows each adoption.",
	)
	if len(others) > 0 {
		all := ownership.SortedUnique(append([]string{owner}, others...))
		appendComments(body,
			"The zone is managed by several launch.hcl files (owners "+strings.Join(all, ", ")+"); this is owner "+owner+"'s.",
			"What the other owners marked is theirs: it is listed as not imported, and their files declare it.",
		)
	} else if owner != ownership.DefaultOwner {
		appendComments(body, "launchready's records and rules here carry owner "+owner+"'s marks ("+ownership.Marker(owner)+"): this is that owner's file.")
	}
	if kind != "cloudflare" && o.ProviderBlock == nil {
		appendComments(body, fmt.Sprintf("The zone uses provider %q: put it in the file that declares provider %q %q.", provider, kind, pname))
	}
	body.AppendNewline()
	if p := o.ProviderBlock; p != nil {
		writeProvider(body, p)
		body.AppendNewline()
	}

	zb := body.AppendNewBlock("zone", []string{zone}).Body()
	zb.SetAttributeValue("provider", cty.StringVal(provider))
	if owner != ownership.DefaultOwner {
		zb.SetAttributeValue("owner", cty.StringVal(owner))
	}
	zb.SetAttributeValue("authoritative", cty.BoolVal(o.Authoritative))

	var left []omitted
	if o.Settings && caps.Settings && live.Settings != nil {
		mine, theirs := settingsOf(live, zone, owner)
		left = append(left, theirs...)
		left = append(left, writeSettings(zb, mine)...)
	}

	sets, skipped := groupRecords(live.Records, zone, caps, owner)
	left = append(left, skipped...)
	for _, s := range sets {
		zb.AppendNewline()
		writeRecord(zb, s)
	}

	if caps.Redirects || caps.Cache {
		left = append(left, writeRules(zb, live, zone, owner)...)
	}

	if len(left) > 0 {
		zb.AppendNewline()
		lines := []string{"Not imported (launchready leaves these as they are):"}
		for _, l := range left {
			reason := l.reason
			if o.Authoritative && l.sweepable {
				reason += "; WARNING: as the zone is authoritative, the next apply deletes it unless you declare it or add an ignore pattern"
			}
			lines = append(lines, "  "+l.what+" ("+reason+")")
		}
		appendComments(zb, lines...)
	}
	out := hclwrite.Format(f.Bytes())
	if problems := validate(out, kind, provider, o.ProviderBlock); len(problems) > 0 {
		body.AppendNewline()
		lines := []string{"`launchready validate` finds problems in this file that come from the live zone;", "fix them before planning:"}
		for _, p := range problems {
			lines = append(lines, "  "+p)
		}
		appendComments(body, lines...)
		out = hclwrite.Format(f.Bytes())
	}
	return out, nil
}

// validate loads the rendered file the way `launchready validate` would and returns
// its errors, one line each. An rfc2136 zone imported without its provider block is
// checked against a stand-in block, since the user's real one lives elsewhere.
func validate(src []byte, kind, provider string, block *schema.Provider) []string {
	check := src
	if kind != "cloudflare" && block == nil {
		_, name, _ := strings.Cut(provider, ".")
		check = append(append([]byte(nil), src...), fmt.Sprintf("\nprovider %q %q {\n  server = \"127.0.0.1:53\"\n  tsig_key = \"key.\"\n  tsig_secret_env = \"TSIG_SECRET\"\n}\n", kind, name)...)
	}
	_, diags := schema.LoadSource("launch.hcl", check, schema.Options{})
	var out []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			msg = fmt.Sprintf("line %d: %s", d.Subject.Start.Line, msg)
		}
		out = append(out, strings.Join(strings.Fields(msg), " "))
	}
	return out
}

// writeProvider writes a `provider "<kind>" "<name>"` block.
func writeProvider(body *hclwrite.Body, p *schema.Provider) {
	b := body.AppendNewBlock("provider", []string{p.Kind, p.Name}).Body()
	for _, a := range []struct{ name, value string }{
		{"server", p.Server},
		{"tsig_key", p.TSIGKey},
		{"tsig_algorithm", p.TSIGAlgorithm},
		{"tsig_secret_env", p.TSIGSecretEnv},
	} {
		if a.value != "" {
			b.SetAttributeValue(a.name, cty.StringVal(a.value))
		}
	}
}

// rrset is one imported record set.
type rrset struct {
	rel     string // relative name ("@" for the apex)
	typ     string
	values  []string // canonical, sorted, unique
	ttl     int
	proxied bool
	comment string
	notes   []string // what could not be reproduced exactly
}

// groupRecords turns live records into record sets, and says which records it left out.
// Records another owner marked are left out: that owner's file declares them.
func groupRecords(records []model.Record, zone string, caps model.Capabilities, owner string) ([]*rrset, []omitted) {
	type group struct {
		set     *rrset
		records []model.Record
	}
	groups := map[model.Key]*group{}
	var left []omitted
	ledger, _ := ownership.ReadLedger(zone, records)
	style := ownership.StyleFor(caps)
	for _, r := range records {
		name := model.CanonicalLiveName(r.Name)
		typ := strings.ToUpper(r.Type)
		rel := model.RelativeName(name, zone)
		show := func() string { return rel + " " + typ + " " + commentValue(r.Value) }
		switch {
		case name != zone && !strings.HasSuffix(name, "."+zone):
			left = append(left, omitted{show(), "outside the zone", false})
			continue
		case typ == "SOA":
			left = append(left, omitted{show(), "kept by the DNS host", false})
			continue
		case typ == "NS" && name == zone:
			left = append(left, omitted{show(), "the zone's own name servers, kept by the DNS host", false})
			continue
		case plan.IsRegistryName(name) && typ == "TXT" && strings.HasPrefix(r.Value, plan.RegistryVersion):
			left = append(left, omitted{show(), "launchready's ownership registry", false})
			continue
		case plan.IsRegistryName(name):
			left = append(left, omitted{show(), "at a name reserved for launchready's ownership registry", true})
			continue
		case !model.IsRecordType(typ):
			left = append(left, omitted{show(), "type " + typ + " cannot be declared in launch.hcl", false})
			continue
		case typ == "TXT" && !utf8.ValidString(r.Value):
			left = append(left, omitted{show(), "TXT text that is not UTF-8 cannot be written in launch.hcl", true})
			continue
		}
		v, err := model.CanonicalValue(typ, r.Value, zone)
		if err != nil {
			left = append(left, omitted{show(), "invalid value: " + err.Error(), true})
			continue
		}
		if o, _ := style.OwnerOf(r, typ, v, ledger); o != "" && o != owner {
			left = append(left, omitted{show(), fmt.Sprintf("marked by launch.hcl owner %q, whose file declares it; launchready never changes it from this file", o), false})
			continue
		}
		r.Value = v
		k := model.Key{Name: name, Type: typ}
		g := groups[k]
		if g == nil {
			g = &group{set: &rrset{rel: rel, typ: typ}}
			groups[k] = g
		}
		g.records = append(g.records, r)
	}

	sets := make([]*rrset, 0, len(groups))
	for _, g := range groups {
		s := g.set
		rs := g.records
		model.SortRecords(rs)
		seen := map[string]bool{}
		ttls := map[int]bool{}
		proxied, comments := 0, map[string]bool{}
		for _, r := range rs {
			if !seen[r.Value] {
				seen[r.Value] = true
				s.values = append(s.values, r.Value)
			}
			ttls[r.TTL] = true
			if r.Proxied && caps.Proxied && model.Proxiable(s.typ) {
				proxied++
			}
			// The owner's marker is launchready's, not the user's comment.
			user, _ := ownership.SplitComment(r.Comment)
			comments[user] = true
		}
		sort.Strings(s.values)
		s.proxied = proxied == len(rs)
		if proxied > 0 && !s.proxied {
			s.notes = append(s.notes, fmt.Sprintf("%d of %d records are proxied in the live zone; a record set is proxied as a whole", proxied, len(rs)))
		}
		s.ttl = rs[0].TTL
		if len(ttls) > 1 {
			list := make([]int, 0, len(ttls))
			for t := range ttls {
				list = append(list, t)
			}
			sort.Ints(list)
			s.ttl = list[0]
			strs := make([]string, len(list))
			for i, t := range list {
				strs[i] = ttlString(t)
			}
			s.notes = append(s.notes, "the live records have different TTLs ("+strings.Join(strs, ", ")+"); the smallest is kept")
		}
		switch {
		case len(comments) > 1:
			s.notes = append(s.notes, "the live records carry different comments; none is kept")
		case strings.ContainsAny(firstUserComment(rs), "\r\n"):
			s.notes = append(s.notes, "the live comment spans several lines, which launch.hcl does not allow; it is not kept")
		default:
			s.comment = firstUserComment(rs)
		}
		if s.ttl != 0 && !s.proxied && (s.ttl < caps.MinTTL || s.ttl > caps.MaxTTL) {
			clamped := min(max(s.ttl, caps.MinTTL), caps.MaxTTL)
			s.notes = append(s.notes, fmt.Sprintf("the live TTL %d is outside what launch.hcl accepts (%d to %d); written as %d", s.ttl, caps.MinTTL, caps.MaxTTL, clamped))
			s.ttl = clamped
		}
		left = append(left, s.keepOne(zone)...)
		sets = append(sets, s)
	}
	sort.Slice(sets, func(i, j int) bool { return lessSet(sets[i], sets[j]) })
	sort.SliceStable(left, func(i, j int) bool {
		if left[i].what != left[j].what {
			return left[i].what < left[j].what
		}
		return left[i].reason < left[j].reason
	})
	return sets, left
}

// keepOne trims a set to what one record block may hold: a CNAME has one target, and a
// name publishes one SPF record (RFC 7208 §3.2). The values left out are returned.
func (s *rrset) keepOne(zone string) []omitted {
	var left []omitted
	show := func(v, why string) {
		left = append(left, omitted{s.rel + " " + s.typ + " " + commentValue(v), why, true})
	}
	switch s.typ {
	case "CNAME":
		for _, v := range s.values[1:] {
			show(v, "a CNAME record set holds one target; "+s.values[0]+" is imported")
		}
		s.values = s.values[:1]
	case "TXT":
		var kept []string
		spf := ""
		for _, v := range s.values {
			if isSPF(v) {
				if spf != "" {
					show(v, "a name publishes one SPF record (RFC 7208 §3.2); merge it into the imported one")
					continue
				}
				spf = v
			}
			kept = append(kept, v)
		}
		s.values = kept
	}
	return left
}

// isSPF reports whether a TXT value is an SPF record (RFC 7208 §4.5).
func isSPF(v string) bool {
	return len(v) >= 6 && strings.EqualFold(v[:6], "v=spf1") && (len(v) == 6 || v[6] == ' ')
}

func ttlString(t int) string {
	if t == 0 {
		return "automatic"
	}
	return strconv.Itoa(t)
}

// lessSet orders record sets apex first, then by relative name, then by type in
// model.RecordTypes order.
func lessSet(a, b *rrset) bool {
	if (a.rel == "@") != (b.rel == "@") {
		return a.rel == "@"
	}
	if a.rel != b.rel {
		return a.rel < b.rel
	}
	return typeIndex(a.typ) < typeIndex(b.typ)
}

func typeIndex(t string) int {
	for i, x := range model.RecordTypes {
		if x == t {
			return i
		}
	}
	return len(model.RecordTypes)
}

func writeRecord(zb *hclwrite.Body, s *rrset) {
	b := zb.AppendNewBlock("record", []string{s.rel, s.typ}).Body()
	for _, n := range s.notes {
		appendComments(b, "NOTE: "+n+".")
	}
	if len(s.values) == 1 {
		b.SetAttributeValue("value", cty.StringVal(s.values[0]))
	} else {
		b.SetAttributeRaw("values", stringList(s.values))
	}
	if s.ttl != 0 && !s.proxied {
		b.SetAttributeValue("ttl", cty.NumberIntVal(int64(s.ttl)))
	}
	if s.proxied {
		b.SetAttributeValue("proxied", cty.True)
	}
	if s.comment != "" {
		b.SetAttributeValue("comment", cty.StringVal(s.comment))
	}
}

// stringList renders a list of strings on one line when it is short, else one element
// per line.
func stringList(values []string) hclwrite.Tokens {
	elems := make([]hclwrite.Tokens, len(values))
	width := 0
	for i, v := range values {
		elems[i] = hclwrite.TokensForValue(cty.StringVal(v))
		width += len(elems[i].Bytes()) + 2
	}
	if width <= lineWidth {
		return hclwrite.TokensForTuple(elems)
	}
	toks := hclwrite.Tokens{
		{Type: hclsyntax.TokenOBrack, Bytes: []byte("[")},
		{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
	}
	for _, e := range elems {
		toks = append(toks, e...)
		toks = append(toks,
			&hclwrite.Token{Type: hclsyntax.TokenComma, Bytes: []byte(",")},
			&hclwrite.Token{Type: hclsyntax.TokenNewline, Bytes: []byte("\n")},
		)
	}
	return append(toks, &hclwrite.Token{Type: hclsyntax.TokenCBrack, Bytes: []byte("]")})
}

// settingOrder is the order settings are written in.
var settingOrder = []string{
	model.SettingSSL,
	model.SettingAlwaysUseHTTPS,
	model.SettingMinTLSVersion,
	model.SettingTLS13,
	model.SettingAutomaticHTTPSRewrites,
	model.SettingSecurityLevel,
}

// boolSettings are on/off switches written as booleans.
var boolSettings = map[string]bool{
	model.SettingAlwaysUseHTTPS:         true,
	model.SettingAutomaticHTTPSRewrites: true,
}

// writeSettings writes the `settings` block (when there is anything to write).
func writeSettings(zb *hclwrite.Body, s *model.Settings) []omitted {
	var left []omitted
	type attr struct {
		name string
		val  cty.Value
	}
	var attrs []attr
	for _, id := range settingOrder {
		v, ok := s.Values[id]
		if !ok {
			continue
		}
		if boolSettings[id] {
			switch v {
			case "on":
				attrs = append(attrs, attr{id, cty.True})
			case "off":
				attrs = append(attrs, attr{id, cty.False})
			default:
				left = append(left, omitted{what: "setting " + id + " = " + commentValue(v), reason: "not an on/off value"})
			}
			continue
		}
		attrs = append(attrs, attr{id, cty.StringVal(v)})
	}
	ids := make([]string, 0, len(s.Values))
	for id := range s.Values {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if !contains(settingOrder, id) {
			left = append(left, omitted{what: "setting " + id + " = " + commentValue(s.Values[id]), reason: "launch.hcl does not manage this setting"})
		}
	}
	hsts := s.HSTS != nil && s.HSTS.Enabled
	if len(attrs) == 0 && !hsts {
		return left
	}
	zb.AppendNewline()
	b := zb.AppendNewBlock("settings", nil).Body()
	for _, a := range attrs {
		b.SetAttributeValue(a.name, a.val)
	}
	if hsts {
		h := b.AppendNewBlock("hsts", nil).Body()
		h.SetAttributeValue("max_age", cty.NumberIntVal(int64(s.HSTS.MaxAge)))
		h.SetAttributeValue("include_subdomains", cty.BoolVal(s.HSTS.IncludeSubdomains))
		h.SetAttributeValue("preload", cty.BoolVal(s.HSTS.Preload))
		h.SetAttributeValue("nosniff", cty.BoolVal(s.HSTS.Nosniff))
	}
	return left
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// appendComments appends `# line` comments to body.
func appendComments(body *hclwrite.Body, lines ...string) {
	var toks hclwrite.Tokens
	for _, l := range lines {
		toks = append(toks, &hclwrite.Token{Type: hclsyntax.TokenComment, Bytes: []byte(strings.TrimRight("# "+l, " ") + "\n")})
	}
	body.AppendUnstructuredTokens(toks)
}

// commentValue shows a value on one comment line: quoted (Go syntax, so control
// characters and invalid UTF-8 are visible), shortened when long.
func commentValue(v string) string {
	if utf8.RuneCountInString(v) > maxCommentValue {
		r := []rune(v)
		v = string(r[:maxCommentValue]) + "…"
	}
	return strconv.Quote(v)
}

// firstUserComment is the user's part of the first record's comment (without
// launchready's ownership marker).
func firstUserComment(rs []model.Record) string {
	user, _ := ownership.SplitComment(rs[0].Comment)
	return strings.TrimSpace(user)
}
