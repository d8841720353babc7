package sim

import (
	"encoding/json"
	"fmt"

	"github.com/launchready/launchready/model"
)

// LiveZone returns the zone's current state in launchready's model: records with
// canonical values (TXT unquoted, MX "pref host", SRV "prio weight port target", CAA
// presentation form, TTL 0 for automatic), every simulated setting, and the
// entrypoint rules per phase (the redirect and cache phases are always present, empty
// when never configured). Serial starts at 1 and grows with every successful record
// write, like a SOA serial. It is for the simulated DNS and HTTPS edge and for tests;
// the result is a copy. ok is false for an unknown zone.
func (s *Server) LiveZone(name string) (*model.LiveZone, bool) {
	c, err := model.CanonicalZone(name)
	if err != nil {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.st.zoneByName(c)
	if z == nil {
		return nil, false
	}
	lz := &model.LiveZone{Name: z.Name, ID: z.ID, Serial: z.Serial, Records: make([]model.Record, 0, len(z.Records))}
	for _, r := range z.Records {
		lz.Records = append(lz.Records, liveRecord(r))
	}
	model.SortRecords(lz.Records)

	lz.Settings = &model.Settings{Values: map[string]string{}}
	for _, id := range settingOrder {
		switch v := z.settingValue(id).(type) {
		case string:
			if id == model.SettingSSLAutomaticMode && v != "auto" {
				continue // as the provider reads it: only an automatic mode is reported
			}
			lz.Settings.Values[id] = v
		case securityHeader:
			lz.Settings.HSTS = &model.HSTS{Enabled: v.STS.Enabled, MaxAge: v.STS.MaxAge,
				IncludeSubdomains: v.STS.IncludeSubdomains, Preload: v.STS.Preload, Nosniff: v.STS.Nosniff}
		}
	}

	lz.Rules = map[string][]model.Rule{phaseRedirect: {}, phaseCache: {}}
	for _, rs := range z.Rulesets {
		if rs.Kind != "zone" {
			continue
		}
		rules := make([]model.Rule, 0, len(rs.Rules))
		for _, r := range rs.Rules {
			rules = append(rules, liveRule(rs.Phase, r))
		}
		lz.Rules[rs.Phase] = rules
	}
	return lz, true
}

func liveRecord(r *record) model.Record {
	m := model.Record{ID: r.ID, Name: r.Name, Type: r.Type, Value: r.Content, TTL: r.TTL, Proxied: r.Proxied, Comment: r.Comment, ReadOnly: r.ReadOnly}
	if m.TTL == 1 {
		m.TTL = 0
	}
	switch r.Type {
	case "MX":
		m.Value = fmt.Sprintf("%d %s", *r.Priority, r.Content)
	case "SRV":
		m.Value = fmt.Sprintf("%d %d %d %s", r.SRV.Priority, r.SRV.Weight, r.SRV.Port, r.SRV.Target)
	case "TXT":
		m.Value = model.UnquoteTXT(r.Content)
	}
	return m
}

// liveRule converts a stored rule; the action parameters stay available verbatim in Raw.
func liveRule(phase string, r *rule) model.Rule {
	m := model.Rule{ID: r.ID, Ref: r.Ref, Phase: phase, Description: r.Description, Expression: r.Expression,
		Action: r.Action, Enabled: r.Enabled, Raw: append([]byte(nil), r.ActionParameters...)}
	switch r.Action {
	case "redirect":
		var p struct {
			FromValue *struct {
				TargetURL struct {
					Value      string `json:"value"`
					Expression string `json:"expression"`
				} `json:"target_url"`
				StatusCode          *int `json:"status_code"`
				PreserveQueryString bool `json:"preserve_query_string"`
			} `json:"from_value"`
		}
		if json.Unmarshal(r.ActionParameters, &p) == nil && p.FromValue != nil {
			ra := &model.RedirectAction{TargetURL: p.FromValue.TargetURL.Value, TargetExpression: p.FromValue.TargetURL.Expression,
				StatusCode: 301, PreserveQuery: p.FromValue.PreserveQueryString}
			if p.FromValue.StatusCode != nil {
				ra.StatusCode = *p.FromValue.StatusCode
			}
			m.Redirect = ra
		}
	case "set_cache_settings":
		type ttl struct {
			Mode    string `json:"mode"`
			Default int    `json:"default"`
		}
		var p struct {
			Cache      *bool `json:"cache"`
			EdgeTTL    *ttl  `json:"edge_ttl"`
			BrowserTTL *ttl  `json:"browser_ttl"`
		}
		if len(r.ActionParameters) == 0 || json.Unmarshal(r.ActionParameters, &p) == nil {
			ca := &model.CacheAction{Bypass: p.Cache != nil && !*p.Cache}
			if p.EdgeTTL != nil && p.EdgeTTL.Mode == "override_origin" {
				ca.EdgeTTL = p.EdgeTTL.Default
			}
			if p.BrowserTTL != nil && p.BrowserTTL.Mode == "override_origin" {
				ca.BrowserTTL = p.BrowserTTL.Default
			}
			m.Cache = ca
		}
	}
	return m
}
