package handover

import (
	"bytes"
	"flag"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
	"github.com/launchready/launchready/verify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// loadConfig parses testdata/launch.hcl from an fs.FS, as the CLI would.
func loadConfig(t *testing.T) *schema.Config {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "launch.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, diags := schema.Load(fstest.MapFS{"launch.hcl": {Data: src}}, "launch.hcl", schema.Options{})
	if diags.HasErrors() {
		t.Fatalf("testdata/launch.hcl: %s", diags.Error())
	}
	return cfg
}

// owned returns the records of set s with the ownership mark that says launchready
// owns them.
func owned(s model.RRSet) []model.Record {
	var reg plan.Registry
	for _, v := range s.Values {
		reg.Marks = append(reg.Marks, plan.ValueMark(s.Type, v))
	}
	recs := s.Records()
	for i := range recs {
		recs[i].ID = s.Name + "/" + s.Type + "/" + recs[i].Value
	}
	return append(recs, model.Record{ID: "mark/" + s.Name + "/" + s.Type, Name: plan.RegistryName(s.Name), Type: "TXT", Value: reg.String()})
}

// liveState builds the live zones from the config with drift in both directions:
// example.com has a set whose TTL differs, a set not created yet, one removed from the
// file, records made by hand (one ignored), a setting that differs, a hand-made
// redirect and a missing cache rule; corp.example (authoritative) has an undeclared
// record it will delete.
func liveState(cfg *schema.Config) map[string]*model.LiveZone {
	ex := &model.LiveZone{Name: "example.com", ID: "zone-1", Nameservers: []string{"bob.ns.cloudflare.com", "ada.ns.cloudflare.com"}}
	marks := map[string]*plan.Registry{}
	for _, s := range cfg.Zone("example.com").RRSets() {
		switch s.Name + " " + s.Type {
		case "status.example.com CNAME":
			continue // not created yet
		case "api.example.com A":
			s.TTL = 600 // changed in the dashboard
		}
		for _, r := range owned(s) {
			if plan.IsRegistryName(r.Name) {
				reg, _ := plan.ParseRegistry(r.Value)
				if marks[r.Name] == nil {
					marks[r.Name] = &plan.Registry{}
				}
				marks[r.Name].Marks = append(marks[r.Name].Marks, reg.Marks...)
				continue
			}
			ex.Records = append(ex.Records, r)
		}
	}
	oldA := model.Record{ID: "old", Name: "old.example.com", Type: "A", Value: "203.0.113.99", TTL: 300}
	ex.Records = append(ex.Records, oldA,
		model.Record{ID: "blog", Name: "blog.example.com", Type: "CNAME", Value: "example.ghost.io", Comment: "blog, by marketing"},
		model.Record{ID: "acme", Name: "_acme-challenge.example.com", Type: "TXT", Value: "token-from-certbot", TTL: 120},
	)
	marks["_launchready.old.example.com"] = &plan.Registry{Marks: []string{plan.ValueMark("A", "203.0.113.99")}}
	for name, reg := range marks {
		ex.Records = append(ex.Records, model.Record{ID: "mark/" + name, Name: name, Type: "TXT", Value: reg.String()})
	}
	ex.Settings = &model.Settings{
		Values: map[string]string{model.SettingSSL: "strict", model.SettingAlwaysUseHTTPS: "on", model.SettingMinTLSVersion: "1.0"},
		HSTS:   &model.HSTS{Enabled: true, MaxAge: 31536000, IncludeSubdomains: true},
	}
	// Live rules as the provider reads them: only what Cloudflare stores, so no
	// From/To or Hosts/PathPrefix display fields.
	z := cfg.Zone("example.com")
	www := z.Redirects[0].Rule
	www.ID = "r1"
	wwwAction := *www.Redirect
	wwwAction.From, wwwAction.To = "", ""
	www.Redirect = &wwwAction
	assets := z.Caches[0].Rule
	assets.ID = "c1"
	assetsAction := *assets.Cache
	assetsAction.Hosts, assetsAction.PathPrefix = nil, ""
	assets.Cache = &assetsAction
	ex.Rules = map[string][]model.Rule{
		model.PhaseRedirect: {
			{ID: "r0", Phase: model.PhaseRedirect, Description: "Legacy docs", Expression: `(http.host eq "docs.example.com")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetURL: "https://example.com/docs", StatusCode: 302}, Raw: []byte(`{"from_value":{"target_url":{"value":"https://example.com/docs"},"status_code":302}}`)},
			www,
		},
		model.PhaseCache: {assets},
	}

	corp := &model.LiveZone{Name: "corp.example", Serial: 2024010107}
	corp.Records = []model.Record{
		{Name: "corp.example", Type: "SOA", Value: "ns1.corp.example. hostmaster.corp.example. 2024010107 3600 600 604800 300", TTL: 300},
		{Name: "corp.example", Type: "NS", Value: "ns2.corp.example", TTL: 300},
		{Name: "corp.example", Type: "NS", Value: "ns1.corp.example", TTL: 300},
		{Name: "corp.example", Type: "A", Value: "198.51.100.7", TTL: 300},
		{Name: "intranet.corp.example", Type: "CNAME", Value: "corp.example", TTL: 60},
		{Name: "corp.example", Type: "TXT", Value: "v=spf1 mx ip4:198.51.100.0/24 ~all", TTL: 300},
		{Name: "_dmarc.corp.example", Type: "TXT", Value: "v=DMARC1; p=none; rua=mailto:postmaster@corp.example", TTL: 300},
	}
	return map[string]*model.LiveZone{"example.com": ex, "corp.example": corp}
}

// verifyReport is a verify report as `launchready verify --json` writes it.
func verifyReport(t *testing.T) *VerifyReport {
	t.Helper()
	rep := &verify.Report{
		FormatVersion: verify.FormatVersion,
		StartedAt:     time.Date(2025, 3, 14, 9, 26, 53, 0, time.FixedZone("CET", 3600)),
		DurationMs:    1234.5,
		Zones: []verify.ZoneReport{
			{Zone: "example.com", Summary: verify.Summary{Pass: 2, Warn: 1, Fail: 1}, Results: []verify.Result{
				{Zone: "example.com", Kind: verify.KindDNS, Name: "example.com A", Check: verify.CheckRRSet, Target: "ns1.cloudflare.com", Status: verify.Pass, Reason: "every server answers 203.0.113.10"},
				{Zone: "example.com", Kind: verify.KindTLS, Name: "app.example.com", Check: verify.CheckExpiry, Status: verify.Warn, Reason: "certificate expires in 21 days"},
				{Zone: "example.com", Kind: verify.KindRedirect, Name: "www-to-apex", Check: verify.CheckRedirect, Target: "https://www.example.com/x?y=1", Status: verify.Fail, Reason: "got 302 | want 301"},
				{Zone: "example.com", Kind: verify.KindHTTP, Name: "dashboard", Check: verify.CheckLatency, Target: "https://app.example.com/api/me", Status: verify.Pass, Reason: "p95 212 ms ≤ 300 ms"},
			}},
			{Zone: "corp.example", Summary: verify.Summary{Pass: 1}, Results: []verify.Result{
				{Zone: "corp.example", Kind: verify.KindDNS, Name: "corp.example A", Check: verify.CheckRRSet, Target: "127.0.0.1:5353", Status: verify.Pass, Reason: "every server answers 198.51.100.7"},
			}},
		},
		Summary: verify.Summary{Pass: 3, Warn: 1, Fail: 1},
	}
	var buf bytes.Buffer
	if err := verify.RenderJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	got, err := ReadVerifyJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func render(t *testing.T, in Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Render(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		in   func(t *testing.T) Input
	}{
		{"config-only", func(t *testing.T) Input { return Input{Config: loadConfig(t)} }},
		{"live-and-verify", func(t *testing.T) Input {
			cfg := loadConfig(t)
			return Input{Config: cfg, Live: liveState(cfg), Verify: verifyReport(t)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.in(t))
			golden := filepath.Join("testdata", tt.name+".md")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("map differs from %s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestDeterministic renders the same inputs in shuffled orders: same bytes.
func TestDeterministic(t *testing.T) {
	cfg := loadConfig(t)
	want := render(t, Input{Config: cfg, Live: liveState(cfg), Verify: verifyReport(t)})
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20; i++ {
		cfg := loadConfig(t)
		rng.Shuffle(len(cfg.Zones), func(a, b int) { cfg.Zones[a], cfg.Zones[b] = cfg.Zones[b], cfg.Zones[a] })
		for _, z := range cfg.Zones {
			rng.Shuffle(len(z.Records), func(a, b int) { z.Records[a], z.Records[b] = z.Records[b], z.Records[a] })
			rng.Shuffle(len(z.Checks), func(a, b int) { z.Checks[a], z.Checks[b] = z.Checks[b], z.Checks[a] })
		}
		live := liveState(loadConfig(t))
		for _, lz := range live {
			rng.Shuffle(len(lz.Records), func(a, b int) { lz.Records[a], lz.Records[b] = lz.Records[b], lz.Records[a] })
		}
		rep := verifyReport(t)
		rng.Shuffle(len(rep.Zones), func(a, b int) { rep.Zones[a], rep.Zones[b] = rep.Zones[b], rep.Zones[a] })
		for _, z := range rep.Zones {
			rng.Shuffle(len(z.Results), func(a, b int) { z.Results[a], z.Results[b] = z.Results[b], z.Results[a] })
		}
		got := render(t, Input{Config: cfg, Live: live, Verify: rep})
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("shuffle %d changed the map:\n%s", i, diff)
		}
	}
}

// TestNoSecretValues sets the secrets the config names in the environment: the map
// names the variables and never contains their values.
func TestNoSecretValues(t *testing.T) {
	secrets := map[string]string{
		"CLOUDFLARE_API_TOKEN": "cf-token-5f1d2c3b4a59687766554433221100ff",
		"LAUNCH_TSIG_SECRET":   "c2VjcmV0LXRzaWcta2V5LWZvci10ZXN0cw==",
		"LAUNCH_CHECK_TOKEN":   "Bearer eyJhbGciOiJIUzI1NiJ9.secret-check-token",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	cfg := loadConfig(t)
	for _, in := range []Input{
		{Config: cfg},
		{Config: cfg, Live: liveState(cfg), Verify: verifyReport(t)},
	} {
		got := render(t, in)
		for name, value := range secrets {
			if !strings.Contains(got, "`"+name+"`") {
				t.Errorf("the map does not name %s", name)
			}
			for _, part := range []string{value, value[:12], value[len(value)-12:]} {
				if strings.Contains(got, part) {
					t.Errorf("the map contains (part of) the value of %s", name)
				}
			}
		}
	}
}

func TestSections(t *testing.T) {
	cfg := loadConfig(t)
	got := render(t, Input{Config: cfg, Live: liveState(cfg), Verify: verifyReport(t), VerifiedAt: time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC)})
	for _, want := range []string{
		"# DNS map",
		"## Zone `example.com`",
		"| `ns1.corp.example`<br>`ns2.corp.example` |",
		"| `example.com` | Cloudflare | `bob.ns.cloudflare.com`<br>`ada.ns.cloudflare.com` |",
		"| `app.example.com` | CNAME | `app-prod.fly.dev` | auto | yes | dashboard (\\`app\\`) &lt;main&gt; | launchready | in sync |",
		"| `api.example.com` | A | `203.0.113.20`<br>`203.0.113.21` | 300 | no | public API | launchready | differs from the file: the next apply updates it |",
		"| `status.example.com` | CNAME | `statuspage.example.net` | auto | no | — | launchready | not created yet: the next apply creates it |",
		"| `old.example.com` | A | `203.0.113.99` | 300 | no | — | launchready | no longer declared: the next apply deletes it |",
		"| `blog.example.com` | CNAME | `example.ghost.io` | auto | no | blog, by marketing | by hand (not in launch.hcl) | left alone |",
		"| `_acme-challenge.example.com` | TXT | `token-from-certbot` | 120 | no | — | by hand (ignored) | left alone |",
		"marketing site \\| landing",
		"| 1 | Legacy docs | expression `(http.host eq \"docs.example.com\")` | `https://example.com/docs` | 302 | dropped | by hand | left alone |",
		"| 2 | www-to-apex | `https://www.example.com/*` | `https://example.com/${1}` | 301 | kept | launchready | in sync |",
		"| 2 | app-bypass | `app.example.com` | **bypass** (never cached) | — | — | launchready | not created yet: the next apply creates it |",
		"| SSL/TLS encryption mode `ssl` | `strict` | `strict` | in sync |",
		"| Minimum TLS version `min_tls_version` | `1.2` | `1.0` | differs from the file: the next apply sets it |",
		"| Google Workspace | `include:_spf.google.com` | `google` | — |",
		"| SendGrid | `include:sendgrid.net` | `s1` | — |",
		"| 203.0.113.5 | `ip4:203.0.113.5` | — | no DKIM selector: passes DMARC only if it sends with a bounce (MAIL FROM) address under the domain |",
		"| `-all` | everyone else fails SPF: receivers apply the DMARC policy |",
		"| `s1` | `s1._domainkey.example.com CNAME` | hosted by the sender at s1.domainkey.u123.wl.sendgrid.net |",
		"| `google` | `google._domainkey.example.com TXT` | RSA 2048-bit public key published here |",
		"| 198.51.100.0/24 | `ip4:198.51.100.0/24` | — |",
		"Read from the zone's TXT records (no `email` block).",
		"| **fail** | redirect | `www-to-apex` | redirect | `https://www.example.com/x?y=1` | got 302 \\| want 301 |",
		"Last verified at 2025-03-15 10:00:00 UTC: 3 passed, 1 warnings, 1 failed, 0 skipped.",
		"| `Authorization` ← env `LAUNCH_CHECK_TOKEN`",
		"| `LAUNCH_TSIG_SECRET` | TSIG secret of key launch-key. (hmac-sha256) | provider rfc2136.corp, zone corp.example |",
		"`launchready spf check --ip 203.0.113.5 --sender postmaster@example.com`",
		"`launchready rollback SNAPSHOT`",
		"Zone → Single Redirect → Edit",
		"```mermaid\nflowchart LR\n",
		`n_app_example_com -->|"proxied"| cloudflare_edge`,
		`cloudflare_edge -->|"app.example.com"| n_app_prod_fly_dev`,
		`n_www_example_com -.->|"redirect 301"| n_example_com`,
		`n_intranet_corp_example --> n_corp_example`,
		"pending: 2 to add, 2 to change, 1 to delete",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("map lacks %q", want)
		}
	}
	if strings.Contains(got, "_launchready.") && !strings.Contains(got, "`_launchready.<name>`") {
		t.Errorf("the map lists ownership registry records")
	}
}

func TestNotVerified(t *testing.T) {
	got := render(t, Input{Config: loadConfig(t)})
	if n := strings.Count(got, "Not verified yet: run `launchready verify`."); n != 3 {
		t.Errorf("\"not verified yet\" appears %d times, want 3 (overview and each zone)", n)
	}
}

func TestRenderErrors(t *testing.T) {
	if err := Render(&bytes.Buffer{}, Input{}); err == nil {
		t.Error("Render without a config succeeded")
	}
	if _, err := ReadVerifyJSON(strings.NewReader(`{"format_version":"2"}`)); err == nil || !strings.Contains(err.Error(), `format_version "2"`) {
		t.Errorf("ReadVerifyJSON(version 2) error = %v", err)
	}
	if _, err := ReadVerifyJSON(strings.NewReader(`{`)); err == nil {
		t.Error("ReadVerifyJSON(truncated) succeeded")
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"code plain", code, "example.com", "`example.com`"},
		{"code pipe", code, "a|b", "`a\\|b`"},
		{"code backtick", code, "a`b", "``a`b``"},
		{"code edge backtick", code, "`x", "`` `x ``"},
		{"code newline", code, "a\nb", "`a b`"},
		{"code empty", code, "", ""},
		{"text specials", text, "*bold* _it_ [l](u) <b>&amp; | $x$ ~s~ \\", "\\*bold\\* \\_it\\_ \\[l\\](u) &lt;b&gt;&amp;amp; \\| \\$x\\$ \\~s\\~ \\\\"},
		{"text newline", text, "one\r\ntwo", "one two"},
		{"mermaid", mermaidLabel, `a "b" <c> #d |e| ` + "`f`", "a #quot;b#quot; #lt;c#gt; #35;d #124;e#124; #96;f#96;"},
		{"mermaid id", func(s string) string { return mermaidID("n_", s) }, "Api-1.Example.com", "n_api_1_example_com"},
		{"shorten", func(s string) string { return shorten(s, 5) }, "abcdefgh", "abcd…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fn(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMatrixFromRecords reads email authentication from live TXT records (a zone
// without an email block).
func TestMatrixFromRecords(t *testing.T) {
	const key = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1AhV9ozncUOa6EfRnKK0JbzQiIkUzbnYnIYKdT9ldj4dAi4tfoeBXKpFV6BP8dJpThbI2ZeSvgcYGEBN+8KSSseP24ZQJ3wreQXvE1FFDfsym7CDC3MaTjvv5BRa/GDLG0A/e19b6jK95PgsvJl9Bv0iUICgIkrryVWrmcYCzmEtEeGOHGsLyGFaHnqnoIeVJweSe1WcST1u9S12GzbzSykfrwkaZ5XzWEiyGYgxLEJOVh2DPqHWdEjpEGfL5MUMfidTHYLRN1fR51ChzngQphDN8bqJWxAYDfEnLhQeox0iwGnvwGNPy42dzub3IIOAxCj2QBdFsRezzqEBjXnnZwIDAQAB"
	sets := []*setView{
		{name: "x.org", typ: "TXT", values: []string{"v=spf1 a mx include:mailgun.org ~include:maybe.example -ip4:192.0.2.9 ip4:198.51.100.1 redirect=_spf.x.org ?all", "other"}},
		{name: "_dmarc.x.org", typ: "TXT", values: []string{"v=DMARC1; p=reject; sp=none; pct=50; rua=mailto:a@x.org,mailto:b@y.org; adkim=s"}},
		{name: "mg._domainkey.x.org", typ: "TXT", values: []string{"v=DKIM1; k=rsa; p=" + key}},
		{name: "s1._domainkey.x.org", typ: "CNAME", values: []string{"s1.domainkey.u1.wl.sendgrid.net"}},
		{name: "old._domainkey.x.org", typ: "TXT", values: []string{"v=DKIM1; p="}},
	}
	m := matrixFromRecords(sets, "x.org")
	var d md
	renderMatrix(&d, "x.org", m)
	got := d.b.String()
	for _, want := range []string{
		"| Mailgun | `include:mailgun.org` | — | no DKIM selector: passes DMARC only if it sends with a bounce (MAIL FROM) address under the domain |",
		"| 198.51.100.1 | `ip4:198.51.100.1` | — |",
		"| MX hosts of the domain | `mx` | — |",
		"| SendGrid | — | `s1` | not in SPF: authenticated by DKIM only",
		"| `a` | allows the addresses (A/AAAA) of x.org |",
		"| `~include:maybe.example` | soft-fails whoever maybe.example's SPF record allows |",
		"| `-ip4:192.0.2.9` | refuses servers at 192.0.2.9 (fail) |",
		"| `redirect=_spf.x.org` | everyone not matched above is judged by \\_spf.x.org's SPF record |",
		"| `?all` | everyone else neutral: SPF says nothing |",
		"| `mg` | `mg._domainkey.x.org TXT` | RSA 2048-bit public key published here |",
		"| `old` | `old._domainkey.x.org TXT` | revoked (empty p=) |",
		"| DKIM selector mg | — | `mg` |",
		"| policy (`p`) | `reject` (failing mail is refused) |",
		"| subdomains (`sp`) | `none` (monitor only: failing mail is delivered) |",
		"| share of failing mail the policy applies to (`pct`) | 50 % |",
		"| aggregate reports go to (`rua`) | `mailto:a@x.org`<br>`mailto:b@y.org` |",
		"| DKIM alignment (`adkim`) | strict |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("email section lacks %q\n%s", want, got)
		}
	}

	broken := matrixFromRecords([]*setView{
		{name: "x.org", typ: "TXT", values: []string{"v=spf1 -all", "v=spf1 mx -all"}},
		{name: "_dmarc.x.org", typ: "TXT", values: []string{"p=reject; v=DMARC1"}},
	}, "x.org")
	d = md{}
	renderMatrix(&d, "x.org", broken)
	got = d.b.String()
	for _, want := range []string{
		"**The SPF record is broken**: the name publishes more than one SPF record",
		"**The DMARC record is broken**: receivers ignore it",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("email section lacks %q\n%s", want, got)
		}
	}
	if matrixFromRecords([]*setView{{name: "x.org", typ: "TXT", values: []string{"hello"}}}, "x.org") != nil {
		t.Error("a zone without email records got a sending matrix")
	}
}

// TestIncompleteLive draws a zone whose live state cannot be compared with the file
// (settings not read) and a zone with no live state at all: the map says so and still
// renders everything the config holds.
func TestIncompleteLive(t *testing.T) {
	cfg := loadConfig(t)
	live := liveState(cfg)
	live["example.com"].Settings = nil
	delete(live, "corp.example")
	got := render(t, Input{Config: cfg, Live: live})
	for _, want := range []string{
		"| `example.com` | Cloudflare | `bob.ns.cloudflare.com`<br>`ada.ns.cloudflare.com` | additive: records made by hand are left alone; never touched: `_acme-challenge*` | could not be compared with the file |",
		"**Live state could not be compared with the file:** computing plan for zone example.com: live zone settings were not read. Ownership and sync state are not shown.",
		"| `corp.example` | rfc2136.corp (RFC 2136 at 127.0.0.1:5353) | not read (no live state) | authoritative: records not in the file are deleted | live state not read |",
		"| `blog.example.com` | CNAME | `example.ghost.io` | auto | no | blog, by marketing | not declared |",
		"| 1 | Legacy docs | expression `(http.host eq \"docs.example.com\")` | `https://example.com/docs` | 302 | dropped | by hand |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("map lacks %q", want)
		}
	}
}

// TestNameserversCell: the name servers the provider assigned where it said
// (Cloudflare's name_servers, in its order), else the apex NS records read, else a
// note on where to find them.
func TestNameserversCell(t *testing.T) {
	cfg := loadConfig(t)
	tests := []struct {
		name string
		zone string
		live *model.LiveZone
		want string
	}{
		{"cloudflare, assigned name servers", "example.com",
			&model.LiveZone{Name: "example.com", Nameservers: []string{"Bob.NS.cloudflare.com.", "ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}},
			"`bob.ns.cloudflare.com`<br>`ada.ns.cloudflare.com`"},
		{"cloudflare, live read but no name servers reported", "example.com",
			&model.LiveZone{Name: "example.com"},
			"Cloudflare-assigned (shown on the zone's overview page in the dashboard)"},
		{"cloudflare, config only", "example.com", nil,
			"Cloudflare-assigned (shown on the zone's overview page in the dashboard)"},
		{"cloudflare, apex NS records that differ are shown too", "example.com",
			&model.LiveZone{Name: "example.com", Nameservers: []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}, Records: []model.Record{
				{Name: "example.com", Type: "NS", Value: "ns1.other-dns.net"},
				{Name: "example.com", Type: "NS", Value: "ada.ns.cloudflare.com"},
			}},
			"`ada.ns.cloudflare.com`<br>`bob.ns.cloudflare.com`<br>apex NS records: `ada.ns.cloudflare.com`<br>`ns1.other-dns.net`"},
		{"cloudflare, apex NS records equal to the assigned ones", "example.com",
			&model.LiveZone{Name: "example.com", Nameservers: []string{"bob.ns.cloudflare.com", "ada.ns.cloudflare.com"}, Records: []model.Record{
				{Name: "example.com", Type: "NS", Value: "ada.ns.cloudflare.com."},
				{Name: "example.com", Type: "NS", Value: "bob.ns.cloudflare.com"},
			}},
			"`bob.ns.cloudflare.com`<br>`ada.ns.cloudflare.com`"},
		{"rfc2136, apex NS records", "corp.example",
			&model.LiveZone{Name: "corp.example", Records: []model.Record{
				{Name: "corp.example", Type: "NS", Value: "ns2.corp.example."},
				{Name: "corp.example", Type: "NS", Value: "ns1.corp.example"},
				{Name: "sub.corp.example", Type: "NS", Value: "ns.elsewhere.net"},
			}},
			"`ns1.corp.example`<br>`ns2.corp.example`"},
		{"rfc2136, no apex NS records", "corp.example", &model.LiveZone{Name: "corp.example"},
			"no NS records at the apex were read"},
		{"rfc2136, config only", "corp.example", nil, "not read (no live state)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newZoneView(cfg, cfg.Zone(tt.zone), tt.live)
			if diff := cmp.Diff(tt.want, nameserversCell(cfg, v)); diff != "" {
				t.Errorf("nameservers cell (-want +got):\n%s", diff)
			}
		})
	}
}

// TestHandValuesBesideDeclared: a value someone added by hand to a declared record set
// (a second address, a verification TXT) is served too; the map shows it, marked.
func TestHandValuesBesideDeclared(t *testing.T) {
	cfg := loadConfig(t)
	live := liveState(cfg)
	lz := live["example.com"]
	lz.Records = append(lz.Records, model.Record{ID: "hand-api", Name: "api.example.com", Type: "A", Value: "203.0.113.77", TTL: 300})
	got := render(t, Input{Config: cfg, Live: live})
	for _, want := range []string{"`203.0.113.77` (by hand)", "values marked (by hand) are left alone"} {
		if !strings.Contains(got, want) {
			t.Errorf("map lacks %q", want)
		}
	}
}

// TestLockRecordsNotListed: the apply lock's records (its generation, which stays
// between applies, and a lock held now) are not rows of the map, whose note names
// them instead, so the next maintainer neither deletes them nor adopts them.
func TestLockRecordsNotListed(t *testing.T) {
	cfg := loadConfig(t)
	live := liveState(cfg)
	ex := live["example.com"]
	ex.Records = append(ex.Records,
		model.Record{ID: "g1", Name: ownership.LockName("example.com"), Type: "TXT", Value: ownership.GenerationContent, TTL: 60, Comment: "holder=ann@laptop pid=1 since=2026-12-04T07:00:00Z token=1a2b3c4d"},
		model.Record{ID: "l1", Name: ownership.LockName("example.com"), Type: "TXT", Value: ownership.LockContent, TTL: 60, Comment: "holder=bob@ci pid=2 since=2026-12-04T07:01:00Z token=5e6f7a8b"})
	got := render(t, Input{Config: cfg, Live: live})
	if strings.Contains(got, "| `_launchready-lock.example.com`") || strings.Contains(got, "1a2b3c4d") || strings.Contains(got, "5e6f7a8b") {
		t.Errorf("the map lists the apply lock's records as rows")
	}
	if !strings.Contains(got, "Nor is the TXT record at `_launchready-lock.example.com`: launchready's apply lock") {
		t.Errorf("the map does not say what the lock's records are")
	}
}
