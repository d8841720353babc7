package model_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// checkResult compares a (string, error) result with the wanted string, or with an
// error containing wantErr when wantErr is not empty.
func checkResult(t *testing.T, got string, err error, want, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil {
			t.Fatalf("got %q, want an error containing %q", got, wantErr)
		}
		if !strings.Contains(err.Error(), wantErr) {
			t.Fatalf("error %q does not contain %q", err, wantErr)
		}
		return
	}
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
}

// label returns a DNS label of n copies of c.
func label(c string, n int) string { return strings.Repeat(c, n) }

func TestCanonicalZone(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "example.com", want: "example.com"},
		{in: "Example.COM", want: "example.com"},
		{in: "example.com.", want: "example.com"},
		{in: "  example.com.  ", want: "example.com"},
		{in: "bücher.de", want: "xn--bcher-kva.de"},
		{in: "BÜCHER.de.", want: "xn--bcher-kva.de"},
		{in: "例え.テスト", want: "xn--r8jz45g.xn--zckzah"},
		{in: "XN--BCHER-KVA.de", want: "xn--bcher-kva.de"},
		{in: "com", want: "com"},
		{in: "", wantErr: "empty host name"},
		{in: ".", wantErr: "empty host name"},
		{in: "example..com", wantErr: "empty label"},
		{in: ".example.com", wantErr: "empty label"},
		{in: "example.com..", wantErr: "empty label"},
		{in: "exa mple.com", wantErr: "contains"},
		{in: "example.com/", wantErr: "contains"},
		{in: label("a", 64) + ".com", wantErr: "longer than 63"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.CanonicalZone(tt.in)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestCanonicalName(t *testing.T) {
	const zone = "example.com"
	// A relative name whose full name is exactly 253 bytes: three 63-byte labels, one
	// of 49 and the zone (11), joined by four dots.
	long253 := label("a", 63) + "." + label("b", 63) + "." + label("c", 63) + "." + label("d", 49)
	long254 := label("a", 63) + "." + label("b", 63) + "." + label("c", 63) + "." + label("d", 50)
	tests := []struct {
		name, in, want, wantErr string
	}{
		{name: "apex", in: "@", want: "example.com"},
		{name: "relative", in: "www", want: "www.example.com"},
		{name: "relative deep", in: "a.b.c", want: "a.b.c.example.com"},
		{name: "upper case", in: "WWW", want: "www.example.com"},
		{name: "spaces trimmed", in: "  www  ", want: "www.example.com"},
		{name: "absolute", in: "www.example.com.", want: "www.example.com"},
		{name: "absolute upper case", in: "WWW.Example.COM.", want: "www.example.com"},
		{name: "absolute apex", in: "example.com.", want: "example.com"},
		{name: "absolute apex upper case", in: "EXAMPLE.COM.", want: "example.com"},
		// Without a trailing dot a name is relative, even when it ends in the zone.
		{name: "zone name without dot is relative", in: "www.example.com", want: "www.example.com.example.com"},
		{name: "IDN relative", in: "bücher", want: "xn--bcher-kva.example.com"},
		{name: "IDN absolute mixed case", in: "Bücher.example.com.", want: "xn--bcher-kva.example.com"},
		{name: "IDN upper case", in: "BÜCHER", want: "xn--bcher-kva.example.com"},
		{name: "IDN decomposed (NFD)", in: "bu\u0308cher", want: "xn--bcher-kva.example.com"},
		{name: "IDN already Punycode", in: "XN--BCHER-KVA", want: "xn--bcher-kva.example.com"},
		{name: "IDN fullwidth maps to ASCII", in: "ｗｗｗ", want: "www.example.com"},
		{name: "IDN several labels", in: "例え.テスト", want: "xn--r8jz45g.xn--zckzah.example.com"},
		{name: "wildcard", in: "*.preview", want: "*.preview.example.com"},
		{name: "wildcard at apex", in: "*", want: "*.example.com"},
		{name: "wildcard absolute", in: "*.Preview.example.com.", want: "*.preview.example.com"},
		{name: "underscores", in: "_sip._tcp", want: "_sip._tcp.example.com"},
		{name: "underscore DMARC", in: "_DMARC", want: "_dmarc.example.com"},
		{name: "DKIM selector", in: "s1._domainkey", want: "s1._domainkey.example.com"},
		{name: "hyphens and digits", in: "a-1.b2", want: "a-1.b2.example.com"},
		{name: "label of 63 bytes", in: label("x", 63), want: label("x", 63) + ".example.com"},
		{name: "label of 64 bytes", in: label("x", 64), wantErr: "longer than 63 bytes"},
		{name: "IDN label over 63 bytes once Punycode", in: "ü" + label("a", 60), wantErr: "longer than 63 bytes"},
		{name: "name of 253 bytes", in: long253, want: long253 + ".example.com"},
		{name: "name of 254 bytes", in: long254, wantErr: "longer than 253 bytes"},
		{name: "empty", in: "", wantErr: "empty name"},
		{name: "blank", in: "   ", wantErr: "empty name"},
		{name: "root", in: ".", wantErr: "empty host name"},
		{name: "empty label inside", in: "a..b", wantErr: "empty label"},
		{name: "leading dot", in: ".www", wantErr: "empty label"},
		{name: "two trailing dots", in: "www..", wantErr: "empty label"},
		{name: "label IDNA maps to nothing", in: "a.\u00ad", wantErr: "empty once mapped"},
		{name: "outside the zone", in: "example.org.", wantErr: "not inside zone"},
		{name: "suffix but not a subdomain", in: "notexample.com.", wantErr: "not inside zone"},
		{name: "other zone's subdomain", in: "www.example.org.", wantErr: "not inside zone"},
		{name: "parent of the zone", in: "com.", wantErr: "not inside zone"},
		{name: "space inside", in: "a b", wantErr: "contains"},
		{name: "punctuation", in: "www!", wantErr: "contains"},
		{name: "ideographic full stop", in: "a\u3002b", wantErr: "contains"},
		{name: "invalid IDN", in: "\u200d", wantErr: "invalid internationalised label"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := model.CanonicalName(tt.in, zone)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestCanonicalNameIDNZone(t *testing.T) {
	// The zone is given canonical (Punycode); names may be written in Unicode.
	const zone = "xn--bcher-kva.de"
	tests := []struct {
		in, want, wantErr string
	}{
		{in: "@", want: zone},
		{in: "www", want: "www.xn--bcher-kva.de"},
		{in: "www.bücher.de.", want: "www.xn--bcher-kva.de"},
		{in: "WWW.BÜCHER.DE.", want: "www.xn--bcher-kva.de"},
		{in: "bücher.de.", want: zone},
		{in: "www.bucher.de.", wantErr: "not inside zone"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.CanonicalName(tt.in, zone)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestCanonicalLiveName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{in: "www.example.com", want: "www.example.com"},
		{in: "www.example.com.", want: "www.example.com"},
		{in: "WWW.Example.COM.", want: "www.example.com"},
		{in: "bücher.example.com.", want: "xn--bcher-kva.example.com"},
		{in: "Bücher.Example.com", want: "xn--bcher-kva.example.com"},
		{in: "*.preview.example.com.", want: "*.preview.example.com"},
		{in: "_sip._tcp.Example.com.", want: "_sip._tcp.example.com"},
		// Names that are not valid host names are kept, lower case, without the dot,
		// so that a provider's odd record still shows up (and never compares equal to
		// a canonical desired name by accident).
		{in: "A..B.example.com.", want: "a..b.example.com"},
		{in: "www.example.com..", want: "www.example.com."},
		{in: "Bad Name.example.com.", want: "bad name.example.com"},
		{in: label("X", 64) + ".example.com.", want: label("x", 64) + ".example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.CanonicalLiveName(tt.in)); diff != "" {
				t.Errorf("CanonicalLiveName(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestCanonicalTarget(t *testing.T) {
	const zone = "example.com"
	tests := []struct {
		in, want, wantErr string
	}{
		{in: ".", want: "."},
		{in: " . ", want: "."},
		{in: "@", want: "example.com"},
		{in: "mx1.example.net.", want: "mx1.example.net"},
		{in: "mx1.example.net", want: "mx1.example.net"},
		{in: "MX1.Example.NET.", want: "mx1.example.net"},
		{in: "  host.example.net.  ", want: "host.example.net"},
		// Targets are absolute with or without the dot: "mx1" is the TLD-like name
		// "mx1", not mx1.example.com.
		{in: "mx1", want: "mx1"},
		{in: "bücher.de.", want: "xn--bcher-kva.de"},
		{in: "_spf.example.net", want: "_spf.example.net"},
		{in: "", wantErr: "empty host name"},
		{in: "a..b", wantErr: "empty label"},
		{in: "mx1.example.net..", wantErr: "empty label"},
		{in: "a b", wantErr: "contains"},
		{in: label("x", 64) + ".net", wantErr: "longer than 63"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := model.CanonicalTarget(tt.in, zone)
			checkResult(t, got, err, tt.want, tt.wantErr)
		})
	}
}

func TestRelativeName(t *testing.T) {
	tests := []struct {
		name, zone, want string
	}{
		{name: "example.com", zone: "example.com", want: "@"},
		{name: "www.example.com", zone: "example.com", want: "www"},
		{name: "a.b.example.com", zone: "example.com", want: "a.b"},
		{name: "*.preview.example.com", zone: "example.com", want: "*.preview"},
		{name: "_sip._tcp.example.com", zone: "example.com", want: "_sip._tcp"},
		{name: "notexample.com", zone: "example.com", want: "notexample.com."},
		{name: "www.example.org", zone: "example.com", want: "www.example.org."},
		{name: "com", zone: "example.com", want: "com."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, model.RelativeName(tt.name, tt.zone)); diff != "" {
				t.Errorf("RelativeName(%q, %q) mismatch (-want +got):\n%s", tt.name, tt.zone, diff)
			}
		})
	}
}

// TestRelativeNameRoundTrip checks that RelativeName is what CanonicalName reads back.
func TestRelativeNameRoundTrip(t *testing.T) {
	const zone = "example.com"
	for _, name := range []string{"example.com", "www.example.com", "*.preview.example.com", "_dmarc.example.com", "xn--bcher-kva.example.com"} {
		got, err := model.CanonicalName(model.RelativeName(name, zone), zone)
		if err != nil {
			t.Errorf("CanonicalName(RelativeName(%q)): %v", name, err)
			continue
		}
		if diff := cmp.Diff(name, got); diff != "" {
			t.Errorf("round trip of %q mismatch (-want +got):\n%s", name, diff)
		}
	}
}
