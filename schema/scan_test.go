package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// literalTypes are the token types whose text the tokenizer may cut at other places
// than hclsyntax does; adjacent tokens of one such type are compared joined.
var literalTypes = map[hclsyntax.TokenType]bool{
	hclsyntax.TokenQuotedLit: true, hclsyntax.TokenStringLit: true,
}

func joinLiterals(toks []scanTok) []scanTok {
	var out []scanTok
	for _, t := range toks {
		if n := len(out); n > 0 && literalTypes[t.typ] && out[n-1].typ == t.typ && out[n-1].end == t.start {
			out[n-1].end = t.end
			continue
		}
		out = append(out, t)
	}
	return out
}

func lexerTokens(src []byte) []scanTok {
	toks, _ := hclsyntax.LexConfig(src, "x.hcl", hcl.InitialPos)
	out := make([]scanTok, len(toks))
	for i, t := range toks {
		out[i] = scanTok{t.Type, t.Range.Start.Byte, t.Range.End.Byte}
	}
	return joinLiterals(out)
}

// tokenizerTokens is the tokenizer's tokens of src; unsure when it left src to the
// lexer.
func tokenizerTokens(src []byte) (toks []scanTok, unsure bool) {
	tz := newTokenizer(src)
	var out []scanTok
	for {
		t := tz.next()
		out = append(out, t)
		if t.typ == hclsyntax.TokenEOF {
			break
		}
		if len(out) > 4*len(src)+10 {
			panic(fmt.Sprintf("tokenizer does not advance at %d", tz.p))
		}
	}
	return joinLiterals(out), tz.unsure
}

// lexerUnclosedComment is the offset of the first "/*" that hclsyntax's lexer does
// not read as a comment (it gives "/" and "*" there), or -1.
func lexerUnclosedComment(src []byte) int {
	toks, _ := hclsyntax.LexConfig(src, "x.hcl", hcl.InitialPos)
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].Type == hclsyntax.TokenSlash && toks[i+1].Type == hclsyntax.TokenStar && toks[i+1].Range.Start.Byte == toks[i].Range.End.Byte {
			return toks[i].Range.Start.Byte
		}
	}
	return -1
}

// tokensDiff describes the first difference between the two token streams of src,
// or between unclosedComment and hclsyntax's lexer (which also must refuse a file
// with an unclosed comment). The token streams are not compared when the tokenizer
// leaves src to the lexer.
func tokensDiff(src []byte) string {
	if got, want := unclosedComment(src), lexerUnclosedComment(src); got != want {
		return fmt.Sprintf("unclosed comment at %d, hclsyntax's at %d", got, want)
	} else if want >= 0 {
		if _, diags := hclsyntax.ParseConfig(src, "x.hcl", hcl.InitialPos); !diags.HasErrors() {
			return fmt.Sprintf("hclsyntax parses the file with an unclosed comment at %d", want)
		}
	}
	got, unsure := tokenizerTokens(src)
	if unsure {
		return ""
	}
	want := lexerTokens(src)
	for i := 0; i < len(want) || i < len(got); i++ {
		var w, g scanTok
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = got[i]
		}
		if w != g {
			show := func(t scanTok) string {
				if t.typ == 0 {
					return "none"
				}
				return fmt.Sprintf("%s %q [%d:%d]", t.typ, src[t.start:t.end], t.start, t.end)
			}
			return fmt.Sprintf("token %d: hclsyntax %s, tokenizer %s", i, show(w), show(g))
		}
	}
	return ""
}

func TestTokenizerMatchesLexer(t *testing.T) {
	srcs := []string{
		"", " ", "\n", "\r\n", "\r", "x", "x = 1\n", "\xef\xbb\xbfx = 1\n", "x\xef\xbb\xbf",
		`x = "a$"b`, `x = "$"`, `x = "%"`, `x = "abc$`, `x = "abc%`, `x = "\`, `x = "\"`, `x = "\${"`, `x = "$${x}"`, `x = "%%{ x }"`,
		`x = "${a}${b}%{if c}d%{endif}"`, `x = "${~ a ~}"`, `x = "${ {a = 1}.a }"`, `x = "${"`, "x = \"a\nb\"", "x = \"a\r\rb\"",
		"x = \"\\\n\"", "x = \"\x80\"", "x = \"\xc3\xa9\"", "x = \"\\\xc3\xa9\"", "x = \"\\\x80\"",
		"/* abc (", "/* a */ b", "/*/ x */", "# c\nx", "// c\r\nx", "#", "x = 1 # c", "a /", "a //", "/",
		"x = <<EOT\na$\nEOT\n", "x = <<EOT\nEOT\n", "x = <<-EOT\n  a\n  EOT\n", "x = <<EOT\r\na\r\nEOT\r\n", "x = <<EOT x\n",
		"x = <<EOT", "x = <<EOT\n", "x = <<EOT\nabc", "x = <<EOT\n${a}EOT\nEOT\n", "x = <<EOT\n\x80EOT\n", "x = <<EOT\na\rb\nEOT\n",
		"x = <<EOT\n$", "x = <<EOT\n%", "x = <<EOT\n$$", "x = <<EOT\n$${a}\nEOT\n", "x = <<EOT\n%{ if a }b%{ endif }\nEOT\n",
		"x = <<A\n${<<B\nb\nB\n}\nA\n", "x = <<EOT\n\u00a0EOT\u00a0\nEOT\n", "x = <<EOTé\n(((\n", "x = <<é\na\né\n", "x = <<_\n_\n",
		"x = <<EOT-\nEOT-\n", "x = <<--x\n", "<<", "<<-", "x << y", "x <<= y",
		"1", "1.5", "1.", "1..", "1...", "1.e5", "1e", "1e+", "1e+5", "1E-5x", "1.5.x", "12ab", "0x1f", ".5",
		"a-b", "a--", "a->b", "_a", "é", "aé", "éa", "a\u0301", "\u0301", "a\u200d", "日本 = 1", "x = ∞",
		"== != >= <= && || :: ... => = ! > < & | : . , * / % + - ? ^ ; ` ' ~ ~} } { [ ] ( ) $ @ \\",
		"x = !!!true", "x = - -1", "a {\n}\n", "} } }", "~}", "\"${}~}\"", "\"${ ~} }\"",
		"\t x\t=\t1", "x = \"\t\"", "\x00", "\x7f", "\xff", "\xc3", "\xc3(", "\xe2\x82", "\xf0\x9f\x92\xa9", "\xf8\x88\x80\x80",
		"x = \"%{ for a in b }${a}%{ endfor }\"", "%{", "${", "\"%{", "\"${", "<<EOT\n%{for)}\nEOT\n",
		"/*", "/* a", "a /*", "/*/", "/* */ /*", "x = \"/*\"", "x = \"${ /* }\"", "x = <<EOT\n/*\nEOT\n", "x = <<EOT\n${/*}\nEOT\n",
		"# /*\n", "// /*\n", "x = 4 /*2", "x = [/*a, /*a]", "/*,/*,/*,", "é /*", "é = \"/*\"", "x = <<é\n/*\né\n/*",
		"x = <<EOTé\n/*\n", "x = <<\u00a0\n/*\n", "x = <<a\u0301\n/*\na\u0301\n", "x = <<-é\n  /*\n  é\n", "x = <<\xc3\n/*\n",
		"x = <<a\xff\n/*", "\xef\xbb\xbf/*", "x = \"a\n/*", "x = \"a\\\n/*",
		"\xde/*0", "\xde\"/*\"", "x\xef\xbb\xbf/*", "x = <<\xde\n/*\n", "é" + strings.Repeat("é", 200) + "\xde/*",
	}
	paths, files := fixtureSources(t, "*")
	for _, p := range paths {
		srcs = append(srcs, string(files[p]))
	}
	fz, _ := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	for _, p := range fz {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := fuzzCorpusBytes(string(b)); ok {
			srcs = append(srcs, s)
		}
	}
	for _, src := range srcs {
		if d := tokensDiff([]byte(src)); d != "" {
			t.Errorf("%.80q: %s", src, d)
		}
	}
}

// fuzzCorpusBytes extracts the []byte value of a one-value fuzz corpus file.
func fuzzCorpusBytes(file string) (string, bool) {
	lines := strings.Split(file, "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
		return "", false
	}
	var s string
	if _, err := fmt.Sscanf(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"), "%q", &s); err != nil {
		return "", false
	}
	return s, true
}

// FuzzTokenizerMatchesLexer: on any input, the tokenizer and hclsyntax's lexer
// produce the same tokens (adjacent literal text joined).
func FuzzTokenizerMatchesLexer(f *testing.F) {
	for _, s := range []string{
		"x = \"${a}%{ if b }c%{ endif }\"\n", "x = <<EOT\n${a}\nEOT\n", "/* c */ # d\n", "x = 1.5e3 + -a.b[0]\n",
		"zone \"example.com\" {\n  record \"www\" \"A\" { value = \"192.0.2.1\" }\n}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := tokensDiff(src); d != "" {
			t.Fatalf("%q: %s", src, d)
		}
	})
}
