// Package email is launchready's email-authentication layer: the `email` block's
// policy and the records it publishes, SPF (RFC 7208), DKIM key records (RFC 6376,
// RFC 8463, RFC 8301) and DMARC (RFC 7489, np= from RFC 9091) parsing and
// validation, RFC 7208 check_host() evaluation with a trace, and the online analysis
// of a policy through DNS.
//
// It is not for reading HCL (schema decodes the block into a Policy), talking to
// provider APIs, signing or verifying messages (no DKIM signatures, no DMARC
// disposition of a message), or rendering plans and maps (it returns data; only
// WriteTrace renders, for the `spf check` command). It is a leaf package: it imports
// model, miekg/dns (the resolver) and golang.org/x/net/publicsuffix (organizational
// domains), nothing of launchready above it.
//
// # Offline: schema and `launchready validate`
//
//	Validate(p *Policy) []Problem
//
// checks a decoded block without DNS. Each Problem names the attribute it is about in
// Field — "spf", "spf.include", "spf.ip4", "spf.ip6", "spf.all", "dkim.<selector>",
// "dkim.<selector>.public_key", "dkim.<selector>.key_type", "dkim.<selector>.cname",
// "dmarc", "dmarc.policy", "dmarc.subdomain_policy", "dmarc.rua", "dmarc.ruf",
// "dmarc.pct", "dmarc.adkim", "dmarc.aspf" — and the list element in Index (-1 when
// not a list item), so schema can put the diagnostic on the attribute's range. The
// record parsers are exported for other callers: ParseSPF, ParseDKIMKey, ParseDMARC,
// ParseDMARCURI, IsSPFRecord and IsDMARCRecord (for "a record block must not write a
// second SPF or DMARC record"). (*Policy).Records renders the records themselves.
//
// Records written by hand (a record block's TXT values) are checked with
//
//	CheckSPFRecord(txt string) []TagProblem                 // every bad term, +all, /0, > 10 lookups; ptr, ?all warn
//	ParseDMARC(txt string) (*DMARCRecord, []TagProblem)     // at _dmarc.<domain>
//	CheckDMARCReportAuthorization(txt string) []TagProblem  // at <domain>._report._dmarc.<dest>: p= not required
//	ParseDKIMKey(txt string) (*DKIMKey, []TagProblem)       // at <selector>._domainkey.<domain>
//	IsDKIMKeyRecord(txt string) bool                        // "v=DKIM1…" or a tag-list with p=
//
// whose problems schema turns into diagnostics on the value.
//
// # SPF evaluation: `launchready spf check`
//
//	CheckHost(ctx, r Resolver, ip net.IP, sender, helo string, opts ...CheckOption) (SPFResult, *Trace)
//	WriteTrace(w io.Writer, t *Trace, all bool) error
//	NewDNSResolver(server string) *DNSResolver   // "" = /etc/resolv.conf, else HOST[:PORT]
//
// CheckHost always returns a result (none, neutral, pass, fail, softfail, temperror,
// permerror) and a Trace: every record fetched and term evaluated, the DNS and void
// lookups used, the explanation of a fail (exp=), a one-sentence Reason, and Path(),
// the chain of records, includes and redirects down to the term that decided. The
// command should bound ctx (20 s is the RFC's suggestion), print WriteTrace(stdout,
// trace, verbose) and exit 0 on pass, 4 on fail/softfail/neutral/none/permerror (the
// check failed) and 1 on temperror (DNS prevented checking). The Trace has JSON tags
// for a --json output.
//
// # Online analysis: plan and verify
//
//	analysis.Analyze(ctx, r Resolver, domain string, p *Policy) []analysis.Finding
//
// lives in the sub-package email/analysis (it needs the public suffix list, whose
// package imports net/http, and this package must stay importable by pure code). It
// resolves the policy's SPF include/redirect tree against the 10-lookup and 2-void
// limits, reports loops, included domains without or with several SPF records, invalid
// records and +all anywhere in the tree, checks DKIM CNAME targets serve a valid key and
// inline keys are published as declared, reads the published DMARC record (missing,
// several, invalid, or different from the policy's), and checks that external DMARC
// report destinations authorise the reports (RFC 7489 §7.1) and accept mail. Each Finding carries its Severity (error, warning, info), the
// Check ("spf", "dkim", "dmarc") and the Chain of names that leads to it. The plan
// package stays pure: the command runs analysis.Analyze and shows its findings next to the plan.
//
// # Handover
//
//	SendingMatrix(p *Policy) []Sender
//
// lists who may send for the domain (include domains, networks, MX, DKIM selectors,
// matched to well-known providers), with the DMARC policy and report addresses.
//
// # Resolvers
//
// Resolver is a small interface (TXT, A, AAAA, MX, PTR) whose errors tell NXDOMAIN,
// NODATA and temporary failures apart (ErrNXDomain, ErrNoData, ErrTemporary inside a
// *LookupError). DNSResolver speaks DNS with miekg/dns (UDP with EDNS0, TCP on
// truncation, CNAME chasing); MemoryResolver is an in-memory DNS, also loadable from
// zone-file text, for tests and for analysing records before they are published. Both
// are safe for concurrent use.
//
// # Why not an SPF, DKIM or DMARC library
//
// blitiri.com.ar/go/spf was evaluated for check_host() and not used: its exp=
// modifier is ignored (22 tests of the RFC 7208 suite check explanation text), its
// tracing is a printf hook its author documents as not machine-parsable and not for
// user-visible output (we need the structured path that decided), and its resolver is
// net.Resolver-shaped, where NXDOMAIN and NODATA are one "not found" (Analyze reports
// them apart: a domain that does not exist, or one without an SPF record). emersion/go-msgauth was evaluated for DKIM and DMARC: its DKIM
// key-record parsing is unexported, and its dmarc.Parse reads tags into a map (a
// duplicate tag silently wins, v= need not be first), does not check report URIs or
// their size suffix, and stops at the first error, where validate needs every problem
// of every tag. So the parsers and the evaluator are written here, and the evaluator
// passes all 203 tests of the RFC 7208 suite (see SPF-CONFORMANCE.md).
package email
