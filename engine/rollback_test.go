package engine

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
)

const zone = "example.com"

func rec(id, name, typ, value string, ttl int) model.Record {
	return model.Record{ID: id, Name: name, Type: typ, Value: value, TTL: ttl}
}

func ptr(r model.Record) *model.Record { return &r }

// restoreView is what a test checks of a restore plan's zone: the exact writes, the
// changes as "action kind key", and the warnings.
type restoreView struct {
	Ops      []model.RecordOp
	Changes  []string
	Warnings []string
	Settings *model.Settings
	Rules    map[string][]model.Rule
}

func viewOf(zp plan.ZonePlan) restoreView {
	v := restoreView{Ops: zp.RecordOps, Warnings: zp.Warnings, Settings: zp.SettingWrites, Rules: zp.RuleWrites}
	for _, c := range zp.Changes {
		v.Changes = append(v.Changes, string(c.Action)+" "+string(c.Kind)+" "+c.Key)
	}
	return v
}

func TestRestorePlanRecords(t *testing.T) {
	www := rec("r1", "www.example.com", "CNAME", "example.com", 0)
	api := rec("r2", "api.example.com", "A", "203.0.113.20", 300)
	apiNew := rec("r2", "api.example.com", "A", "203.0.113.22", 300)
	old := rec("r3", "old.example.com", "TXT", "legacy", 0)
	created := rec("r9", "new.example.com", "CNAME", "target.example.net", 0)
	createdNoID := created
	createdNoID.ID = ""
	oldNoID := old
	oldNoID.ID = ""
	mark := rec("m1", "_launchready.api.example.com", "TXT", "v=launchready1 A:11111111", 0)
	markNew := rec("m1", "_launchready.api.example.com", "TXT", "v=launchready1 A:22222222", 0)

	tests := []struct {
		name string
		ops  []model.RecordOp // what the apply did
		live []model.Record   // live state now
		want restoreView
	}{
		{
			name: "a created record is deleted",
			ops:  []model.RecordOp{{Op: model.OpCreate, After: ptr(createdNoID)}},
			live: []model.Record{www, created},
			want: restoreView{
				Ops:     []model.RecordOp{{Op: model.OpDelete, Before: ptr(created)}},
				Changes: []string{"delete record new.example.com CNAME"},
			},
		},
		{
			name: "a created record already gone is a warning, not a write",
			ops:  []model.RecordOp{{Op: model.OpCreate, After: ptr(createdNoID)}},
			live: []model.Record{www},
			want: restoreView{Warnings: []string{"already gone"}},
		},
		{
			name: "a deleted record is created again without its old id",
			ops:  []model.RecordOp{{Op: model.OpDelete, Before: ptr(old)}},
			live: []model.Record{www},
			want: restoreView{
				Ops:     []model.RecordOp{{Op: model.OpCreate, After: ptr(oldNoID)}},
				Changes: []string{"create record old.example.com TXT"},
			},
		},
		{
			name: "a deleted record that exists again as it was needs nothing",
			ops:  []model.RecordOp{{Op: model.OpDelete, Before: ptr(old)}},
			live: []model.Record{www, rec("r7", "old.example.com", "TXT", "legacy", 0)},
			want: restoreView{},
		},
		{
			name: "a deleted record that exists again with another TTL is updated in place",
			ops:  []model.RecordOp{{Op: model.OpDelete, Before: ptr(old)}},
			live: []model.Record{rec("r7", "old.example.com", "TXT", "legacy", 600)},
			want: restoreView{
				Ops:     []model.RecordOp{{Op: model.OpUpdate, Before: ptr(rec("r7", "old.example.com", "TXT", "legacy", 600)), After: ptr(rec("r7", "old.example.com", "TXT", "legacy", 0))}},
				Changes: []string{"update record old.example.com TXT"},
			},
		},
		{
			name: "an updated record is set back, keeping its id",
			ops:  []model.RecordOp{{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)}},
			live: []model.Record{apiNew},
			want: restoreView{
				Ops:     []model.RecordOp{{Op: model.OpUpdate, Before: ptr(apiNew), After: ptr(api)}},
				Changes: []string{"update record api.example.com A"},
			},
		},
		{
			name: "an updated record changed again since is restored with a warning",
			ops:  []model.RecordOp{{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)}},
			live: []model.Record{rec("r2", "api.example.com", "A", "203.0.113.99", 60)},
			want: restoreView{
				Ops:      []model.RecordOp{{Op: model.OpUpdate, Before: ptr(rec("r2", "api.example.com", "A", "203.0.113.99", 60)), After: ptr(api)}},
				Changes:  []string{"update record api.example.com A"},
				Warnings: []string{"changed again after that apply; rollback overrides that change"},
			},
		},
		{
			name: "an updated record deleted since is created again with a warning",
			ops:  []model.RecordOp{{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)}},
			live: []model.Record{www},
			want: restoreView{
				Ops:      []model.RecordOp{{Op: model.OpCreate, After: ptr(rec("", "api.example.com", "A", "203.0.113.20", 300))}},
				Changes:  []string{"create record api.example.com A"},
				Warnings: []string{"restoring it as a new record"},
			},
		},
		{
			name: "an updated record already back as it was needs no write",
			ops:  []model.RecordOp{{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)}},
			live: []model.Record{api},
			want: restoreView{Warnings: []string{"changed again after that apply"}},
		},
		{
			name: "without record ids (RFC 2136) an update is undone by delete and create",
			ops: []model.RecordOp{{Op: model.OpUpdate,
				Before: ptr(rec("", "api.example.com", "A", "203.0.113.20", 300)),
				After:  ptr(rec("", "api.example.com", "A", "203.0.113.22", 300))}},
			live: []model.Record{rec("", "api.example.com", "A", "203.0.113.22", 300)},
			want: restoreView{
				Ops: []model.RecordOp{
					{Op: model.OpDelete, Before: ptr(rec("", "api.example.com", "A", "203.0.113.22", 300))},
					{Op: model.OpCreate, After: ptr(rec("", "api.example.com", "A", "203.0.113.20", 300))},
				},
				Changes: []string{"update record api.example.com A"},
			},
		},
		{
			name: "writes are ordered deletes, updates, creates; ownership marks are restored too",
			ops: []model.RecordOp{
				{Op: model.OpDelete, Before: ptr(old)},
				{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)},
				{Op: model.OpUpdate, Before: ptr(mark), After: ptr(markNew)},
				{Op: model.OpCreate, After: ptr(createdNoID)},
			},
			live: []model.Record{www, apiNew, markNew, created},
			want: restoreView{
				Ops: []model.RecordOp{
					{Op: model.OpDelete, Before: ptr(created)},
					{Op: model.OpUpdate, Before: ptr(markNew), After: ptr(mark)},
					{Op: model.OpUpdate, Before: ptr(apiNew), After: ptr(api)},
					{Op: model.OpCreate, After: ptr(oldNoID)},
				},
				Changes: []string{
					"delete record new.example.com CNAME",
					"update ownership _launchready.api.example.com TXT",
					"update record api.example.com A",
					"create record old.example.com TXT",
				},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{Zones: []ZoneSnapshot{{Zone: zone, Provider: "cloudflare", Ops: tt.ops}}}
			live := map[string]*model.LiveZone{zone: {Name: zone, Records: tt.live}}
			p, err := RestorePlan(s, live)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Zones) != 1 {
				t.Fatalf("got %d zones, want 1", len(p.Zones))
			}
			got := viewOf(p.Zones[0])
			// Warnings are checked by substring; the rest exactly.
			if len(got.Warnings) != len(tt.want.Warnings) {
				t.Errorf("warnings = %q, want %d containing %q", got.Warnings, len(tt.want.Warnings), tt.want.Warnings)
			} else {
				for i, w := range tt.want.Warnings {
					if !strings.Contains(got.Warnings[i], w) {
						t.Errorf("warning %d = %q, want it to contain %q", i, got.Warnings[i], w)
					}
				}
			}
			got.Warnings, tt.want.Warnings = nil, nil
			if d := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("restore plan (-want +got):\n%s", d)
			}
			if wantChanges := len(tt.want.Ops) > 0; p.HasChanges() != wantChanges {
				t.Errorf("HasChanges() = %t, want %t", p.HasChanges(), wantChanges)
			}
			if p.LiveFingerprint != plan.Fingerprint(live) || p.FormatVersion != plan.FormatVersion {
				t.Errorf("plan fingerprint %q / version %q, want %q / %q", p.LiveFingerprint, p.FormatVersion, plan.Fingerprint(live), plan.FormatVersion)
			}
		})
	}
}

func TestRestorePlanSettings(t *testing.T) {
	hsts := &model.HSTS{Enabled: true, MaxAge: 86400}
	hstsNow := &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true}
	tests := []struct {
		name       string
		prev       *model.Settings // in the snapshot
		live       *model.Settings
		want       restoreView
		wantFields []plan.FieldChange
	}{
		{
			name: "changed settings get their previous values",
			prev: &model.Settings{Values: map[string]string{"ssl": "full", "tls_1_3": "off"}},
			live: &model.Settings{Values: map[string]string{"ssl": "strict", "tls_1_3": "on"}},
			want: restoreView{
				Settings: &model.Settings{Values: map[string]string{"ssl": "full", "tls_1_3": "off"}},
				Changes:  []string{"update setting ssl", "update setting tls_1_3"},
			},
			wantFields: []plan.FieldChange{{Field: "value", Before: "strict", After: "full"}, {Field: "value", Before: "on", After: "off"}},
		},
		{
			name: "a setting already back as it was is left alone",
			prev: &model.Settings{Values: map[string]string{"ssl": "full", "tls_1_3": "off"}},
			live: &model.Settings{Values: map[string]string{"ssl": "full", "tls_1_3": "on"}},
			want: restoreView{
				Settings: &model.Settings{Values: map[string]string{"tls_1_3": "off"}},
				Changes:  []string{"update setting tls_1_3"},
			},
			wantFields: []plan.FieldChange{{Field: "value", Before: "on", After: "off"}},
		},
		{
			name: "HSTS is restored as a whole",
			prev: &model.Settings{Values: map[string]string{}, HSTS: hsts},
			live: &model.Settings{Values: map[string]string{}, HSTS: hstsNow},
			want: restoreView{
				Settings: &model.Settings{Values: map[string]string{}, HSTS: hsts},
				Changes:  []string{"update setting security_header"},
			},
			wantFields: []plan.FieldChange{
				{Field: "hsts.max_age", Before: "31536000", After: "86400"},
				{Field: "hsts.include_subdomains", Before: "true", After: "false"},
			},
		},
		{
			name: "nothing to restore",
			prev: &model.Settings{Values: map[string]string{"ssl": "full"}, HSTS: hsts},
			live: &model.Settings{Values: map[string]string{"ssl": "full"}, HSTS: hsts},
			want: restoreView{},
		},
		{
			name: "a snapshot without settings restores none",
			live: &model.Settings{Values: map[string]string{"ssl": "strict"}},
			want: restoreView{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{Zones: []ZoneSnapshot{{Zone: zone, Provider: "cloudflare", Settings: tt.prev}}}
			p, err := RestorePlan(s, map[string]*model.LiveZone{zone: {Name: zone, Settings: tt.live}})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, viewOf(p.Zones[0]), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("restore plan (-want +got):\n%s", d)
			}
			var fields []plan.FieldChange
			for _, c := range p.Zones[0].Changes {
				fields = append(fields, c.Fields...)
			}
			if d := cmp.Diff(tt.wantFields, fields, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("fields shown (-want +got):\n%s", d)
			}
		})
	}
}

func TestRestorePlanRules(t *testing.T) {
	redirect := func(id, ref, desc string, status int) model.Rule {
		return model.Rule{ID: id, Ref: ref, Phase: model.PhaseRedirect, Description: desc, Action: "redirect", Enabled: true,
			Expression: `(http.host eq "` + desc + `.example.com")`,
			Redirect:   &model.RedirectAction{TargetURL: "https://example.com/", StatusCode: status}}
	}
	hand1 := redirect("h1", "h1", "hand1", 302)
	hand2 := redirect("h2", "h2", "hand2", 302)
	hand3 := redirect("h3", "h3", "hand3", 302) // made by hand after the apply
	www := redirect("o1", "launchready:redirect:www", "www", 301)
	wwwNow := redirect("o1", "launchready:redirect:www", "www", 308)
	blog := redirect("o2", "launchready:redirect:blog", "blog", 301)
	blogNoID := blog
	blogNoID.ID = ""
	adopted2 := hand2 // the apply adopted hand2: same id and place, launchready's ref
	adopted2.Ref, adopted2.Description = "launchready:redirect:hand2", "launchready: hand2"

	tests := []struct {
		name       string
		prev       []model.Rule // the phase before the apply, in the snapshot
		live       []model.Rule
		want       restoreView
		wantFields []plan.FieldChange // nil: not checked
	}{
		{
			name: "launchready's rules return to their previous content and place; hand-made rules stay as they are now",
			prev: []model.Rule{hand1, www, hand2},
			live: []model.Rule{hand1, wwwNow, blog, hand2, hand3},
			want: restoreView{
				Rules:   map[string][]model.Rule{model.PhaseRedirect: {hand1, www, hand2, hand3}},
				Changes: []string{"update redirect " + model.PhaseRedirect},
			},
		},
		{
			name: "rules removed by the apply come back",
			prev: []model.Rule{www, blog, hand1},
			live: []model.Rule{www, hand1},
			want: restoreView{
				Rules:   map[string][]model.Rule{model.PhaseRedirect: {www, blogNoID, hand1}},
				Changes: []string{"update redirect " + model.PhaseRedirect},
			},
		},
		{
			name: "a phase that had none of launchready's rules loses the ones the apply made",
			prev: []model.Rule{hand1},
			live: []model.Rule{hand1, www, hand3},
			want: restoreView{
				Rules:   map[string][]model.Rule{model.PhaseRedirect: {hand1, hand3}},
				Changes: []string{"update redirect " + model.PhaseRedirect},
			},
			wantFields: []plan.FieldChange{{Field: "launchready rules", Before: "www", After: "(none)"}},
		},
		{
			name: "a rule deleted since is written without its old id, which the API would refuse",
			prev: []model.Rule{www, blog},
			live: []model.Rule{www},
			want: restoreView{
				Rules:   map[string][]model.Rule{model.PhaseRedirect: {www, blogNoID}},
				Changes: []string{"update redirect " + model.PhaseRedirect},
			},
			wantFields: []plan.FieldChange{{Field: "launchready rules", Before: "www", After: "www, blog"}},
		},
		{
			name: "a hand-made rule the apply adopted becomes hand-made again, in its place",
			prev: []model.Rule{hand1, hand2},
			live: []model.Rule{hand1, adopted2, www},
			want: restoreView{
				Rules:   map[string][]model.Rule{model.PhaseRedirect: {hand1, hand2}},
				Changes: []string{"update redirect " + model.PhaseRedirect},
			},
			wantFields: []plan.FieldChange{{Field: "launchready rules", Before: "hand2, www", After: "(none)"}},
		},
		{
			name: "a phase already as it was is not written",
			prev: []model.Rule{hand1, www},
			live: []model.Rule{hand1, www},
			want: restoreView{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{Zones: []ZoneSnapshot{{Zone: zone, Provider: "cloudflare", Rules: map[string][]model.Rule{model.PhaseRedirect: tt.prev}}}}
			live := map[string]*model.LiveZone{zone: {Name: zone, Rules: map[string][]model.Rule{model.PhaseRedirect: tt.live, model.PhaseCache: {}}}}
			p, err := RestorePlan(s, live)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, viewOf(p.Zones[0]), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("restore plan (-want +got):\n%s", d)
			}
			if tt.wantFields != nil {
				if d := cmp.Diff(tt.wantFields, p.Zones[0].Changes[0].Fields); d != "" {
					t.Errorf("fields shown (-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestRestorePlanMissingZone(t *testing.T) {
	s := &Snapshot{Zones: []ZoneSnapshot{{Zone: zone, Provider: "cloudflare"}}}
	if _, err := RestorePlan(s, map[string]*model.LiveZone{}); err == nil || !strings.Contains(err.Error(), zone) {
		t.Errorf("RestorePlan without the zone's live state: err = %v, want an error naming %s", err, zone)
	}
}
