package verify

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// ANSI colours of the statuses; every code has the same length so that tabwriter
// columns stay aligned with colour on.
var statusColor = map[Status]string{
	Pass: "\x1b[32m", // green
	Warn: "\x1b[33m", // yellow
	Fail: "\x1b[31m", // red
	Skip: "\x1b[90m", // grey
}

const colorReset = "\x1b[0m"

// RenderText writes the report as a table grouped by zone and check kind:
//
//	example.com
//	  dns
//	    PASS  nameservers  example.com  2 authoritative name servers: …
//
// then a summary line. A result whose Details carry a "chain" of more than one name
// (the email analysis: the include or CNAME path that leads to the finding) gets
// " (via a → b → c)" after its reason; a latency result with HTTP metrics gets the p95
// of the connection phases that took time (" [p95 dns 3.2, connect 12.5, tls 25.0,
// server 380.0 ms]"; phases at 0, e.g. on reused connections, are left out). color adds
// ANSI colours to the statuses (the CLI passes false when NO_COLOR is set or stdout is
// not a terminal).
func RenderText(w io.Writer, r *Report, color bool) error {
	ew := &errWriter{w: w}
	for i, z := range r.Zones {
		if i > 0 {
			ew.printf("\n")
		}
		ew.printf("%s\n", z.Zone)
		if len(z.Results) == 0 {
			ew.printf("  (nothing to check)\n")
			continue
		}
		var kind Kind
		var tw *tabwriter.Writer
		flush := func() {
			if tw != nil {
				if err := tw.Flush(); err != nil && ew.err == nil {
					ew.err = err
				}
			}
		}
		for _, res := range z.Results {
			if res.Kind != kind || tw == nil {
				flush()
				kind = res.Kind
				ew.printf("  %s\n", kind)
				tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
			}
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\n", statusLabel(res.Status, color), res.Check, res.Name, oneLine(res.Reason+viaChain(res)+latencyPhases(res)))
		}
		flush()
		ew.printf("  %s\n", summaryLine(z.Summary))
	}
	ew.printf("\n%s: %s\n", verdict(r), summaryLine(r.Summary))
	return ew.err
}

func statusLabel(s Status, color bool) string {
	label := strings.ToUpper(string(s))
	if !color {
		return label
	}
	c, ok := statusColor[s]
	if !ok {
		return label
	}
	return c + label + colorReset
}

func summaryLine(s Summary) string {
	warnings := "warnings"
	if s.Warn == 1 {
		warnings = "warning"
	}
	return fmt.Sprintf("%d passed, %d %s, %d failed, %d skipped", s.Pass, s.Warn, warnings, s.Fail, s.Skip)
}

func verdict(r *Report) string {
	switch {
	case r.Failed():
		return "FAILED"
	case r.Summary.Warn > 0:
		return "PASSED with warnings"
	}
	return "PASSED"
}

// viaChain renders Details["chain"] as " (via a → b → c)" when it names more than one
// step. The chain is []string when the report was built in memory and []any after a
// JSON round trip (ReadJSON); other shapes are ignored.
func viaChain(res Result) string {
	var chain []string
	switch c := res.Details["chain"].(type) {
	case []string:
		chain = c
	case []any:
		for _, v := range c {
			s, ok := v.(string)
			if !ok {
				return ""
			}
			chain = append(chain, s)
		}
	}
	if len(chain) < 2 {
		return ""
	}
	return " (via " + strings.Join(chain, " → ") + ")"
}

// latencyPhases renders the p95 of the httptrace phases of a latency result, compactly:
// " [p95 dns 3.2, connect 12.5, tls 25.0, server 380.0 ms]". Phases whose p95 is 0 are
// left out (reused connections skip DNS, connect and TLS); "" when none took time.
func latencyPhases(res Result) string {
	if res.Check != CheckLatency || res.HTTP == nil {
		return ""
	}
	d := res.HTTP
	var parts []string
	for _, ph := range []struct {
		name string
		p    Percentiles
	}{{"dns", d.DNS}, {"connect", d.Connect}, {"tls", d.TLS}, {"server", d.Server}} {
		if ph.p.P95 > 0 {
			parts = append(parts, ph.name+" "+strconv.FormatFloat(ph.p.P95, 'f', 1, 64))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " [p95 " + strings.Join(parts, ", ") + " ms]"
}

// oneLine keeps a reason on its row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
