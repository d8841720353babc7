package email

import (
	"fmt"
	"strings"
)

// TagProblem is one finding of the DKIM key record and DMARC record parsers.
type TagProblem struct {
	Severity Severity `json:"severity"`
	// Tag is the tag it is about ("p", "rua", …), "" for the record as a whole.
	Tag string `json:"tag,omitempty"`
	// Index is the element of a list-valued tag (rua, ruf, fo, rf, h, s, t), -1
	// otherwise.
	Index   int    `json:"index"`
	Message string `json:"message"`
}

func tagErr(tag string, index int, format string, a ...any) TagProblem {
	return TagProblem{Severity: Error, Tag: tag, Index: index, Message: fmt.Sprintf(format, a...)}
}

func tagWarn(tag string, index int, format string, a ...any) TagProblem {
	return TagProblem{Severity: Warning, Tag: tag, Index: index, Message: fmt.Sprintf(format, a...)}
}

// hasError reports whether any problem is an error.
func HasError(ps []TagProblem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

// tagValue is one tag=value of a tag-list.
type tagValue struct {
	name, value string
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimWSP(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r < 0x80 && isWSP(byte(r)) })
}

// parseTagList parses a DKIM-style tag-list (RFC 6376 §3.2, also used by DMARC,
// RFC 7489 §6.4): tag=value pairs separated by ";", optional trailing ";", folding
// white space around names and values. foldCase lower-cases tag names (DMARC's are
// case-insensitive, DKIM's are not). Syntax errors and duplicate tags are errors.
func parseTagList(s string, foldCase bool) ([]tagValue, []TagProblem) {
	var tags []tagValue
	var probs []TagProblem
	seen := map[string]bool{}
	pieces := strings.Split(s, ";")
	for i, piece := range pieces {
		spec := trimWSP(piece)
		if spec == "" {
			if i != len(pieces)-1 {
				probs = append(probs, tagWarn("", -1, "empty tag between two semicolons"))
			}
			continue
		}
		name, value, ok := strings.Cut(spec, "=")
		if !ok {
			probs = append(probs, tagErr("", -1, "%q is not tag=value", spec))
			continue
		}
		name, value = trimWSP(name), trimWSP(value)
		if foldCase {
			name = strings.ToLower(name)
		}
		if !validTagName(name) {
			probs = append(probs, tagErr("", -1, "%q is not a valid tag name (a letter, then letters, digits or _)", name))
			continue
		}
		if bad := badTagValueChar(value); bad >= 0 {
			probs = append(probs, tagErr(name, -1, "character 0x%02x is not allowed in a tag value (printable ASCII except \";\")", value[bad]))
			continue
		}
		if seen[name] {
			probs = append(probs, tagErr(name, -1, "tag %s= appears more than once", name))
			continue
		}
		seen[name] = true
		tags = append(tags, tagValue{name: name, value: value})
	}
	return tags, probs
}

func validTagName(n string) bool {
	if n == "" || !isAlpha(n[0]) {
		return false
	}
	for i := 1; i < len(n); i++ {
		if !isAlnum(n[i]) && n[i] != '_' {
			return false
		}
	}
	return true
}

// badTagValueChar returns the index of the first byte that may not appear in a tag
// value (VALCHAR is %x21-3A / %x3C-7E, plus folding white space inside), or -1.
func badTagValueChar(v string) int {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isWSP(c) {
			continue
		}
		if c < 0x21 || c > 0x7e || c == ';' {
			return i
		}
	}
	return -1
}

// splitList splits a list value on sep and trims white space around each element.
func splitList(v string, sep string) []string {
	parts := strings.Split(v, sep)
	for i := range parts {
		parts[i] = trimWSP(parts[i])
	}
	return parts
}
