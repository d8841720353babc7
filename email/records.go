package email

import (
	"strings"
)

// CheckSPFRecord checks an SPF record written as text, such as a record block's TXT
// value, the way receivers read it and Validate checks the spf block. Errors: the
// record is not printable ASCII or does not start with "v=spf1"; every term that
// breaks RFC 7208's grammar (ParseSPF stops at the first; this reports each);
// redirect= or exp= written twice; +all; an ip4/ip6 network of length 0; more than 10
// DNS-querying terms in the record itself (RFC 7208 §4.6.4, before counting what the
// includes use). Warnings: ptr (deprecated, RFC 7208 §5.5), ?all, a redirect= that an
// all mechanism makes unreachable, and a record over 450 bytes.
//
// Tag is the term concerned as written ("" for the record as a whole); Index is -1.
// A record is usable by receivers exactly when no problem is an error.
func CheckSPFRecord(txt string) []TagProblem {
	if _, err := ParseSPF(txt); err != nil {
		if se, ok := err.(*SPFSyntaxError); ok && se.Term == "" {
			return []TagProblem{tagErr("", -1, "%s: receivers do not read it as SPF", se.Msg)} // not terms at all
		}
	}
	var out []TagProblem
	var terms []SPFTerm
	seen := map[string]bool{}
	for _, raw := range strings.Split(txt[6:], " ") {
		if raw == "" {
			continue
		}
		t, err := parseSPFTerm(raw)
		if err != nil {
			msg := err.Error()
			if se, ok := err.(*SPFSyntaxError); ok {
				msg = se.Msg
			}
			out = append(out, tagErr(raw, -1, "%s: %s; receivers return permerror for the whole record (RFC 7208 §4.6)", raw, msg))
			continue
		}
		if t.Modifier && (t.Name == "redirect" || t.Name == "exp") {
			if seen[t.Name] {
				out = append(out, tagErr(raw, -1, "%s: %s= appears more than once; receivers return permerror for the whole record (RFC 7208 §6)", raw, t.Name))
				continue
			}
			seen[t.Name] = true
		}
		terms = append(terms, t)
	}
	rec := &SPFRecord{Terms: terms}
	for _, t := range terms {
		switch {
		case t.Modifier:
		case t.Name == "all" && t.Qualifier == '+':
			out = append(out, tagErr(t.Text, -1, "%s lets every host on the internet send as this domain: use -all (or ~all while testing)", t.Text))
		case t.Name == "all" && t.Qualifier == '?':
			out = append(out, tagWarn(t.Text, -1, "%s (neutral) makes no statement about unlisted senders: SPF then protects nothing", t.Text))
		case (t.Name == "ip4" || t.Name == "ip6") && t.Network.Bits() == 0:
			out = append(out, tagErr(t.Text, -1, "%s authorises every address", t.Text))
		case t.Name == "ptr":
			out = append(out, tagWarn(t.Text, -1, "%s: ptr is deprecated (RFC 7208 §5.5), slow, and some receivers skip it", t.Text))
		}
	}
	if n := rec.DNSLookups(); n > 10 {
		out = append(out, tagErr("", -1, "%d DNS-querying terms (include, a, mx, ptr, exists, redirect) in the record itself; RFC 7208 §4.6.4 allows 10 in the whole evaluation, so receivers return permerror", n))
	}
	if red := rec.Redirect(); red != nil && rec.HasAll() {
		out = append(out, tagWarn(red.Text, -1, "%s is never used: the record has an all mechanism", red.Text))
	}
	if len(txt) > spfRecordSoftLimit {
		out = append(out, tagWarn("", -1, "the SPF record is %d bytes: over %d, the DNS answer may not fit in 512 bytes and some receivers fail the lookup", len(txt), spfRecordSoftLimit))
	}
	return out
}

// CheckDMARCReportAuthorization checks the record a report destination publishes at
// <domain>._report._dmarc.<destination> to accept DMARC reports for domain (RFC 7489
// §7.1): a DMARC tag-list that starts with v=DMARC1, where p= is not required (it may
// carry rua= or ruf= to redirect reports). It returns ParseDMARC's problems without
// the missing-p= error.
func CheckDMARCReportAuthorization(txt string) []TagProblem {
	_, probs := ParseDMARC(txt)
	out := probs[:0:0]
	for _, p := range probs {
		if p.Tag == "p" && p.Message == dmarcPRequired {
			continue
		}
		out = append(out, p)
	}
	return out
}

// IsDKIMKeyRecord reports whether a TXT string looks like a DKIM key record: it starts
// with "v=DKIM1" or it is a tag-list with a p= tag ("k=rsa; p=…", v= being optional,
// RFC 6376 §3.6.1).
func IsDKIMKeyRecord(txt string) bool {
	t := trimWSP(txt)
	if strings.HasPrefix(t, "v=DKIM1") {
		return true
	}
	for _, piece := range strings.Split(t, ";") {
		name, _, ok := strings.Cut(piece, "=")
		if ok && trimWSP(name) == "p" {
			return true
		}
	}
	return false
}
