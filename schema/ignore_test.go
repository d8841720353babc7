package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestIgnoreEntriesLoad(t *testing.T) {
	src := `zone "example.com" {
  ignore = [
    "_acme-challenge*",
    { name = "home", types = ["aaaa", "A"] },
    { name = "@", types = ["TXT"], value = "google-site-verification=*" },
    { name = "Dyn*" },
  ]
  record "@" "TXT" { value = "v=spf1 -all" }
}
`
	cfg := load(t, src, Options{})
	z := cfg.Zones[0]
	want := []model.IgnoreRule{
		{Name: "_acme-challenge*"},
		{Name: "home", Types: []string{"A", "AAAA"}},
		{Name: "@", Types: []string{"TXT"}, Value: "google-site-verification=*"},
		{Name: "dyn*"},
	}
	if diff := cmp.Diff(want, z.IgnoreRules); diff != "" {
		t.Errorf("IgnoreRules (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"_acme-challenge*", "dyn*"}, z.Ignore); diff != "" {
		t.Errorf("whole-name globs (-want +got):\n%s", diff)
	}
	// Narrowed entries are part of the fingerprint.
	other := load(t, `zone "example.com" {
  ignore = [
    "_acme-challenge*",
    { name = "home", types = ["A"] },
    { name = "@", types = ["TXT"], value = "google-site-verification=*" },
    { name = "Dyn*" },
  ]
  record "@" "TXT" { value = "v=spf1 -all" }
}
`, Options{})
	if cfg.Fingerprint == other.Fingerprint {
		t.Error("changing an ignore entry's types does not change the fingerprint")
	}
}
