package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

var update = flag.Bool("update", false, "rewrite plan/testdata/*.golden with the current output")

// goldenPlan is a plan with every kind of change: two zones, records of every action,
// email records, settings updated and forgotten, rules created, updated and deleted
// next to hand-made ones, ownership marks, unmanaged records and a warning.
func goldenPlan(t *testing.T) *Plan {
	t.Helper()
	www := redirectRule("www-to-apex", "https://www.example.com/*", "https://example.com/${1}", 301)
	assets := cacheRule("assets", []string{"example.com"}, "/assets/", 30*86400, false)
	z := withSettings(cfZone(
		withComment(proxied(rr("@", "A", "203.0.113.10")), "marketing site"),
		proxied(rr("app", "CNAME", "app-prod.fly.dev")),
		withTTL(rr("api", "A", "203.0.113.20", "203.0.113.21"), 300),
		rr("www", "CNAME", "example.com"),
		rr("@", "TXT", "google-site-verification=abc", "v=spf1 include:_spf.google.com -all"),
		withOrigin(rr("_dmarc", "TXT", "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"), "email.dmarc"),
	), map[string]string{"ssl": "strict", "always_use_https": "on"}, &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true})
	withRules(z, www, assets)

	lz := live(
		one(rec("u1", "hand", "TXT", "made `by` hand", 300), rec("u2", "legacy", "A", "192.0.2.200", 0)),
		owned("m1", rec("r1", "api", "A", "203.0.113.19", 300), rec("r2", "api", "A", "203.0.113.20", 600)),
		owned("m2", rec("r3", "gone", "A", "192.0.2.9", 0)),
		one(rec("r4", "www", "CNAME", "example.com", 3600)),
		one(markRec("m5", "stale", "A 192.0.2.77")),
		one(model.Record{ID: "m6", Name: RegistryName(zn), Type: "TXT", Value: markText(nil, "ssl", "tls_1_3")}),
	)
	lz.Settings = &model.Settings{
		Values: map[string]string{"ssl": "full", "always_use_https": "on", "tls_1_3": "on"},
		HSTS:   &model.HSTS{},
	}
	old := asLive(redirectRule("old-blog", "https://blog.example.com/*", "https://example.com/blog/${1}", 302), "x1")
	lz.Rules = map[string][]model.Rule{
		model.PhaseRedirect: {handRule("h1", model.PhaseRedirect, "legacy"), old},
		model.PhaseCache:    {asLive(cacheRule("assets", []string{"example.com"}, "/assets/", 86400, false), "c1")},
	}

	corp := dnsZone(withTTL(rr("vpn", "A", "198.51.100.1"), 300))
	corp.Name = "corp.example"
	corp.Records[0].Name = "vpn.corp.example"
	corpLive := &model.LiveZone{Name: "corp.example", Serial: 2024010101, Records: []model.Record{
		{Name: "vpn.corp.example", Type: "A", Value: "198.51.100.1", TTL: 300},
		{Name: "_launchready.vpn.corp.example", Type: "TXT", Value: markText([]string{"A 198.51.100.1"}), TTL: 300},
		{Name: "corp.example", Type: "NS", Value: "ns1.corp.example", TTL: 3600},
	}}

	p, err := Compute(&schema.Config{Zones: []*schema.Zone{z, corp}, Fingerprint: "c0ffee"}, map[string]*model.LiveZone{zn: lz, "corp.example": corpLive})
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	return p
}

// adoptPlan is the first plan of a zone just imported with `launchready import`:
// every record and rule the file declares exists live, made by hand, exactly as
// declared. The plan only takes ownership.
func adoptPlan(t *testing.T) *Plan {
	t.Helper()
	www := schema.CompileRedirect(schema.RedirectSpec{Name: "www-to-apex", From: "https://www.example.com/*", To: "https://example.com/${1}", Status: 301, PreserveQuery: true})
	assets := schema.CompileCache(schema.CacheSpec{Name: "assets", Hosts: []string{"example.com"}, PathPrefix: "/assets/", EdgeTTL: 30 * 86400})
	z := withRules(cfZone(
		proxied(rr("@", "A", "203.0.113.10")),
		proxied(rr("app", "CNAME", "app-prod.fly.dev")),
		rr("@", "MX", "10 mx1.mailhost.net", "20 mx2.mailhost.net"),
		withOrigin(rr("_dmarc", "TXT", "v=DMARC1; p=none"), "email.dmarc"),
	), www, assets)
	lz := live(one(
		recProxied(rec("r1", "@", "A", "203.0.113.10", 300)),
		recProxied(rec("r2", "app", "CNAME", "app-prod.fly.dev", 300)),
		rec("r3", "@", "MX", "10 mx1.mailhost.net", 0),
		rec("r4", "@", "MX", "20 mx2.mailhost.net", 0),
		rec("r5", "_dmarc", "TXT", "v=DMARC1; p=none", 0),
		rec("u1", "_acme-challenge", "TXT", "token", 120),
	))
	lz.Rules = map[string][]model.Rule{
		model.PhaseRedirect: {handCopy(www, "h1", "WWW to apex")},
		model.PhaseCache:    {handCopy(assets, "h2", "")},
	}
	return mustCompute(t, z, lz)
}

// quietPlan is a plan with nothing to do.
func quietPlan(t *testing.T) *Plan {
	t.Helper()
	return mustCompute(t, cfZone(withTTL(rr("api", "A", "192.0.2.1"), 300)),
		live(owned("m1", rec("r1", "api", "A", "192.0.2.1", 300)), one(rec("u1", "hand", "TXT", "made by hand", 300))))
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./plan -run %s -update to create it)", err, t.Name())
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestRenderGolden(t *testing.T) {
	tests := []struct {
		name   string
		plan   func(*testing.T) *Plan
		render func(*bytes.Buffer, *Plan) error
	}{
		{"text", goldenPlan, func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{}) }},
		{"text_verbose", goldenPlan, func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{Verbose: true}) }},
		{"text_color", goldenPlan, func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{Color: true}) }},
		{"text_adopt_only", adoptPlan, func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{}) }},
		{"markdown_adopt_only", adoptPlan, func(b *bytes.Buffer, p *Plan) error { return RenderMarkdown(b, p) }},
		{"text_no_changes", quietPlan, func(b *bytes.Buffer, p *Plan) error { return RenderText(b, p, TextOptions{}) }},
		{"json", goldenPlan, func(b *bytes.Buffer, p *Plan) error { return RenderJSON(b, p) }},
		{"json_no_changes", quietPlan, func(b *bytes.Buffer, p *Plan) error { return RenderJSON(b, p) }},
		{"markdown", goldenPlan, func(b *bytes.Buffer, p *Plan) error { return RenderMarkdown(b, p) }},
		{"markdown_no_changes", quietPlan, func(b *bytes.Buffer, p *Plan) error { return RenderMarkdown(b, p) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b, tt.plan(t)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.name, b.Bytes())
			// Rendering is deterministic.
			var again bytes.Buffer
			if err := tt.render(&again, tt.plan(t)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), again.Bytes()) {
				t.Error("two renderings of the same plan differ")
			}
		})
	}
}

func TestRenderTextColorOnlyWhenAsked(t *testing.T) {
	p := goldenPlan(t)
	var plain, colored bytes.Buffer
	if err := RenderText(&plain, p, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := RenderText(&colored, p, TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain text contains ANSI escapes")
	}
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Error("coloured text has no ANSI escapes")
	}
}

func TestSummaryLine(t *testing.T) {
	tests := []struct {
		name string
		plan *Plan
		want string
	}{
		{
			name: "no changes",
			plan: &Plan{Zones: []ZonePlan{{Unmanaged: make([]model.Record, 3)}}},
			want: "No changes. Live state matches launch.hcl (3 unmanaged left alone).",
		},
		{
			name: "counts",
			plan: &Plan{Zones: []ZonePlan{{Changes: []Change{{Action: ActionCreate}, {Action: ActionUpdate}, {Action: ActionUpdate}, {Action: ActionDelete}, {Action: ActionCreate, Kind: KindOwnership}}}}},
			want: "Plan: 1 to add, 2 to change, 1 to delete, 0 unmanaged left alone.",
		},
		{
			name: "adopt and forget only when non-zero",
			plan: &Plan{Zones: []ZonePlan{{Changes: []Change{{Action: ActionAdopt}, {Action: ActionForget, Kind: KindSetting}}, Unmanaged: make([]model.Record, 1)}}},
			want: "Plan: 0 to add, 0 to change, 0 to delete, 1 unmanaged left alone, 1 to adopt, 1 no longer managed.",
		},
		{
			name: "ownership marks only",
			plan: &Plan{Zones: []ZonePlan{{Changes: []Change{{Action: ActionUpdate, Kind: KindOwnership}}}}},
			want: "Plan: 0 to add, 0 to change, 0 to delete, 0 unmanaged left alone.",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summaryLine(tt.plan); got != tt.want {
				t.Errorf("summaryLine = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	p := goldenPlan(t)
	var b bytes.Buffer
	if err := RenderJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc["format_version"] != FormatVersion || doc["has_changes"] != true {
		t.Errorf("format_version, has_changes = %v, %v", doc["format_version"], doc["has_changes"])
	}
	if _, ok := doc["summary"].(map[string]any); !ok {
		t.Errorf("summary = %v, want an object", doc["summary"])
	}
	got, err := ReadJSON(&b)
	if err != nil {
		t.Fatal(err)
	}
	// Rules' raw parameters come back re-indented: compare them as compact JSON.
	compactRaw := cmp.Transformer("compactRaw", func(r model.Rule) model.Rule {
		if len(r.Raw) > 0 {
			var b bytes.Buffer
			if err := json.Compact(&b, r.Raw); err != nil {
				t.Errorf("rule %s: raw parameters are not JSON: %v", r.ID, err)
			}
			r.Raw = b.Bytes()
		}
		return r
	})
	if diff := cmp.Diff(p, got, compactRaw); diff != "" {
		t.Errorf("JSON round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestReadJSONRefusesOtherMajorVersion(t *testing.T) {
	for _, doc := range []string{`{"format_version":"2.0","zones":[]}`, `{"zones":[]}`, `not json`} {
		if _, err := ReadJSON(strings.NewReader(doc)); err == nil {
			t.Errorf("ReadJSON(%s) succeeded, want an error", doc)
		}
	}
	if _, err := ReadJSON(strings.NewReader(`{"format_version":"1.7","zones":[]}`)); err != nil {
		t.Errorf("ReadJSON of a newer minor version: %v", err)
	}
}

func TestChangeTitle(t *testing.T) {
	oneValue := &Object{RRSet: &model.RRSet{Values: []string{"a"}}}
	twoValues := &Object{RRSet: &model.RRSet{Values: []string{"a", "b"}}}
	desc := []FieldChange{{Field: "description", Before: "mine", After: "launchready: www"}}
	tests := []struct {
		name   string
		change Change
		want   string
	}{
		{"record", Change{Action: ActionUpdate, Kind: KindRecord, Key: "app.example.com CNAME"}, "app.example.com CNAME"},
		{"email record", Change{Action: ActionCreate, Kind: KindEmail, Key: "_dmarc.example.com TXT"}, "_dmarc.example.com TXT (email)"},
		{"setting", Change{Action: ActionUpdate, Kind: KindSetting, Key: "ssl"}, "setting ssl"},
		{"rule", Change{Action: ActionCreate, Kind: KindRedirect, Key: "launchready:redirect:www"}, "redirect www"},
		{"rule order", Change{Action: ActionUpdate, Kind: KindCache, Key: model.PhaseCache}, "cache rule order"},
		{
			"adopt a record as it is",
			Change{Action: ActionAdopt, Kind: KindRecord, Key: "app.example.com CNAME", Before: oneValue},
			"adopt app.example.com CNAME (no change to the record; launchready takes ownership)",
		},
		{
			"adopt several values as they are",
			Change{Action: ActionAdopt, Kind: KindRecord, Key: "example.com MX", Before: twoValues},
			"adopt example.com MX (no change to the records; launchready takes ownership)",
		},
		{
			"adopt an email record",
			Change{Action: ActionAdopt, Kind: KindEmail, Key: "_dmarc.example.com TXT", Before: oneValue},
			"adopt _dmarc.example.com TXT (email; no change to the record; launchready takes ownership)",
		},
		{
			"adopt and change a record",
			Change{Action: ActionAdopt, Kind: KindRecord, Key: "www.example.com CNAME", Before: oneValue, Fields: []FieldChange{{Field: "ttl", Before: "3600", After: "auto"}}},
			"adopt www.example.com CNAME (launchready takes ownership and changes it as shown)",
		},
		{
			"adopt a record whose comment changes",
			Change{Action: ActionAdopt, Kind: KindRecord, Key: "www.example.com CNAME", Before: oneValue, Fields: []FieldChange{{Field: "comment", Before: "", After: "site"}}},
			"adopt www.example.com CNAME (launchready takes ownership and changes it as shown)",
		},
		{
			"adopt a rule: only its description becomes launchready's",
			Change{Action: ActionAdopt, Kind: KindRedirect, Key: "launchready:redirect:www", Fields: desc},
			"adopt redirect www (what the rule does is unchanged; launchready takes ownership)",
		},
		{
			"adopt and change a rule",
			Change{Action: ActionAdopt, Kind: KindCache, Key: "launchready:cache:assets", Fields: append([]FieldChange{{Field: "edge_ttl", Before: "1d", After: "30d"}}, desc...)},
			"adopt cache assets (launchready takes ownership and changes it as shown)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := changeTitle(tt.change); got != tt.want {
				t.Errorf("changeTitle = %q, want %q", got, tt.want)
			}
		})
	}
}
