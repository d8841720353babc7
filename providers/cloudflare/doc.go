// Package cloudflare is launchready's Cloudflare provider: it reads and writes a
// zone's DNS records, zone settings and entrypoint rulesets (Single Redirects, Cache
// Rules) through Cloudflare's API v4 with cloudflare-go v7, in as few requests as the
// API allows.
//
// It is not the Cloudflare API simulator (sub-package sim), and it does no planning or
// ownership decisions: it turns API objects into launchready's model (canonical names
// and values) and model writes into API requests, nothing more.
//
// # API for the CLI
//
//	p, err := cloudflare.New(cloudflare.Options{
//		BaseURL:           "",  // "" = CLOUDFLARE_BASE_URL, else api.cloudflare.com
//		Token:             "",  // "" = CLOUDFLARE_API_TOKEN; never logged
//		BatchLimit:        0,   // records per batch request; 0 = 200
//		RequestsPerSecond: 0,   // pacing across zones; 0 = 4 (unpaced on loopback), <0 = unpaced
//		Burst:             0,   // 0 = 4
//		MaxRetries:        0,   // SDK retries of 408/409/429/5xx; 0 = 4, negative = none
//		HTTPClient:        nil, // nil = the SDK's default
//		Logger:            log, // hclog; nil = silent
//	})
//	err = p.VerifyToken(ctx)                                     // 1 request
//	p.Prefetch(ctx, zones)                                       // start the lookups and record listings ReadZone will take (prefetch.go)
//	live, err := p.ReadZone(ctx, "example.com")                  // zone lookup (once) + 1 page per 5,000 records; live.Nameservers = name_servers
//	err = p.ApplyRecords(ctx, live, ops)                         // ceil(len(ops)/BatchLimit) batches
//	s, err := p.ReadSettings(ctx, "example.com", ids)            // 1 request (1 per setting once the bulk endpoint is gone)
//	err = p.WriteSettings(ctx, "example.com", s)                 // 1 PATCH per setting
//	rules, err := p.ReadRules(ctx, "example.com", model.PhaseRedirect) // 1 request
//	err = p.WriteRules(ctx, "example.com", model.PhaseRedirect, rules)  // 1 PUT
//	n := p.Requests()                                            // HTTP requests so far, retries included
//
// *Provider implements providers.Provider, providers.SettingsProvider and
// providers.RulesProvider, and is safe for concurrent use by several zones.
//
// # Behaviour
//
//   - Zone ids are looked up by name (GET /zones?name=…) once per Provider and cached;
//     an unknown zone is an error naming it. The same lookup keeps the zone's
//     name_servers (canonical, in the API's order), which ReadZone returns as
//     LiveZone.Nameservers without another request.
//   - ReadZone lists records with per_page=5000 and stops as soon as result_info shows
//     the last page (total_count reached, or a page shorter than the per_page the API
//     reports; else at an empty page): a 1,000-record zone costs 1 request (+1 for the
//     zone lookup on first use). It sends the SDK's dns.RecordListParams through the
//     client's generic Get and decodes with encoding/json, because the SDK's typed
//     pager decodes records about 80 times slower (a second per 1,000 records) and
//     always fetches an extra empty page. Names and values are canonical
//     (model.CanonicalValue): MX is "priority host", SRV and CAA come from `data`, TXT
//     is unquoted and joined (model.UnquoteTXT), ttl 1 reads as 0 (automatic). Types
//     launchready does not model keep their content as returned, so they show as
//     unmanaged and are never rewritten.
//   - ApplyRecords sends POST /zones/{id}/dns_records/batch: deletes, then patches (every
//     field: name, type, content or data, ttl, proxied, comment), then posts. Ops are cut
//     into batches of at most BatchLimit records, filled in the order deletes → updates →
//     creates, so no create runs before a delete. TXT is always sent as quoted strings of
//     at most 255 bytes (model.QuoteTXT); automatic and proxied TTL is sent as 1. Each
//     batch is atomic at the API; a failure names the record (from the error's
//     source.pointer such as "/posts/3", a "posts[3]:" prefix in its message, or a
//     record name in the message) and which earlier batches were applied. It says that
//     nothing in the failed batch was applied only when every attempt was refused
//     with a 4xx; after a lost connection or a 5xx (which the SDK retries) the batch
//     may have been applied, and the error says so.
//   - ReadSettings reads GET /zones/{id}/settings once; switches are "on"/"off", and
//     security_header fills model.Settings.HSTS. That bulk endpoint is deprecated,
//     end of life 2027-03-31 (Cloudflare's API deprecations page, "Zone Settings
//     Batch API", extended from 2026-09-15): once it answers 404/405/410 or code 7000, each setting is read with
//     GET /zones/{id}/settings/{setting_id} (one request per setting, plus
//     ssl_automatic_mode with ssl). WriteSettings PATCHes each setting given
//     (zones.Settings.Edit).
//   - ReadRules reads the phase's entrypoint; a phase never configured (404, code
//     10003) has no rules. Redirect and set_cache_settings parameters map to
//     model.RedirectAction and model.CacheAction; a rule launchready does not own
//     (no model.RefPrefix ref) always keeps its action_parameters verbatim in Rule.Raw,
//     and an owned rule keeps Raw when it carries parameters the model lacks. Rule
//     fields outside the model (logging, …) on an owned rule are sent back by
//     WriteRules, which re-reads the entrypoint and writes launchready's rules one at
//     a time through the per-rule endpoints (POST …/rules with a position, PATCH and
//     DELETE …/rules/{id}): a rule launchready does not own is never sent, so one made
//     by hand meanwhile survives. Only a phase never configured is created by one PUT.
//   - Every HTTP attempt passes an SDK middleware that paces requests with a shared
//     token bucket (providers.Pacer), counts them (Requests) and logs retries at debug
//     level (method, path, status, Retry-After: never headers or the token). Retries
//     are the SDK's: 408, 409, 429, 5xx and lost connections, honouring Retry-After
//     verbatim; a Retry-After longer than the context has left fails at once with the
//     API's 429 instead of sleeping into the deadline.
//   - API failures are reported with the HTTP status and every error code and message
//     (error_chain included); the SDK's *cloudflare.Error stays reachable with
//     errors.As.
package cloudflare
