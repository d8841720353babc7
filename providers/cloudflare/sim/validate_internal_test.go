package sim

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestNormalizeTXT(t *testing.T) {
	a255, a300 := strings.Repeat("a", 255), strings.Repeat("a", 300)
	euro := strings.Repeat("€", 100) // 300 bytes, 3 per rune
	tests := []struct {
		name, in, want string
	}{
		{"unquoted kept as sent", "v=spf1 include:_spf.google.com ~all", "v=spf1 include:_spf.google.com ~all"},
		{"unquoted long kept as sent", a300, a300},
		{"quoted short", `"hello world"`, `"hello world"`},
		{"exactly 255", `"` + a255 + `"`, `"` + a255 + `"`},
		{"split at 255", `"` + a300 + `"`, `"` + a255 + `" "` + strings.Repeat("a", 45) + `"`},
		{"several strings normalised to single spaces", "\"a\"\t \"b\"", `"a" "b"`},
		{"escape not cut", `"` + a255 + `\"b"`, `"` + a255 + `" "\"b"`},
		{"escape counts one byte", `"` + strings.Repeat("a", 254) + `\"b"`, `"` + strings.Repeat("a", 254) + `\"" "b"`},
		{"decimal escape not cut", `"` + a255 + `\059b"`, `"` + a255 + `" "\059b"`},
		{"UTF-8 not cut", `"` + euro + `"`, `"` + strings.Repeat("€", 85) + `" "` + strings.Repeat("€", 15) + `"`},
		{"unterminated quote kept as sent", `"abc`, `"abc`},
		{"text after quotes kept as sent", `"abc" def`, `"abc" def`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, e := normalizeTXT(tt.in)
			if e != nil {
				t.Fatal(e)
			}
			if got != tt.want {
				t.Errorf("normalizeTXT(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
			// splitting never changes the text a resolver sees
			if model.UnquoteTXT(got) != model.UnquoteTXT(tt.in) {
				t.Errorf("text changed: %q → %q", model.UnquoteTXT(tt.in), model.UnquoteTXT(got))
			}
		})
	}
	if _, e := normalizeTXT(""); e == nil {
		t.Error("empty TXT accepted")
	}
	if _, e := normalizeTXT(strings.Repeat("x", 2049)); e == nil || e.Errors[0].Code != CodeTXTTooLong {
		t.Errorf("2049 characters: %v", e)
	}
	if _, e := normalizeTXT(strings.Repeat("é", 2048)); e != nil {
		t.Errorf("2048 characters (4096 bytes) refused: %v", e)
	}
}

func TestResolveName(t *testing.T) {
	long := strings.Repeat("a", 63)
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "@", want: "example.com"},
		{in: "", want: "example.com"},
		{in: "www", want: "www.example.com"},
		{in: "WWW.Example.com.", want: "www.example.com"},
		{in: "example.com", want: "example.com"},
		{in: "*.preview", want: "*.preview.example.com"},
		{in: "_dmarc", want: "_dmarc.example.com"},
		{in: "münchen", want: "xn--mnchen-3ya.example.com"},
		{in: "www.example.org", want: "www.example.org.example.com"},
		{in: long, want: long + ".example.com"},
		{in: long + "a", wantErr: true},
		{in: "a..b", wantErr: true},
		{in: "sp ace", wantErr: true},
		{in: strings.Repeat(long+".", 4), wantErr: true}, // over 253/255 once the zone is added
	}
	for _, tt := range tests {
		got, err := resolveName(tt.in, "example.com")
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("resolveName(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestCheckExpression(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{`(http.host eq "example.com")`, ""},
		{`http.host in {"a.example.com" "b.example.com"} and not starts_with(http.request.uri.path, "/api/")`, ""},
		{`(http.request.full_uri wildcard r"https://www.example.com/*")`, ""},
		{`(http.request.uri.path matches r#"^/a"(b)$"#)`, ""},
		{`(http.host eq "a)b")`, ""},
		{`(http.host eq "say \"hi\"")`, ""},
		{`(http.host eq "a"`, `unclosed '('`},
		{`http.host eq "a")`, `unexpected ')' at offset 16`},
		{`(http.host eq "a]`, "unterminated string"},
		{`{1 2)`, `unexpected ')' at offset 4`},
		{`http.request.uri.path matches r#"abc`, "unterminated raw string"},
	}
	for _, tt := range tests {
		if got := checkExpression(tt.in); got != tt.want {
			t.Errorf("checkExpression(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNameMatcher(t *testing.T) {
	names := []string{"example.com", "Example.org", "shop.example.net"}
	tests := []struct {
		filter string
		want   []string
	}{
		{"example.com", []string{"example.com"}},
		{"equal:EXAMPLE.ORG", []string{"Example.org"}},
		{"contains:example", names},
		{"contains_case_sensitive:Example", []string{"Example.org"}},
		{"starts_with:shop.", []string{"shop.example.net"}},
		{"ends_with:.com", []string{"example.com"}},
		{"ends_with_case_sensitive:.ORG", nil},
		{"not_equal:example.com", []string{"Example.org", "shop.example.net"}},
	}
	for _, tt := range tests {
		m, e := nameMatcher(tt.filter)
		if e != nil {
			t.Fatalf("%s: %v", tt.filter, e)
		}
		var got []string
		for _, n := range names {
			if m(n) {
				got = append(got, n)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.filter, diff)
		}
	}
	if _, e := nameMatcher("fuzzy:x"); e == nil {
		t.Error("unknown operator accepted")
	}
}

func TestPaginate(t *testing.T) {
	tests := []struct {
		n, page, perPage int
		lo, hi           int
		info             pageInfo
	}{
		{10, 1, 4, 0, 4, pageInfo{Page: 1, PerPage: 4, Count: 4, TotalCount: 10, TotalPages: 3}},
		{10, 3, 4, 8, 10, pageInfo{Page: 3, PerPage: 4, Count: 2, TotalCount: 10, TotalPages: 3}},
		{10, 4, 4, 10, 10, pageInfo{Page: 4, PerPage: 4, Count: 0, TotalCount: 10, TotalPages: 3}},
		{0, 1, 100, 0, 0, pageInfo{Page: 1, PerPage: 100, Count: 0, TotalCount: 0, TotalPages: 0}},
		{5, 1 << 30, 5000000, 5, 5, pageInfo{Page: 1 << 30, PerPage: 5000000, Count: 0, TotalCount: 5, TotalPages: 1}},
	}
	for _, tt := range tests {
		lo, hi, info := paginate(tt.n, tt.page, tt.perPage)
		if diff := cmp.Diff([]any{tt.lo, tt.hi, tt.info}, []any{lo, hi, info}); diff != "" {
			t.Errorf("paginate(%d, %d, %d) (-want +got):\n%s", tt.n, tt.page, tt.perPage, diff)
		}
	}
}

func TestStatsKey(t *testing.T) {
	tests := []struct{ method, pattern, want string }{
		{"GET", "GET /zones/{zone_id}/dns_records", "GET /zones/{zone_id}/dns_records"},
		{"PUT", "", "PUT (no route)"},
	}
	for _, tt := range tests {
		if got := statsKey(tt.method, tt.pattern); got != tt.want {
			t.Errorf("statsKey(%q, %q) = %q, want %q", tt.method, tt.pattern, got, tt.want)
		}
	}
}

func TestSameRuleIgnoresStamps(t *testing.T) {
	a := &rule{ID: "1", Ref: "r", Version: 1, Action: "redirect", Expression: "x", Enabled: true}
	b := *a
	b.Version, b.ID = 9, "2"
	if !sameRule(a, &b) {
		t.Error("rules differing only in id and version are not the same")
	}
	b.Enabled = false
	if sameRule(a, &b) {
		t.Error("a disabled rule is the same as an enabled one")
	}
}
