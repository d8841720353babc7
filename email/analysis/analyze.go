package analysis

import (
	"github.com/launchready/launchready/email"

	"context"
	"fmt"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Finding is one result of the online analysis.
type Finding struct {
	Severity email.Severity `json:"severity"`
	Check    string         `json:"check"` // "spf" | "dkim" | "dmarc"
	Message  string         `json:"message"`
	// Chain is the path through DNS that leads to the finding, from the domain:
	// for SPF the domain then each include/redirect term followed
	// ("example.com", "include:sendgrid.net", "include:_spf.sendgrid.net"); for DKIM
	// the selector's name and its CNAME target; for DMARC the policy's name and the
	// authorisation record queried.
	Chain []string `json:"chain,omitempty"`
}

// String renders a finding on one line: "error spf: message (via a → b)".
func (f Finding) String() string {
	s := fmt.Sprintf("%s %s: %s", f.Severity, f.Check, f.Message)
	if len(f.Chain) > 1 {
		s += " (via " + strings.Join(f.Chain, " → ") + ")"
	}
	return s
}

// maxSPFRecords bounds the records the SPF tree walk fetches.
const maxSPFRecords = 60

// Analyze checks a domain's email policy against DNS, read through r. It is used by
// plan (before apply: the policy's own records need not be published yet) and verify
// (after apply).
//
// SPF: the policy's record (or, when p has no spf block, the record published at
// domain) is walked like check_host() would for a sender that matches nothing, which
// is the worst case: every include and redirect is resolved and counted against the
// 10-lookup limit, a/mx/exists targets without macros are resolved and counted against
// the 2-void-lookup limit, include loops are reported, as are included domains with no
// SPF record or with several, invalid included records, mx targets with more than 10
// MX records, ptr (deprecated), and +all anywhere in the tree. The published record at
// domain is compared with the policy's (several SPF records are a permerror).
//
// DKIM: a selector given as cname must lead to a TXT record that parses as a valid
// key (ParseDKIMKey). A selector whose key the policy holds must be published at
// <selector>._domainkey.<domain> (none is an error), parse, and carry the policy's
// key: the key material is compared (SubjectPublicKeyInfo and PKCS#1 forms, spaces and
// tag order do not matter); another key is a warning, several TXT records there a
// warning.
//
// DMARC: the record at _dmarc.<domain> is read: none is an error, several are an
// error (receivers ignore DMARC then, RFC 7489 §6.6.3), a record with ParseDMARC
// errors is an error (its warnings are warnings), and one whose tags differ from the
// policy's is a warning naming each tag. Tags are compared by their effective values:
// absent tags take the RFC defaults, sp follows p and np follows sp, report URIs, fo
// and rf compare as sets, case-insensitively, with size limits in bytes. Each rua/ruf
// destination outside the domain's organizational domain must authorise the reports
// (RFC 7489 §7.1: TXT "v=DMARC1" at <domain>._report._dmarc.<destination domain>), and
// its domain must accept mail.
//
// Every finding names the chain that leads to it. DNS failures are warnings ("could
// not check"). A nil policy analyses the published SPF record and the published DMARC
// record (with its report destinations); a missing one is then only an info.
func Analyze(ctx context.Context, r email.Resolver, domain string, p *email.Policy) []Finding {
	domain = email.CanonicalDNSName(domain)
	a := &analyzer{ctx: ctx, r: r, domain: domain, fetched: map[string]spfFetch{}}
	a.spf(p)
	if p == nil {
		a.dmarc(nil)
		return a.findings
	}
	for _, d := range p.DKIM {
		a.dkim(d)
	}
	if p.DMARC != nil {
		a.dmarc(p.DMARC)
	}
	return a.findings
}

type analyzer struct {
	ctx      context.Context
	r        email.Resolver
	domain   string
	findings []Finding

	fetched     map[string]spfFetch
	records     int
	truncated   bool
	lookups     int
	voids       int
	overLookups []string // chain where the 11th lookup happens
	overVoids   []string // chain where the 3rd void lookup happens
}

func (a *analyzer) add(sev email.Severity, check string, chain []string, format string, args ...any) {
	a.findings = append(a.findings, Finding{Severity: sev, Check: check, Message: fmt.Sprintf(format, args...), Chain: append([]string(nil), chain...)})
}

// spfFetch is the outcome of looking up one domain's SPF record.
type spfFetch struct {
	text    string
	rec     *email.SPFRecord
	records []string // the SPF records found (several is an error)
	kind    error    // nil, ErrNXDomain, ErrNoData, ErrTemporary
	err     error
	parse   error
}

func (a *analyzer) fetch(domain string) spfFetch {
	if f, ok := a.fetched[domain]; ok {
		return f
	}
	txts, err := a.r.LookupTXT(a.ctx, domain)
	f := spfFetch{kind: email.LookupKind(len(txts), err), err: err}
	for _, t := range txts {
		if email.IsSPFRecord(t) {
			f.records = append(f.records, t)
		}
	}
	if len(f.records) == 1 {
		f.text = f.records[0]
		f.rec, f.parse = email.ParseSPF(f.text)
	}
	a.fetched[domain] = f
	return f
}

func (a *analyzer) spf(p *email.Policy) {
	chain := []string{a.domain}
	live := a.fetch(a.domain)
	var root *email.SPFRecord
	if p != nil && p.SPF != nil {
		text := p.SPF.SPFText()
		rec, err := email.ParseSPF(text)
		if err != nil {
			a.add(email.Error, "spf", chain, "the policy's SPF record %q is invalid: %v", text, err)
			return
		}
		root = rec
		switch {
		case live.kind == email.ErrTemporary:
			a.add(email.Warning, "spf", chain, "could not read the published TXT records of %s: %v", a.domain, live.err)
		case len(live.records) > 1:
			a.add(email.Error, "spf", chain, "%s publishes %d SPF records; receivers return permerror when there is more than one (RFC 7208 §4.5): keep only the one launchready manages", a.domain, len(live.records))
		case len(live.records) == 0:
			a.add(email.Info, "spf", chain, "%s publishes no SPF record yet; apply creates %q", a.domain, text)
		case !sameSPF(live.text, text):
			a.add(email.Info, "spf", chain, "the published SPF record %q differs from the policy's %q; if launchready does not own it, apply leaves two SPF records (permerror): adopt or delete it", live.text, text)
		}
	} else {
		switch {
		case live.kind == email.ErrTemporary:
			a.add(email.Warning, "spf", chain, "could not read the TXT records of %s: %v", a.domain, live.err)
			return
		case len(live.records) == 0:
			a.add(email.Info, "spf", chain, "%s declares and publishes no SPF record: receivers get SPF \"none\"", a.domain)
			return
		case len(live.records) > 1:
			a.add(email.Error, "spf", chain, "%s publishes %d SPF records; receivers return permerror (RFC 7208 §4.5)", a.domain, len(live.records))
			return
		case live.parse != nil:
			a.add(email.Error, "spf", chain, "the published SPF record of %s is invalid (permerror): %v", a.domain, live.parse)
			return
		}
		root = live.rec
	}
	a.records = 1
	a.walk(root, a.domain, chain, map[string]bool{a.domain: true})

	switch {
	case a.lookups > 10:
		a.add(email.Error, "spf", a.overLookups, "SPF evaluation can need %d DNS lookups; RFC 7208 §4.6.4 allows 10, so receivers return permerror for senders not matched before the 11th (%s)", a.lookups, a.overLookups[len(a.overLookups)-1])
	case a.lookups >= 9:
		a.add(email.Warning, "spf", chain, "SPF evaluation can need %d of the 10 DNS lookups allowed: one more include breaks it", a.lookups)
	default:
		a.add(email.Info, "spf", chain, "SPF evaluation needs at most %d of the 10 DNS lookups allowed and %d void lookups", a.lookups, a.voids)
	}
	if a.voids > 2 {
		a.add(email.Error, "spf", a.overVoids, "SPF evaluation makes %d void lookups (names that do not exist or have no address); RFC 7208 §4.6.4 allows 2, so receivers return permerror (%s)", a.voids, a.overVoids[len(a.overVoids)-1])
	}
	if a.truncated {
		a.add(email.Warning, "spf", chain, "the SPF include tree has more than %d records; the analysis stopped there", maxSPFRecords)
	}
}

// sameSPF compares two SPF records by their canonical form.
func sameSPF(a, b string) bool {
	ra, errA := email.ParseSPF(a)
	rb, errB := email.ParseSPF(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return strings.EqualFold(ra.String(), rb.String())
}

// countLookup counts one DNS-querying term and remembers where the limit is crossed.
func (a *analyzer) countLookup(chain []string, term string, domain string) {
	a.lookups++
	if a.lookups == 11 {
		a.overLookups = append(append([]string(nil), chain...), term+" in "+domain)
	}
}

func (a *analyzer) countVoid(chain []string, term string, domain string) {
	a.voids++
	if a.voids == 3 {
		a.overVoids = append(append([]string(nil), chain...), term+" in "+domain)
	}
}

// walk visits one record's terms in evaluation order: mechanisms, then redirect.
func (a *analyzer) walk(rec *email.SPFRecord, domain string, chain []string, stack map[string]bool) {
	for i := range rec.Terms {
		t := &rec.Terms[i]
		if t.Modifier {
			continue
		}
		if t.IsDNSLookup() {
			a.countLookup(chain, t.Text, domain)
		}
		switch t.Name {
		case "all":
			if t.Qualifier == '+' {
				a.add(email.Error, "spf", chain, "%s in the SPF record of %s lets every host on the internet pass", t.Text, domain)
			}
		case "ip4", "ip6":
			if t.Network.Bits() == 0 {
				a.add(email.Error, "spf", chain, "%s in the SPF record of %s authorises every address", t.Text, domain)
			}
		case "ptr":
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s: ptr is deprecated (RFC 7208 §5.5), slow, and some receivers skip it", t.Text, domain)
		case "include":
			a.follow(t, domain, chain, stack)
		case "a", "mx", "exists":
			a.resolveTarget(t, domain, chain)
		}
	}
	if red := rec.Redirect(); red != nil {
		if rec.HasAll() {
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s is never used: the record has an all mechanism", red.Text, domain)
			return
		}
		a.countLookup(chain, red.Text, domain)
		a.follow(red, domain, chain, stack)
	}
}

// follow resolves an include or redirect target and walks its record.
func (a *analyzer) follow(t *email.SPFTerm, domain string, chain []string, stack map[string]bool) {
	if strings.Contains(t.Domain, "%") {
		a.add(email.Info, "spf", chain, "%s in the SPF record of %s uses macros: its target depends on the sender and is not followed", t.Text, domain)
		return
	}
	target := email.CanonicalDNSName(t.Domain)
	sub := append(append([]string(nil), chain...), t.Text)
	what := "include"
	if t.Modifier {
		what = "redirect"
	}
	if stack[target] {
		a.add(email.Error, "spf", sub, "%s loops back to %s: evaluation runs into the lookup limit and receivers return permerror", t.Text, target)
		return
	}
	if a.records >= maxSPFRecords {
		a.truncated = true
		return
	}
	a.records++
	f := a.fetch(target)
	switch {
	case f.kind == email.ErrTemporary:
		a.add(email.Warning, "spf", sub, "could not read the TXT records of %s: %v", target, f.err)
		return
	case len(f.records) == 0:
		how := "does not exist"
		if f.kind != email.ErrNXDomain {
			how = "has no SPF record"
		}
		a.add(email.Error, "spf", sub, "%s target %s %s: receivers return permerror (RFC 7208 §5.2, §6.1)", what, target, how)
		return
	case len(f.records) > 1:
		a.add(email.Error, "spf", sub, "%s target %s publishes %d SPF records: receivers return permerror (RFC 7208 §4.5)", what, target, len(f.records))
		return
	case f.parse != nil:
		a.add(email.Error, "spf", sub, "the SPF record of %s is invalid, so receivers return permerror: %v", target, f.parse)
		return
	}
	stack[target] = true
	a.walk(f.rec, target, sub, stack)
	delete(stack, target)
}

// resolveTarget resolves an a, mx or exists target without macros, counting void
// lookups.
func (a *analyzer) resolveTarget(t *email.SPFTerm, domain string, chain []string) {
	target := domain
	if t.Domain != "" {
		if strings.Contains(t.Domain, "%") {
			return // depends on the sender
		}
		target = email.CanonicalDNSName(t.Domain)
	}
	if !email.ValidDNSName(target) {
		a.add(email.Error, "spf", chain, "%s in the SPF record of %s: %q is not a valid domain name", t.Text, domain, target)
		return
	}
	switch t.Name {
	case "a", "exists":
		v4, err4 := a.r.LookupA(a.ctx, target)
		k4 := email.LookupKind(len(v4), err4)
		if k4 == email.ErrTemporary {
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s: could not look up %s: %v", t.Text, domain, target, err4)
			return
		}
		if t.Name == "exists" {
			if email.IsVoid(k4) {
				a.countVoid(chain, t.Text, domain)
				a.add(email.Warning, "spf", chain, "%s in the SPF record of %s never matches: %s has no A record (a void lookup)", t.Text, domain, target)
			}
			return
		}
		v6, err6 := a.r.LookupAAAA(a.ctx, target)
		k6 := email.LookupKind(len(v6), err6)
		if k6 == email.ErrTemporary {
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s: could not look up %s: %v", t.Text, domain, target, err6)
			return
		}
		if email.IsVoid(k4) && email.IsVoid(k6) {
			a.countVoid(chain, t.Text, domain)
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s never matches: %s has no address (a void lookup)", t.Text, domain, target)
		}
	case "mx":
		mxs, err := a.r.LookupMX(a.ctx, target)
		switch kind := email.LookupKind(len(mxs), err); {
		case kind == email.ErrTemporary:
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s: could not look up the MX of %s: %v", t.Text, domain, target, err)
		case email.IsVoid(kind):
			a.countVoid(chain, t.Text, domain)
			a.add(email.Warning, "spf", chain, "%s in the SPF record of %s never matches: %s has no MX records (a void lookup)", t.Text, domain, target)
		case len(mxs) > 10:
			a.add(email.Error, "spf", chain, "%s in the SPF record of %s: %s has %d MX records; receivers return permerror above 10 (RFC 7208 §4.6.4)", t.Text, domain, target, len(mxs))
		}
	}
}

func (a *analyzer) dkim(d email.DKIM) {
	if d.CNAME == "" {
		a.inlineDKIM(d)
		return
	}
	name := d.Selector + "._domainkey." + a.domain
	target := email.CanonicalDNSName(d.CNAME)
	chain := []string{name, target}
	txts, err := a.r.LookupTXT(a.ctx, target)
	switch kind := email.LookupKind(len(txts), err); {
	case kind == email.ErrTemporary:
		a.add(email.Warning, "dkim", chain, "selector %s: could not read the key at %s: %v", d.Selector, target, err)
		return
	case email.IsVoid(kind):
		a.add(email.Error, "dkim", chain, "selector %s: %s has no key record (TXT); mail signed with this selector fails DKIM until the sending service publishes it", d.Selector, target)
		return
	}
	if len(txts) > 1 {
		a.add(email.Warning, "dkim", chain, "selector %s: %s has %d TXT records; verifiers may pick any of them", d.Selector, target, len(txts))
	}
	key, probs := email.ParseDKIMKey(txts[0])
	for _, tp := range probs {
		a.add(tp.Severity, "dkim", chain, "selector %s: the key at %s: %s", d.Selector, target, tp.Message)
	}
	if key != nil && !email.HasError(probs) {
		a.add(email.Info, "dkim", chain, "selector %s: %s serves a valid %s key (%d bits)", d.Selector, target, key.KeyType, key.Bits)
	}
}

// OrganizationalDomain returns the registrable domain of name per the Public Suffix
// List (RFC 7489 §3.2), or name itself when it has none.
func OrganizationalDomain(name string) string {
	name = email.CanonicalDNSName(name)
	od, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return name
	}
	return od
}

// dmarc checks the published DMARC record against the policy's (d; nil: the published
// record alone), then the report destinations of the policy (or, with d nil, of the
// published record).
func (a *analyzer) dmarc(d *email.DMARC) {
	published := a.publishedDMARC(d)
	var rua, ruf []string
	switch {
	case d != nil:
		rua, ruf = d.RUA, d.RUF
	case published != nil:
		for _, u := range published.RUA {
			rua = append(rua, u.String())
		}
		for _, u := range published.RUF {
			ruf = append(ruf, u.String())
		}
	}
	policyName := "_dmarc." + a.domain
	org := OrganizationalDomain(a.domain)
	checked := map[string]bool{}
	for _, l := range []struct {
		tag  string
		uris []string
	}{{"rua", rua}, {"ruf", ruf}} {
		for _, s := range l.uris {
			u, err := email.ParseDMARCURI(s)
			if err != nil || u.Domain == "" || checked[l.tag+" "+u.Domain] {
				continue // Validate reports bad URIs
			}
			checked[l.tag+" "+u.Domain] = true
			if u.Scheme == "mailto" {
				a.reportDomainAcceptsMail(l.tag, s, u.Domain, policyName)
			}
			if OrganizationalDomain(u.Domain) == org {
				continue
			}
			auth := a.domain + "._report._dmarc." + u.Domain
			chain := []string{policyName, auth}
			txts, err := a.r.LookupTXT(a.ctx, auth)
			switch kind := email.LookupKind(len(txts), err); {
			case kind == email.ErrTemporary:
				a.add(email.Warning, "dmarc", chain, "%s %s: could not check that %s accepts reports for %s: %v", l.tag, s, u.Domain, a.domain, err)
				continue
			case email.IsVoid(kind):
				a.add(email.Error, "dmarc", chain, "%s %s is outside %s and %s has not authorised it: receivers will not send these reports (RFC 7489 §7.1); the report service must publish TXT \"v=DMARC1\" at %s", l.tag, s, org, u.Domain, auth)
				continue
			}
			ok := false
			for _, t := range txts {
				if strings.HasPrefix(t, "v=DMARC1") {
					ok = true
				}
			}
			if !ok {
				a.add(email.Error, "dmarc", chain, "%s %s: the TXT record at %s does not start with v=DMARC1, so it does not authorise reports (RFC 7489 §7.1)", l.tag, s, auth)
				continue
			}
			a.add(email.Info, "dmarc", chain, "%s %s: %s authorises reports for %s", l.tag, s, u.Domain, a.domain)
		}
	}
}

// reportDomainAcceptsMail checks that a mailto: destination's domain has an MX, or an
// address for implicit MX delivery.
func (a *analyzer) reportDomainAcceptsMail(tag, uri, domain, policyName string) {
	chain := []string{policyName, domain}
	mxs, err := a.r.LookupMX(a.ctx, domain)
	switch kind := email.LookupKind(len(mxs), err); {
	case kind == nil:
		if len(mxs) == 1 && mxs[0].Host == "" {
			a.add(email.Error, "dmarc", chain, "%s %s: %s publishes a null MX (accepts no mail), so reports cannot be delivered", tag, uri, domain)
		}
		return
	case kind == email.ErrTemporary:
		a.add(email.Warning, "dmarc", chain, "%s %s: could not look up the MX of %s: %v", tag, uri, domain, err)
		return
	case kind == email.ErrNXDomain:
		a.add(email.Error, "dmarc", chain, "%s %s: the domain %s does not exist, so reports cannot be delivered", tag, uri, domain)
		return
	}
	v4, err4 := a.r.LookupA(a.ctx, domain)
	v6, err6 := a.r.LookupAAAA(a.ctx, domain)
	if email.IsVoid(email.LookupKind(len(v4), err4)) && email.IsVoid(email.LookupKind(len(v6), err6)) {
		a.add(email.Error, "dmarc", chain, "%s %s: %s has no MX and no address, so reports cannot be delivered", tag, uri, domain)
	}
}
