package cloudflare

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestReadSettings(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")
	f.sets["zone01"]["ssl"] = json.RawMessage(`"strict"`)
	f.sets["zone01"]["security_header"] = json.RawMessage(`{"strict_transport_security":{"enabled":true,"max_age":31536000.0,"include_subdomains":true,"preload":false,"nosniff":true}}`)
	tests := []struct {
		name string
		ids  []string
		want *model.Settings
	}{
		{"some", []string{"ssl", "always_use_https"}, &model.Settings{Values: map[string]string{"ssl": "strict", "always_use_https": "off"}}},
		{"hsts only", []string{"security_header"}, &model.Settings{HSTS: &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true}}},
		{"all when none named", nil, &model.Settings{
			Values: map[string]string{"ssl": "strict", "always_use_https": "off", "min_tls_version": "1.0", "tls_1_3": "off",
				"automatic_https_rewrites": "on", "security_level": "medium"},
			HSTS: &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Nosniff: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.calls["settings"]
			got, err := p.ReadSettings(ctx, "example.com", tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("settings mismatch (-want +got):\n%s", diff)
			}
			if n := f.calls["settings"] - before; n != 1 {
				t.Errorf("bulk settings reads = %d, want 1", n)
			}
			if f.calls["setting"] != 0 {
				t.Errorf("single-setting reads = %d, want 0", f.calls["setting"])
			}
		})
	}
}

// A setting missing from the bulk answer is read on its own; one the zone does not
// have at all is an error naming it.
func TestReadSettingsFallback(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")
	delete(f.sets["zone01"], "tls_1_3")
	if _, err := p.ReadSettings(ctx, "example.com", []string{"tls_1_3"}); err == nil || !strings.Contains(err.Error(), "reading setting tls_1_3 of example.com") {
		t.Fatalf("error = %v", err)
	}
	if f.calls["setting"] != 1 {
		t.Errorf("single reads = %d, want 1", f.calls["setting"])
	}
}

// GET /zones/{id}/settings is deprecated, end of life 2027-03-31 (Cloudflare's API
// deprecations page): when it answers 404, each setting is read on its own, and the
// bulk endpoint is not asked again.
func TestReadSettingsWithoutBulk(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")
	f.noBulkSettings = true
	f.sets["zone01"]["ssl"] = json.RawMessage(`"strict"`)
	f.sets["zone01"]["ssl_automatic_mode"] = json.RawMessage(`"auto"`)
	want := &model.Settings{Values: map[string]string{"ssl": "strict", "ssl_automatic_mode": "auto", "tls_1_3": "off"}}
	for round := 1; round <= 2; round++ {
		got, err := p.ReadSettings(ctx, "example.com", []string{"ssl", "tls_1_3"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("round %d (-want +got):\n%s", round, diff)
		}
		// ssl, tls_1_3 and ssl_automatic_mode, each round
		if n := f.calls["setting"]; n != 3*round {
			t.Errorf("round %d: single-setting reads = %d, want %d", round, n, 3*round)
		}
	}
	if n := f.calls["settings"]; n != 1 {
		t.Errorf("bulk reads = %d, want 1 (not asked again once gone)", n)
	}
	// a zone without ssl_automatic_mode is custom
	delete(f.sets["zone01"], "ssl_automatic_mode")
	got, err := p.ReadSettings(ctx, "example.com", []string{"ssl"})
	if err != nil || got.Values["ssl_automatic_mode"] != "" {
		t.Errorf("without ssl_automatic_mode: %v, %v", got, err)
	}
}

func TestSettingValue(t *testing.T) {
	tests := []struct {
		raw, want string
	}{
		{`"on"`, "on"}, {`"1.2"`, "1.2"}, {`true`, "on"}, {`false`, "off"}, {`300`, "300"},
	}
	for _, tt := range tests {
		got, err := settingValue("x", json.RawMessage(tt.raw))
		if err != nil || got != tt.want {
			t.Errorf("settingValue(%s) = %q, %v; want %q", tt.raw, got, err, tt.want)
		}
	}
	if _, err := settingValue("x", json.RawMessage(`{"a":1}`)); err == nil {
		t.Error("object value: want an error")
	}
}

func TestWriteSettings(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")
	want := &model.Settings{
		Values: map[string]string{"ssl": "strict", "always_use_https": "on", "min_tls_version": "1.2"},
		HSTS:   &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true, Preload: false, Nosniff: true},
	}
	if err := p.WriteSettings(ctx, "example.com", want); err != nil {
		t.Fatal(err)
	}
	if f.calls["editSetting"] != 4 {
		t.Errorf("PATCHes = %d, want 4 (one per setting)", f.calls["editSetting"])
	}
	if got, wantJSON := string(f.sets["zone01"]["security_header"]),
		`{"strict_transport_security":{"enabled":true,"max_age":31536000,"include_subdomains":true,"preload":false,"nosniff":true}}`; got != wantJSON {
		t.Errorf("security_header written as %s\nwant %s", got, wantJSON)
	}
	got, err := p.ReadSettings(ctx, "example.com", []string{"ssl", "always_use_https", "min_tls_version", "security_header"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back mismatch (-want +got):\n%s", diff)
	}
	// Nothing to write: no request.
	if err := p.WriteSettings(ctx, "example.com", &model.Settings{}); err != nil {
		t.Fatal(err)
	}
	if f.calls["editSetting"] != 4 {
		t.Errorf("empty write made requests")
	}
	err = p.WriteSettings(ctx, "example.com", &model.Settings{Values: map[string]string{"security_header": "on"}})
	if err == nil || !strings.Contains(err.Error(), "Settings.HSTS") {
		t.Errorf("security_header in Values: error = %v", err)
	}
}
