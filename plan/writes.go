package plan

import (
	"encoding/json"
	"fmt"
)

// zoneWrites is what applying a zone's plan writes.
type zoneWrites struct {
	RecordOps any `json:"record_ops"`
	Settings  any `json:"settings"`
	Rules     any `json:"rules"`
}

// StaleWrites compares the writes of a confirmed plan with those of a plan computed
// from a fresh read just before applying. It returns the zones whose writes differ:
// something launchready is about to write changed since the plan was shown (a record
// edited by hand, a rule added, another apply). Changes elsewhere (an unmanaged record
// added) do not count.
func StaleWrites(confirmed, fresh *Plan) []string {
	byZone := func(p *Plan) map[string]string {
		out := map[string]string{}
		for _, z := range p.Zones {
			b, err := json.Marshal(zoneWrites{z.RecordOps, z.SettingWrites, z.RuleWrites})
			if err != nil {
				panic(fmt.Sprintf("plan: marshalling writes: %v", err)) // plain data
			}
			out[z.Zone] = string(b)
		}
		return out
	}
	a, b := byZone(confirmed), byZone(fresh)
	var out []string
	for _, z := range confirmed.Zones {
		if a[z.Zone] != b[z.Zone] {
			out = append(out, z.Zone)
		}
	}
	for _, z := range fresh.Zones {
		if _, ok := a[z.Zone]; !ok {
			out = append(out, z.Zone)
		}
	}
	return out
}
