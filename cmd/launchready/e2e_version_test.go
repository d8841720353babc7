package main

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionStamped builds the binary the way the release does (-ldflags -X) and checks
// that `version`, `version --json` and `--version` show the stamped values.
func TestVersionStamped(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "launchready")
	const pkg = "github.com/launchready/launchready/internal/buildinfo"
	ldflags := "-s -w -X " + pkg + ".version=1.2.3-test -X " + pkg + ".commit=0123456789abcdef0123456789abcdef01234567 -X " + pkg + ".date=2026-12-04T07:00:00Z"
	if out, err := exec.Command("go", "build", "-ldflags", ldflags, "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build -ldflags: %v\n%s", err, out)
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("launchready %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}

	out := run("version")
	for _, want := range []string{"launchready 1.2.3-test\n", "commit:   0123456789abcdef0123456789abcdef01234567\n", "built:    2026-12-04T07:00:00Z\n", "platform: "} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}

	var info map[string]string
	if err := json.Unmarshal([]byte(run("version", "--json")), &info); err != nil {
		t.Fatalf("version --json: %v", err)
	}
	if info["version"] != "1.2.3-test" || info["commit"] != "0123456789abcdef0123456789abcdef01234567" || info["date"] != "2026-12-04T07:00:00Z" {
		t.Errorf("version --json = %v", info)
	}

	if out := run("--version"); !strings.HasPrefix(out, "launchready version 1.2.3-test (commit 0123456789ab, built 2026-12-04T07:00:00Z, go") {
		t.Errorf("--version = %q", out)
	}
}

// TestVersionPlainBuild: the shared test binary is a plain `go build` without ldflags;
// it still names a version and never prints an empty field.
func TestVersionPlainBuild(t *testing.T) {
	r := runCLI(t, t.TempDir(), nil, "version", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var info map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &info); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "commit", "date", "go_version", "platform"} {
		if info[k] == "" {
			t.Errorf("%s is empty in %v", k, info)
		}
	}
	if info["version"] != "dev" && !strings.HasPrefix(info["version"], "v") {
		t.Errorf("a plain build's version is %q, want dev or a module version", info["version"])
	}
}
