package handover

import (
	"strings"
	"unicode/utf8"
)

// md builds the Markdown document. Every piece of text that comes from the config or
// from live state goes through code or text, which escape it for a table cell.
type md struct {
	b strings.Builder
}

func (m *md) line(parts ...string) {
	for _, p := range parts {
		m.b.WriteString(p)
	}
	m.b.WriteByte('\n')
}

func (m *md) blank() { m.b.WriteByte('\n') }

// heading writes a heading followed by a blank line.
func (m *md) heading(level int, title string) {
	m.line(strings.Repeat("#", level), " ", title)
	m.blank()
}

// para writes a paragraph followed by a blank line.
func (m *md) para(parts ...string) {
	m.line(parts...)
	m.blank()
}

// table writes a GitHub-flavoured Markdown table. Cells must already be escaped.
func (m *md) table(header []string, rows [][]string) {
	m.line("| ", strings.Join(header, " | "), " |")
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
	}
	m.line("|", strings.Join(seps, "|"), "|")
	for _, r := range rows {
		m.line("| ", strings.Join(r, " | "), " |")
	}
	m.blank()
}

// oneLine turns any whitespace run that contains a line break into one space, so a
// value stays on its table row.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// code renders s as an inline code span that is safe in a table cell: the fence is
// longer than any run of backticks inside, and pipes are escaped (GitHub's table
// parser honours `\|` inside code spans).
func code(s string) string {
	if s == "" {
		return ""
	}
	s = oneLine(s)
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			if run > longest {
				longest = run
			}
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = strings.ReplaceAll(s, "|", `\|`)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// codeList renders several values as code spans separated by line breaks.
func codeList(values []string) string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = code(v)
	}
	return strings.Join(out, "<br>")
}

// markdownSpecial are the characters that format inline text (emphasis, code, links,
// strikethrough, GitHub's math, table cells); text escapes them. Block-level markers
// (#, -, +, digits) matter only at the start of a line, where text is never placed.
const markdownSpecial = "\\`*_[]|~$"

// text escapes s as plain Markdown text (no formatting, no HTML, safe in a table
// cell).
func text(s string) string {
	s = oneLine(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '&':
			b.WriteString("&amp;")
		case r < utf8.RuneSelf && strings.ContainsRune(markdownSpecial, r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// orDash returns s, or "—" when s is empty (an empty table cell reads as missing data).
func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// mermaidEscaper escapes what a quoted Mermaid label cannot hold (built once: a
// Replacer builds its tables on first use, which costs more than the replacing).
var mermaidEscaper = strings.NewReplacer(
	"#", "#35;",
	`"`, "#quot;",
	"<", "#lt;",
	">", "#gt;",
	"`", "#96;",
	"|", "#124;",
)

// mermaidLabel escapes a label for a quoted Mermaid node or edge label.
func mermaidLabel(s string) string {
	return mermaidEscaper.Replace(oneLine(s))
}

// mermaidID turns a label into a node id: letters, digits and underscores, with a
// prefix so that it never collides with a Mermaid keyword ("end", "graph").
func mermaidID(prefix, s string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
