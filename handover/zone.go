package handover

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

// zoneView is everything the map shows about one zone, already sorted.
type zoneView struct {
	z    *schema.Zone
	caps model.Capabilities
	kind string
	// owner is the zone block's owner (ownership.DefaultOwner when it names none);
	// style is how the provider kind marks records, and tells a user's comment from
	// the ownership marker.
	owner string
	style ownership.Style
	// live is nil when the map is drawn from the config only.
	live *model.LiveZone
	// planErr is set when live state was given but could not be compared with the
	// config (the map then shows no ownership or sync state).
	planErr string
	zp      *plan.ZonePlan
	changes map[string]plan.Change // by change key, ownership marks excluded

	// assigned are the name servers the provider says it assigned to the zone
	// (LiveZone.Nameservers: Cloudflare's name_servers), in its order.
	assigned []string
	// nameservers are the values of the apex NS records read (sorted).
	nameservers []string
	marks       int  // ownership mark records in the live zone
	lock        bool // the zone holds apply-lock records (ownership/lock.go)
	// others are the other owners (other launch.hcl files) whose records or rules
	// the map shows, sorted.
	others    []string
	sets      []*setView
	settings  [][]string // table rows
	redirects []ruleRow
	caches    []ruleRow
	matrix    *sendingMatrix
}

// hasState reports whether the map can say whether objects are in sync.
func (v *zoneView) hasState() bool { return v.zp != nil }

// setView is one record set row.
type setView struct {
	name, typ string
	values    []string
	ttl       string
	proxied   bool
	purpose   string
	// owner is Markdown (already escaped): it may name other owners as code.
	owner string
	state string
	// handValues are values made by hand beside a declared set's (left alone).
	handValues []string
	// otherValues are values another owner marked beside a declared set's (left
	// alone), with their owner.
	otherValues []ownedValue
	// heldBy maps the declared values another owner holds (their record, left to
	// them) to that owner.
	heldBy map[string]string
}

// ownedValue is a live value and the other owner who marked it.
type ownedValue struct{ value, owner string }

// ruleRow is one redirect or cache rule.
type ruleRow struct {
	name   string
	cells  []string // kind-specific cells, escaped
	owner  string   // Markdown (already escaped)
	other  bool     // another owner's rule
	state  string
	hosts  []string // redirect: source and target host (for the diagram)
	status string
}

// displayValueLen is how many characters of a record value a table shows.
const displayValueLen = 80

func newZoneView(cfg *schema.Config, z *schema.Zone, live *model.LiveZone) *zoneView {
	v := &zoneView{z: z, live: live, kind: z.ProviderKind, owner: z.Owner, changes: map[string]plan.Change{}}
	if v.kind == "" {
		v.kind, _, _ = strings.Cut(z.Provider, ".")
	}
	if v.owner == "" {
		v.owner = ownership.DefaultOwner
	}
	v.caps = model.ProviderKinds[v.kind]
	v.style = ownership.StyleFor(v.caps)
	if live != nil {
		one := &schema.Config{Providers: cfg.Providers, Zones: []*schema.Zone{z}, Fingerprint: cfg.Fingerprint}
		p, err := plan.Compute(one, map[string]*model.LiveZone{z.Name: live})
		if err != nil {
			v.planErr = err.Error()
		} else if len(p.Zones) == 1 {
			v.zp = &p.Zones[0]
			for _, c := range v.zp.Changes {
				if c.Kind != plan.KindOwnership {
					v.changes[string(c.Kind)+" "+c.Key] = c
				}
			}
		}
	}
	v.buildSets()
	v.buildSettings()
	v.buildRules()
	v.others = sortedUnique(v.others)
	if z.Email != nil {
		v.matrix = matrixFromPolicy(z.Email, z.Name)
	} else {
		v.matrix = matrixFromRecords(v.sets, z.Name)
	}
	return v
}

// liveValue canonicalises a live value the way plan compares it.
func liveValue(typ, value, zone string) string {
	if typ == "TXT" || !model.IsRecordType(typ) {
		return value
	}
	if c, err := model.CanonicalValue(typ, value, zone); err == nil {
		return c
	}
	return value
}

func (v *zoneView) ttlString(ttl int, proxied bool) string {
	if proxied && v.caps.Proxied {
		return "auto"
	}
	if ttl == 0 {
		if v.caps.DefaultTTL > 0 {
			return strconv.Itoa(v.caps.DefaultTTL) + " (default)"
		}
		return "auto"
	}
	return strconv.Itoa(ttl)
}

// ignoredValues reports whether ignore entries (narrowed by type and value) cover
// every one of values.
func (v *zoneView) ignoredValues(name, typ string, values []string) bool {
	if len(values) == 0 {
		return false
	}
	for _, val := range values {
		if !model.Ignored(v.z.IgnoreRules, name, v.z.Name, typ, val) {
			return false
		}
	}
	return true
}

func (v *zoneView) ignored(name string) bool {
	rel := model.RelativeName(name, v.z.Name)
	for _, g := range v.z.Ignore {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
	}
	return false
}

func (v *zoneView) buildSets() {
	zone := v.z.Name
	desired := map[model.Key]model.RRSet{}
	for _, s := range v.z.RRSets() {
		s.Name = model.CanonicalLiveName(s.Name)
		s.Type = strings.ToUpper(s.Type)
		vals := make([]string, 0, len(s.Values))
		for _, x := range s.Values {
			vals = append(vals, liveValue(s.Type, x, zone))
		}
		s.Values = sortedUnique(vals)
		desired[s.Key()] = s
	}
	liveSets := map[model.Key][]model.Record{}
	unmanaged := map[string]bool{}
	// foreign maps a live record another owner marked to that owner: plan's verdict
	// (ZonePlan.Foreign), whatever the provider's marking style.
	foreign := map[string]string{}
	if v.live != nil {
		if v.zp != nil {
			for _, r := range v.zp.Unmanaged {
				unmanaged[recordID(r, zone)] = true
			}
			for _, f := range v.zp.Foreign {
				foreign[recordID(f.Record, zone)] = f.Owner
			}
		}
		for _, r := range v.live.Records {
			if _, _, ok := plan.ParseRegistryRecord(r); ok {
				v.marks++
				continue
			}
			name := model.CanonicalLiveName(r.Name)
			if ownership.IsLockName(name) && strings.EqualFold(r.Type, "TXT") {
				v.lock = true // the apply lock's generation (or a lock held now): said below
				continue
			}
			typ := strings.ToUpper(r.Type)
			if typ == "SOA" {
				continue
			}
			if typ == "NS" && name == zone {
				v.nameservers = append(v.nameservers, liveValue(typ, r.Value, zone))
				continue
			}
			r.Name, r.Type, r.Value = name, typ, liveValue(typ, r.Value, zone)
			liveSets[model.Key{Name: name, Type: typ}] = append(liveSets[model.Key{Name: name, Type: typ}], r)
		}
	}
	v.nameservers = sortedUnique(v.nameservers)
	if v.live != nil {
		for _, n := range v.live.Nameservers {
			if n = model.CanonicalLiveName(n); n != "" && !slices.Contains(v.assigned, n) {
				v.assigned = append(v.assigned, n)
			}
		}
	}

	keys := map[model.Key]bool{}
	for k := range desired {
		keys[k] = true
	}
	for k := range liveSets {
		keys[k] = true
	}
	for k := range keys {
		d, declared := desired[k]
		recs := liveSets[k]
		s := &setView{name: k.Name, typ: k.Type}
		if declared {
			s.values = d.Values
			s.proxied = d.Proxied && v.caps.Proxied
			s.ttl = v.ttlString(d.TTL, d.Proxied)
			s.purpose = d.Comment
			s.owner = "launchready"
			if emailRecordOrigin(d) {
				s.owner = "launchready (email block)"
			}
			if v.hasState() {
				s.state = v.declaredState(k, d)
			}
			// Values someone added by hand beside the declared ones (a verification
			// TXT beside the SPF record) are served too: the map says so.
			var byHand []string
			for _, r := range recs {
				if unmanaged[recordID(r, zone)] && !slices.Contains(s.values, r.Value) {
					byHand = append(byHand, r.Value)
				}
			}
			if len(byHand) > 0 {
				s.handValues = sortedUnique(byHand)
				s.owner += "; values marked (by hand) are left alone"
			}
			// Values another launch.hcl (another owner) marked are served too, and
			// stay theirs, declared here as well or not (plan warns about the former).
			var theirOwners []string
			for _, r := range recs {
				o := foreign[recordID(r, zone)]
				if o == "" {
					continue
				}
				theirOwners = append(theirOwners, o)
				if slices.Contains(s.values, r.Value) {
					if s.heldBy == nil {
						s.heldBy = map[string]string{}
					}
					s.heldBy[r.Value] = o
				} else {
					s.otherValues = append(s.otherValues, ownedValue{r.Value, o})
				}
			}
			slices.SortFunc(s.otherValues, func(a, b ownedValue) int {
				return strings.Compare(a.value+"\x00"+a.owner, b.value+"\x00"+b.owner)
			})
			s.otherValues = slices.Compact(s.otherValues)
			theirOwners = sortedUnique(theirOwners)
			v.others = append(v.others, theirOwners...)
			switch {
			case len(s.heldBy) == len(s.values) && len(s.heldBy) > 0:
				// Every declared value is another owner's: the set is theirs.
				s.owner = otherOwners(theirOwners) + "; declared here too (see the plan's warnings)"
				if len(s.handValues) > 0 {
					s.owner += "; values marked (by hand) are left alone"
				}
				if s.state == "in sync" {
					s.state = "left alone"
				}
			case len(theirOwners) > 0:
				s.owner += "; values marked (owner …) belong to another launch.hcl and are left alone"
			}
		} else {
			v.describeLive(s, recs, unmanaged, foreign)
		}
		v.sets = append(v.sets, s)
	}
	sort.Slice(v.sets, func(i, j int) bool {
		a, b := v.sets[i], v.sets[j]
		if (a.name == zone) != (b.name == zone) {
			return a.name == zone
		}
		if a.name != b.name {
			return a.name < b.name
		}
		return typeRank(a.typ) < typeRank(b.typ) || typeRank(a.typ) == typeRank(b.typ) && a.typ < b.typ
	})
}

func typeRank(t string) int {
	for i, x := range model.RecordTypes {
		if x == t {
			return i
		}
	}
	return len(model.RecordTypes)
}

// recordID identifies a live record for matching the plan's unmanaged list.
func recordID(r model.Record, zone string) string {
	typ := strings.ToUpper(r.Type)
	return model.CanonicalLiveName(r.Name) + "\x00" + typ + "\x00" + liveValue(typ, r.Value, zone) + "\x00" + r.ID
}

// declaredState says what the next apply does to a declared record set.
func (v *zoneView) declaredState(k model.Key, d model.RRSet) string {
	kind := plan.KindRecord
	if emailRecordOrigin(d) {
		kind = plan.KindEmail
	}
	c, ok := v.changes[string(kind)+" "+k.String()]
	if !ok {
		return "in sync"
	}
	return changeState(c.Action)
}

func changeState(a plan.Action) string {
	switch a {
	case plan.ActionCreate:
		return "not created yet: the next apply creates it"
	case plan.ActionUpdate:
		return "differs from the file: the next apply updates it"
	case plan.ActionAdopt:
		return "exists, not yet owned: the next apply adopts it"
	case plan.ActionDelete:
		return "no longer declared: the next apply deletes it"
	case plan.ActionForget:
		return "no longer declared: left as it is"
	}
	return string(a)
}

// describeLive fills a row for a set that exists only in the live zone.
func (v *zoneView) describeLive(s *setView, recs []model.Record, unmanaged map[string]bool, foreign map[string]string) {
	model.SortRecords(recs)
	var vals, ttls, comments, owners []string
	proxied := 0
	byHand, theirs := 0, 0
	for _, r := range recs {
		vals = append(vals, r.Value)
		ttls = append(ttls, v.ttlString(r.TTL, r.Proxied))
		// The purpose is what a person wrote, not the ownership marker.
		comments = append(comments, v.style.UserComment(r.Comment))
		if r.Proxied {
			proxied++
		}
		id := recordID(r, v.z.Name)
		switch {
		case v.zp == nil || unmanaged[id]:
			byHand++
		case foreign[id] != "":
			theirs++
			owners = append(owners, foreign[id])
		}
	}
	s.values = sortedUnique(vals)
	s.ttl = strings.Join(sortedUnique(ttls), ", ")
	s.proxied = proxied > 0 && proxied == len(recs)
	if c := sortedUnique(comments); len(c) == 1 {
		s.purpose = c[0]
	}
	owners = sortedUnique(owners)
	v.others = append(v.others, owners...)
	mine := len(recs) - byHand - theirs
	switch {
	case v.zp == nil:
		s.owner = "not declared"
	case mine == 0 && theirs == 0:
		s.owner = "by hand (not in launch.hcl)"
		if v.ignored(s.name) || v.ignoredValues(s.name, s.typ, s.values) {
			s.owner = "by hand (ignored)"
		}
		s.state = "left alone"
	case mine == 0:
		s.owner = otherOwners(owners)
		if byHand > 0 {
			s.owner += fmt.Sprintf(" (%d of %d records; the others by hand)", theirs, len(recs))
		}
		s.state = "left alone"
	default:
		s.owner = "launchready"
		if byHand+theirs > 0 {
			s.owner = fmt.Sprintf("launchready (%d of %d records)", mine, len(recs))
		}
		if theirs > 0 {
			s.owner += fmt.Sprintf("; %d left alone: %s", theirs, otherOwners(owners))
		}
		s.state = "no longer declared: the next apply deletes it"
		if _, ok := v.changes[string(plan.KindRecord)+" "+model.Key{Name: s.name, Type: s.typ}.String()]; !ok {
			if _, ok := v.changes[string(plan.KindEmail)+" "+model.Key{Name: s.name, Type: s.typ}.String()]; !ok {
				s.state = "owned, not declared"
			}
		}
	}
}

// otherOwners names other owners (other launch.hcl files) as Markdown:
// "other launch.hcl (owner `marketing`)".
func otherOwners(owners []string) string {
	noun := "owner"
	if len(owners) > 1 {
		noun = "owners"
	}
	return "other launch.hcl (" + noun + " " + ownerList(owners) + ")"
}

// settingLabels explain each setting id.
var settingLabels = map[string]string{
	model.SettingSSL:                    "SSL/TLS encryption mode",
	model.SettingAlwaysUseHTTPS:         "Always use HTTPS",
	model.SettingMinTLSVersion:          "Minimum TLS version",
	model.SettingTLS13:                  "TLS 1.3",
	model.SettingAutomaticHTTPSRewrites: "Automatic HTTPS rewrites",
	model.SettingSecurityLevel:          "Security level",
	model.SettingSecurityHeader:         "HSTS",
}

var settingOrder = []string{
	model.SettingSSL,
	model.SettingAlwaysUseHTTPS,
	model.SettingMinTLSVersion,
	model.SettingTLS13,
	model.SettingAutomaticHTTPSRewrites,
	model.SettingSecurityLevel,
	model.SettingSecurityHeader,
}

func hstsString(h *model.HSTS) string {
	if h == nil {
		return ""
	}
	if !h.Enabled {
		return "off"
	}
	parts := []string{"on", "max-age=" + strconv.Itoa(h.MaxAge)}
	if h.IncludeSubdomains {
		parts = append(parts, "includeSubDomains")
	}
	if h.Preload {
		parts = append(parts, "preload")
	}
	if h.Nosniff {
		parts = append(parts, "nosniff")
	}
	return strings.Join(parts, "; ")
}

func settingValue(s *model.Settings, id string) string {
	if s == nil {
		return ""
	}
	if id == model.SettingSecurityHeader {
		return hstsString(s.HSTS)
	}
	return s.Values[id]
}

func (v *zoneView) buildSettings() {
	var want *model.Settings
	if v.z.Settings != nil {
		want = &v.z.Settings.Settings
	}
	var have *model.Settings
	if v.live != nil {
		have = v.live.Settings
	}
	ids := append([]string(nil), settingOrder...)
	var extra []string
	for _, s := range []*model.Settings{want, have} {
		if s == nil {
			continue
		}
		for id := range s.Values {
			if !contains(settingOrder, id) {
				extra = append(extra, id)
			}
		}
	}
	ids = append(ids, sortedUnique(extra)...)
	// Settings other owners' apex marks list are theirs: named, not "not managed".
	theirs := map[string][]string{}
	if v.live != nil {
		ledger, _ := ownership.ReadLedger(model.CanonicalLiveName(v.z.Name), v.live.Records)
		for owner, list := range ledger.Settings {
			if owner == v.owner {
				continue
			}
			for _, id := range list {
				theirs[id] = append(theirs[id], owner)
			}
		}
	}
	for _, id := range ids {
		w, h := settingValue(want, id), settingValue(have, id)
		if w == "" && h == "" {
			continue
		}
		label := settingLabels[id]
		if label == "" {
			label = id
		}
		row := []string{text(label) + " " + code(id), orDash(code(w))}
		if v.live != nil {
			row = append(row, orDash(code(h)))
		}
		if v.hasState() {
			state := "not managed by launchready"
			if c, ok := v.changes[string(plan.KindSetting)+" "+id]; ok {
				state = changeState(c.Action)
				if c.Action == plan.ActionUpdate {
					state = "differs from the file: the next apply sets it"
				}
			} else if w != "" {
				state = "in sync"
			}
			cell := text(state)
			if owners := theirs[id]; len(owners) > 0 && w == "" {
				sort.Strings(owners)
				cell = "managed by " + otherOwners(owners) // Markdown already
			}
			row = append(row, cell)
		}
		v.settings = append(v.settings, row)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// sortedUnique returns a sorted copy of ss without duplicates (nil for none).
func sortedUnique(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	return slices.Compact(slices.Sorted(slices.Values(ss)))
}
