package schema

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
)

// A value wrong in one field points at that field: file:line:col of the field inside
// the string, and a summary naming it.
func TestRecordValueFieldPosition(t *testing.T) {
	src := "zone \"example.com\" {\n" +
		"  record \"_25._tcp.mx\" \"TLSA\" { value = \"3 1 7 ABCD\" }\n" +
		"}\n"
	diags := loadDiags(t, src, Options{})
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %v", diags)
	}
	d := diags[0]
	line := strings.Split(src, "\n")[1]
	wantCol := strings.Index(line, "7 ABCD") + 1
	if d.Summary != "Invalid TLSA matching type" || d.Subject.Start.Line != 2 || d.Subject.Start.Column != wantCol || d.Subject.End.Column != wantCol+1 {
		t.Errorf("diagnostic %q at %d:%d-%d, want \"Invalid TLSA matching type\" at 2:%d-%d", d.Summary, d.Subject.Start.Line, d.Subject.Start.Column, d.Subject.End.Column, wantCol, wantCol+1)
	}
	if !strings.Contains(d.Detail, "SHA-256") || !strings.Contains(d.Detail, "e.g.") {
		t.Errorf("detail does not say what the field takes and give an example: %s", d.Detail)
	}
}

// Every type of the table loads with its example value (the README's table), on
// Cloudflare and on RFC 2136 where DNS carries it.
func TestEveryTypeExampleLoads(t *testing.T) {
	var b strings.Builder
	b.WriteString("zone \"example.com\" {\n")
	for i, ty := range model.AllTypes() {
		b.WriteString("  record \"r" + string(rune('a'+i)) + "\" \"" + ty.Name + "\" { value = " + quoteHCL(ty.Example) + " }\n")
	}
	b.WriteString("}\n")
	cfg := load(t, b.String(), Options{})
	if got := len(cfg.Zones[0].Records); got != len(model.RecordTypes) {
		t.Errorf("%d record sets loaded, want %d", got, len(model.RecordTypes))
	}
}

func quoteHCL(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
