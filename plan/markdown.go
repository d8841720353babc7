package plan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// RenderMarkdown writes the plan for a pull-request comment or an issue body: the
// summary line and a table of counts per zone first, then per zone a collapsible
// <details> section with the changes as a fenced diff block, the unmanaged records
// left alone and the warnings. The output depends only on the plan (deterministic),
// so a bot can compare it with its previous comment.
func RenderMarkdown(w io.Writer, p *Plan) error {
	bw := bufio.NewWriter(w)
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n\n", summaryLine(p))
	b.WriteString("| Zone | Provider | Add | Change | Delete | Adopt | No longer managed | Unmanaged | Warnings |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for i := range p.Zones {
		z := &p.Zones[i]
		s := z.Summary()
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %d | %d | %d | %d | %d |\n",
			mdCell(z.Zone), mdCell(z.Provider), s.Add, s.Change, s.Delete, s.Adopt, s.Forget, s.Unmanaged, len(z.Warnings))
	}
	// Email problems come before the details: a reviewer must see them unfolded.
	var findings []string
	for i := range p.Zones {
		for _, f := range p.Zones[i].EmailFindings {
			icon := ":warning:"
			if f.Severity == "error" {
				icon = ":x:"
			}
			findings = append(findings, fmt.Sprintf("- %s **%s** %s", icon, mdText(p.Zones[i].Zone), mdText(f.String())))
		}
	}
	if len(findings) > 0 {
		b.WriteString("\n**Email authentication** (checked through DNS as it will be after apply):\n\n")
		b.WriteString(strings.Join(findings, "\n") + "\n")
	}
	for i := range p.Zones {
		z := &p.Zones[i]
		if !z.HasChanges() && len(z.Unmanaged) == 0 && len(z.Warnings) == 0 && z.Status == "" && len(z.ReadOnly) == 0 {
			continue
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "<details><summary><b>%s</b> (%s): %s</summary>\n\n", htmlEscape(z.Zone), htmlEscape(z.Provider), htmlEscape(zoneCounts(z)))
		if note := statusNote(z); note != "" {
			fmt.Fprintf(&b, "> **Not active:** %s\n\n", htmlEscape(note))
		}
		if lines := diffLines(z); len(lines) > 0 {
			body := strings.Join(lines, "\n")
			fence := mdFence(body)
			fmt.Fprintf(&b, "%sdiff\n%s\n%s\n\n", fence, body, fence)
		}
		if l := markLine(z); l != "" {
			fmt.Fprintf(&b, "%s (TXT records at `_launchready.<name>` recording what launchready owns).\n\n", strings.ToUpper(l[:1])+l[1:])
		}
		if n := len(z.Unmanaged); n > 0 {
			fmt.Fprintf(&b, "**%s:**\n\n", strings.ToUpper(unmanagedLine(n)[:1])+unmanagedLine(n)[1:])
			for _, r := range z.Unmanaged {
				fmt.Fprintf(&b, "- %s\n", mdCode(recordLine(r)))
			}
			b.WriteString("\n")
			if n := len(z.Ignored); n > 0 {
				fmt.Fprintf(&b, "%s.\n\n", strings.ToUpper(ignoredLine(n)[:1])+ignoredLine(n)[1:])
			}
		}
		if l := readOnlyLine(z); l != "" {
			fmt.Fprintf(&b, "**%s:**\n\n", strings.ToUpper(l[:1])+l[1:])
			for _, r := range z.ReadOnly {
				fmt.Fprintf(&b, "- %s\n", mdCode(recordLine(r)))
			}
			b.WriteString("\n")
		}
		if len(z.Warnings) > 0 {
			b.WriteString("**Warnings:**\n\n")
			for _, warn := range z.Warnings {
				fmt.Fprintf(&b, "- :warning: %s\n", mdText(warn))
			}
			b.WriteString("\n")
		}
		b.WriteString("</details>\n")
	}
	if _, err := bw.WriteString(b.String()); err != nil {
		return fmt.Errorf("writing Markdown plan: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing Markdown plan: %w", err)
	}
	return nil
}

// diffLines renders a zone's changes for a ```diff block: the first column is "+" for
// everything added and "-" for everything removed, so GitHub colours them.
func diffLines(z *ZonePlan) []string {
	var out []string
	for _, b := range changeBlocks(z) {
		col := " "
		switch b.mark {
		case markCreate:
			col = "+"
		case markDelete:
			col = "-"
		}
		out = append(out, fmt.Sprintf("%-2s %s", b.mark, b.title))
		for _, d := range b.details {
			c := col
			if d.sign != "" {
				c = d.sign
			}
			switch {
			case d.depth <= 1:
				out = append(out, c+"     "+d.text)
			default:
				out = append(out, c+"         "+d.text)
			}
		}
	}
	return out
}

// mdFence returns a code fence longer than any run of backticks in body.
func mdFence(body string) string {
	return strings.Repeat("`", max(3, longestRun(body, '`')+1))
}

// mdCode renders s as inline code, with enough backticks to hold any in s.
func mdCode(s string) string {
	n := longestRun(s, '`')
	fence := strings.Repeat("`", n+1)
	if n > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// mdCell escapes a table cell.
func mdCell(s string) string { return strings.ReplaceAll(htmlEscape(s), "|", "\\|") }

// mdText escapes text so that it is shown as written (no accidental markup or HTML).
func mdText(s string) string {
	var b strings.Builder
	for _, r := range htmlEscape(s) {
		if strings.ContainsRune("\\`*_[]#|~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

var htmlReplacer = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func htmlEscape(s string) string { return htmlReplacer.Replace(s) }
