package schema

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

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
func scanSource(filename string, src []byte) (scanned, hcl.Diagnostics) {
	if len(src) > MaxConfigBytes {
		return scanned{}, hcl.Diagnostics{tooLargeDiag(filename, src)}
	}
	tz := newTokenizer(src)
	sc, bad, over := scanTokens(src, tz.next, &piecePlanner{src: src})
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
	r := (&tokenRanges{filename: filename, src: src}).of(bad.start, bad.end)
	return scanned{}, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: over.summary, Detail: over.detail, Subject: &r}}
}

// limitError is a limit a file is over.
type limitError struct{ summary, detail string }

var (
	errTooDeep = &limitError{"Nesting too deep", fmt.Sprintf(
		"Blocks, brackets, parentheses, strings, templates and unary operators nest more than %d levels deep here, the limit of the configuration language; the file was not parsed.", MaxNestingDepth)}
	errTooLong = &limitError{"Expression too long", fmt.Sprintf(
		"This expression chains more than %d operators, the limit on one expression; split it up.", MaxExpressionOperators)}
)

// scanTokens reads a file's tokens from next (which returns TokenEOF at the end):
// it collects the comments, hands each token to the piece planner (if any), and
// reports the first token where nesting exceeds MaxNestingDepth or one expression
// chains more than MaxExpressionOperators operators (over is nil when within the
// limits). The lexer does not recurse, the parser would: this runs first.
func scanTokens(src []byte, next func() scanTok, planner *piecePlanner) (sc scanned, bad scanTok, over *limitError) {
	depth := 0
	unary := 0           // consecutive unary operators just before the current token
	ops := []int{0}      // operators chained so far, per open level: len(ops) == depth+1 always
	var controls []bool  // per open template directive: %{ if|for } opened a body
	prevOperand := false // the previous token ends an operand (so "-" is binary)
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
		case hclsyntax.TokenComment:
			sc.comments = append(sc.comments, span{tok.start, tok.end})
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
			ops = append(ops, 0)
			if tok.typ == hclsyntax.TokenTemplateControl && following.typ == hclsyntax.TokenIdent {
				switch string(src[following.start:following.end]) {
				case "if", "for":
					controls = append(controls, true)
					depth++ // the directive's body is one level deeper
					ops = append(ops, 0)
				case "endif", "endfor":
					if len(controls) > 0 {
						controls = controls[:len(controls)-1]
						depth--
						ops = ops[:len(ops)-1]
					}
				}
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if depth > 0 {
				depth--
				ops = ops[:len(ops)-1]
			}
		case hclsyntax.TokenNewline, hclsyntax.TokenComma:
			ops[len(ops)-1] = 0
		case hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenPercent,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
			hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenQuestion:
			if !isUnary {
				ops[len(ops)-1]++
				if ops[len(ops)-1] > MaxExpressionOperators {
					return scanned{}, tok, errTooLong
				}
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
