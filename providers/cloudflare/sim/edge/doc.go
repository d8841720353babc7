// Package edge is the simulated Cloudflare edge in front of the API simulator: an
// authoritative DNS server for the simulated zones, and HTTP and HTTPS front ends
// that apply each zone's settings and rules before proxying to a local origin. It
// exists so that `launchready demo` and the verify tests can prove a launch on
// loopback, with no account and no network.
//
// It is not Cloudflare: it models the behaviour launchready's checks observe (DNS
// answers, certificates, TLS versions, redirects, cache status) and nothing else —
// no WAF, no Workers, no HTTP/2, no other rule phases. It reads zones through the
// small Source interface (the API simulator's *sim.Server satisfies it) on every
// query and request, so what an apply writes is served at once.
//
// # API the CLI calls
//
//	e, err := edge.Start(edge.Options{
//		Source:  simServer,                 // *sim.Server, or any Source
//		DNSAddr: "127.0.0.1:0", HTTPAddr: "127.0.0.1:0", HTTPSAddr: "127.0.0.1:0",
//		Origins: map[string]string{"203.0.113.10": "127.0.0.1:8081", "app-prod.fly.dev": "127.0.0.1:8082"},
//		OriginTLS: &tls.Config{RootCAs: originRoots}, // for ssl = "strict"
//	})
//	defer e.Close()
//	_ = e.WriteCAFile("edge-ca.pem")  // verify --ca-file
//	// verify.Options{Resolver: e.DNSAddr(), CAFile: "edge-ca.pem",
//	//	HTTPPort: port(e.HTTPAddr()), HTTPSPort: port(e.HTTPSAddr())}
//
// Exported: Start, Options (with DefaultCAValidity, DefaultCertValidity,
// DefaultOriginTimeout), Source, and Edge with DNSAddr, HTTPAddr, HTTPSAddr,
// CACertPEM, WriteCAFile, Close and ServeDNS (the miekg/dns handler, for embedding).
//
// # DNS
//
// Authoritative for every zone of the Source (AA set, RA clear); any other name is
// REFUSED, as is AXFR/IXFR and any class but IN. Each zone has an SOA (ns1.<zone>,
// hostmaster.<zone>, a serial that moves forward whenever its records change,
// Cloudflare's timers) and apex NS records: the zone's own when it has any, else
// ns1.<zone> and ns2.<zone> with addresses at EdgeIPv4 (and EdgeIPv6). A name with a
// proxied A, AAAA or CNAME record answers A with EdgeIPv4 (AAAA with EdgeIPv6 when
// set, else no AAAA) and never its origin or a CNAME; other types at that name are
// served as they are. Unproxied records answer their values: CNAME chains are
// followed inside the zone; TXT is split into strings of at most 255 bytes; MX, SRV,
// CAA, NS and PTR are their own record types. Automatic TTL is 300. Wildcards
// follow RFC 4592 (only names that do not exist, empty non-terminals included, are
// synthesised). NS records below the apex delegate: answers there are referrals
// (AA clear, NS in authority, in-zone glue). NXDOMAIN and NODATA carry the SOA in
// authority. UDP answers honour EDNS buffer sizes and are truncated (TC) to fit.
//
// # HTTPS and HTTP
//
// The HTTPS front end issues certificates on the fly from a local CA generated at
// Start (ECDSA P-256; CACertPEM is the root to trust), one per SNI name with that
// name as its only SAN (or the name Options.CertName chooses, to model a misissued
// certificate), valid CertValidity — but only for proxied names: any other
// SNI (or none) fails the handshake, as Cloudflare has no certificate for it. The
// zone's min_tls_version (default 1.0) is the lowest version accepted; TLS 1.3 is
// offered unless tls_1_3 is "off". Only HTTP/1.1 is spoken.
//
// Every request is matched to its zone and proxied name by the Host header (a host
// that is not proxied answers 409, "error code: 1001"), then, in order:
//
//  1. Plain HTTP with always_use_https "on": 301 to https://<host><path>?<query>
//     (no port: the caller maps ports, as verify does).
//  2. Single Redirects (phase http_request_dynamic_redirect): the first enabled rule
//     whose expression matches answers with its status (default 301) and target —
//     a static URL or a target expression — plus the request's query when
//     preserve_query_string is set ("&" when the target has one already).
//  3. Cache Rules (phase http_request_cache_settings): all matching rules merge in
//     order. Bypass answers cf-cache-status BYPASS; eligible caches GET 200
//     responses in memory keyed by scheme, host and URI: MISS (or EXPIRED) then HIT
//     with an Age header. The edge TTL is the rule's override, else the origin's
//     s-maxage/max-age, else 2 hours; an origin that forbids caching (no-store,
//     no-cache, private, max-age=0, Set-Cookie) gets BYPASS unless the rule
//     overrides the TTL. A browser TTL override sets Cache-Control: max-age. Without
//     a matching rule Cloudflare's default applies: static file extensions (css, js,
//     png, …) are cached the same way, everything else is DYNAMIC.
//  4. The origin: the proxied record's value (A/AAAA address, or CNAME target,
//     followed through the Source's zones) looked up in Options.Origins and dialled
//     with the zone's ssl mode — off and flexible over http, full over https
//     accepting any certificate, strict over https verified with OriginTLS against
//     the request's host. The request keeps its Host and gains X-Forwarded-For,
//     X-Forwarded-Proto, CF-Connecting-IP, CF-Ray and CF-Visitor. Failures answer
//     Cloudflare's codes: 523 origin not mapped, 521 refused, 522 connect timeout,
//     524 no response within OriginTimeout, 525 TLS handshake failed, 526 invalid
//     certificate, 502 otherwise.
//
// Every response carries Server: cloudflare and a CF-Ray; HTTPS responses carry
// Strict-Transport-Security (and X-Content-Type-Options: nosniff) when the zone's
// security_header enables HSTS.
//
// # The rules language
//
// Expressions are read by a small evaluator covering what launchready writes and
// simple hand-made rules: the fields http.host, http.request.full_uri,
// http.request.uri, http.request.uri.path, http.request.uri.path.extension,
// http.request.uri.query, http.request.method, http.request.scheme, http.user_agent,
// http.referer, http.cookie, ip.src and ssl; the operators eq ne == != lt le gt ge
// < <= > >= contains matches ~ wildcard "strict wildcard" in {…}; not ! and && xor ^^
// or || with parentheses; string, raw-string and integer literals; the functions
// lower, upper, len, starts_with, ends_with, concat, url_decode, regex_replace and
// wildcard_replace. A rule whose expression (or target expression) uses anything
// else does not match; the reason is logged at debug level.
//
// Wildcards: "*" matches any run of characters (as few as possible), "\*" a literal
// star; `wildcard` ignores case, `strict wildcard` does not. When a URI field
// (http.request.full_uri, http.request.uri) is compared with wildcard, eq or ne, or
// passed to wildcard_replace, against a pattern without "?", the request's query
// string is left out: captures never contain it, and preserve_query_string decides
// whether it reaches the Location. This is the model verify probes with; patterns
// that do contain "?" see the full URI. URI fields never carry the edge's port:
// http.request.full_uri of a request to the HTTPS edge is https://<host><path>?<query>
// whatever port it listens on.
//
// Differences from Cloudflare worth knowing: ssl "off" serves HTTPS like flexible
// (Cloudflare would redirect HTTPS to HTTP); under full and strict the origin is
// always reached over https, also for plain-HTTP visitors; only 200 responses are
// cached; request Cache-Control is ignored.
package edge
