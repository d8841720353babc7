package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// validate, fmt and variables through the CLI.

// cfToken looks like a Cloudflare API token (40 characters, mixed case and digits).
const cfToken = "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5jK7m"

// TestValidateDiagnostics checks that each kind of mistake is reported as
// `launch.hcl:LINE:COL: error: …` at the right place, with exit 1.
func TestValidateDiagnostics(t *testing.T) {
	t.Parallel()
	type diag struct {
		at      string // the text the diagnostic points at (its first occurrence)
		summary string
	}
	tests := []struct {
		name   string
		config string
		want   []diag
	}{
		{
			name: "syntax error",
			config: `zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10" "extra"
  }
}
`,
			want: []diag{{`"extra"`, "Missing newline after argument"}},
		},
		{
			name: "semantic errors together",
			config: `variable "origin_ip" { default = "203.0.113.10" }

zone "example.com" {
  record "@" "A" {
    value = var.orign_ip
  }
  record "www" "CNAME" { value = "example.com" }
  record "www" "TXT" { value = "hello" }
  record "key" "TXT" {
    value = "` + cfToken + `"
  }
}
`,
			want: []diag{
				{"var.orign_ip", "Reference to undeclared variable"},
				{`record "www" "TXT"`, "CNAME shares its name"},
				{`"` + cfToken + `"`, "Literal secret"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &workspace{t: t, dir: t.TempDir()}
			w.write("launch.hcl", tt.config)
			r := w.mustRun(1, "validate")
			var lines []string
			for _, l := range strings.Split(r.stderr, "\n") {
				if strings.HasPrefix(l, "launch.hcl:") {
					lines = append(lines, l)
				}
			}
			if len(lines) != len(tt.want) {
				t.Errorf("got %d diagnostics, want %d:\n%s", len(lines), len(tt.want), r.stderr)
			}
			for i, d := range tt.want {
				line, col := position(tt.config, d.at)
				prefix := fmt.Sprintf("launch.hcl:%d:%d: error: %s", line, col, d.summary)
				if i >= len(lines) || !strings.HasPrefix(lines[i], prefix) {
					t.Errorf("diagnostic %d: want a line starting with %q in:\n%s", i, prefix, r.stderr)
				}
			}
			if strings.Contains(r.stdout+r.stderr, cfToken) {
				t.Errorf("validate echoed the literal secret:\n%s", r.stderr)
			}
			if !strings.Contains(r.stderr, "launch.hcl is not valid") {
				t.Errorf("validate does not conclude that launch.hcl is not valid:\n%s", r.stderr)
			}
		})
	}
}

// TestValidateWarnings: warnings are printed as file:line:col but do not fail.
func TestValidateWarnings(t *testing.T) {
	t.Parallel()
	config := `zone "example.com" {
  record "@" "A" { value = "203.0.113.10" }

  redirect "shop" {
    from = "https://shop.example.com/*"
    to   = "https://example.com/shop/$${1}"
  }
}
`
	w := &workspace{t: t, dir: t.TempDir()}
	w.write("launch.hcl", config)
	r := w.mustRun(0, "validate")
	line, _ := position(config, `from = "https://shop.example.com/*"`)
	if want := fmt.Sprintf("launch.hcl:%d:", line); !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, ": warning: ") {
		t.Errorf("validate does not warn about a redirect for a host without records at %s:\n%s", want, r.stderr)
	}
	if !strings.Contains(r.stdout, "launch.hcl is valid") {
		t.Errorf("validate with warnings only does not say the file is valid:\n%s", r.stdout)
	}
}

// TestFmt: fmt --check exits 3 on an unformatted file and leaves it alone; fmt fixes
// it; fmt --check then exits 0.
func TestFmt(t *testing.T) {
	t.Parallel()
	w := &workspace{t: t, dir: t.TempDir()}
	messy := "zone \"example.com\" {\nrecord \"@\" \"A\" {\nvalue=\"203.0.113.10\"\n    ttl = 300\n}\n}\n"
	w.write("launch.hcl", messy)
	r := w.mustRun(3, "fmt", "--check")
	if !strings.Contains(r.stdout, "launch.hcl") {
		t.Errorf("fmt --check does not list the unformatted file:\n%s", r.stdout)
	}
	if got := w.read("launch.hcl"); got != messy {
		t.Errorf("fmt --check changed the file:\n%s", got)
	}
	w.mustRun(0, "fmt")
	want := `zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10"
    ttl   = 300
  }
}
`
	if got := w.read("launch.hcl"); got != want {
		t.Errorf("fmt result (-want +got):\n%s", cmp.Diff(want, got))
	}
	w.mustRun(0, "fmt", "--check")
	w.mustRun(0, "validate")

	w.write("broken.hcl", "zone \"example.com\" {\n")
	if r := w.run(nil, "fmt", "--check", "broken.hcl"); r.code != 1 || !strings.Contains(r.stderr, "broken.hcl:") {
		t.Errorf("fmt --check of a file with a syntax error: exit %d, want 1 with a diagnostic\n%s", r.code, r.stderr)
	}
}

// TestPlanVariables: a variable's default is overridden by LAUNCHREADY_VAR_<name>,
// which --var overrides in turn; an undeclared --var is an error.
func TestPlanVariables(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, `variable "origin_ip" { default = "203.0.113.10" }

zone "example.com" {
  record "@" "A" { value = var.origin_ip }
}
`, "example.com")
	value := func(r result) string {
		t.Helper()
		for _, l := range strings.Split(r.stdout, "\n") {
			if v, ok := strings.CutPrefix(strings.TrimSpace(l), "values: "); ok {
				return v
			}
		}
		t.Fatalf("no values line in the plan:\n%s", r.stdout)
		return ""
	}
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"default", nil, nil, "203.0.113.10"},
		{"environment", []string{"LAUNCHREADY_VAR_origin_ip=198.51.100.7"}, nil, "198.51.100.7"},
		{"flag", nil, []string{"--var", "origin_ip=198.51.100.8"}, "198.51.100.8"},
		{"flag over environment", []string{"LAUNCHREADY_VAR_origin_ip=198.51.100.7"}, []string{"--var", "origin_ip=198.51.100.8"}, "198.51.100.8"},
	}
	for _, tt := range tests {
		r := w.run(tt.env, append([]string{"plan"}, tt.args...)...)
		if r.code != 0 {
			t.Errorf("%s: plan exit %d\n%s%s", tt.name, r.code, r.stdout, r.stderr)
			continue
		}
		if got := value(r); got != tt.want {
			t.Errorf("%s: planned value %s, want %s", tt.name, got, tt.want)
		}
	}
	r := w.run(nil, "plan", "--var", "origin_pi=198.51.100.9")
	if r.code != 1 || !strings.Contains(r.stderr, "origin_pi") {
		t.Errorf("plan --var for an undeclared variable: exit %d, want 1 naming it\n%s", r.code, r.stderr)
	}
	r = w.run(nil, "plan", "--var", "origin_ip=not-an-address")
	if r.code != 1 || !strings.Contains(r.stderr, "launch.hcl:4:") {
		t.Errorf("plan --var with an invalid address: exit %d, want 1 with a diagnostic at the record\n%s", r.code, r.stderr)
	}
}
