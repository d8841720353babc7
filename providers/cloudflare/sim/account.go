package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// The account the simulator models: the token's permission groups, the zones' plan
// and its limits, and the records Email Routing owns. The facts and their sources
// are in package cfplan and in doc.go.

// accountCodes are the error codes of this file (see errors.go for the others).
const (
	// CodeAuthError is the 403 a token lacking the endpoint's permission group gets:
	// {"code":10000,"message":"Authentication error"} (FACTS.md §9 row 3, 3p
	// terraform-provider-cloudflare#913, #1533).
	CodeAuthError = 10000
	// CodeRecordQuota is "Record quota exceeded." (3p, e.g. octodns-cloudflare and
	// community reports of 81045).
	CodeRecordQuota = 81045
	// CodeCommentTooLong (sim): a record comment longer than the plan allows.
	CodeCommentTooLong = 9155
	// CodeTagsUnavailable (sim): tags on a plan without them.
	CodeTagsUnavailable = 9156
	// CodeRecordReadOnly (sim): editing or deleting a record the API marks
	// meta.read_only (Email Routing's records).
	CodeRecordReadOnly = 9157
	// CodeRuleLimit (sim): more rules in a phase than the plan allows.
	CodeRuleLimit = 20024
	// CodeNotEntitled (sim): a rule uses a feature the plan lacks (matches, a short
	// edge TTL).
	CodeNotEntitled = 20025
)

// accountOptions validates and completes the account part of Options.
func (o *Options) accountOptions() error {
	p, err := cfplan.Parse(o.Plan)
	if err != nil {
		return err
	}
	o.Plan = p
	if o.RecordQuota < 0 {
		return fmt.Errorf("record quota %d: must be >= 0", o.RecordQuota)
	}
	if o.Permissions != nil {
		gs, err := cfplan.ParseGroups(strings.Join(o.Permissions, ","))
		if err != nil {
			return err
		}
		if gs == nil {
			gs = []string{}
		}
		o.Permissions = gs
	}
	return nil
}

// limits returns the simulated plan's limits, with RecordQuota applied.
func (s *Server) limits() cfplan.Limits {
	l, _ := cfplan.For(s.opts.Plan)
	if s.opts.RecordQuota > 0 {
		l.Records = s.opts.RecordQuota
	}
	return l
}

// groups returns the permission groups a credential holds: every group without
// Options.Permissions, and for the legacy key (which is the whole account).
func (s *Server) groups(c credential) []string {
	if s.opts.Permissions == nil || c.token == "" {
		return cfplan.Groups
	}
	return s.opts.Permissions
}

// requiredGroups returns the permission groups of which a request needs one (nil:
// none). Zones need Zone Read, DNS reads DNS Read, DNS writes DNS Write, settings
// Zone Settings Read/Write: the 2024 schema's x-cfPermissionsRequired and the API
// reference's "Accepted Permissions" (https://developers.cloudflare.com/api/).
// Rulesets listed or addressed by id accept any rule group: the API reference lists
// the rule-product groups as alternatives ("at least one required"). A phase's
// entrypoint needs the group of its product (Single Redirect = API "Dynamic URL
// Redirects", Cache Rules = API "Cache Settings"): [inferred] from the permission
// table tying each group to one product, since the API reference lists the same
// alternatives for every phase (sim/doc.go has the table of sources).
func requiredGroups(pattern string, r *http.Request) []string {
	method, path, _ := strings.Cut(pattern, " ")
	write := method != http.MethodGet
	switch {
	case pattern == "" || path == "/user/tokens/verify":
		return nil
	case path == "/zones" || path == "/zones/{zone_id}":
		return []string{cfplan.ZoneRead}
	case strings.HasPrefix(path, "/zones/{zone_id}/dns_records"):
		if write {
			return []string{cfplan.DNSEdit}
		}
		return []string{cfplan.DNSRead}
	case strings.HasPrefix(path, "/zones/{zone_id}/settings"):
		if write {
			return []string{cfplan.SettingsEdit}
		}
		return []string{cfplan.SettingsRead}
	case strings.HasPrefix(path, "/zones/{zone_id}/rulesets/phases/"):
		if g := cfplan.PhaseGroup(r.PathValue("ruleset_phase"), write); g != "" {
			return []string{g}
		}
		return nil
	case strings.HasPrefix(path, "/zones/{zone_id}/rulesets"):
		if write {
			return []string{cfplan.RedirectEdit, cfplan.CacheRulesEdit}
		}
		return []string{cfplan.RedirectRead, cfplan.CacheRulesRead}
	}
	return nil
}

// authorize answers 403 code 10000 when the credential holds none of the groups the
// endpoint needs.
func (s *Server) authorize(pattern string, r *http.Request, c credential) *apiError {
	need := requiredGroups(pattern, r)
	if need == nil {
		return nil
	}
	have := s.groups(c)
	for _, g := range need {
		if cfplan.Has(have, g) {
			return nil
		}
	}
	return errf(http.StatusForbidden, CodeAuthError, "Authentication error")
}

// planObject is the zone object's plan, as the API shows it for the simulated plan.
// The Free plan's id is Cloudflare's; the paid plans' ids are the simulator's own.
func (s *Server) planObject() map[string]any {
	l := s.limits()
	ids := map[string]string{
		cfplan.Free: "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", cfplan.Pro: "a577b510288e82b26486fa3c8b0b9c4e",
		cfplan.Business: "bf7b9f6e4f0d46d1b1f4d0e9d3f1a002", cfplan.Enterprise: "e2f3c6a2b1d04e8f9a7b6c5d4e3f2a10",
	}
	price := map[string]int{cfplan.Free: 0, cfplan.Pro: 25, cfplan.Business: 250, cfplan.Enterprise: 0}
	freq := "monthly"
	if l.Plan == cfplan.Free {
		freq = ""
	}
	return map[string]any{
		"id": ids[l.Plan], "name": l.Name, "price": price[l.Plan], "currency": "USD", "frequency": freq,
		"is_subscribed": l.Plan != cfplan.Free, "can_subscribe": false, "legacy_id": l.Plan,
		"legacy_discount": false, "externally_managed": false,
	}
}

// zoneObject is a zone as the API answers it to this request's credential: the
// simulated plan, and the permissions the token holds on the zone.
func (s *Server) zoneObject(z *zone, r *http.Request) wireZone {
	w := z.wireZone()
	w.Plan = s.planObject()
	w.Permissions = cfplan.ZonePermissions(s.groups(credentialFrom(r.Context())))
	return w
}

// checkRecordPlan checks a record about to be written against the plan: comment
// length (counted in characters) and tags.
func (s *Server) checkRecordPlan(rec *record) *apiError {
	l := s.limits()
	if n := utf8.RuneCountInString(rec.Comment); n > l.Comment {
		return dnsValidation(CodeCommentTooLong, "DNS record comment is %d characters long; the %s plan allows %d.", n, l.Name, l.Comment)
	}
	if len(rec.Tags) > 0 && !l.Tags {
		return dnsValidation(CodeTagsUnavailable, "DNS record tags are not available on the %s plan.", l.Name)
	}
	return nil
}

// checkQuota refuses a zone that would hold more records than the plan's quota.
func (s *Server) checkQuota(n int) *apiError {
	if q := s.limits().Records; n > q {
		return errf(http.StatusBadRequest, CodeRecordQuota, "Record quota exceeded. The zone would hold %d records; its quota is %d.", n, q)
	}
	return nil
}

// checkWritable refuses changing or deleting a record the API marks read-only.
func checkWritable(rec *record) *apiError {
	if rec != nil && rec.ReadOnly != "" {
		return errf(http.StatusBadRequest, CodeRecordReadOnly, "This record is managed by %s and is read-only.", rec.ReadOnly)
	}
	return nil
}

// checkRulesPlan checks a phase's new rule list against the plan: the number of
// rules, the minimum edge TTL of cache rules, and the matches operator.
func (s *Server) checkRulesPlan(phase string, rules []*rule) *apiError {
	l := s.limits()
	limit := 0
	switch phase {
	case phaseRedirect:
		limit = l.RedirectRules
	case phaseCache:
		limit = l.CacheRules
	default:
		return nil
	}
	if len(rules) > limit {
		return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{Code: CodeRuleLimit,
			Message: fmt.Sprintf("exceeded maximum number of rules in the phase %s: %d rules, the %s plan allows %d", phase, len(rules), l.Name, limit),
			Source:  &apiSource{Pointer: "/rules"}}}}
	}
	for i, r := range rules {
		if !l.Matches && cfplan.UsesMatches(r.Expression) {
			return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{Code: CodeNotEntitled,
				Message: fmt.Sprintf("not entitled: the matches operator needs a Business or Enterprise plan (this zone is on the %s plan)", l.Name),
				Source:  &apiSource{Pointer: fmt.Sprintf("/rules/%d/expression", i)}}}}
		}
		if phase != phaseCache || len(r.ActionParameters) == 0 {
			continue
		}
		var ap struct {
			EdgeTTL *struct {
				Mode    string   `json:"mode"`
				Default *float64 `json:"default"`
			} `json:"edge_ttl"`
		}
		if json.Unmarshal(r.ActionParameters, &ap) == nil && ap.EdgeTTL != nil && ap.EdgeTTL.Default != nil &&
			ap.EdgeTTL.Mode == "override_origin" && *ap.EdgeTTL.Default < float64(l.MinEdgeTTL) {
			return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{Code: CodeNotEntitled,
				Message: fmt.Sprintf("not entitled: edge_ttl.default %v is below the %s plan's minimum of %d seconds", *ap.EdgeTTL.Default, l.Name, l.MinEdgeTTL),
				Source:  &apiSource{Pointer: fmt.Sprintf("/rules/%d/action_parameters/edge_ttl/default", i)}}}}
		}
	}
	return nil
}

// Known rule fields (schema rulesets_Rule and the SDK's rule unions); any other field
// is refused, as the Rulesets API refuses fields it does not know.
var knownRuleFields = setOf("id", "ref", "version", "action", "action_parameters", "description", "enabled",
	"expression", "logging", "last_updated", "categories", "ratelimit", "exposed_credential_check", "position")

// Known action_parameters of the two phases launchready writes (schema
// rulesets_RedirectRule and rulesets_SetCacheSettingsRule, with the SDK's additions).
var knownActionParams = map[string]map[string]bool{
	phaseRedirect: setOf("from_value", "from_list"),
	phaseCache: setOf("cache", "edge_ttl", "browser_ttl", "cache_key", "cache_reserve", "serve_stale",
		"respect_strong_etags", "origin_cache_control", "origin_error_page_passthru", "read_timeout",
		"additional_cacheable_ports", "strip_etags", "strip_last_modified", "strip_set_cookie",
		"shared_dictionary", "vary"),
}

// unknownRuleFields reports fields of a rule (and of its action_parameters, in the
// phases launchready writes) that the Rulesets API does not know.
func unknownRuleFields(phase, p string, m map[string]json.RawMessage, add func(pointer, format string, args ...any)) {
	for k := range m {
		if !knownRuleFields[k] {
			add(p+"/"+k, "unknown field %q", k)
		}
	}
	known := knownActionParams[phase]
	raw, ok := m["action_parameters"]
	var action string
	_ = json.Unmarshal(m["action"], &action)
	if known == nil || !ok || action != map[string]string{phaseRedirect: "redirect", phaseCache: "set_cache_settings"}[phase] {
		return // a wrong action is reported by validateRule
	}
	var ap map[string]json.RawMessage
	if json.Unmarshal(raw, &ap) != nil {
		return
	}
	for k := range ap {
		if !known[k] {
			add(p+"/action_parameters/"+k, "unknown field %q", k)
		}
	}
}

// planLimits returns a plan's limits (Options.Plan is already checked).
func planLimits(plan string) cfplan.Limits {
	l, _ := cfplan.For(plan)
	return l
}

// checkWrite checks a record about to be stored: conflicts with the other records,
// the plan's comment and tag rules, and the quota for a zone that will hold n records.
func (s *Server) checkWrite(records []*record, rec *record, n int) *apiError {
	if e := checkConflicts(records, rec); e != nil {
		return e
	}
	if e := s.checkRecordPlan(rec); e != nil {
		return e
	}
	return s.checkQuota(n)
}

// readOnlyMeta is the meta object of a read-only record. read_only is what the API
// documents (schema dns-records_meta; Email Routing "locks" its records:
// https://developers.cloudflare.com/email-routing/setup/email-routing-dns-records/);
// email_routing and auto_added are inferred.
func readOnlyMeta(r *record) map[string]any {
	m := map[string]any{"read_only": true, "auto_added": true}
	if r.ReadOnly == emailRoutingProduct {
		m["email_routing"] = true
	}
	return m
}

// emailRoutingProduct names Email Routing as the owner of its records.
const emailRoutingProduct = "Email Routing"

// emailRoutingDKIM is the public key of the simulator's Email Routing DKIM record
// (a fixed 2048-bit RSA key, so that the record is the same on every start).
const emailRoutingDKIM = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyEy3GG0y+IbsfeQ+YqKv9DJi11MWBHfTFffrBNHSVgm4aplMnoUw7rxFXu1PB/4IqeHsn1+l6T6wfZqImzJVkKtcw5qeAsHBEbYZF0PPWPY+VCVtNXSEVIrk3poKnka0yl4eKWuBwyIwMCIANPaMwFjjV1GBNSETcf4aUE3/WLR7gXc1OSRdjGaLc0VT5+c1tmBHY4/sxAiVU+m5HQ2mpsERZYr7RWakfgMxu7Ef4QXDtog+xdhbCpkSIdym3X9TmvseP5XqXmgeMMgWvobDxCHu/8jVW4j+tii7AU8cBTr+jAQVGfehGFWHqAPSkD/ygsnKxWj4Oe93UK3rgSl9GwIDAQAB"

// enableEmailRouting adds the records Cloudflare's Email Routing adds to a zone: three
// MX records on route1-3.mx.cloudflare.net, the SPF record including
// _spf.mx.cloudflare.net and a DKIM key at cf2024-1._domainkey
// (https://developers.cloudflare.com/email-routing/setup/email-routing-dns-records/,
// https://developers.cloudflare.com/email-routing/postmaster/), all read-only. It
// reports whether it added anything (a zone that has them already is left as is).
func (st *state) enableEmailRouting(name string, now time.Time) (bool, error) {
	c, err := model.CanonicalZone(name)
	if err != nil {
		return false, fmt.Errorf("zone %q: %w", name, err)
	}
	z := st.zoneByName(c)
	if z == nil {
		return false, fmt.Errorf("zone %s does not exist (add it with --zone)", c)
	}
	for _, r := range z.Records {
		if r.ReadOnly == emailRoutingProduct {
			return false, nil
		}
	}
	add := func(rname, typ, content string, prio *int) {
		if typ == "TXT" {
			if n, e := normalizeTXT(content); e == nil {
				content = n
			}
		}
		z.Records = append(z.Records, &record{ID: newID(), Name: rname, Type: typ, Content: content, Priority: prio,
			TTL: 1, ReadOnly: emailRoutingProduct, CreatedOn: now, ModifiedOn: now})
	}
	for i, p := range []int{13, 86, 24} {
		prio := p
		add(c, "MX", fmt.Sprintf("route%d.mx.cloudflare.net", i+1), &prio)
	}
	add(c, "TXT", `"v=spf1 include:_spf.mx.cloudflare.net ~all"`, nil)
	add("cf2024-1._domainkey."+c, "TXT", `"v=DKIM1; h=sha256; k=rsa; p=`+emailRoutingDKIM+`"`, nil)
	z.Serial++
	return true, nil
}
