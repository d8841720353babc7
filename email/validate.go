package email

import (
	"fmt"
	"strings"
)

// Severity of a Problem or Finding.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
	// Info is used by Analyze only (e.g. the DNS-lookup budget in use); Validate
	// returns errors and warnings.
	Info Severity = "info"
)

// Problem is one finding of offline validation. Field names the block attribute it is
// about, so schema can point the diagnostic at the attribute; Index is the list element
// (-1 when not a list item). The Field values are:
//
//	spf                       the spf block as a whole (rendered record invalid or too long)
//	spf.include               Index = element; Index -1: too many DNS lookups at the top level
//	spf.ip4, spf.ip6          Index = element
//	spf.all                   the all value, and its consistency with dmarc.policy
//	dkim.<selector>           the dkim block: selector syntax, duplicates, public_key vs cname
//	dkim.<selector>.public_key   the key: base64, parse, size, record tags
//	dkim.<selector>.key_type
//	dkim.<selector>.cname
//	dmarc                     the dmarc block as a whole
//	dmarc.policy, dmarc.subdomain_policy, dmarc.pct, dmarc.adkim, dmarc.aspf
//	dmarc.rua, dmarc.ruf      Index = element
type Problem struct {
	Severity Severity
	Field    string
	Index    int
	Message  string
}

func errorf(field string, index int, format string, a ...any) Problem {
	return Problem{Severity: Error, Field: field, Index: index, Message: fmt.Sprintf(format, a...)}
}

func warnf(field string, index int, format string, a ...any) Problem {
	return Problem{Severity: Warning, Field: field, Index: index, Message: fmt.Sprintf(format, a...)}
}

// Record size limits checked offline.
const (
	// spfRecordSoftLimit keeps an SPF answer inside a 512-byte UDP DNS response
	// (RFC 7208 §3.4 asks publishers to keep records small).
	spfRecordSoftLimit = 450
	// txtContentLimit is the largest TXT content some DNS hosts accept in one record
	// (Cloudflare: 2,048 characters).
	txtContentLimit = 2048
)

// Validate checks a policy offline, without DNS: the SPF block (all value, include
// domains, ip4/ip6 networks, DNS lookups at the top level ≤ 10, the rendered record's
// syntax and size), each DKIM block (selector, key or CNAME, the key record as
// ParseDKIMKey checks it) and the DMARC block (every tag as ParseDMARC checks it), plus
// warnings for weak settings: p=none, pct < 100, no rua, sp weaker than p, ~all or ?all
// under a DMARC policy that rejects or quarantines. A nil policy has no problems.
func Validate(p *Policy) []Problem {
	if p == nil {
		return nil
	}
	var out []Problem
	if p.SPF != nil {
		out = append(out, validateSPF(p.SPF)...)
	}
	out = append(out, validateDKIM(p.DKIM)...)
	if p.DMARC != nil {
		out = append(out, validateDMARC(p.DMARC)...)
	}
	if p.SPF != nil && p.DMARC != nil && (p.DMARC.Policy == "reject" || p.DMARC.Policy == "quarantine") {
		if p.SPF.All == "softfail" { // neutral is warned about on its own
			out = append(out, warnf("spf.all", -1, "all = \"softfail\" (~all) with DMARC p=%s: receivers that act on SPF alone only mark unlisted senders; use \"fail\" once every sender is listed", p.DMARC.Policy))
		}
	}
	return out
}

func hasErrorProblem(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == Error {
			return true
		}
	}
	return false
}

func validateSPF(s *SPF) []Problem {
	var out []Problem
	switch s.All {
	case "", "fail", "softfail":
	case "neutral":
		out = append(out, warnf("spf.all", -1, "all = \"neutral\" (?all) makes no statement about unlisted senders: SPF then protects nothing"))
	case "pass":
		out = append(out, errorf("spf.all", -1, "all = \"pass\" (+all) authorises every host on the internet to send as this domain"))
	default:
		out = append(out, errorf("spf.all", -1, "all = %q: must be \"fail\" (-all), \"softfail\" (~all) or \"neutral\" (?all)", s.All))
	}

	seen := map[string]int{}
	for i, d := range s.Include {
		name := strings.TrimSuffix(d, ".")
		if strings.TrimSpace(name) == "" {
			out = append(out, errorf("spf.include", i, "empty include domain"))
			continue
		}
		if err := checkDomainSpec(name); err != nil {
			out = append(out, errorf("spf.include", i, "include %q: %v", d, err))
			continue
		}
		if !strings.Contains(name, "%") && !ValidDNSName(name) {
			out = append(out, errorf("spf.include", i, "include %q is not a valid domain name (labels of 1 to 63 characters, 253 in all)", d))
			continue
		}
		key := strings.ToLower(name)
		if j, dup := seen[key]; dup {
			out = append(out, warnf("spf.include", i, "%q is already included (element %d): a duplicate costs one more of the 10 DNS lookups", d, j))
			continue
		}
		seen[key] = i
	}
	out = append(out, validateSPFNetworks("spf.ip4", s.IP4, false)...)
	out = append(out, validateSPFNetworks("spf.ip6", s.IP6, true)...)

	lookups := len(s.Include)
	if s.MX {
		lookups++
	}
	if lookups > 10 {
		out = append(out, errorf("spf.include", -1, "%d DNS-querying terms at the top level alone (includes, mx); RFC 7208 §4.6.4 allows 10 in the whole evaluation, counting what the includes use", lookups))
	}

	text := s.SPFText()
	if !hasErrorProblem(out) {
		if _, err := ParseSPF(text); err != nil {
			out = append(out, errorf("spf", -1, "the generated record %q is invalid: %v", text, err))
		}
	}
	if len(text) > spfRecordSoftLimit {
		out = append(out, warnf("spf", -1, "the SPF record is %d bytes: over %d, the DNS answer may not fit in 512 bytes and some receivers fail the lookup; use fewer terms or an include you host", len(text), spfRecordSoftLimit))
	}
	return out
}

func validateSPFNetworks(field string, nets []string, v6 bool) []Problem {
	var out []Problem
	seen := map[string]int{}
	for i, s := range nets {
		p, err := parseIPNetwork(s, v6)
		if err != nil {
			out = append(out, errorf(field, i, "%v", err))
			continue
		}
		if p.Bits() == 0 {
			out = append(out, errorf(field, i, "%s authorises every %s address on the internet", s, map[bool]string{false: "IPv4", true: "IPv6"}[v6]))
			continue
		}
		if m := p.Masked(); m.Addr() != p.Addr() {
			out = append(out, warnf(field, i, "%s has host bits set: SPF reads it as %s", s, m))
		}
		key := p.Masked().String()
		if j, dup := seen[key]; dup {
			out = append(out, warnf(field, i, "%s repeats element %d", s, j))
			continue
		}
		seen[key] = i
	}
	return out
}

// validSelector checks a DKIM selector: dot-separated labels of letters, digits and
// inner hyphens (RFC 6376 §3.1).
func validSelector(s string) bool {
	if !ValidDNSName(s) {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if !isAlnum(l[0]) || !isAlnum(l[len(l)-1]) {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return true
}

// validTargetName checks a CNAME target: two labels or more of letters, digits,
// hyphens and underscores ("s1._domainkey.example.onmicrosoft.com").
func validTargetName(n string) bool {
	if !ValidDNSName(n) || !strings.Contains(n, ".") {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

func validateDKIM(keys []DKIM) []Problem {
	var out []Problem
	seen := map[string]bool{}
	for _, d := range keys {
		f := "dkim." + d.Selector
		if !validSelector(d.Selector) {
			out = append(out, errorf(f, -1, "selector %q: letters, digits and inner hyphens, in dot-separated labels", d.Selector))
		}
		if seen[strings.ToLower(d.Selector)] {
			out = append(out, errorf(f, -1, "selector %q is declared twice", d.Selector))
			continue
		}
		seen[strings.ToLower(d.Selector)] = true
		hasKey, hasCNAME := strings.TrimSpace(d.PublicKey) != "", d.CNAME != ""
		switch {
		case hasKey && hasCNAME:
			out = append(out, errorf(f, -1, "set public_key (a key you publish) or cname (a key the sender hosts), not both"))
			continue
		case !hasKey && !hasCNAME:
			out = append(out, errorf(f, -1, "set public_key (a key you publish) or cname (a key the sender hosts)"))
			continue
		}
		if d.KeyType != "" && d.KeyType != "rsa" && d.KeyType != "ed25519" {
			out = append(out, errorf(f+".key_type", -1, "key_type = %q: must be \"rsa\" or \"ed25519\"", d.KeyType))
			continue
		}
		if hasCNAME {
			if d.KeyType != "" {
				out = append(out, warnf(f+".key_type", -1, "key_type has no effect with cname: the key type is in the record the sender hosts"))
			}
			if !validTargetName(strings.TrimSuffix(d.CNAME, ".")) {
				out = append(out, errorf(f+".cname", -1, "cname %q is not a valid host name", d.CNAME))
			}
			continue
		}
		if strings.Contains(d.PublicKey, "-----BEGIN") {
			out = append(out, errorf(f+".public_key", -1, "public_key is PEM: give only the base64 text between the BEGIN and END lines"))
			continue
		}
		text := d.DKIMText()
		_, probs := ParseDKIMKey(text)
		for _, tp := range probs {
			field := f
			switch tp.Tag {
			case "p":
				field = f + ".public_key"
			case "k":
				field = f + ".key_type"
			}
			out = append(out, Problem{Severity: tp.Severity, Field: field, Index: -1, Message: tp.Message})
		}
		if len(text) > txtContentLimit {
			out = append(out, warnf(f+".public_key", -1, "the DKIM record is %d characters: some DNS hosts (Cloudflare) accept at most %d in one TXT record", len(text), txtContentLimit))
		}
	}
	return out
}

var policyStrength = map[string]int{"none": 0, "quarantine": 1, "reject": 2}

func validateDMARC(d *DMARC) []Problem {
	var out []Problem
	switch {
	case d.Policy == "":
		out = append(out, errorf("dmarc.policy", -1, "policy is required: \"none\", \"quarantine\" or \"reject\""))
	case !dmarcPolicies[d.Policy]:
		out = append(out, errorf("dmarc.policy", -1, "policy = %q: must be \"none\", \"quarantine\" or \"reject\"", d.Policy))
	case d.Policy == "none":
		out = append(out, warnf("dmarc.policy", -1, "policy = \"none\" only monitors: mail failing SPF and DKIM alignment is still delivered; move to \"quarantine\" then \"reject\" once the reports are clean"))
	}
	if d.SubdomainPolicy != "" {
		if !dmarcPolicies[d.SubdomainPolicy] {
			out = append(out, errorf("dmarc.subdomain_policy", -1, "subdomain_policy = %q: must be \"none\", \"quarantine\" or \"reject\"", d.SubdomainPolicy))
		} else if dmarcPolicies[d.Policy] && policyStrength[d.SubdomainPolicy] < policyStrength[d.Policy] {
			out = append(out, warnf("dmarc.subdomain_policy", -1, "subdomain_policy = %q is weaker than policy = %q: spoofed mail from made-up subdomains gets through", d.SubdomainPolicy, d.Policy))
		}
	}
	for _, l := range []struct {
		field string
		uris  []string
	}{{"dmarc.rua", d.RUA}, {"dmarc.ruf", d.RUF}} {
		for i, s := range l.uris {
			u, err := ParseDMARCURI(s)
			if err != nil {
				out = append(out, errorf(l.field, i, "%v", err))
				continue
			}
			if u.Scheme != "mailto" {
				out = append(out, warnf(l.field, i, "%s: most receivers only send reports to mailto: addresses", s))
			}
		}
	}
	if len(d.RUA) == 0 && dmarcPolicies[d.Policy] {
		out = append(out, warnf("dmarc.rua", -1, "no rua: you will receive no aggregate reports, so you cannot see who sends mail as this domain"))
	}
	switch {
	case d.Pct < 0 || d.Pct > 100:
		out = append(out, errorf("dmarc.pct", -1, "pct = %d: must be from 0 to 100", d.Pct))
	case d.Pct > 0 && d.Pct < 100:
		out = append(out, warnf("dmarc.pct", -1, "pct = %d: the policy applies to only %d%% of failing mail; the rest is treated one step more leniently", d.Pct, d.Pct))
	}
	for _, a := range []struct{ field, v string }{{"dmarc.adkim", d.ADKIM}, {"dmarc.aspf", d.ASPF}} {
		if a.v != "" && a.v != "relaxed" && a.v != "strict" {
			out = append(out, errorf(a.field, -1, "%s = %q: must be \"relaxed\" or \"strict\"", strings.TrimPrefix(a.field, "dmarc."), a.v))
		}
	}
	if !hasErrorProblem(out) {
		text := d.DMARCText()
		if _, probs := ParseDMARC(text); HasError(probs) {
			for _, tp := range probs {
				if tp.Severity == Error {
					out = append(out, errorf("dmarc", -1, "the generated record %q: %s", text, tp.Message))
				}
			}
		}
	}
	return out
}
