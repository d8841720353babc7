package handover

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"time"
)

// VerifyReport is the part of a `launchready verify --json` report the map shows. It
// mirrors the JSON form (format_version "1") rather than importing package verify, so
// the map depends only on the documented report format: the CLI passes a report it
// just ran through ReadVerifyJSON, or reads a saved one.
type VerifyReport struct {
	FormatVersion string        `json:"format_version"`
	StartedAt     time.Time     `json:"started_at"`
	Zones         []VerifyZone  `json:"zones"`
	Summary       VerifySummary `json:"summary"`
}

// VerifyZone holds one zone's results.
type VerifyZone struct {
	Zone    string         `json:"zone"`
	Summary VerifySummary  `json:"summary"`
	Results []VerifyResult `json:"results"`
}

// VerifySummary counts results by status.
type VerifySummary struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// VerifyResult is one check's outcome. Reason never holds a secret (verify's
// contract); the map prints it escaped.
type VerifyResult struct {
	Zone   string `json:"zone"`
	Kind   string `json:"kind"`
	Name   string `json:"name"`
	Check  string `json:"check"`
	Target string `json:"target,omitempty"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// verifyFormatVersion is the verify report format this package reads.
const verifyFormatVersion = "1"

// ReadVerifyJSON reads a verify report in its JSON form (`launchready verify --json`,
// verify.RenderJSON). It refuses another format version.
func ReadVerifyJSON(r io.Reader) (*VerifyReport, error) {
	var rep VerifyReport
	if err := json.NewDecoder(r).Decode(&rep); err != nil {
		return nil, fmt.Errorf("reading verify report: %w", err)
	}
	if rep.FormatVersion != verifyFormatVersion {
		return nil, fmt.Errorf("reading verify report: format_version %q, want %q", rep.FormatVersion, verifyFormatVersion)
	}
	return &rep, nil
}

// zoneResults returns the results of zone, sorted so that the map does not depend on
// the report's order, and their summary.
func (r *VerifyReport) zoneResults(zone string) ([]VerifyResult, VerifySummary) {
	var out []VerifyResult
	var sum VerifySummary
	for _, z := range r.Zones {
		for _, res := range z.Results {
			if res.Zone == "" {
				res.Zone = z.Zone
			}
			if res.Zone != zone {
				continue
			}
			out = append(out, res)
			switch res.Status {
			case "pass":
				sum.Pass++
			case "warn":
				sum.Warn++
			case "fail":
				sum.Fail++
			case "skip":
				sum.Skip++
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if sa, sb := statusRank(a.Status), statusRank(b.Status); sa != sb {
			return sa < sb
		}
		for _, p := range [][2]string{{a.Kind, b.Kind}, {a.Name, b.Name}, {a.Check, b.Check}, {a.Target, b.Target}, {a.Reason, b.Reason}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
	return out, sum
}

// statusRank puts what needs attention first.
func statusRank(s string) int {
	switch s {
	case "fail":
		return 0
	case "warn":
		return 1
	case "skip":
		return 2
	case "pass":
		return 3
	}
	return 4
}
