package plan

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// settingOrder is the order settings are planned and shown in; ids not listed follow,
// sorted.
var settingOrder = []string{
	model.SettingSSL,
	model.SettingAlwaysUseHTTPS,
	model.SettingMinTLSVersion,
	model.SettingTLS13,
	model.SettingAutomaticHTTPSRewrites,
	model.SettingSecurityLevel,
	model.SettingSecurityHeader,
}

func orderSettings(ids []string) []string {
	rank := map[string]int{}
	for i, id := range settingOrder {
		rank[id] = i
	}
	out := ownership.SortedUnique(ids)
	sort.SliceStable(out, func(i, j int) bool {
		ri, iok := rank[out[i]]
		rj, jok := rank[out[j]]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		}
		return out[i] < out[j]
	})
	return out
}

// planSettings compares the settings block with live values. Only settings written in
// the file are managed; one that the apex mark lists but the file no longer declares
// is reported as no longer managed and left as it is.
func (st *zoneState) planSettings() error {
	var want *model.Settings
	if st.z.Settings != nil {
		want = &st.z.Settings.Settings
	}
	var ids []string
	if want != nil {
		for id := range want.Values {
			if id != model.SettingSecurityHeader {
				ids = append(ids, id)
			}
		}
		if want.HSTS != nil {
			ids = append(ids, model.SettingSecurityHeader)
		}
	}
	ids = orderSettings(ids)
	st.settingIDs = ownership.SortedUnique(ids)
	if len(ids) > 0 {
		if !st.caps.Settings {
			return fmt.Errorf("provider %s cannot manage zone settings", st.z.Provider)
		}
		if st.live.Settings == nil {
			return fmt.Errorf("live zone settings were not read")
		}
	}

	writes := &model.Settings{}
	for _, id := range ids {
		if id == model.SettingSecurityHeader {
			have := st.live.Settings.HSTS
			if have == nil {
				return fmt.Errorf("live value of setting %s (HSTS) was not read", id)
			}
			fields := hstsFields(*have, *want.HSTS, false)
			if len(fields) == 0 {
				continue
			}
			h := *want.HSTS
			writes.HSTS = &h
			b := *have
			st.settingChgs = append(st.settingChgs, Change{
				Action: ActionUpdate, Kind: KindSetting, Zone: st.z.Name, Key: id,
				Before: &Object{Setting: &Setting{ID: id, HSTS: &b}},
				After:  &Object{Setting: &Setting{ID: id, HSTS: &h}},
				Fields: fields,
			})
			continue
		}
		w := want.Values[id]
		have, ok := st.live.Settings.Values[id]
		if !ok {
			return fmt.Errorf("live value of setting %s was not read", id)
		}
		auto := id == model.SettingSSL && st.live.Settings.Values[model.SettingSSLAutomaticMode] == "auto"
		if have == w {
			if auto {
				st.warnings = append(st.warnings, fmt.Sprintf("ssl is %s as declared, but Cloudflare chooses this zone's encryption mode automatically (Automatic SSL/TLS) and may change it; launchready leaves it as it is until it differs, then sets it (which turns automatic mode off)", have))
			}
			continue
		}
		if writes.Values == nil {
			writes.Values = map[string]string{}
		}
		writes.Values[id] = w
		ch := Change{
			Action: ActionUpdate, Kind: KindSetting, Zone: st.z.Name, Key: id,
			Before: &Object{Setting: &Setting{ID: id, Value: have}},
			After:  &Object{Setting: &Setting{ID: id, Value: w}},
			Fields: []FieldChange{{Field: "value", Before: have, After: w}},
		}
		if auto {
			ch.Reason = fmt.Sprintf("Cloudflare chose %s automatically (Automatic SSL/TLS); setting %s turns automatic mode off (custom)", have, w)
		}
		st.settingChgs = append(st.settingChgs, ch)
	}
	if writes.Values != nil || writes.HSTS != nil {
		st.zp.SettingWrites = writes
	}

	managed := map[string]bool{}
	for _, id := range ids {
		managed[id] = true
	}
	for _, id := range orderSettings(st.prevSet) {
		if managed[id] {
			continue
		}
		ch := Change{
			Action: ActionForget, Kind: KindSetting, Zone: st.z.Name, Key: id,
			Reason: "no longer managed; live value left as is",
		}
		if s := st.liveSetting(id); s != nil {
			ch.Before = &Object{Setting: s}
			// The live value stays: each field is shown with before = after.
			if s.HSTS != nil {
				ch.Fields = hstsFields(model.HSTS{}, *s.HSTS, true)
			} else {
				ch.Fields = []FieldChange{{Field: "value", Before: s.Value, After: s.Value}}
			}
		}
		st.settingChgs = append(st.settingChgs, ch)
	}
	return nil
}

// liveSetting returns the live value of id, or nil when it was not read.
func (st *zoneState) liveSetting(id string) *Setting {
	ls := st.live.Settings
	if ls == nil {
		return nil
	}
	if id == model.SettingSecurityHeader {
		if ls.HSTS == nil {
			return nil
		}
		h := *ls.HSTS
		return &Setting{ID: id, HSTS: &h}
	}
	v, ok := ls.Values[id]
	if !ok {
		return nil
	}
	return &Setting{ID: id, Value: v}
}

// hstsFields lists the HSTS fields that differ between before and after; with kept,
// it lists every field of after as unchanged (before = after) instead.
func hstsFields(before, after model.HSTS, kept bool) []FieldChange {
	var out []FieldChange
	add := func(field string, b, a string) {
		if kept {
			out = append(out, FieldChange{Field: "hsts." + field, Before: a, After: a})
		} else if b != a {
			out = append(out, FieldChange{Field: "hsts." + field, Before: b, After: a})
		}
	}
	add("enabled", strconv.FormatBool(before.Enabled), strconv.FormatBool(after.Enabled))
	add("max_age", strconv.Itoa(before.MaxAge), strconv.Itoa(after.MaxAge))
	add("include_subdomains", strconv.FormatBool(before.IncludeSubdomains), strconv.FormatBool(after.IncludeSubdomains))
	add("preload", strconv.FormatBool(before.Preload), strconv.FormatBool(after.Preload))
	add("nosniff", strconv.FormatBool(before.Nosniff), strconv.FormatBool(after.Nosniff))
	return out
}
