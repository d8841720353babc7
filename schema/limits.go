package schema

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Limits on configuration input, checked before a file is parsed so that hostile or
// broken input gets a diagnostic instead of exhausting memory or the stack. The
// parser (hclsyntax) and the evaluator recurse once per nesting level (about a dozen
// Go frames per parenthesis), so 100,000 nested parentheses — 200 KB — overflowed the
// 1 GB Go stack before these limits.
const (
	// MaxConfigBytes is the largest configuration file accepted: 1 MiB, about 19,000
	// records written one block each (a 1,000-record zone is about 55 KB); a larger
	// configuration is split into several .hcl files of one directory. Loading a file
	// at the limit takes about a second; a 10 MB file is refused after reading 1 MiB.
	MaxConfigBytes = 1 << 20
	// MaxNestingDepth is the deepest nesting accepted inside a file: blocks, brackets,
	// parentheses, quoted strings, heredocs, template interpolations and directives,
	// and runs of unary operators ("!!!x", "- -x") each count one level. launch.hcl
	// needs fewer than ten.
	MaxNestingDepth = 100
	// MaxExpressionOperators is the most binary and conditional operators one
	// expression may chain at one nesting level ("1 + 1 + …", "a ? b : c ? …"): the
	// evaluator recurses once per operator.
	MaxExpressionOperators = 1000
	// MaxTemplateParts is the most parts one quoted string or heredoc may hold: each
	// line of a heredoc, each interpolation ("${…}") or directive ("%{…}"), each "$"
	// or "%" that starts none, and the text between them is one. hclsyntax joins
	// adjacent text at a cost of the number of parts each time, so a 1 MiB heredoc
	// of short lines took minutes. launch.hcl's strings need a handful.
	MaxTemplateParts = 1000
	// MaxNumberLength is the longest number literal accepted, in bytes (digits, a
	// point and an exponent): the parser converts a number in time superlinear in
	// its length (a 1 MiB number took 3.5 s). launch.hcl's numbers (TTLs,
	// priorities, ports) need a handful of digits.
	MaxNumberLength = 100
)

// readLimited reads a configuration file, stopping one byte past MaxConfigBytes: a
// larger file is refused (checkSource) without being read whole.
func readLimited(r io.Reader) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r, MaxConfigBytes+1))
}

// readConfigFile is os.ReadFile through readLimited.
func readConfigFile(filename string) ([]byte, error) {
	f, err := os.Open(filepath.Clean(filename))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f)
}

// ReadConfigFile reads a configuration file as the loader does: at most one byte
// past MaxConfigBytes, so that Format and LoadSource refuse a larger file
// ("Configuration file too large") without it being read whole.
func ReadConfigFile(filename string) ([]byte, error) { return readConfigFile(filename) }

// readFSConfigFile is fs.ReadFile through readLimited.
func readFSConfigFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f)
}

// tooLargeDiag is the diagnostic of a file over MaxConfigBytes, pointing at the
// first byte past the limit.
func tooLargeDiag(filename string, src []byte) *hcl.Diagnostic {
	pos := posAt(src, MaxConfigBytes)
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Configuration file too large",
		Detail: fmt.Sprintf("%s is larger than %d bytes (%d MiB), the limit on one configuration file; it was not parsed. Split the configuration into several .hcl files in one directory.",
			filename, MaxConfigBytes, MaxConfigBytes>>20),
		Subject: &hcl.Range{Filename: filename, Start: pos, End: pos},
	}
}

// unclosedCommentDiag is the diagnostic of the unterminated "/*" at offset, with
// hclsyntax's line and column (it lexes the file up to there, which holds no unclosed
// comment).
func unclosedCommentDiag(filename string, src []byte, offset int) *hcl.Diagnostic {
	toks, _ := hclsyntax.LexConfig(src[:offset], filename, hcl.InitialPos)
	start := toks[len(toks)-1].Range.Start // the end-of-file token, at offset
	end := start
	end.Byte += 2
	end.Column += 2
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unterminated comment",
		Detail:   `This "/*" has no "*/" after it, so the rest of the file is not a comment; the file was not parsed. Close the comment with "*/", or use "#" for a one-line comment.`,
		Subject:  &hcl.Range{Filename: filename, Start: start, End: end},
	}
}

// notTextDiag is the diagnostic of a file that is not UTF-8 text, at its first NUL
// byte or invalid UTF-8 sequence; nil for text. hclsyntax refuses invalid UTF-8 in
// code, strings and heredocs but not in comments (nor surrogate halves, overlong and
// out-of-range sequences in strings and heredocs), and a NUL byte in code but not in
// strings, heredocs and comments; it lexes a file of either in time linear but
// large (a 1 MiB file of NUL bytes: 10 s, of "\xff": 3.5 s, one diagnostic per
// byte). A configuration holding either is not text (a NUL in a value is written
// "\u0000"), so it is refused before it is lexed.
func notTextDiag(filename string, src []byte) *hcl.Diagnostic {
	if bytes.IndexByte(src, 0) < 0 && utf8.Valid(src) {
		return nil
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		switch {
		case r == 0:
			return notTextAt(filename, src, i, "NUL byte in configuration file",
				"A configuration file is UTF-8 text and holds no NUL byte (this may be a binary file); the file was not parsed. Write a NUL character in a string as \"\\u0000\".")
		case r == utf8.RuneError && n == 1:
			return notTextAt(filename, src, i, "Invalid UTF-8",
				fmt.Sprintf("A configuration file is UTF-8 text, comments included; the byte 0x%02x here starts no UTF-8 character, so the file was not parsed. Save it as UTF-8 in your editor.", src[i]))
		}
		i += n
	}
	return nil
}

// notTextAt is the diagnostic of the byte at offset, with hclsyntax's line and
// column.
func notTextAt(filename string, src []byte, offset int, summary, detail string) *hcl.Diagnostic {
	start := lexPos(src[:offset])
	end := start
	end.Byte++
	end.Column++
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail,
		Subject: &hcl.Range{Filename: filename, Start: start, End: end}}
}

// lexPos is the position hclsyntax gives the end of src (its end-of-file token):
// the line and the column in grapheme clusters counted token by token, as its
// lexer does. The tokens are the lenient tokenizer's (scan.go), so it takes time
// linear in the size of src even where hclsyntax would not (unclosed comments).
func lexPos(src []byte) hcl.Pos {
	t := newTokenizer(src)
	t.lenient = true
	pos := hcl.Pos{Line: 1, Column: 1, Byte: t.p}
	for {
		tok := t.next()
		pos.Column += tok.start - pos.Byte // only spaces and tabs lie between tokens
		pos.Byte = tok.start
		if tok.typ == hclsyntax.TokenEOF {
			return pos
		}
		pos = advancePos(pos, src[tok.start:tok.end])
		pos.Byte = tok.end
	}
}

// advancePos moves pos over one token's bytes b as hclsyntax does: a line per "\n"
// or "\r\n", else a column per grapheme cluster (pos.Byte is left as it is).
func advancePos(pos hcl.Pos, b []byte) hcl.Pos {
	for len(b) > 0 {
		// A lone "\r" is one column to hclsyntax and a line end to hcl's
		// RangeScanner, so the text beyond ASCII between them is measured
		// apart (a control character is a grapheme cluster of its own).
		n := len(b)
		for i := 0; i < len(b); i++ {
			if b[i] == '\r' && (i+1 == len(b) || b[i+1] != '\n') {
				n = i
				break
			}
		}
		seg := b[:n]
		if isASCII(seg) {
			for i := 0; i < len(seg); i++ {
				switch {
				case seg[i] == '\n':
					pos.Line++
					pos.Column = 1
				case seg[i] == '\r' && i+1 < len(seg) && seg[i+1] == '\n':
				default:
					pos.Column++
				}
			}
		} else {
			// RangeScanner counts grapheme clusters with hclsyntax's tables.
			sc := hcl.NewRangeScanner(seg, "", func(data []byte, _ bool) (int, []byte, error) { return len(data), data, nil })
			sc.Scan()
			if end := sc.Range().End; end.Line > 1 {
				pos.Line += end.Line - 1
				pos.Column = end.Column
			} else {
				pos.Column += end.Column - 1
			}
		}
		if n < len(b) {
			pos.Column++ // the lone "\r"
			n++
		}
		b = b[n:]
	}
	return pos
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// posAt is the line:column position of byte offset in src (columns count bytes).
func posAt(src []byte, offset int) hcl.Pos {
	p := hcl.Pos{Line: 1, Column: 1, Byte: offset}
	lineStart := 0
	for i := 0; i < offset && i < len(src); i++ {
		if src[i] == '\n' {
			p.Line++
			lineStart = i + 1
		}
	}
	p.Column = offset - lineStart + 1
	return p
}

// span is a token's byte offsets in its file.
type span struct{ start, end int }

// scanned is what the pre-parse scan of one file found besides its limit
// diagnostics: its comments, for the secret scan, and where it can be cut to be
// parsed in pieces (nil: parse it whole).
type scanned struct {
	comments []span
	pieces   []piece
}

// checkSource applies every input limit to one file's bytes: the size (a file read
// with readLimited holds one byte more than the limit when over it) and, within it,
// the nesting depth and operator chains.
func checkSource(filename string, src []byte) hcl.Diagnostics {
	_, diags := scanSource(filename, src)
	return diags
}

// scanSource is checkSource that also returns what the loader needs from the same
// pass. The file is read by the tokenizer (scan.go), which gives hclsyntax's tokens
// without their positions or a token slice; where the tokenizer cannot be sure of
// hclsyntax's reading (bytes beyond ASCII outside strings, heredocs and comments) the
// file is lexed by hclsyntax instead.
//
// A "/*" in code with no "*/" after it is refused first ("Unterminated comment"):
// hclsyntax would refuse the file for it anyway, after lexing time quadratic in the
// file's size (see unclosedComment), and every diagnostic's position and the
// fallback below lex the whole file with hclsyntax.
func scanSource(filename string, src []byte) (scanned, hcl.Diagnostics) {
	if len(src) > MaxConfigBytes {
		return scanned{}, hcl.Diagnostics{tooLargeDiag(filename, src)}
	}
	if d := notTextDiag(filename, src); d != nil {
		return scanned{}, hcl.Diagnostics{d}
	}
	tz := newTokenizer(src)
	sc, bad, over := scanTokens(src, tz.next, &piecePlanner{src: src})
	open := tz.openComment
	if tz.unsure || over != nil {
		open = unclosedComment(src) // the scan stopped early
	}
	if open >= 0 {
		return scanned{}, hcl.Diagnostics{unclosedCommentDiag(filename, src, open)}
	}
	if tz.unsure {
		toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
		i := 0
		sc, bad, over = scanTokens(src, func() scanTok {
			t := toks[i]
			if i < len(toks)-1 {
				i++
			}
			return scanTok{t.Type, t.Range.Start.Byte, t.Range.End.Byte}
		}, nil)
	}
	if over == nil {
		return sc, nil
	}
	// The file up to the end of the token gives its range: hclsyntax's tokens before
	// an offset do not depend on what follows it, and a limit is often met early in
	// a large file.
	r := (&tokenRanges{filename: filename, src: src[:bad.end]}).of(bad.start, bad.end)
	return scanned{}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: over.summary, Detail: over.detail, Subject: &r}}
}

// checkValue applies a file's input limits (size, text, nesting, operators, string
// parts, numbers) to a --var or environment value that is parsed as an expression:
// the parser costs the same there. The diagnostics name the value as filename
// ("--var ttl") and, in their detail, the variable.
func checkValue(filename, from, name string, raw []byte) hcl.Diagnostics {
	if len(raw) > MaxConfigBytes {
		pos := posAt(raw, MaxConfigBytes)
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Value too large",
			Detail: fmt.Sprintf("The value given by %s for the variable %q is larger than %d bytes (%d MiB), the limit on one configuration file; it was not parsed.",
				from, name, MaxConfigBytes, MaxConfigBytes>>20),
			Subject: &hcl.Range{Filename: filename, Start: pos, End: pos},
		}}
	}
	_, diags := scanSource(filename, raw)
	for _, d := range diags {
		d.Detail = fmt.Sprintf("In the value given by %s for the variable %q: %s", from, name,
			strings.ReplaceAll(d.Detail, "the file was not parsed", "the value was not parsed"))
	}
	return diags
}

// limitError is a limit a file is over.
type limitError struct{ summary, detail string }

var (
	errTooDeep = &limitError{"Nesting too deep", fmt.Sprintf(
		"Blocks, brackets, parentheses, strings, templates and unary operators nest more than %d levels deep here, the limit of the configuration language; the file was not parsed.", MaxNestingDepth)}
	errTooLong = &limitError{"Expression too long", fmt.Sprintf(
		"This expression chains more than %d operators, the limit on one expression; split it up.", MaxExpressionOperators)}
	errNumberTooLong = &limitError{"Number too long", fmt.Sprintf(
		"This number is longer than %d characters, the limit on one number; the file was not parsed.", MaxNumberLength)}
	errTemplateTooLong = &limitError{"String too long", fmt.Sprintf(
		"This string or heredoc has more than %d parts (lines of a heredoc, interpolations, directives and the text between them), the limit on one string; the file was not parsed. Split it into several strings.", MaxTemplateParts)}
)

// level is one open nesting level of scanTokens.
type level struct {
	ops int // operators chained so far in the current expression
	// newlineEnds is set where a newline ends an expression: at the top level and
	// directly inside braces (a block body, an object). Inside brackets,
	// parentheses and template sequences the parser reads past newlines.
	newlineEnds bool
}

// scanTokens reads a file's tokens from next (which returns TokenEOF at the end):
// it collects the comments, hands each token to the piece planner (if any), and
// reports the first token where nesting exceeds MaxNestingDepth, one expression
// chains more than MaxExpressionOperators operators, or one string or heredoc holds
// more than MaxTemplateParts parts (over is nil when within the limits). The lexer
// does not recurse, the parser would: this runs first.
func scanTokens(src []byte, next func() scanTok, planner *piecePlanner) (sc scanned, bad scanTok, over *limitError) {
	depth := 0
	unary := 0                             // consecutive unary operators just before the current token
	levels := []level{{newlineEnds: true}} // per open level: len(levels) == depth+1 always
	var controls []bool                    // per open template directive: %{ if|for } opened a body
	var templates []int                    // parts so far of each open string and heredoc (innermost last)
	prevOperand := false                   // the previous token ends an operand (so "-" is binary)
	countOp := func() bool {               // counts one operator at the current level; false when over the limit
		levels[len(levels)-1].ops++
		return levels[len(levels)-1].ops <= MaxExpressionOperators
	}
	tok := next()
	for tok.typ != hclsyntax.TokenEOF {
		following := next()
		isUnary := (tok.typ == hclsyntax.TokenBang || tok.typ == hclsyntax.TokenMinus) && !prevOperand
		if isUnary {
			unary++
		} else {
			unary = 0
		}
		switch tok.typ {
		case hclsyntax.TokenQuotedLit, hclsyntax.TokenStringLit, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			// One part of the innermost template: hclsyntax joins adjacent literal
			// parts at a cost of the number of parts each time.
			if n := len(templates); n > 0 {
				templates[n-1]++
				if templates[n-1] > MaxTemplateParts {
					return scanned{}, tok, errTemplateTooLong
				}
			}
		}
		if tok.typ == hclsyntax.TokenNumberLit && tok.end-tok.start > MaxNumberLength {
			// hclsyntax converts a number in time superlinear in its length.
			return scanned{}, tok, errNumberTooLong
		}
		switch tok.typ {
		case hclsyntax.TokenComment:
			sc.comments = append(sc.comments, span{tok.start, tok.end})
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if tok.typ == hclsyntax.TokenOBrack && following.typ == hclsyntax.TokenStar && !countOp() {
				// A full splat ("[*]"): the parser reads the rest of the traversal
				// recursively, so each counts as an operator of the expression.
				return scanned{}, tok, errTooLong
			}
			if tok.typ == hclsyntax.TokenOQuote || tok.typ == hclsyntax.TokenOHeredoc {
				templates = append(templates, 0)
			}
			depth++
			levels = append(levels, level{newlineEnds: tok.typ == hclsyntax.TokenOBrace})
			if tok.typ == hclsyntax.TokenTemplateControl && following.typ == hclsyntax.TokenIdent {
				switch string(src[following.start:following.end]) {
				case "if", "for":
					controls = append(controls, true)
					depth++ // the directive's body is one level deeper
					levels = append(levels, level{})
				case "endif", "endfor":
					if len(controls) > 0 {
						controls = controls[:len(controls)-1]
						depth--
						levels = levels[:len(levels)-1]
					}
				}
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if depth > 0 {
				depth--
				levels = levels[:len(levels)-1]
			}
			if (tok.typ == hclsyntax.TokenCQuote || tok.typ == hclsyntax.TokenCHeredoc) && len(templates) > 0 {
				templates = templates[:len(templates)-1]
			}
		case hclsyntax.TokenNewline:
			if l := &levels[len(levels)-1]; l.newlineEnds {
				l.ops = 0
			}
		case hclsyntax.TokenComma:
			levels[len(levels)-1].ops = 0
		case hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenPercent,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
			hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenQuestion:
			if !isUnary && !countOp() {
				return scanned{}, tok, errTooLong
			}
		}
		if depth+unary > MaxNestingDepth {
			return scanned{}, tok, errTooDeep
		}
		switch tok.typ {
		case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCParen, hclsyntax.TokenCBrack,
			hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			prevOperand = true
		default:
			prevOperand = false
		}
		if planner != nil {
			planner.add(tok)
		}
		tok = following
	}
	if planner != nil {
		sc.pieces = planner.pieces()
	}
	return sc, scanTok{}, nil
}

// tokenRanges gives the source ranges of tokens found by their byte offsets, with
// hclsyntax's lines and columns (columns count grapheme clusters): it lexes the file
// with hclsyntax when first asked, which only diagnostics need.
type tokenRanges struct {
	filename string
	src      []byte
	toks     hclsyntax.Tokens
}

// of is the range of the token that starts at start and ends at end.
func (r *tokenRanges) of(start, end int) hcl.Range {
	if r.toks == nil {
		r.toks, _ = hclsyntax.LexConfig(r.src, r.filename, hcl.InitialPos)
	}
	i := sort.Search(len(r.toks), func(i int) bool { return r.toks[i].Range.Start.Byte >= start })
	if i < len(r.toks) && r.toks[i].Range.Start.Byte == start {
		return r.toks[i].Range
	}
	return hcl.Range{Filename: r.filename, Start: posAt(r.src, start), End: posAt(r.src, end)}
}
