package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

func TestEscapeDNSString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "", want: ""},
		{in: "plain text", want: "plain text"},
		{in: `a"b`, want: `a\"b`},
		{in: `a\b`, want: `a\\b`},
		{in: " ~", want: " ~"},
		{in: "\x00", want: `\000`},
		{in: "\t\n", want: `\009\010`},
		{in: "\x1f", want: `\031`},
		{in: "\x7f", want: `\127`},
		{in: "é", want: `\195\169`},
		{in: "\xff", want: `\255`},
		{in: `\065`, want: `\\065`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.in), func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.EscapeDNSString(tt.in)); diff != "" {
				t.Errorf("EscapeDNSString mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnescapeDNSString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "", want: ""},
		{in: "plain text", want: "plain text"},
		{in: `a\"b`, want: `a"b`},
		{in: `a\\b`, want: `a\b`},
		{in: `\065\066`, want: "AB"},
		{in: `\000`, want: "\x00"},
		{in: `\255`, want: "\xff"},
		{in: `\195\169`, want: "é"},
		{in: `\0651`, want: "A1"},
		{in: `\x`, want: "x"},
		{in: `\.`, want: "."},
		// Malformed escapes: the backslash is dropped and the rest kept.
		{in: `\256`, want: "256"},
		{in: `\25`, want: "25"},
		{in: `\2a5`, want: "2a5"},
		// A lone trailing backslash is kept.
		{in: `a\`, want: `a\`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.UnescapeDNSString(tt.in)); diff != "" {
				t.Errorf("UnescapeDNSString(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestDNSStringRoundTripAllBytes(t *testing.T) {
	for b := 0; b < 256; b++ {
		for _, s := range []string{string([]byte{byte(b)}), "a" + string([]byte{byte(b)}) + "0"} {
			esc := model.EscapeDNSString(s)
			if diff := cmp.Diff(s, model.UnescapeDNSString(esc)); diff != "" {
				t.Errorf("byte %d: Unescape(Escape(%q)) = via %q mismatch (-want +got):\n%s", b, s, esc, diff)
			}
			for i := 0; i < len(esc); i++ {
				if esc[i] < ' ' || esc[i] > '~' {
					t.Errorf("byte %d: escaped form %q holds non-printable byte %d", b, esc, esc[i])
				}
			}
		}
	}
	all := allBytes()
	if diff := cmp.Diff(all, model.UnescapeDNSString(model.EscapeDNSString(all))); diff != "" {
		t.Errorf("all bytes round trip mismatch (-want +got):\n%s", diff)
	}
}

// dnsStrings are texts whose bytes must survive miekg/dns's packing unchanged.
func dnsStrings() []string {
	all := allBytes()
	return []string{
		"", "v=spf1 -all", `"`, `\`, `\"`, `\\065`, `\065`, "grüße", "\x00", "\xff", "a;b c",
		all[:255], all[1:], all[:128], all[128:], strings.Repeat(`\`, 255), strings.Repeat(`"`, 255),
	}
}

// TestDNSStringMiekg proves that EscapeDNSString is what miekg/dns packs into exactly
// the text's bytes, and that JoinDNSStrings reads back what miekg/dns unpacks.
func TestDNSStringMiekg(t *testing.T) {
	for _, s := range dnsStrings() {
		t.Run(fmt.Sprintf("%.40q", s), func(t *testing.T) {
			rr := &dns.TXT{
				Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300},
				Txt: []string{model.EscapeDNSString(s)},
			}
			got := packUnpack(t, rr).(*dns.TXT)
			if len(got.Txt) != 1 {
				t.Fatalf("unpacked %d character-strings, want 1", len(got.Txt))
			}
			if diff := cmp.Diff(s, model.JoinDNSStrings(got.Txt)); diff != "" {
				t.Errorf("JoinDNSStrings after the wire mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDNSStringMiekgSplit sends long values cut by SplitTXT, each chunk escaped, as
// the RFC 2136 provider writes them.
func TestDNSStringMiekgSplit(t *testing.T) {
	values := []string{
		strings.Repeat("a", 256),
		strings.Repeat(allBytes(), 4),
		strings.Repeat("é", 400),
		strings.Repeat(`"\`, 700),
	}
	for _, v := range values {
		t.Run(fmt.Sprintf("%.40q", v), func(t *testing.T) {
			parts := model.SplitTXT(v)
			for i, p := range parts {
				parts[i] = model.EscapeDNSString(p)
			}
			rr := &dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: parts}
			got := packUnpack(t, rr).(*dns.TXT)
			if diff := cmp.Diff(len(parts), len(got.Txt)); diff != "" {
				t.Errorf("character-string count mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(v, model.JoinDNSStrings(got.Txt)); diff != "" {
				t.Errorf("JoinDNSStrings after the wire mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJoinDNSStrings(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{name: "nil", in: nil, want: ""},
		{name: "one", in: []string{"v=spf1 -all"}, want: "v=spf1 -all"},
		{name: "joined without separator", in: []string{"v=DKIM1; p=abc", "def"}, want: "v=DKIM1; p=abcdef"},
		{name: "each unescaped", in: []string{`say \"hi`, `\"\\`, `\065`}, want: `say "hi"\A`},
		{name: "escape not across strings", in: []string{`a\`, `065`}, want: `a\065`},
		{name: "empty strings", in: []string{"", "a", ""}, want: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.JoinDNSStrings(tt.in)); diff != "" {
				t.Errorf("JoinDNSStrings(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
