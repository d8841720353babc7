package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// ignore entries by name, by type and by value, inside and outside declared record
// sets: a covered live value is never changed or deleted, and the plan lists it.
func TestIgnoreEntries(t *testing.T) {
	withRules := func(z *schema.Zone, rules ...model.IgnoreRule) *schema.Zone {
		z.IgnoreRules = rules
		for _, r := range rules {
			if r.WholeName() {
				z.Ignore = append(z.Ignore, r.Name)
			}
		}
		return z
	}
	tests := []struct {
		name        string
		zone        *schema.Zone
		live        *model.LiveZone
		wantOps     []string
		wantIgnored []string
	}{
		{
			name: "by name, outside declared sets, authoritative",
			zone: func() *schema.Zone {
				z := withRules(cfZone(), model.IgnoreRule{Name: "_acme-challenge*"})
				z.Authoritative = true
				return z
			}(),
			live:        live(one(rec("r1", "_acme-challenge.www", "TXT", "tok", 0), rec("r2", "tmp", "A", "192.0.2.7", 0))),
			wantOps:     []string{`delete r2 tmp.example.com A "192.0.2.7" ttl=0`},
			wantIgnored: []string{`r1 _acme-challenge.www.example.com TXT "tok" ttl=0`},
		},
		{
			name: "by type: home A and AAAA kept, home MX deleted (authoritative)",
			zone: func() *schema.Zone {
				z := withRules(cfZone(), model.IgnoreRule{Name: "home", Types: []string{"A", "AAAA"}})
				z.Authoritative = true
				return z
			}(),
			live: live(one(rec("r1", "home", "A", "198.51.100.4", 0), rec("r2", "home", "AAAA", "2001:db8::4", 0),
				rec("r3", "home", "MX", "10 mx.example.net", 0))),
			wantOps:     []string{`delete r3 home.example.com MX "10 mx.example.net" ttl=0`},
			wantIgnored: []string{`r1 home.example.com A "198.51.100.4" ttl=0`, `r2 home.example.com AAAA "2001:db8::4" ttl=0`},
		},
		{
			name: "by value, inside a declared set: the verification value stays, the old SPF is replaced",
			zone: withRules(cfZone(rr("@", "TXT", "v=spf1 include:_spf.google.com -all")),
				model.IgnoreRule{Name: "@", Types: []string{"TXT"}, Value: "google-site-verification=*"}),
			live: live(
				owned("m1", rec("r1", "@", "TXT", "v=spf1 -all", 0)),
				one(rec("r2", "@", "TXT", "google-site-verification=abc", 0)),
			),
			wantOps: []string{
				`update r1 example.com TXT "v=spf1 -all" ttl=0 comment="[launchready:default]" => r1 example.com TXT "v=spf1 include:_spf.google.com -all" ttl=0 comment="[launchready:default]"`,
			},
			wantIgnored: []string{`r2 example.com TXT "google-site-verification=abc" ttl=0`},
		},
		{
			name: "by value, inside a declared set, even a value launchready once created is not deleted",
			zone: withRules(cfZone(rr("@", "TXT", "v=spf1 -all")),
				model.IgnoreRule{Name: "@", Types: []string{"TXT"}, Value: "google-site-verification=*"}),
			live:        live(owned("m1", rec("r1", "@", "TXT", "v=spf1 -all", 0), rec("r2", "@", "TXT", "google-site-verification=abc", 0))),
			wantIgnored: []string{`r2 example.com TXT "google-site-verification=abc" ttl=0 comment="[launchready:default]"`},
		},
		{
			name: "by name, inside a declared set: a value outside the set is kept (issue 16)",
			zone: withRules(cfZone(rr("foo", "A", "192.0.2.1")), model.IgnoreRule{Name: "foo", Types: []string{"A"}, Value: "198.51.100.*"}),
			live: live(
				owned("m1", rec("r1", "foo", "A", "192.0.2.1", 0), rec("r2", "foo", "A", "198.51.100.9", 0)),
			),
			wantIgnored: []string{`r2 foo.example.com A "198.51.100.9" ttl=0 comment="[launchready:default]"`},
		},
		{
			name:    "a value the entry does not cover is managed as before",
			zone:    withRules(cfZone(rr("@", "TXT", "v=spf1 -all")), model.IgnoreRule{Name: "@", Types: []string{"TXT"}, Value: "google-site-verification=*"}),
			live:    live(owned("m1", rec("r1", "@", "TXT", "v=spf1 -all", 0), rec("r2", "@", "TXT", "old", 0))),
			wantOps: []string{`delete r2 example.com TXT "old" ttl=0 comment="[launchready:default]"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompute(t, tt.zone, tt.live)
			zp := p.Zones[0]
			if diff := cmp.Diff(tt.wantOps, opStrings(zp.RecordOps)); diff != "" {
				t.Errorf("record ops (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantIgnored, recordStrings(zp.Ignored)); diff != "" {
				t.Errorf("ignored (-want +got):\n%s", diff)
			}
			if len(tt.wantIgnored) > 0 {
				var md strings.Builder
				if err := RenderMarkdown(&md, p); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(md.String(), "ignored (covered by") {
					t.Errorf("the Markdown plan does not say what is ignored:\n%s", md.String())
				}
			}
			// After applying, nothing is left to do.
			after := applyPlan(t, p, map[string]*model.LiveZone{zn: tt.live})
			p2 := mustCompute(t, tt.zone, after[zn])
			if p2.HasChanges() {
				t.Errorf("plan after apply still has changes: %v", changeStrings(p2.Zones[0].Changes))
			}
		})
	}
}
