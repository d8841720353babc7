package model_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

type valueCase struct {
	name, in, want, wantErr string
}

func runValueCases(t *testing.T, typ string, tests []valueCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(typ+"/"+tt.name, func(t *testing.T) {
			got, err := model.CanonicalValue(typ, tt.in, "example.com")
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestCanonicalValueA(t *testing.T) {
	runValueCases(t, "A", []valueCase{
		{name: "valid", in: "192.0.2.1", want: "192.0.2.1"},
		{name: "spaces trimmed", in: " 192.0.2.1\t", want: "192.0.2.1"},
		{name: "zero", in: "0.0.0.0", want: "0.0.0.0"},
		{name: "broadcast", in: "255.255.255.255", want: "255.255.255.255"},
		{name: "IPv6", in: "2001:db8::1", wantErr: "not an IPv4 address"},
		{name: "IPv4-mapped IPv6", in: "::ffff:192.0.2.1", wantErr: "IPv4-mapped IPv6 address: write the IPv4 address 192.0.2.1"},
		{name: "three octets", in: "192.0.2", wantErr: "not a valid IP address"},
		{name: "octet out of range", in: "192.0.2.256", wantErr: "not a valid IP address"},
		{name: "leading zeros", in: "192.000.002.001", wantErr: "not a valid IP address"},
		{name: "host name", in: "example.com", wantErr: "not a valid IP address"},
		{name: "with port", in: "192.0.2.1:80", wantErr: "not a valid IP address"},
		{name: "CIDR", in: "192.0.2.0/24", wantErr: "not a valid IP address"},
		{name: "empty", in: "", wantErr: "not a valid IP address"},
	})
}

func TestCanonicalValueAAAA(t *testing.T) {
	runValueCases(t, "AAAA", []valueCase{
		{name: "RFC 5952 lower case and compression", in: "2001:DB8:0:0::1", want: "2001:db8::1"},
		{name: "full form", in: "2001:0db8:0000:0000:0000:0000:0000:0001", want: "2001:db8::1"},
		{name: "already canonical", in: "2001:db8::1", want: "2001:db8::1"},
		{name: "first of two equal zero runs compressed", in: "2001:db8:0:0:1:0:0:1", want: "2001:db8::1:0:0:1"},
		{name: "longest zero run compressed", in: "2001:0:0:1:0:0:0:1", want: "2001:0:0:1::1"},
		{name: "single zero group not compressed", in: "2001:db8:0:1:1:1:1:1", want: "2001:db8:0:1:1:1:1:1"},
		{name: "loopback", in: "::1", want: "::1"},
		{name: "unspecified", in: "::", want: "::"},
		{name: "spaces trimmed", in: "  2001:db8::1 ", want: "2001:db8::1"},
		{name: "zone index refused", in: "fe80::1%eth0", wantErr: "not a valid IP address"},
		{name: "IPv4 refused", in: "192.0.2.1", wantErr: "not an IPv6 address"},
		{name: "IPv4-mapped refused", in: "::ffff:192.0.2.1", wantErr: "not an IPv6 address"},
		{name: "too many groups", in: "2001:db8:0:0:0:0:0:0:1", wantErr: "not a valid IP address"},
		{name: "two compressions", in: "2001::1::1", wantErr: "not a valid IP address"},
		{name: "brackets", in: "[2001:db8::1]", wantErr: "not a valid IP address"},
		{name: "empty", in: "", wantErr: "not a valid IP address"},
	})
}

func TestCanonicalValueHostTypes(t *testing.T) {
	for _, typ := range []string{"CNAME", "NS", "PTR"} {
		runValueCases(t, typ, []valueCase{
			{name: "absolute", in: "target.example.net.", want: "target.example.net"},
			{name: "without dot", in: "target.example.net", want: "target.example.net"},
			{name: "upper case", in: "Target.Example.NET.", want: "target.example.net"},
			{name: "spaces trimmed", in: "  target.example.net.  ", want: "target.example.net"},
			{name: "apex", in: "@", want: "example.com"},
			{name: "IDN", in: "bücher.de.", want: "xn--bcher-kva.de"},
			{name: "root refused", in: ".", wantErr: "cannot be the root"},
			{name: "space inside refused", in: "a b.example.net", wantErr: "must be a single host name"},
			{name: "tab inside refused", in: "a\tb.example.net", wantErr: "must be a single host name"},
			{name: "two names refused", in: "a.example.net. b.example.net.", wantErr: "must be a single host name"},
			{name: "empty", in: "", wantErr: "empty host name"},
			{name: "empty label", in: "a..example.net", wantErr: "empty label"},
			{name: "URL refused", in: "https://example.net/", wantErr: "contains"},
		})
	}
}

func TestCanonicalValueMX(t *testing.T) {
	runValueCases(t, "MX", []valueCase{
		{name: "absolute", in: "10 mx1.example.net.", want: "10 mx1.example.net"},
		{name: "without dot", in: "10 mx1.example.net", want: "10 mx1.example.net"},
		{name: "upper case", in: "10 MX1.Example.NET.", want: "10 mx1.example.net"},
		{name: "extra spaces", in: "  10    mx1.example.net.  ", want: "10 mx1.example.net"},
		{name: "tab", in: "10\tmx1.example.net.", want: "10 mx1.example.net"},
		{name: "leading zeros", in: "010 mx1.example.net.", want: "10 mx1.example.net"},
		{name: "preference 0", in: "0 mx1.example.net.", want: "0 mx1.example.net"},
		{name: "preference 65535", in: "65535 mx1.example.net.", want: "65535 mx1.example.net"},
		{name: "apex", in: "10 @", want: "10 example.com"},
		{name: "null MX", in: "0 .", want: "0 ."},
		{name: "IDN host", in: "10 mail.bücher.de.", want: "10 mail.xn--bcher-kva.de"},
		{name: "preference too large", in: "65536 mx1.example.net.", wantErr: "MX preference"},
		{name: "negative preference", in: "-1 mx1.example.net.", wantErr: "MX preference"},
		{name: "preference not a number", in: "ten mx1.example.net.", wantErr: "MX preference"},
		{name: "fractional preference", in: "1.5 mx1.example.net.", wantErr: "MX preference"},
		{name: "fields swapped", in: "mx1.example.net. 10", wantErr: "MX preference"},
		{name: "missing host", in: "10", wantErr: "must be \"<preference> <host>\""},
		{name: "missing preference", in: "mx1.example.net.", wantErr: "must be \"<preference> <host>\""},
		{name: "three fields", in: "10 mx1.example.net. extra", wantErr: "must be \"<preference> <host>\""},
		{name: "empty", in: "", wantErr: "must be \"<preference> <host>\""},
		{name: "bad host", in: "10 mx1..example.net", wantErr: "empty label"},
	})
}

func TestCanonicalValueSRV(t *testing.T) {
	runValueCases(t, "SRV", []valueCase{
		{name: "absolute", in: "0 5 5060 sip.example.com.", want: "0 5 5060 sip.example.com"},
		{name: "target case", in: "10 60 5060 BigBox.Example.COM", want: "10 60 5060 bigbox.example.com"},
		{name: "extra spaces", in: " 10  60\t5060   bigbox.example.com. ", want: "10 60 5060 bigbox.example.com"},
		{name: "leading zeros", in: "01 02 0443 host.example.net.", want: "1 2 443 host.example.net"},
		{name: "maxima", in: "65535 65535 65535 host.example.net.", want: "65535 65535 65535 host.example.net"},
		{name: "null target", in: "0 0 0 .", want: "0 0 0 ."},
		{name: "apex target", in: "0 0 443 @", want: "0 0 443 example.com"},
		{name: "three fields", in: "0 5 sip.example.com.", wantErr: "must be \"<priority> <weight> <port> <target>\""},
		{name: "five fields", in: "0 5 5060 sip.example.com. x", wantErr: "must be \"<priority> <weight> <port> <target>\""},
		{name: "empty", in: "", wantErr: "must be \"<priority> <weight> <port> <target>\""},
		{name: "priority too large", in: "65536 0 0 host.", wantErr: "SRV field 1"},
		{name: "weight negative", in: "0 -1 0 host.", wantErr: "SRV field 2"},
		{name: "port not a number", in: "0 0 https host.", wantErr: "SRV field 3"},
		{name: "port too large", in: "0 0 65536 host.", wantErr: "SRV field 3"},
		{name: "bad target", in: "0 0 443 a..b", wantErr: "empty label"},
	})
}

func TestCanonicalValueCAA(t *testing.T) {
	runValueCases(t, "CAA", []valueCase{
		{name: "canonical", in: `0 issue "letsencrypt.org"`, want: `0 issue "letsencrypt.org"`},
		{name: "tag upper case", in: `0 ISSUE "letsencrypt.org"`, want: `0 issue "letsencrypt.org"`},
		{name: "tag mixed case", in: `0 IssueWild "letsencrypt.org"`, want: `0 issuewild "letsencrypt.org"`},
		{name: "unquoted value", in: `0 issue letsencrypt.org`, want: `0 issue "letsencrypt.org"`},
		{name: "critical flag", in: `128 issue "ca.example.net"`, want: `128 issue "ca.example.net"`},
		{name: "flags 255", in: `255 issue "ca.example.net"`, want: `255 issue "ca.example.net"`},
		{name: "flags leading zeros", in: `000 issue "ca.example.net"`, want: `0 issue "ca.example.net"`},
		{name: "parameters", in: `0 issue "ca.example.net; account=230123"`, want: `0 issue "ca.example.net; account=230123"`},
		{name: "iodef", in: `0 iodef "mailto:security@example.com"`, want: `0 iodef "mailto:security@example.com"`},
		{name: "extra spaces", in: `  0   issue    "letsencrypt.org"  `, want: `0 issue "letsencrypt.org"`},
		{name: "tabs", in: "0\tissue\t\"letsencrypt.org\"", want: `0 issue "letsencrypt.org"`},
		{name: "empty quoted value", in: `0 issue ""`, want: `0 issue ""`},
		{name: "no issuer", in: `0 issue ";"`, want: `0 issue ";"`},
		{name: "spaces inside quotes kept", in: `0 issue " a  b "`, want: `0 issue " a  b "`},
		{name: "escaped quote", in: `0 issue "a\"b"`, want: `0 issue "a\"b"`},
		{name: "escaped backslash", in: `0 issue "a\\b"`, want: `0 issue "a\\b"`},
		{name: "escaped backslash before closing quote", in: `0 issue "a\\"`, want: `0 issue "a\\"`},
		{name: "decimal escape", in: `0 issue "\065\066"`, want: `0 issue "AB"`},
		{name: "control character as decimal escape", in: `0 issue "a\010b"`, want: `0 issue "a\010b"`},
		{name: "needless escape dropped", in: `0 issue "\a"`, want: `0 issue "a"`},
		{name: "non-ASCII kept", in: `0 issue "bücher.de"`, want: `0 issue "bücher.de"`},
		{name: "unquoted with escape", in: `0 issue a\"b`, want: `0 issue "a\"b"`},
		{name: "flags too large", in: `256 issue "x"`, wantErr: "CAA flags"},
		{name: "flags negative", in: `-1 issue "x"`, wantErr: "CAA flags"},
		{name: "flags not a number", in: `x issue "x"`, wantErr: "CAA flags"},
		{name: "tag with hyphen", in: `0 iss-ue "x"`, wantErr: "letters and digits"},
		{name: "missing value", in: `0 issue`, wantErr: "must be `<flags> <tag>"},
		{name: "missing tag and value", in: `0`, wantErr: "must be `<flags> <tag>"},
		{name: "empty", in: ``, wantErr: "must be `<flags> <tag>"},
		{name: "unterminated quote", in: `0 issue "letsencrypt.org`, wantErr: "unterminated quote"},
		{name: "closing quote escaped", in: `0 issue "a\"`, wantErr: "unterminated quote"},
		{name: "lone quote", in: `0 issue "`, wantErr: "unterminated quote"},
		{name: "text after closing quote", in: `0 issue "a" b`, wantErr: "text after its closing quote"},
		{name: "two quoted strings", in: `0 issue "a" "b"`, wantErr: "text after its closing quote"},
	})
}

func TestCanonicalValueTXT(t *testing.T) {
	runValueCases(t, "TXT", []valueCase{
		{name: "kept verbatim", in: "v=spf1 include:_spf.example.net -all", want: "v=spf1 include:_spf.example.net -all"},
		{name: "spaces kept", in: "  padded  ", want: "  padded  "},
		{name: "quotes kept", in: `"quoted" "twice"`, want: `"quoted" "twice"`},
		{name: "backslash kept", in: `a\b`, want: `a\b`},
		{name: "case kept", in: "MiXeD", want: "MiXeD"},
		{name: "non-ASCII kept", in: "grüße", want: "grüße"},
		{name: "long kept", in: strings.Repeat("x", 1000), want: strings.Repeat("x", 1000)},
		{name: "empty refused", in: "", wantErr: "TXT value is empty"},
	})
}

func TestCanonicalValueUnsupportedType(t *testing.T) {
	for _, typ := range []string{"SOA", "HINFO", "a", "cname", ""} {
		t.Run(typ, func(t *testing.T) {
			got, err := model.CanonicalValue(typ, "x", "example.com")
			checkResult(t, got, err, "", "unsupported record type")
		})
	}
}

func TestParseCAA(t *testing.T) {
	type caa struct {
		Flags      int
		Tag, Value string
	}
	tests := []struct {
		in      string
		want    caa
		wantErr string
	}{
		{in: `0 issue "letsencrypt.org"`, want: caa{0, "issue", "letsencrypt.org"}},
		{in: `128 ISSUEWILD ";"`, want: caa{128, "issuewild", ";"}},
		{in: `0 iodef mailto:a@example.com`, want: caa{0, "iodef", "mailto:a@example.com"}},
		{in: `0 issue ""`, want: caa{0, "issue", ""}},
		{in: `0 issue "a\"b"`, want: caa{0, "issue", `a"b`}},
		{in: `0 issue "a\\b"`, want: caa{0, "issue", `a\b`}},
		{in: `0 issue "\"\\\""`, want: caa{0, "issue", `"\"`}},
		{in: `0 issue "\000\255"`, want: caa{0, "issue", "\x00\xff"}},
		{in: `0 issue "x\256"`, want: caa{0, "issue", "x256"}},
		{in: `0 issue "bücher"`, want: caa{0, "issue", "bücher"}},
		{in: `0 issue "ca.example.net; policy=ev"`, want: caa{0, "issue", "ca.example.net; policy=ev"}},
		{in: `0 issue`, wantErr: "must be `<flags> <tag>"},
		{in: `0 issue "x`, wantErr: "unterminated quote"},
		{in: `0 issue "x" y`, wantErr: "text after its closing quote"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			flags, tag, value, err := model.ParseCAA(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCAA(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCAA(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, caa{flags, tag, value}); diff != "" {
				t.Errorf("ParseCAA(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestFormatCAA(t *testing.T) {
	tests := []struct {
		value, want string
	}{
		{value: "letsencrypt.org", want: `0 issue "letsencrypt.org"`},
		{value: "", want: `0 issue ""`},
		{value: `a"b`, want: `0 issue "a\"b"`},
		{value: `a\b`, want: `0 issue "a\\b"`},
		{value: `\"`, want: `0 issue "\\\""`},
		{value: "bücher", want: `0 issue "bücher"`},
		{value: "a b;c=d", want: `0 issue "a b;c=d"`},
		{value: "tab\there", want: `0 issue "tab\009here"`},
		{value: "line\nbreak", want: `0 issue "line\010break"`},
		{value: "\x00", want: `0 issue "\000"`},
		{value: "\x7f", want: `0 issue "\127"`},
		{value: "\xff", want: `0 issue "\255"`},           // invalid UTF-8
		{value: "\xc3", want: `0 issue "\195"`},           // truncated UTF-8 sequence
		{value: "\u200b", want: `0 issue "\226\128\139"`}, // zero-width space: not printable
		{value: "\u00a0", want: `0 issue "\194\160"`},     // no-break space
		{value: "\ufffd", want: "0 issue \"\ufffd\""},     // a real replacement character is printable
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.value), func(t *testing.T) {
			got := model.FormatCAA(0, "issue", tt.value)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FormatCAA mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// caaValues are CAA values that stress quoting: every byte, quotes, backslashes,
// escapes spelled out, non-ASCII.
func caaValues() []string {
	vals := []string{
		"", "letsencrypt.org", `a"b`, `a\b`, `\`, `"`, `\\`, `\"`, `"\`, `\065`, `\\065`,
		"bücher.de", "日本語", "a b", " lead", "trail ", "\t", "\r\n", "\x00", "\xff\xfe",
		"\u200b", "\ufffd", "ca.example.net; account=1; policy=\"ev\"", `mailto:sec\urity@example.com`,
	}
	for b := 0; b < 256; b++ {
		vals = append(vals, string([]byte{byte(b)}))
	}
	// Every byte value, in two halves: a zone-file parser reads a quoted string of at
	// most 255 bytes.
	all := allBytes()
	return append(vals, all[:128], all[128:])
}

// allBytes returns the 256 byte values in order.
func allBytes() string {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

func TestCAARoundTrip(t *testing.T) {
	type caa struct {
		Flags      int
		Tag, Value string
	}
	for _, v := range append(caaValues(), allBytes(), strings.Repeat(`\"`, 300)) {
		for _, in := range []caa{{0, "issue", v}, {128, "iodef", v}, {255, "issuewild", v}} {
			text := model.FormatCAA(in.Flags, in.Tag, in.Value)
			flags, tag, value, err := model.ParseCAA(text)
			if err != nil {
				t.Errorf("ParseCAA(FormatCAA(%q)) = %q: %v", v, text, err)
				continue
			}
			if diff := cmp.Diff(in, caa{flags, tag, value}); diff != "" {
				t.Errorf("ParseCAA(%q) mismatch (-want +got):\n%s", text, diff)
			}
			again, err := model.CanonicalValue("CAA", text, "example.com")
			if err != nil || again != text {
				t.Errorf("CanonicalValue(CAA, %q) = %q, %v; want it unchanged", text, again, err)
			}
		}
	}
}

// TestFormatCAAZoneFile checks FormatCAA against a real zone-file parser: miekg/dns
// reads the text as an RR, and the value packed on the wire is the original bytes.
func TestFormatCAAZoneFile(t *testing.T) {
	for _, v := range caaValues() {
		text := model.FormatCAA(0, "issue", v)
		rr, err := dns.NewRR("example.com. 300 IN CAA " + text)
		if err != nil {
			t.Errorf("miekg/dns cannot parse %q: %v", text, err)
			continue
		}
		got := packUnpack(t, rr).(*dns.CAA)
		if diff := cmp.Diff(v, got.Value); diff != "" {
			t.Errorf("value on the wire for %q mismatch (-want +got):\n%s", text, diff)
		}
		if got.Flag != 0 || got.Tag != "issue" {
			t.Errorf("flags and tag on the wire for %q = %d %q", text, got.Flag, got.Tag)
		}
	}
}

// packUnpack sends rr through a DNS message's wire form and returns what comes back.
func packUnpack(t *testing.T, rr dns.RR) dns.RR {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(rr.Header().Name, rr.Header().Rrtype)
	m.Answer = []dns.RR{rr}
	wire, err := m.Pack()
	if err != nil {
		t.Fatalf("packing %v: %v", rr, err)
	}
	var back dns.Msg
	if err := back.Unpack(wire); err != nil {
		t.Fatalf("unpacking %v: %v", rr, err)
	}
	if len(back.Answer) != 1 {
		t.Fatalf("unpacked %d answers, want 1", len(back.Answer))
	}
	return back.Answer[0]
}
