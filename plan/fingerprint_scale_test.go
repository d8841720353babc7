package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// fingerprintByMarshal is Fingerprint as it was written first: json.Marshal of the
// whole []fpZone. The streaming Fingerprint must hash the very same bytes.
func fingerprintByMarshal(live map[string]*model.LiveZone) string {
	var names []string
	for n, z := range live {
		if z != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	zones := []fpZone{}
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
				for _, r := range rules {
					fz.Rules[phase] = append(fz.Rules[phase], fpRule{Rule: r, Raw: string(r.Raw)})
				}
			}
		}
		zones = append(zones, fz)
	}
	b, _ := json.Marshal(zones)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestFingerprintStreamsTheSameBytes(t *testing.T) {
	on := "on"
	lz := map[string]*model.LiveZone{
		"example.com": {Name: "example.com", ID: "z1", Serial: 7, Records: []model.Record{
			{ID: "b", Name: "www.example.com", Type: "A", Value: "192.0.2.1", TTL: 300, Proxied: true},
			{ID: "a", Name: "example.com", Type: "TXT", Value: `v=spf1 include:"x" <&> \\ é` + "\x01", Comment: "hand <made>"},
			{Name: "mx.example.com", Type: "MX", Value: "10 mx.example.com"},
			{ID: "lock", Name: ownership.LockName("example.com"), Type: "TXT", Value: "lock"},
		}, Settings: &model.Settings{Values: map[string]string{"ssl": "full", "always_use_https": on}},
			Rules: map[string][]model.Rule{model.PhaseRedirect: {{Ref: "r1", Raw: json.RawMessage(`{"x":1}`)}}}},
		"empty.example": {Name: "empty.example"},
		"nil.example":   nil,
	}
	if got, want := Fingerprint(lz), fingerprintByMarshal(lz); got != want {
		t.Errorf("Fingerprint = %s, json.Marshal form = %s", got, want)
	}
	if got, want := Fingerprint(nil), fingerprintByMarshal(nil); got != want {
		t.Errorf("Fingerprint(nil) = %s, want %s", got, want)
	}
}
