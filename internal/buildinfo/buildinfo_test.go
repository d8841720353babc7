package buildinfo

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestStampedValuesWin(t *testing.T) {
	bi := &debug.BuildInfo{
		Main:     debug.Module{Version: "v9.9.9"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "ffffffffffffffffffffffffffffffffffffffff"}, {Key: "vcs.time", Value: "2020-01-01T00:00:00Z"}},
	}
	got := get("1.2.3", "0123456789abcdef0123456789abcdef01234567", "2026-12-04T07:00:00Z", bi)
	if got.Version != "1.2.3" || got.Commit != "0123456789abcdef0123456789abcdef01234567" || got.Date != "2026-12-04T07:00:00Z" {
		t.Fatalf("stamped values lost: %+v", got)
	}
	if s := got.String(); !strings.HasPrefix(s, "1.2.3 (commit 0123456789ab, built 2026-12-04T07:00:00Z, ") {
		t.Errorf("String() = %q", s)
	}
}

func TestFallbackToVCSInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs.revision", Value: "abcdefabcdefabcdefabcdefabcdefabcdefabcd"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	got := get("", "", "", bi)
	want := Info{Version: "dev", Commit: "abcdefabcdefabcdefabcdefabcdefabcdefabcd-dirty", Date: "2026-12-01T10:00:00Z", GoVersion: "go1.26.8", Platform: got.Platform}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if s := got.String(); !strings.Contains(s, "commit abcdefabcdef-dirty") {
		t.Errorf("String() = %q", s)
	}
}

func TestModuleVersionFromGoInstall(t *testing.T) {
	got := get("", "", "", &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}})
	if got.Version != "v1.4.0" || got.Commit != "unknown" || got.Date != "unknown" {
		t.Fatalf("got %+v", got)
	}
}

func TestNoBuildInfo(t *testing.T) {
	got := get("", "", "", nil)
	if got.Version != "dev" || got.Commit != "unknown" || got.Date != "unknown" || got.Platform == "" || got.GoVersion == "" {
		t.Fatalf("got %+v", got)
	}
}
