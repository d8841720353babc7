package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// marker is an expected diagnostic written in a fixture as a comment on the line the
// diagnostic must point at: `# ERROR: <summary substring>` or `# WARNING: …`.
type marker struct {
	line     int
	severity hcl.DiagnosticSeverity
	summary  string
}

func (m marker) String() string {
	return fmt.Sprintf("line %d %s: %q", m.line, sevName(m.severity), m.summary)
}

func sevName(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagWarning {
		return "WARNING"
	}
	return "ERROR"
}

// parseMarkers reads every marker of a fixture. Several markers may share a line.
func parseMarkers(src string) []marker {
	var out []marker
	for i, line := range strings.Split(src, "\n") {
		rest := line
		for {
			ie := strings.Index(rest, "# ERROR:")
			iw := strings.Index(rest, "# WARNING:")
			if ie < 0 && iw < 0 {
				break
			}
			sev, at, tag := hcl.DiagError, ie, "# ERROR:"
			if ie < 0 || (iw >= 0 && iw < ie) {
				sev, at, tag = hcl.DiagWarning, iw, "# WARNING:"
			}
			rest = rest[at+len(tag):]
			end := len(rest)
			if j := strings.Index(rest, "# ERROR:"); j >= 0 {
				end = j
			}
			if j := strings.Index(rest, "# WARNING:"); j >= 0 && j < end {
				end = j
			}
			out = append(out, marker{line: i + 1, severity: sev, summary: strings.TrimSpace(rest[:end])})
			rest = rest[end:]
		}
	}
	return out
}

// fixtureOptions reads `# VAR: name=value` and `# ENV: NAME=value` directives.
func fixtureOptions(src string) Options {
	opts := Options{Vars: map[string]string{}}
	env := map[string]string{}
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(line, "# VAR:"); ok {
			k, val, _ := strings.Cut(strings.TrimSpace(v), "=")
			opts.Vars[k] = val
		}
		if v, ok := strings.CutPrefix(line, "# ENV:"); ok {
			k, val, _ := strings.Cut(strings.TrimSpace(v), "=")
			env[k] = val
		}
	}
	opts.LookupEnv = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return opts
}

// checkMarkers compares diagnostics with markers: every diagnostic must match a marker
// on its line (same severity, summary contains the marker text) and every marker must
// match at least one diagnostic.
func checkMarkers(t *testing.T, diags hcl.Diagnostics, markers []marker) {
	t.Helper()
	used := make([]bool, len(markers))
	var problems []string
	for _, d := range diags {
		if d.Subject == nil {
			problems = append(problems, fmt.Sprintf("diagnostic without a source range: %s: %s", d.Summary, d.Detail))
			continue
		}
		matched := false
		for i, m := range markers {
			if m.line == d.Subject.Start.Line && m.severity == d.Severity && strings.Contains(d.Summary, m.summary) {
				used[i] = true
				matched = true
			}
		}
		if !matched {
			problems = append(problems, fmt.Sprintf("unexpected diagnostic at line %d: %s %q (%s)", d.Subject.Start.Line, sevName(d.Severity), d.Summary, d.Detail))
		}
	}
	for i, m := range markers {
		if !used[i] {
			problems = append(problems, "no diagnostic for marker "+m.String())
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		t.Errorf("diagnostics differ from markers:\n  %s", strings.Join(problems, "\n  "))
	}
}

func fixtureFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no fixtures in testdata/%s", dir)
	}
	return files
}

func TestValidFixtures(t *testing.T) {
	for _, path := range fixtureFiles(t, "valid") {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			markers := parseMarkers(string(src))
			for _, m := range markers {
				if m.severity == hcl.DiagError {
					t.Fatalf("valid fixture has an ERROR marker: %s", m)
				}
			}
			cfg, diags := Load(os.DirFS(filepath.Join("testdata", "valid")), name, fixtureOptions(string(src)))
			checkMarkers(t, diags, markers)
			if diags.HasErrors() {
				return
			}
			if len(cfg.Zones) == 0 {
				t.Errorf("no zones loaded")
			}
			if len(cfg.Fingerprint) != 64 {
				t.Errorf("fingerprint %q is not a sha256 hex", cfg.Fingerprint)
			}
		})
	}
}

func TestInvalidFixtures(t *testing.T) {
	files := fixtureFiles(t, "invalid")
	if len(files) < 35 {
		t.Errorf("only %d invalid fixtures; every validation rule needs one", len(files))
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			markers := parseMarkers(string(src))
			hasError := false
			for _, m := range markers {
				hasError = hasError || m.severity == hcl.DiagError
			}
			if !hasError {
				t.Fatalf("invalid fixture has no ERROR marker")
			}
			_, diags := Load(os.DirFS(filepath.Join("testdata", "invalid")), name, fixtureOptions(string(src)))
			if !diags.HasErrors() {
				t.Errorf("loaded without errors")
			}
			checkMarkers(t, diags, markers)
		})
	}
}

func TestParseMarkers(t *testing.T) {
	got := parseMarkers("a\n  ttl = 5 # ERROR: Invalid TTL\nb # WARNING: No record # ERROR: Redirect chain\n")
	want := []marker{
		{line: 2, severity: hcl.DiagError, summary: "Invalid TTL"},
		{line: 3, severity: hcl.DiagWarning, summary: "No record"},
		{line: 3, severity: hcl.DiagError, summary: "Redirect chain"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("parseMarkers = %v, want %v", got, want)
	}
}

// fixtureSources reads the fixtures testdata/<dir>/*.hcl (dir may be a glob, "*" for
// valid and invalid alike) and the examples' files, by path, in path order.
func fixtureSources(t *testing.T, dir string) (paths []string, srcs map[string][]byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.hcl"))
	more, _ := filepath.Glob(filepath.Join("..", "examples", "*", "*.hcl"))
	srcs = map[string][]byte{}
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		srcs[p] = b
	}
	return paths, srcs
}
