package cloudflare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// allSettings are the setting ids launchready manages (ReadSettings with no ids reads
// these).
var allSettings = []string{
	model.SettingSSL,
	model.SettingAlwaysUseHTTPS,
	model.SettingMinTLSVersion,
	model.SettingTLS13,
	model.SettingAutomaticHTTPSRewrites,
	model.SettingSecurityLevel,
	model.SettingSecurityHeader,
}

// hstsWire is security_header's value.
type hstsWire struct {
	STS struct {
		Enabled           bool    `json:"enabled"`
		MaxAge            float64 `json:"max_age"`
		IncludeSubdomains bool    `json:"include_subdomains"`
		Preload           bool    `json:"preload"`
		Nosniff           bool    `json:"nosniff"`
	} `json:"strict_transport_security"`
}

// settingValue converts a setting's API value to launchready's string form: strings
// as they are ("on", "strict", "1.2"), numbers in decimal, booleans as "on"/"off".
func settingValue(id string, raw json.RawMessage) (string, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("setting %s: value %s: %w", id, raw, err)
	}
	switch x := v.(type) {
	case string:
		return x, nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case bool:
		if x {
			return "on", nil
		}
		return "off", nil
	}
	return "", fmt.Errorf("setting %s: unexpected value %s", id, raw)
}

func toHSTS(raw json.RawMessage) (*model.HSTS, error) {
	var h hstsWire
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("setting %s: value %s: %w", model.SettingSecurityHeader, raw, err)
	}
	s := h.STS
	return &model.HSTS{Enabled: s.Enabled, MaxAge: int(s.MaxAge), IncludeSubdomains: s.IncludeSubdomains, Preload: s.Preload, Nosniff: s.Nosniff}, nil
}

func fromHSTS(h *model.HSTS) hstsWire {
	var w hstsWire
	w.STS.Enabled = h.Enabled
	w.STS.MaxAge = float64(h.MaxAge)
	w.STS.IncludeSubdomains = h.IncludeSubdomains
	w.STS.Preload = h.Preload
	w.STS.Nosniff = h.Nosniff
	return w
}

// ReadSettings returns the live value of the named settings (all the settings
// launchready manages when ids is empty), read with one request for the whole zone.
// A setting the bulk answer lacks is read on its own.
//
// Cloudflare deprecated the bulk GET /zones/{id}/settings on 2025-04-23, end of
// life 2027-03-31 (extended on 2026-07-27 from 2026-09-15; "Zone Settings Batch API",
// https://developers.cloudflare.com/fundamentals/api/reference/deprecations/). When
// it answers that it is gone (404, 405, 410, or code 7000 "No route for that URI"),
// every setting is read with GET /zones/{id}/settings/{id} instead, from then on for
// the life of the Provider, ssl_automatic_mode included when ssl is asked for.
func (p *Provider) ReadSettings(ctx context.Context, zone string, ids []string) (*model.Settings, error) {
	zone, zid, err := p.zoneID(ctx, zone)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		ids = allSettings
	}
	byID := map[string]wireSetting{}
	bulk := !p.noBulkSettings.Load()
	if bulk {
		all, err := p.api.settings(ctx, zid)
		switch {
		case err == nil:
			for _, s := range all {
				byID[s.ID] = s
			}
		case bulkSettingsGone(err):
			p.noBulkSettings.Store(true)
			bulk = false
			p.log.Debug("the bulk zone settings endpoint is gone; reading settings one at a time", "zone", zone, "error", err)
		default:
			if pe := denied(zone, cfplan.SettingsEdit, "read and change zone settings", err); pe != err {
				return nil, pe
			}
			return nil, fmt.Errorf("reading settings of %s: %w", zone, err)
		}
	}
	out := &model.Settings{}
	for _, id := range ids {
		s, ok := byID[id]
		if !ok {
			if s, err = p.api.setting(ctx, zid, id); err != nil {
				if pe := denied(zone, cfplan.SettingsEdit, "read and change zone settings", err); pe != err {
					return nil, pe
				}
				return nil, fmt.Errorf("reading setting %s of %s: %w", id, zone, err)
			}
		}
		if id == model.SettingSecurityHeader {
			if out.HSTS, err = toHSTS(s.Value); err != nil {
				return nil, fmt.Errorf("zone %s: %w", zone, err)
			}
			continue
		}
		v, err := settingValue(id, s.Value)
		if err != nil {
			return nil, fmt.Errorf("zone %s: %w", zone, err)
		}
		if out.Values == nil {
			out.Values = map[string]string{}
		}
		out.Values[id] = v
	}
	// Automatic SSL/TLS: whether Cloudflare chooses the ssl value itself, from the
	// same bulk read (no extra request), or read on its own when there is no bulk
	// read; absent or unreadable, the mode is taken as custom.
	if _, ok := out.Values[model.SettingSSL]; ok {
		s, ok := byID[model.SettingSSLAutomaticMode]
		if !ok && !bulk {
			var err error
			s, err = p.api.setting(ctx, zid, model.SettingSSLAutomaticMode)
			if err != nil && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			ok = err == nil
		}
		if ok {
			if v, err := settingValue(model.SettingSSLAutomaticMode, s.Value); err == nil && v == "auto" {
				out.Values[model.SettingSSLAutomaticMode] = v
			}
		}
	}
	return out, nil
}

// bulkSettingsGone reports whether err says the bulk settings endpoint no longer
// exists, as opposed to a refusal or a failure of this request.
func bulkSettingsGone(err error) bool {
	var ae *apiError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.Status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusGone:
		return true
	}
	return ae.Status == http.StatusBadRequest && ae.has(7000)
}

// WriteSettings changes each setting present in s, one PATCH per setting, in id
// order. It stops at the first failure; the error says which settings were already
// changed.
func (p *Provider) WriteSettings(ctx context.Context, zone string, s *model.Settings) error {
	if s == nil || (len(s.Values) == 0 && s.HSTS == nil) {
		return nil
	}
	zone, zid, err := p.zoneID(ctx, zone)
	if err != nil {
		return err
	}
	type write struct {
		id    string
		value any
	}
	var writes []write
	for id, v := range s.Values {
		if id == model.SettingSecurityHeader {
			return fmt.Errorf("zone %s: %s is written through Settings.HSTS, not Values", zone, id)
		}
		writes = append(writes, write{id, v})
	}
	sort.Slice(writes, func(i, j int) bool { return writes[i].id < writes[j].id })
	if s.HSTS != nil {
		writes = append(writes, write{model.SettingSecurityHeader, fromHSTS(s.HSTS)})
	}
	var done []string
	for _, w := range writes {
		if err := p.api.editSetting(ctx, zid, w.id, w.value); err != nil {
			if pe, ok := denied(zone, "Zone Settings:Edit", "change zone settings", err).(*PermissionError); ok {
				pe.Wrote = len(done) > 0
				return pe
			}
			if len(done) > 0 {
				return fmt.Errorf("zone %s: changing setting %s (after %v were changed): %w", zone, w.id, done, err)
			}
			return fmt.Errorf("zone %s: changing setting %s: %w", zone, w.id, err)
		}
		done = append(done, w.id)
		p.log.Debug("changed setting", "zone", zone, "setting", w.id)
	}
	return nil
}
