package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// refCheckSource is the input-limit check as it was before the tokenizer: on
// hclsyntax's tokens. The tests compare checkSource with it.
func refCheckSource(filename string, src []byte) hcl.Diagnostics {
	if len(src) > MaxConfigBytes {
		return hcl.Diagnostics{tooLargeDiag(filename, src)}
	}
	toks, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	return refCheckNestingTokens(toks)
}

// refCheckNestingTokens is the reference nesting check on a file's tokens.
func refCheckNestingTokens(toks hclsyntax.Tokens) hcl.Diagnostics {
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
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := limitsDiff(src); d != "" {
			t.Fatalf("%q: %s", src, d)
		}
	})
}
