package model_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// FuzzTXTQuoting checks that any text, UTF-8 or not, survives QuoteTXT then
// UnquoteTXT, and that SplitTXT's chunks are at most 255 bytes, join back to the
// text and never cut a UTF-8 sequence of valid text.
func FuzzTXTQuoting(f *testing.F) {
	for _, s := range append(txtValues(), "", strings.Repeat("\x80", 600), strings.Repeat("a", 253)+"\xf0\x9f\x98") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := model.UnquoteTXT(model.QuoteTXT(s)); got != s {
			t.Fatalf("UnquoteTXT(QuoteTXT(%q)) = %q", s, got)
		}
		chunks := model.SplitTXT(s)
		if joined := strings.Join(chunks, ""); joined != s {
			t.Fatalf("SplitTXT(%q) joins to %q", s, joined)
		}
		valid := utf8.ValidString(s)
		for i, c := range chunks {
			if len(c) > 255 {
				t.Fatalf("SplitTXT(%q): chunk %d is %d bytes", s, i, len(c))
			}
			if len(chunks) > 1 && len(c) == 0 {
				t.Fatalf("SplitTXT(%q): empty chunk %d", s, i)
			}
			if valid && !utf8.ValidString(c) {
				t.Fatalf("SplitTXT(%q): chunk %d cuts a UTF-8 sequence: %q", s, i, c)
			}
		}
	})
}

// FuzzDNSString checks that UnescapeDNSString reverses EscapeDNSString for any bytes
// and that miekg/dns packs the escaped form into exactly those bytes.
func FuzzDNSString(f *testing.F) {
	for _, s := range dnsStrings() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		esc := model.EscapeDNSString(s)
		if got := model.UnescapeDNSString(esc); got != s {
			t.Fatalf("UnescapeDNSString(EscapeDNSString(%q)) = %q via %q", s, got, esc)
		}
		if len(s) > 255 {
			return // one character-string holds at most 255 bytes
		}
		rr := &dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{esc}}
		got := packUnpack(t, rr).(*dns.TXT)
		if joined := model.JoinDNSStrings(got.Txt); joined != s {
			t.Fatalf("text %q came back from the wire as %q", s, joined)
		}
	})
}

// FuzzCanonicalValue checks that CanonicalValue never panics and that its output is a
// fixed point for every record type: normalising a canonical value changes nothing.
func FuzzCanonicalValue(f *testing.F) {
	seeds := []string{
		"192.0.2.1", "::ffff:192.0.2.1", "2001:DB8:0:0::1", "fe80::1%eth0", "Target.Example.NET.", "@", ".",
		"10 mx1.example.net.", "0 .", "010 MX.bücher.de", "0 5 5060 SIP.example.com.", "0 0 0 .",
		`0 issue "letsencrypt.org"`, `128 ISSUE letsencrypt.org`, `0 issue "a\"b\\c\255"`, `0 issue "`,
		`0 issue "x" y`, "0\tissue\t\"\x00\"", "v=spf1 -all", `"quoted"`, "", " ", "a..b", "\u00ad", "bu\u0308cher",
	}
	for _, ty := range model.AllTypes() {
		seeds = append(seeds, ty.Example)
	}
	seeds = append(seeds, `1 . alpn=h2 ech=AAA=`, `100 10 "s" "" "" _sip._udp`, `10 1 "a\"b"`, "0 0 0 N 0 0 0 E 0m", "PKIX 1 8 AA==")
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		for _, typ := range model.RecordTypes {
			c, err := model.CanonicalValue(typ, v, "example.com")
			if err != nil {
				continue
			}
			again, err := model.CanonicalValue(typ, c, "example.com")
			if err != nil {
				t.Fatalf("%s %q is canonical %q, which is refused: %v", typ, v, c, err)
			}
			if again != c {
				t.Fatalf("%s %q is canonical %q, which normalises to %q", typ, v, c, again)
			}
		}
	})
}

// FuzzCanonicalName checks that CanonicalName never panics, that its result lies in
// the zone, and that it is a fixed point whether read back absolute or relative.
func FuzzCanonicalName(f *testing.F) {
	for _, s := range []string{"@", "www", "WWW.Example.COM.", "bücher", "*.preview", "_sip._tcp", "a..b", "example.org.", "\u00ad", "ｗｗｗ"} {
		f.Add(s)
	}
	const zone = "example.com"
	f.Fuzz(func(t *testing.T, name string) {
		c, err := model.CanonicalName(name, zone)
		if err != nil {
			return
		}
		if c != zone && !strings.HasSuffix(c, "."+zone) {
			t.Fatalf("CanonicalName(%q) = %q, outside the zone", name, c)
		}
		for _, form := range []string{c + ".", model.RelativeName(c, zone)} {
			again, err := model.CanonicalName(form, zone)
			if err != nil {
				t.Fatalf("CanonicalName(%q) = %q; reading back %q: %v", name, c, form, err)
			}
			if again != c {
				t.Fatalf("CanonicalName(%q) = %q; reading back %q gives %q", name, c, form, again)
			}
		}
		if live := model.CanonicalLiveName(c + "."); live != c {
			t.Fatalf("CanonicalLiveName(%q) = %q, want %q", c+".", live, c)
		}
	})
}

// FuzzCAA checks that ParseCAA reverses FormatCAA for any value bytes.
func FuzzCAA(f *testing.F) {
	for _, s := range caaValues() {
		f.Add(uint8(0), s)
	}
	f.Add(uint8(128), `\"`)
	f.Fuzz(func(t *testing.T, flags uint8, value string) {
		text := model.FormatCAA(int(flags), "issue", value)
		gotFlags, tag, got, err := model.ParseCAA(text)
		if err != nil {
			t.Fatalf("ParseCAA(FormatCAA(%q)) = ParseCAA(%q): %v", value, text, err)
		}
		if gotFlags != int(flags) || tag != "issue" || got != value {
			t.Fatalf("ParseCAA(%q) = %d %q %q, want %d issue %q", text, gotFlags, tag, got, flags, value)
		}
	})
}
