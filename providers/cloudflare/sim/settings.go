package sim

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// setting is a zone setting changed from its default.
type setting struct {
	Value      json.RawMessage `json:"value"`
	ModifiedOn time.Time       `json:"modified_on"`
}

// hstsValue is security_header's value.strict_transport_security.
type hstsValue struct {
	Enabled           bool `json:"enabled"`
	MaxAge            int  `json:"max_age"`
	IncludeSubdomains bool `json:"include_subdomains"`
	Preload           bool `json:"preload"`
	Nosniff           bool `json:"nosniff"`
}

type securityHeader struct {
	STS hstsValue `json:"strict_transport_security"`
}

// maxHSTSAge is the largest HSTS max-age Cloudflare offers (12 months).
const maxHSTSAge = 31536000

// settingDef describes one simulated zone setting: its default and its values.
type settingDef struct {
	def any
	// enum lists the accepted string values; nil for security_header.
	enum []string
	// enterprise lists the values of enum only Enterprise zones may set.
	enterprise []string
}

// settingDefs are the settings the simulator serves, with FACTS.md §5's defaults. Real
// zones start with HSTS disabled.
var settingDefs = map[string]settingDef{
	// origin_pull is "Strict (SSL-Only Origin Pull)": "only available for Enterprise
	// zones" (https://developers.cloudflare.com/ssl/origin-configuration/ssl-modes/ssl-only-origin-pull/).
	model.SettingSSL:                    {def: "off", enum: []string{"off", "flexible", "full", "strict", "origin_pull"}, enterprise: []string{"origin_pull"}},
	model.SettingAlwaysUseHTTPS:         {def: "off", enum: []string{"on", "off"}},
	model.SettingMinTLSVersion:          {def: "1.0", enum: []string{"1.0", "1.1", "1.2", "1.3"}},
	model.SettingTLS13:                  {def: "off", enum: []string{"on", "off", "zrt"}},
	model.SettingAutomaticHTTPSRewrites: {def: "on", enum: []string{"on", "off"}},
	model.SettingSecurityLevel:          {def: "medium", enum: []string{"off", "essentially_off", "low", "medium", "high", "under_attack"}},
	model.SettingSecurityHeader:         {def: securityHeader{}},
	// Automatic SSL/TLS: "auto" lets Cloudflare pick the encryption mode, "custom" keeps
	// the ssl value the user set; choosing an ssl mode makes it custom
	// (https://developers.cloudflare.com/ssl/origin-configuration/ssl-modes/#automatic-ssltls-default).
	// Default custom (inferred: zones created before the feature; new zones start auto).
	model.SettingSSLAutomaticMode: {def: "custom", enum: []string{"auto", "custom"}},
}

// settingOrder is the order GET /settings lists them in.
var settingOrder = []string{
	model.SettingAlwaysUseHTTPS, model.SettingAutomaticHTTPSRewrites, model.SettingMinTLSVersion,
	model.SettingSecurityHeader, model.SettingSecurityLevel, model.SettingSSL, model.SettingSSLAutomaticMode, model.SettingTLS13,
}

// wireSetting is a setting as the API returns it (schema zones_base).
type wireSetting struct {
	ID         string  `json:"id"`
	Value      any     `json:"value"`
	Editable   bool    `json:"editable"`
	ModifiedOn *string `json:"modified_on"` // null until first changed
}

func (z *zone) settingValue(id string) any {
	if st, ok := z.Settings[id]; ok {
		if id == model.SettingSecurityHeader {
			var v securityHeader
			if json.Unmarshal(st.Value, &v) == nil {
				return v
			}
		}
		var s string
		if json.Unmarshal(st.Value, &s) == nil {
			return s
		}
	}
	return settingDefs[id].def
}

func (z *zone) wireSetting(id string) wireSetting {
	w := wireSetting{ID: id, Value: z.settingValue(id), Editable: true}
	if st, ok := z.Settings[id]; ok {
		w.ModifiedOn = fmtTimePtr(&st.ModifiedOn)
	}
	return w
}

func invalidSetting(id string) *apiError {
	return errf(http.StatusBadRequest, CodeSettingInvalid, "Invalid value for zone setting %s", id)
}

// parseSetting validates a new value for setting id against the current one (HSTS
// fields not given keep their value) and the zone's plan, and returns it in stored
// form. A value the plan does not offer answers 400 code 1007 like any invalid value
// (Cloudflare's answer to it is not published: inferred).
func parseSetting(z *zone, plan, id string, raw json.RawMessage) (json.RawMessage, *apiError) {
	def, ok := settingDefs[id]
	if !ok {
		return nil, errf(http.StatusNotFound, CodeSettingNotFound, "Invalid or missing zone setting %q (the simulator serves %v)", id, settingOrder)
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, invalidSetting(id)
	}
	if def.enum != nil {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, invalidSetting(id)
		}
		if !slices.Contains(def.enum, s) {
			return nil, invalidSetting(id)
		}
		if slices.Contains(def.enterprise, s) && plan != cfplan.Enterprise {
			return nil, errf(http.StatusBadRequest, CodeSettingInvalid, "Invalid value for zone setting %s: %q is available on Enterprise zones only", id, s)
		}
		b, _ := json.Marshal(s)
		return b, nil
	}
	// security_header: {"strict_transport_security": {...}} merged over the current value
	var outer map[string]json.RawMessage
	if err := json.Unmarshal(raw, &outer); err != nil {
		return nil, invalidSetting(id)
	}
	cur := z.settingValue(id).(securityHeader)
	for k, v := range outer {
		if k != "strict_transport_security" {
			return nil, invalidSetting(id)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(v, &fields); err != nil {
			return nil, invalidSetting(id)
		}
		for f, fv := range fields {
			var err error
			switch f {
			case "enabled":
				err = json.Unmarshal(fv, &cur.STS.Enabled)
			case "include_subdomains":
				err = json.Unmarshal(fv, &cur.STS.IncludeSubdomains)
			case "preload":
				err = json.Unmarshal(fv, &cur.STS.Preload)
			case "nosniff":
				err = json.Unmarshal(fv, &cur.STS.Nosniff)
			case "max_age":
				var n float64
				err = json.Unmarshal(fv, &n)
				if err == nil && (n != math.Trunc(n) || n < 0 || n > maxHSTSAge) {
					return nil, errf(http.StatusBadRequest, CodeSettingInvalid, "Invalid value for zone setting %s: max_age must be a whole number of seconds from 0 to %d", id, maxHSTSAge)
				}
				cur.STS.MaxAge = int(n)
			default:
				return nil, invalidSetting(id)
			}
			if err != nil {
				return nil, invalidSetting(id)
			}
		}
	}
	b, _ := json.Marshal(cur)
	return b, nil
}

func (s *Server) handleGetSettings(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	out := make([]wireSetting, 0, len(settingOrder))
	for _, id := range settingOrder {
		if id == model.SettingSSLAutomaticMode && z.settingValue(id) != "auto" {
			// Listed only when on: the 2024 schema's setting union (which the
			// conformance check holds answers to) predates the setting.
			continue
		}
		out = append(out, z.wireSetting(id))
	}
	writeResult(w, out, nil)
}

func (s *Server) handleGetSetting(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	id := r.PathValue("setting_id")
	if _, ok := settingDefs[id]; !ok {
		writeError(w, errf(http.StatusNotFound, CodeSettingNotFound, "Invalid or missing zone setting %q", id))
		return
	}
	writeResult(w, z.wireSetting(id), nil)
}

// handlePatchSetting serves PATCH /zones/{zone_id}/settings/{setting_id} with body
// {"value": …} (what the SDK sends).
func (s *Server) handlePatchSetting(w http.ResponseWriter, r *http.Request) {
	body, e := decodeObject(r)
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	id := r.PathValue("setting_id")
	v, e := parseSetting(z, s.limits().Plan, id, body["value"])
	if e != nil {
		writeError(w, e)
		return
	}
	s.storeSetting(z, id, v)
	if e := s.persistLocked(); e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, z.wireSetting(id), nil)
}

// handlePatchSettings serves PATCH /zones/{zone_id}/settings with {"items":[{id,value}…]}
// (the documented wire form) or a bare array (the 2024 schema's form). All values are
// validated before any is applied.
func (s *Server) handlePatchSettings(w http.ResponseWriter, r *http.Request) {
	var raw json.RawMessage
	if e := decodeBody(r, &raw); e != nil {
		writeError(w, e)
		return
	}
	type item struct {
		ID    string          `json:"id"`
		Value json.RawMessage `json:"value"`
	}
	var items []item
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(t, &items); err != nil {
			writeError(w, errf(http.StatusBadRequest, CodeBadRequestBody, "Request body is invalid."))
			return
		}
	} else {
		var wrapped struct {
			Items []item `json:"items"`
		}
		if err := json.Unmarshal(t, &wrapped); err != nil || wrapped.Items == nil {
			writeError(w, errf(http.StatusBadRequest, CodeBadRequestBody, "Request body is invalid."))
			return
		}
		items = wrapped.Items
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	values := make([]json.RawMessage, len(items))
	for i, it := range items {
		v, e := parseSetting(z, s.limits().Plan, it.ID, it.Value)
		if e != nil {
			writeError(w, e)
			return
		}
		values[i] = v
	}
	out := make([]wireSetting, 0, len(items))
	for i, it := range items {
		s.storeSetting(z, it.ID, values[i])
	}
	if e := s.persistLocked(); e != nil {
		writeError(w, e)
		return
	}
	for _, it := range items {
		out = append(out, z.wireSetting(it.ID))
	}
	writeResult(w, out, nil)
}

func (s *Server) storeSetting(z *zone, id string, v json.RawMessage) {
	if z.Settings == nil {
		z.Settings = map[string]*setting{}
	}
	z.Settings[id] = &setting{Value: v, ModifiedOn: s.now()}
	if id == model.SettingSSL {
		delete(z.Settings, model.SettingSSLAutomaticMode) // choosing a mode makes it custom (the default)
	}
}
