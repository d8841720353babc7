package schema

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// refCheckSource is the input-limit check on hclsyntax's tokens, as it was before
// the tokenizer (and the limits added since). The tests compare checkSource with it.
// It lexes the whole file with hclsyntax: quadratic on unclosed comments, so only
// for small inputs.
func refCheckSource(filename string, src []byte) hcl.Diagnostics {
	if len(src) > MaxConfigBytes {
		return hcl.Diagnostics{tooLargeDiag(filename, src)}
	}
	for i, r := range string(src) { // a range over a string yields utf8.RuneError, width 1, for each invalid byte
		if r == 0 || (r == utf8.RuneError && !bytes.HasPrefix(src[i:], []byte("\uFFFD"))) {
			toks, _ := hclsyntax.LexConfig(src[:i], filename, hcl.InitialPos)
			start := toks[len(toks)-1].Range.Start
			end := start
			end.Byte++
			end.Column++
			summary := "Invalid UTF-8"
			if r == 0 {
				summary = "NUL byte in configuration file"
			}
			return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Subject: &hcl.Range{Filename: filename, Start: start, End: end}}}
		}
	}
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Type == hclsyntax.TokenSlash && toks[i+1].Type == hclsyntax.TokenStar && toks[i+1].Range.Start.Byte == toks[i].Range.End.Byte {
			return hcl.Diagnostics{unclosedCommentDiag(filename, src, toks[i].Range.Start.Byte)}
		}
	}
	return refCheckNestingTokens(toks)
}

// refCheckNestingTokens is the reference nesting check on a file's tokens.
func refCheckNestingTokens(toks hclsyntax.Tokens) hcl.Diagnostics {
	depth := 0
	unary := 0                  // consecutive unary operators just before the current token
	ops := []int{0}             // operators chained so far, per open level: len(ops) == depth+1 always
	newlineEnds := []bool{true} // per open level: a newline ends an expression there
	var controls []bool         // per open template directive: %{ if|for } opened a body
	var templates []int         // parts of each open string and heredoc
	prevOperand := false        // the previous token ends an operand (so "-" is binary)
	push := func(nl bool) { ops = append(ops, 0); newlineEnds = append(newlineEnds, nl) }
	pop := func() { ops = ops[:len(ops)-1]; newlineEnds = newlineEnds[:len(newlineEnds)-1] }
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
		tooLong := func() hcl.Diagnostics {
			return over("Expression too long",
				"This expression chains more than %d operators, the limit on one expression; split it up.", MaxExpressionOperators)
		}
		switch tok.Type {
		case hclsyntax.TokenQuotedLit, hclsyntax.TokenStringLit, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if n := len(templates); n > 0 {
				if templates[n-1]++; templates[n-1] > MaxTemplateParts {
					return over("String too long",
						"This string or heredoc has more than %d parts (lines of a heredoc, interpolations, directives and the text between them), the limit on one string; the file was not parsed. Split it into several strings.", MaxTemplateParts)
				}
			}
		}
		if tok.Type == hclsyntax.TokenNumberLit && len(tok.Bytes) > MaxNumberLength {
			return over("Number too long", "This number is longer than %d characters, the limit on one number; the file was not parsed.", MaxNumberLength)
		}
		switch tok.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen, hclsyntax.TokenOQuote,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			if tok.Type == hclsyntax.TokenOBrack && i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenStar {
				if ops[len(ops)-1]++; ops[len(ops)-1] > MaxExpressionOperators {
					return tooLong()
				}
			}
			if tok.Type == hclsyntax.TokenOQuote || tok.Type == hclsyntax.TokenOHeredoc {
				templates = append(templates, 0)
			}
			depth++
			push(tok.Type == hclsyntax.TokenOBrace)
			if tok.Type == hclsyntax.TokenTemplateControl && i+1 < len(toks) && toks[i+1].Type == hclsyntax.TokenIdent {
				switch string(toks[i+1].Bytes) {
				case "if", "for":
					controls = append(controls, true)
					depth++ // the directive's body is one level deeper
					push(false)
				case "endif", "endfor":
					if len(controls) > 0 {
						controls = controls[:len(controls)-1]
						depth--
						pop()
					}
				}
			}
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen, hclsyntax.TokenCQuote,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			if depth > 0 {
				depth--
				pop()
			}
			if (tok.Type == hclsyntax.TokenCQuote || tok.Type == hclsyntax.TokenCHeredoc) && len(templates) > 0 {
				templates = templates[:len(templates)-1]
			}
		case hclsyntax.TokenNewline:
			if newlineEnds[len(newlineEnds)-1] {
				ops[len(ops)-1] = 0
			}
		case hclsyntax.TokenComma:
			ops[len(ops)-1] = 0
		case hclsyntax.TokenStar, hclsyntax.TokenSlash, hclsyntax.TokenPlus, hclsyntax.TokenMinus, hclsyntax.TokenPercent,
			hclsyntax.TokenEqualOp, hclsyntax.TokenNotEqual, hclsyntax.TokenLessThan, hclsyntax.TokenLessThanEq,
			hclsyntax.TokenGreaterThan, hclsyntax.TokenGreaterThanEq, hclsyntax.TokenAnd, hclsyntax.TokenOr, hclsyntax.TokenQuestion:
			if !isUnary {
				ops[len(ops)-1]++
				if ops[len(ops)-1] > MaxExpressionOperators {
					return tooLong()
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

// limitsDiff describes how checkSource and refCheckSource differ on src ("" when
// they agree: the same diagnostic at the same range, or none).
func limitsDiff(src []byte) string {
	show := func(d hcl.Diagnostics) string {
		if len(d) == 0 {
			return "none"
		}
		return fmt.Sprintf("%q at %s (%d-%d)", d[0].Summary, d[0].Subject, d[0].Subject.Start.Byte, d[0].Subject.End.Byte)
	}
	got, want := checkSource("x.hcl", src), refCheckSource("x.hcl", src)
	if g, w := show(got), show(want); g != w || len(got) != len(want) {
		return fmt.Sprintf("checkSource %s, reference %s", g, w)
	}
	return ""
}

func TestLimitsMatchReference(t *testing.T) {
	srcs := []string{
		"x = " + strings.Repeat("(", 200) + "1" + strings.Repeat(")", 200),
		"x = " + strings.Repeat("!", 200) + "true",
		"x = 1" + strings.Repeat(" + 1", 1200),
		"x = <<EOT\n" + strings.Repeat("%{ if true }", 60) + "\nEOT\n",
		"x = \"" + strings.Repeat("${\"", 60) + "\"",
		"x = é" + strings.Repeat("(", 200), // beyond ASCII: lexed by hclsyntax
		"# é\nx = " + strings.Repeat("[", 200),
		"x = \"é\"\ny = " + strings.Repeat("{", 200),
		"x = a" + strings.Repeat("[*]", 1200),
		"x = (1" + strings.Repeat("\n+ 1", 1200) + ")",
		"x = {\n" + strings.Repeat("a = 1 + 1\n", 1200) + "}",
		"x = \"" + strings.Repeat("$", 1200) + "\"",
		"x = <<EOT\n" + strings.Repeat("a\n", 1200) + "EOT\n",
		"x = <<EOT\n" + strings.Repeat("$${\n", 1200) + "EOT\n",
		"x = \"" + strings.Repeat("%%{~", 1200) + "\"",
		"x = \"" + strings.Repeat("${a}", 600) + "\"",
		"x = <<EOT\n" + strings.Repeat("%{ if a }b%{ endif }", 400) + "\nEOT\n",
		"x = [/*a, /*a]\n", "é = 1 /*", "é = \"/*\"\n",
		"x = \"a\x00b\"\n", "x = 1 # \xff\n", "é = <<EOT\nè\r\n\u0301\xc3\nEOT\n", "/* a\n\x00", "\xef\xbb\xbfx = 1\x00",
		"x = \"\u0301\u0301\x00", "# é\rè\n\x00", "x = <<EOT\né\rè\nEOT\n\x00", "/* é\r\n\rè */ \x00", "x = \"e\u0301\u0301\" #\u0301\r\xff", "x = 1" + strings.Repeat("0", MaxNumberLength), "x = 1." + strings.Repeat("0", MaxNumberLength-2) + "\ny = 1e" + strings.Repeat("9", MaxNumberLength),
	}
	for _, src := range srcs {
		if d := limitsDiff([]byte(src)); d != "" {
			t.Errorf("%.60q: %s", src, d)
		}
	}
}

// FuzzLimitsMatchReference: checkSource gives the reference check's diagnostic on
// any input.
func FuzzLimitsMatchReference(f *testing.F) {
	f.Add([]byte("x = " + strings.Repeat("(", 101) + "1" + strings.Repeat(")", 101)))
	f.Add([]byte("x = <<EOT\n%{ if a }${b}%{ endif }\nEOT\n"))
	f.Add([]byte("x = 1 + 2 - -3 * !a\n"))
	f.Add([]byte("x = a[*][*].b\ny = (1\n+ 2)\nz = \"$$${a}%\"\n/*"))
	f.Add([]byte("é = \"e\u0301\r\n\u0301\" # \r\u0301\n/*\x00\xff"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := limitsDiff(src); d != "" {
			t.Fatalf("%q: %s", src, d)
		}
	})
}
