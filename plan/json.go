package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// jsonPlan is the JSON document RenderJSON writes (see JSON.md): the Plan's fields in
// a fixed order with the summaries added.
type jsonPlan struct {
	FormatVersion     string     `json:"format_version"`
	HasChanges        bool       `json:"has_changes"`
	Summary           Summary    `json:"summary"`
	ConfigFingerprint string     `json:"config_fingerprint"`
	LiveFingerprint   string     `json:"live_fingerprint"`
	Zones             []jsonZone `json:"zones"`
}

type jsonZone struct {
	ZonePlan
	HasChanges bool    `json:"has_changes"`
	Summary    Summary `json:"summary"`
}

// RenderJSON writes the plan as indented JSON: every field of Plan (format_version
// first) plus "has_changes" and "summary" at the top and in each zone. The format is
// documented in JSON.md; ReadJSON reads it back.
func RenderJSON(w io.Writer, p *Plan) error {
	doc := jsonPlan{
		FormatVersion:     p.FormatVersion,
		HasChanges:        p.HasChanges(),
		Summary:           p.Summary(),
		ConfigFingerprint: p.ConfigFingerprint,
		LiveFingerprint:   p.LiveFingerprint,
		Zones:             make([]jsonZone, 0, len(p.Zones)),
	}
	if doc.FormatVersion == "" {
		doc.FormatVersion = FormatVersion
	}
	for i := range p.Zones {
		z := p.Zones[i]
		if z.Changes == nil {
			z.Changes = []Change{}
		}
		doc.Zones = append(doc.Zones, jsonZone{ZonePlan: z, HasChanges: z.HasChanges(), Summary: z.Summary()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing JSON plan: %w", err)
	}
	return nil
}

// ReadJSON reads a plan written by RenderJSON (a saved plan file). It refuses a
// format of another major version.
func ReadJSON(r io.Reader) (*Plan, error) {
	var p Plan
	dec := json.NewDecoder(r)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	major, _, _ := strings.Cut(p.FormatVersion, ".")
	want, _, _ := strings.Cut(FormatVersion, ".")
	if p.FormatVersion == "" || major != want {
		return nil, fmt.Errorf("reading plan: format_version %q is not supported (this launchready writes %s)", p.FormatVersion, FormatVersion)
	}
	return &p, nil
}
