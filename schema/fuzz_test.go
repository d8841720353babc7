package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// FuzzLoadSource checks the HCL decoder on arbitrary input: it never panics or
// overflows the stack, every error diagnostic names a position in the file, a file
// that loads has a fingerprint and the zones CloudflareZones named (when it was
// sure), and fmt's output is a fixed point (formatting it
// again changes nothing) that loads the same way.
func FuzzLoadSource(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "valid", "*.hcl"))
	inv, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.hcl"))
	for _, p := range append(files, inv...) {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("x = " + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200)))
	f.Add([]byte("zone \"example.com\" {\n  record \"www\" \"A\" { value = \"192.0.2.1\" }\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, diags := LoadSource("fuzz.hcl", src, Options{})
		if cfg == nil {
			t.Fatal("LoadSource returned a nil config")
		}
		for _, d := range diags {
			if d.Severity == hcl.DiagError && d.Subject != nil && d.Subject.Filename != "fuzz.hcl" {
				t.Fatalf("diagnostic %q names file %q", d.Summary, d.Subject.Filename)
			}
		}
		if !diags.HasErrors() && cfg.Fingerprint == "" {
			t.Fatal("a configuration that loads has no fingerprint")
		}
		zoneNamesAgree(t, "fuzz.hcl", src, cfg, diags)
		out, fd := Format(src, "fuzz.hcl")
		if fd.HasErrors() {
			return
		}
		again, fd2 := Format(out, "fuzz.hcl")
		if fd2.HasErrors() {
			t.Fatalf("formatted output does not parse: %v\n%s", fd2, out)
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("Format is not idempotent:\n--- once\n%s\n--- twice\n%s", out, again)
		}
		if !diags.HasErrors() {
			if _, d2 := LoadSource("fuzz.hcl", out, Options{}); d2.HasErrors() {
				t.Fatalf("the file loads, its formatted form does not: %v", d2)
			}
		}
	})
}
