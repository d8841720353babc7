package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

// converge computes the plan for z, applies it in memory as a provider would, and
// checks that planning again finds nothing to do. It returns the live state after the
// apply and the first plan.
func converge(t *testing.T, z *schema.Zone, lz *model.LiveZone) (*model.LiveZone, *Plan) {
	t.Helper()
	cfg := cfgOf(z)
	before := map[string]*model.LiveZone{zn: lz}
	p, err := Compute(cfg, before)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	after := applyPlan(t, p, before)
	again, err := Compute(cfg, after)
	if err != nil {
		t.Fatalf("Compute after apply: %v", err)
	}
	zp := again.Zones[0]
	if again.HasChanges() {
		t.Errorf("plan after apply is not empty:\nchanges: %q\nops: %q\nsettings: %+v\nrules: %v", changeStrings(zp.Changes), opStrings(zp.RecordOps), zp.SettingWrites, zp.RuleWrites)
	}
	if len(zp.Warnings) > 0 {
		t.Errorf("plan after apply has warnings: %q", zp.Warnings)
	}
	if diff := cmp.Diff(recordStrings(p.Zones[0].Unmanaged), recordStrings(zp.Unmanaged)); diff != "" {
		t.Errorf("unmanaged records moved (-first plan +after apply):\n%s", diff)
	}
	if again.LiveFingerprint == p.LiveFingerprint && p.HasChanges() {
		t.Errorf("live fingerprint did not move although the apply changed live state")
	}
	return after[zn], p
}

// everyType declares one set of every record type launch.hcl supports.
func everyType(proxy bool) []model.RRSet {
	apexA := withComment(rr("@", "A", "203.0.113.10"), "marketing site")
	app := rr("app", "CNAME", "app-prod.fly.dev")
	if proxy {
		apexA, app = proxied(apexA), proxied(app)
	}
	return []model.RRSet{
		apexA,
		app,
		withTTL(rr("api", "A", "203.0.113.20", "203.0.113.21"), 300),
		rr("v6", "AAAA", "2001:db8::1", "2001:db8::2"),
		rr("@", "MX", "10 mx1.mailhost.net", "20 mx2.mailhost.net"),
		rr("@", "TXT", "google-site-verification=abc", "v=spf1 include:_spf.google.com -all"),
		withOrigin(rr("google._domainkey", "TXT", "v=DKIM1; k=rsa; p="+longText+longText), "email.dkim.google"),
		withOrigin(rr("_dmarc", "TXT", "v=DMARC1; p=quarantine"), "email.dmarc"),
		rr("@", "CAA", `0 issue "letsencrypt.org"`, `0 iodef "mailto:security@example.com"`),
		rr("_sip._tcp", "SRV", "10 5 5060 sip.example.com"),
		rr("*.preview", "CNAME", "previews.hosting.net"),
		withTTL(rr("delegated", "NS", "ns1.other.net", "ns2.other.net"), 3600),
		rr("10.rev", "PTR", "host.example.com"),
	}
}

func TestIdempotenceEveryRecordType(t *testing.T) {
	for _, provider := range []string{"cloudflare", "rfc2136"} {
		for _, set := range everyType(provider == "cloudflare") {
			t.Run(provider+"/"+set.Key().String(), func(t *testing.T) {
				mk := func(sets ...model.RRSet) *schema.Zone {
					if provider == "cloudflare" {
						return cfZone(sets...)
					}
					return dnsZone(sets...)
				}
				// An unmanaged record that must survive every step.
				lz := live(one(rec(idFor(provider, "u1"), "hand", "TXT", "made by hand", 300)))

				lz, p := converge(t, mk(set), lz)
				if s := p.Summary(); s.Add != 1 {
					t.Errorf("first plan summary = %+v, want 1 to add", s)
				}

				changed := set
				changed.Values = append([]string(nil), set.Values...)
				changed.Values[0] = otherValue(set.Type)
				changed.Values = ownership.SortedUnique(changed.Values)
				changed.TTL = 900
				if changed.Proxied {
					changed.Proxied = false
				}
				lz, p = converge(t, mk(changed), lz)
				if s := p.Summary(); s.Change != 1 {
					t.Errorf("second plan summary = %+v, want 1 to change", s)
				}

				lz, p = converge(t, mk(), lz)
				if s := p.Summary(); s.Delete != 1 {
					t.Errorf("third plan summary = %+v, want 1 to delete", s)
				}
				if diff := cmp.Diff([]string{`hand.example.com TXT "made by hand" ttl=300`}, recordStrings(stripIDs(lz.Records))); diff != "" {
					t.Errorf("live records after removing the block (-want +got):\n%s", diff)
				}
			})
		}
	}
}

func idFor(provider, id string) string {
	if provider == "cloudflare" {
		return id
	}
	return ""
}

func stripIDs(rs []model.Record) []model.Record {
	out := append([]model.Record(nil), rs...)
	for i := range out {
		out[i].ID = ""
	}
	return out
}

// otherValue is a valid value of typ different from everything everyType uses.
func otherValue(typ string) string {
	switch typ {
	case "A":
		return "198.51.100.7"
	case "AAAA":
		return "2001:db8::99"
	case "CNAME":
		return "other.hosting.net"
	case "MX":
		return "30 mx3.mailhost.net"
	case "TXT":
		return "v=other " + longText
	case "CAA":
		return `0 issuewild "pki.goog"`
	case "SRV":
		return "20 10 5061 sip2.example.com"
	case "NS":
		return "ns3.other.net"
	case "PTR":
		return "other.example.com"
	}
	panic("no other value for " + typ)
}

func TestIdempotenceWholeZone(t *testing.T) {
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	assets := cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false)
	bypass := cacheRule("app-bypass", []string{"app.example.com"}, "", 0, true)
	h1 := handRule("h1", model.PhaseRedirect, "legacy")
	h2 := handRule("h2", model.PhaseCache, "images")

	sets := everyType(true)
	sets = append(sets, rr("www", "CNAME", "example.com"), rr("mail", "CNAME", "ghs.googlehosted.com"))
	z := withSettings(cfZone(sets...),
		map[string]string{"ssl": "strict", "always_use_https": "on", "min_tls_version": "1.2"},
		&model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true})
	withRules(z, www, assets, bypass)

	lz := live(
		one(rec("u1", "hand", "TXT", "made by hand", 300), rec("u2", "legacy", "A", "192.0.2.200", 0)),
		owned("m1", rec("r1", "api", "A", "203.0.113.19", 300)),                                                  // value replaced
		owned("m2", rec("r2", "gone", "A", "192.0.2.9", 0)),                                                      // block removed
		owned("m3", rec("r3", "mail", "A", "192.0.2.25", 0)),                                                     // type change
		one(rec("r4", "www", "CNAME", "example.com", 3600)),                                                      // adopted
		one(markRec("m5", "stale", "A 192.0.2.77")),                                                              // mark of a deleted record
		one(model.Record{ID: "m6", Name: RegistryName(zn), Type: "TXT", Value: markText(nil, "ssl", "tls_1_3")}), // apex mark, tls_1_3 forgotten
	)
	lz.Settings = &model.Settings{
		Values: map[string]string{"ssl": "full", "always_use_https": "off", "min_tls_version": "1.0", "tls_1_3": "on"},
		HSTS:   &model.HSTS{},
	}
	lz.Rules = map[string][]model.Rule{
		model.PhaseRedirect: {h1, asLive(redirectRule("old", "https://old.example.com/*", "https://example.com/", 302), "x1")},
		model.PhaseCache:    {h2},
	}

	after, p := converge(t, z, lz)
	s := p.Summary()
	if s.Delete == 0 || s.Adopt != 1 || s.Forget != 1 || s.Add == 0 || s.Change == 0 || s.Unmanaged != 2 {
		t.Errorf("first plan summary = %+v; want adds, changes, deletes, 1 adopt, 1 forget, 2 unmanaged", s)
	}
	if got := p.Zones[0].Warnings; len(got) != 1 {
		t.Errorf("first plan warnings = %q, want one about the stale mark", got)
	}
	ruleNamesOf := func(rs []model.Rule) []string {
		var out []string
		for _, r := range rs {
			out = append(out, ruleName(r))
		}
		return out
	}
	if diff := cmp.Diff([]string{"(hand-made) legacy", "www-to-apex"}, ruleNamesOf(after.Rules[model.PhaseRedirect])); diff != "" {
		t.Errorf("redirect phase after apply (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"(hand-made) images", "assets", "app-bypass"}, ruleNamesOf(after.Rules[model.PhaseCache])); diff != "" {
		t.Errorf("cache phase after apply (-want +got):\n%s", diff)
	}

	// Removing everything from the file deletes what launchready owns and nothing else.
	empty, p2 := converge(t, cfZone(), after)
	if s := p2.Summary(); s.Forget != 4 || s.Adopt != 0 {
		t.Errorf("teardown summary = %+v; want the 4 settings forgotten", s)
	}
	if diff := cmp.Diff([]string{
		`u1 hand.example.com TXT "made by hand" ttl=300`,
		`u2 legacy.example.com A "192.0.2.200" ttl=0`,
	}, recordStrings(empty.Records)); diff != "" {
		t.Errorf("records after teardown (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"h1 (hand-made) legacy"}, ruleList(empty.Rules[model.PhaseRedirect])); diff != "" {
		t.Errorf("redirect rules after teardown (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"h2 (hand-made) images"}, ruleList(empty.Rules[model.PhaseCache])); diff != "" {
		t.Errorf("cache rules after teardown (-want +got):\n%s", diff)
	}
	if empty.Settings.Values["ssl"] != "strict" {
		t.Errorf("a forgotten setting was reset: ssl = %q", empty.Settings.Values["ssl"])
	}
}

func TestIdempotenceAuthoritativeRFC2136(t *testing.T) {
	z := dnsZone(everyType(false)...)
	z.Authoritative = true
	z.Ignore = []string{"_acme-challenge*"}
	lz := live(one(
		rec("", "_acme-challenge", "TXT", "token", 60),
		rec("", "@", "NS", "ns1.example.com", 3600),
		rec("", "forgotten", "A", "192.0.2.1", 300),
		rec("", "api", "A", "203.0.113.20", 300),
	))
	after, p := converge(t, z, lz)
	if s := p.Summary(); s.Delete != 1 || s.Unmanaged != 2 {
		t.Errorf("summary = %+v, want 1 delete (forgotten A) and 2 unmanaged (ignored, apex NS)", s)
	}
	// api A was owned through authoritative mode; it now also carries a mark.
	found := false
	for _, r := range after.Records {
		if r.Name == RegistryName(fqdn("api")) {
			found = true
		}
	}
	if !found {
		t.Error("no ownership mark written for api.example.com")
	}
}

// TestIdempotenceAdoptRules applies a file that declares hand-made rules as blocks
// (what `launchready import` writes): the identical ones are adopted in place (same
// id, same position, launchready's ref and description), similar ones stay as they
// are next to launchready's new rule, nothing is duplicated, and planning again finds
// nothing to do.
func TestIdempotenceAdoptRules(t *testing.T) {
	www := described(redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301), "launchready: www-to-apex")
	docs := schema.CompileRedirect(schema.RedirectSpec{Name: "docs", Expression: `(http.host eq "docs.example.com")`, To: "https://example.com/docs", Status: 308})
	assets := described(cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false), "launchready: assets")
	bypass := described(cacheRule("app-bypass", []string{"app.example.com"}, "", 0, true), "launchready: app-bypass")

	h1 := handRule("h1", model.PhaseRedirect, "legacy")
	similar := handCopy(redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 302), "s1", "WWW (302)")
	keyed := withRaw(handCopy(bypass, "s2", "app bypass with a key"), `{"cache":false,"cache_key":{"ignore_query_strings_order":true}}`)

	z := withRules(cfZone(), www, docs, assets, bypass)
	lz := liveRules(
		[]model.Rule{h1, handCopy(www, "hw", "WWW to apex"), handCopy(docs, "hd", "Docs"), similar},
		[]model.Rule{handCopy(assets, "ha", "Assets"), keyed},
	)
	after, p := converge(t, z, lz)

	if s := p.Summary(); s != (Summary{Add: 1, Adopt: 3}) {
		t.Errorf("first plan summary = %+v, want 3 to adopt and 1 to add (app-bypass, whose hand-made look-alike has a cache key)", s)
	}
	for _, c := range p.Zones[0].Changes {
		if c.Key == model.PhaseRedirect || c.Key == model.PhaseCache {
			t.Errorf("adoption moved rules: %s", changeStrings([]Change{c}))
		}
	}
	// Each rule keeps its id and place; adopted ones carry launchready's ref and
	// description, the others are as they were.
	type view struct{ ID, Ref, Description string }
	views := func(rs []model.Rule) []view {
		var out []view
		for _, r := range rs {
			out = append(out, view{r.ID, r.Ref, r.Description})
		}
		return out
	}
	wantRedirects := []view{
		{"h1", "", "legacy"},
		{"hw", "launchready:redirect:www-to-apex", "launchready: www-to-apex"},
		{"hd", "launchready:redirect:docs", "launchready: docs"},
		{"s1", "s1", "WWW (302)"},
	}
	if diff := cmp.Diff(wantRedirects, views(after.Rules[model.PhaseRedirect])); diff != "" {
		t.Errorf("redirect rules after apply (-want +got):\n%s", diff)
	}
	wantCache := []view{
		{"ha", "launchready:cache:assets", "launchready: assets"},
		{"rule-2", "launchready:cache:app-bypass", "launchready: app-bypass"}, // rule-1 is the apex mark
		{"s2", "s2", "app bypass with a key"},
	}
	if diff := cmp.Diff(wantCache, views(after.Rules[model.PhaseCache])); diff != "" {
		t.Errorf("cache rules after apply (-want +got):\n%s", diff)
	}
	for _, r := range append(after.Rules[model.PhaseRedirect], after.Rules[model.PhaseCache]...) {
		switch r.ID {
		case "h1", "s1", "s2":
			want := h1
			if r.ID == "s1" {
				want = similar
			} else if r.ID == "s2" {
				want = keyed
			}
			if diff := cmp.Diff(want, r); diff != "" {
				t.Errorf("hand-made rule %s changed (-want +got):\n%s", r.ID, diff)
			}
		}
	}

	// Removing the blocks later deletes the adopted rules like any of launchready's.
	empty, p2 := converge(t, cfZone(), after)
	if s := p2.Summary(); s != (Summary{Delete: 4}) {
		t.Errorf("teardown summary = %+v, want 4 rules deleted", s)
	}
	if diff := cmp.Diff([]string{"h1 (hand-made) legacy", "s1 (hand-made) WWW (302)"}, ruleList(empty.Rules[model.PhaseRedirect])); diff != "" {
		t.Errorf("redirect rules after teardown (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"s2 (hand-made) app bypass with a key"}, ruleList(empty.Rules[model.PhaseCache])); diff != "" {
		t.Errorf("cache rules after teardown (-want +got):\n%s", diff)
	}

	// A rule adopted away from launchready's other rules stays where it is; one the
	// file orders differently moves (the plan shows it), and stays there.
	old := described(redirectRule("old-blog", "https://blog.example.com/*", "https://example.com/blog/${1}", 302), "launchready: old-blog")
	apart := liveRules([]model.Rule{asLive(old, "b"), h1, handCopy(www, "hw", "WWW")}, nil)
	inPlace, p3 := converge(t, withRules(cfZone(), old, www), apart)
	if s := p3.Summary(); s != (Summary{Adopt: 1}) {
		t.Errorf("plan adopting a rule apart from launchready's: summary = %+v, want 1 to adopt and nothing else", s)
	}
	if diff := cmp.Diff([]string{"b old-blog", "h1 (hand-made) legacy", "hw www-to-apex"}, ruleList(inPlace.Rules[model.PhaseRedirect])); diff != "" {
		t.Errorf("redirect rules after adopting apart (-want +got):\n%s", diff)
	}
	moved, p4 := converge(t, withRules(cfZone(), www, old), apart)
	if got := changeStrings(withoutRulesMark(t, p4.Zones[0]).Changes); len(got) != 2 || !strings.HasPrefix(got[1], "update redirect http_request_dynamic_redirect | order:") {
		t.Errorf("plan adopting a rule the file orders first = %q, want the adoption and an order change", got)
	}
	if diff := cmp.Diff([]string{"hw www-to-apex", "h1 (hand-made) legacy", "b old-blog"}, ruleList(moved.Rules[model.PhaseRedirect])); diff != "" {
		t.Errorf("redirect rules after adopting and reordering (-want +got):\n%s", diff)
	}
}

// TestIdempotenceRuleEditedByHand: launchready's rule with a parameter added in the
// dashboard is rewritten from its block once (the plan shows it), then left alone.
func TestIdempotenceRuleEditedByHand(t *testing.T) {
	assets := cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false)
	edited := withRaw(asLive(assets, "c"), `{"cache":true,"edge_ttl":{"mode":"override_origin","default":2592000},"cache_key":{"ignore_query_strings_order":true}}`)
	after, p := converge(t, withRules(cfZone(), assets), liveRules(nil, []model.Rule{edited}))
	if s := p.Summary(); s != (Summary{Change: 1}) {
		t.Errorf("plan summary = %+v, want 1 to change", s)
	}
	if got := after.Rules[model.PhaseCache]; len(got) != 1 || got[0].ID != "c" || len(got[0].Raw) != 0 {
		t.Errorf("cache rules after apply = %+v, want rule c written from its block", got)
	}
}
