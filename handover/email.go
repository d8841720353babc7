package handover

import (
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// sendingMatrix says who may send mail for a domain and what receivers do with mail
// that fails: the SPF mechanisms, the DKIM selectors and the DMARC policy.
type sendingMatrix struct {
	// source says where it was read from: the email block, or TXT records.
	source  string
	spf     []sender
	spfAll  string // the all mechanism ("-all"), "" when none
	noSPF   bool
	dkim    []dkimKey
	dmarc   *dmarcPolicy
	noDMARC bool
}

// sender is one SPF mechanism that authorises senders.
type sender struct {
	mechanism string // "include:_spf.google.com"
	who       string // "Google Workspace", "servers at 203.0.113.5"
}

type dkimKey struct {
	selector string
	record   string // "google._domainkey.example.com TXT"
	key      string // "rsa key published here", "CNAME to …"
	service  string
}

type dmarcPolicy struct {
	policy, subdomain, pct, adkim, aspf string
	rua, ruf                            []string
}

// knownSenders maps SPF include domains and DKIM CNAME targets (by suffix) to the
// service they belong to, so the map can say "SendGrid" rather than "sendgrid.net".
var knownSenders = []struct{ suffix, service string }{
	{"_spf.google.com", "Google Workspace"},
	{"spf.protection.outlook.com", "Microsoft 365"},
	{"onmicrosoft.com", "Microsoft 365"},
	{"sendgrid.net", "SendGrid"},
	{"mailgun.org", "Mailgun"},
	{"amazonses.com", "Amazon SES"},
	{"servers.mcsv.net", "Mailchimp"},
	{"mcsv.net", "Mailchimp"},
	{"spf.mandrillapp.com", "Mailchimp Transactional (Mandrill)"},
	{"mandrillapp.com", "Mailchimp Transactional (Mandrill)"},
	{"mtasv.net", "Postmark"},
	{"_spf.salesforce.com", "Salesforce"},
	{"mail.zendesk.com", "Zendesk"},
	{"zendesk.com", "Zendesk"},
	{"spf.messagingengine.com", "Fastmail"},
	{"_spf.mx.cloudflare.net", "Cloudflare Email Routing"},
	{"sparkpostmail.com", "SparkPost"},
	{"spf.mailjet.com", "Mailjet"},
	{"zoho.com", "Zoho Mail"},
	{"zoho.eu", "Zoho Mail"},
	{"helpscoutemail.com", "Help Scout"},
	{"hubspotemail.net", "HubSpot"},
	{"spf.sendinblue.com", "Brevo"},
	{"spf.brevo.com", "Brevo"},
	{"_spf.protonmail.ch", "Proton Mail"},
}

// serviceOf names the service behind a domain, or "" when it is not a known one.
func serviceOf(domain string) string {
	d := strings.ToLower(strings.TrimSuffix(domain, "."))
	for _, k := range knownSenders {
		if d == k.suffix || strings.HasSuffix(d, "."+k.suffix) {
			return k.service
		}
	}
	return ""
}

var allMeaning = map[string]string{
	"-all": "fails SPF: receivers apply the DMARC policy",
	"~all": "soft-fails SPF: usually delivered, marked suspicious",
	"?all": "neutral: SPF says nothing",
	"+all": "passes SPF: anyone may send (dangerous)",
	"all":  "passes SPF: anyone may send (dangerous)",
}

// matrixFromPolicy builds the matrix from an email block.
func matrixFromPolicy(p *email.Policy, zone string) *sendingMatrix {
	m := &sendingMatrix{source: "the zone's `email` block"}
	if p.SPF == nil {
		m.noSPF = true
	} else {
		var terms []string
		if p.SPF.MX {
			terms = append(terms, "mx")
		}
		for _, ip := range p.SPF.IP4 {
			terms = append(terms, "ip4:"+ip)
		}
		for _, ip := range p.SPF.IP6 {
			terms = append(terms, "ip6:"+ip)
		}
		for _, d := range p.SPF.Include {
			terms = append(terms, "include:"+strings.TrimSuffix(d, "."))
		}
		m.addSPFTerms(terms, zone)
		all := p.SPF.All
		if all == "" {
			all = "fail"
		}
		m.spfAll = map[string]string{"fail": "-all", "softfail": "~all", "neutral": "?all", "pass": "+all"}[all]
	}
	for _, d := range p.DKIM {
		k := dkimKey{selector: d.Selector}
		name := d.Selector + "._domainkey." + zone
		if d.CNAME != "" {
			target := strings.ToLower(strings.TrimSuffix(d.CNAME, "."))
			k.record = name + " CNAME"
			k.key = "hosted by the sender at " + target
			k.service = serviceOf(target)
		} else {
			kt := d.KeyType
			if kt == "" {
				kt = "rsa"
			}
			k.record = name + " TXT"
			k.key = kt + " public key published here"
		}
		m.dkim = append(m.dkim, k)
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
	m.sortDKIM()
	return m
}

// matrixFromRecords builds the matrix from the zone's TXT and DKIM CNAME record sets,
// for a zone without an email block. It returns nil when the zone publishes no
// email authentication at all.
func matrixFromRecords(sets []*setView, zone string) *sendingMatrix {
	m := &sendingMatrix{source: "the zone's TXT records (no `email` block)"}
	found := false
	spfSeen := false
	for _, s := range sets {
		switch {
		case s.name == zone && s.typ == "TXT":
			for _, v := range s.values {
				if !strings.HasPrefix(strings.ToLower(v), "v=spf1") {
					continue
				}
				found, spfSeen = true, true
				var terms []string
				for _, t := range strings.Fields(v)[1:] {
					tl := strings.ToLower(t)
					if strings.TrimLeft(tl, "+-~?") == "all" {
						if q := tl[:len(tl)-3]; q == "" || q == "+" {
							m.spfAll = "+all"
						} else {
							m.spfAll = q + "all"
						}
						continue
					}
					terms = append(terms, t)
				}
				m.addSPFTerms(terms, zone)
			}
		case s.name == "_dmarc."+zone && s.typ == "TXT":
			for _, v := range s.values {
				if d := parseDMARC(v); d != nil {
					found = true
					m.dmarc = d
				}
			}
		case strings.HasSuffix(s.name, "._domainkey."+zone) && (s.typ == "TXT" || s.typ == "CNAME"):
			sel := strings.TrimSuffix(s.name, "._domainkey."+zone)
			for _, v := range s.values {
				k := dkimKey{selector: sel, record: s.name + " " + s.typ}
				if s.typ == "CNAME" {
					k.key = "hosted by the sender at " + v
					k.service = serviceOf(v)
				} else {
					kt := "rsa"
					for _, tag := range strings.Split(v, ";") {
						if name, val, ok := strings.Cut(strings.TrimSpace(tag), "="); ok && strings.TrimSpace(name) == "k" {
							kt = strings.TrimSpace(val)
						}
					}
					k.key = kt + " public key published here"
				}
				found = true
				m.dkim = append(m.dkim, k)
			}
		}
	}
	if !found {
		return nil
	}
	m.noSPF = !spfSeen
	m.noDMARC = m.dmarc == nil
	m.sortDKIM()
	return m
}

func (m *sendingMatrix) sortDKIM() {
	sort.SliceStable(m.dkim, func(i, j int) bool {
		if m.dkim[i].selector != m.dkim[j].selector {
			return m.dkim[i].selector < m.dkim[j].selector
		}
		return m.dkim[i].record < m.dkim[j].record
	})
}

// addSPFTerms describes each SPF mechanism or modifier (qualifiers kept as written).
func (m *sendingMatrix) addSPFTerms(terms []string, zone string) {
	for _, t := range terms {
		q := ""
		body := t
		if strings.ContainsAny(t[:1], "+-~?") {
			q, body = t[:1], t[1:]
		}
		mech, arg, _ := strings.Cut(body, ":")
		if mech == body {
			mech, arg, _ = strings.Cut(body, "=")
		}
		mech = strings.ToLower(mech)
		var who string
		switch mech {
		case "include":
			who = serviceOf(arg)
			if who == "" {
				who = "whoever " + arg + "'s SPF record allows"
			}
		case "redirect":
			who = "whoever " + arg + "'s SPF record allows (redirect)"
		case "ip4", "ip6":
			who = "servers at " + arg
		case "mx":
			who = "the mail servers (MX) of " + orDefault(arg, zone)
		case "a":
			who = "the addresses (A/AAAA) of " + orDefault(arg, zone)
		case "exists":
			who = "hosts for which " + arg + " resolves"
		case "ptr":
			who = "hosts whose reverse DNS is in " + orDefault(arg, zone) + " (deprecated)"
		default:
			who = "see RFC 7208"
		}
		switch q {
		case "-":
			who = "NOT " + who + " (fails)"
		case "~":
			who = "NOT " + who + " (soft-fails)"
		case "?":
			who = who + " (neutral)"
		}
		m.spf = append(m.spf, sender{mechanism: t, who: who})
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// parseDMARC reads a DMARC record's tags; nil when v is not a DMARC record.
func parseDMARC(v string) *dmarcPolicy {
	tags := map[string]string{}
	for i, part := range strings.Split(v, ";") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		name, val = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(val)
		if i == 0 && (name != "v" || val != "DMARC1") {
			return nil
		}
		tags[name] = val
	}
	if tags["v"] != "DMARC1" {
		return nil
	}
	split := func(s string) []string {
		var out []string
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				out = append(out, x)
			}
		}
		return out
	}
	align := map[string]string{"r": "relaxed", "s": "strict"}
	return &dmarcPolicy{
		policy: tags["p"], subdomain: tags["sp"], pct: tags["pct"],
		adkim: align[tags["adkim"]], aspf: align[tags["aspf"]],
		rua: split(tags["rua"]), ruf: split(tags["ruf"]),
	}
}

// renderMatrix writes the email section of one zone.
func renderMatrix(d *md, zone string, m *sendingMatrix) {
	d.para("Read from ", text(m.source), ".")
	if m.noSPF {
		d.para("**No SPF record**: receivers cannot tell who may send for ", code(zone), ", and mail from it is likely to land in spam.")
	} else {
		rows := make([][]string, 0, len(m.spf)+1)
		for _, s := range m.spf {
			rows = append(rows, []string{code(s.mechanism), text(s.who)})
		}
		if m.spfAll != "" {
			rows = append(rows, []string{code(m.spfAll), "everyone else " + text(allMeaning[m.spfAll])})
		} else {
			rows = append(rows, []string{"—", "everyone else: no `all` mechanism, so SPF is neutral"})
		}
		d.para("Who may send mail for ", code(zone), " (SPF):")
		d.table([]string{"SPF mechanism", "Allowed sender"}, rows)
	}
	if len(m.dkim) == 0 {
		d.para("No DKIM selectors are published: messages cannot be DKIM-signed for ", code(zone), " in a way receivers can check.")
	} else {
		rows := make([][]string, 0, len(m.dkim))
		for _, k := range m.dkim {
			rows = append(rows, []string{code(k.selector), code(k.record), text(k.key), text(orDash(k.service))})
		}
		d.para("DKIM selectors (each sending service signs with its own):")
		d.table([]string{"Selector", "Record", "Key", "Service"}, rows)
	}
	if m.noDMARC {
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
	d.para("DMARC (what receivers do with mail that fails both SPF and DKIM alignment):")
	d.table([]string{"Tag", "Value"}, rows)
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
func emailRecordOrigin(s model.RRSet) bool { return strings.HasPrefix(s.Origin, "email.") }
