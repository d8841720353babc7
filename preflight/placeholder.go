package preflight

import (
	"regexp"
	"strings"
)

// Placeholders: values that stand in for a real one, copied from a template, a README
// or an .env.example and never replaced. Each rule has a kind that a failure names;
// the kinds describe the form and never quote the value.
//
// Whole values (case-insensitive, surrounding whitespace and quotes ignored):
// placeholder words (placeholder, example, sample, dummy, fake, test, secret, password,
// value, default, none, null, nil, undefined, foo, bar, baz, 123…, abc123); runs of one
// character (xxx, ***, 000…, ---), your-…(-here) forms.
// Anywhere in the value: to-do markers at the start (TODO, TBD, FIXME); change-me
// markers (changeme, change_me, replace-me, set-me, fill-me, update-me); <…>
// templates (<your-key>, postgres://<user>:<password>@…); unexpanded references
// (${NAME}, {{ … }}, $(…)); four or more x or X in a row, three or more * or • in a row,
// "..." or "…" (a shortened value); RFC 2606 documentation domains (example.com,
// example.org, example.net, *.example, *.invalid) in a URL or host.
var placeholderRules = []struct {
	re   *regexp.Regexp
	kind string
}{
	{regexp.MustCompile(`^(todo|tbd|tba|fixme)\b`), "a to-do marker"},
	{regexp.MustCompile(`(^|[^a-z])(change|replace|set|fill|update|insert)[_ -]?(me|this|it)([^a-z]|$)|(change|replace)[_ -]?me`), "a marker asking for a real value"},
	{regexp.MustCompile(`<[^<>\s][^<>]*>`), "a <…> template"},
	{regexp.MustCompile(`\$\{[^}]*\}|\{\{[^}]*\}\}|\$\([^)]*\)|^\$[a-z_][a-z0-9_]*$|^%[a-z_][a-z0-9_]*%$`), "an unexpanded variable reference"},
	{regexp.MustCompile(`^your[_ -]|[_ -]here$`), "a your-…-here template"},
	{regexp.MustCompile(`\.\.\.|…`), "a shortened value (…)"},
	{regexp.MustCompile(`\*\*\*|•••`), "a masked value"},
	{regexp.MustCompile(`(^|[/@.:])example\.(com|org|net)\b|\.(example|invalid)([/:]|$)`), "a reserved documentation domain (RFC 2606)"},
}

// xRun is four x's in a row, all lower or all upper case (a random credential
// rarely has that; "sk_live_xxxx…" always does).
var xRun = regexp.MustCompile(`xxxx|XXXX`)

var placeholderWords = map[string]bool{
	"placeholder": true, "example": true, "sample": true, "dummy": true, "fake": true,
	"test": true, "testing": true, "secret": true, "password": true, "passw0rd": true,
	"value": true, "default": true, "none": true, "null": true, "nil": true,
	"undefined": true, "empty": true, "unset": true, "foo": true, "bar": true, "baz": true,
	"foobar": true, "abc": true, "abc123": true, "123": true, "1234": true, "12345": true,
	"123456": true, "12345678": true, "qwerty": true, "letmein": true, "key": true,
	"token": true, "api_key": true, "apikey": true, "your_key": true, "your-key": true,
}

// Placeholder reports whether value is a placeholder, and of what kind.
func Placeholder(value string) (kind string, ok bool) {
	v := strings.TrimSpace(value)
	v = strings.Trim(v, `"'`)
	v = strings.TrimSpace(v)
	if xRun.MatchString(v) {
		return "a run of x", true
	}
	low := strings.ToLower(v)
	if placeholderWords[low] {
		return "a stand-in word", true
	}
	if len(low) >= 3 && strings.Count(low, low[:1]) == len(low) {
		return "one character repeated", true
	}
	for _, r := range placeholderRules {
		if r.re.MatchString(low) {
			return r.kind, true
		}
	}
	return "", false
}
