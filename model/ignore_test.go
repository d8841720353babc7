package model

import "testing"

func TestIgnoreRuleCovers(t *testing.T) {
	rules := []IgnoreRule{
		{Name: "_acme-challenge*"},
		{Name: "home", Types: []string{"A", "AAAA"}},
		{Name: "@", Types: []string{"TXT"}, Value: "google-site-verification=*"},
		{Name: "links", Value: "10 1 \"https://*/x?\""},
	}
	cases := []struct {
		name, typ, value string
		want             bool
	}{
		{"_acme-challenge.example.com", "TXT", "token", true},
		{"_acme-challenge.www.example.com", "TXT", "token", true},
		{"home.example.com", "A", "192.0.2.1", true},
		{"home.example.com", "AAAA", "2001:db8::1", true},
		{"home.example.com", "MX", "10 mx.example.net", false},
		{"example.com", "TXT", "google-site-verification=abc", true},
		{"example.com", "TXT", "v=spf1 -all", false},
		{"example.com", "A", "google-site-verification=abc", false},
		{"www.example.com", "TXT", "google-site-verification=abc", false},
		{"links.example.com", "URI", `10 1 "https://a.example/b/x1"`, true},
		{"links.example.com", "URI", `10 1 "https://a.example/b/x12"`, false},
	}
	for _, c := range cases {
		if got := Ignored(rules, c.name, "example.com", c.typ, c.value); got != c.want {
			t.Errorf("Ignored(%s %s %q) = %v, want %v", c.name, c.typ, c.value, got, c.want)
		}
	}
	if !rules[1].CoversSet("home", "A") || rules[1].CoversSet("home", "TXT") || rules[2].CoversSet("@", "TXT") || !rules[0].CoversSet("_acme-challenge", "TXT") {
		t.Error("CoversSet")
	}
}

func TestGlobMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"*", "", true}, {"a*b", "ab", true}, {"a*b", "axxb", true}, {"a*b", "axxc", false},
		{"a?c", "abc", true}, {"a?c", "ac", false}, {"*x*", "yyxyy", true}, {"https://*", "https://a/b", true},
		{"[a]", "[a]", true}, {"**", "abc", true}, {"é*", "été", true},
	} {
		if got := GlobMatch(c.p, c.s); got != c.want {
			t.Errorf("GlobMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}
