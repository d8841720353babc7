package schema

import (
	"flag"
	"testing"
)

var exhaustive = flag.Int("tokenizer.exhaustive", 0, "TestTokenizerExhaustive: compare every input of up to this many symbols")

// TestTokenizerExhaustive compares the tokenizer with hclsyntax's lexer on every
// string of up to -tokenizer.exhaustive symbols of a small alphabet of the
// characters that matter, in expression, string and heredoc context (slow: off by
// default; 5 takes about a minute).
func TestTokenizerExhaustive(t *testing.T) {
	n := *exhaustive
	if n == 0 {
		t.Skip("-tokenizer.exhaustive not set")
	}
	alphabet := []string{"$", "%", "{", "}", "~", "\\", "\"", "\n", "\r", "x", " ", "\xf2", "\x80", "A", "<<A\n", "#", "/", "*"}
	contexts := []string{"", "x = \"", "x = <<A\n", "x = \"${", "x = <<A\n${", "x = <<A\n%{ if a }", "x = \"%{ for a in b }"}
	fails := 0
	var rec func(prefix string, depth int)
	rec = func(prefix string, depth int) {
		for _, ctx := range contexts {
			src := []byte(ctx + prefix)
			if d := tokensDiff(src); d != "" {
				fails++
				if fails <= 30 {
					t.Errorf("%q: %s", src, d)
				}
			}
			src = append(src, "\nA\n"...)
			if d := tokensDiff(src); d != "" {
				fails++
				if fails <= 30 {
					t.Errorf("%q: %s", src, d)
				}
			}
		}
		if depth == n {
			return
		}
		for _, a := range alphabet {
			rec(prefix+a, depth+1)
		}
	}
	rec("", 0)
	if fails > 0 {
		t.Errorf("%d inputs differ", fails)
	}
}
