package schema

import (
	"slices"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
)

// zoneNamesAgree checks CloudflareZones against loading (cfg, diags are src loaded):
// when it is sure, a file that loads has exactly those zones, in that order, all on
// Cloudflare.
func zoneNamesAgree(t *testing.T, name string, src []byte, cfg *Config, diags hcl.Diagnostics) (sure bool) {
	t.Helper()
	names, ok := CloudflareZones(src)
	if !ok {
		if names != nil {
			t.Errorf("%s: not sure, yet names %q", name, names)
		}
		return false
	}
	if diags.HasErrors() {
		return true
	}
	var got, want []string
	for _, n := range names {
		c, err := model.CanonicalZone(n)
		if err != nil {
			t.Errorf("%s: named %q, which is no zone name, yet the file loads", name, n)
		}
		got = append(got, c)
	}
	for _, z := range cfg.Zones {
		want = append(want, z.Name)
		if z.ProviderKind != "cloudflare" {
			t.Errorf("%s: sure of its zones, but %s is on %s", name, z.Name, z.Provider)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s: CloudflareZones %q, loaded zones %q", name, got, want)
	}
	return true
}

func TestCloudflareZones(t *testing.T) {
	for _, tt := range []struct {
		src   string
		names []string
		ok    bool
	}{
		{"", nil, true},
		{"zone \"a.example\" {\n}\n", []string{"a.example"}, true},
		{"# x\nvariable \"v\" {\n  default = \"zone\"\n}\nzone \"a.example\" {\n  provider = \"cloudflare\" # c\n  record \"p\" \"TXT\" {\n    provider = \"x\"\n  }\n}\nzone \"B.example\" { provider = \"cloudflare\" }", []string{"a.example", "B.example"}, true},
		{"zone \"a.example\" {\n  provider = \"rfc2136.corp\"\n}\n", nil, false},
		{"zone \"a.example\" {\n  provider = var.p\n}\n", nil, false},
		{"zone \"a.example\" {\n  provider = \"cloudflare\" + \"\"\n}\n", nil, false},
		{"zone \"a\\u0041.example\" {\n}\n", nil, false},
		{"zone \"${x}\" {\n}\n", nil, false},
		{"zone a {\n}\n", nil, false},
		{"zone \"a\" \"b\" {\n}\n", nil, false},
		{"zone \"é.example\" {\n}\n", []string{"é.example"}, true},
		{"zone \"a.example\" {\n  ignore = [é]\n}\n", nil, false},
	} {
		names, ok := CloudflareZones([]byte(tt.src))
		if ok != tt.ok || !slices.Equal(names, tt.names) {
			t.Errorf("%q: got %q %v, want %q %v", tt.src, names, ok, tt.names, tt.ok)
		}
	}
	paths, srcs := fixtureSources(t, "*")
	sure := 0
	for _, p := range paths {
		b := srcs[p]
		cfg, diags := LoadSource(p, b, Options{})
		if zoneNamesAgree(t, p, b, cfg, diags) {
			sure++
		}
	}
	if sure == 0 {
		t.Error("sure of no fixture's zones")
	}
	t.Logf("sure of %d fixtures' zones", sure)
}
