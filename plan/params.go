package plan

import (
	"bytes"
	"encoding/json"

	"github.com/launchready/launchready/model"
)

// Actions of the rules launch.hcl declares.
const (
	actionRedirect = "redirect"
	actionCache    = "set_cache_settings"
)

// modelledParams reads a rule's verbatim action parameters (model.Rule.Raw: the
// JSON Cloudflare stores as action_parameters) into what launch.hcl models. ok is
// false when they hold anything more, or anything launch.hcl would write differently
// (an unknown key, a Bulk Redirect list, a TTL mode other than overriding or
// respecting the origin, TTLs on a bypass rule): writing such a rule from its block
// would change what it does. Absent fields take the API's defaults (status 301, no
// query string, respect the origin's TTLs).
func modelledParams(action string, raw []byte) (r model.RedirectAction, c model.CacheAction, ok bool) {
	top, ok := object(raw)
	if !ok {
		return r, c, false
	}
	switch action {
	case actionRedirect:
		fv, ok := object(top["from_value"], "target_url", "status_code", "preserve_query_string")
		if len(top) != 1 || !ok {
			return r, c, false
		}
		t, ok := object(fv["target_url"], "value", "expression")
		if !ok || !str(t, "value", &r.TargetURL) || !str(t, "expression", &r.TargetExpression) || (r.TargetURL == "") == (r.TargetExpression == "") {
			return r, c, false
		}
		if !scalar(fv, "status_code", &r.StatusCode) || !scalar(fv, "preserve_query_string", &r.PreserveQuery) {
			return r, c, false
		}
		if r.StatusCode == 0 {
			r.StatusCode = 301
		}
		return r, c, true
	case actionCache:
		var cache bool
		if _, has := top["cache"]; !has || !scalar(top, "cache", &cache) {
			return r, c, false
		}
		for k := range top {
			if k != "cache" && k != "edge_ttl" && k != "browser_ttl" {
				return r, c, false
			}
		}
		c.Bypass = !cache
		for key, dst := range map[string]*int{"edge_ttl": &c.EdgeTTL, "browser_ttl": &c.BrowserTTL} {
			v, has := top[key]
			if !has {
				continue
			}
			t, ok := object(v, "mode", "default")
			var mode string
			var def int
			if !ok || !str(t, "mode", &mode) || !scalar(t, "default", &def) {
				return r, c, false
			}
			switch {
			case mode == "override_origin" && def > 0:
				*dst = def
			case mode == "respect_origin" && def == 0:
			default:
				return r, c, false
			}
		}
		if c.Bypass && (c.EdgeTTL != 0 || c.BrowserTTL != 0) {
			return r, c, false
		}
		return r, c, true
	}
	return r, c, false
}

// object decodes a JSON object whose keys are all among allowed (any key when none
// is given). A missing, null or non-object value is not one.
func object(raw []byte, allowed ...string) (map[string]json.RawMessage, bool) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	if len(allowed) == 0 {
		return m, true
	}
next:
	for k := range m {
		for _, a := range allowed {
			if k == a {
				continue next
			}
		}
		return nil, false
	}
	return m, true
}

// scalar decodes m[key] into dst when present; a null or mistyped value fails.
func scalar[T any](m map[string]json.RawMessage, key string, dst *T) bool {
	v, has := m[key]
	if !has {
		return true
	}
	if bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return false
	}
	return json.Unmarshal(v, dst) == nil
}

func str(m map[string]json.RawMessage, key string, dst *string) bool { return scalar(m, key, dst) }
