package schema

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

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

// checkNesting scans src's tokens (the lexer does not recurse) and reports the first
// place where nesting exceeds MaxNestingDepth or one expression chains more than
// MaxExpressionOperators operators; nil when within the limits. It runs before the
// parser, which would recurse that deep.
func checkNesting(filename string, src []byte) hcl.Diagnostics {
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return checkNestingTokens(toks)
}

// checkNestingTokens is checkNesting on a file's tokens, lexed once by the caller.
func checkNestingTokens(toks hclsyntax.Tokens) hcl.Diagnostics {
	depth := 0
	unary := 0           // consecutive unary operators just before the current token
	ops := []int{0}      // operators chained so far, per open level: len(ops) == depth+1 always
	var controls []bool  // per open template directive: %{ if|for } opened a body
	prevOperand := false // the previous token ends an operand (so "-" is binary)
	for i := 0; i < len(toks); i++ {
		tok := toks[i]
		over := func(summary, detail string, args ...any) hcl.Diagnostics {
			r := tok.Range
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(detail, args...), Subject: &r}}
		}
		isUnary := (tok.Type == hclsyntax.TokenBang || tok.Type == hclsyntax.TokenMinus) && !prevOperand
		if isUnary {
			unary++
		} else {
			unary = 0
		}
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
			ops = append(ops, 0)
			if tok.Type == hclsyntax.TokenTemplateControl && i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenIdent {
				switch string(toks[i+1].Bytes) {
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
					return over("Expression too long",
						"This expression chains more than %d operators, the limit on one expression; split it up.", MaxExpressionOperators)
				}
			}
		}
		if depth+unary > MaxNestingDepth {
			return over("Nesting too deep",
				"Blocks, brackets, parentheses, strings, templates and unary operators nest more than %d levels deep here, the limit of the configuration language; the file was not parsed.", MaxNestingDepth)
		}
		switch tok.Type {
		case hclsyntax.TokenIdent, hclsyntax.TokenNumberLit, hclsyntax.TokenCParen, hclsyntax.TokenCBrack,
			hclsyntax.TokenCBrace, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
			prevOperand = true
		default:
			prevOperand = false
		}
	}
	return nil
}

// checkSource applies every input limit to one file's bytes: the size (a file read
// with readLimited holds one byte more than the limit when over it) and, within it,
// the nesting depth.
func checkSource(filename string, src []byte) hcl.Diagnostics {
	_, diags := lexSource(filename, src)
	return diags
}

// lexSource is checkSource that also returns the file's tokens (nil when it is over
// the size limit), so the loader lexes each file once for its own checks.
func lexSource(filename string, src []byte) (hclsyntax.Tokens, hcl.Diagnostics) {
	if len(src) > MaxConfigBytes {
		return nil, hcl.Diagnostics{tooLargeDiag(filename, src)}
	}
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return toks, checkNestingTokens(toks)
}
