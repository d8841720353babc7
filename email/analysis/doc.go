// Package analysis checks a domain's email policy against live DNS: the SPF
// include/redirect tree with RFC 7208's lookup limits, the published DKIM keys (behind
// CNAMEs, or the policy's own key at <selector>._domainkey), the published DMARC record
// against the policy's, and DMARC report authorisation (RFC 7489 §7.1). plan and verify
// call it; each Finding names the chain of DNS names that leads to it.
//
//	Analyze(ctx context.Context, r email.Resolver, domain string, p *email.Policy) []Finding
//	OrganizationalDomain(name string) string
//
// It is apart from package email, which stays free of network code so that schema and
// plan (pure packages) can use email's parsers and policy types; the organisational
// domain lookup here needs the public suffix list, whose package pulls in net/http.
package analysis
