package schema

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
)

// valueError reports an invalid record value. A value of a presentation type (HTTPS,
// TLSA, …) that is wrong in one field gets a summary naming the field ("Invalid TLSA
// usage") and, when the value is a plain one-line string literal, a range on that field
// alone, so file:line:col points at it.
func (l *loader) valueError(typ string, e elem, err error) {
	summary, rng := "Invalid "+typ+" value", e.Range
	detail := strings.TrimSuffix(err.Error(), ".") + "."
	var fe *model.FieldError
	if errors.As(err, &fe) && fe.Field != "" {
		summary = "Invalid " + typ + " " + fe.Field
		rng = valueFieldRange(e.Range, e.Value, fe.Index)
		detail = strings.TrimSuffix(fe.Msg, ".") + "."
	}
	if t, ok := model.TypeInfo(typ); ok && t.Presentation {
		detail += fmt.Sprintf(" Write %s values as %s, e.g. %q.", typ, t.Fields, t.Example)
	}
	l.errorf(rng, summary, "%s", detail)
}

// valueFieldRange narrows rng (a string literal holding value) to the value's idx-th
// blank-separated field. It keeps rng when the literal is not exactly `"value"` on one
// line (escapes, templates, heredocs), or not ASCII, where columns and bytes differ.
func valueFieldRange(rng hcl.Range, value string, idx int) hcl.Range {
	if idx < 0 || rng.Start.Line != rng.End.Line || rng.End.Byte-rng.Start.Byte != len(value)+2 {
		return rng
	}
	for i := 0; i < len(value); i++ {
		if value[i] >= 0x80 {
			return rng
		}
	}
	start, end, n := -1, -1, -1
	inField := false
	for i := 0; i <= len(value); i++ {
		blank := i == len(value) || value[i] == ' ' || value[i] == '\t'
		switch {
		case !blank && !inField:
			inField = true
			n++
			if n == idx {
				start = i
			}
		case blank && inField:
			inField = false
			if n == idx {
				end = i
			}
		}
	}
	if start < 0 || end < 0 {
		return rng
	}
	r := rng
	r.Start.Byte, r.Start.Column = rng.Start.Byte+1+start, rng.Start.Column+1+start
	r.End.Byte, r.End.Column = rng.Start.Byte+1+end, rng.Start.Column+1+end
	return r
}
