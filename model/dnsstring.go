package model

import (
	"fmt"
	"strings"
)

// UnescapeDNSString undoes the presentation escaping that DNS libraries (miekg/dns)
// apply to a character-string (`\"`, `\\`, `\DDD`), giving its bytes. TXT values read
// through such a library must be unescaped before they are compared with model values.
func UnescapeDNSString(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			n := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if n < 256 {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i+1])
		i++
	}
	return b.String()
}

// EscapeDNSString is the inverse of UnescapeDNSString: the presentation form miekg/dns packs back
// into exactly the bytes of s.
func EscapeDNSString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// JoinDNSStrings turns the character-strings of one TXT record, as a DNS library
// presents them (escaped), into the record's text: unescaped and joined without
// separator (RFC 7208 §3.3), the form model values take.
func JoinDNSStrings(strs []string) string {
	var b strings.Builder
	for _, s := range strs {
		b.WriteString(UnescapeDNSString(s))
	}
	return b.String()
}
