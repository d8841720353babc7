package importer

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
)

// ownedRedirect is a redirect rule launchready made for owner.
func ownedRedirect(id, name, owner, from, target string) model.Rule {
	r := handRedirect(id, "launchready: "+name, `(http.host eq "`+from+`")`, target, 301)
	r.Ref = ownership.RuleRef("redirect", name, owner)
	r.Raw = nil
	return r
}

// marketingZone is a Cloudflare zone one launch.hcl (owner marketing) manages: its
// records carry marketing's marker, one record was made by hand.
func marketingZone() *model.LiveZone {
	return &model.LiveZone{
		Name: "example.com",
		Records: []model.Record{
			rec("promo.example.com", "CNAME", "promo.example.net", 0, true, ownership.WithMarker("spring sale", "marketing")),
			rec("news.example.com", "A", "192.0.2.7", 300, false, ownership.WithMarker("", "marketing")),
			rec("blog.example.com", "CNAME", "example.ghost.io", 0, false, "by hand"),
		},
		Rules: map[string][]model.Rule{model.PhaseRedirect: {
			ownedRedirect("r1", "promo", "marketing", "promo.example.com", "https://example.com/spring"),
		}},
	}
}

// planAfterImport loads the imported file and plans it against live: nothing may be
// created, updated or deleted (adoptions and ownership marks aside).
func planAfterImport(t *testing.T, src []byte, live *model.LiveZone) {
	t.Helper()
	cfg := load(t, src)
	p, err := plan.Compute(cfg, map[string]*model.LiveZone{live.Name: live})
	if err != nil {
		t.Fatalf("plan.Compute: %v", err)
	}
	for _, c := range p.Zones[0].Changes {
		if c.Action != plan.ActionAdopt && c.Kind != plan.KindOwnership {
			t.Errorf("plan after import has a change: %s %s %s %+v", c.Action, c.Kind, c.Key, c.Fields)
		}
	}
	for _, w := range p.Zones[0].Warnings {
		t.Errorf("plan after import warns: %s", w)
	}
}

// TestOwnerFromMarks: a zone whose launchready-marked records and rules all carry one
// owner's marks is imported as that owner's file (`owner = "marketing"`), so that its
// plan takes nothing over and creates no second copy of its rules.
func TestOwnerFromMarks(t *testing.T) {
	live := marketingZone()
	src, err := Zone(live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := load(t, src)
	if got := cfg.Zones[0].Owner; got != "marketing" {
		t.Errorf("owner = %q, want marketing:\n%s", got, src)
	}
	if !strings.Contains(string(src), `redirect "promo" {`) {
		t.Errorf("marketing's redirect is not imported as its block \"promo\":\n%s", src)
	}
	planAfterImport(t, src, live)

	got, err := Owner(live, Options{})
	if err != nil || got != "marketing" {
		t.Errorf("Owner() = %q, %v; want marketing", got, err)
	}
}

// TestOwnerDefault: without marks of another owner nothing is written about owners.
func TestOwnerDefault(t *testing.T) {
	for name, live := range map[string]*model.LiveZone{
		"no marks":         {Name: "example.com", Records: []model.Record{rec("example.com", "A", "192.0.2.1", 0, true, "")}},
		"default's marker": {Name: "example.com", Records: []model.Record{rec("example.com", "A", "192.0.2.1", 0, true, ownership.WithMarker("site", ownership.DefaultOwner))}},
	} {
		t.Run(name, func(t *testing.T) {
			src, err := Zone(live, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(src), "owner") {
				t.Errorf("output names an owner:\n%s", src)
			}
			if got := load(t, src).Zones[0].Owner; got != ownership.DefaultOwner {
				t.Errorf("owner = %q, want %q", got, ownership.DefaultOwner)
			}
		})
	}
}

// TestSeveralOwners: a zone two launch.hcl files manage. Without Options.Owner the
// import refuses, naming the owners; with it, the file is that owner's and the other
// owner's records and rules are listed as left out, never declared twice.
func TestSeveralOwners(t *testing.T) {
	live := marketingZone()
	live.Records = append(live.Records,
		rec("example.com", "A", "192.0.2.1", 0, true, ownership.WithMarker("site", ownership.DefaultOwner)),
		rec("www.example.com", "CNAME", "example.com", 0, true, ownership.WithMarker("", ownership.DefaultOwner)),
	)
	live.Rules[model.PhaseRedirect] = append(live.Rules[model.PhaseRedirect],
		ownedRedirect("r2", "www-to-apex", ownership.DefaultOwner, "www.example.com", "https://example.com/"))

	_, err := Zone(live, Options{})
	if err == nil || !strings.Contains(err.Error(), "default (3), marketing (3)") || !strings.Contains(err.Error(), "--owner") {
		t.Errorf("Zone() without an owner: error = %v, want one naming both owners and --owner", err)
	}

	for _, tt := range []struct {
		owner      string
		want, left []string
	}{
		{"marketing",
			[]string{`owner         = "marketing"`, `record "promo" "CNAME"`, `record "blog" "CNAME"`, `redirect "promo" {`},
			[]string{`@ A "192.0.2.1" (marked by launch.hcl owner "default"`, `www CNAME "example.com" (marked by launch.hcl owner "default"`, `redirect rule launchready:redirect:www-to-apex (made by launch.hcl owner "default"`}},
		{ownership.DefaultOwner,
			[]string{`record "@" "A"`, `record "www" "CNAME"`, `record "blog" "CNAME"`, `redirect "www-to-apex" {`},
			[]string{`promo CNAME "promo.example.net" (marked by launch.hcl owner "marketing"`, `news A "192.0.2.7" (marked by launch.hcl owner "marketing"`, `redirect rule launchready:redirect:promo@marketing (made by launch.hcl owner "marketing"`}},
	} {
		t.Run(tt.owner, func(t *testing.T) {
			src, err := Zone(live, Options{Owner: tt.owner})
			if err != nil {
				t.Fatal(err)
			}
			out := string(src)
			for _, w := range append(tt.want, tt.left...) {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(out, "# The zone is managed by several launch.hcl files (owners default, marketing)") {
				t.Errorf("output does not say the zone has several owners:\n%s", out)
			}
			planAfterImport(t, src, live)
		})
	}

	if _, err := Zone(live, Options{Owner: "Bad Owner"}); err == nil {
		t.Error("Zone() with an invalid owner succeeded")
	}
}

// TestOwnerSettings: zone settings another owner's apex mark lists are that owner's,
// left out of this owner's file even with --settings; an owner that marked only
// settings counts as an owner of the zone.
func TestOwnerSettings(t *testing.T) {
	live := marketingZone()
	reg := ownership.Registry{Owner: "app", Settings: []string{model.SettingSSL}, RulesKnown: true}
	live.Records = append(live.Records, model.Record{ID: "apex-mark", Name: ownership.RegistryName("example.com"), Type: "TXT", Value: reg.String()})
	live.Settings = &model.Settings{Values: map[string]string{model.SettingSSL: "strict", model.SettingMinTLSVersion: "1.2"}}

	if _, err := Zone(live, Options{Settings: true}); err == nil || !strings.Contains(err.Error(), "app (1), marketing (3)") {
		t.Errorf("Zone() error = %v, want one naming app (1) and marketing (3)", err)
	}
	src, err := Zone(live, Options{Settings: true, Owner: "marketing"})
	if err != nil {
		t.Fatal(err)
	}
	out := string(src)
	for _, want := range []string{`min_tls_version = "1.2"`, `#   setting ssl (managed by launch.hcl owner "app", whose file declares it)`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `ssl             = "strict"`) || strings.Contains(out, `ssl = "strict"`) {
		t.Errorf("the app's setting is declared in marketing's file:\n%s", out)
	}
}
