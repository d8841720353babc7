package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// fpZone is the canonical form of a live zone that Fingerprint hashes.
type fpZone struct {
	Name     string              `json:"name"`
	ID       string              `json:"id"`
	Serial   uint32              `json:"serial"`
	Records  []model.Record      `json:"records"`
	Settings *model.Settings     `json:"settings"`
	Rules    map[string][]fpRule `json:"rules"`
}

// fpRule adds a hand-made rule's raw action parameters, which model.Rule does not
// serialise, so that a change to them moves the fingerprint too.
type fpRule struct {
	model.Rule
	Raw string `json:"raw,omitempty"`
}

// Fingerprint returns a sha256 (hex) of live state: zones by name, records sorted,
// provider ids, SOA serials, settings and rules included. Two reads of an unchanged
// zone give the same fingerprint; any change a plan depends on moves it. A saved plan
// records it so that applying the plan after live state moved can be refused.
func Fingerprint(live map[string]*model.LiveZone) string {
	names := make([]string, 0, len(live))
	for n, z := range live {
		if z != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	zones := make([]fpZone, 0, len(names))
	for _, n := range names {
		z := live[n]
		fz := fpZone{Name: n, ID: z.ID, Serial: z.Serial, Settings: z.Settings, Records: []model.Record{}}
		for _, r := range z.Records {
			if !ownership.IsLockName(model.CanonicalLiveName(r.Name)) { // an apply's lock is not state
				fz.Records = append(fz.Records, r)
			}
		}
		model.SortRecords(fz.Records)
		if len(z.Rules) > 0 {
			fz.Rules = map[string][]fpRule{}
			for phase, rules := range z.Rules {
				out := make([]fpRule, 0, len(rules))
				for _, r := range rules {
					out = append(out, fpRule{Rule: r, Raw: string(r.Raw)})
				}
				fz.Rules[phase] = out
			}
		}
		zones = append(zones, fz)
	}
	b, err := json.Marshal(zones)
	if err != nil {
		// Only plain data is marshalled; this cannot fail.
		panic("plan: marshalling live state for its fingerprint: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
