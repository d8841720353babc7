package plan

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// withSettings adds a settings block to z.
func withSettings(z *schema.Zone, values map[string]string, hsts *model.HSTS) *schema.Zone {
	z.Settings = &schema.Settings{Settings: model.Settings{Values: values, HSTS: hsts}}
	return z
}

// apexSettingsMark is a live apex mark listing only settings (and no rule kind).
func apexSettingsMark(id string, settings ...string) model.Record {
	return model.Record{ID: id, Name: RegistryName(zn), Type: "TXT", Value: markText(nil, settings...) + " rules=none"}
}

func TestComputeSettings(t *testing.T) {
	hstsOn := &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true}
	tests := []struct {
		name        string
		zone        *schema.Zone
		live        *model.LiveZone
		wantChanges []string
		wantWrites  *model.Settings
		wantOps     []string
	}{
		{
			name: "update values and HSTS",
			zone: withSettings(cfZone(), map[string]string{"ssl": "strict", "always_use_https": "on"}, hstsOn),
			live: func() *model.LiveZone {
				lz := live(one(apexSettingsMark("m1", "always_use_https", "security_header", "ssl")))
				lz.Settings = &model.Settings{Values: map[string]string{"ssl": "full", "always_use_https": "on"}, HSTS: &model.HSTS{}}
				return lz
			}(),
			wantChanges: []string{
				"update setting ssl | value: full -> strict",
				"update setting security_header | hsts.enabled: false -> true | hsts.max_age: 0 -> 31536000 | hsts.include_subdomains: false -> true",
			},
			wantWrites: &model.Settings{Values: map[string]string{"ssl": "strict"}, HSTS: hstsOn},
		},
		{
			name: "first managed setting writes the apex mark",
			zone: withSettings(cfZone(), map[string]string{"min_tls_version": "1.2"}, nil),
			live: func() *model.LiveZone {
				lz := live()
				lz.Settings = &model.Settings{Values: map[string]string{"min_tls_version": "1.0"}}
				return lz
			}(),
			wantChanges: []string{
				"update setting min_tls_version | value: 1.0 -> 1.2",
				"create ownership _launchready.example.com TXT",
			},
			wantWrites: &model.Settings{Values: map[string]string{"min_tls_version": "1.2"}},
			wantOps:    []string{"create " + `_launchready.example.com TXT "v=launchready1 settings=min_tls_version rules=none" ttl=0 comment="[launchready:default]"`},
		},
		{
			name: "setting removed from the file is forgotten, not reset",
			zone: withSettings(cfZone(), map[string]string{"ssl": "strict"}, nil),
			live: func() *model.LiveZone {
				lz := live(one(apexSettingsMark("m1", "ssl", "tls_1_3")))
				lz.Settings = &model.Settings{Values: map[string]string{"ssl": "strict", "tls_1_3": "on"}}
				return lz
			}(),
			wantChanges: []string{
				"forget setting tls_1_3 | value: on -> on",
				"update ownership _launchready.example.com TXT",
			},
			wantOps: []string{`update m1 _launchready.example.com TXT "v=launchready1 settings=ssl,tls_1_3 rules=none" ttl=0 => m1 _launchready.example.com TXT "v=launchready1 settings=ssl rules=none" ttl=0 comment="[launchready:default]"`},
		},
		{
			name: "settings block removed: every setting forgotten, mark deleted",
			zone: cfZone(),
			live: live(one(apexSettingsMark("m1", "ssl"))),
			wantChanges: []string{
				"forget setting ssl",
				"delete ownership _launchready.example.com TXT",
			},
			wantOps: []string{`delete m1 _launchready.example.com TXT "v=launchready1 settings=ssl rules=none" ttl=0`},
		},
		{
			name: "settings kept in the apex mark next to record markers",
			zone: withSettings(cfZone(rr("@", "A", "192.0.2.1")), map[string]string{"ssl": "strict"}, nil),
			live: func() *model.LiveZone {
				lz := live(owned("r1", rec("r1", "@", "A", "192.0.2.1", 0)), one(model.Record{ID: "m1", Name: RegistryName(zn), Type: "TXT", Value: markText(nil, "ssl") + " rules=none", Comment: "[launchready:default]"}))
				lz.Settings = &model.Settings{Values: map[string]string{"ssl": "strict"}}
				return lz
			}(),
		},
		{
			name: "a legacy apex mark migrates: the record gets its marker, the mark keeps only the settings",
			zone: withSettings(cfZone(rr("@", "A", "192.0.2.1")), map[string]string{"ssl": "strict"}, nil),
			live: func() *model.LiveZone {
				lz := live(one(rec("r1", "@", "A", "192.0.2.1", 0), model.Record{ID: "m1", Name: RegistryName(zn), Type: "TXT", Value: markText([]string{"A 192.0.2.1"}, "ssl")}))
				lz.Settings = &model.Settings{Values: map[string]string{"ssl": "strict"}}
				return lz
			}(),
			wantChanges: []string{"update ownership _launchready.example.com TXT", "update ownership [launchready:default]"},
			wantOps: []string{
				`update r1 example.com A "192.0.2.1" ttl=0 => r1 example.com A "192.0.2.1" ttl=0 comment="[launchready:default]"`,
				`update m1 _launchready.example.com TXT "v=launchready1 A:df6a5992 settings=ssl" ttl=0 => m1 _launchready.example.com TXT "v=launchready1 settings=ssl rules=none" ttl=0 comment="[launchready:default]"`,
			},
		},
		{
			name: "in sync",
			zone: withSettings(cfZone(), map[string]string{"ssl": "strict"}, hstsOn),
			live: func() *model.LiveZone {
				lz := live(one(apexSettingsMark("m1", "ssl", "security_header")))
				h := *hstsOn
				lz.Settings = &model.Settings{Values: map[string]string{"ssl": "strict"}, HSTS: &h}
				return lz
			}(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zp := mustCompute(t, tt.zone, tt.live).Zones[0]
			if diff := cmp.Diff(tt.wantChanges, changeStrings(zp.Changes)); diff != "" {
				t.Errorf("changes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantWrites, zp.SettingWrites); diff != "" {
				t.Errorf("setting writes mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantOps, opStrings(zp.RecordOps)); diff != "" {
				t.Errorf("record ops mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestComputeSettingsForgetShowsLiveValue(t *testing.T) {
	lz := live(one(apexSettingsMark("m1", "tls_1_3")))
	lz.Settings = &model.Settings{Values: map[string]string{"tls_1_3": "zrt"}}
	zp := mustCompute(t, cfZone(), lz).Zones[0]
	want := Change{
		Action: ActionForget, Kind: KindSetting, Zone: zn, Key: "tls_1_3",
		Before: &Object{Setting: &Setting{ID: "tls_1_3", Value: "zrt"}},
		Fields: []FieldChange{{Field: "value", Before: "zrt", After: "zrt"}}, // left as is
		Reason: "no longer managed; live value left as is",
	}
	if diff := cmp.Diff(want, zp.Changes[0]); diff != "" {
		t.Errorf("forget change mismatch (-want +got):\n%s", diff)
	}
	if zp.SettingWrites != nil {
		t.Errorf("SettingWrites = %+v, want none (a forgotten setting is never reset)", zp.SettingWrites)
	}
}

func TestComputeSettingsErrors(t *testing.T) {
	tests := []struct {
		name    string
		zone    *schema.Zone
		live    *model.LiveZone
		wantErr string
	}{
		{"settings not read", withSettings(cfZone(), map[string]string{"ssl": "strict"}, nil), live(), "live zone settings were not read"},
		{
			"one setting not read",
			withSettings(cfZone(), map[string]string{"ssl": "strict"}, nil),
			&model.LiveZone{Name: zn, Settings: &model.Settings{Values: map[string]string{}}},
			"live value of setting ssl was not read",
		},
		{
			"HSTS not read",
			withSettings(cfZone(), nil, &model.HSTS{Enabled: true}),
			&model.LiveZone{Name: zn, Settings: &model.Settings{}},
			"live value of setting security_header (HSTS) was not read",
		},
		{
			"provider without settings",
			withSettings(dnsZone(), map[string]string{"ssl": "strict"}, nil),
			&model.LiveZone{Name: zn, Settings: &model.Settings{Values: map[string]string{"ssl": "off"}}},
			"cannot manage zone settings",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compute(cfgOf(tt.zone), map[string]*model.LiveZone{zn: tt.live})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Compute error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
