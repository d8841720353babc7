package handover

import (
	"strconv"
	"strings"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// sendingMatrix says who may send mail for a domain and what receivers do with mail
// that fails: email.SendingMatrix's services, the SPF terms it cannot attribute to a
// service, the DKIM selectors and the DMARC policy.
type sendingMatrix struct {
	// source says where it was read from (Markdown): the email block, or TXT records.
	source  string
	senders []email.Sender
	// other are SPF terms of a live record that authorise or refuse senders in ways a
	// policy cannot say (a, exists, ptr, redirect, qualified mechanisms).
	other    []spfTerm
	spfAll   string // the all mechanism ("-all"), "" when none
	noSPF    bool
	badSPF   string // why the live SPF record does not parse
	dkim     []dkimKey
	dmarc    *dmarcPolicy
	noDMARC  bool
	badDMARC bool // a _dmarc record receivers ignore
}

// spfTerm is one SPF term with what it means.
type spfTerm struct {
	text, meaning string
}

type dkimKey struct {
	selector string
	record   string // "google._domainkey.example.com TXT"
	key      string // "rsa public key published here", "hosted by the sender at …"
}

type dmarcPolicy struct {
	policy, subdomain, pct, adkim, aspf string
	rua, ruf                            []string
}

var allMeaning = map[string]string{
	"-all": "fails SPF: receivers apply the DMARC policy",
	"~all": "soft-fails SPF: usually delivered, marked suspicious",
	"?all": "neutral: SPF says nothing",
	"+all": "passes SPF: anyone may send (dangerous)",
}

var allQualifier = map[string]string{"fail": "-all", "softfail": "~all", "neutral": "?all", "pass": "+all"}

// matrixFromPolicy builds the matrix from an email block.
func matrixFromPolicy(p *email.Policy, zone string) *sendingMatrix {
	m := &sendingMatrix{source: "the zone's `email` block", senders: email.SendingMatrix(p)}
	if p.SPF == nil {
		m.noSPF = true
	} else {
		all := p.SPF.All
		if all == "" {
			all = "fail"
		}
		m.spfAll = allQualifier[all]
	}
	for _, d := range p.DKIM {
		name := d.Selector + "._domainkey." + zone
		if d.CNAME != "" {
			m.dkim = append(m.dkim, dkimKey{selector: d.Selector, record: name + " CNAME",
				key: "hosted by the sender at " + strings.ToLower(strings.TrimSuffix(d.CNAME, "."))})
			continue
		}
		m.dkim = append(m.dkim, dkimKey{selector: d.Selector, record: name + " TXT", key: keyText(d.DKIMText())})
	}
	if p.DMARC == nil {
		m.noDMARC = true
	} else {
		d := p.DMARC
		m.dmarc = &dmarcPolicy{policy: d.Policy, subdomain: d.SubdomainPolicy, adkim: d.ADKIM, aspf: d.ASPF,
			rua: append([]string(nil), d.RUA...), ruf: append([]string(nil), d.RUF...)}
		if d.Pct != 0 {
			m.dmarc.pct = strconv.Itoa(d.Pct)
		}
	}
	return m
}

// matrixFromRecords builds the matrix from the zone's TXT and DKIM CNAME record sets,
// for a zone without an email block: it reads them into a policy (what a policy can
// say) and lists the rest. It returns nil when the zone publishes no email
// authentication at all.
func matrixFromRecords(sets []*setView, zone string) *sendingMatrix {
	m := &sendingMatrix{source: "the zone's TXT records (no `email` block)"}
	p := &email.Policy{}
	found := false
	for _, s := range sets {
		switch {
		case s.name == zone && s.typ == "TXT":
			for _, v := range s.values {
				if !email.IsSPFRecord(v) {
					continue
				}
				found = true
				m.readSPF(p, v, zone)
			}
		case s.name == "_dmarc."+zone && s.typ == "TXT":
			for _, v := range s.values {
				found = true
				rec, _ := email.ParseDMARC(v)
				if rec == nil {
					m.badDMARC = true
					continue
				}
				m.dmarc = dmarcFromRecord(rec)
				p.DMARC = &email.DMARC{Policy: rec.Policy, RUA: m.dmarc.rua}
			}
		case strings.HasSuffix(s.name, "._domainkey."+zone) && (s.typ == "TXT" || s.typ == "CNAME"):
			sel := strings.TrimSuffix(s.name, "._domainkey."+zone)
			for _, v := range s.values {
				found = true
				k := dkimKey{selector: sel, record: s.name + " " + s.typ}
				d := email.DKIM{Selector: sel}
				if s.typ == "CNAME" {
					k.key = "hosted by the sender at " + v
					d.CNAME = v
				} else {
					k.key = keyText(v)
				}
				m.dkim = append(m.dkim, k)
				if key, _ := email.ParseDKIMKey(v); s.typ == "CNAME" || key != nil && !key.Revoked {
					p.DKIM = append(p.DKIM, d) // a revoked key signs nothing
				}
			}
		}
	}
	if !found {
		return nil
	}
	m.noSPF = p.SPF == nil && m.badSPF == ""
	m.noDMARC = m.dmarc == nil && !m.badDMARC
	m.senders = email.SendingMatrix(p)
	return m
}

// keyText describes a DKIM key record: its type and size, or why it cannot be used.
func keyText(record string) string {
	key, _ := email.ParseDKIMKey(record)
	switch {
	case key == nil:
		return "a key record receivers cannot use"
	case key.Revoked:
		return "revoked (empty p=)"
	case key.KeyType == "ed25519":
		return "ed25519 public key published here"
	case key.Bits > 0:
		return strings.ToUpper(orDefault(key.KeyType, "rsa")) + " " + strconv.Itoa(key.Bits) + "-bit public key published here"
	}
	return orDefault(key.KeyType, "rsa") + " public key published here"
}

// readSPF adds a live SPF record to the policy: mechanisms that authorise senders
// (include, ip4, ip6, mx of the domain itself) go to the policy, the rest is listed.
func (m *sendingMatrix) readSPF(p *email.Policy, v, zone string) {
	rec, err := email.ParseSPF(v)
	if err != nil {
		m.badSPF = err.Error()
		return
	}
	if p.SPF != nil {
		m.badSPF = "the name publishes more than one SPF record, so receivers treat SPF as a permanent error (RFC 7208 §4.5)"
		return
	}
	p.SPF = &email.SPF{}
	for _, t := range rec.Terms {
		pass := t.Qualifier == '+'
		switch {
		case !t.Modifier && t.Name == "all":
			m.spfAll = string(t.Qualifier) + "all"
		case pass && t.Name == "include" && !strings.Contains(t.Domain, "%"):
			p.SPF.Include = append(p.SPF.Include, t.Domain)
		case pass && t.Name == "ip4":
			p.SPF.IP4 = append(p.SPF.IP4, strings.TrimPrefix(strings.TrimPrefix(t.Text, "+"), "ip4:"))
		case pass && t.Name == "ip6":
			p.SPF.IP6 = append(p.SPF.IP6, strings.TrimPrefix(strings.TrimPrefix(t.Text, "+"), "ip6:"))
		case pass && t.Name == "mx" && t.Domain == "" && t.Prefix4 < 0 && t.Prefix6 < 0:
			p.SPF.MX = true
		default:
			m.other = append(m.other, spfTerm{text: t.Text, meaning: termMeaning(t, zone)})
		}
	}
}

// termMeaning says in words what an SPF term does.
func termMeaning(t email.SPFTerm, zone string) string {
	domain := t.Domain
	if domain == "" {
		domain = zone
	}
	var who string
	switch t.Name {
	case "include":
		who = "whoever " + domain + "'s SPF record allows"
	case "redirect":
		return "everyone not matched above is judged by " + domain + "'s SPF record"
	case "exp":
		return "the explanation receivers show on failure comes from " + domain
	case "ip4", "ip6":
		who = "servers at " + strings.SplitN(t.Text, ":", 2)[1]
	case "mx":
		who = "the mail servers (MX) of " + domain
	case "a":
		who = "the addresses (A/AAAA) of " + domain
	case "exists":
		who = "hosts for which " + domain + " resolves"
	case "ptr":
		who = "hosts whose reverse DNS is in " + domain + " (deprecated)"
	default:
		return "ignored by receivers (unknown modifier)"
	}
	switch t.Qualifier {
	case '-':
		return "refuses " + who + " (fail)"
	case '~':
		return "soft-fails " + who
	case '?':
		return "says nothing about " + who + " (neutral)"
	}
	return "allows " + who
}

func dmarcFromRecord(r *email.DMARCRecord) *dmarcPolicy {
	uris := func(us []email.DMARCURI) []string {
		var out []string
		for _, u := range us {
			out = append(out, u.String())
		}
		return out
	}
	align := map[string]string{"r": "relaxed", "s": "strict"}
	d := &dmarcPolicy{policy: r.Policy, subdomain: r.SubdomainPolicy, adkim: align[r.ADKIM], aspf: align[r.ASPF],
		rua: uris(r.RUA), ruf: uris(r.RUF)}
	if r.Pct != 100 {
		d.pct = strconv.Itoa(r.Pct)
	}
	return d
}

// renderMatrix writes the email section of one zone.
func renderMatrix(d *md, zone string, m *sendingMatrix) {
	d.para("Read from ", m.source, ".") // source is one of two constants, already Markdown
	switch {
	case m.badSPF != "":
		d.para("**The SPF record is broken**: ", text(m.badSPF), ". Receivers treat SPF for ", code(zone), " as a permanent error.")
	case m.noSPF:
		d.para("**No SPF record**: receivers cannot tell who may send for ", code(zone), ", and mail from it is likely to land in spam.")
	}
	if len(m.senders) > 0 {
		rows := make([][]string, 0, len(m.senders))
		for _, s := range m.senders {
			rows = append(rows, []string{text(s.Service), orDash(codeList(s.SPF)), orDash(codeList(s.DKIM)), orDash(text(strings.Join(s.Notes, "; ")))})
		}
		d.para("Who may send mail for ", code(zone), ":")
		d.table([]string{"Service", "Authorised by SPF", "Signs with DKIM selector", "Notes"}, rows)
	}
	if len(m.other) > 0 || m.spfAll != "" || !m.noSPF && m.badSPF == "" {
		rows := make([][]string, 0, len(m.other)+1)
		for _, t := range m.other {
			rows = append(rows, []string{code(t.text), text(t.meaning)})
		}
		if m.spfAll != "" {
			rows = append(rows, []string{code(m.spfAll), "everyone else " + text(allMeaning[m.spfAll])})
		} else {
			rows = append(rows, []string{"—", "everyone else: no `all` mechanism, so SPF is neutral"})
		}
		d.para("The rest of the SPF record:")
		d.table([]string{"SPF term", "Meaning"}, rows)
	}
	if len(m.dkim) == 0 {
		d.para("No DKIM selectors are published: receivers cannot check a DKIM signature for ", code(zone), ".")
	} else {
		rows := make([][]string, 0, len(m.dkim))
		for _, k := range m.dkim {
			rows = append(rows, []string{code(k.selector), code(k.record), text(k.key)})
		}
		d.para("DKIM selectors (the sending service keeps each private key):")
		d.table([]string{"Selector", "Record", "Key"}, rows)
	}
	switch {
	case m.badDMARC:
		d.para("**The DMARC record is broken**: receivers ignore it (it must start with `v=DMARC1`). Mail that fails SPF and DKIM is judged by each receiver alone.")
		return
	case m.noDMARC:
		d.para("**No DMARC policy**: receivers decide alone what to do with mail that fails SPF and DKIM, and nobody receives reports.")
		return
	}
	p := m.dmarc
	rows := [][]string{
		{"policy (`p`)", code(orDash(p.policy)) + " " + text(dmarcMeaning(p.policy))},
		{"subdomains (`sp`)", subdomainCell(p)},
		{"share of failing mail the policy applies to (`pct`)", text(orDefault(p.pct, "100")) + " %"},
		{"aggregate reports go to (`rua`)", orDash(codeList(p.rua))},
		{"failure reports go to (`ruf`)", orDash(codeList(p.ruf))},
		{"DKIM alignment (`adkim`)", text(orDefault(p.adkim, "relaxed"))},
		{"SPF alignment (`aspf`)", text(orDefault(p.aspf, "relaxed"))},
	}
	d.para("DMARC (what receivers do with mail that passes neither aligned SPF nor aligned DKIM):")
	d.table([]string{"Tag", "Value"}, rows)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func subdomainCell(p *dmarcPolicy) string {
	if p.subdomain == "" {
		return "same as `p`"
	}
	return code(p.subdomain) + " " + text(dmarcMeaning(p.subdomain))
}

func dmarcMeaning(p string) string {
	switch p {
	case "none":
		return "(monitor only: failing mail is delivered)"
	case "quarantine":
		return "(failing mail goes to spam)"
	case "reject":
		return "(failing mail is refused)"
	}
	return ""
}

// emailRecordOrigin reports whether an RRSet came from an email block.
func emailRecordOrigin(s model.RRSet) bool {
	return strings.HasPrefix(s.Origin, "email.") || strings.Contains(s.Origin, "+email.")
}
