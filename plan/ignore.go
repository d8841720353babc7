package plan

import (
	"fmt"

	"github.com/launchready/launchready/model"
)

// ignoredByRule reports whether one of the zone's ignore entries (names narrowed by
// type and value, schema.Zone.IgnoreRules) covers the live record.
func (st *zoneState) ignoredByRule(l *liveRec) bool {
	return model.Ignored(st.z.IgnoreRules, l.name, st.z.Name, l.typ, l.value)
}

// keepIgnored says an owned live value of a declared record set that the set no
// longer lists stays because an ignore entry covers it: it is left alone (and keeps
// its ownership mark) instead of being deleted.
func (st *zoneState) keepIgnored(l *liveRec) bool {
	if !l.ignored {
		return false
	}
	st.keptMarks[l.name] = append(st.keptMarks[l.name], l.valueMark())
	return true
}

// ignoredRecords lists the records left alone that an ignore entry covers.
func (st *zoneState) ignoredRecords() []model.Record {
	ign := map[model.Record]bool{}
	for _, l := range st.recs {
		if l.ignored {
			ign[*l.rec] = true
		}
	}
	var out []model.Record
	for _, r := range st.leftAlone {
		if ign[r] {
			out = append(out, r)
		}
	}
	return out
}

func ignoredLine(n int) string {
	if n == 1 {
		return "1 of them ignored (covered by an ignore entry)"
	}
	return fmt.Sprintf("%d of them ignored (covered by ignore entries)", n)
}
