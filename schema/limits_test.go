package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
)

// onlyError returns the single error diagnostic of diags, failing otherwise.
func onlyError(t *testing.T, diags hcl.Diagnostics) *hcl.Diagnostic {
	t.Helper()
	var errs hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs = append(errs, d)
		}
	}
	if len(errs) != 1 {
		t.Fatalf("want exactly one error, got %d: %v", len(errs), diags)
	}
	if errs[0].Subject == nil {
		t.Fatalf("error %q has no position", errs[0].Summary)
	}
	return errs[0]
}

func TestNestingLimits(t *testing.T) {
	deepParens := "zone \"example.com\" {\n  record \"www\" \"TXT\" {\n    value = " + strings.Repeat("(", 100000) + "\"x\"" + strings.Repeat(")", 100000) + "\n  }\n}\n"
	tests := []struct {
		name, src string
		summary   string
		line, col int
	}{
		{"100,000 nested parentheses", deepParens, "Nesting too deep", 3, 13 + MaxNestingDepth - 2},
		{"nested lists", "x = " + strings.Repeat("[", 500) + strings.Repeat("]", 500) + "\n", "Nesting too deep", 1, 5 + MaxNestingDepth},
		{"nested blocks", strings.Repeat("a {\n", 200) + strings.Repeat("}\n", 200), "Nesting too deep", MaxNestingDepth + 1, 3},
		{"unary run", "x = " + strings.Repeat("!", 5000) + "true\n", "Nesting too deep", 1, 5 + MaxNestingDepth},
		{"nested templates", "x = " + strings.Repeat(`"${`, 300) + "1" + strings.Repeat(`}"`, 300) + "\n", "Nesting too deep", 1, 0},
		{"nested directives", "x = <<EOT\n" + strings.Repeat("%{ if true }", 300) + "x" + strings.Repeat("%{ endif }", 300) + "\nEOT\n", "Nesting too deep", 2, 0},
		{"long operator chain", "x = 1" + strings.Repeat(" + 1", 5000) + "\n", "Expression too long", 1, 0},
		{"long conditional chain", "x = " + strings.Repeat("true ? 1 : ", 2000) + "2\n", "Expression too long", 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, diags := LoadSource("deep.hcl", []byte(tt.src), Options{})
			d := onlyError(t, diags)
			if d.Summary != tt.summary || d.Subject.Filename != "deep.hcl" || d.Subject.Start.Line != tt.line || (tt.col != 0 && d.Subject.Start.Column != tt.col) {
				t.Errorf("got %q at %s:%d:%d, want %q at line %d col %d", d.Summary, d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, tt.summary, tt.line, tt.col)
			}
			if _, fd := Format([]byte(tt.src), "deep.hcl"); !fd.HasErrors() || fd[0].Summary != tt.summary {
				t.Errorf("Format: %v, want %q", fd, tt.summary)
			}
		})
	}
}

// TestNestingWithinLimits: ordinary configurations, and nesting up to the limit,
// are not refused; a binary minus is not a unary run.
func TestNestingWithinLimits(t *testing.T) {
	for _, src := range []string{
		"x = " + strings.Repeat("(", MaxNestingDepth-1) + "1" + strings.Repeat(")", MaxNestingDepth-1) + "\n",
		"x = 1" + strings.Repeat(" - 1", MaxExpressionOperators) + "\n",
		"x = [\n" + strings.Repeat("  1 + 1,\n", 5000) + "]\n",
		"x = -1\ny = !true\nz = 2 - -1\n",
	} {
		if diags := checkSource("ok.hcl", []byte(src)); diags.HasErrors() {
			t.Errorf("%.60q…: %v", src, diags)
		}
	}
	for _, f := range []string{"testdata/valid", "../examples/demo"} {
		files, _ := filepath.Glob(filepath.Join(f, "*.hcl"))
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if diags := checkSource(p, b); diags.HasErrors() {
				t.Errorf("%s: %v", p, diags)
			}
		}
	}
}

// TestNestingUnbalanced: stray closers inside template directives do not underflow
// the nesting count (a fuzzer found "%{for)}" in a heredoc panicking checkNesting
// with index out of range [-1]); the parser then reports the syntax error.
func TestNestingUnbalanced(t *testing.T) {
	for _, src := range []string{
		"<<EOT\n%{for)}\nEOT\n",
		"x = <<EOT\n%{ if true })]}\nEOT\ny = 1\n",
		"x = <<EOT\n%{ endif }%{ endfor }\nEOT\n",
		"x = \"%{ for ) }\"\n, 1 + 1\n",
	} {
		if diags := checkSource("bad.hcl", []byte(src)); diags.HasErrors() {
			t.Errorf("%q: a limit diagnostic for a syntax error: %v", src, diags)
		}
		if _, diags := LoadSource("bad.hcl", []byte(src), Options{}); !diags.HasErrors() {
			t.Errorf("%q loads without errors", src)
		}
	}
}

// TestConfigSizeLimit: a file over MaxConfigBytes is refused with a diagnostic at the
// first byte past the limit, by every loader, without being parsed.
func TestConfigSizeLimit(t *testing.T) {
	line := "# " + strings.Repeat("x", 97) + "\n"   // 100 bytes
	big := []byte(strings.Repeat(line, 10<<20/100)) // 10 MB
	wantLine := MaxConfigBytes/100 + 1
	wantCol := MaxConfigBytes%100 + 1
	check := func(t *testing.T, name string, diags hcl.Diagnostics) {
		t.Helper()
		d := onlyError(t, diags)
		if d.Summary != "Configuration file too large" || d.Subject.Filename != name || d.Subject.Start.Line != wantLine || d.Subject.Start.Column != wantCol {
			t.Errorf("got %q at %s:%d:%d, want the size error at %s:%d:%d", d.Summary, d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, name, wantLine, wantCol)
		}
		if !strings.Contains(d.Detail, "1048576 bytes") {
			t.Errorf("detail %q does not state the limit", d.Detail)
		}
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "launch.hcl")
	if err := os.WriteFile(p, big, 0o644); err != nil {
		t.Fatal(err)
	}
	_, diags := LoadFile(p, Options{})
	check(t, p, diags)
	_, diags = LoadSource("big.hcl", big, Options{})
	check(t, "big.hcl", diags)
	_, diags = Load(fstest.MapFS{"conf/a.hcl": {Data: big}}, "conf", Options{})
	check(t, "conf/a.hcl", diags)
	_, diags = Format(big, "big.hcl")
	check(t, "big.hcl", diags)

	// Exactly at the limit is read (and here fails only for its content).
	atLimit := bytes.Repeat([]byte("#"), MaxConfigBytes)
	if diags := checkSource("limit.hcl", atLimit); diags.HasErrors() {
		t.Errorf("a file of exactly MaxConfigBytes is refused: %v", diags)
	}
}

// limitSized repeats unit after prefix up to MaxConfigBytes (a file at the limit).
func limitSized(prefix, unit string) []byte {
	return []byte(prefix + strings.Repeat(unit, (MaxConfigBytes-len(prefix))/len(unit)))
}

// TestHostileInput: files at the size limit of shapes that hclsyntax reads in time
// quadratic in their size (minutes) or that overflow the stack are refused before
// parsing, with a diagnostic at the construct. A hang shows as the test's timeout.
func TestHostileInput(t *testing.T) {
	tests := []struct {
		name      string
		src       []byte
		summary   string
		line, col int
	}{
		{"unclosed comments", limitSized("", "/*,"), "Unterminated comment", 1, 1},
		{"unclosed comments in a list", limitSized("x = [", "/*a, "), "Unterminated comment", 1, 6},
		{"unclosed comments after a name beyond ASCII", limitSized("é = 1\n", "/*,"), "Unterminated comment", 2, 1},
		{"unclosed comments between strings", limitSized("", `"/*`), "Unterminated comment", 1, 5},
		{"a comment closed, then unclosed ones", limitSized("/* a */ x = 1\n", "/*,"), "Unterminated comment", 2, 1},
		{"unclosed comments after a nesting error", limitSized("x = "+strings.Repeat("(", 200), "/*,"), "Unterminated comment", 1, 205},
		{"an unclosed heredoc of short lines", limitSized("x = <<EOT\n", "line\n"), "String too long", 1002, 1},
		{"heredoc openers in a heredoc", limitSized("", "x = <<EOT\n"), "String too long", 1002, 1},
		{"a string of dollar signs", limitSized(`x = "`, "$"), "String too long", 1, 5 + 1001},
		{"a string of escaped interpolations", limitSized(`x = "`, "$${"), "String too long", 1, 5 + 3*1000 + 1},
		{"a heredoc of interpolations", limitSized("x = <<-EOT\n", "  a ${b}\n"), "String too long", 335, 5},
		{"a chain of full splats", limitSized("x = a", "[*]"), "Expression too long", 1, 6 + 3*1000},
		{"NUL bytes", limitSized("", "\x00"), "NUL byte in configuration file", 1, 1},
		{"a NUL byte in a string", []byte("# é\nx = \"ab\x00\"\n"), "NUL byte in configuration file", 2, 8},
		{"a NUL byte after an unclosed comment", limitSized("/* é\n", "/*\x00"), "NUL byte in configuration file", 2, 3},
		{"broken UTF-8", limitSized("", "\xff"), "Invalid UTF-8", 1, 1},
		{"broken UTF-8 in a comment", limitSized("x = \"é\" # ", "\xff"), "Invalid UTF-8", 1, 11},
		{"a truncated character in a heredoc", []byte("x = <<EOT\r\na\u0301b\xc3\nEOT\n"), "Invalid UTF-8", 2, 3},
		{"a long number", limitSized("x = ", "1"), "Number too long", 1, 5},
		{"a long number in an interpolation", []byte("x = \"${1." + strings.Repeat("5", MaxNumberLength) + "}\"\n"), "Number too long", 1, 8},
		{"operators on new lines in parentheses", limitSized("variable \"v\" {\n  default = (1", "\n+1"), "Expression too long", 1003, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(what string, diags hcl.Diagnostics) {
				t.Helper()
				d := onlyError(t, diags)
				if d.Summary != tt.summary || d.Subject.Filename != "hostile.hcl" || d.Subject.Start.Line != tt.line || d.Subject.Start.Column != tt.col {
					t.Errorf("%s: got %q at %s:%d:%d, want %q at %d:%d", what, d.Summary, d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, tt.summary, tt.line, tt.col)
				}
			}
			_, diags := LoadSource("hostile.hcl", tt.src, Options{})
			check("LoadSource", diags)
			_, diags = Format(tt.src, "hostile.hcl")
			check("Format", diags)
		})
	}
}

// TestHostileInputWithinLimits: the limits leave alone what reads in time: a "/*"
// inside strings and heredocs, comments closed later, and strings of up to
// MaxTemplateParts parts.
func TestHostileInputWithinLimits(t *testing.T) {
	for _, src := range []string{
		"x = \"/*\"\ny = <<EOT\n/*\nEOT\nz = \"${\"/*\"}\" # /*\n// /*\n",
		"/* a /* b */ x = 1\n/**/\n",
		"x = <<EOT\n" + strings.Repeat("a\n", MaxTemplateParts) + "EOT\n",
		"x = \"" + strings.Repeat("$", MaxTemplateParts) + "\"\n",
		"x = \"" + strings.Repeat("${a}", MaxTemplateParts) + "\"\n",
		"x = [\n" + strings.Repeat("  a[*].b,\n", 2*MaxExpressionOperators) + "]\n",
		"x = {\n" + strings.Repeat("  a = 1 + 1\n", 2*MaxExpressionOperators) + "}\n",
		"x = \"\\u0000 é \uFFFD\"\n# ü \U0001F600\n",
		"x = 1" + strings.Repeat("0", MaxNumberLength-1) + "\ny = 1.5e-" + strings.Repeat("9", MaxNumberLength-5) + "\n",
	} {
		if diags := checkSource("ok.hcl", []byte(src)); diags.HasErrors() {
			t.Errorf("%.60q…: %v", src, diags)
		}
	}
}

// TestHostileVariables: a --var or environment value parsed as an expression (a
// variable whose default is not a string) meets the limits of a file, with a
// diagnostic at file:line:col of the value, naming the variable.
func TestHostileVariables(t *testing.T) {
	const config = "variable \"ttl\" { default = 300 }\nvariable \"ips\" { default = [\"192.0.2.1\"] }\n"
	tests := []struct {
		name, variable, value string
		env                   bool
		summary, file         string
		line, col             int
	}{
		{"deep --var", "ttl", strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200), false, "Nesting too deep", "--var ttl", 1, 101},
		{"deep environment value", "ttl", strings.Repeat("(", 200) + "1", true, "Nesting too deep", VarEnvPrefix + "ttl", 1, 101},
		{"long --var", "ttl", "1" + strings.Repeat(" + 1", 1001), false, "Expression too long", "--var ttl", 1, 4*1000 + 3},
		{"long string in a list", "ips", `["` + strings.Repeat("$", 1001) + `"]`, false, "String too long", "--var ips", 1, 1003},
		{"long number", "ttl", strings.Repeat("9", 101), true, "Number too long", VarEnvPrefix + "ttl", 1, 1},
		{"NUL byte", "ips", "[\"a\",\n\"\x00\"]", false, "NUL byte in configuration file", "--var ips", 2, 2},
		{"too large", "ips", strings.Repeat(" ", MaxConfigBytes) + "[]", false, "Value too large", "--var ips", 1, MaxConfigBytes + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.env {
				opts.LookupEnv = func(k string) (string, bool) { return tt.value, k == VarEnvPrefix+tt.variable }
			} else {
				opts.Vars = map[string]string{tt.variable: tt.value}
			}
			_, diags := LoadSource("launch.hcl", []byte(config), opts)
			d := onlyError(t, diags)
			if d.Summary != tt.summary || d.Subject.Filename != tt.file || d.Subject.Start.Line != tt.line || d.Subject.Start.Column != tt.col {
				t.Errorf("got %q at %s:%d:%d, want %q at %s:%d:%d", d.Summary, d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column, tt.summary, tt.file, tt.line, tt.col)
			}
			if !strings.Contains(d.Detail, `variable "`+tt.variable+`"`) {
				t.Errorf("detail does not name the variable: %s", d.Detail)
			}
		})
	}
}
