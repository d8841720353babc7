// Package sim is a local simulator of the parts of Cloudflare's API v4 that launchready
// uses: token verify, zones, DNS records (list, get, create, overwrite, patch, delete,
// batch, export), zone settings and rulesets. It is product, not test scaffolding:
// `launchready sim` and `launchready demo` run it so that people can try launchready
// without an account, and every test of the Cloudflare provider runs against it.
//
// It is not a DNS server or an HTTPS edge (those read LiveZone), not a general
// Cloudflare emulator (other endpoints answer 404 "No route for that URI"), and not a
// security boundary: bind it to loopback.
//
// # Using it
//
//	srv, err := sim.New(sim.Options{Token: "dev", Zones: []string{"example.com"}})
//	base, err := srv.Start("127.0.0.1:0") // "http://127.0.0.1:PORT/client/v4"
//	defer srv.Close()
//	// CLOUDFLARE_BASE_URL=base CLOUDFLARE_API_TOKEN=dev, or with cloudflare-go v7:
//	client := cloudflare.NewClient(option.WithBaseURL(base), option.WithAPIToken("dev"))
//
// The API a caller (the CLI, the demo, tests) uses:
//
//	func New(opts Options) (*Server, error)             // loads Options.StatePath, creates Options.Zones
//	func (s *Server) Handler() http.Handler             // /client/v4/... and /__sim/...
//	func (s *Server) Start(addr string) (string, error) // listen and serve in the background; base URL ends in /client/v4
//	func (s *Server) Close() error
//	func (s *Server) AddZone(name string) (id string, err error)
//	func (s *Server) ZoneNames() []string
//	func (s *Server) SetZoneDelegation(name string, d ZoneDelegation) error // status, name servers, DNSSEC state
//	func (s *Server) LiveZone(name string) (*model.LiveZone, bool) // records (canonical model values), settings, rules, serial
//	func (s *Server) Stats() map[string]int             // "GET /zones/{zone_id}/dns_records" → requests served
//	func (s *Server) ResetStats()
//	func (s *Server) InjectFault(f Fault)               // 429/5xx with Retry-After, latency, dropped connections, replies lost after the write
//	func (s *Server) ClearFaults()
//
// Options: Token ("" accepts any well-formed token), Zones, BatchLimit (default 200),
// StatePath ("" = memory), Logger (hclog, nil discards; credentials are never logged),
// RateLimit and RateLimitWindow (429 emulation, off by default).
//
// # Simulator endpoints (outside /client/v4)
//
// When Options.Token is set they require "Authorization: Bearer <token>" (401
// otherwise); with no token they are open, like the API. Every write, here and under
// /client/v4, must be sent as Content-Type: application/json (415 otherwise), so that a
// web page cannot drive the simulator with a cross-site text/plain or form POST (those
// need no CORS preflight; see guard.go).
//
//	GET    /__sim/stats         request counts as JSON (same keys as Stats)
//	DELETE /__sim/stats         reset them
//	GET    /__sim/faults        active faults
//	POST   /__sim/faults        add a Fault or a list, e.g. {"method":"GET","path_prefix":"/zones/","status":429,"retry_after":0.5,"count":3}
//	DELETE /__sim/faults        clear them
//	GET    /__sim/zones         [{"id","name"}]
//	POST   /__sim/zones         {"name":"example.org"} adds a zone
//	GET    /__sim/zones/{name}  the zone's LiveZone as JSON
//	PATCH  /__sim/zones/{name}  {"status","name_servers","original_name_servers","dnssec"} (ZoneDelegation)
//	GET    /__sim/conformance   what the schema check found (Options.Conformance; see Conformance)
//
// Every API request passes, in order: counting (Stats), injected faults, authentication,
// the rate limit, then the endpoint.
//
// # Behaviour
//
// Answers use Cloudflare's envelope {success, errors, messages, result[, result_info]};
// success:false always comes with an HTTP status >= 400 (the SDK decodes anything below
// as success) and validation failures are never 409 or 5xx (the SDK retries those).
// Facts and sources are in shared/cloudflare-api/FACTS.md; where the 2024 schema and
// cloudflare-go v7.9.0 differ, the simulator follows the SDK.
//
//   - Authentication: "Authorization: Bearer <token>" or X-Auth-Email + X-Auth-Key.
//   - Zones: GET /zones filters name ("[operator:]value" with equal, not_equal,
//     starts_with, ends_with, contains and *_case_sensitive), status, account.id,
//     account.name, match, order, direction; per_page 5–50 (default 20).
//   - DNS lists: page/per_page (default 100, up to 5,000,000); filters type,
//     name[.exact|.contains|.startswith|.endswith] (bare name = exact), content.*,
//     comment.* (present, absent too), tag.* and bare tag, proxied, search, match,
//     tag_match; order (type, name, content, ttl, proxied) and direction. result_info is
//     {page, per_page, count, total_count, total_pages}; a page past the end answers
//     200 with result [] (the SDK's auto-pager stops on it, so a full read takes
//     ceil(N/per_page)+1 requests).
//   - Records: names are resolved to the full Punycode name ("@", relative names and
//     names outside the zone get the zone appended, as Cloudflare does); AAAA is stored
//     canonical; hostnames in content are lower case without a trailing dot; proxied
//     records always read back ttl 1; TXT content is stored as sent unless it is a
//     sequence of quoted strings, in which case strings over 255 bytes are split into
//     "…" "…"; MX has a top-level priority; SRV is written with data {priority, weight,
//     port, target} and read back with content "<weight> <port> <target>" (as the real
//     API answers), top-level priority and data; CAA is written with data {flags, tag,
//     value} and has content `0 issue "ca.example"`. Answers carry zone_id, zone_name,
//     proxiable, tags, meta {}, settings {}, created_on, modified_on and, when set,
//     comment, comment_modified_on, tags_modified_on. An empty comment is omitted
//     (Cloudflare sends null, which the 2024 schema does not allow; the SDK reads both
//     as ""). Stored types: every type of model.RecordTypes — A, AAAA, CNAME, MX,
//     TXT, SRV, CAA, NS, PTR, and HTTPS, SVCB, TLSA, SMIMEA, SSHFP, NAPTR, LOC, DS,
//     DNSKEY, CERT, URI written with `data` in the shape of Cloudflare's schema
//     (openapi-subset.json dns-records_<TYPE>Record; NAPTR's data.flags is a string,
//     CAA's a number), URI with a top-level priority like MX, OPENPGPKEY as content
//     (SDK v7.9.0). Their content is derived from data in presentation form and is
//     read-only; each missing data field answers 9101 (a record sent with content
//     only, e.g. SSHFP as "4 1 8f59…", gets "algorithm is a required data field."
//     [3p apache/libcloud#1512, cloudflare/salt-cloudflare#14: DS "key_tag is a
//     required data field."]), a field DNS cannot carry (TLSA usage 4, a digest of the
//     wrong length) answers 9005 naming it [inferred]. Hex is stored upper case
//     (Cloudflare returns SSHFP fingerprints upper case [3p
//     octodns/octodns-cloudflare#39]), host names lower case.
//   - Batch: deletes, then patches, then puts, then posts, each list in order, on a copy
//     of the zone; the copy is committed only when every operation succeeded. A failure
//     answers 400 with the failing operation's code and its message prefixed by the
//     sub-request, e.g. "posts[3]: An identical record already exists.". More than
//     BatchLimit operations (counted across the four lists) answer 400 code 81100.
//     The result lists the deleted records as they were, and the written ones.
//   - Export: a BIND zone file grouped by type, proxied records tagged
//     "cf_tags=cf-proxied:true". Import is not implemented (404).
//   - Settings: ssl (default off), always_use_https (off), min_tls_version ("1.0"),
//     tls_1_3 (off), automatic_https_rewrites (on), security_level (medium) and
//     security_header (HSTS; starts disabled, max_age 0–31536000; fields not sent keep
//     their value), taking the values of "Settings values and their sources" below;
//     ssl = origin_pull only on an Enterprise plan (400 1007 otherwise). Answers are {id, value, editable: true, modified_on} with
//     modified_on null until first changed. PATCH /settings takes
//     {"items":[{id,value}…]} or a bare array and applies nothing unless every value
//     is valid. (Cloudflare deprecated GET and PATCH /zones/{id}/settings on
//     2025-04-23, end of life 2027-03-31 (was 2026-09-15), for the per-setting endpoints: API
//     deprecations page, "Zone Settings Batch API". The simulator still serves them.)
//   - Rulesets: each zone lists a read-only managed ruleset (ddos_l7) and one entrypoint
//     (kind "zone", name "default" unless given) per configured phase. GET of a phase
//     never configured answers 404 code 10003 "could not find entrypoint ruleset in the
//     <phase> phase". PUT replaces the rule list, creating the entrypoint if needed, and
//     makes a new version; rules keep their order, their id (given, or found by ref),
//     and their ref (which defaults to the id); a rule's version grows only when it
//     changed; fields the simulator does not model (logging…) are kept verbatim.
//     ?dry_run=true validates and answers result null. The list is cursor-paginated
//     (per_page 1–100, default 50; result_info.cursor empty on the last page). Rules are
//     validated like the rulesets engine: http_request_dynamic_redirect takes only
//     "redirect" with from_value.target_url {value | expression} (one, non-empty) and
//     status_code 301/302/303/307/308; http_request_cache_settings takes only
//     "set_cache_settings" with valid edge_ttl/browser_ttl modes (default required for
//     override_origin); every rule needs an expression with balanced brackets and
//     quotes; refs are unique. Every problem is one error with source.pointer, e.g.
//     /rules/0/action_parameters/from_value/status_code.
//   - Delegation: a zone object's status is "active" unless set through
//     SetZoneDelegation or PATCH /__sim/zones/{name} to "initializing", "pending" or
//     "moved"; name_servers are the assigned pair (default
//     ns1/ns2.cloudflare-sim.invalid), original_name_servers the registrar's old ones
//     ([] by default). Cloudflare: a zone stays "pending" until the registrar lists
//     the assigned name servers, and becomes "moved" when they are taken away
//     (developers.cloudflare.com/dns/zone-setups/reference/domain-status/). The zone
//     list's status filter follows the stored status.
//   - DNSSEC: GET and PATCH /zones/{id}/dnssec answer cloudflare-go v7.9.0's
//     dns.DNSSEC (the endpoint is not in the shared schema subset): status, and
//     while not disabled algorithm "13", key_type "ECDSAP256SHA256", flags 257,
//     key_tag, public_key, digest_type "2", digest_algorithm "SHA256", digest (upper
//     case hex) and ds ("<zone>. 3600 IN DS <tag> 13 2 <DIGEST>"); disabled answers
//     null key fields. The key is a real P-256 key generated when DNSSEC is first
//     enabled and kept (only its public half is stored; the simulator signs nothing
//     and its DNS serves no DNSKEY or RRSIG). PATCH {"status":"active"} makes a
//     disabled zone "pending" (Cloudflare: "DNSSEC has been enabled but the
//     Cloudflare DS record has not been added at the registrar"); PATCH
//     {"status":"disabled"} makes an active zone "pending-disabled" (the DS is still
//     at the registrar) and a pending one "disabled"
//     (developers.cloudflare.com/dns/dnssec/dnssec-states/). What Cloudflare's
//     registrar check does is done by hand: the admin API's "dnssec" sets any of
//     active, pending, disabled, pending-disabled, error.
//   - Per-rule endpoints (docs: ruleset-engine/rulesets-api/add-rule, update-rule,
//     delete-rule; API reference rulesets/subresources/rules create, edit, delete):
//     POST /zones/{zone_id}/rulesets/{ruleset_id}/rules adds one rule (at the end, or
//     where "position" says: {"before": id} | {"after": id} | {"index": n}, 1-based);
//     PATCH …/rules/{rule_id} replaces that rule's definition (fields not sent take
//     their defaults, as the docs say) and may move it with "position";
//     DELETE …/rules/{rule_id} removes it. Each makes a new ruleset version, leaves
//     every other rule as it was, validates like PUT, and answers the whole ruleset.
//   - Faults (see Fault) and the rate limit answer 429 with code 971 and a
//     Retry-After header; injected 5xx answer code 10001. Drop closes the connection.
//   - State: with StatePath, state is JSON written atomically after every write; a
//     write that cannot be saved is rolled back and answered 500 code 10002.
//
// # Settings values and their sources
//
// Checked in December 2026 for a Free zone against Cloudflare's docs
// (developers.cloudflare.com, source github.com/cloudflare/cloudflare-docs), the API
// deprecations page (https://developers.cloudflare.com/fundamentals/api/reference/deprecations/,
// "deprecations" below) and cloudflare-go v7.9.0's enums (zones/setting.go). The
// simulator accepts exactly the API's values; launch.hcl's schema
// (schema/settings.go) accepts the same less origin_pull. "Free" says whether a Free
// zone may set the value.
//
//	setting / value               Free  verdict                                    source
//	ssl off|flexible|full|strict  yes   accepted; "strict" is Full (strict)        https://developers.cloudflare.com/ssl/origin-configuration/ssl-modes/
//	ssl origin_pull               no    Enterprise only ("Strict (SSL-Only         https://developers.cloudflare.com/ssl/origin-configuration/ssl-modes/ssl-only-origin-pull/
//	                                    Origin Pull)"); the sim refuses it on
//	                                    other plans (its 1007 answer is inferred)
//	ssl_automatic_mode auto|custom yes  Automatic SSL/TLS may change ssl by        https://developers.cloudflare.com/ssl/origin-configuration/ssl-modes/#automatic-ssltls-default
//	                                    itself; PATCH {"value":"custom"} opts out
//	always_use_https on|off       yes   accepted; needs ssl not off                https://developers.cloudflare.com/ssl/edge-certificates/additional-options/always-use-https/
//	min_tls_version 1.0…1.3       yes   accepted (zone level on every plan;        https://developers.cloudflare.com/ssl/edge-certificates/additional-options/minimum-tls/
//	                                    per-hostname needs ACM)
//	tls_1_3 on|off|zrt            yes   accepted; zrt = TLS 1.3 with 0-RTT         https://developers.cloudflare.com/ssl/edge-certificates/additional-options/tls-13/
//	                                    (0-RTT also has its own setting, 0rtt,     https://developers.cloudflare.com/speed/optimization/protocol/0-rtt-connection-resumption/
//	                                    available on Free; 3p
//	                                    terraform-provider-cloudflare#7118
//	                                    reports the two interfere)
//	automatic_https_rewrites on|off yes accepted                                   https://developers.cloudflare.com/ssl/edge-certificates/additional-options/automatic-https-rewrites/
//	security_header (HSTS)        yes   accepted; dashboard offers max-age 0       https://developers.cloudflare.com/ssl/edge-certificates/additional-options/http-strict-transport-security/
//	                                    (disable) or 1–12 months, preload lists
//	                                    need 12 months; the API's own upper
//	                                    bound is not published (31536000 here is
//	                                    the dashboard's: inferred)
//	security_level under_attack   yes   accepted and acts (I'm Under Attack mode)  https://developers.cloudflare.com/waf/tools/security-level/
//	security_level essentially_off, yes accepted but no effect since 2025-03-17:  https://developers.cloudflare.com/waf/tools/security-level/ and
//	  low, medium, high                 thresholds on a threat score that is now   deprecations ("Security Center: Security level and Threat
//	                                    always 0; the dashboard shows "Always      Score are now automated"); github.com/cloudflare/cloudflare-docs/pull/20794
//	                                    protected". launch.hcl warns.
//	security_level off            yes?  accepted by the schema and SDK; older      https://support.cloudflare.com/hc/en-us/articles/200170056 (old);
//	                                    docs said "Enterprise customers only",     3p alex-feel/terraform-cloudflare-zone#6
//	                                    today's do not say; not re-verified, so
//	                                    the simulator accepts it on every plan
//
// The zone settings API itself: per-setting GET/PATCH need Zone Settings Read/Write
// (https://developers.cloudflare.com/api/resources/zones/subresources/settings/methods/edit/,
// "Accepted Permissions"); the bulk GET/PATCH /zones/{id}/settings are deprecated, end
// of life 2027-03-31, extended on 2026-07-27 from 2026-09-15 (deprecations, "Zone
// Settings Batch API"). The 2024 schema marks the
// per-setting operations x-cfPlanAvailability free: false, which the docs above
// contradict (every setting here is available on Free): a schema quirk.
//
// # The account: permissions, plans, records Cloudflare owns
//
// Options.Permissions (`sim --token-permissions "Zone:Read,DNS:Edit"`) gives the
// accepted token only those permission groups, named as the dashboard's token editor
// names them (cfplan.Groups; Edit includes Read; nil = all). A missing group answers
// 403 {"code":10000,"message":"Authentication error"} (3p
// terraform-provider-cloudflare#913, #1533; favonia/cloudflare-ddns#897). What each
// endpoint needs, and where that comes from:
//
//	endpoints                           group (token editor)      source
//	GET /zones, /zones/{id}             Zone Read                 2024 schema x-cfPermissionsRequired "#zone:read"
//	GET dns_records, export             DNS Read                  2024 schema "#dns_records:read"; API reference "Accepted Permissions"
//	POST/PUT/PATCH/DELETE dns_records   DNS Write ("DNS:Edit")    2024 schema "#dns_records:edit"
//	POST dns_records/batch              DNS Write                 2024 schema names a separate key "#dns_records:batch"; that DNS
//	                                                              Write grants it is inferred (no separate group is listed)
//	GET/PATCH settings[/{id}]           Zone Settings Read/Write  2024 schema "#zone_settings:read|edit"; API reference (edit zone setting);
//	                                                              the SSL modes page's opt-out token (Zone Read, Zone Settings Read/Edit)
//	entrypoint of http_request_         Single Redirect           permission table: "Single Redirect … zone-level Single Redirects"
//	dynamic_redirect                    ("Dynamic URL Redirects"  (cloudflare-docs src/content/partials/fundamentals/zone-permissions-table.mdx);
//	                                    in the API)               the API name from https://developers.cloudflare.com/rules/url-forwarding/single-redirects/create-api/
//	entrypoint of http_request_         Cache Rules ("Cache       permission table: "Cache Rules … Cache Rules"; API name from the
//	cache_settings                      Settings" in the API)     same create-api list
//	rulesets listed or by id, per-rule  any rule group            API reference (rulesets get, phases get, create-api pages): "at least
//	endpoints                                                     one" of a long list of rule-product groups
//
// [inferred] That a phase's entrypoint refuses a token holding only another
// product's rule group: the API reference lists the rule groups as alternatives for
// every ruleset endpoint, without saying which phase each one opens; the permission
// table ties each group to one product, and the simulator enforces that pairing.
// The zone object's permissions list ("#dns_records:edit"…) shows the token's groups
// in the legacy "#resource:level" form of x-cfPermissionsRequired;
// "#single_redirect:…" and "#cache_rules:…" are [inferred] (the schema gives
// the ruleset endpoints no such key).
//
// Options.Plan (free, pro, business, enterprise; `--plan`) is the zone object's
// plan ({id, name "Free Website", legacy_id "free", …}; the paid plans' ids are the
// simulator's own) and sets the limits (package cfplan, each with its docs URL):
// records per zone (Free 200, paid 3,500; Options.RecordQuota overrides; over it 400
// code 81045 "Record quota exceeded.", 3p), batch size (81100, sim), comment length
// (Free 100, paid 500; 9155, sim code), tags (paid only; 9156, sim code), rules
// per phase (Free 10, Pro 25, Business 50, Enterprise 300; 20024, sim code), the
// minimum edge TTL of a cache rule (Free 7200 s, Pro 3600, Business and Enterprise
// 1; 20025, sim code) and the matches operator (Business and up; 20025).
// Rules and their action_parameters with a field the Rulesets API does not know
// answer 20021 with the field's pointer (the API's exact answer is inferred).
//
// Options.EmailRouting (`--email-routing ZONE`) adds the records Email Routing adds
// (https://developers.cloudflare.com/email-routing/setup/email-routing-dns-records/):
// MX route1/2/3.mx.cloudflare.net, TXT "v=spf1 include:_spf.mx.cloudflare.net ~all"
// and a DKIM key at cf2024-1._domainkey, with meta {read_only: true, email_routing:
// true, auto_added: true} (read_only is the API's field; the other two inferred).
// Changing or deleting one answers 400 code 9157 (sim code), alone or in a batch.
//
// Automatic SSL/TLS: the setting ssl_automatic_mode ("auto" | "custom", default
// custom, inferred for older zones) says whether Cloudflare picks the encryption mode;
// PATCH ssl makes it custom. GET /settings lists it only when auto (the 2024 schema
// the conformance check uses predates it).
//
// # Error codes
//
// Codes Cloudflare is known to send are used as is; where Cloudflare's code is unknown
// the simulator picks a stable one, marked "sim" (all are the Code* constants). The
// source column says where each real code and answer shape was seen: Cloudflare's
// docs, or third-party (3p) threads quoting real answers; FACTS = the numbered rows of
// shared/cloudflare-api/FACTS.md §9, which name several. A status the sources do not
// show is [inferred].
//
//	status code     when                                          source
//	400  9106       no Authorization / X-Auth-* header            FACTS row 1 (3p, many)
//	400  6003       malformed auth header, error_chain 6111       3p kissgyorgy/cloudflare-dyndns#40, Ultimate-Multisite/ultimate-multisite#73
//	                (Authorization) or 6102/6103 (X-Auth-*)       (2025), NewFuture/DDNS#152, acmesh-official/acme.sh#6435 (2025)
//	401  9109       token not accepted                            code: 3p octodns/octodns-cloudflare#60, jeessy2/ddns-go#1341 (403 there,
//	                                                              for a token refused by its IP filter); 401 for an unknown token [inferred]
//	401  1000       "Invalid API Token" on /user/tokens/verify    FACTS row 4 (3p); status [inferred]
//	403  9103       legacy key not accepted                       message "Unknown X-Auth-Key or X-Auth-Email": 3p netcccyun/dnsmgr#245 (2025)
//	403  10000      "Authentication error": the token lacks the   3p terraform-provider-cloudflare#913, #1533, hieunc229/mailflare#1 (2026,
//	                permission group                              403), sebdesign/artisan-cloudflare#16
//	400/404 7003    malformed / unknown zone id (+7000)           FACTS row 5 (3p, many)
//	404  7000       no such endpoint (405 7001, sim: endpoint     FACTS row 5
//	                exists with another method)
//	400  9207       body is not valid JSON                        FACTS (3p) "Request body is invalid."
//	400  1001       query parameter out of range                  sim
//	400  9000       invalid name (label over 63, name over 253,   message "DNS name is invalid.": 3p cisagov/manage.get.gov#5244 (2026);
//	                bad characters)                               the simulator appends why
//	400  9003       proxied not a boolean                         FACTS (3p, then inside 1004)
//	400  9004       proxied on a type other than A, AAAA, CNAME   FACTS row 9 (docs + 3p)
//	400  9005       content invalid for the type                  3p yulewang/cloudflare-api-v4-ddns#16 ("Content for A record must be a
//	                                                              valid IPv4 address.")
//	400  9021       TTL not 1 and not 60–86400                    3p timothymiller/cloudflare-ddns#179 (2024): "TTL must be between 60 and
//	                                                              86400 seconds, or 1 for Automatic."
//	400  9101       "<field> is a required data field."           3p apache/libcloud#1512, cloudflare/salt-cloudflare#14
//	400  9020       unsupported type; 9150 comment with a line    sim (Cloudflare's codes not found; a 3p mock, cisagov/manage.get.gov,
//	                break; 9151 bad tag; 9152 TXT over 2,048      answers 81061 "Combined content length of records with this name and
//	                characters; 9153 TXT over 8,192 on one name;  type must not exceed 8192 characters." for 9153's case, and its issue
//	                9154 field of the wrong type; 9155 comment    #5244 quotes 9015 "Record content exceeds the allowed length of 4096
//	                too long; 9156 tags on Free                   wire format bytes." — neither is a verbatim API answer, so kept as sim)
//	400  81053      CNAME on a name with A/AAAA/CNAME             https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/; FACTS row 7
//	400  81054      A/AAAA on a CNAME's name                      same page; FACTS row 7
//	400  81055      NS sharing a name with another type           sim (the 2024 schema states the rule, not the code)
//	400  81058      identical record (type, name, content and     3p cisagov/manage.get.gov#5244 (2026) "An identical record already
//	                priority); older answers said 81057           exists."; 81057: 3p NewFuture/DDNS#21, joshuaavalon/docker-cloudflare#76
//	404  81044      record does not exist (400 inside a batch)    code and message: 3p zanjie1999/cloudflare-api-v4-ddns#5; status [inferred]
//	400  81045      "Record quota exceeded."                      3p js-org/js.org#2873 ("(Code: 81045)"), ZoneABC/ZoneABC#30 (2025)
//	400  81100      batch over BatchLimit operations              sim
//	400  1007       "Invalid value for zone setting <id>"         FACTS row 19, 3p terraform-provider-cloudflare#5423
//	404  1003       unknown zone setting                          sim
//	404  10003      entrypoint never configured                   FACTS row 21 (3p, several)
//	404  10005/10006 unknown ruleset / rule id                    sim
//	400  20003      unknown phase; 20021 rule validation, with    sim (source.pointer itself: 2024 schema rulesets_Message)
//	                source.pointer; 20022 PUT of the managed
//	                ruleset; 20024/20025 plan limits (below)
//	429  971        rate limit or injected 429                    https://developers.cloudflare.com/fundamentals/api/reference/limits/; FACTS row 23
//	5xx  10001      injected fault; 500 10002 state not saved     sim
//
// DNS validation failures answer the cause itself. Until 2024-10-01 Cloudflare
// wrapped it as {"code":1004,"message":"DNS Validation Error","error_chain":[cause]}
// (the 3p answers from before that date show it); since then "the error_chain will
// be omitted, returning the root cause directly" (API deprecations page, "DNS
// Records: Error chains for DNS validation errors"). The authentication 6003 answer
// keeps its error_chain (3p answers of 2025 and 2026 above).
//
// # Conformance
//
// Package conformance (providers/cloudflare/sim/conformance) holds exchanges against
// shared/cloudflare-api/openapi-subset.json (Cloudflare's 2024-08-06 schema) with
// kin-openapi. With Options.Conformance set (`launchready sim --conformance FILE`, a
// hidden flag, or LAUNCHREADY_SIM_CONFORMANCE=FILE) its middleware wraps the handler:
// every /client/v4/ request is validated as it arrives and every answer as written,
// the request is served whatever the outcome, each failure is printed to stderr
// ("SCHEMA CONFORMANCE FAILURE: METHOD PATH: what: detail") and GET /__sim/conformance
// answers {"enabled", "checked", "failures": [{"method","path","what","detail"}]}.
// /__sim/* is not Cloudflare's API and is not checked. A request sent malformed on
// purpose carries the header Launchready-Conformance-Invalid-Request: <why>; only its
// answer is checked.
//
// Three suites run with it: this package's tests (the SDK and a raw client send
// through the checker's RoundTripper), the Cloudflare provider's tests (the simulator
// with the middleware; the provider's requests to their scripted server too) and the
// end-to-end tests (every `launchready sim` they start; a test fails for each
// failure the simulator recorded). So the simulator's answers and launchready's own
// requests are both held to Cloudflare's schema.
//
// The schema's known quirks and gaps are corrected by named patches, each with its
// reason and each failing once the quirk is gone (conformance.Patches): token security
// missing on DNS operations, DELETE declaring a body, contradictory 4XX envelopes,
// answer-only fields required in request bodies, partial PATCH bodies typed as full
// records, the {value} body of a setting edit, an action pattern that forbids
// underscores, oneOf branches that are not exclusive, OpenAPI 3.0 null without
// nullable, and what the 2024 file predates (browser_ttl "bypass", edge_ttl needing
// only mode, record type OPENPGPKEY, the ssl_automatic_mode setting). Operations
// launchready uses that the subset lacks — DNSSEC and the per-rule ruleset writes —
// are listed in conformance.UncoveredOperations with Cloudflare's documentation; their
// answers must be Cloudflare's envelope. Any other path the schema lacks fails. 5xx
// answers, 429's code 971 and dry_run's null result are the only answers not
// validated, for the reasons given there.
package sim
