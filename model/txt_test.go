package model_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// lengths returns the byte length of each string.
func lengths(ss []string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = len(s)
	}
	return out
}

func TestSplitTXT(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		in   string
		want []int // chunk lengths
	}{
		{name: "empty", in: "", want: []int{0}},
		{name: "one byte", in: "x", want: []int{1}},
		{name: "254", in: a(254), want: []int{254}},
		{name: "255", in: a(255), want: []int{255}},
		{name: "256", in: a(256), want: []int{255, 1}},
		{name: "510", in: a(510), want: []int{255, 255}},
		{name: "511", in: a(511), want: []int{255, 255, 1}},
		{name: "512", in: a(512), want: []int{255, 255, 2}},
		{name: "765", in: a(765), want: []int{255, 255, 255}},
		{name: "2-byte rune ends at 255", in: a(253) + "é" + a(10), want: []int{255, 10}},
		{name: "2-byte rune crosses 255", in: a(254) + "é", want: []int{254, 2}},
		{name: "2-byte rune starts at 256", in: a(255) + "é", want: []int{255, 2}},
		{name: "3-byte rune crosses 255 by one", in: a(254) + "€", want: []int{254, 3}},
		{name: "3-byte rune crosses 255 by two", in: a(253) + "€", want: []int{253, 3}},
		{name: "4-byte rune crosses 255", in: a(252) + "😀" + a(3), want: []int{252, 7}},
		{name: "4-byte rune crosses 255 late", in: a(254) + "😀", want: []int{254, 4}},
		{name: "all 2-byte runes", in: strings.Repeat("é", 300), want: []int{254, 254, 92}},
		{name: "all 3-byte runes", in: strings.Repeat("€", 200), want: []int{255, 255, 90}},
		{name: "all 4-byte runes", in: strings.Repeat("😀", 130), want: []int{252, 252, 16}},
		// Bytes that are not UTF-8 are cut at 255 (backing up over continuation bytes
		// without bound would never end).
		{name: "continuation bytes only", in: strings.Repeat("\x80", 600), want: []int{255, 255, 90}},
		{name: "stray continuation at 255", in: a(255) + "\x80", want: []int{255, 1}},
		{name: "truncated rune at 254", in: a(254) + "\xe2\x82" + "x", want: []int{255, 2}},
		{name: "lead byte too far back", in: a(251) + "\xf0\x80\x80\x80\x80\x80", want: []int{255, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := model.SplitTXT(tt.in)
			if diff := cmp.Diff(tt.want, lengths(got)); diff != "" {
				t.Errorf("chunk lengths mismatch (-want +got):\n%s", diff)
			}
			if joined := strings.Join(got, ""); joined != tt.in {
				t.Errorf("chunks join to %q, want the input", joined)
			}
			if utf8.ValidString(tt.in) {
				for i, c := range got {
					if !utf8.ValidString(c) {
						t.Errorf("chunk %d splits a UTF-8 sequence: %q", i, c)
					}
				}
			}
		})
	}
}

func TestQuoteTXT(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "", want: `""`},
		{in: "v=spf1 -all", want: `"v=spf1 -all"`},
		{in: `say "hi"`, want: `"say \"hi\""`},
		{in: `a\b`, want: `"a\\b"`},
		{in: `\"`, want: `"\\\""`},
		{in: "grüße", want: `"grüße"`},
		{in: strings.Repeat("a", 256), want: `"` + strings.Repeat("a", 255) + `" "a"`},
		// The 255-byte limit is on the text's bytes, not on the escaped form.
		{in: strings.Repeat(`"`, 256), want: `"` + strings.Repeat(`\"`, 255) + `" "\""`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.QuoteTXT(tt.in)); diff != "" {
				t.Errorf("QuoteTXT mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnquoteTXT(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "one string", in: `"hello"`, want: "hello"},
		{name: "two strings", in: `"a" "b"`, want: "ab"},
		{name: "adjacent strings", in: `"a""b"`, want: "ab"},
		{name: "tab between", in: "\"a\"\t\"b\"", want: "ab"},
		{name: "blanks around", in: `  "a"   "b"  `, want: "ab"},
		{name: "spaces inside kept", in: `" a " " b "`, want: " a  b "},
		{name: "empty string", in: `""`, want: ""},
		{name: "escaped quotes", in: `"\"q\""`, want: `"q"`},
		{name: "escaped backslash", in: `"a\\b"`, want: `a\b`},
		{name: "decimal escapes", in: `"\065\066\067"`, want: "ABC"},
		{name: "decimal escape of a quote", in: `"\034"`, want: `"`},
		{name: "decimal escape of a high byte", in: `"\255"`, want: "\xff"},
		{name: "decimal escape out of range", in: `"\256"`, want: "256"},
		{name: "needless escape", in: `"\x"`, want: "x"},
		{name: "non-ASCII", in: `"grüße"`, want: "grüße"},
		{name: "unquoted kept as is", in: "v=spf1 -all", want: "v=spf1 -all"},
		{name: "unquoted keeps blanks", in: "  plain text  ", want: "  plain text  "},
		{name: "unquoted keeps backslashes", in: `a\065`, want: `a\065`},
		{name: "quote later in unquoted text", in: `a "b"`, want: `a "b"`},
		{name: "unterminated", in: `"unterminated`, want: `"unterminated`},
		{name: "second unterminated", in: `"a" "b`, want: `"a" "b`},
		{name: "escaped closing quote", in: `"a\"`, want: `"a\"`},
		{name: "text after a string", in: `"a" b`, want: `"a" b`},
		{name: "trailing backslash", in: `"a\`, want: `"a\`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.UnquoteTXT(tt.in)); diff != "" {
				t.Errorf("UnquoteTXT(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// txtValues are TXT values that stress quoting and splitting.
func txtValues() []string {
	return []string{
		"x", "v=spf1 include:_spf.example.net ~all", `"`, `\`, `\\`, `\"`, `"\`, `""`, `"a" "b"`,
		`\065`, `\\065`, "grüße", "日本語テキスト", " ", "  padded  ", "tab\there", "line\nbreak",
		"\x00", "\xff\xfe", allBytes(),
		strings.Repeat("a", 254), strings.Repeat("a", 255), strings.Repeat("a", 256),
		strings.Repeat("a", 511), strings.Repeat("a", 512), strings.Repeat(`"`, 600),
		strings.Repeat(`\`, 600), strings.Repeat("é", 300), strings.Repeat("a", 254) + "😀",
		"v=DKIM1; k=rsa; p=" + strings.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", 12),
	}
}

func TestQuoteTXTRoundTrip(t *testing.T) {
	for _, v := range append(txtValues(), "") {
		t.Run(fmt.Sprintf("%.40q", v), func(t *testing.T) {
			quoted := model.QuoteTXT(v)
			if diff := cmp.Diff(v, model.UnquoteTXT(quoted)); diff != "" {
				t.Errorf("UnquoteTXT(QuoteTXT(v)) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestQuoteTXTZoneFile checks QuoteTXT against a real zone-file parser: miekg/dns
// reads the quoted form as a TXT RR whose character-strings, on the wire, are the
// chunks of SplitTXT.
func TestQuoteTXTZoneFile(t *testing.T) {
	for _, v := range txtValues() {
		t.Run(fmt.Sprintf("%.40q", v), func(t *testing.T) {
			text := model.QuoteTXT(v)
			rr, err := dns.NewRR("example.com. 300 IN TXT " + text)
			if err != nil {
				t.Fatalf("miekg/dns cannot parse %q: %v", text, err)
			}
			got := packUnpack(t, rr).(*dns.TXT)
			if diff := cmp.Diff(v, model.JoinDNSStrings(got.Txt)); diff != "" {
				t.Errorf("text on the wire mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(lengths(model.SplitTXT(v)), unescapedLengths(got.Txt)); diff != "" {
				t.Errorf("character-string lengths on the wire mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func unescapedLengths(ss []string) []int {
	out := make([]int, len(ss))
	for i, s := range ss {
		out[i] = len(model.UnescapeDNSString(s))
	}
	return out
}
