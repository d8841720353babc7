package conformance

import (
	"errors"
	"fmt"
	"strings"
)

// Patch corrects one known quirk of the schema file, in the decoded JSON document,
// before it is loaded. Apply fails when the quirk is no longer there, so a refreshed
// schema makes a stale patch fail loudly instead of silently weakening the check.
type Patch struct {
	Name   string
	Reason string
	apply  func(doc map[string]any) error
}

// Patches returns the named patches Load applies, in order.
func Patches() []Patch { return append([]Patch(nil), schemaPatches...) }

// dig walks a decoded JSON document along keys; it fails when one is missing.
func dig(v any, keys ...string) (any, error) {
	for i, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is not an object", strings.Join(keys[:i], "/"))
		}
		if v, ok = m[k]; !ok {
			return nil, fmt.Errorf("%s not found", strings.Join(keys[:i+1], "/"))
		}
	}
	return v, nil
}

func digMap(v any, keys ...string) (map[string]any, error) {
	x, err := dig(v, keys...)
	if err != nil {
		return nil, err
	}
	m, ok := x.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s is not an object", strings.Join(keys, "/"))
	}
	return m, nil
}

const (
	pRecords    = "/zones/{zone_id}/dns_records"
	pRecord     = "/zones/{zone_id}/dns_records/{dns_record_id}"
	pBatch      = "/zones/{zone_id}/dns_records/batch"
	pSetting    = "/zones/{zone_id}/settings/{setting_id}"
	recordRef   = "#/components/schemas/dns-records_dns-record"
	requestName = "launchready-dns-record-request"
	// Schemas the patches add are named launchready-*: never mistaken for upstream's.
	openpgpkeyName = "launchready-dns-record-openpgpkey"
	sslAutoName    = "launchready-setting-ssl-automatic-mode"
)

var schemaPatches = []Patch{
	{
		Name: "dns-operations-accept-tokens",
		Reason: "The 2024 schema lists only api_email+api_key under `security` for the DNS record operations, " +
			"while the real API and the SDK use API tokens there (FACTS.md §2; README 'upstream quirks'). " +
			"The api_token alternative is added.",
		apply: func(doc map[string]any) error {
			paths, err := digMap(doc, "paths")
			if err != nil {
				return err
			}
			n := 0
			for p, item := range paths {
				if !strings.HasPrefix(p, pRecords) {
					continue
				}
				for _, op := range item.(map[string]any) {
					o, ok := op.(map[string]any)
					if !ok {
						continue
					}
					sec, _ := o["security"].([]any)
					has := false
					for _, s := range sec {
						if _, ok := s.(map[string]any)["api_token"]; ok {
							has = true
						}
					}
					if !has {
						o["security"] = append(sec, map[string]any{"api_token": []any{}})
						n++
					}
				}
			}
			if n == 0 {
				return errors.New("no DNS operation lacks api_token any more; remove this patch")
			}
			return nil
		},
	},
	{
		Name:   "dns-delete-has-no-body",
		Reason: "DELETE /dns_records/{id} declares a required empty JSON body; the SDK sends none (FACTS.md §4.3).",
		apply: func(doc map[string]any) error {
			rb, err := digMap(doc, "paths", pRecord, "delete", "requestBody")
			if err != nil {
				return err
			}
			if rb["required"] != true {
				return errors.New("DELETE body is no longer required; remove this patch")
			}
			rb["required"] = false
			return nil
		},
	},
	{
		Name: "rule-action-pattern",
		Reason: "rulesets_RuleAction has pattern ^[a-z]+$ while the schema's own rule variants require actions " +
			"with underscores (set_cache_settings, managed_challenge…), so no such rule could ever validate.",
		apply: func(doc map[string]any) error {
			s, err := digMap(doc, "components", "schemas", "rulesets_RuleAction")
			if err != nil {
				return err
			}
			if s["pattern"] != "^[a-z]+$" {
				return fmt.Errorf("rulesets_RuleAction pattern is now %v; remove this patch", s["pattern"])
			}
			s["pattern"] = "^[a-z_]+$"
			return nil
		},
	},
	{
		Name: "error-envelope-contradictions",
		Reason: "The 4XX answers of the record operations and of token verify are allOf(<the success answer>, " +
			"api-response-common-failure): success must be both true and false, or result both an object " +
			"and null, so no error answer can validate. They are checked against api-response-common-failure alone.",
		apply: func(doc map[string]any) error {
			paths, err := digMap(doc, "paths")
			if err != nil {
				return err
			}
			n := 0
			for _, item := range paths {
				for _, op := range item.(map[string]any) {
					c, err := digMap(op, "responses", "4XX", "content", "application/json")
					if err != nil {
						continue
					}
					schema, _ := c["schema"].(map[string]any)
					all, _ := schema["allOf"].([]any)
					failure := ""
					for _, a := range all {
						if ref, _ := a.(map[string]any)["$ref"].(string); strings.HasSuffix(ref, "_api-response-common-failure") {
							failure = ref
						}
					}
					if len(all) >= 2 && failure != "" {
						c["schema"] = map[string]any{"$ref": failure}
						n++
					}
				}
			}
			if n == 0 {
				return errors.New("no contradictory 4XX schema left; remove this patch")
			}
			return nil
		},
	},
	{
		Name: "dns-record-type-openpgpkey",
		Reason: "The 2024 schema's record union lacks OPENPGPKEY (RFC 7929), which the API and the SDK the tool " +
			"uses accept (dns.RecordNewParamsBodyOpenpgpkeyRecord; README 'known gaps'; " +
			"https://developers.cloudflare.com/api/node/resources/dns/subresources/records/methods/create lists " +
			"DNSRecordsOpenpgpkeyRecord). A variant like TXT's (content: the base64 key) is added to the union; it " +
			"must come before dns-write-bodies, which copies the union.",
		apply: func(doc map[string]any) error {
			schemas, err := digMap(doc, "components", "schemas")
			if err != nil {
				return err
			}
			rec, err := digMap(schemas, "dns-records_dns-record")
			if err != nil {
				return err
			}
			variants, _ := rec["oneOf"].([]any)
			for _, v := range variants {
				if ref, _ := v.(map[string]any)["$ref"].(string); strings.Contains(ref, "OPENPGPKEY") {
					return errors.New("the record union has OPENPGPKEY now; remove this patch")
				}
			}
			schemas[openpgpkeyName] = map[string]any{
				"title":    "OPENPGPKEY Record",
				"required": []any{"type", "name", "content"},
				"allOf": []any{
					map[string]any{"properties": map[string]any{
						"content": map[string]any{"description": "The public key, base64 (RFC 7929).", "type": "string"},
						"name":    map[string]any{"$ref": "#/components/schemas/dns-records_name"},
						"type":    map[string]any{"description": "Record type.", "enum": []any{"OPENPGPKEY"}, "type": "string"},
					}},
					map[string]any{"$ref": "#/components/schemas/dns-records_base"},
				},
			}
			rec["oneOf"] = append(variants, map[string]any{"$ref": "#/components/schemas/" + openpgpkeyName})
			return nil
		},
	},
	{
		Name: "setting-ssl-automatic-mode",
		Reason: "The 2024 setting union lacks ssl_automatic_mode (Automatic SSL/TLS), which Cloudflare documents at " +
			"GET/PATCH /zones/{zone_id}/settings/ssl_automatic_mode with value \"auto\" or \"custom\" and an optional " +
			"next_scheduled_scan (https://developers.cloudflare.com/api/resources/ssl/subresources/automatic_upgrader/methods/patch). " +
			"It is added to zones_setting like the other settings.",
		apply: func(doc map[string]any) error {
			schemas, err := digMap(doc, "components", "schemas")
			if err != nil {
				return err
			}
			if _, ok := schemas["zones_ssl_automatic_mode"]; ok {
				return errors.New("the schema has zones_ssl_automatic_mode now; remove this patch")
			}
			schemas[sslAutoName] = map[string]any{
				"title": "Automatic SSL/TLS",
				"allOf": []any{
					map[string]any{"$ref": "#/components/schemas/zones_base"},
					map[string]any{"properties": map[string]any{
						"id":                  map[string]any{"description": "ID of the zone setting.", "enum": []any{"ssl_automatic_mode"}},
						"value":               map[string]any{"enum": []any{"auto", "custom"}, "type": "string"},
						"next_scheduled_scan": map[string]any{"type": "string"},
					}},
				},
			}
			// Every setting union (zones_setting; the list answer's items) gains it.
			n := 0
			walkUnions(schemas, "#/components/schemas/zones_tls_1_3", func(u []any) []any {
				n++
				return append(u, map[string]any{"$ref": "#/components/schemas/" + sslAutoName})
			})
			if n == 0 {
				return errors.New("no setting union found; review this patch")
			}
			return nil
		},
	},
	{
		Name: "dns-write-bodies",
		Reason: "POST/PUT bodies (and batch posts/puts) reuse dns-records_dns-record, whose top-level `required` " +
			"lists answer-only fields (id, proxiable, created_on, modified_on) not marked readOnly there, so no " +
			"create request could validate. Requests are checked against the same per-type oneOf without that " +
			"list (each type still requires its type, name and content or data).",
		apply: func(doc map[string]any) error {
			schemas, err := digMap(doc, "components", "schemas")
			if err != nil {
				return err
			}
			rec, err := digMap(schemas, "dns-records_dns-record")
			if err != nil {
				return err
			}
			req, _ := rec["required"].([]any)
			if !containsAny(req, "id") {
				return errors.New("dns-record no longer requires id; remove this patch")
			}
			cp := map[string]any{}
			for k, v := range rec {
				if k != "required" {
					cp[k] = v
				}
			}
			schemas[requestName] = cp
			ref := map[string]any{"$ref": "#/components/schemas/" + requestName}
			for _, pm := range [][2]string{{pRecords, "post"}, {pRecord, "put"}} {
				c, err := digMap(doc, "paths", pm[0], pm[1], "requestBody", "content", "application/json")
				if err != nil {
					return err
				}
				c["schema"] = ref
			}
			for _, name := range []string{"dns-records_dns-record-batch-post", "dns-records_dns-record-batch-put"} {
				s, err := digMap(schemas, name)
				if err != nil {
					return err
				}
				all, _ := s["allOf"].([]any)
				for i, a := range all {
					if a.(map[string]any)["$ref"] == recordRef {
						all[i] = ref
					}
				}
			}
			return nil
		},
	},
	{
		Name: "dns-patch-bodies-are-partial",
		Reason: "PATCH bodies and batch patches are partial updates (\"fields not given keep their value\"), yet " +
			"the schema types them as a full record (type, name and content required). They are checked as " +
			"objects (batch patches: with their required id).",
		apply: func(doc map[string]any) error {
			c, err := digMap(doc, "paths", pRecord, "patch", "requestBody", "content", "application/json")
			if err != nil {
				return err
			}
			if c["schema"].(map[string]any)["$ref"] != recordRef {
				return errors.New("PATCH body is no longer the full record schema; remove this patch")
			}
			c["schema"] = map[string]any{"type": "object"}
			schemas, err := digMap(doc, "components", "schemas")
			if err != nil {
				return err
			}
			schemas["dns-records_dns-record-batch-patch"] = map[string]any{
				"type": "object", "required": []any{"id"},
				"properties": map[string]any{"id": map[string]any{"$ref": "#/components/schemas/dns-records_identifier"}},
			}
			return nil
		},
	},
	{
		Name: "rulesets-null-result",
		Reason: "Ruleset failures say result is enum [null] (and the base response leaves result untyped) " +
			"without `nullable: true`, which OpenAPI 3.0 needs for a null value; the null result of every " +
			"ruleset error could never validate.",
		apply: func(doc map[string]any) error {
			fr, err := digMap(doc, "components", "responses", "rulesets_Failure", "content", "application/json", "schema")
			if err != nil {
				return err
			}
			all, _ := fr["allOf"].([]any)
			if len(all) != 2 {
				return errors.New("rulesets_Failure changed shape; review this patch")
			}
			res, err := digMap(all[1], "properties", "result")
			if err != nil {
				return err
			}
			if res["nullable"] == true {
				return errors.New("rulesets_Failure result is nullable now; remove this patch")
			}
			res["nullable"] = true
			base, err := digMap(doc, "components", "schemas", "rulesets_Response", "properties", "result")
			if err != nil {
				return err
			}
			base["nullable"] = true
			return nil
		},
	},
	{
		Name: "redirect-target-url-oneof",
		Reason: "from_value.target_url is oneOf({value}, {expression}) with neither branch requiring its " +
			"property, so every target_url matches both branches and fails oneOf. Each branch requires its own " +
			"property, as the SDK's union does.",
		apply: func(doc map[string]any) error {
			all, err := dig(doc, "components", "schemas", "rulesets_RedirectRule", "allOf")
			if err != nil {
				return err
			}
			target, err := digMap(all.([]any)[1], "properties", "action_parameters", "properties", "from_value", "properties", "target_url")
			if err != nil {
				return err
			}
			branches, _ := target["oneOf"].([]any)
			if len(branches) != 2 {
				return errors.New("target_url no longer has two branches; review this patch")
			}
			for i, key := range []string{"value", "expression"} {
				b := branches[i].(map[string]any)
				if _, ok := b["required"]; ok {
					return errors.New("target_url branches require their property now; remove this patch")
				}
				b["required"] = []any{key}
			}
			return nil
		},
	},
	{
		Name: "cache-edge-ttl-required",
		Reason: "set_cache_settings.edge_ttl requires mode, default and status_code_ttl in the 2024 schema; the " +
			"SDK (SetCacheSettingsRuleActionParametersEdgeTTLParam) and the docs require only mode " +
			"(e.g. {\"mode\": \"respect_origin\"}).",
		apply: func(doc map[string]any) error {
			all, err := dig(doc, "components", "schemas", "rulesets_SetCacheSettingsRule", "allOf")
			if err != nil {
				return err
			}
			et, err := digMap(all.([]any)[1], "properties", "action_parameters", "properties", "edge_ttl")
			if err != nil {
				return err
			}
			if req, _ := et["required"].([]any); !containsAny(req, "status_code_ttl") {
				return errors.New("edge_ttl no longer requires status_code_ttl; remove this patch")
			}
			et["required"] = []any{"mode"}
			return nil
		},
	},
	{
		Name: "cache-browser-ttl-bypass",
		Reason: "browser_ttl.mode \"bypass\" exists in the SDK the tool uses " +
			"(SetCacheSettingsRuleActionParametersBrowserTTLModeBypass) but not in the 2024 schema's enum " +
			"(README 'known gaps'); it is added.",
		apply: func(doc map[string]any) error {
			all, err := dig(doc, "components", "schemas", "rulesets_SetCacheSettingsRule", "allOf")
			if err != nil {
				return err
			}
			mode, err := digMap(all.([]any)[1], "properties", "action_parameters", "properties", "browser_ttl", "properties", "mode")
			if err != nil {
				return err
			}
			enum, _ := mode["enum"].([]any)
			if containsAny(enum, "bypass") {
				return errors.New("browser_ttl mode bypass is in the schema now; remove this patch")
			}
			mode["enum"] = append(enum, "bypass")
			return nil
		},
	},
	{
		Name: "ruleset-id-read-only",
		Reason: "rulesets_Ruleset requires id, which is read-only only through allOf(RulesetId, {readOnly}); " +
			"validators that honour readOnly per property (kin-openapi) then demand an id in PUT bodies. The " +
			"readOnly flag is set on the property itself.",
		apply: func(doc map[string]any) error {
			id, err := digMap(doc, "components", "schemas", "rulesets_Ruleset", "properties", "id")
			if err != nil {
				return err
			}
			if id["readOnly"] == true {
				return errors.New("ruleset id is readOnly at the property level now; remove this patch")
			}
			id["readOnly"] = true
			return nil
		},
	},
	{
		Name: "setting-edit-body-is-value",
		Reason: "PATCH /settings/{setting_id} is typed as the full setting object (id required, oneOf every " +
			"setting), but the documented call and the SDK (zones.SettingEditParams) send {\"value\": …}.",
		apply: func(doc map[string]any) error {
			c, err := digMap(doc, "paths", pSetting, "patch", "requestBody", "content", "application/json")
			if err != nil {
				return err
			}
			if c["schema"].(map[string]any)["$ref"] != "#/components/schemas/zones_setting" {
				return errors.New("setting PATCH body changed; remove this patch")
			}
			c["schema"] = map[string]any{"type": "object", "required": []any{"value"}}
			return nil
		},
	},
}

// walkUnions calls f on every oneOf or anyOf list under v that holds a $ref to
// member, and stores what f returns in its place.
func walkUnions(v any, member string, f func([]any) []any) {
	switch x := v.(type) {
	case map[string]any:
		for _, k := range []string{"oneOf", "anyOf"} {
			if u, ok := x[k].([]any); ok {
				for _, m := range u {
					if ref, _ := m.(map[string]any)["$ref"].(string); ref == member {
						x[k] = f(u)
						break
					}
				}
			}
		}
		for _, c := range x {
			walkUnions(c, member, f)
		}
	case []any:
		for _, c := range x {
			walkUnions(c, member, f)
		}
	}
}

func containsAny(xs []any, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
