package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
)

// fuzzZone decodes fuzz bytes into a desired zone and its live state. Each 4 bytes
// are one record: flags (bit 0: live rather than declared; bit 1: owned by
// launchready when live; bit 2: TTL 300 instead of automatic), a name, a type and a
// value, each picked from small sets so that records collide often (same name and
// type, values shared between desired and live). txt, reduced to printable ASCII, is
// one more TXT value.
func fuzzZone(data []byte, txt string) ([]model.RRSet, []model.Record, [][]model.Record) {
	names := []string{"@", "www", "api", "mail", "_dmarc"}
	types := []string{"A", "AAAA", "TXT", "MX"}
	txt = strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return -1
		}
		return r
	}, txt)
	value := func(typ string, v byte) string {
		switch typ {
		case "A":
			return fmt.Sprintf("192.0.2.%d", v%8)
		case "AAAA":
			return fmt.Sprintf("2001:db8::%x", v%8)
		case "TXT":
			if v%9 == 8 && txt != "" {
				return txt
			}
			return fmt.Sprintf("text %d", v%8)
		}
		return fmt.Sprintf("%d mx%d.example.net", 10*(v%3), v%4)
	}
	declared := map[model.Key]*model.RRSet{}
	var order []model.Key
	var unowned []model.Record
	var owned [][]model.Record
	liveSeen := map[string]bool{}
	for i := 0; i+4 <= len(data) && i < 4*64; i += 4 {
		flags, name, typ := data[i], names[int(data[i+1])%len(names)], types[int(data[i+2])%len(types)]
		v := value(typ, data[i+3])
		ttl := 0
		if flags&4 != 0 {
			ttl = 300
		}
		if flags&1 == 0 {
			s := rr(name, typ, v)
			k := s.Key()
			if d := declared[k]; d != nil {
				d.Values = append(d.Values, v)
				continue
			}
			s = withTTL(s, ttl)
			declared[k] = &s
			order = append(order, k)
			continue
		}
		// DNS holds a record once: Cloudflare refuses an identical record (81058) and an
		// RFC 2136 RRset is a set, so live state never repeats one.
		lk := name + " " + typ + " " + v
		if liveSeen[lk] {
			continue
		}
		liveSeen[lk] = true
		r := rec(fmt.Sprintf("r%d", i), name, typ, v, ttl)
		if flags&2 != 0 {
			owned = append(owned, []model.Record{r})
		} else {
			unowned = append(unowned, r)
		}
	}
	var sets []model.RRSet
	for _, k := range order {
		sets = append(sets, *declared[k])
	}
	return sets, unowned, owned
}

// FuzzPlan checks the plan's two invariants on arbitrary small zones: applying the
// plan to live state gives the desired state (planning again finds nothing to do,
// with no warnings and the same unmanaged records), and a second apply of that
// state is a no-op (identical input plans nothing). Inputs Compute refuses (e.g. a
// value that does not parse) are skipped; it must never panic.
func FuzzPlan(f *testing.F) {
	f.Add([]byte{0, 1, 0, 1, 1, 1, 0, 1, 3, 2, 2, 3, 0, 2, 2, 8}, "v=spf1 -all")
	f.Add([]byte{1, 0, 3, 0, 0, 0, 3, 1, 3, 0, 3, 2, 4, 3, 1, 5}, "")
	f.Add([]byte{3, 1, 0, 1, 3, 1, 0, 2, 0, 1, 0, 3, 1, 4, 2, 0}, `"quoted" text`)
	f.Fuzz(func(t *testing.T, data []byte, txt string) {
		sets, unowned, owned := fuzzZone(data, txt)
		recs := [][]model.Record{unowned}
		for i, o := range owned {
			recs = append(recs, ownedRecs(fmt.Sprintf("m%d", i), o...))
		}
		lz := live(recs...)
		z := cfZone(sets...)
		if _, err := Compute(cfgOf(z), map[string]*model.LiveZone{zn: lz}); err != nil {
			return
		}
		after, _ := converge(t, z, lz)
		if t.Failed() {
			return
		}
		again, p := converge(t, z, after)
		if p.HasChanges() {
			t.Errorf("converged state plans changes: %q", changeStrings(p.Zones[0].Changes))
		}
		if diff := recordStrings(again.Records); strings.Join(diff, "\n") != strings.Join(recordStrings(after.Records), "\n") {
			t.Errorf("applying an empty plan changed the records")
		}
	})
}

// ownedRecs marks rs as created by launchready (mark record id markID).
func ownedRecs(markID string, rs ...model.Record) []model.Record { return owned(markID, rs...) }
