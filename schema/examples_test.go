package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The reference config and the demo config must load with no diagnostic at all and
// already be in canonical format (`launchready fmt --check` passes on them).
func TestExamplesLoad(t *testing.T) {
	for _, path := range []string{"../launch.hcl.example", "../examples/demo/launch.hcl"} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cfg, diags := LoadSource(path, src, Options{})
			for _, d := range diags {
				t.Errorf("%s", d.Error())
			}
			if len(cfg.Zones) == 0 {
				t.Fatalf("no zones")
			}
			formatted, fdiags := Format(src, path)
			if fdiags.HasErrors() {
				t.Fatal(fdiags.Error())
			}
			if !bytes.Equal(formatted, src) {
				t.Errorf("%s is not canonically formatted; run launchready fmt on it", path)
			}
		})
	}
}

func TestDemoContents(t *testing.T) {
	cfg, diags := LoadFile("../examples/demo/launch.hcl", Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	z := cfg.Zone("example.com")
	if z == nil || z.Provider != "cloudflare" {
		t.Fatalf("demo zone example.com on cloudflare missing: %+v", cfg.Zones)
	}
	types := map[string]bool{}
	for _, r := range z.Records {
		types[r.Type] = true
	}
	for _, typ := range []string{"A", "CNAME", "MX", "TXT", "CAA", "SRV"} {
		if !types[typ] {
			t.Errorf("demo has no %s record", typ)
		}
	}
	if z.Settings == nil || z.Settings.HSTS == nil || len(z.Redirects) == 0 || len(z.Caches) < 2 || z.Email == nil || len(z.Checks) != 1 {
		t.Errorf("demo must show settings with hsts, a redirect, two cache rules, email and one check")
	}
	if !z.Checks[0].NeverCached || len(z.Checks[0].Headers) != 0 {
		t.Errorf("demo check must be never_cached and need no secret header: %+v", z.Checks[0])
	}
}

// The commented RFC 2136 example in launch.hcl.example must be valid once uncommented.
func TestExampleRFC2136Comment(t *testing.T) {
	src, err := os.ReadFile("../launch.hcl.example")
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "# provider \"rfc2136\"") {
			in = true
		}
		if !in {
			continue
		}
		if !strings.HasPrefix(line, "#") || strings.HasPrefix(line, "# RFC 2136 zones") {
			break
		}
		block = append(block, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
	}
	if len(block) < 10 {
		t.Fatalf("commented rfc2136 example not found (%d lines)", len(block))
	}
	cfg, diags := LoadSource("rfc2136.hcl", []byte(strings.Join(block, "\n")), Options{})
	for _, d := range diags {
		t.Errorf("%s", DiagnosticString(d))
	}
	if z := cfg.Zone("corp.example"); z == nil || z.ProviderKind != "rfc2136" || cfg.Providers["rfc2136.corp"] == nil {
		t.Errorf("uncommented example did not declare the rfc2136 zone and provider")
	}
}
