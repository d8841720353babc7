package schema

import (
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/email"
)

// checkEmailTXT validates a record block's TXT value that is an email-authentication
// record, with the parsers the email block uses, and reports their errors and
// warnings on the value's range (the list element in values):
//
//   - an SPF record (email.IsSPFRecord), at any name: email.CheckSPFRecord;
//   - a DMARC record ("v=DMARC1…"): at _dmarc.<domain> email.ParseDMARC; at
//     <domain>._report._dmarc.<destination> (a report authorisation, RFC 7489 §7.1)
//     email.CheckDMARCReportAuthorization, where p= is not required; elsewhere
//     ParseDMARC plus a warning that receivers never read it there. A value at a _dmarc
//     name that mentions DMARC1 without starting with it is parsed too, so that
//     "p=reject; v=DMARC1" is reported instead of silently ignored by receivers;
//   - a DKIM key record (email.IsDKIMKeyRecord: "v=DKIM1…" or a tag-list with p=) at
//     <selector>._domainkey.<domain>: email.ParseDKIMKey (RSA under 1024 bits is an
//     error, under 2048 a warning; an empty p=, a revoked selector, only a warning);
//     "v=DKIM1…" elsewhere gets a warning that verifiers never read it there.
//
// name is the record's canonical name.
func (l *loader) checkEmailTXT(name, v string, rng hcl.Range) {
	labels := strings.Split(name, ".")
	at := func(label string) int { // index of label after the first, or -1
		for i := 1; i < len(labels); i++ {
			if labels[i] == label {
				return i
			}
		}
		return -1
	}
	if email.IsSPFRecord(v) {
		l.tagProblems(rng, "SPF record", email.CheckSPFRecord(v), "")
		return
	}

	isDMARCName := labels[0] == "_dmarc"
	reportAuth := false
	if i := at("_dmarc"); i >= 2 && labels[i-1] == "_report" {
		reportAuth = true
	}
	switch {
	case email.IsDMARCRecord(v) || (isDMARCName && strings.Contains(strings.ToUpper(v), "DMARC1")):
		const invalid = " Receivers ignore a DMARC record they cannot read, or apply only its valid tags."
		switch {
		case isDMARCName:
			_, probs := email.ParseDMARC(v)
			l.tagProblems(rng, "DMARC record", probs, invalid)
		case reportAuth:
			l.tagProblems(rng, "DMARC report authorisation", email.CheckDMARCReportAuthorization(v),
				" This record authorises "+strings.Join(labels[:at("_report")], ".")+"'s DMARC reports to be sent here (RFC 7489 §7.1); receivers skip the destination when it is invalid.")
		default:
			l.warnf(rng, "DMARC record outside _dmarc",
				"Receivers read a domain's DMARC policy only at _dmarc.<domain> (RFC 7489 §6.1), never at %s. Move it to a record \"_dmarc\" block, or use the email block's dmarc.", name)
			_, probs := email.ParseDMARC(v)
			l.tagProblems(rng, "DMARC record", probs, invalid)
		}
	case at("_domainkey") >= 1 && email.IsDKIMKeyRecord(v):
		key, probs := email.ParseDKIMKey(v)
		if key != nil && key.Revoked {
			// An empty p= is how a selector is retired (RFC 6376 §3.6.1): say what it
			// does, but it is not a mistake.
			for i := range probs {
				if probs[i].Tag == "p" && probs[i].Severity == email.Error {
					probs[i].Severity = email.Warning
					probs[i].Message += " (intended when retiring a selector)"
				}
			}
		}
		l.tagProblems(rng, "DKIM key record", probs, " Verifiers cannot check signatures of this selector with it.")
	case strings.HasPrefix(strings.TrimSpace(v), "v=DKIM1"):
		l.warnf(rng, "DKIM key outside _domainkey",
			"Verifiers read DKIM keys only at <selector>._domainkey.<domain> (RFC 6376 §3.6.2.1), never at %s. Use a record \"<selector>._domainkey\" block, or the email block's dkim.", name)
	}
}

// tagProblems reports email parser problems as diagnostics: errors as "Invalid
// <what>" (detail: the message, then consequence), warnings as "<what> warning".
func (l *loader) tagProblems(rng hcl.Range, what string, probs []email.TagProblem, consequence string) {
	for _, p := range probs {
		msg := strings.TrimSuffix(p.Message, ".") + "."
		if p.Severity == email.Error {
			l.errorf(rng, "Invalid "+what, "%s%s", msg, consequence)
		} else {
			l.warnf(rng, what+" warning", "%s", msg)
		}
	}
}
