package analysis

import (
	"crypto"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/launchready/launchready/email"
)

// publishedDMARC reads the DMARC record published at _dmarc.<domain> and checks it:
// one record (RFC 7489 §6.6.3: with several, receivers apply none), that parses, and,
// when the policy declares dmarc, that says what the policy says (tags compared by
// their effective values). It returns the parsed record when it is usable (no error),
// nil otherwise.
func (a *analyzer) publishedDMARC(d *email.DMARC) *email.DMARCRecord {
	name := "_dmarc." + a.domain
	chain := []string{name}
	txts, err := a.r.LookupTXT(a.ctx, name)
	kind := email.LookupKind(len(txts), err)
	if kind == email.ErrTemporary {
		a.add(email.Warning, "dmarc", chain, "could not read the DMARC record at %s: %v", name, err)
		return nil
	}
	var records []string
	for _, t := range txts {
		if email.IsDMARCRecord(t) {
			records = append(records, t)
		}
	}
	var want string
	if d != nil {
		want = d.DMARCText()
	}
	switch {
	case len(records) == 0:
		others := ""
		if len(txts) > 0 {
			others = fmt.Sprintf(" (its %d TXT record(s) do not start with v=DMARC1, so receivers ignore them)", len(txts))
		}
		if d == nil {
			fallback := ""
			if org := OrganizationalDomain(a.domain); org != a.domain {
				fallback = fmt.Sprintf("; receivers fall back to the record of the organizational domain %s (its sp= or p=)", org)
			}
			a.add(email.Info, "dmarc", chain, "%s declares and publishes no DMARC record at %s%s%s", a.domain, name, others, fallback)
			return nil
		}
		a.add(email.Error, "dmarc", chain, "no DMARC record published at %s%s: receivers apply no DMARC policy to mail from %s until %q is published (apply)", name, others, a.domain, want)
		return nil
	case len(records) > 1:
		a.add(email.Error, "dmarc", chain, "%s publishes %d DMARC records; receivers ignore DMARC when there is more than one (RFC 7489 §6.6.3): keep only one", name, len(records))
		return nil
	}
	text := records[0]
	rec, probs := email.ParseDMARC(text)
	for _, tp := range probs {
		what := "is invalid (receivers may ignore or misread it)"
		if tp.Severity != email.Error {
			what = "has a problem"
		}
		a.add(tp.Severity, "dmarc", chain, "the published DMARC record %q %s: %s", text, what, tp.Message)
	}
	if rec == nil || email.HasError(probs) {
		return nil
	}
	if d == nil {
		a.add(email.Info, "dmarc", chain, "%s publishes a DMARC policy of p=%s", name, rec.Policy)
		return rec
	}
	wantRec, wantProbs := email.ParseDMARC(want)
	if wantRec == nil || email.HasError(wantProbs) {
		// Validate reports this offline; the comparison is then meaningless.
		a.add(email.Error, "dmarc", chain, "the policy's DMARC record %q is invalid", want)
		return rec
	}
	if diffs := dmarcDiff(rec, wantRec); len(diffs) > 0 {
		a.add(email.Warning, "dmarc", chain, "the published DMARC record %q differs from the policy's %q: %s. Receivers apply the published one; apply replaces it when launchready owns it, otherwise adopt or delete it (two DMARC records disable DMARC)", text, want, strings.Join(diffs, "; "))
		return rec
	}
	a.add(email.Info, "dmarc", chain, "%s publishes the policy's DMARC record (p=%s)", name, rec.Policy)
	return rec
}

// dmarcDiff lists the tags whose effective values differ between a published DMARC
// record and the policy's, as "tag=published instead of policy's". Absent tags take their
// RFC defaults (ParseDMARC fills them in); sp defaults to p and np to sp (RFC 9091);
// report URIs, fo and rf compare as sets, case-insensitively.
func dmarcDiff(pub, want *email.DMARCRecord) []string {
	var out []string
	tag := func(name, got, wanted string) {
		if got != wanted {
			out = append(out, fmt.Sprintf("%s=%s instead of %s", name, orNone(got), orNone(wanted)))
		}
	}
	tag("p", pub.Policy, want.Policy)
	// sp and np written on neither side follow p (and sp): a p difference covers them.
	if pub.SubdomainPolicy != "" || want.SubdomainPolicy != "" {
		tag("sp", effectiveSP(pub), effectiveSP(want))
	}
	if pub.NonexistentPolicy != "" || want.NonexistentPolicy != "" {
		tag("np", effectiveNP(pub), effectiveNP(want))
	}
	tag("rua", uriSet(pub.RUA), uriSet(want.RUA))
	tag("ruf", uriSet(pub.RUF), uriSet(want.RUF))
	tag("pct", strconv.Itoa(pub.Pct), strconv.Itoa(want.Pct))
	tag("adkim", pub.ADKIM, want.ADKIM)
	tag("aspf", pub.ASPF, want.ASPF)
	tag("fo", wordSet(pub.FailureOptions), wordSet(want.FailureOptions))
	tag("rf", wordSet(pub.ReportFormats), wordSet(want.ReportFormats))
	tag("ri", strconv.FormatUint(uint64(pub.ReportInterval), 10), strconv.FormatUint(uint64(want.ReportInterval), 10))
	return out
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func effectiveSP(r *email.DMARCRecord) string {
	if r.SubdomainPolicy != "" {
		return r.SubdomainPolicy
	}
	return r.Policy
}

func effectiveNP(r *email.DMARCRecord) string {
	if r.NonexistentPolicy != "" {
		return r.NonexistentPolicy
	}
	return effectiveSP(r)
}

// uriSet renders report URIs canonically (lower case, size limits in bytes), sorted
// and deduplicated, comma-separated.
func uriSet(us []email.DMARCURI) string {
	var s []string
	for _, u := range us {
		s = append(s, strings.ToLower(u.String()))
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ",")
}

func wordSet(ws []string) string {
	s := make([]string, 0, len(ws))
	for _, w := range ws {
		s = append(s, strings.ToLower(w))
	}
	slices.Sort(s)
	return strings.Join(slices.Compact(s), ":")
}

// inlineDKIM reads the key record published at <selector>._domainkey.<domain> for a
// selector whose key the policy holds, and checks that it parses and carries the
// policy's key.
func (a *analyzer) inlineDKIM(d email.DKIM) {
	name := d.Selector + "._domainkey." + a.domain
	chain := []string{name}
	want := d.DKIMText()
	wantKey, wantProbs := email.ParseDKIMKey(want)
	if wantKey == nil || wantKey.PublicKey == nil {
		a.add(email.Error, "dkim", chain, "selector %s: the policy's key record is unusable (%s), so the published one cannot be compared", d.Selector, firstError(wantProbs))
		wantKey = nil
	}
	txts, err := a.r.LookupTXT(a.ctx, name)
	switch kind := email.LookupKind(len(txts), err); {
	case kind == email.ErrTemporary:
		a.add(email.Warning, "dkim", chain, "selector %s: could not read the key at %s: %v", d.Selector, name, err)
		return
	case email.IsVoid(kind):
		a.add(email.Error, "dkim", chain, "selector %s: no key record published at %s: mail signed with this selector fails DKIM until apply publishes it", d.Selector, name)
		return
	}
	if len(txts) > 1 {
		a.add(email.Warning, "dkim", chain, "selector %s: %s has %d TXT records; verifiers may pick any of them (RFC 6376 §3.6.2.2): keep only the key", d.Selector, name, len(txts))
	}
	// Judge the record that carries the policy's key when there is one, else the first.
	text := txts[0]
	var key *email.DKIMKey
	var probs []email.TagProblem
	for i, t := range txts {
		k, ps := email.ParseDKIMKey(t)
		if i == 0 || (wantKey != nil && sameKey(k, wantKey)) {
			text, key, probs = t, k, ps
		}
		if wantKey != nil && sameKey(k, wantKey) {
			break
		}
	}
	for _, tp := range probs {
		a.add(tp.Severity, "dkim", chain, "selector %s: the key at %s: %s", d.Selector, name, tp.Message)
	}
	if key == nil || key.PublicKey == nil || wantKey == nil {
		return // unusable (the problems above say why) or nothing to compare with
	}
	if !sameKey(key, wantKey) {
		a.add(email.Warning, "dkim", chain, "selector %s: %s publishes another key than the policy's (%s %d bits, policy %s %d bits; published %q): mail signed with the policy's key fails DKIM until apply replaces it", d.Selector, name, key.KeyType, key.Bits, wantKey.KeyType, wantKey.Bits, abbreviate(text, 60))
		return
	}
	if !email.HasError(probs) {
		a.add(email.Info, "dkim", chain, "selector %s: %s serves the policy's %s key (%d bits)", d.Selector, name, key.KeyType, key.Bits)
	}
}

// sameKey reports whether two parsed DKIM key records hold the same public key of
// the same type (the key material, not the record text).
func sameKey(a, b *email.DKIMKey) bool {
	if a == nil || b == nil || a.PublicKey == nil || b.PublicKey == nil || a.KeyType != b.KeyType {
		return false
	}
	eq, ok := a.PublicKey.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b.PublicKey)
}

func firstError(ps []email.TagProblem) string {
	for _, p := range ps {
		if p.Severity == email.Error {
			return p.Message
		}
	}
	return "no key"
}

// abbreviate shortens s to about n bytes, keeping its start and end.
func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	h := n/2 - 1
	return s[:h] + "…" + s[len(s)-h:]
}
