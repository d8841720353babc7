package schema

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// tokenizer splits HCL native syntax into the tokens hclsyntax's lexer produces
// (scan_tokens.rl: the same types at the same byte offsets), one at a time, without
// building a token slice or computing lines and columns. The input limits and the
// secret scan of comments (scanSource) run on it before a file is parsed; the parser
// then lexes the file itself. Lexing with hclsyntax for those checks cost a second
// token slice per file (about 100 bytes per token, grown by copying), two thirds of
// the time to check a large file, for nothing but token types.
//
// What the checks rely on is exact: where strings, heredocs, comments and template
// sequences begin and end, every bracket, operator, identifier and number, and
// where hclsyntax gives up on the rest of the file (one TokenInvalid to the end).
// TestTokenizerMatchesLexer, FuzzTokenizerMatchesLexer and TestTokenizerExhaustive
// compare the two token streams with adjacent literal tokens joined; literal text
// is also cut where hclsyntax cuts it (the count of a string's parts, MaxTemplateParts,
// relies on that), which the same tests found unjoined (exhaustive to 4 symbols,
// two minutes of fuzzing).
//
// Identifiers beyond ASCII are left to hclsyntax (see unsure). The zero value is not
// usable: use newTokenizer.
type tokenizer struct {
	src   []byte
	p     int        // next byte to scan
	modes []scanMode // call stack of scanning modes; the last is the current one
	// braces, retBraces and heredocs are hclsyntax's scanner state of the same
	// names: the count of open braces, the brace counts at which a `}` ends a
	// template sequence, and the heredocs being read (innermost last).
	braces    int
	retBraces []int
	heredocs  []heredocState
	// pending is a token scanned ahead: the newline after a heredoc's end marker.
	pending    scanTok
	hasPending bool
	ahead      []scanTok // tokens lexAt took from its window after the one it returned
	broken     bool      // no token matched: the rest was one invalid token
	// unsure is set when the tokenizer met a byte beyond ASCII where hclsyntax
	// would read an identifier or an invalid character (outside strings, heredocs
	// and comments): it then stops (next returns TokenEOF), and the caller must lex
	// the file with hclsyntax instead.
	unsure bool
	// lenient reads on where unsure would stop: hclsyntax lexes the token there
	// alone (see lexAt), so the tokens stay hclsyntax's, at a cost per token.
	lenient bool
	// noCommentEnd is set once a "/*" found no "*/" after it; openComment is
	// that "/*"'s offset (-1 before).
	noCommentEnd bool
	openComment  int
}

// scanTok is one token: its type and byte offsets in the source.
type scanTok struct {
	typ        hclsyntax.TokenType
	start, end int
}

type scanMode uint8

const (
	modeMain    scanMode = iota // expressions and bodies
	modeString                  // inside "…"
	modeHeredoc                 // inside <<EOT … EOT
)

type heredocState struct {
	marker      []byte
	startOfLine bool
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newTokenizer(src []byte) *tokenizer {
	t := &tokenizer{src: src, modes: make([]scanMode, 1, 8), openComment: -1}
	if bytes.HasPrefix(src, utf8BOM) {
		t.p = len(utf8BOM) // hclsyntax strips a leading byte order mark
	}
	return t
}

// next returns the next token; at the end of the source, TokenEOF (again and again).
func (t *tokenizer) next() scanTok {
	if t.hasPending {
		t.hasPending = false
		return t.pending
	}
	if len(t.ahead) > 0 {
		tok := t.ahead[0]
		t.ahead = t.ahead[1:]
		t.p = tok.end
		return tok
	}
	if t.broken || t.unsure || t.p >= len(t.src) {
		return scanTok{hclsyntax.TokenEOF, len(t.src), len(t.src)}
	}
	switch t.modes[len(t.modes)-1] {
	case modeString:
		return t.scanString()
	case modeHeredoc:
		return t.scanHeredoc()
	}
	return t.scanMain()
}

func (t *tokenizer) tok(typ hclsyntax.TokenType, start, end int) scanTok {
	t.p = end
	return scanTok{typ, start, end}
}

// rest is what hclsyntax does when no token matches: the rest of the file is one
// invalid token.
func (t *tokenizer) rest(start int) scanTok {
	t.broken = true
	t.p = len(t.src)
	return scanTok{hclsyntax.TokenInvalid, start, len(t.src)}
}

func (t *tokenizer) push(m scanMode) { t.modes = append(t.modes, m) }

// ret returns from a mode (hclsyntax's fret); the outermost mode stays.
func (t *tokenizer) ret() {
	if len(t.modes) > 1 {
		t.modes = t.modes[:len(t.modes)-1]
	}
}

// openSequence is a template's "${" or "%{": the rest is read as expressions until
// the matching "}".
func (t *tokenizer) openSequence(typ hclsyntax.TokenType, start, end int) scanTok {
	t.braces++
	t.retBraces = append(t.retBraces, t.braces)
	if len(t.heredocs) > 0 {
		t.heredocs[len(t.heredocs)-1].startOfLine = false
	}
	t.push(modeMain)
	return t.tok(typ, start, end)
}

// sequenceOpener reports the length of "${", "${~", "%{" or "%{~" at i, or 0.
func (t *tokenizer) sequenceOpener(i int) int {
	s := t.src
	if i+1 < len(s) && (s[i] == '$' || s[i] == '%') && s[i+1] == '{' {
		if i+2 < len(s) && s[i+2] == '~' {
			return 3
		}
		return 2
	}
	return 0
}

// anyUTF8 is the length of hclsyntax's AnyUTF8 at i (an ASCII byte, or a lead byte
// and its continuation bytes, not checked further), or 0 for a broken byte.
func anyUTF8(s []byte, i int) int {
	c := s[i]
	n := 0
	switch {
	case c < 0x80:
		return 1
	case c >= 0xC0 && c <= 0xDF:
		n = 2
	case c >= 0xE0 && c <= 0xEF:
		n = 3
	case c >= 0xF0 && c <= 0xF7:
		n = 4
	default:
		return 0
	}
	if i+n > len(s) {
		return 0
	}
	for k := 1; k < n; k++ {
		if s[i+k] < 0x80 || s[i+k] > 0xBF {
			return 0
		}
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// identEnd returns where the identifier starting at i ends (i when none starts
// there). Identifiers are hclsyntax's (ID_Start | "_") (ID_Continue | "-")*; its
// Unicode tables are byte ranges that also admit some invalid UTF-8, so beyond ASCII
// the tokenizer does not guess: it stops, and reports that the lexer must decide.
func (t *tokenizer) identEnd(i int) int {
	s := t.src
	if i >= len(s) {
		return i
	}
	if c := s[i]; c >= 0x80 {
		t.unsure = true
		return i
	} else if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_') {
		return i
	}
	for i++; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			t.unsure = true
			return i
		}
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			break
		}
	}
	return i
}

// numberEnd returns where the number literal starting with the digit at i ends:
// digit (digit | "." | [eE][+-]?digit)*, not ending in ".".
func (t *tokenizer) numberEnd(i int) int {
	s := t.src
	end := i + 1
	j := i + 1
	for j < len(s) {
		switch c := s[j]; {
		case isDigit(c):
			j++
			end = j
			continue
		case c == '.':
			j++
			continue
		case c == 'e' || c == 'E':
			k := j + 1
			if k < len(s) && (s[k] == '+' || s[k] == '-') {
				k++
			}
			if k < len(s) && isDigit(s[k]) {
				j = k + 1
				end = j
				continue
			}
		}
		break
	}
	return end
}

func (t *tokenizer) scanMain() scanTok {
	s := t.src
	p := t.p
	for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
		p++
	}
	t.p = p
	if p >= len(s) {
		return scanTok{hclsyntax.TokenEOF, len(s), len(s)}
	}
	c := s[p]
	at := func(i int, b byte) bool { return p+i < len(s) && s[p+i] == b }
	switch {
	case isDigit(c):
		return t.tok(hclsyntax.TokenNumberLit, p, t.numberEnd(p))
	case c == '#' || (c == '/' && at(1, '/')):
		end := bytes.IndexByte(s[p:], '\n')
		if end < 0 {
			return t.tok(hclsyntax.TokenComment, p, len(s))
		}
		return t.tok(hclsyntax.TokenComment, p, p+end+1)
	case c == '/' && at(1, '*'):
		if !t.noCommentEnd {
			if end := bytes.Index(s[p+2:], []byte("*/")); end >= 0 {
				return t.tok(hclsyntax.TokenComment, p, p+2+end+2)
			}
			t.noCommentEnd = true // nor after any later "/*": the scan stays linear
			t.openComment = p
		}
		return t.tok(hclsyntax.TokenSlash, p, p+1) // unclosed: "/", then "*", …
	case c == '\n':
		return t.tok(hclsyntax.TokenNewline, p, p+1)
	case c == '\r':
		if at(1, '\n') {
			return t.tok(hclsyntax.TokenNewline, p, p+2)
		}
		return t.tok(hclsyntax.TokenInvalid, p, p+1)
	case c == '=':
		switch {
		case at(1, '='):
			return t.tok(hclsyntax.TokenEqualOp, p, p+2)
		case at(1, '>'):
			return t.tok(hclsyntax.TokenFatArrow, p, p+2)
		}
		return t.tok(hclsyntax.TokenEqual, p, p+1)
	case c == '!':
		if at(1, '=') {
			return t.tok(hclsyntax.TokenNotEqual, p, p+2)
		}
		return t.tok(hclsyntax.TokenBang, p, p+1)
	case c == '>':
		if at(1, '=') {
			return t.tok(hclsyntax.TokenGreaterThanEq, p, p+2)
		}
		return t.tok(hclsyntax.TokenGreaterThan, p, p+1)
	case c == '<':
		if at(1, '=') {
			return t.tok(hclsyntax.TokenLessThanEq, p, p+2)
		}
		if at(1, '<') {
			// "<<" "-"? Ident Newline opens a heredoc.
			i := p + 2
			if i < len(s) && s[i] == '-' {
				i++
			}
			if e := t.identEnd(i); t.unsure {
				return t.lexAt(p)
			} else if e > i {
				nl := e
				if nl < len(s) && s[nl] == '\r' {
					nl++
				}
				if nl < len(s) && s[nl] == '\n' {
					t.heredocs = append(t.heredocs, heredocState{marker: s[i:e], startOfLine: true})
					t.push(modeHeredoc)
					return t.tok(hclsyntax.TokenOHeredoc, p, nl+1)
				}
			}
		}
		return t.tok(hclsyntax.TokenLessThan, p, p+1)
	case c == '&':
		if at(1, '&') {
			return t.tok(hclsyntax.TokenAnd, p, p+2)
		}
		return t.tok(hclsyntax.TokenBitwiseAnd, p, p+1)
	case c == '|':
		if at(1, '|') {
			return t.tok(hclsyntax.TokenOr, p, p+2)
		}
		return t.tok(hclsyntax.TokenBitwiseOr, p, p+1)
	case c == ':':
		if at(1, ':') {
			return t.tok(hclsyntax.TokenDoubleColon, p, p+2)
		}
		return t.tok(hclsyntax.TokenColon, p, p+1)
	case c == '.':
		if at(1, '.') && at(2, '.') {
			return t.tok(hclsyntax.TokenEllipsis, p, p+3)
		}
		return t.tok(hclsyntax.TokenDot, p, p+1)
	case c == '{':
		t.braces++
		return t.tok(hclsyntax.TokenOBrace, p, p+1)
	case c == '}':
		return t.closeBrace(p, p+1, false)
	case c == '~':
		if at(1, '}') {
			return t.closeBrace(p, p+2, true)
		}
		return t.tok(hclsyntax.TokenBitwiseNot, p, p+1)
	case c == '"':
		t.push(modeString)
		return t.tok(hclsyntax.TokenOQuote, p, p+1)
	}
	switch c {
	case '[', ']', '(', ')', ',', '*', '/', '%', '+', '-', '?', '^', ';', '`', '\'':
		return t.tok(hclsyntax.TokenType(c), p, p+1)
	}
	if e := t.identEnd(p); t.unsure {
		return t.lexAt(p)
	} else if e > p {
		return t.tok(hclsyntax.TokenIdent, p, e)
	}
	return t.tok(hclsyntax.TokenInvalid, p, p+1) // an ASCII byte no token starts with
}

// lexAt is where the tokenizer is unsure at p, in expressions: an identifier, an
// invalid character or a heredoc opener with bytes beyond ASCII. hclsyntax's Unicode
// tables decide it (they also take some invalid UTF-8, such as "\xde/", into an
// identifier). Not lenient, the tokenizer stops (TokenEOF); lenient, it lexes a
// window of the source from p with hclsyntax and takes its first token: when that
// ends at least 4 bytes (one character, the longest lookahead of a token but a
// heredoc opener's, which the window covers to its line end) before the window
// does, a longer window would give the same token; else the window doubles. The
// tokens after it in the window that change no lexer state are kept (ahead), so a
// file of such tokens is lexed about once.
func (t *tokenizer) lexAt(p int) scanTok {
	s := t.src
	if !t.lenient {
		return scanTok{hclsyntax.TokenEOF, len(s), len(s)}
	}
	t.unsure = false
	if bytes.HasPrefix(s[p:], utf8BOM) {
		return t.tok(hclsyntax.TokenInvalid, p, p+len(utf8BOM)) // hclsyntax would strip it from the window
	}
	w := 64
	if s[p] == '<' {
		if nl := bytes.IndexByte(s[p:], '\n'); nl >= 0 {
			w = max(w, nl+1+4)
		} else {
			w = len(s) - p
		}
	}
	for ; ; w *= 2 {
		end := min(p+w, len(s))
		toks, _ := hclsyntax.LexConfig(s[p:end], "", hcl.InitialPos)
		within := func(tk hclsyntax.Token) bool { return tk.Range.End.Byte+4 <= end-p || end == len(s) }
		first := toks[0]
		if !within(first) {
			continue
		}
		if first.Type == hclsyntax.TokenOHeredoc {
			marker := bytes.TrimRight(first.Bytes, "\r\n")
			marker = bytes.TrimPrefix(bytes.TrimPrefix(marker, []byte("<<")), []byte("-"))
			t.heredocs = append(t.heredocs, heredocState{marker: marker, startOfLine: true})
			t.push(modeHeredoc)
		} else {
			for _, tk := range toks[1:] {
				if !within(tk) || !stateless(tk.Type) {
					break
				}
				t.ahead = append(t.ahead, scanTok{tk.Type, p + tk.Range.Start.Byte, p + tk.Range.End.Byte})
			}
		}
		return t.tok(first.Type, p, p+first.Range.End.Byte)
	}
}

// stateless reports whether hclsyntax's lexer reads a token of type typ in
// expressions without changing its state or looking further ahead than the token's
// next character.
func stateless(typ hclsyntax.TokenType) bool {
	switch typ {
	case hclsyntax.TokenIdent, hclsyntax.TokenInvalid, hclsyntax.TokenBadUTF8, hclsyntax.TokenNumberLit,
		hclsyntax.TokenNewline, hclsyntax.TokenEqual, hclsyntax.TokenComma, hclsyntax.TokenDot,
		hclsyntax.TokenOParen, hclsyntax.TokenCParen, hclsyntax.TokenOBrack, hclsyntax.TokenCBrack,
		hclsyntax.TokenColon, hclsyntax.TokenQuestion, hclsyntax.TokenPlus, hclsyntax.TokenMinus,
		hclsyntax.TokenStar, hclsyntax.TokenBang:
		return true
	}
	return false
}

// unclosedComment is the offset of the first "/*" outside strings and heredocs with
// no "*/" after it, or -1: hclsyntax's lexer reads from each such "/*" to the end of
// the file before it gives up on it as a comment (then "/", "*": a syntax error), so
// a file of many takes time quadratic in its size to lex (a 60 KB file of "/*,"
// took 8 s). It reads src with a lenient tokenizer: linearly, and for each token
// beyond ASCII with hclsyntax.
func unclosedComment(src []byte) int {
	t := newTokenizer(src)
	t.lenient = true
	for t.next().typ != hclsyntax.TokenEOF {
	}
	return t.openComment
}

// closeBrace is "}" or "~}": the end of a template sequence when it matches the one
// opened last, else a closing brace ("~}" always ends a sequence, as in hclsyntax).
func (t *tokenizer) closeBrace(start, end int, tilde bool) scanTok {
	if n := len(t.retBraces); n > 0 && t.retBraces[n-1] == t.braces {
		t.braces--
		t.retBraces = t.retBraces[:n-1]
		t.ret()
		return t.tok(hclsyntax.TokenTemplateSeqEnd, start, end)
	}
	t.braces--
	if tilde {
		return t.tok(hclsyntax.TokenTemplateSeqEnd, start, end)
	}
	return t.tok(hclsyntax.TokenCBrace, start, end)
}

// templateLiteral scans the literal "$${" / "%%{" (an escaped sequence opener) or a
// lone "$" / "%" at i, returning its end, or i when there is neither. A lone one
// needs a next character: at the end of the source nothing matches.
func (t *tokenizer) templateLiteral(i int) int {
	s := t.src
	if s[i] != '$' && s[i] != '%' {
		return i
	}
	if i+1 >= len(s) {
		return i
	}
	if s[i+1] == s[i] && i+2 < len(s) && s[i+2] == '{' {
		if i+3 < len(s) && s[i+3] == '~' {
			return i + 4 // hclsyntax reads "$${~" as one literal
		}
		return i + 3
	}
	return i + 1
}

func (t *tokenizer) scanString() scanTok {
	s := t.src
	p := t.p
	if n := t.sequenceOpener(p); n > 0 {
		typ := hclsyntax.TokenTemplateInterp
		if s[p] == '%' {
			typ = hclsyntax.TokenTemplateControl
		}
		return t.openSequence(typ, p, p+n)
	}
	switch c := s[p]; c {
	case '"':
		t.ret()
		return t.tok(hclsyntax.TokenCQuote, p, p+1)
	case '$', '%':
		if e := t.templateLiteral(p); e > p {
			return t.tok(hclsyntax.TokenQuotedLit, p, e)
		}
		return t.tok(hclsyntax.TokenInvalid, p, p+1)
	case '\r', '\n':
		e := p
		for e < len(s) && (s[e] == '\r' || s[e] == '\n') {
			e++
		}
		return t.tok(hclsyntax.TokenQuotedNewline, p, e)
	}
	// A run of characters and backslash escapes.
	e := p
	for e < len(s) {
		c := s[e]
		if c == '"' || c == '$' || c == '%' || c == '\r' || c == '\n' {
			break
		}
		if c == '\\' {
			if e+1 >= len(s) || s[e+1] == '\r' || s[e+1] == '\n' {
				break
			}
			n := anyUTF8(s, e+1)
			if n == 0 {
				break
			}
			e += 1 + n
			continue
		}
		n := anyUTF8(s, e)
		if n == 0 {
			break
		}
		e += n
	}
	if e > p {
		return t.tok(hclsyntax.TokenQuotedLit, p, e)
	}
	if s[p] == '\\' {
		return t.tok(hclsyntax.TokenInvalid, p, p+1)
	}
	return t.tok(hclsyntax.TokenBadUTF8, p, p+1)
}

func (t *tokenizer) scanHeredoc() scanTok {
	s := t.src
	p := t.p
	doc := &t.heredocs[len(t.heredocs)-1]
	if n := t.sequenceOpener(p); n > 0 {
		typ := hclsyntax.TokenTemplateInterp
		if s[p] == '%' {
			typ = hclsyntax.TokenTemplateControl
		}
		return t.openSequence(typ, p, p+n)
	}
	if s[p] == '$' || s[p] == '%' {
		e := t.templateLiteral(p)
		if e == p {
			return t.rest(p)
		}
		if e == p+1 && p+2 < len(s) && (s[p+2] == '\n' || s[p+2] == '\r') {
			// hclsyntax quirk: "$" and the character after it are one literal when
			// a line end follows (e.g. "$\r" in "$\r\r\n", which is then no lone
			// carriage return).
			e = p + 2
		}
		if e >= p+3 {
			// An escaped opener ("$${") takes the line end after it, as in hclsyntax.
			if e < len(s) && s[e] == '\n' {
				doc.startOfLine = true
				return t.tok(hclsyntax.TokenStringLit, p, e+1)
			}
			if e+1 < len(s) && s[e] == '\r' && s[e+1] == '\n' {
				doc.startOfLine = true
				return t.tok(hclsyntax.TokenStringLit, p, e+2)
			}
		}
		doc.startOfLine = false
		return t.tok(hclsyntax.TokenStringLit, p, e)
	}
	// A run of characters up to "$", "%", a line end or a broken byte.
	e := p
	for e < len(s) {
		c := s[e]
		if c == '$' || c == '%' || c == '\r' || c == '\n' {
			break
		}
		n := anyUTF8(s, e)
		if n == 0 {
			break
		}
		e += n
	}
	nl := e
	if nl < len(s) && s[nl] == '\r' && nl+1 < len(s) && s[nl+1] == '\n' {
		nl += 2
	} else if nl < len(s) && s[nl] == '\n' {
		nl++
	}
	if nl > e {
		// The run ends its line: it may be the closing marker.
		if doc.startOfLine && bytes.Equal(bytes.TrimSpace(s[p:nl]), doc.marker) {
			t.heredocs = t.heredocs[:len(t.heredocs)-1]
			t.ret()
			t.pending, t.hasPending = scanTok{hclsyntax.TokenNewline, e, nl}, true
			t.p = nl
			return scanTok{hclsyntax.TokenCHeredoc, p, e}
		}
		doc.startOfLine = true
		return t.tok(hclsyntax.TokenStringLit, p, nl)
	}
	if e > p {
		doc.startOfLine = false
		return t.tok(hclsyntax.TokenStringLit, p, e)
	}
	if s[p] == '\r' {
		return t.rest(p) // a lone carriage return: no token matches
	}
	return t.tok(hclsyntax.TokenBadUTF8, p, p+1)
}
