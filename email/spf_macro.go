package email

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// macroToken is one piece of a macro-string (RFC 7208 §7.1): a literal, or a macro.
type macroToken struct {
	literal string // literal text (after %%, %_ and %- are decoded)
	macro   bool   // a macro-expand: %{…}, %%, %_ or %-
	letter  byte   // %{letter…}, lower case; 0 for literals and the escapes
	upper   bool   // written in upper case: URL-escape the value
	digits  int    // keep this many right-hand parts; 0 = all
	reverse bool
	delims  string // split on these; "" = "."
}

// parseMacroString tokenises a macro-string. In exp text (explanation=true) the letters
// c, r and t are allowed and so are spaces (explain-string = *( macro-string / SP )).
func parseMacroString(s string, explanation bool) ([]macroToken, error) {
	var toks []macroToken
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			toks = append(toks, macroToken{literal: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			if (c < 0x21 || c > 0x7e) && !(explanation && c == ' ') {
				return nil, fmt.Errorf("character 0x%02x is not allowed in a macro-string", c)
			}
			lit.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			return nil, fmt.Errorf(`"%%" at the end: write "%%%%" for a literal percent sign`)
		}
		switch s[i+1] {
		case '%', '_', '-':
			flush()
			toks = append(toks, macroToken{macro: true, literal: map[byte]string{'%': "%", '_': " ", '-': "%20"}[s[i+1]]})
			i++
			continue
		case '{':
		default:
			return nil, fmt.Errorf(`"%%%c": a percent sign must be followed by "{", "%%", "_" or "-"`, s[i+1])
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf(`unterminated macro %q`, s[i:])
		}
		body := s[i+2 : i+end]
		tok, err := parseMacroBody(body, explanation)
		if err != nil {
			return nil, err
		}
		flush()
		toks = append(toks, tok)
		i += end
	}
	flush()
	return toks, nil
}

func parseMacroBody(body string, explanation bool) (macroToken, error) {
	if body == "" {
		return macroToken{}, fmt.Errorf(`empty macro "%%{}"`)
	}
	t := macroToken{macro: true}
	l := body[0]
	t.upper = l >= 'A' && l <= 'Z'
	t.letter = strings.ToLower(string(l))[0]
	switch t.letter {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
	case 'c', 'r', 't':
		if !explanation {
			return macroToken{}, fmt.Errorf(`macro "%%{%s}": %c is allowed only in exp= explanation text`, body, l)
		}
	default:
		return macroToken{}, fmt.Errorf(`macro "%%{%s}": unknown macro letter %q`, body, l)
	}
	rest := body[1:]
	j := 0
	for j < len(rest) && isDigit(rest[j]) {
		j++
	}
	if j > 0 {
		n, err := strconv.Atoi(rest[:j])
		if err != nil || n > 128 {
			n = 128 // more parts than any name has: keep them all
		}
		if n == 0 {
			return macroToken{}, fmt.Errorf(`macro "%%{%s}": the number of parts must be at least 1`, body)
		}
		t.digits = n
	}
	rest = rest[j:]
	if rest != "" && (rest[0] == 'r' || rest[0] == 'R') {
		t.reverse = true
		rest = rest[1:]
	}
	for k := 0; k < len(rest); k++ {
		if !strings.ContainsRune(".-+,/_=", rune(rest[k])) {
			return macroToken{}, fmt.Errorf(`macro "%%{%s}": %q is not a delimiter (one of .-+,/_=)`, body, rest[k])
		}
	}
	t.delims = rest
	return t, nil
}

// macroEnv holds the values macros expand to.
type macroEnv struct {
	sender   string // <sender> local@domain (postmaster@helo when MAIL FROM is empty)
	local    string
	sdomain  string // domain of <sender>
	domain   string // the current <domain>
	helo     string
	ip       net.IP
	receiver string
	now      time.Time
	ptr      func() string // %{p}: the validated name, computed on demand
}

func (e *macroEnv) value(letter byte) string {
	v4 := e.ip.To4()
	switch letter {
	case 's':
		return e.sender
	case 'l':
		return e.local
	case 'o':
		return e.sdomain
	case 'd':
		return e.domain
	case 'i':
		if v4 != nil {
			return v4.String()
		}
		return nibbles(e.ip.To16(), false)
	case 'p':
		if e.ptr == nil {
			return "unknown"
		}
		return e.ptr()
	case 'v':
		if v4 != nil {
			return "in-addr"
		}
		return "ip6"
	case 'h':
		return e.helo
	case 'c':
		return e.ip.String()
	case 'r':
		if e.receiver == "" {
			return "unknown"
		}
		return e.receiver
	case 't':
		return strconv.FormatInt(e.now.Unix(), 10)
	}
	return ""
}

// expandMacros expands tokens (RFC 7208 §7.3–§7.4).
func expandMacros(toks []macroToken, env *macroEnv) string {
	var b strings.Builder
	for _, t := range toks {
		if t.letter == 0 {
			b.WriteString(t.literal)
			continue
		}
		v := env.value(t.letter)
		delims := t.delims
		if delims == "" {
			delims = "."
		}
		parts := splitAny(v, delims)
		if t.reverse {
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
		}
		if t.digits > 0 && t.digits < len(parts) {
			parts = parts[len(parts)-t.digits:]
		}
		v = strings.Join(parts, ".")
		if t.upper {
			v = urlEscape(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

func splitAny(s, delims string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(delims, s[i]) >= 0 {
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// urlEscape escapes every byte outside RFC 3986's unreserved set.
func urlEscape(s string) string {
	const hexdigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdigits[c>>4])
		b.WriteByte(hexdigits[c&0xf])
	}
	return b.String()
}

// expandDomain expands a domain-spec for a DNS query: the trailing dot removed and,
// over 253 characters, labels dropped from the left (RFC 7208 §7.3).
func expandDomain(spec string, env *macroEnv) (string, error) {
	toks, err := parseMacroString(spec, false)
	if err != nil {
		return "", err
	}
	d := strings.TrimSuffix(expandMacros(toks, env), ".")
	for len(d) > 253 {
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return d, nil
}

// ExpandSPFMacros expands an SPF macro-string (RFC 7208 §7) for the given connection:
// ip, sender (MAIL FROM, may be ""), helo, and the current domain. explanation selects
// exp= text rules (c, r, t and spaces allowed). %{p} expands to "unknown" here (it
// needs DNS; CheckHost resolves it). Useful to preview what an exists: or exp= term
// will query.
func ExpandSPFMacros(s string, explanation bool, ip net.IP, sender, helo, domain string) (string, error) {
	toks, err := parseMacroString(s, explanation)
	if err != nil {
		return "", err
	}
	full, local, sdomain := splitSender(sender, helo)
	env := &macroEnv{sender: full, local: local, sdomain: sdomain, domain: domain, helo: helo, ip: ip, now: time.Now()}
	return expandMacros(toks, env), nil
}

// splitSender returns <sender> as local@domain, its local part ("postmaster" when
// empty) and its domain (helo when the sender is empty).
func splitSender(sender, helo string) (full, local, domain string) {
	if sender == "" {
		return "postmaster@" + helo, "postmaster", helo
	}
	i := strings.LastIndexByte(sender, '@')
	if i < 0 {
		return "postmaster@" + sender, "postmaster", sender
	}
	local, domain = sender[:i], sender[i+1:]
	if local == "" {
		local = "postmaster"
	}
	return local + "@" + domain, local, domain
}
