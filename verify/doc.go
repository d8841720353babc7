// Package verify proves that a launch works as a customer sees it. From the desired
// state alone (a *schema.Config; no extra configuration) it derives checks and runs them
// against the live world: the authoritative DNS servers, the HTTPS endpoints, the
// redirects and the declared HTTP checks. It is what `launchready verify` and the check
// after `apply` run.
//
// It is not for reading or changing provider state (that is providers and plan), for
// parsing launch.hcl (schema), or for the email analysis itself (the email package; it
// is plugged in through Options.EmailAnalyze so that verify does not depend on it). It
// never disables certificate verification.
//
// # API the CLI calls
//
//	rep, err := verify.Run(ctx, cfg, verify.Options{
//		Resolver:  "127.0.0.1:5353",     // --resolver; "" = authoritative servers via the system resolver
//		CAFile:    "ca.pem",             // --ca-file: extra roots on top of the system roots
//		Wait:      verify.DefaultWait,   // after apply: wait for every authoritative server (0 = check once)
//		Progress:  func(done, total int, current string) { … }, // a bar on a TTY; nil = silent
//		Baseline:  prev,                 // --baseline FILE (read with verify.ReadJSON)
//		MaxRegression: f, MaxRegressionSet: true, // --max-regression as given: 0 = any regression fails
//		                                 // (left zero and unset: DefaultMaxRegression, +20 %)
//		EmailAnalyze: func(ctx context.Context, domain string) []verify.Result { … }, // email package adapter
//		Delegation: func(ctx context.Context, zone string) (*model.Delegation, error) { … }, // providers.DelegationReader
//		ParentResolver: "127.0.0.1:5300", // --parent-resolver: walk to the parent from here, not the root
//		NSAddrs: map[string]string{"ns1.lab.example.test": "127.0.0.1:5301"}, // --ns-address (test worlds)
//	})
//	// err != nil: nothing could be checked (bad options, unreadable CA file, cancelled): exit 1.
//	verify.RenderText(os.Stdout, rep, color) // or verify.RenderJSON(os.Stdout, rep) for --json
//	if rep.Failed() { /* exit 4 */ }
//
// Exported: Run, Options, DefaultWait, DefaultMaxRegression, Report (Failed),
// ZoneReport, Summary, Result with its typed details (DNSDetail, ServerAnswer,
// TLSDetail, RedirectDetail, Hop, HTTPDetail, Percentiles), Status (Pass, Warn, Fail,
// Skip), Kind (KindDelegation, KindDNS, KindTLS, KindRedirect, KindHTTP, KindEmail),
// DelegationDetail, the Check* names,
// RenderText, RenderJSON, ReadJSON and FormatVersion. The JSON report is documented in JSON.md.
//
// Zero values: Options{} checks the real world once, with the system resolver, the
// system roots, ports 80 and 443, 8 checks at a time and a 10 s timeout per query or
// request, and with a Baseline tolerates a p95 regression of DefaultMaxRegression
// (+20 %); MaxRegressionSet makes MaxRegression 0 mean "any regression fails".
// Options.HTTPPort and HTTPSPort replace 80 and 443 when dialling (the URL's host still
// gives SNI and Host), so a whole test world can live on loopback.
//
// # Checks
//
// Delegation (kind "delegation", delegation.go), first for every zone: the provider's
// zone status (Options.Delegation; not active fails with the name servers to set);
// then, when the parent can be asked (Options.ParentResolver, or the real world:
// neither Resolver nor a loopback zone server), the parent's NS set for the zone,
// found by following referrals from the root servers (or ParentResolver) without
// recursion and compared with the provider's name servers (missing, extra and mixed
// sets fail with the names to set); the DS at the parent against the zone's DNSKEY
// (a DS matching no key, or any DS for an unsigned zone, fails: validating resolvers
// get SERVFAIL; a signed zone without DS warns with the DS to publish); and each NS set
// declared inside the zone, whose servers must answer authoritatively (else lame).
// Name servers are reached through NSAddrs, glue, or the system resolver on port 53.
//
// DNS (kind "dns"): the zone's authoritative servers are its NS records resolved through
// the system resolver, or Options.Resolver alone. Each server is asked, without
// recursion, for every desired record set; answers are compared canonically (model's
// forms: TXT strings joined, host names lower case without the trailing dot) and must
// carry the AA bit. A wrong value fails, naming each server that serves it; a wrong TTL
// alone warns. A proxied A/AAAA/CNAME must answer with addresses that are not the origin
// (the declared value) and no CNAME: otherwise "origin exposed". With Options.Wait,
// lagging servers are polled every PollInterval until they serve the desired data or the
// wait ends; the reason then says which servers still lag.
//
// TLS (kind "tls"), for every host that serves HTTPS (proxied names, a wildcard through
// a "launchready-verify." label; redirect sources and targets; check URLs): a handshake
// with SNI on HTTPSPort; the chain must verify against the system roots plus CAFile and
// cover the name; expiry of the leaf or an intermediate: more than 30 days passes, 14 to
// 30 warns, fewer fails. The negotiated version must reach the zone's min_tls_version,
// and the version just below it must be refused (the client accepts TLS 1.0 so that old
// servers are observed and reported, not just failed). Without min_tls_version, TLS
// below 1.2 warns. With always_use_https on, http://host/ must redirect to
// https://host/.
//
// Every other host (kind "tls" too): each DNS-only A, AAAA or CNAME name of a zone is
// tried on port 443 (HostConnectTimeout, default 3 s; HostConcurrency at once, default
// 32). A name whose server presents a certificate gets the certificate, expiry and
// version results above (the zone's edge settings — min_tls_version, always_use_https
// — do not govern it); a name where nothing answers, where something answers without
// TLS, or a wildcard owner, gets one skip result saying so. ConnectTo dials another
// address for a resolved ADDRESS:PORT (like curl --connect-to); LoopbackOnly (set
// against the simulator) never dials outside loopback. BenchmarkDNSOnlyHosts1000
// measures 1,000 such names on loopback.
//
// Redirects (kind "redirect"): for each redirect block a test URL is built from its
// source pattern ("*" in the path becomes "launchready-verify/probe", in the host a
// declared name of the zone that matches, in the scheme https) with the query "x=1".
// The query is kept apart from wildcard captures; the expected Location is the target
// with ${n} replaced and the query appended exactly when preserve_query is set.
// Expression-only rules are understood in their simple forms (http.host eq …,
// http.request.uri.path eq …, http.request.full_uri eq/wildcard …,
// wildcard_replace(…) targets); others are skipped with the reason. Redirects are
// followed one hop at a time (never automatically), up to 5: the first answer must have
// exactly the declared status and Location, the target must answer without redirecting
// (a chain or a loop fails, a 5xx target warns). When both the apex and www have
// address records, one must redirect to the other in one hop over https, or both must
// answer 2xx.
//
// HTTP checks (kind "http", from `check` blocks): Requests requests (default 20) by
// Concurrency workers (default 2), with the method and headers; a header written as
// env("NAME") is read from the environment at run time, never printed, and a missing
// variable fails the check naming the variable. Every request is traced (DNS, connect,
// TLS, server wait, time to first byte, total); p50/p95/p99 are exact nearest-rank
// percentiles over all requests (rank ⌈p·n/100⌉). Errors are transport failures plus
// answers other than ExpectStatus (default 200). Results: errors (rate above
// MaxErrorRate fails; 0 tolerates none), latency (p95 above P95Ms, default 300, fails;
// carries the metrics), baseline (p95 more than MaxRegression above the baseline
// report's fails), never_cached (any cf-cache-status HIT/STALE/UPDATING/REVALIDATED or
// Age > 0 fails), mixed_content (an https HTML page loading http:// scripts, images,
// frames, media, objects or stylesheet/icon links fails), noindex (needs X-Robots-Tag
// noindex/none or <meta name="robots" content="noindex">).
//
// Email (kind "email"): Options.EmailAnalyze is called once per zone with an email
// block; without it a skipped result says the analysis was not run.
//
// Checks run concurrently (at most Options.Concurrency at once), DNS first so that
// later checks see the new data. Results are sorted deterministically: zones in config
// order; then kind (delegation, dns, tls, redirect, http, email), subject (host names from the
// right, so the apex comes first), check, target.
package verify
