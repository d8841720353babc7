package plan

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// TextOptions tunes RenderText. The zero value renders plain, compact text.
type TextOptions struct {
	// Color adds ANSI colours. The caller decides (a TTY and no NO_COLOR).
	Color bool
	// Verbose lists unmanaged records and ownership-mark changes one by one instead of
	// counting them.
	Verbose bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// RenderText writes the plan for people, Terraform-like: per zone a header, then one
// block per change marked + (add), ~ (change), - (delete), <= (adopt) or . (no longer
// managed) with its fields as before → after, the ownership marks as one line, the
// records left alone, warnings, and finally the summary line.
func RenderText(w io.Writer, p *Plan, o TextOptions) error {
	bw := bufio.NewWriter(w)
	t := textWriter{w: bw, color: o.Color}
	for i := range p.Zones {
		z := &p.Zones[i]
		t.line(t.paint(ansiBold, fmt.Sprintf("zone %s (%s): %s", z.Zone, z.Provider, zoneCounts(z))))
		if note := statusNote(z); note != "" {
			t.line("  " + t.paint(ansiYellow+ansiBold, "Not active:") + " " + note)
		}
		for _, b := range changeBlocks(z) {
			t.block(b)
		}
		if l := markLine(z); l != "" {
			t.line("  " + t.paint(ansiDim, l))
			if o.Verbose {
				for _, d := range markDetails(z) {
					t.line("      " + t.paint(ansiDim, d))
				}
			}
		}
		if n := len(z.Unmanaged); n > 0 {
			l := unmanagedLine(n)
			if o.Verbose {
				l += ":"
			}
			t.line("  " + l)
			if o.Verbose {
				for _, r := range z.Unmanaged {
					t.line("      " + recordLine(r))
				}
			}
		}
		// Records an ignore entry covers are listed always: a user who wrote the
		// entry sees what it protects.
		if len(z.Ignored) > 0 {
			t.line("  " + ignoredLine(len(z.Ignored)) + ":")
			for _, r := range z.Ignored {
				t.line("      " + recordLine(r))
			}
		}
		if len(z.Foreign) > 0 {
			l := foreignLine(z.Foreign)
			if o.Verbose {
				l += ":"
			}
			t.line("  " + l)
			if o.Verbose {
				for _, f := range z.Foreign {
					t.line("      " + recordLine(f.Record) + " (" + f.Owner + ")")
				}
			}
		}
		if l := readOnlyLine(z); l != "" {
			t.line("  " + l + ":")
			for _, r := range z.ReadOnly {
				t.line("      " + recordLine(r))
			}
		}
		for _, warn := range z.Warnings {
			t.line("  " + t.paint(ansiYellow+ansiBold, "Warning:") + " " + warn)
		}
		if z.EmailChecked {
			if len(z.EmailFindings) == 0 {
				t.line("  email (checked through DNS as it will be after apply): no problem found")
			} else {
				t.line("  email (checked through DNS as it will be after apply):")
			}
			for _, f := range z.EmailFindings {
				code := ansiYellow
				if f.Severity == "error" {
					code = ansiRed + ansiBold
				}
				t.line("    " + t.paint(code, f.Severity) + " " + strings.TrimPrefix(f.String(), f.Severity+" "))
			}
		}
		t.line("")
	}
	t.line(t.paint(ansiBold, summaryLine(p)))
	if t.err != nil {
		return fmt.Errorf("writing plan: %w", t.err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing plan: %w", err)
	}
	return nil
}

type textWriter struct {
	w     *bufio.Writer
	color bool
	err   error
}

func (t *textWriter) line(s string) {
	if t.err != nil {
		return
	}
	_, t.err = t.w.WriteString(s + "\n")
}

func (t *textWriter) paint(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func markColor(mark string) string {
	switch mark {
	case markCreate:
		return ansiGreen
	case markDelete:
		return ansiRed
	case markUpdate:
		return ansiYellow
	case markAdopt:
		return ansiCyan
	}
	return ansiDim
}

func (t *textWriter) block(b block) {
	t.line(fmt.Sprintf("  %s %s", t.paint(markColor(b.mark), fmt.Sprintf("%-2s", b.mark)), b.title))
	for _, d := range b.details {
		switch {
		case d.depth <= 1 && strings.HasPrefix(d.text, "# "):
			t.line("      " + t.paint(ansiDim, d.text))
		case d.depth <= 1:
			t.line("      " + d.text)
		case d.sign != "":
			t.line("        " + t.paint(markColor(d.sign), d.sign+" "+d.text))
		default:
			t.line("          " + d.text)
		}
	}
}
