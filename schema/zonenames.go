package schema

import (
	"bytes"

	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// CloudflareZones names a configuration file's zones from its tokens alone, before
// the file is loaded, so that a command can start reading them from Cloudflare while
// the file is parsed and validated. ok is true only when the answer is certain for a
// file that loads: every top-level zone block has one quoted label without escapes
// or templates, and each either sets no provider or sets provider = "cloudflare"
// literally. Otherwise (a zone on another provider or one set by an expression, a
// byte beyond ASCII outside strings and comments, a file over the size limit) ok is
// false and names is nil. The names are the labels as written, in file order; a file
// that does not load may name anything.
func CloudflareZones(src []byte) (names []string, ok bool) {
	if len(src) > MaxConfigBytes {
		return nil, false
	}
	tz := newTokenizer(src)
	var toks []scanTok // the tokens of the current top-level item
	depth := 0
	for {
		t := tz.next()
		if tz.unsure {
			return nil, false
		}
		if t.typ == hclsyntax.TokenEOF {
			break
		}
		toks = append(toks, t)
		switch {
		case isOpener(t.typ):
			depth++
		case isCloser(t.typ) && depth > 0:
			depth--
		}
		lineEnd := t.typ == hclsyntax.TokenNewline || (t.typ == hclsyntax.TokenComment && src[t.end-1] == '\n')
		if depth == 0 && lineEnd {
			name, isZone, good := zoneItem(src, toks)
			if !good {
				return nil, false
			}
			if isZone {
				names = append(names, name)
			}
			toks = toks[:0]
		}
	}
	if len(toks) > 0 {
		name, isZone, good := zoneItem(src, toks)
		if !good {
			return nil, false
		}
		if isZone {
			names = append(names, name)
		}
	}
	return names, true
}

// zoneItem reads one top-level item's tokens (up to the line end after it): whether
// it is a zone block, its name, and whether that is certain (good; an item that is no
// zone block is good).
func zoneItem(src []byte, toks []scanTok) (name string, isZone, good bool) {
	text := func(t scanTok) string { return string(src[t.start:t.end]) }
	i := 0
	for i < len(toks) && (toks[i].typ == hclsyntax.TokenNewline || toks[i].typ == hclsyntax.TokenComment) {
		i++
	}
	if i == len(toks) || toks[i].typ != hclsyntax.TokenIdent || text(toks[i]) != "zone" {
		return "", false, true
	}
	// zone "<name>" {
	h := toks[i:]
	if len(h) < 5 || h[1].typ != hclsyntax.TokenOQuote || h[2].typ != hclsyntax.TokenQuotedLit ||
		h[3].typ != hclsyntax.TokenCQuote || h[4].typ != hclsyntax.TokenOBrace || bytes.ContainsAny(src[h[2].start:h[2].end], `\$%`) {
		return "", true, false
	}
	name = text(h[2])
	// The zone's own arguments: items directly inside its braces.
	depth, atItem := 1, true
	for k := 5; k < len(h); k++ {
		t := h[k]
		if depth == 1 && atItem && t.typ == hclsyntax.TokenIdent && text(t) == "provider" {
			v := h[k+1:]
			if len(v) < 4 || v[0].typ != hclsyntax.TokenEqual || v[1].typ != hclsyntax.TokenOQuote ||
				v[2].typ != hclsyntax.TokenQuotedLit || text(v[2]) != "cloudflare" || v[3].typ != hclsyntax.TokenCQuote {
				return "", true, false
			}
			if len(v) > 4 {
				switch v[4].typ {
				case hclsyntax.TokenNewline, hclsyntax.TokenComment, hclsyntax.TokenCBrace:
				default:
					return "", true, false // "cloudflare" is only the start of an expression
				}
			}
		}
		switch {
		case isOpener(t.typ):
			depth++
		case isCloser(t.typ):
			depth--
		}
		switch t.typ {
		case hclsyntax.TokenNewline:
			atItem = true
		case hclsyntax.TokenComment:
			atItem = atItem || src[t.end-1] == '\n'
		default:
			atItem = false
		}
	}
	return name, true, true
}
