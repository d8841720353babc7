package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sort"
	"strconv"

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
//
// It hashes exactly the bytes json.Marshal gives for []fpZone, but streams them into
// the hash record by record, so a 100,000-record zone costs no buffer of its size.
func Fingerprint(live map[string]*model.LiveZone) string {
	names := make([]string, 0, len(live))
	for n, z := range live {
		if z != nil {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	h := sha256.New()
	buf := make([]byte, 0, 512)
	flush := func() {
		h.Write(buf)
		buf = buf[:0]
	}
	buf = append(buf, '[')
	for i, n := range names {
		z := live[n]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"name":`...)
		buf = appendJSONString(buf, n)
		buf = append(buf, `,"id":`...)
		buf = appendJSONString(buf, z.ID)
		buf = append(buf, `,"serial":`...)
		buf = strconv.AppendUint(buf, uint64(z.Serial), 10)
		buf = append(buf, `,"records":`...)
		// Sorted as model.SortRecords would, through pointers: no copy of the records.
		recs := make([]*model.Record, 0, len(z.Records))
		for i := range z.Records {
			if r := &z.Records[i]; !ownership.IsLockName(model.CanonicalLiveName(r.Name)) { // an apply's lock is not state
				recs = append(recs, r)
			}
		}
		slices.SortStableFunc(recs, func(a, b *model.Record) int { return model.CompareRecords(*a, *b) })
		{
			buf = append(buf, '[')
			for j, r := range recs {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = appendRecordJSON(buf, *r)
				if len(buf) > 4096 {
					flush()
				}
			}
			buf = append(buf, ']')
		}
		var rules map[string][]fpRule
		if len(z.Rules) > 0 {
			rules = map[string][]fpRule{}
			for phase, rs := range z.Rules {
				out := make([]fpRule, 0, len(rs))
				for _, r := range rs {
					out = append(out, fpRule{Rule: r, Raw: string(r.Raw)})
				}
				rules[phase] = out
			}
		}
		buf = append(buf, `,"settings":`...)
		buf = appendMarshal(buf, z.Settings)
		buf = append(buf, `,"rules":`...)
		buf = appendMarshal(buf, rules)
		buf = append(buf, '}')
		flush()
	}
	buf = append(buf, ']')
	flush()
	return hex.EncodeToString(h.Sum(nil))
}

// appendMarshal appends json.Marshal(v).
func appendMarshal(buf []byte, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only plain data is marshalled; this cannot fail.
		panic("plan: marshalling live state for its fingerprint: " + err.Error())
	}
	return append(buf, b...)
}

// appendRecordJSON appends json.Marshal(r) (model.Record's field order and omitempty
// rules) without reflection.
func appendRecordJSON(buf []byte, r model.Record) []byte {
	buf = append(buf, '{')
	if r.ID != "" {
		buf = append(buf, `"id":`...)
		buf = appendJSONString(buf, r.ID)
		buf = append(buf, ',')
	}
	buf = append(buf, `"name":`...)
	buf = appendJSONString(buf, r.Name)
	buf = append(buf, `,"type":`...)
	buf = appendJSONString(buf, r.Type)
	buf = append(buf, `,"value":`...)
	buf = appendJSONString(buf, r.Value)
	if r.TTL != 0 {
		buf = append(buf, `,"ttl":`...)
		buf = strconv.AppendInt(buf, int64(r.TTL), 10)
	}
	if r.Proxied {
		buf = append(buf, `,"proxied":true`...)
	}
	if r.Comment != "" {
		buf = append(buf, `,"comment":`...)
		buf = appendJSONString(buf, r.Comment)
	}
	return append(buf, '}')
}

// appendJSONString appends s as encoding/json writes it: plain printable ASCII
// directly, anything else (quotes, backslashes, <, >, &, control characters,
// non-ASCII) through json.Marshal.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshal(buf, s)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
