// Package buildinfo says which launchready this is: the version, commit and build date
// stamped at build time, with the Go toolchain's own build information as the fallback.
//
// Release builds (goreleaser, see .goreleaser.yaml) stamp the three values with
//
//	go build -ldflags "-X github.com/launchready/launchready/internal/buildinfo.version=1.2.3
//	  -X github.com/launchready/launchready/internal/buildinfo.commit=<sha>
//	  -X github.com/launchready/launchready/internal/buildinfo.date=<RFC 3339>"
//
// A plain `go build` in a git checkout stamps nothing; Get then takes the commit and
// its time from the VCS information the go command embeds (a "-dirty" suffix marks
// uncommitted changes), and `go install …@v1.2.3` gives the module version.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Set with -ldflags -X at build time; empty in a plain build.
var (
	version string
	commit  string
	date    string
)

// Info describes the running binary.
type Info struct {
	Version   string `json:"version"`    // "1.2.3", a module version, or "dev"
	Commit    string `json:"commit"`     // full commit hash, "-dirty" if built with local changes, or "unknown"
	Date      string `json:"date"`       // build (or commit) time, RFC 3339, or "unknown"
	GoVersion string `json:"go_version"` // the toolchain that built it
	Platform  string `json:"platform"`   // GOOS/GOARCH
}

// Get returns the stamped values, falling back to the embedded build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return get(version, commit, date, bi)
}

func get(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{
		Version:   version,
		Commit:    commit,
		Date:      date,
		GoVersion: runtime.Version(),
		Platform:  runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		var revision, vcsTime string
		modified := false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				vcsTime = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if info.Commit == "" && revision != "" {
			info.Commit = revision
			if modified {
				info.Commit += "-dirty"
			}
		}
		if info.Date == "" {
			info.Date = vcsTime
		}
		if bi.GoVersion != "" {
			info.GoVersion = bi.GoVersion
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	if info.Date == "" {
		info.Date = "unknown"
	}
	return info
}

// String is the one-line form: "1.2.3 (commit 0123456789ab, built 2026-…, go1.26.8 linux/amd64)".
func (i Info) String() string {
	return i.Version + " (commit " + short(i.Commit) + ", built " + i.Date + ", " + i.GoVersion + " " + i.Platform + ")"
}

// short abbreviates a full commit hash to 12 characters, keeping a "-dirty" suffix.
func short(c string) string {
	const n = 12
	base, suffix := c, ""
	if len(c) > 6 && c[len(c)-6:] == "-dirty" {
		base, suffix = c[:len(c)-6], "-dirty"
	}
	if len(base) == 40 || len(base) == 64 {
		base = base[:n]
	}
	return base + suffix
}
