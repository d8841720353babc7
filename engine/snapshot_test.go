package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
)

var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535_000_000, time.FixedZone("CET", 3600))

func TestNewSnapshot(t *testing.T) {
	api := rec("r2", "api.example.com", "A", "203.0.113.20", 300)
	apiNew := rec("r2", "api.example.com", "A", "203.0.113.22", 300)
	hand := model.Rule{ID: "h1", Ref: "h1", Phase: model.PhaseCache, Action: "set_cache_settings", Expression: `(http.host eq "x.example.com")`, Enabled: true}
	ours := model.Rule{ID: "o1", Ref: "launchready:cache:assets", Phase: model.PhaseCache, Action: "set_cache_settings", Expression: `(http.host in {"example.com"})`, Enabled: true}
	hstsLive := &model.HSTS{Enabled: true, MaxAge: 300}
	live := map[string]*model.LiveZone{
		"example.com": {
			Name:     "example.com",
			Records:  []model.Record{api},
			Settings: &model.Settings{Values: map[string]string{"ssl": "full", "tls_1_3": "on"}, HSTS: hstsLive},
			Rules:    map[string][]model.Rule{model.PhaseCache: {hand, ours}, model.PhaseRedirect: {}},
		},
		"quiet.example": {Name: "quiet.example"},
	}
	changes := []plan.Change{{Action: plan.ActionUpdate, Kind: plan.KindRecord, Zone: "example.com", Key: "api.example.com A"}}
	p := &plan.Plan{Zones: []plan.ZonePlan{
		{
			Zone: "example.com", Provider: "cloudflare", Changes: changes,
			RecordOps:     []model.RecordOp{{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)}},
			SettingWrites: &model.Settings{Values: map[string]string{"ssl": "strict"}, HSTS: &model.HSTS{Enabled: true, MaxAge: 86400}},
			RuleWrites:    map[string][]model.Rule{model.PhaseCache: {hand}},
		},
		{Zone: "quiet.example", Provider: "cloudflare", Changes: []plan.Change{}},
	}}

	got := NewSnapshot(p, live, t0)
	want := &Snapshot{
		FormatVersion: SnapshotFormatVersion,
		CreatedAt:     t0.UTC(),
		Zones: []ZoneSnapshot{{
			Zone: "example.com", Provider: "cloudflare", Changes: changes,
			Ops: []model.RecordOp{{Op: model.OpUpdate, Before: ptr(api), After: ptr(apiNew)}},
			// Only the settings the apply writes, with their live values.
			Settings: &model.Settings{Values: map[string]string{"ssl": "full"}, HSTS: hstsLive},
			// The whole previous list of each phase the apply rewrites.
			Rules: map[string][]model.Rule{model.PhaseCache: {hand, ours}},
		}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("NewSnapshot (-want +got):\n%s", d)
	}
	if got.Empty() {
		t.Errorf("Empty() = true for a snapshot with a zone")
	}
	// The snapshot is a copy: later changes to live state do not reach it.
	live["example.com"].Rules[model.PhaseCache][0].Description = "edited"
	live["example.com"].Settings.HSTS.MaxAge = 1
	if got.Zones[0].Rules[model.PhaseCache][0].Description != "" || got.Zones[0].Settings.HSTS.MaxAge != 300 {
		t.Errorf("the snapshot shares memory with live state: %+v", got.Zones[0])
	}

	if s := NewSnapshot(&plan.Plan{Zones: []plan.ZonePlan{{Zone: "quiet.example", Changes: []plan.Change{}}}}, live, t0); !s.Empty() {
		t.Errorf("a plan without changes gives a non-empty snapshot: %+v", s)
	}
}

func sampleSnapshot(at time.Time, zone string) *Snapshot {
	old := rec("r3", "old."+zone, "TXT", `legacy "quoted"`, 0)
	return &Snapshot{
		FormatVersion: SnapshotFormatVersion,
		CreatedAt:     at.UTC(),
		ConfigFile:    "launch.hcl",
		Zones: []ZoneSnapshot{{
			Zone: zone, Provider: "cloudflare",
			Ops:      []model.RecordOp{{Op: model.OpDelete, Before: ptr(old)}},
			Settings: &model.Settings{Values: map[string]string{"ssl": "full"}},
			Rules: map[string][]model.Rule{model.PhaseRedirect: {{
				ID: "o1", Ref: "launchready:redirect:www", Phase: model.PhaseRedirect, Action: "redirect", Enabled: true,
				Expression: `(http.host eq "www.` + zone + `")`, Redirect: &model.RedirectAction{TargetURL: "https://" + zone + "/", StatusCode: 301},
			}}},
			Changes: []plan.Change{{Action: plan.ActionDelete, Kind: plan.KindRecord, Zone: zone, Key: "old." + zone + " TXT"}},
		}},
	}
}

func TestSnapshotWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "snapshots")
	s := sampleSnapshot(t0, "example.com")
	if err := s.Write(dir); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "20260314T140926535Z.json"); s.Path != want {
		t.Errorf("Path = %q, want %q (UTC time with milliseconds)", s.Path, want)
	}
	if runtime.GOOS != "windows" {
		for path, want := range map[string]os.FileMode{dir: 0o700, s.Path: 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s has mode %v, want %v", path, got, want)
			}
		}
	}
	got, err := ReadSnapshot(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s, got); d != "" {
		t.Errorf("ReadSnapshot(Write(s)) (-want +got):\n%s", d)
	}

	// Never overwrite: a second snapshot of the same instant is refused.
	again := sampleSnapshot(t0, "example.com")
	again.ConfigFile = "other.hcl"
	if err := again.Write(dir); err == nil {
		t.Errorf("Write over an existing snapshot succeeded")
	}
	if got, err := ReadSnapshot(s.Path); err != nil || got.ConfigFile != "launch.hcl" {
		t.Errorf("the first snapshot was overwritten: %+v, %v", got, err)
	}
}

func TestReadSnapshotErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, content, want string
	}{
		{"not JSON", "{", "not a launchready snapshot"},
		{"no version", `{"zones": []}`, "unsupported snapshot format"},
		{"another major version", `{"format_version": "2.0", "zones": []}`, `unsupported snapshot format "2.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+".json")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := ReadSnapshot(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadSnapshot: err = %v, want one naming %s and saying %q", err, path, tt.want)
			}
		})
	}
	if _, err := ReadSnapshot(filepath.Join(dir, "missing.json")); err == nil {
		t.Errorf("ReadSnapshot of a missing file succeeded")
	}
}

func TestListSnapshots(t *testing.T) {
	dir := t.TempDir()
	var written []*Snapshot
	for i, z := range []string{"b.example", "a.example", "c.example"} {
		s := sampleSnapshot(t0.Add(time.Duration(i*7%3)*time.Hour), z) // written out of time order
		if err := s.Write(dir); err != nil {
			t.Fatal(err)
		}
		written = append(written, s)
	}
	// Other files and directories are not snapshots.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "old.json"), 0o700); err != nil {
		t.Fatal(err)
	}

	got, err := ListSnapshots(dir)
	if err != nil {
		t.Fatal(err)
	}
	var gotZones []string
	for _, s := range got {
		gotZones = append(gotZones, s.Zones[0].Zone+" "+s.CreatedAt.Format(time.RFC3339))
	}
	// Offsets 0h, 1h, 2h for b, a, c: newest first.
	want := []string{"c.example 2026-03-14T16:09:26Z", "a.example 2026-03-14T15:09:26Z", "b.example 2026-03-14T14:09:26Z"}
	if d := cmp.Diff(want, gotZones); d != "" {
		t.Errorf("ListSnapshots order (-want +got):\n%s", d)
	}
	for _, s := range got {
		if s.Path == "" || filepath.Dir(s.Path) != dir {
			t.Errorf("listed snapshot has Path %q, want one in %s", s.Path, dir)
		}
	}
	if d := cmp.Diff(written[1], got[1], cmpopts.IgnoreFields(Snapshot{}, "Path")); d != "" {
		t.Errorf("listed snapshot differs from the written one (-want +got):\n%s", d)
	}

	if got, err := ListSnapshots(filepath.Join(dir, "missing")); err != nil || len(got) != 0 {
		t.Errorf("ListSnapshots of a missing directory = %v, %v; want none and no error", got, err)
	}

	if err := os.WriteFile(filepath.Join(dir, "broken.json"), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ListSnapshots(dir); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Errorf("ListSnapshots with a broken file: err = %v, want one naming broken.json", err)
	}
}
