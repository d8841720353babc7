package model

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"

	"github.com/miekg/dns"
)

// FieldError is a value that is invalid in one field: Field names it ("usage",
// "digest"), Index is its position among the value's blank-separated fields (0-based,
// -1 when unknown), so that a caller can point at it.
type FieldError struct {
	Type  string
	Field string
	Index int
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("%s value: %s", e.Type, e.Msg)
	}
	return fmt.Sprintf("%s %s: %s", e.Type, e.Field, e.Msg)
}

func fieldErr(typ, field string, idx int, format string, args ...any) error {
	return &FieldError{Type: typ, Field: field, Index: idx, Msg: fmt.Sprintf(format, args...)}
}

// ParseRR parses value (presentation form of record type typ) into a DNS record owned
// by owner (absolute, with or without the trailing dot). Relative names inside the
// value are resolved against zone. The value is checked field by field first
// (CanonicalValue), so a returned record is one launchready would write.
func ParseRR(owner string, ttl uint32, typ, value, zone string) (dns.RR, error) {
	c, err := CanonicalValue(typ, value, zone)
	if err != nil {
		return nil, err
	}
	t, ok := TypeInfo(typ)
	if !ok || !t.Presentation {
		return nil, fmt.Errorf("ParseRR: %s is not a presentation type", typ)
	}
	rr, err := parsePresentation(typ, c, zone)
	if err != nil {
		return nil, err
	}
	rr.Header().Name = dns.Fqdn(owner)
	rr.Header().Ttl = ttl
	return rr, nil
}

// RDataString returns the presentation form of rr's data: what follows the header
// in rr.String().
func RDataString(rr dns.RR) string {
	return strings.TrimPrefix(rr.String(), rr.Header().String())
}

// parsePresentation reads one record of type typ from its presentation form.
func parsePresentation(typ, value, zone string) (dns.RR, error) {
	if strings.ContainsAny(value, "\r\n") {
		return nil, fmt.Errorf("%s value is one line: it cannot contain a line break", typ)
	}
	if strings.ContainsAny(value, "()") && typ != "NAPTR" && typ != "URI" {
		return nil, fmt.Errorf("%s value cannot contain parentheses: write the value on one line", typ)
	}
	if strings.TrimSpace(value) == "" {
		return nil, fmt.Errorf("%s value is empty", typ)
	}
	// Names inside values are absolute whether or not they end in a dot (the
	// package's convention for MX, SRV and CNAME values too): parse against the root.
	zp := dns.NewZoneParser(strings.NewReader("@ 300 IN "+typ+" "+value+"\n"), ".", "")
	rr, ok := zp.Next()
	if err := zp.Err(); err != nil {
		return nil, cleanParseErr(typ, value, err)
	}
	if !ok || rr == nil {
		return nil, fmt.Errorf("%s value %q is incomplete", typ, value)
	}
	if _, more := zp.Next(); more {
		return nil, fmt.Errorf("%s value %q holds more than one record", typ, value)
	}
	if dns.TypeToString[rr.Header().Rrtype] != typ {
		return nil, fmt.Errorf("%s value %q is not a %s record", typ, value, typ)
	}
	return rr, nil
}

var parseErrRE = regexp.MustCompile(`^dns: (.*?)(?:: "(.*)")? at line: \d+:(\d+)$`)

// cleanParseErr turns miekg/dns's parse error into a message about the value, naming
// the field and the text it could not read.
func cleanParseErr(typ, value string, err error) error {
	msg := err.Error()
	m := parseErrRE.FindStringSubmatch(msg)
	if m == nil {
		return fmt.Errorf("%s value %q: %s", typ, value, strings.TrimPrefix(msg, "dns: "))
	}
	what := m[1]
	what = strings.TrimPrefix(what, "bad ")
	what = strings.TrimPrefix(what, typ+" ")
	idx := -1
	if m[2] != "" {
		for i, f := range strings.Fields(value) {
			if strings.Trim(f, `"`) == m[2] {
				idx = i
				break
			}
		}
	}
	if m[2] == "" {
		return &FieldError{Type: typ, Field: strings.ToLower(what), Index: idx, Msg: fmt.Sprintf("cannot be read in %q (write %s)", value, fieldsOf(typ))}
	}
	return &FieldError{Type: typ, Field: strings.ToLower(what), Index: idx, Msg: fmt.Sprintf("%q is not valid (write %s)", m[2], fieldsOf(typ))}
}

func fieldsOf(typ string) string {
	t, _ := TypeInfo(typ)
	return t.Fields
}

// canonicalPresentation normalises a value of a presentation type: parsed by
// miekg/dns, checked field by field (checkFields), printed back with names lower
// case and hex upper case.
func canonicalPresentation(typ, value, zone string) (string, error) {
	rr, err := parsePresentation(typ, value, zone)
	if err != nil {
		return "", err
	}
	if err := checkFields(rr); err != nil {
		return "", err
	}
	return RDataString(rr), nil
}

var hexRE = regexp.MustCompile(`^[0-9A-Fa-f]+$`)

func checkHex(typ, field string, idx int, s string, wantLen int) (string, error) {
	if s == "" || !hexRE.MatchString(s) {
		return "", fieldErr(typ, field, idx, "%q is not hexadecimal", s)
	}
	if len(s)%2 != 0 {
		return "", fieldErr(typ, field, idx, "%q has an odd number of hex digits", s)
	}
	if wantLen > 0 && len(s) != wantLen {
		return "", fieldErr(typ, field, idx, "is %d hex digits long; this digest type has %d", len(s), wantLen)
	}
	return strings.ToUpper(s), nil
}

// checkBase64 checks a base64 field and returns it re-encoded: the bits after the
// last whole byte are dropped, as DNS servers store only the bytes.
func checkBase64(typ, field string, idx int, s *string) error {
	b, err := base64.StdEncoding.DecodeString(*s)
	if err != nil || len(b) == 0 {
		return fieldErr(typ, field, idx, "%q is not base64", *s)
	}
	*s = base64.StdEncoding.EncodeToString(b)
	return nil
}

// hostField checks a host name inside a value and returns it canonical: lower case,
// absolute with its trailing dot; "." (the root) stays.
func hostField(typ, field string, idx int, n string) (string, error) {
	if n == "." {
		return n, nil
	}
	c, err := canonicalHost(n)
	if err != nil || strings.Contains(n, `\`) {
		return n, fieldErr(typ, field, idx, "%q is not a host name", strings.TrimSuffix(n, "."))
	}
	return c + ".", nil
}

// sshfpAlgorithms are the SSHFP algorithm numbers in IANA's registry (RFC 4255,
// 6594, 7479, 8709): RSA, DSA, ECDSA, Ed25519, Ed448. Others (0 reserved, 5
// unassigned) are refused.
var sshfpAlgorithms = map[uint8]string{1: "RSA", 2: "DSA", 3: "ECDSA", 4: "Ed25519", 6: "Ed448"}

// digestLen is the hex length of a digest by DS digest type / SSHFP fingerprint type /
// TLSA matching type.
var dsDigestLen = map[uint8]int{1: 40, 2: 64, 4: 96}

// checkFields checks the fields of a parsed record that the DNS grammar allows but
// the protocol (or Cloudflare) refuses, and canonicalises spelling in place.
func checkFields(rr dns.RR) error {
	switch r := rr.(type) {
	case *dns.TLSA:
		return checkDANE("TLSA", &r.Usage, &r.Selector, &r.MatchingType, &r.Certificate)
	case *dns.SMIMEA:
		return checkDANE("SMIMEA", &r.Usage, &r.Selector, &r.MatchingType, &r.Certificate)
	case *dns.SSHFP:
		if _, ok := sshfpAlgorithms[r.Algorithm]; !ok {
			return fieldErr("SSHFP", "algorithm", 0, "%d is not an SSH key algorithm: use 1 (RSA), 2 (DSA), 3 (ECDSA), 4 (Ed25519) or 6 (Ed448)", r.Algorithm)
		}
		want := map[uint8]int{1: 40, 2: 64}
		n, ok := want[r.Type]
		if !ok {
			return fieldErr("SSHFP", "fingerprint type", 1, "%d is not a fingerprint type: use 1 (SHA-1) or 2 (SHA-256)", r.Type)
		}
		h, err := checkHex("SSHFP", "fingerprint", 2, r.FingerPrint, n)
		r.FingerPrint = h
		return err
	case *dns.DS:
		if r.Algorithm == 0 {
			return fieldErr("DS", "algorithm", 1, "0 is not a DNSSEC algorithm (8 is RSA/SHA-256, 13 ECDSA P-256, 15 Ed25519)")
		}
		n, ok := dsDigestLen[r.DigestType]
		if !ok {
			return fieldErr("DS", "digest type", 2, "%d is not a digest type: use 1 (SHA-1), 2 (SHA-256) or 4 (SHA-384)", r.DigestType)
		}
		h, err := checkHex("DS", "digest", 3, r.Digest, n)
		r.Digest = h
		return err
	case *dns.DNSKEY:
		if r.Protocol != 3 {
			return fieldErr("DNSKEY", "protocol", 1, "%d is not valid: the protocol is always 3 (RFC 4034 §2.1.2)", r.Protocol)
		}
		if r.Flags != 0 && r.Flags != 256 && r.Flags != 257 {
			return fieldErr("DNSKEY", "flags", 0, "%d is not valid: use 256 (zone key) or 257 (key-signing key)", r.Flags)
		}
		if r.Algorithm == 0 {
			return fieldErr("DNSKEY", "algorithm", 2, "0 is not a DNSSEC algorithm")
		}
		return checkBase64("DNSKEY", "public key", 3, &r.PublicKey)
	case *dns.CERT:
		return checkBase64("CERT", "certificate", 3, &r.Certificate)
	case *dns.OPENPGPKEY:
		return checkBase64("OPENPGPKEY", "key", 0, &r.PublicKey)
	case *dns.NAPTR:
		r.Flags = strings.ToUpper(r.Flags)
		for _, c := range r.Flags {
			if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return fieldErr("NAPTR", "flags", 2, "%q may hold only letters and digits (RFC 3403 §4.1), e.g. \"U\" or \"S\"", r.Flags)
			}
		}
		var err error
		if r.Replacement, err = hostField("NAPTR", "replacement", 5, r.Replacement); err != nil {
			return err
		}
		if r.Regexp != "" && r.Replacement != "." {
			return fieldErr("NAPTR", "replacement", 5, "must be \".\" when a regexp is given: a NAPTR record uses one or the other (RFC 3403 §4.1)")
		}
	case *dns.URI:
		// Unescaped first: "\ " is a blank target too, which canonicalises to " ".
		if strings.TrimSpace(UnescapeDNSString(r.Target)) == "" {
			return fieldErr("URI", "target", 2, "is empty")
		}
	case *dns.SVCB:
		var err error
		if r.Target, err = hostField("SVCB", "target", 1, r.Target); err != nil {
			return err
		}
		if r.Priority == 0 && len(r.Value) > 0 {
			return fieldErr("SVCB", "parameters", 2, "priority 0 is alias mode, which takes no parameters (RFC 9460 §2.4.2)")
		}
	case *dns.HTTPS:
		var err error
		if r.Target, err = hostField("HTTPS", "target", 1, r.Target); err != nil {
			return err
		}
		if r.Priority == 0 && len(r.Value) > 0 {
			return fieldErr("HTTPS", "parameters", 2, "priority 0 is alias mode, which takes no parameters (RFC 9460 §2.4.2)")
		}
	}
	return nil
}

func checkDANE(typ string, usage, selector, matching *uint8, cert *string) error {
	if *usage > 3 {
		return fieldErr(typ, "usage", 0, "%d is out of range: use 0 (PKIX-TA), 1 (PKIX-EE), 2 (DANE-TA) or 3 (DANE-EE)", *usage)
	}
	if *selector > 1 {
		return fieldErr(typ, "selector", 1, "%d is out of range: use 0 (full certificate) or 1 (public key)", *selector)
	}
	lens := map[uint8]int{0: 0, 1: 64, 2: 128}
	n, ok := lens[*matching]
	if !ok {
		return fieldErr(typ, "matching type", 2, "%d is out of range: use 0 (exact), 1 (SHA-256) or 2 (SHA-512)", *matching)
	}
	h, err := checkHex(typ, "certificate data", 3, *cert, n)
	*cert = h
	return err
}
