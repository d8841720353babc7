package email

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// SPFRecord is a parsed SPF record (RFC 7208 §4.5–§6, §12): its terms in order.
type SPFRecord struct {
	Terms []SPFTerm
}

// SPFTerm is one mechanism or modifier of an SPF record.
type SPFTerm struct {
	Text     string // the term as written
	Modifier bool
	// Name is the mechanism (all, include, a, mx, ptr, ip4, ip6, exists) or modifier
	// (redirect, exp, or an unknown modifier's name), lower case.
	Name string
	// Qualifier of a mechanism: '+', '-', '~' or '?' ('+' when not written). 0 for
	// modifiers.
	Qualifier byte
	// Domain is the domain-spec (macros unexpanded) of include, exists, a, mx, ptr,
	// redirect and exp; "" for a, mx and ptr written without one (the current domain).
	Domain string
	// Value is an unknown modifier's macro-string.
	Value string
	// Network is the ip4/ip6 network as written (host bits kept).
	Network netip.Prefix
	// Prefix4 and Prefix6 are the a/mx dual-cidr-length, -1 when not written.
	Prefix4, Prefix6 int
}

// SPFSyntaxError is a record that breaks RFC 7208's grammar: check_host() returns
// permerror for it.
type SPFSyntaxError struct {
	Term string // the offending term, "" for the record as a whole
	Msg  string
}

func (e *SPFSyntaxError) Error() string {
	if e.Term == "" {
		return "invalid SPF record: " + e.Msg
	}
	return fmt.Sprintf("invalid SPF term %q: %s", e.Term, e.Msg)
}

// IsSPFRecord reports whether a TXT string is an SPF record: "v=spf1" (any case)
// followed by a space or the end (RFC 7208 §4.5).
func IsSPFRecord(txt string) bool {
	return len(txt) >= 6 && strings.EqualFold(txt[:6], "v=spf1") && (len(txt) == 6 || txt[6] == ' ')
}

// IsDNSLookup reports whether evaluating the term queries DNS and so counts toward
// the limit of 10 (RFC 7208 §4.6.4): include, a, mx, ptr, exists, redirect.
func (t SPFTerm) IsDNSLookup() bool {
	switch t.Name {
	case "include", "a", "mx", "ptr", "exists":
		return !t.Modifier
	case "redirect":
		return t.Modifier
	}
	return false
}

// Redirect returns the redirect= modifier, or nil.
func (r *SPFRecord) Redirect() *SPFTerm { return r.modifier("redirect") }

// Exp returns the exp= modifier, or nil.
func (r *SPFRecord) Exp() *SPFTerm { return r.modifier("exp") }

func (r *SPFRecord) modifier(name string) *SPFTerm {
	for i := range r.Terms {
		if r.Terms[i].Modifier && r.Terms[i].Name == name {
			return &r.Terms[i]
		}
	}
	return nil
}

// HasAll reports whether the record has an "all" mechanism (which makes redirect=
// unreachable).
func (r *SPFRecord) HasAll() bool {
	for _, t := range r.Terms {
		if !t.Modifier && t.Name == "all" {
			return true
		}
	}
	return false
}

// DNSLookups counts the terms of this record (not of its includes) that query DNS.
func (r *SPFRecord) DNSLookups() int {
	n := 0
	for _, t := range r.Terms {
		if t.IsDNSLookup() {
			n++
		}
	}
	return n
}

// String renders the record canonically: lower-case names, "+" omitted, /32 and /128
// omitted on ip4/ip6.
func (r *SPFRecord) String() string {
	parts := []string{"v=spf1"}
	for _, t := range r.Terms {
		parts = append(parts, t.String())
	}
	return strings.Join(parts, " ")
}

// String renders the term canonically.
func (t SPFTerm) String() string {
	if t.Modifier {
		if t.Name == "redirect" || t.Name == "exp" {
			return t.Name + "=" + t.Domain
		}
		return t.Name + "=" + t.Value
	}
	var b strings.Builder
	if t.Qualifier != '+' && t.Qualifier != 0 {
		b.WriteByte(t.Qualifier)
	}
	b.WriteString(t.Name)
	switch t.Name {
	case "ip4", "ip6":
		b.WriteString(":" + t.Network.Addr().String())
		if t.Network.Bits() != t.Network.Addr().BitLen() {
			b.WriteString("/" + strconv.Itoa(t.Network.Bits()))
		}
	default:
		if t.Domain != "" {
			b.WriteString(":" + t.Domain)
		}
		if t.Prefix4 >= 0 && (t.Name == "a" || t.Name == "mx") {
			b.WriteString("/" + strconv.Itoa(t.Prefix4))
		}
		if t.Prefix6 >= 0 && (t.Name == "a" || t.Name == "mx") {
			b.WriteString("//" + strconv.Itoa(t.Prefix6))
		}
	}
	return b.String()
}

// ParseSPF parses an SPF record ("v=spf1 …"). Any syntax error anywhere in the record
// is an *SPFSyntaxError (RFC 7208 §4.6: the whole record is checked before
// evaluation): unknown mechanisms, bad domain-specs or macros, CIDR lengths out of
// range or with leading zeros, malformed ip4/ip6 networks, modifiers with bad names,
// and redirect= or exp= written twice. Unknown modifiers are kept (and ignored by
// evaluation) when their value is a valid macro-string.
func ParseSPF(txt string) (*SPFRecord, error) {
	for i := 0; i < len(txt); i++ {
		if txt[i] < 0x20 || txt[i] > 0x7e {
			return nil, &SPFSyntaxError{Msg: fmt.Sprintf("byte 0x%02x at offset %d: SPF records are printable 7-bit ASCII with terms separated by spaces", txt[i], i)}
		}
	}
	if !IsSPFRecord(txt) {
		return nil, &SPFSyntaxError{Msg: `it does not start with "v=spf1" followed by a space or the end`}
	}
	rec := &SPFRecord{}
	seen := map[string]bool{}
	for _, raw := range strings.Split(txt[6:], " ") {
		if raw == "" {
			continue
		}
		t, err := parseSPFTerm(raw)
		if err != nil {
			return nil, err
		}
		if t.Modifier && (t.Name == "redirect" || t.Name == "exp") {
			if seen[t.Name] {
				return nil, &SPFSyntaxError{Term: raw, Msg: t.Name + "= appears more than once (RFC 7208 §6)"}
			}
			seen[t.Name] = true
		}
		rec.Terms = append(rec.Terms, t)
	}
	return rec, nil
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlnum(c byte) bool { return isAlpha(c) || isDigit(c) }

func parseSPFTerm(raw string) (SPFTerm, error) {
	bad := func(format string, a ...any) (SPFTerm, error) {
		return SPFTerm{}, &SPFSyntaxError{Term: raw, Msg: fmt.Sprintf(format, a...)}
	}
	// A modifier is a name followed by "=" before any ":" or "/" (RFC 7208 §4.6.1).
	i := 0
	for i < len(raw) && (isAlnum(raw[i]) || raw[i] == '-' || raw[i] == '_' || raw[i] == '.') {
		i++
	}
	if i < len(raw) && raw[i] == '=' {
		name, value := raw[:i], raw[i+1:]
		if name == "" || !isAlpha(name[0]) {
			return bad("a modifier name must start with a letter")
		}
		t := SPFTerm{Text: raw, Modifier: true, Name: strings.ToLower(name), Prefix4: -1, Prefix6: -1}
		switch t.Name {
		case "redirect", "exp":
			if value == "" {
				return bad("%s= needs a domain", t.Name)
			}
			if err := checkDomainSpec(value); err != nil {
				return bad("%v", err)
			}
			t.Domain = value
		default:
			if _, err := parseMacroString(value, false); err != nil {
				return bad("%v", err)
			}
			t.Value = value
		}
		return t, nil
	}

	t := SPFTerm{Text: raw, Qualifier: '+', Prefix4: -1, Prefix6: -1}
	s := raw
	if strings.ContainsRune("+-~?", rune(s[0])) {
		t.Qualifier = s[0]
		s = s[1:]
	}
	j := 0
	for j < len(s) && isAlnum(s[j]) {
		j++
	}
	t.Name = strings.ToLower(s[:j])
	rest := s[j:]
	switch t.Name {
	case "all":
		if rest != "" {
			return bad(`"all" takes no argument`)
		}
	case "include", "exists":
		if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
			return bad("%s needs \":domain\"", t.Name)
		}
		if err := checkDomainSpec(rest[1:]); err != nil {
			return bad("%v", err)
		}
		t.Domain = rest[1:]
	case "ptr":
		if rest != "" {
			if !strings.HasPrefix(rest, ":") || len(rest) == 1 {
				return bad(`ptr takes an optional ":domain" and no CIDR length`)
			}
			if err := checkDomainSpec(rest[1:]); err != nil {
				return bad("%v", err)
			}
			t.Domain = rest[1:]
		}
	case "a", "mx":
		domain, cidr := "", rest
		if strings.HasPrefix(rest, ":") {
			m := dualCIDRSuffix.FindStringSubmatch(rest[1:])
			domain, cidr = m[1], m[2]
			if domain == "" {
				return bad("empty domain after %q", t.Name+":")
			}
			if err := checkDomainSpec(domain); err != nil {
				return bad("%v", err)
			}
		}
		p4, p6, err := parseDualCIDR(cidr)
		if err != nil {
			return bad("%v", err)
		}
		t.Domain, t.Prefix4, t.Prefix6 = domain, p4, p6
	case "ip4", "ip6":
		if !strings.HasPrefix(rest, ":") {
			return bad("%s needs \":address\"", t.Name)
		}
		p, err := parseIPNetwork(rest[1:], t.Name == "ip6")
		if err != nil {
			return bad("%v", err)
		}
		t.Network = p
	default:
		if j == 0 {
			return bad("not a mechanism or modifier")
		}
		return bad("unknown mechanism %q", s[:j])
	}
	return t, nil
}

// dualCIDRSuffix splits "domain-spec[/n][//m]" with the shortest domain.
var dualCIDRSuffix = regexp.MustCompile(`^(.*?)((?:/[0-9]+)?(?://[0-9]+)?)$`)

// parseDualCIDR parses "", "/n", "//m" or "/n//m" (RFC 7208 §5.6: no leading zeros,
// n ≤ 32, m ≤ 128).
func parseDualCIDR(s string) (p4, p6 int, err error) {
	p4, p6 = -1, -1
	if s == "" {
		return p4, p6, nil
	}
	if i := strings.Index(s, "//"); i >= 0 {
		if p6, err = parseCIDRLength(s[i+2:], 128); err != nil {
			return -1, -1, err
		}
		s = s[:i]
	}
	if s != "" {
		if s[0] != '/' {
			return -1, -1, fmt.Errorf("bad CIDR length %q", s)
		}
		if p4, err = parseCIDRLength(s[1:], 32); err != nil {
			return -1, -1, err
		}
	}
	return p4, p6, nil
}

func parseCIDRLength(s string, max int) (int, error) {
	if s == "" || len(s) > 3 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("bad CIDR length %q", s)
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, fmt.Errorf("bad CIDR length %q", s)
		}
	}
	n, _ := strconv.Atoi(s)
	if n > max {
		return 0, fmt.Errorf("CIDR length /%d is over %d", n, max)
	}
	return n, nil
}

// parseIPNetwork parses an ip4 ("a.b.c.d[/n]") or ip6 ("addr[/n]") argument.
func parseIPNetwork(s string, v6 bool) (netip.Prefix, error) {
	addrText, lenText, hasLen := strings.Cut(s, "/")
	addr, err := netip.ParseAddr(addrText)
	if err != nil || addr.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not an IP address", addrText)
	}
	max := 32
	if v6 {
		if !strings.Contains(addrText, ":") {
			return netip.Prefix{}, fmt.Errorf("%q is not an IPv6 address (use ip4:)", addrText)
		}
		max = 128
	} else if !addr.Is4() {
		return netip.Prefix{}, fmt.Errorf("%q is not an IPv4 address (use ip6:)", addrText)
	}
	bits := max
	if hasLen {
		if bits, err = parseCIDRLength(lenText, max); err != nil {
			return netip.Prefix{}, err
		}
	}
	return netip.PrefixFrom(addr, bits), nil
}

// checkDomainSpec checks RFC 7208 §7.1's domain-spec: a macro-string ending in a macro
// or in "." toplabel, optionally followed by ".".
func checkDomainSpec(s string) error {
	toks, err := parseMacroString(s, false)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return fmt.Errorf("empty domain")
	}
	last := toks[len(toks)-1]
	if last.macro {
		return nil
	}
	lit := strings.TrimSuffix(last.literal, ".")
	i := strings.LastIndexByte(lit, '.')
	if i < 0 {
		return fmt.Errorf("%q does not end in a dot and a top-level label", s)
	}
	if !isTopLabel(lit[i+1:]) {
		return fmt.Errorf("%q: %q is not a valid top-level label (letters, digits and inner hyphens, not all digits)", s, lit[i+1:])
	}
	return nil
}

// isTopLabel implements toplabel = ( *alphanum ALPHA *alphanum ) /
// ( 1*alphanum "-" *( alphanum / "-" ) alphanum ).
func isTopLabel(l string) bool {
	if l == "" || !isAlnum(l[0]) || !isAlnum(l[len(l)-1]) {
		return false
	}
	letterOrHyphen := false
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case isAlpha(c) || c == '-':
			letterOrHyphen = true
		case isDigit(c):
		default:
			return false
		}
	}
	return letterOrHyphen
}

// validDNSName reports whether name (no trailing dot) can be queried: labels of 1–63
// bytes, 253 bytes at most.
func ValidDNSName(name string) bool {
	if name == "" || len(name) > 253 {
		return false
	}
	for _, l := range strings.Split(name, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
	}
	return true
}
