package schema

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// withPieceBytes runs f with parsePieceBytes set to n.
func withPieceBytes(n int, f func()) {
	old := parsePieceBytes
	parsePieceBytes = n
	defer func() { parsePieceBytes = old }()
	f()
}

// piecesDiff parses src in pieces (when the scan plans pieces and they parse) and
// whole, and describes how the trees differ ("" when they are the same or src is
// parsed whole). split reports whether it was parsed in pieces.
func piecesDiff(src []byte) (diff string, split bool) {
	sc, diags := scanSource("x.hcl", src)
	if diags.HasErrors() || sc.pieces == nil {
		return "", false
	}
	got := parsePieces("x.hcl", src, sc.pieces)
	if got == nil {
		return "", false
	}
	f, wdiags := hclsyntax.ParseConfig(src, "x.hcl", hcl.InitialPos)
	if len(wdiags) > 0 {
		return fmt.Sprintf("parsed in %d pieces without diagnostics, whole: %v", len(sc.pieces), wdiags), true
	}
	want := f.Body.(*hclsyntax.Body)
	if reflect.DeepEqual(got, want) {
		return "", true
	}
	return bodyDiff("body", got, want), true
}

// bodyDiff narrows a difference between two bodies down to a field.
func bodyDiff(path string, got, want *hclsyntax.Body) string {
	if got.SrcRange != want.SrcRange {
		return fmt.Sprintf("%s.SrcRange: got %#v, want %#v", path, got.SrcRange, want.SrcRange)
	}
	if got.EndRange != want.EndRange {
		return fmt.Sprintf("%s.EndRange: got %#v, want %#v", path, got.EndRange, want.EndRange)
	}
	if len(got.Blocks) != len(want.Blocks) || len(got.Attributes) != len(want.Attributes) {
		return fmt.Sprintf("%s: got %d blocks, %d arguments; want %d, %d", path, len(got.Blocks), len(got.Attributes), len(want.Blocks), len(want.Attributes))
	}
	for name, a := range want.Attributes {
		if !reflect.DeepEqual(got.Attributes[name], a) {
			return fmt.Sprintf("%s.%s differs: got %#v, want %#v", path, name, got.Attributes[name], a)
		}
	}
	for i, w := range want.Blocks {
		g := got.Blocks[i]
		p := fmt.Sprintf("%s.Blocks[%d]", path, i)
		if g.Type != w.Type || !reflect.DeepEqual(g.Labels, w.Labels) || g.TypeRange != w.TypeRange || !reflect.DeepEqual(g.LabelRanges, w.LabelRanges) {
			return fmt.Sprintf("%s header: got %#v, want %#v", p, g, w)
		}
		if g.OpenBraceRange != w.OpenBraceRange || g.CloseBraceRange != w.CloseBraceRange {
			return fmt.Sprintf("%s braces: got %v %v, want %v %v", p, g.OpenBraceRange, g.CloseBraceRange, w.OpenBraceRange, w.CloseBraceRange)
		}
		if d := bodyDiff(p, g.Body, w.Body); d != "" {
			return d
		}
	}
	if !reflect.DeepEqual(got, want) {
		return path + ": differs (unexported fields?)"
	}
	return ""
}

func piecesTestSources(t *testing.T) []string {
	srcs := []string{
		"zone \"a.example\" {\n  record \"www\" \"A\" { value = \"192.0.2.1\" }\n  record \"api\" \"A\" { value = \"192.0.2.2\" }\n}\n",
		"# lead\n\nzone \"a\" { # why\n  # c\n  record \"x\" \"A\" {\n    value = \"1\"\n  }\n\n  // d\n  x = 1 /* e */\n  /* f */ y = [\n    1,\n  ]\n  z = <<EOT\n}\n  EOT\n}\n# trail\n",
		"a {\n}\nb {\n\n}\nc = 1\nd \"l\" l2 {\n  e = 1\n}",
		"a {\n  b = 1\n} # c\nd {\n  e = 1\n}\r\n",
		"a {\r\n  b = 1\r\n  c = 2\r\n}\r\n",
		"\xef\xbb\xbfa {\n  b = 1\n  c = 2\n}\n",
		"a {\n  b = 1\n\t \t}\n",
		"a {\n  b = 1\n  c = 2\n}",
		"a {\n  b = 1\n  c = 2\n} ",
		"a {\n  b = 1\n  c = 2\n}\n\n\n",
		"a {\n  b = 1\n  c = 2\n}\n# x",
		"a {\n  b = 1\n  c = 2\n}\n/* x */",
		"a {\n  b = 1\n  c = 2\n}\n/* x */ ",
		"x = 1\ny = 2\nz = {\n  a = 1\n}\n",
		"a {\n  b = \"${c}\"\n  d = <<EOT\n  ${e}\n  EOT\n  f = \"%{ if g }h%{ endif }\"\n}\n",
		"a {\n  b {\n    c {\n      d = 1\n    }\n  }\n  e = 2\n}\n",
		"a {\n  \"b\" = 1\n}\n",           // error
		"a {\n  b = 1\n  b = 2\n}\n",      // error: redefined
		"a = 1\na = 2\n",                  // error
		"a {\n  b = 1 }\n",                // error
		"a {\n  b = 1\n}\n}\n",            // error
		"a {\n  b = 1\n  ]\n}\n",          // error
		"a \"x\" \"y\" {\n  b = 1\n}\n",   // labels
		"a \"x\\ty${z}\" {\n  b = 1\n}\n", // error: template in label
		"a {\n  b = 1\n  }c\n",            // error
		"a { /* c */\n  b = 1\n}\n",
		"a {\n  b = 1\n  /* c */ }\n",
		"a {\n  b = 1\n} /* c */\n",
		"variable \"v\" {\n  default = \"x\"\n}\nzone \"z\" {\n  provider = \"cloudflare\"\n  record \"a\" \"A\" { value = var.v }\n}\n",
	}
	paths, files := fixtureSources(t, "*")
	for _, p := range paths {
		srcs = append(srcs, string(files[p]))
	}
	srcs = append(srcs, string(recordsSource(3, 50)))
	return srcs
}

// TestParsePiecesMatchesWhole: a file parsed in pieces gives the tree hclsyntax gives
// for the whole file, cut at every item (parsePieceBytes 1) and at the default size.
func TestParsePiecesMatchesWhole(t *testing.T) {
	for _, n := range []int{1, 64, parsePieceBytes} {
		withPieceBytes(n, func() {
			split := 0
			for _, src := range piecesTestSources(t) {
				d, ok := piecesDiff([]byte(src))
				if d != "" {
					t.Errorf("pieces of %d bytes, %.60q: %s", n, src, d)
				}
				if ok {
					split++
				}
			}
			t.Logf("pieces of %d bytes: %d files parsed in pieces", n, split)
		})
	}
	// The big file is cut at the default size.
	src := recordsSource(9, 1000)
	if d, split := piecesDiff(src); d != "" || !split {
		t.Errorf("9 zones × 1,000 records: parsed in pieces %v, %s", split, d)
	}
}

// TestParseSourceFallsBack: where a piece has a syntax error, the file is parsed whole
// and the diagnostics are hclsyntax's for the whole file.
func TestParseSourceFallsBack(t *testing.T) {
	withPieceBytes(1, func() {
		for _, src := range []string{
			"a {\n  b = 1\n  b = 2\n}\n",
			"a = 1\nb {\n  c = 1\n}\na = 2\n",
			"a {\n  b = 1\n  c = \n}\n",
			"a {\n  b = 1\n}\nc {\n  d = [\n}\n",
		} {
			sc, _ := scanSource("x.hcl", []byte(src))
			_, got := parseSource("x.hcl", []byte(src), sc.pieces)
			_, want := hclsyntax.ParseConfig([]byte(src), "x.hcl", hcl.InitialPos)
			if !got.HasErrors() || got.Error() != want.Error() {
				t.Errorf("%q: got %v, want %v", src, got, want)
			}
		}
	})
}

// FuzzParsePiecesMatchesWhole: on any input, a file that parses cleanly in pieces
// (cut at every item) parses cleanly whole, to the same tree.
func FuzzParsePiecesMatchesWhole(f *testing.F) {
	f.Add([]byte("a {\n  b = 1\n  c {\n    d = 2\n  }\n}\ne = 3\n"))
	f.Add([]byte("zone \"z\" { # c\n  record \"a\" \"A\" { value = \"x\" }\n  // d\n}\n"))
	f.Add([]byte("a {\n  x = <<EOT\n  }\n  EOT\n}\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		withPieceBytes(1, func() {
			if d, _ := piecesDiff(src); d != "" {
				t.Fatalf("%q: %s", src, d)
			}
		})
	})
}

// randomHCL writes a random, mostly valid configuration: blocks with labels,
// nested blocks, arguments with heredocs, templates, lists and objects over several
// lines, comments of every kind, blank lines, CRLF line ends, tabs.
func randomHCL(r *rand.Rand) string {
	var b strings.Builder
	nl := func() string {
		if r.IntN(8) == 0 {
			return "\r\n"
		}
		return "\n"
	}
	ind := func(d int) string {
		if r.IntN(10) == 0 {
			return strings.Repeat("\t", d)
		}
		return strings.Repeat("  ", d)
	}
	comment := func() string {
		switch r.IntN(4) {
		case 0:
			return " # c"
		case 1:
			return " // c é"
		case 2:
			return " /* c */"
		}
		return ""
	}
	exprs := []string{`1`, `"x"`, `"a${b}c"`, `"%{ if a }b%{ endif }"`, `[1, 2]`, `{ a = 1 }`, `var.x`, `-1 + 2 * 3`, `a ? b : c`, `"é\\\"x"`}
	var body func(d int)
	attr := func(d int) {
		name := fmt.Sprintf("a%d", r.IntN(1000000))
		switch r.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "%s%s = <<EOT%s%s x ${y}%s%sEOT%s", ind(d), name, nl(), ind(d), nl(), ind(d), nl())
		case 1:
			fmt.Fprintf(&b, "%s%s = [%s%s1,%s%s]%s%s", ind(d), name, nl(), ind(d+1), nl(), ind(d), comment(), nl())
		default:
			fmt.Fprintf(&b, "%s%s = %s%s%s", ind(d), name, exprs[r.IntN(len(exprs))], comment(), nl())
		}
	}
	block := func(d int) {
		fmt.Fprintf(&b, "%sb%d", ind(d), r.IntN(3))
		for range r.IntN(3) {
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, " \"l%d\"", r.IntN(5))
			} else {
				fmt.Fprintf(&b, " l%d", r.IntN(5))
			}
		}
		if r.IntN(4) == 0 {
			fmt.Fprintf(&b, " { v = %s }%s%s", exprs[r.IntN(len(exprs))], comment(), nl())
			return
		}
		fmt.Fprintf(&b, " {%s%s", comment(), nl())
		body(d + 1)
		fmt.Fprintf(&b, "%s}%s%s", ind(d), comment(), nl())
	}
	body = func(d int) {
		for range r.IntN(8 - min(d, 3)*2) {
			switch r.IntN(6) {
			case 0:
				b.WriteString(nl())
			case 1:
				fmt.Fprintf(&b, "%s# note%s", ind(d), nl())
			case 2, 3:
				if d < 3 {
					block(d)
					continue
				}
				attr(d)
			default:
				attr(d)
			}
		}
	}
	body(0)
	return b.String()
}

// TestParsePiecesRandom compares pieces and whole on random configurations.
func TestParsePiecesRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	split := 0
	withPieceBytes(1, func() {
		for range 3000 {
			src := randomHCL(r)
			d, ok := piecesDiff([]byte(src))
			if d != "" {
				t.Fatalf("%q: %s", src, d)
			}
			if ok {
				split++
			}
		}
	})
	t.Logf("%d of 3000 parsed in pieces", split)
	if split < 1000 {
		t.Errorf("only %d of 3000 random files were parsed in pieces", split)
	}
}
