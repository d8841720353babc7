package schema

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// load loads src as launch.hcl from a MapFS and fails the test on any error.
func load(t *testing.T, src string, opts Options) *Config {
	t.Helper()
	cfg, diags := Load(fstest.MapFS{"launch.hcl": {Data: []byte(src)}}, "launch.hcl", opts)
	if diags.HasErrors() {
		t.Fatalf("unexpected errors:\n%s", diagText(diags))
	}
	return cfg
}

// loadDiags loads src and returns its diagnostics.
func loadDiags(t *testing.T, src string, opts Options) hcl.Diagnostics {
	t.Helper()
	_, diags := Load(fstest.MapFS{"launch.hcl": {Data: []byte(src)}}, "launch.hcl", opts)
	return diags
}

func diagText(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Error())
		b.WriteString("\n")
	}
	return b.String()
}

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestVariablePrecedence(t *testing.T) {
	const src = `
variable "ip" { default = "192.0.2.1" }
variable "ttl" { default = 300 }
variable "ips" { default = ["192.0.2.10"] }
zone "example.com" {
  record "@" "A" {
    value = var.ip
    ttl   = var.ttl
  }
  record "multi" "A" { values = var.ips }
}
`
	tests := []struct {
		name      string
		opts      Options
		wantIP    string
		wantTTL   int
		wantMulti []string
	}{
		{"default", Options{}, "192.0.2.1", 300, []string{"192.0.2.10"}},
		{"environment", Options{LookupEnv: env(map[string]string{"LAUNCHREADY_VAR_ip": "192.0.2.2", "LAUNCHREADY_VAR_ttl": "600"})}, "192.0.2.2", 600, []string{"192.0.2.10"}},
		{"--var wins over environment", Options{
			Vars:      map[string]string{"ip": "192.0.2.3", "ips": `["192.0.2.12", "192.0.2.11"]`},
			LookupEnv: env(map[string]string{"LAUNCHREADY_VAR_ip": "192.0.2.2"}),
		}, "192.0.2.3", 300, []string{"192.0.2.11", "192.0.2.12"}},
		{"other environment ignored", Options{LookupEnv: env(map[string]string{"ip": "192.0.2.9", "LAUNCHREADY_VAR_IP": "192.0.2.9"})}, "192.0.2.1", 300, []string{"192.0.2.10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			z := load(t, src, tt.opts).Zones[0]
			got := []any{z.Records[0].Values, z.Records[0].TTL, z.Records[1].Values}
			want := []any{[]string{tt.wantIP}, tt.wantTTL, tt.wantMulti}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestVariableErrors(t *testing.T) {
	tests := []struct {
		name, src   string
		opts        Options
		wantSummary string
		wantDetail  string
	}{
		{"--var for an undeclared variable", `variable "ip" { default = "x" }`, Options{Vars: map[string]string{"iq": "1"}},
			"Value for undeclared variable", `Did you mean "ip"?`},
		{"required variable unset", `variable "ip" {}`, Options{}, "No value for variable", "LAUNCHREADY_VAR_ip"},
		{"number variable given text", `variable "n" { default = 1 }`, Options{Vars: map[string]string{"n": "one"}},
			"Invalid value for variable", "--var n"},
		{"undeclared reference with suggestion", `
variable "origin" { default = "192.0.2.1" }
zone "example.com" {
  record "@" "A" { value = var.orgin }
}`, Options{}, "Reference to undeclared variable", `Did you mean "origin"?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := loadDiags(t, tt.src, tt.opts)
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got:\n%s", diagText(diags))
			}
			if diags[0].Summary != tt.wantSummary || !strings.Contains(diags[0].Detail, tt.wantDetail) {
				t.Errorf("got %q / %q, want %q containing %q", diags[0].Summary, diags[0].Detail, tt.wantSummary, tt.wantDetail)
			}
		})
	}
}

func TestRecordNormalisation(t *testing.T) {
	tests := []struct {
		name  string
		zone  string
		block string
		want  model.RRSet
	}{
		{"apex A", "example.com", `record "@" "A" { value = "192.0.2.1" }`,
			model.RRSet{Name: "example.com", Type: "A", Values: []string{"192.0.2.1"}}},
		{"absolute name, upper case, trailing dot", "Example.COM.", `record "WWW.Example.com." "a" { value = " 192.0.2.1 " }`,
			model.RRSet{Name: "www.example.com", Type: "A", Values: []string{"192.0.2.1"}}},
		{"IDN zone and name", "bücher.example", `record "straße" "CNAME" { value = "Bücher.example." }`,
			model.RRSet{Name: "xn--strae-oqa.xn--bcher-kva.example", Type: "CNAME", Values: []string{"xn--bcher-kva.example"}}},
		{"IPv6 canonical, sorted, de-duplicated", "example.com", `record "v6" "AAAA" { values = ["2001:DB8:0:0:0:0:0:2", "2001:db8::1", "2001:0db8::0002"] }`,
			model.RRSet{Name: "v6.example.com", Type: "AAAA", Values: []string{"2001:db8::1", "2001:db8::2"}}},
		{"MX targets absolute without dot", "example.com", `record "@" "MX" { values = ["20 MX2.example.net.", "10 mx1.example.net"] }`,
			model.RRSet{Name: "example.com", Type: "MX", Values: []string{"10 mx1.example.net", "20 mx2.example.net"}}},
		{"SRV", "example.com", `record "_sip._tcp" "SRV" { value = "10  5 5060 SIP.example.com." }`,
			model.RRSet{Name: "_sip._tcp.example.com", Type: "SRV", Values: []string{"10 5 5060 sip.example.com"}}},
		{"CAA quoting", "example.com", `record "@" "CAA" { value = "0 ISSUE letsencrypt.org" }`,
			model.RRSet{Name: "example.com", Type: "CAA", Values: []string{`0 issue "letsencrypt.org"`}}},
		{"TXT kept verbatim", "example.com", `record "@" "TXT" { value = "v=DKIM1; k=rsa; \"quoted\"  spaced " }`,
			model.RRSet{Name: "example.com", Type: "TXT", Values: []string{`v=DKIM1; k=rsa; "quoted"  spaced `}}},
		{"TXT over 255 bytes is one value", "example.com", `record "long" "TXT" { value = "` + strings.Repeat("x", 300) + `" }`,
			model.RRSet{Name: "long.example.com", Type: "TXT", Values: []string{strings.Repeat("x", 300)}}},
		{"CNAME to the apex with @", "example.com", `record "www" "CNAME" { value = "@" }`,
			model.RRSet{Name: "www.example.com", Type: "CNAME", Values: []string{"example.com"}}},
		{"wildcard", "example.com", `record "*.preview" "CNAME" { value = "previews.example.net" }`,
			model.RRSet{Name: "*.preview.example.com", Type: "CNAME", Values: []string{"previews.example.net"}}},
		{"Cloudflare ttl 1 is automatic", "example.com", "record \"a\" \"A\" {\n value = \"192.0.2.1\"\n ttl = 1\n}",
			model.RRSet{Name: "a.example.com", Type: "A", Values: []string{"192.0.2.1"}}},
		{"proxied, comment trimmed", "example.com", "record \"a\" \"A\" {\n value = \"192.0.2.1\"\n proxied = true\n comment = \" site \"\n}",
			model.RRSet{Name: "a.example.com", Type: "A", Proxied: true, Comment: "site", Values: []string{"192.0.2.1"}}},
		{"PTR and NS below the apex", "example.com", `record "dev" "NS" { values = ["ns2.example.net", "NS1.example.net."] }`,
			model.RRSet{Name: "dev.example.com", Type: "NS", Values: []string{"ns1.example.net", "ns2.example.net"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.want.Origin = "record"
			z := load(t, "zone \""+tt.zone+"\" {\n"+tt.block+"\n}\n", Options{}).Zones[0]
			if len(z.Records) != 1 {
				t.Fatalf("want 1 record set, got %d", len(z.Records))
			}
			if diff := cmp.Diff(tt.want, z.Records[0].RRSet); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestNullIsAbsent(t *testing.T) {
	z := load(t, `
variable "ttl" { default = null }
zone "example.com" {
  record "a" "A" {
    value   = "192.0.2.1"
    ttl     = null
    comment = null
  }
}`, Options{Vars: map[string]string{"ttl": "60"}}).Zones[0]
	if r := z.Records[0]; r.TTL != 0 || r.Comment != "" {
		t.Errorf("null arguments: ttl %d comment %q, want automatic and none", r.TTL, r.Comment)
	}
	diags := loadDiags(t, "variable \"x\" { default = null }\n", Options{})
	if len(diags) != 1 || diags[0].Summary != "No value for variable" {
		t.Errorf("a null default is no default: %s", diagText(diags))
	}
}

func TestRFC2136TTLOne(t *testing.T) {
	cfg := load(t, `
provider "rfc2136" "ns" {
  server          = "::1"
  tsig_key        = "K"
  tsig_secret_env = "S"
}
zone "corp.example" {
  provider = "rfc2136.ns"
  record "a" "A" {
    value = "192.0.2.1"
    ttl   = 1
  }
}`, Options{})
	z := cfg.Zones[0]
	if z.ProviderKind != "rfc2136" || z.Provider != "rfc2136.ns" || z.Records[0].TTL != 1 {
		t.Errorf("got kind %q provider %q ttl %d; want rfc2136, rfc2136.ns, 1 (a real one-second TTL)", z.ProviderKind, z.Provider, z.Records[0].TTL)
	}
	want := &Provider{Kind: "rfc2136", Name: "ns", Server: "[::1]:53", TSIGKey: "k.", TSIGAlgorithm: "hmac-sha256", TSIGSecretEnv: "S"}
	if diff := cmp.Diff(want, cfg.Providers["rfc2136.ns"], cmpopts.IgnoreFields(Provider{}, "DeclRange")); diff != "" {
		t.Errorf("provider (-want +got)\n%s", diff)
	}
}

func TestSettings(t *testing.T) {
	z := load(t, `
zone "example.com" {
  settings {
    ssl                      = "full"
    always_use_https         = false
    min_tls_version          = 1.2
    tls_1_3                  = "zrt"
    automatic_https_rewrites = true
    security_level           = "high"
    hsts {
      max_age = 300
      nosniff = true
    }
  }
}`, Options{}).Zones[0]
	want := model.Settings{
		Values: map[string]string{
			model.SettingSSL: "full", model.SettingAlwaysUseHTTPS: "off", model.SettingMinTLSVersion: "1.2",
			model.SettingTLS13: "zrt", model.SettingAutomaticHTTPSRewrites: "on", model.SettingSecurityLevel: "high",
		},
		HSTS: &model.HSTS{Enabled: true, MaxAge: 300, Nosniff: true},
	}
	if diff := cmp.Diff(want, z.Settings.Settings); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if r := z.Settings.Ranges[model.SettingSecurityHeader]; r.Start.Line != 10 {
		t.Errorf("hsts range starts at line %d, want 10", r.Start.Line)
	}

	partial := load(t, "zone \"example.com\" {\n settings {\n ssl = \"strict\"\n }\n}", Options{}).Zones[0]
	if diff := cmp.Diff(model.Settings{Values: map[string]string{"ssl": "strict"}}, partial.Settings.Settings); diff != "" {
		t.Errorf("only what is written is managed (-want +got)\n%s", diff)
	}
	off := load(t, "zone \"example.com\" {\n settings {\n hsts { enabled = false }\n }\n}", Options{}).Zones[0]
	if diff := cmp.Diff(&model.HSTS{}, off.Settings.HSTS); diff != "" {
		t.Errorf("disabled HSTS (-want +got)\n%s", diff)
	}
}

func TestRedirectCompilation(t *testing.T) {
	tests := []struct {
		name  string
		block string
		want  model.Rule
		from  string
		to    string
	}{
		{
			name: "wildcard with captures",
			block: `redirect "www-to-apex" {
  from           = "https://WWW.Example.com/*"
  to             = "https://example.com/$${1}"
  preserve_query = true
}`,
			want: model.Rule{
				Ref: "launchready:redirect:www-to-apex", Phase: model.PhaseRedirect, Description: "launchready: www-to-apex",
				Expression: `(http.request.full_uri wildcard "https://www.example.com/*")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{
					From: "https://www.example.com/*", To: "https://example.com/${1}",
					TargetExpression: `wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}")`,
					StatusCode:       301, PreserveQuery: true,
				},
			},
			from: "https://www.example.com/*", to: "https://example.com/${1}",
		},
		{
			name: "fixed target",
			block: `redirect "old" {
  from   = "https://old.example.com/*"
  to     = "https://example.com/"
  status = 302
}`,
			want: model.Rule{
				Ref: "launchready:redirect:old", Phase: model.PhaseRedirect, Description: "launchready: old",
				Expression: `(http.request.full_uri wildcard "https://old.example.com/*")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{From: "https://old.example.com/*", To: "https://example.com/", TargetURL: "https://example.com/", StatusCode: 302},
			},
			from: "https://old.example.com/*", to: "https://example.com/",
		},
		{
			name: "IDN host, quote in pattern, two captures",
			block: `redirect "idn" {
  from   = "https://*.bücher.example.com/a\"b/*"
  to     = "https://example.com/$${1}/$${2}"
  status = 308
}`,
			want: model.Rule{
				Ref: "launchready:redirect:idn", Phase: model.PhaseRedirect, Description: "launchready: idn",
				Expression: `(http.request.full_uri wildcard "https://*.xn--bcher-kva.example.com/a\"b/*")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{
					From: `https://*.xn--bcher-kva.example.com/a"b/*`, To: "https://example.com/${1}/${2}",
					TargetExpression: `wildcard_replace(http.request.full_uri, "https://*.xn--bcher-kva.example.com/a\"b/*", "https://example.com/${1}/${2}")`,
					StatusCode:       308,
				},
			},
			from: `https://*.xn--bcher-kva.example.com/a"b/*`, to: "https://example.com/${1}/${2}",
		},
		{
			name: "raw expressions",
			block: `redirect "raw" {
  expression        = "(http.host eq \"example.com\")"
  target_expression = "concat(\"https://www.example.com\", http.request.uri.path)"
  status            = 307
}`,
			want: model.Rule{
				Ref: "launchready:redirect:raw", Phase: model.PhaseRedirect, Description: "launchready: raw",
				Expression: `(http.host eq "example.com")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetExpression: `concat("https://www.example.com", http.request.uri.path)`, StatusCode: 307},
			},
		},
		{
			name: "raw expression, fixed target",
			block: `redirect "raw-url" {
  expression = "(http.request.uri.path eq \"/old\")"
  to         = "https://example.com/new"
}`,
			want: model.Rule{
				Ref: "launchready:redirect:raw-url", Phase: model.PhaseRedirect, Description: "launchready: raw-url",
				Expression: `(http.request.uri.path eq "/old")`, Action: "redirect", Enabled: true,
				Redirect: &model.RedirectAction{TargetURL: "https://example.com/new", StatusCode: 301},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, diags := Load(fstest.MapFS{"launch.hcl": {Data: []byte("zone \"example.com\" {\n" + tt.block + "\n}\n")}}, "launch.hcl", Options{})
			if diags.HasErrors() {
				t.Fatal(diagText(diags))
			}
			r := cfg.Zones[0].Redirects[0]
			if diff := cmp.Diff(tt.want, r.Rule); diff != "" {
				t.Errorf("rule (-want +got)\n%s", diff)
			}
			if r.FromURL != tt.from || r.ToURL != tt.to {
				t.Errorf("FromURL/ToURL = %q/%q, want %q/%q", r.FromURL, r.ToURL, tt.from, tt.to)
			}
			// import's reverse: the rule gives back the block's from/to.
			from, to, ok := ParseRedirectRule(r.Rule)
			if ok != (tt.from != "") || from != tt.from || to != tt.to {
				t.Errorf("ParseRedirectRule = %q, %q, %v; want %q, %q", from, to, ok, tt.from, tt.to)
			}
			if ok {
				back := CompileRedirect(RedirectSpec{Name: r.Name, From: from, To: to, Status: r.Rule.Redirect.StatusCode, PreserveQuery: r.Rule.Redirect.PreserveQuery})
				if diff := cmp.Diff(r.Rule, back); diff != "" {
					t.Errorf("round trip (-loaded +recompiled)\n%s", diff)
				}
			}
		})
	}
}

func TestParseRedirectExpressionRejects(t *testing.T) {
	tests := []struct{ name, expr, target string }{
		{"hand-made expression", `(http.host eq "example.com")`, "https://example.com/"},
		{"trailing clause", `(http.request.full_uri wildcard "https://a.example.com/*" and ssl)`, "https://example.com/"},
		{"other target function", `(http.request.full_uri wildcard "https://a.example.com/*")`, `concat("https://example.com", http.request.uri.path)`},
		{"replace pattern differs", `(http.request.full_uri wildcard "https://a.example.com/*")`, `wildcard_replace(http.request.full_uri, "https://b.example.com/*", "https://example.com/${1}")`},
		{"unterminated string", `(http.request.full_uri wildcard "https://a.example.com/*)`, "https://example.com/"},
		{"replacement without reference", `(http.request.full_uri wildcard "https://a.example.com/*")`, `wildcard_replace(http.request.full_uri, "https://a.example.com/*", "https://example.com/")`},
		{"target URL with a reference", `(http.request.full_uri wildcard "https://a.example.com/*")`, "https://example.com/${1}"},
		{"not a URL pattern", `(http.request.full_uri wildcard "ftp://a.example.com/*")`, "https://example.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if from, to, ok := ParseRedirectExpression(tt.expr, tt.target); ok {
				t.Errorf("ParseRedirectExpression accepted it: %q, %q", from, to)
			}
		})
	}
}

func TestCacheCompilation(t *testing.T) {
	tests := []struct {
		name      string
		block     string
		want      model.Rule
		wantHosts []string
		wantPath  string
	}{
		{
			name: "hosts sorted, path prefix, TTLs",
			block: `cache "assets" {
  hosts       = ["www.example.com", "Example.com."]
  path_prefix = "/assets/"
  edge_ttl    = "30d"
  browser_ttl = 3600
}`,
			want: model.Rule{
				Ref: "launchready:cache:assets", Phase: model.PhaseCache, Description: "launchready: assets",
				Expression: `(http.host in {"example.com" "www.example.com"} and starts_with(http.request.uri.path, "/assets/"))`,
				Action:     "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{Hosts: []string{"example.com", "www.example.com"}, PathPrefix: "/assets/", EdgeTTL: 30 * 86400, BrowserTTL: 3600},
			},
			wantHosts: []string{"example.com", "www.example.com"}, wantPath: "/assets/",
		},
		{
			name: "bypass, one host",
			block: `cache "app-bypass" {
  hosts  = ["app.example.com"]
  bypass = true
}`,
			want: model.Rule{
				Ref: "launchready:cache:app-bypass", Phase: model.PhaseCache, Description: "launchready: app-bypass",
				Expression: `(http.host in {"app.example.com"})`, Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{Hosts: []string{"app.example.com"}, Bypass: true},
			},
			wantHosts: []string{"app.example.com"},
		},
		{
			name: "no TTL: cache, respect origin",
			block: `cache "eligible" {
  hosts       = ["example.com"]
  path_prefix = "/"
  edge_ttl    = "1h30m"
}`,
			want: model.Rule{
				Ref: "launchready:cache:eligible", Phase: model.PhaseCache, Description: "launchready: eligible",
				Expression: `(http.host in {"example.com"})`, Action: "set_cache_settings", Enabled: true,
				Cache: &model.CacheAction{Hosts: []string{"example.com"}, EdgeTTL: 5400},
			},
			wantHosts: []string{"example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "zone \"example.com\" {\n" +
				"record \"@\" \"A\" {\n value = \"192.0.2.1\"\n proxied = true\n}\n" +
				"record \"www\" \"CNAME\" {\n value = \"example.com\"\n proxied = true\n}\n" +
				"record \"app\" \"CNAME\" {\n value = \"example.com\"\n proxied = true\n}\n" +
				tt.block + "\n}\n"
			cfg, diags := Load(fstest.MapFS{"launch.hcl": {Data: []byte(src)}}, "launch.hcl", Options{})
			if len(diags) > 0 {
				t.Fatal(diagText(diags))
			}
			r := cfg.Zones[0].Caches[0].Rule
			if diff := cmp.Diff(tt.want, r); diff != "" {
				t.Errorf("rule (-want +got)\n%s", diff)
			}
			hosts, path, ok := ParseCacheExpression(r.Expression)
			if !ok || !cmp.Equal(hosts, tt.wantHosts) || path != tt.wantPath {
				t.Errorf("ParseCacheExpression = %q, %q, %v; want %q, %q", hosts, path, ok, tt.wantHosts, tt.wantPath)
			}
		})
	}
}

func TestParseCacheExpressionRejects(t *testing.T) {
	for _, expr := range []string{
		`(http.host eq "example.com")`,
		`(http.host in {"b.example.com" "a.example.com"})`, // not the sorted form launchready writes
		`(http.host in {"a.example.com" "a.example.com"})`,
		`(http.host in {})`,
		`(http.host in {"a.example.com"} and starts_with(http.request.uri.path, "/x/") and ssl)`,
		`(http.host in {"a.example.com"} or starts_with(http.request.uri.path, "/x/"))`,
		`(http.host in {"a.example.com"}`,
	} {
		if h, p, ok := ParseCacheExpression(expr); ok {
			t.Errorf("ParseCacheExpression(%s) accepted: %q %q", expr, h, p)
		}
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		in   string
		want int
		err  bool
	}{
		{"30s", 30, false}, {"5m", 300, false}, {"2h", 7200, false}, {"30d", 2592000, false},
		{"1w", 604800, false}, {"1h30m", 5400, false}, {"3600", 3600, false}, {" 1d ", 86400, false},
		{"", 0, true}, {"30x", 0, true}, {"d", 0, true}, {"10", 10, false}, {"1.5h", 0, true}, {"h1", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseDuration(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	for secs, want := range map[int]string{30: "30s", 300: "5m", 7200: "2h", 2592000: "30d", 5400: "90m", 90: "90s", 604800: "7d"} {
		if got := FormatDuration(secs); got != want {
			t.Errorf("FormatDuration(%d) = %q, want %q", secs, got, want)
		}
		if back, err := ParseDuration(FormatDuration(secs)); err != nil || back != secs {
			t.Errorf("ParseDuration(FormatDuration(%d)) = %d, %v", secs, back, err)
		}
	}
}

const testRSAKey = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0NCgUV7DwBrR2YGRfPUVOuK/zHDJuAnQa/GPp4FASSqTS7nf2s5mNwXHDID1qP9+XN5lE0xgz/TWDfsbPMI3LxdKuVc7WeFVDsA0D98yuf+L8X+jnQtCjcF3xwLSKQijfoS4XjCbmtv7pkryn1aKixvGkIUzn5qYaxCZO8hci8OzG1FMeM4o3F+A4XCFUUE5StX4VSdv42ntYex1O/QBTjtfAkewFnzlgG17Rw6idaWHarfjbkSJd37etzAlr7EP4i+0LLfJ1LIWmrrDrMT/Icb3nyYbeGJcIz7446SU48kQpDVaDRJPqJ8HwznRrdQxs1Wm9xH9740LL3E2ZHRRkwIDAQAB"

func TestEmailRecords(t *testing.T) {
	src := `zone "example.com" {
  record "@" "TXT" { value = "google-site-verification=abc" }
  email {
    spf {
      include = ["_spf.Google.com.", "sendgrid.net"]
      ip4     = ["203.0.113.5", "198.51.100.0/24"]
      ip6     = ["2001:DB8::1"]
      mx      = true
    }
    dkim "google" {
      public_key = <<-EOT
        ` + testRSAKey[:100] + `
        ` + testRSAKey[100:] + `
      EOT
    }
    dkim "ed" { public_key = "pW9DJRs/X1lzxQY7zcOQuddaPx8+toKp0xE8u3UGojA=" }
    dkim "s1" { cname = "S1.domainkey.u123.wl.sendgrid.net." }
    dmarc {
      policy = "reject"
      rua    = ["mailto:dmarc@example.com", "MAILTO:reports@example.com!10m"]
      pct    = 100
      adkim  = "strict"
    }
  }
}`
	z := load(t, src, Options{}).Zones[0]
	wantPolicy := &email.Policy{
		SPF: &email.SPF{Include: []string{"_spf.google.com", "sendgrid.net"}, IP4: []string{"203.0.113.5", "198.51.100.0/24"}, IP6: []string{"2001:db8::1"}, MX: true, All: "fail"},
		DKIM: []email.DKIM{
			{Selector: "google", PublicKey: testRSAKey, KeyType: "rsa"},
			{Selector: "ed", PublicKey: "pW9DJRs/X1lzxQY7zcOQuddaPx8+toKp0xE8u3UGojA=", KeyType: "ed25519"},
			{Selector: "s1", CNAME: "s1.domainkey.u123.wl.sendgrid.net"},
		},
		DMARC: &email.DMARC{Policy: "reject", RUA: []string{"mailto:dmarc@example.com", "mailto:reports@example.com!10m"}, Pct: 100, ADKIM: "strict"},
	}
	if diff := cmp.Diff(wantPolicy, z.Email); diff != "" {
		t.Errorf("policy (-want +got)\n%s", diff)
	}
	type rec struct {
		Set  model.RRSet
		Line int
	}
	var got []rec
	for _, r := range z.Records {
		got = append(got, rec{r.RRSet, r.DeclRange.Start.Line})
	}
	want := []rec{
		// The record block's TXT set also carries the SPF value: one set per name and type.
		{model.RRSet{Name: "example.com", Type: "TXT", Origin: "record+email.spf", Values: []string{
			"google-site-verification=abc",
			"v=spf1 mx ip4:203.0.113.5 ip4:198.51.100.0/24 ip6:2001:db8::1 include:_spf.google.com include:sendgrid.net -all",
		}}, 2},
		{model.RRSet{Name: "google._domainkey.example.com", Type: "TXT", Origin: "email.dkim.google", Comment: "DKIM key, selector google",
			Values: []string{"v=DKIM1; k=rsa; p=" + testRSAKey}}, 10},
		{model.RRSet{Name: "ed._domainkey.example.com", Type: "TXT", Origin: "email.dkim.ed", Comment: "DKIM key, selector ed",
			Values: []string{"v=DKIM1; k=ed25519; p=pW9DJRs/X1lzxQY7zcOQuddaPx8+toKp0xE8u3UGojA="}}, 16},
		{model.RRSet{Name: "s1._domainkey.example.com", Type: "CNAME", Origin: "email.dkim.s1", Comment: "DKIM key, selector s1 (hosted by the sender)",
			Values: []string{"s1.domainkey.u123.wl.sendgrid.net"}}, 17},
		{model.RRSet{Name: "_dmarc.example.com", Type: "TXT", Origin: "email.dmarc", Comment: "DMARC policy",
			Values: []string{"v=DMARC1; p=reject; rua=mailto:dmarc@example.com,mailto:reports@example.com!10m; adkim=s"}}, 18},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got)\n%s", diff)
	}
}

func TestEmailAlone(t *testing.T) {
	z := load(t, `zone "example.com" {
  email {
    spf {}
  }
}`, Options{}).Zones[0]
	want := []model.RRSet{{Name: "example.com", Type: "TXT", Origin: "email.spf", Comment: "SPF: who may send mail for example.com", Values: []string{"v=spf1 -all"}}}
	if diff := cmp.Diff(want, z.RRSets()); diff != "" {
		t.Errorf("a domain that sends no mail publishes v=spf1 -all (-want +got)\n%s", diff)
	}
}

func TestChecks(t *testing.T) {
	z := load(t, `zone "example.com" {
  check "minimal" {
    url = "https://App.Bücher.example"
  }
  check "full" {
    url     = "http://app.example.com/api/me?x=1"
    method  = "post"
    headers = {
      Authorization  = env("LAUNCH_CHECK_TOKEN")
      "X-Api-Key"    = (env("API_KEY"))
      Accept         = "application/json"
    }
    expect_status    = 204
    requests         = 100
    concurrency      = 10
    p95_ms           = 800
    max_error_rate   = 0.05
    never_cached     = true
    no_mixed_content = true
    noindex          = true
  }
}`, Options{}).Zones[0]
	want := []*Check{
		{Name: "minimal", URL: "https://app.xn--bcher-kva.example", Method: "GET", Headers: map[string]Secret{}, ExpectStatus: 200, Requests: 20, Concurrency: 2, P95Ms: 300, MaxErrorRate: 0.01},
		{Name: "full", URL: "http://app.example.com/api/me?x=1", Method: "POST", Headers: map[string]Secret{
			"Authorization": {Env: "LAUNCH_CHECK_TOKEN"}, "X-Api-Key": {Env: "API_KEY"}, "Accept": {Literal: "application/json"},
		}, ExpectStatus: 204, Requests: 100, Concurrency: 10, P95Ms: 800, MaxErrorRate: 0.05, NeverCached: true, NoMixedContent: true, Noindex: true},
	}
	if diff := cmp.Diff(want, z.Checks, cmpopts.IgnoreFields(Check{}, "DeclRange")); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestComputedHeaders(t *testing.T) {
	z := load(t, `
variable "headers" {
  default = { Accept = "text/html", "X-Client" = "launchready" }
}
zone "example.com" {
  check "c" {
    url     = "https://example.com/"
    headers = merge(var.headers, { "Accept-Language" = "en" })
  }
}`, Options{}).Zones[0]
	want := map[string]Secret{"Accept": {Literal: "text/html"}, "X-Client": {Literal: "launchready"}, "Accept-Language": {Literal: "en"}}
	if diff := cmp.Diff(want, z.Checks[0].Headers); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	diags := loadDiags(t, `
variable "headers" {}
zone "example.com" {
  check "c" {
    url     = "https://example.com/"
    headers = var.headers
  }
}`, Options{Vars: map[string]string{"headers": "x"}})
	if !diags.HasErrors() || diags[0].Summary != "Incorrect value type" {
		t.Errorf("a string for headers: %s", diagText(diags))
	}
}

func TestSecretResolve(t *testing.T) {
	lookup := env(map[string]string{"TOKEN": "Bearer s3cr3t"})
	tests := []struct {
		s       Secret
		want    string
		wantErr string
		str     string
	}{
		{Secret{Env: "TOKEN"}, "Bearer s3cr3t", "", `env("TOKEN")`},
		{Secret{Literal: "application/json"}, "application/json", "", "application/json"},
		{Secret{Env: "MISSING"}, "", "environment variable MISSING is not set", `env("MISSING")`},
	}
	for _, tt := range tests {
		got, err := tt.s.Resolve(lookup)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
			t.Errorf("%#v.Resolve = %q, %v; want %q, %q", tt.s, got, err, tt.want, tt.wantErr)
		}
		if s := tt.s.String(); s != tt.str || strings.Contains(s, "s3cr3t") {
			t.Errorf("%#v.String() = %q, want %q", tt.s, s, tt.str)
		}
	}
}

func TestLooksLikeSecret(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5jK7m", true},  // Cloudflare API token shape
		{"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3gH5jK7", false},  // 39 characters
		{"da39a3ee5e6b4b0d3255bfef95601890afd80709", false}, // SHA-1 hex: one case
		{"0123456789abcdef0123456789abcdef01234", true},     // Global API Key
		{"Bearer eyJhbGciOiJIUzI1NiJ9", true},               // credential
		{"bearer abc", false},                               // too short to be one
		{"Bearer ", false},                                  // the prefix of a template
		{"ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", true},  // GitHub
		{"AKIAIOSFODNN7EXAMPLE", true},                      // AWS
		{"xoxb-1234567890-abcdefghij", true},                // Slack
		{"sk_live_4eC39HqLyjWDarjtT1zdp7dc", true},          // Stripe
		{"-----BEGIN PRIVATE KEY-----", true},               // PEM
		{"https://user:pa55word@example.com/", true},        // password in URL
		{"https://example.com/?api_key=abcd1234", true},     // credential in query
		{"https://example.com/?page=2&sort=name", false},    // ordinary query
		{"mailto:dmarc@example.com", false},                 // an address
		{"google-site-verification=rXOxyZounnZasA8Z7oaD3c14JdjS9aKSWvsR1EbUSIQ", false},
		{"MS=ms93844938", false},
		{"v=DKIM1; k=rsa; p=" + testRSAKey, false},
		{testRSAKey, false},
		{"v=spf1 include:_spf.google.com -all", false},
		{"", false},
	}
	for _, tt := range tests {
		if _, got := LooksLikeSecret(tt.in); got != tt.want {
			t.Errorf("LooksLikeSecret(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSecretAndSensitiveNames(t *testing.T) {
	secret := map[string]bool{
		"api_token": true, "cloudflare_api_token": true, "tsig_secret": true, "password": true, "db_passwd": true,
		"api_key": true, "X-Api-Key": true, "private_key": true, "aws_access_key": true, "credentials": true,
		"tsig_secret_env": false, "tsig_key": false, "public_key": false, "origin_ip": false, "keyword": false, "monkey": false,
	}
	for name, want := range secret {
		if got := SecretName(name); got != want {
			t.Errorf("SecretName(%q) = %v, want %v", name, got, want)
		}
	}
	sensitive := map[string]bool{
		"Authorization": true, "Proxy-Authorization": true, "Cookie": true, "X-Api-Key": true, "X-Auth-Token": true,
		"X-CSRF-Token": true, "X-Session-Id": true, "Accept": false, "User-Agent": false, "Keep-Alive": false, "X-Request-Id": false,
	}
	for name, want := range sensitive {
		if got := SensitiveHeader(name); got != want {
			t.Errorf("SensitiveHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestCidrHost(t *testing.T) {
	z := load(t, `zone "example.com" {
  record "@" "TXT" {
    values = [cidrhost("10.0.0.0/8", 258), cidrhost("192.0.2.0/24", -1), cidrhost("2001:db8::/32", 65536)]
  }
}`, Options{}).Zones[0]
	want := []string{"10.0.1.2", "192.0.2.255", "2001:db8::1:0"}
	if diff := cmp.Diff(want, z.Records[0].Values, cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	diags := loadDiags(t, `zone "example.com" {
  record "@" "A" { value = cidrhost("192.0.2.0/30", 4) }
}`, Options{})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "has no host number 4") {
		t.Errorf("cidrhost out of range: %s", diagText(diags))
	}
}

func TestFingerprint(t *testing.T) {
	base := `
variable "ip" { default = "192.0.2.1" }
zone "example.com" {
  record "@" "A" { value = var.ip }
  check "c" {
    url     = "https://example.com/"
    headers = { Authorization = env("TOKEN_A") }
  }
}`
	fp := func(src string, opts Options) string {
		t.Helper()
		return load(t, src, opts).Fingerprint
	}
	a := fp(base, Options{})
	if len(a) != 64 {
		t.Fatalf("fingerprint %q", a)
	}
	// Same desired state, written differently: same fingerprint.
	same := []string{
		"# a comment\n" + strings.ReplaceAll(base, "  ", "    "),
		strings.Replace(base, `var.ip`, `"192.0.2.1"`, 1),
		strings.Replace(base, `"@" "A"`, `"EXAMPLE.com." "a"`, 1),
	}
	for i, src := range same {
		if got := fp(src, Options{}); got != a {
			t.Errorf("equivalent config %d changed the fingerprint", i)
		}
	}
	// A different desired state: a different fingerprint.
	different := map[string]struct {
		src  string
		opts Options
	}{
		"variable value":    {base, Options{Vars: map[string]string{"ip": "192.0.2.2"}}},
		"header env name":   {strings.Replace(base, "TOKEN_A", "TOKEN_B", 1), Options{}},
		"check URL":         {strings.Replace(base, `https://example.com/"`, `https://example.com/x"`, 1), Options{}},
		"authoritative":     {strings.Replace(base, `zone "example.com" {`, "zone \"example.com\" {\n authoritative = true", 1), Options{}},
		"extra record":      {strings.Replace(base, `record "@" "A" { value = var.ip }`, "record \"@\" \"A\" { value = var.ip }\nrecord \"w\" \"A\" { value = var.ip }", 1), Options{}},
		"environment value": {base, Options{LookupEnv: env(map[string]string{"LAUNCHREADY_VAR_ip": "192.0.2.9"})}},
	}
	for name, d := range different {
		if got := fp(d.src, d.opts); got == a {
			t.Errorf("%s: fingerprint did not change", name)
		}
	}
	// The environment value of a header never counts (it is not even read).
	if got := fp(base, Options{LookupEnv: env(map[string]string{"TOKEN_A": "secret"})}); got != a {
		t.Errorf("a header's environment value changed the fingerprint")
	}
}

func TestFormat(t *testing.T) {
	in := "zone \"example.com\" {\nrecord \"@\" \"A\" {\nvalue=\"192.0.2.1\"\nproxied   =   true\n}\n}\n"
	want := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value   = \"192.0.2.1\"\n    proxied = true\n  }\n}\n"
	got, diags := Format([]byte(in), "launch.hcl")
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	again, _ := Format(got, "launch.hcl")
	if string(again) != string(got) {
		t.Errorf("Format is not idempotent:\n%s", again)
	}
	out, diags := Format([]byte("zone \"x\" {\n  record = \n"), "bad.hcl")
	if out != nil || !diags.HasErrors() || diags[0].Subject == nil || diags[0].Subject.Filename != "bad.hcl" {
		t.Errorf("syntax error: got %q, %v", out, diags)
	}
}

func TestLoadDirectoryAndFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"conf/a.hcl":     {Data: []byte("variable \"ip\" { default = \"192.0.2.1\" }\n")},
		"conf/b.hcl":     {Data: []byte("zone \"example.com\" {\n  record \"@\" \"A\" { value = var.ip }\n}\n")},
		"conf/notes.txt": {Data: []byte("not config")},
		"bad/x.hcl":      {Data: []byte("zone \"example.com\" {\n  record \"@\" \"A\" { value = var.nope }\n}\n")},
	}
	cfg, diags := Load(fsys, "conf", Options{})
	if diags.HasErrors() {
		t.Fatal(diagText(diags))
	}
	if diff := cmp.Diff([]string{"conf/a.hcl", "conf/b.hcl"}, cfg.Files); diff != "" {
		t.Errorf("files (-want +got)\n%s", diff)
	}
	if got := cfg.Zone("example.com").Records[0].Values; !cmp.Equal(got, []string{"192.0.2.1"}) {
		t.Errorf("a variable from another file: %v", got)
	}
	_, diags = Load(fsys, "bad", Options{})
	if len(diags) != 1 || diags[0].Subject.Filename != "bad/x.hcl" || diags[0].Subject.Start.Line != 2 || diags[0].Subject.Start.Column != 28 {
		t.Errorf("diagnostic position: %s", diagText(diags))
	}
	// Diagnostics come in file order, then top to bottom.
	two := fstest.MapFS{
		"b.hcl": {Data: []byte("zone \"example.org\" {\n  record \"@\" \"A\" { value = \"x\" }\n}\n")},
		"a.hcl": {Data: []byte("zone \"example.com\" {\n\n  record \"@\" \"A\" { value = \"y\" }\n  record \"w\" \"A\" { value = \"z\" }\n}\n")},
	}
	_, diags = LoadFiles(two, []string{"b.hcl", "a.hcl"}, Options{})
	var order []string
	for _, d := range diags {
		order = append(order, fmt.Sprintf("%s:%d", d.Subject.Filename, d.Subject.Start.Line))
	}
	if diff := cmp.Diff([]string{"b.hcl:2", "a.hcl:3", "a.hcl:4"}, order); diff != "" {
		t.Errorf("diagnostic order (-want +got)\n%s", diff)
	}
	_, diags = LoadFiles(two, []string{"a.hcl", "gone.hcl"}, Options{})
	if !diags.HasErrors() || diags[0].Summary != "Cannot read configuration file" {
		t.Errorf("unreadable file: %s", diagText(diags))
	}
	_, diags = Load(fsys, "missing.hcl", Options{})
	if !diags.HasErrors() || diags[0].Summary != "Cannot read configuration" {
		t.Errorf("missing file: %s", diagText(diags))
	}
	_, diags = Load(fstest.MapFS{"empty/x.txt": {}}, "empty", Options{})
	if !diags.HasErrors() || diags[0].Summary != "No configuration files" {
		t.Errorf("empty directory: %s", diagText(diags))
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"https://www.example.com/*", "https://www.example.com/", true},
		{"https://www.example.com/*", "https://WWW.example.com/a/b?c", true},
		{"https://www.example.com/*", "https://example.com/", false},
		{"https://*.example.com/*", "https://a.b.example.com/x", true},
		{"https://*.example.com/*", "https://example.com/x", false},
		{"https://example.com/a*b", "https://example.com/aXXb", true},
		{"https://example.com/a*b", "https://example.com/aXXbc", false},
		{"*", "", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

// Every diagnostic of every invalid fixture must carry a source range: the CLI prints
// file:line:col for each.
func TestDiagnosticsHaveDetail(t *testing.T) {
	for _, path := range fixtureFiles(t, "invalid") {
		cfg, diags := LoadFile(path, Options{LookupEnv: env(nil)})
		if cfg == nil {
			t.Fatalf("%s: nil config", path)
		}
		for _, d := range diags {
			if d.Subject == nil || d.Subject.Filename != path {
				t.Errorf("%s: diagnostic %q has no range in the file", path, d.Summary)
			}
			if d.Detail == "" || len(d.Summary) > 60 {
				t.Errorf("%s: diagnostic %q: summaries are short and details explain the fix (detail %q)", path, d.Summary, d.Detail)
			}
		}
	}
}

func TestDiagnosticString(t *testing.T) {
	diags := loadDiags(t, "zone \"example.com\" {\n  record \"a\" \"A\" {\n    value = \"192.0.2.1\"\n    ttl   = 5\n  }\n}\n", Options{Vars: map[string]string{"x": "1"}})
	var got []string
	for _, d := range diags {
		got = append(got, DiagnosticString(d))
	}
	want := []string{
		"error: Value for undeclared variable: --var x=… sets a variable that no `variable` block declares. Declare it with `variable \"x\" {}` or remove the --var.",
		"launch.hcl:4:13: error: Invalid TTL: 5 is out of range: cloudflare zones accept 1 (automatic) or 60 to 86400 seconds. Omit ttl for the default.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct{ src, want string }{
		{"zones \"example.com\" {}", `Did you mean "zone"?`},
		{"zone \"example.com\" {\n  providr = \"cloudflare\"\n}", `Did you mean "provider"?`},
		{"zone \"example.com\" {\n  record \"@\" \"AAA\" { value = \"x\" }\n}", `Did you mean "AAAA"?`},
		{"zone \"example.com\" {\n  settings {\n    ssl = \"stric\"\n  }\n}", `Did you mean "strict"?`},
		{"zone \"example.com\" {\n  provider = \"rfc2136.corpp\"\n}\nprovider \"rfc2136\" \"corp\" {\n  server = \"x\"\n  tsig_key = \"k\"\n  tsig_secret_env = \"S\"\n}", `Did you mean "rfc2136.corp"?`},
	}
	for _, tt := range tests {
		diags := loadDiags(t, tt.src, Options{})
		if len(diags) != 1 || !strings.Contains(diags[0].Detail, tt.want) {
			t.Errorf("%q: want one diagnostic with %q, got:\n%s", tt.src, tt.want, diagText(diags))
		}
	}
}

// TestTooPlainForSecret: the quick "no" of LooksLikeSecret never hides a value the
// full rules flag: every string of up to 14 characters over an alphabet of the
// characters the rules look at (exhaustively up to 4, sampled beyond), and the
// shortest secrets of each rule.
func TestTooPlainForSecret(t *testing.T) {
	alphabet := []string{"b", "B", "x", "o", "-", "_", "=", ":", "/", "?", "&", "@", " ", "a", "1", "A", "K", "I", ".", "k", "s"}
	check := func(s string) {
		if tooPlainForSecret(s) {
			if what, bad := looksLikeSecret(s); bad {
				t.Errorf("%q is %s, yet too plain for a secret", s, what)
			}
		}
	}
	var rec func(prefix string, n int)
	rec = func(prefix string, n int) {
		if prefix != "" && strings.TrimSpace(prefix) == prefix {
			check(prefix)
		}
		if n == 0 {
			return
		}
		for _, a := range alphabet {
			rec(prefix+a, n-1)
		}
	}
	rec("", 4)
	r := rand.New(rand.NewPCG(3, 4))
	for range 200000 {
		var b strings.Builder
		for range 5 + r.IntN(10) {
			b.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		if s := strings.TrimSpace(b.String()); s != "" {
			check(s)
		}
	}
	for _, s := range []string{"xoxb-abcdefghij", "basic abcdefgh", "Bearer abcdefgh", "a://b:c@d", "?token=abcd", "api_key=abc123def456", "AKIAABCDEFGHIJKLMNOP"} {
		if _, bad := LooksLikeSecret(s); !bad {
			t.Errorf("%q is not flagged", s)
		}
	}
}
