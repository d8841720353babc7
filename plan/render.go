package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
)

// This file turns changes into display blocks shared by the text and Markdown
// renderers, so both show the same thing.

// Change marks, Terraform-like.
const (
	markCreate = "+"
	markUpdate = "~"
	markDelete = "-"
	markAdopt  = "<="
	markForget = "."
)

// block is one change as display lines.
type block struct {
	mark    string
	title   string
	details []detail
}

// detail is one line under a change: a field (depth 1) or a value of a list (depth 2,
// with sign "+", "-" or "" for unchanged).
type detail struct {
	depth int
	sign  string
	text  string
}

func actionMark(a Action) string {
	switch a {
	case ActionCreate:
		return markCreate
	case ActionDelete:
		return markDelete
	case ActionAdopt:
		return markAdopt
	case ActionForget:
		return markForget
	}
	return markUpdate
}

// summaryLine is the plan's one-line summary.
func summaryLine(p *Plan) string {
	s := p.Summary()
	if !p.HasChanges() {
		return fmt.Sprintf("No changes. Live state matches launch.hcl (%d unmanaged left alone).", s.Unmanaged)
	}
	line := fmt.Sprintf("Plan: %d to add, %d to change, %d to delete, %d unmanaged left alone", s.Add, s.Change, s.Delete, s.Unmanaged)
	if s.Adopt > 0 {
		line += fmt.Sprintf(", %d to adopt", s.Adopt)
	}
	if s.Forget > 0 {
		line += fmt.Sprintf(", %d no longer managed", s.Forget)
	}
	return line + "."
}

// zoneCounts is a zone's counts for its header ("2 to add, 1 to change").
func zoneCounts(z *ZonePlan) string {
	s := z.Summary()
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	add(s.Add, "to add")
	add(s.Change, "to change")
	add(s.Delete, "to delete")
	add(s.Adopt, "to adopt")
	add(s.Forget, "no longer managed")
	if len(parts) == 0 {
		if z.HasChanges() {
			return "ownership marks only"
		}
		return "no changes"
	}
	return strings.Join(parts, ", ")
}

// markLine is the compact line for ownership-mark writes ("" when there are none).
func markLine(z *ZonePlan) string {
	write, del := z.markOpCounts()
	if write == 0 && del == 0 && z.Migrated == 0 {
		return ""
	}
	var parts []string
	if z.Migrated > 0 {
		parts = append(parts, fmt.Sprintf("migrate %d records from TXT marks to %s markers in their comments", z.Migrated, markerOf(z)))
	}
	if write > 0 {
		parts = append(parts, fmt.Sprintf("%d to write", write))
	}
	if del > 0 {
		parts = append(parts, fmt.Sprintf("%d to delete", del))
	}
	return "ownership marks: " + strings.Join(parts, ", ")
}

func markerOf(z *ZonePlan) string {
	o := z.Owner
	if o == "" {
		o = "default"
	}
	return "[launchready:" + o + "]"
}

// foreignLine counts other owners' records: "4 records owned by other launch.hcl
// files left alone (marketing: 3, shop: 1)".
func foreignLine(fs []ForeignRecord) string {
	counts := map[string]int{}
	var owners []string
	for _, f := range fs {
		if counts[f.Owner] == 0 {
			owners = append(owners, f.Owner)
		}
		counts[f.Owner]++
	}
	sort.Strings(owners)
	var parts []string
	for _, o := range owners {
		parts = append(parts, fmt.Sprintf("%s: %d", o, counts[o]))
	}
	noun := "records"
	if len(fs) == 1 {
		noun = "record"
	}
	return fmt.Sprintf("%d %s owned by other launch.hcl files left alone (%s)", len(fs), noun, strings.Join(parts, ", "))
}

func unmanagedLine(n int) string {
	if n == 1 {
		return "1 unmanaged record left alone"
	}
	return fmt.Sprintf("%d unmanaged records left alone", n)
}

// recordLine shows a live record: "name TYPE value".
func recordLine(r model.Record) string {
	return fmt.Sprintf("%s %s %s", r.Name, r.Type, displayValue(r.Type, r.Value))
}

// displayValue quotes TXT values so that spaces and emptiness are visible.
func displayValue(typ, v string) string {
	if typ == "TXT" {
		return strconv.Quote(v)
	}
	return v
}

// changeBlocks turns a zone's changes into blocks (ownership marks excluded: they
// appear as one compact line).
func changeBlocks(z *ZonePlan) []block {
	var out []block
	for _, c := range z.Changes {
		if c.Kind == KindOwnership {
			continue
		}
		out = append(out, changeBlock(c))
	}
	return out
}

func changeBlock(c Change) block {
	b := block{mark: actionMark(c.Action), title: changeTitle(c)}
	switch c.Kind {
	case KindRecord, KindEmail:
		b.details = rrsetDetails(c)
	default:
		for _, f := range c.Fields {
			b.details = append(b.details, detail{depth: 1, text: fieldText(c.Action, f)})
		}
	}
	if c.Reason != "" {
		b.details = append(b.details, detail{depth: 1, text: "# " + c.Reason})
	}
	return b
}

// changeTitle names a change's object ("app.example.com CNAME", "setting ssl",
// "redirect www-to-apex"). An adoption says so, and says whether the object itself
// changes: adopting an identical record or rule only takes ownership.
func changeTitle(c Change) string {
	var title string
	var notes []string
	switch c.Kind {
	case KindEmail:
		title, notes = c.Key, []string{"email"}
	case KindSetting:
		title = "setting " + c.Key
	case KindRedirect, KindCache:
		if !strings.HasPrefix(c.Key, model.RefPrefix) {
			title = string(c.Kind) + " rule order"
			break
		}
		title = string(c.Kind) + " " + strings.TrimPrefix(c.Key, model.RefPrefix+string(c.Kind)+":")
	default:
		title = c.Key
	}
	if c.Action == ActionAdopt {
		title = "adopt " + title
		notes = append(notes, adoptNote(c))
	}
	if len(notes) > 0 {
		title += " (" + strings.Join(notes, "; ") + ")"
	}
	return title
}

// adoptNote says what adopting changes. A rule's description is launchready's once
// adopted (shown as a field), which does not change what the rule does.
func adoptNote(c Change) string {
	const owns = "launchready takes ownership"
	for _, f := range c.Fields {
		if f.Field != "description" || c.Kind != KindRedirect && c.Kind != KindCache {
			return owns + " and changes it as shown"
		}
	}
	switch {
	case c.Kind == KindRedirect || c.Kind == KindCache:
		return "what the rule does is unchanged; " + owns
	case c.Before != nil && c.Before.RRSet != nil && len(c.Before.RRSet.Values) > 1:
		return "no change to the records; " + owns
	}
	return "no change to the record; " + owns
}

// rrsetDetails shows a record set change: its values (as a list with +/- when they
// change), then the other fields.
func rrsetDetails(c Change) []detail {
	var before, after []string
	typ := ""
	if c.Before != nil && c.Before.RRSet != nil {
		before, typ = c.Before.RRSet.Values, c.Before.RRSet.Type
	}
	if c.After != nil && c.After.RRSet != nil {
		after, typ = c.After.RRSet.Values, c.After.RRSet.Type
	}
	var out []detail
	switch c.Action {
	case ActionCreate:
		out = valueList(typ, after)
	case ActionDelete:
		out = valueList(typ, before)
	default:
		if valuesField(c) {
			out = append(out, detail{depth: 1, text: "values:"})
			out = append(out, valueDiff(typ, before, after)...)
		}
	}
	for _, f := range c.Fields {
		if f.Field == "values" {
			continue
		}
		out = append(out, detail{depth: 1, text: fieldText(c.Action, f)})
	}
	return out
}

func valuesField(c Change) bool {
	for _, f := range c.Fields {
		if f.Field == "values" {
			return true
		}
	}
	return false
}

func valueList(typ string, values []string) []detail {
	if len(values) == 1 {
		return []detail{{depth: 1, text: "values: " + displayValue(typ, values[0])}}
	}
	out := []detail{{depth: 1, text: "values:"}}
	for _, v := range values {
		out = append(out, detail{depth: 2, text: displayValue(typ, v)})
	}
	return out
}

// valueDiff lists removed values, added values, then unchanged ones (a multiset diff:
// a duplicated live value reduced to one shows one removal).
func valueDiff(typ string, before, after []string) []detail {
	remaining := map[string]int{}
	for _, v := range after {
		remaining[v]++
	}
	var removed, kept, added []string
	for _, v := range before {
		if remaining[v] > 0 {
			remaining[v]--
			kept = append(kept, v)
		} else {
			removed = append(removed, v)
		}
	}
	for _, v := range after {
		if remaining[v] > 0 {
			remaining[v]--
			added = append(added, v)
		}
	}
	var out []detail
	for _, v := range removed {
		out = append(out, detail{depth: 2, sign: "-", text: displayValue(typ, v)})
	}
	for _, v := range added {
		out = append(out, detail{depth: 2, sign: "+", text: displayValue(typ, v)})
	}
	for _, v := range kept {
		out = append(out, detail{depth: 2, text: displayValue(typ, v)})
	}
	return out
}

// quotedFields are shown quoted, so that an empty or space-padded value is visible.
var quotedFields = map[string]bool{"comment": true, "description": true, "expression": true}

func fieldValue(field, v string) string {
	if quotedFields[field] {
		return strconv.Quote(v)
	}
	if v == "" {
		return "(none)"
	}
	return v
}

// fieldText shows one field: "ttl: 300 → 600", or only the new (old) value for a
// created (deleted) object.
func fieldText(a Action, f FieldChange) string {
	switch a {
	case ActionCreate:
		return f.Field + ": " + fieldValue(f.Field, f.After)
	case ActionDelete, ActionForget:
		return f.Field + ": " + fieldValue(f.Field, f.Before)
	}
	return f.Field + ": " + fieldValue(f.Field, f.Before) + " → " + fieldValue(f.Field, f.After)
}

// markDetails lists the ownership-mark changes (verbose output).
func markDetails(z *ZonePlan) []string {
	var out []string
	for _, c := range z.Changes {
		if c.Kind == KindOwnership {
			out = append(out, actionMark(c.Action)+" "+c.Key)
		}
	}
	return out
}
