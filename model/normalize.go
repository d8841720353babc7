package model

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

var idnaProfile = idna.New(idna.MapForLookup(), idna.Transitional(false), idna.StrictDomainName(false))

// CanonicalZone returns a zone name in canonical form (lower case, Punycode, no
// trailing dot).
func CanonicalZone(zone string) (string, error) {
	return canonicalHost(zone)
}

// CanonicalName resolves a record name as written in launch.hcl against its zone: "@"
// is the apex, a name with a trailing dot is absolute, anything else is relative to the
// zone. The result is canonical (see package doc). An absolute name outside the zone is
// an error.
func CanonicalName(name, zone string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", fmt.Errorf("empty name")
	}
	var full string
	switch {
	case name == "@":
		full = zone
	case strings.HasSuffix(name, "."):
		full = name // canonicalHost removes the one trailing dot
	default:
		full = name + "." + zone
	}
	c, err := canonicalHost(full)
	if err != nil {
		return "", err
	}
	if c != zone && !strings.HasSuffix(c, "."+zone) {
		return "", fmt.Errorf("name %q is not inside zone %q", name, zone)
	}
	return c, nil
}

// CanonicalLiveName canonicalises a name as a provider returned it (already absolute,
// perhaps with a trailing dot or in Unicode).
func CanonicalLiveName(name string) string {
	c, err := canonicalHost(name)
	if err != nil {
		return strings.ToLower(strings.TrimSuffix(name, "."))
	}
	return c
}

// canonicalHost lower-cases, converts IDN labels to Punycode and checks label lengths.
// It keeps "*" and "_" labels, which DNS allows in owner names.
func canonicalHost(h string) (string, error) {
	h = strings.TrimSuffix(strings.TrimSpace(h), ".")
	if isCanonicalASCIIHost(h) {
		return h, nil // the common case (every name read back from an API): no allocation
	}
	if h == "" {
		return "", fmt.Errorf("empty host name")
	}
	labels := strings.Split(h, ".")
	for i, l := range labels {
		if l == "" {
			return "", fmt.Errorf("host name %q has an empty label", h)
		}
		ascii := true
		for _, r := range l {
			if r >= 0x80 {
				ascii = false
				break
			}
		}
		if !ascii {
			p, err := idnaProfile.ToASCII(l)
			if err != nil {
				return "", fmt.Errorf("host name %q: invalid internationalised label %q: %v", h, l, err)
			}
			if p == "" {
				// Labels made only of characters IDNA maps to nothing (soft hyphen).
				return "", fmt.Errorf("host name %q: label %q is empty once mapped for IDNA", h, l)
			}
			l = p
		}
		l = strings.ToLower(l)
		if len(l) > 63 {
			return "", fmt.Errorf("host name %q: label %q is longer than 63 bytes", h, l)
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '*') {
				return "", fmt.Errorf("host name %q: label %q contains %q", h, l, r)
			}
		}
		labels[i] = l
	}
	out := strings.Join(labels, ".")
	if len(out) > 253 {
		return "", fmt.Errorf("host name %q is longer than 253 bytes", h)
	}
	return out, nil
}

// isCanonicalASCIIHost reports whether h is already what canonicalHost returns: lower
// case ASCII letters, digits, '-', '_' and '*' in non-empty labels of at most 63 bytes,
// at most 253 bytes in all.
func isCanonicalASCIIHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	label := 0
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
			continue
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_', c == '*':
		default:
			return false
		}
		label++
		if label > 63 {
			return false
		}
	}
	return label > 0
}

// CanonicalTarget canonicalises a host name used as a record value (CNAME, NS, PTR,
// MX, SRV targets). Values are absolute whether or not they end in a dot; "@" is the
// zone apex. "." (the null target of MX/SRV) is kept as ".".
func CanonicalTarget(v, zone string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "." {
		return ".", nil
	}
	if v == "@" {
		return zone, nil
	}
	return canonicalHost(v)
}

// CanonicalValue returns value in the canonical form for record type typ, or an error
// explaining why the value is invalid for that type.
func CanonicalValue(typ, value, zone string) (string, error) {
	switch typ {
	case "A", "AAAA":
		a, err := netip.ParseAddr(strings.TrimSpace(value))
		if err != nil || a.Zone() != "" {
			return "", fmt.Errorf("%q is not a valid IP address", value)
		}
		if typ == "A" && a.Is4In6() {
			return "", fmt.Errorf("%q is an IPv4-mapped IPv6 address: write the IPv4 address %s", value, a.Unmap())
		}
		if typ == "A" && !a.Is4() {
			return "", fmt.Errorf("%q is not an IPv4 address (use an AAAA record)", value)
		}
		if typ == "AAAA" && (!a.Is6() || a.Is4In6()) {
			return "", fmt.Errorf("%q is not an IPv6 address (use an A record)", value)
		}
		var buf [64]byte
		if c := a.AppendTo(buf[:0]); string(c) == value {
			return value, nil // already canonical, the usual case: no allocation
		}
		return a.String(), nil
	case "CNAME", "NS", "PTR":
		if strings.ContainsAny(strings.TrimSpace(value), " \t") {
			return "", fmt.Errorf("%s value %q must be a single host name", typ, value)
		}
		t, err := CanonicalTarget(value, zone)
		if err != nil {
			return "", err
		}
		if t == "." {
			return "", fmt.Errorf("%s value cannot be the root", typ)
		}
		return t, nil
	case "MX":
		f := strings.Fields(value)
		if len(f) != 2 {
			return "", fmt.Errorf("MX value %q must be \"<preference> <host>\", e.g. \"10 mx1.example.net.\"", value)
		}
		p, err := parseUint(f[0], 65535)
		if err != nil {
			return "", fmt.Errorf("MX preference %q: %v", f[0], err)
		}
		t, err := CanonicalTarget(f[1], zone)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d %s", p, t), nil
	case "SRV":
		f := strings.Fields(value)
		if len(f) != 4 {
			return "", fmt.Errorf("SRV value %q must be \"<priority> <weight> <port> <target>\"", value)
		}
		var n [3]int
		for i := 0; i < 3; i++ {
			x, err := parseUint(f[i], 65535)
			if err != nil {
				return "", fmt.Errorf("SRV field %d (%q): %v", i+1, f[i], err)
			}
			n[i] = x
		}
		t, err := CanonicalTarget(f[3], zone)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d %d %d %s", n[0], n[1], n[2], t), nil
	case "CAA":
		flags, tag, val, err := ParseCAA(value)
		if err != nil {
			return "", err
		}
		return FormatCAA(flags, tag, val), nil
	case "TXT":
		if value == "" {
			return "", fmt.Errorf("TXT value is empty")
		}
		return value, nil
	}
	if t, ok := TypeInfo(typ); ok && t.Presentation {
		return canonicalPresentation(typ, value, zone)
	}
	return "", fmt.Errorf("unsupported record type %q", typ)
}

func parseUint(s string, max int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > max {
		return 0, fmt.Errorf("must be a whole number from 0 to %d", max)
	}
	return n, nil
}

// ParseCAA splits a CAA value in presentation form (`0 issue "letsencrypt.org"`,
// RFC 8659 §4.1.1): flags, tag (lower-cased) and the value's bytes. Fields are
// separated by spaces or tabs. The value may be quoted or not; in both forms the
// zone-file escapes `\"`, `\\` and `\DDD` are decoded (UnescapeDNSString). A quoted
// value must end with its closing quote.
func ParseCAA(v string) (flags int, tag, value string, err error) {
	v = strings.TrimSpace(v)
	flagsText, rest := cutField(v)
	tagText, rest := cutField(rest)
	if flagsText == "" || tagText == "" || rest == "" {
		return 0, "", "", fmt.Errorf("CAA value %q must be `<flags> <tag> \"<value>\"`, e.g. `0 issue \"letsencrypt.org\"`", v)
	}
	flags, err = parseUint(flagsText, 255)
	if err != nil {
		return 0, "", "", fmt.Errorf("CAA flags %q: %v", flagsText, err)
	}
	tag = strings.ToLower(tagText)
	for _, r := range tag {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return 0, "", "", fmt.Errorf("CAA tag %q must be letters and digits", tagText)
		}
	}
	if !strings.HasPrefix(rest, `"`) {
		return flags, tag, UnescapeDNSString(rest), nil
	}
	end := -1
	for i := 1; i < len(rest); i++ {
		if rest[i] == '\\' {
			i++ // the escaped byte (or the first digit of \DDD) cannot close the string
			continue
		}
		if rest[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		return 0, "", "", fmt.Errorf("CAA value %s has an unterminated quote", rest)
	}
	if end != len(rest)-1 {
		return 0, "", "", fmt.Errorf("CAA value %s has text after its closing quote", rest)
	}
	return flags, tag, UnescapeDNSString(rest[1:end]), nil
}

// cutField returns the text before the first space or tab of s, and the rest of s
// after that run of blanks.
func cutField(s string) (field, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// FormatCAA writes a CAA value in canonical presentation form: `<flags> <tag> "<value>"`
// with the value quoted as in a zone file (RFC 8659 §4.1.1, RFC 1035 §5.1): `"` and `\`
// are escaped with a backslash, control characters, DEL, invalid UTF-8 and unprintable
// runes as `\DDD`; printable UTF-8 is kept. ParseCAA reverses it exactly.
func FormatCAA(flags int, tag, value string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s \"", flags, tag)
	for i := 0; i < len(value); {
		c := value[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
			i++
		case c >= ' ' && c <= '~':
			b.WriteByte(c)
			i++
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(value[i:])
			if size > 1 && strconv.IsPrint(r) {
				b.WriteString(value[i : i+size])
				i += size
				continue
			}
			fmt.Fprintf(&b, "\\%03d", c)
			i++
		default:
			fmt.Fprintf(&b, "\\%03d", c)
			i++
		}
	}
	b.WriteByte('"')
	return b.String()
}

// SplitTXT cuts a TXT value into character-strings of at most 255 bytes, as DNS
// requires, without splitting a UTF-8 sequence.
func SplitTXT(s string) []string {
	if s == "" {
		return []string{""}
	}
	var out []string
	for len(s) > 255 {
		cut := 255
		if !utf8.RuneStart(s[cut]) {
			// Back up to the start of the rune that crosses the boundary, if s holds a
			// valid one there; bytes that are not UTF-8 are cut anywhere (backing up
			// over them without bound would never make progress).
			start := cut - 1
			for start > cut-utf8.UTFMax && !utf8.RuneStart(s[start]) {
				start--
			}
			if r, size := utf8.DecodeRuneInString(s[start:]); (r != utf8.RuneError || size > 1) && start+size > cut {
				cut = start
			}
		}
		out = append(out, s[:cut])
		s = s[cut:]
	}
	return append(out, s)
}

// QuoteTXT renders a TXT value as quoted character-strings of at most 255 bytes,
// `"a…" "b…"`, escaping quotes and backslashes: the form Cloudflare and zone files use.
func QuoteTXT(s string) string {
	parts := SplitTXT(s)
	for i, p := range parts {
		p = strings.ReplaceAll(p, `\`, `\\`)
		p = strings.ReplaceAll(p, `"`, `\"`)
		parts[i] = `"` + p + `"`
	}
	return strings.Join(parts, " ")
}

// UnquoteTXT turns TXT content as a provider stores it back into the canonical value:
// quoted character-strings are unescaped and joined without separator; content that
// does not start with a quote is taken as it is.
func UnquoteTXT(content string) string {
	c := strings.TrimSpace(content)
	if !strings.HasPrefix(c, `"`) {
		return content
	}
	var b strings.Builder
	in := false
	for i := 0; i < len(c); i++ {
		ch := c[i]
		switch {
		case !in && ch == '"':
			in = true
		case !in:
			// whitespace between strings; anything else means this was not a
			// quoted form after all.
			if ch != ' ' && ch != '\t' {
				return content
			}
		case ch == '\\' && i+1 < len(c):
			i++
			if c[i] >= '0' && c[i] <= '9' && i+2 < len(c) {
				if n, err := strconv.Atoi(c[i : i+3]); err == nil && n < 256 {
					b.WriteByte(byte(n))
					i += 2
					continue
				}
			}
			b.WriteByte(c[i])
		case ch == '"':
			in = false
		default:
			b.WriteByte(ch)
		}
	}
	if in {
		return content
	}
	return b.String()
}
