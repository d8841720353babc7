package model

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Every presentation type: the example value is canonical, survives Cloudflare's data
// shape (through JSON) unchanged, and other spellings normalise to the same value.
func TestPresentationTypesRoundTripCloudflareData(t *testing.T) {
	for _, ty := range AllTypes() {
		if !ty.Presentation {
			continue
		}
		t.Run(ty.Name, func(t *testing.T) {
			c, err := CanonicalValue(ty.Name, ty.Example, "example.com")
			if err != nil {
				t.Fatalf("example %q: %v", ty.Example, err)
			}
			again, err := CanonicalValue(ty.Name, c, "example.com")
			if err != nil || again != c {
				t.Fatalf("canonical form is not stable: %q -> %q (%v)", c, again, err)
			}
			data, prio, content, err := CloudflareData(ty.Name, c, "example.com")
			if err != nil {
				t.Fatal(err)
			}
			// through JSON, as the API carries it
			b, _ := json.Marshal(data)
			var back map[string]any
			_ = json.Unmarshal(b, &back)
			got, err := FromCloudflareData(ty.Name, back, prio, content, "example.com")
			if err != nil {
				t.Fatalf("from data %s: %v", b, err)
			}
			if got != c {
				t.Fatalf("round trip through data %s: got %q, want %q", b, got, c)
			}
		})
	}
}

func TestPresentationSpellingsNormalise(t *testing.T) {
	cases := []struct{ typ, a, b string }{
		{"HTTPS", `1 . alpn="h3,h2"`, `1 . alpn=h3,h2`},
		{"HTTPS", `1 Example.COM. alpn=h2`, `1 example.com alpn="h2"`},
		{"TLSA", "3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6", "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"},
		{"NAPTR", `100 10 "u" "E2U+sip" "!^.*$!sip:info@example.com!" .`, `100  10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .`},
		{"LOC", "52 22 23 N 4 53 32 E -2m", "52 22 23.000 N 04 53 32.000 E -2.00m 1m 10000m 10m"},
		{"CERT", "1 12345 8 MIIBCgKCAQEA", "PKIX 12345 RSASHA256 MIIBCgKCAQEA"},
		{"URI", `10 1 https://example.com/`, `10 1 "https://example.com/"`},
		{"OPENPGPKEY", "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1B==", "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A=="},
	}
	for _, c := range cases {
		a, err := CanonicalValue(c.typ, c.a, "example.com")
		if err != nil {
			t.Fatalf("%s %q: %v", c.typ, c.a, err)
		}
		b, err := CanonicalValue(c.typ, c.b, "example.com")
		if err != nil {
			t.Fatalf("%s %q: %v", c.typ, c.b, err)
		}
		if a != b {
			t.Errorf("%s: %q and %q normalise differently: %q vs %q", c.typ, c.a, c.b, a, b)
		}
	}
}

func TestPresentationFieldErrors(t *testing.T) {
	cases := []struct{ typ, v, field, want string }{
		{"TLSA", "4 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", "usage", "out of range"},
		{"TLSA", "3 2 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", "selector", "out of range"},
		{"TLSA", "3 1 1 XYZ", "certificate data", "not hexadecimal"},
		{"TLSA", "3 1 1 ABCD", "certificate data", "64"},
		{"SMIMEA", "3 1 3 ABCD", "matching type", "out of range"},
		{"SSHFP", "5 2 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881", "algorithm", "not an SSH key algorithm"},
		{"SSHFP", "4 1 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881", "fingerprint", "40"},
		{"SSHFP", "4 2 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A488", "fingerprint", "odd number"},
		{"DS", "60485 13 3 D4B7", "digest type", "not a digest type"},
		{"DS", "60485 13 2 D4B7", "digest", "64"},
		{"DNSKEY", "257 4 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==", "protocol", "always 3"},
		{"DNSKEY", "257 3 13 !!!", "public key", "not base64"},
		{"CERT", "PKIX 1 8 ***", "certificate", "not base64"},
		{"NAPTR", `100 10 "U+" "E2U+sip" "" .`, "flags", "letters and digits"},
		{"NAPTR", `100 10 "U" "E2U+sip" "!^.*$!sip:x@example.com!" sip.example.com.`, "replacement", "regexp"},
		{"HTTPS", `0 . alpn=h2`, "parameters", "alias mode"},
		{"URI", `10 1 ""`, "target", "empty"},
		{"URI", `10 1 " "`, "target", "empty"},
		{"URI", `0 0 \ `, "target", "empty"}, // an escaped blank (FuzzCanonicalValue): was accepted as " ", which was then refused
	}
	for _, c := range cases {
		_, err := CanonicalValue(c.typ, c.v, "example.com")
		if err == nil {
			t.Errorf("%s %q: no error", c.typ, c.v)
			continue
		}
		fe, ok := err.(*FieldError)
		if !ok || fe.Field != c.field || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %q: got %v (%T), want field %q with %q", c.typ, c.v, err, err, c.field, c.want)
		}
	}
	for _, c := range []struct{ typ, v string }{
		{"TLSA", "3 1"}, {"SSHFP", "x 2 AB"}, {"LOC", "91 0 0 N 0 0 0 E 0m"}, {"NAPTR", "100 10 U E2U+sip x ."},
		{"HTTPS", "1 .\nalpn=h2"},
	} {
		if _, err := CanonicalValue(c.typ, c.v, "example.com"); err == nil {
			t.Errorf("%s %q: no error", c.typ, c.v)
		}
	}
}

// The README's types table lists every type of the table, with its fields and example.
func TestREADMEListsEveryType(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, ty := range AllTypes() {
		row := fmt.Sprintf("| %s | `%s` | `value = %q` |", ty.Name, ty.Fields, ty.Example)
		if !strings.Contains(readme, row) {
			t.Errorf("README.md's record types table lacks the row %s", row)
		}
	}
}
