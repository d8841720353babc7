package edge

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExprFilters(t *testing.T) {
	req := reqFields{Scheme: "https", Host: "www.example.com", Path: "/Docs/a.CSS", Query: "x=1&y=2", Method: "GET",
		UserAgent: "curl/8", SrcIP: "127.0.0.1"}
	tests := []struct {
		expr string
		want bool
	}{
		// the shapes launchready writes
		{`(http.request.full_uri wildcard "https://www.example.com/*")`, true},
		{`(http.request.full_uri wildcard "https://example.com/*")`, false},
		{`(http.request.full_uri wildcard "http://www.example.com/*")`, false},
		{`(http.request.full_uri wildcard "*://www.example.com/*")`, true},
		{`(http.request.full_uri wildcard "https://*.example.com/docs/*")`, true}, // wildcard ignores case
		{`(http.request.full_uri strict wildcard "https://*.example.com/docs/*")`, false},
		{`(http.request.full_uri wildcard "https://www.example.com/*?x=1&y=2")`, true}, // "?" in the pattern sees the query
		{`(http.request.full_uri wildcard "https://www.example.com/Docs/a.CSS")`, true},
		{`(http.host in {"example.com" "www.example.com"})`, true},
		{`(http.host in {"example.com"})`, false},
		{`(http.host in {"example.com", "www.example.com"})`, true},
		{`(http.host in {"www.example.com"} and starts_with(http.request.uri.path, "/Docs/"))`, true},
		{`(http.host in {"www.example.com"} and starts_with(http.request.uri.path, "/assets/"))`, false},
		// hand-made shapes
		{`http.host eq "www.example.com"`, true},
		{`http.host == "www.example.com"`, true},
		{`http.host ne "www.example.com"`, false},
		{`not http.host eq "www.example.com"`, false},
		{`!(http.host eq "example.com")`, true},
		{`http.host eq "example.com" or http.request.uri.path eq "/Docs/a.CSS"`, true},
		{`http.host eq "example.com" || http.host eq "x.com"`, false},
		{`http.host eq "www.example.com" && ssl`, true},
		{`not ssl`, false},
		{`http.host eq "a" or http.host eq "www.example.com" and http.request.method eq "POST"`, false}, // and binds tighter
		{`(http.host eq "a" or http.host eq "www.example.com") and http.request.method eq "GET"`, true},
		{`http.host eq "www.example.com" xor ssl`, false},
		{`http.request.uri.query contains "y=2"`, true},
		{`http.request.uri eq "/Docs/a.CSS?x=1&y=2"`, true},
		{`http.request.uri eq "/Docs/a.CSS"`, true}, // query left out without "?" in the pattern
		{`http.request.full_uri eq "https://www.example.com/Docs/a.CSS"`, true},
		{`http.request.uri.path matches "^/docs/"`, false},
		{`http.request.uri.path matches "(?i)^/docs/"`, true},
		{`http.request.uri.path ~ "\\.CSS$"`, true},
		{`http.request.uri.path.extension eq "css"`, true},
		{`lower(http.request.uri.path) eq "/docs/a.css"`, true},
		{`ends_with(http.request.uri.path, ".CSS")`, true},
		{`len(http.host) eq 15`, true},
		{`len(http.host) gt 20`, false},
		{`http.request.uri.path eq r"/Docs/a.CSS"`, true},
		{`http.request.uri.path eq r#"/Docs/a.CSS"#`, true},
		{`http.user_agent contains "curl"`, true},
		{`ip.src eq "127.0.0.1"`, true},
		{`http.request.scheme eq "https"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			n, err := parseExpr(tt.expr)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := evalBool(n, req)
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %t, want %t", got, tt.want)
			}
		})
	}
}

func TestExprUnsupported(t *testing.T) {
	req := reqFields{Scheme: "https", Host: "example.com", Path: "/"}
	tests := []string{
		`cf.bot_management.score lt 30`,            // unknown field
		`http.host eq "a" and`,                     // dangling operator
		`(http.host eq "a"`,                        // unbalanced
		`http.host eq "a" )`,                       // trailing
		`regex_match(http.host, "a")`,              // unknown function
		`http.host eq "unterminated`,               // bad string
		`http.request.uri.path matches "("`,        // bad regexp
		`http.host in {"a" http.host}`,             // field inside a set
		`starts_with(http.host)`,                   // arity
		`http.host $ "a"`,                          // unknown character
		`http.request.uri.path strict contains ""`, // strict without wildcard
	}
	for _, src := range tests {
		t.Run(src, func(t *testing.T) {
			if n, err := parseExpr(src); err == nil {
				got, err := evalBool(n, req)
				t.Errorf("parsed, evaluates to %t (%v); want a parse error", got, err)
			}
		})
	}
	// Type errors are evaluation errors.
	for _, src := range []string{`http.host`, `len(http.host) eq "3"`, `http.host lt 3`} {
		n, err := parseExpr(src)
		if err != nil {
			t.Errorf("%s: parse error %v, want an evaluation error", src, err)
			continue
		}
		if _, err := evalBool(n, req); err == nil {
			t.Errorf("%s: evaluated without error, want a type error", src)
		}
	}
}

func TestExprTargets(t *testing.T) {
	tests := []struct {
		name string
		req  reqFields
		expr string
		want string
	}{
		{"wildcard_replace keeps the query out of captures",
			reqFields{Scheme: "https", Host: "www.example.com", Path: "/a/b", Query: "x=1"},
			`wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}")`,
			"https://example.com/a/b"},
		{"two captures",
			reqFields{Scheme: "https", Host: "shop.example.com", Path: "/files/report.pdf"},
			`wildcard_replace(http.request.full_uri, "https://*.example.com/files/*", "https://example.com/${1}/files/${2}")`,
			"https://example.com/shop/files/report.pdf"},
		{"missing capture is empty",
			reqFields{Scheme: "https", Host: "www.example.com", Path: "/a"},
			`wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}${2}")`,
			"https://example.com/a"},
		{"no match returns the source",
			reqFields{Scheme: "https", Host: "other.example.com", Path: "/a", Query: "q=1"},
			`wildcard_replace(http.request.full_uri, "https://www.example.com/*", "https://example.com/${1}")`,
			"https://other.example.com/a?q=1"},
		{"escaped star is literal",
			reqFields{Scheme: "https", Host: "example.com", Path: "/a*b/c"},
			`wildcard_replace(http.request.full_uri, "https://example.com/a\\*b/*", "https://example.com/${1}")`,
			"https://example.com/c"},
		{"concat",
			reqFields{Scheme: "https", Host: "old.example.com", Path: "/p"},
			`concat("https://new.example.com", http.request.uri.path)`,
			"https://new.example.com/p"},
		{"regex_replace",
			reqFields{Scheme: "https", Host: "example.com", Path: "/blog/2020/post"},
			`regex_replace(http.request.uri.path, "^/blog/([0-9]+)/", "/archive/${1}/")`,
			"/archive/2020/post"},
		{"a literal",
			reqFields{Scheme: "https", Host: "example.com", Path: "/"},
			`"https://example.com/fixed"`,
			"https://example.com/fixed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := parseValueExpr(tt.expr)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			got, err := evalString(n, tt.req)
			if err != nil {
				t.Fatalf("eval: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		strict     bool
		want       []string
		ok         bool
	}{
		{"https://www.example.com/*", "https://www.example.com/", false, []string{""}, true},
		{"https://www.example.com/*", "https://WWW.example.com/A", false, []string{"A"}, true},
		{"https://www.example.com/*", "https://WWW.example.com/A", true, nil, false},
		{"*://*/*", "https://a.example.com/x/y", false, []string{"https", "a.example.com", "x/y"}, true},
		{"https://example.com/a.b", "https://example.com/aXb", false, nil, false}, // "." is literal
		{"https://example.com/*", "https://example.com/line\nbreak", false, []string{"line\nbreak"}, true},
	}
	for _, tt := range tests {
		got, ok := wildcardMatch(tt.pattern, tt.s, tt.strict)
		if ok != tt.ok || !cmp.Equal(tt.want, got) {
			t.Errorf("wildcardMatch(%q, %q, %t) = %q, %t; want %q, %t", tt.pattern, tt.s, tt.strict, got, ok, tt.want, tt.ok)
		}
	}
}
