package email

import (
	"strings"
)

// Sender is one row of the sending matrix: a service (or host) that may send mail for
// the domain, how it is authorised, and what receivers do with mail that fails.
type Sender struct {
	// Service is a known provider's name ("Google Workspace", "SendGrid"), else the
	// include domain, the network, "MX hosts of the domain" or "DKIM selector <s>".
	Service string `json:"service"`
	// SPF lists the SPF terms that authorise it ("include:_spf.google.com",
	// "ip4:203.0.113.5", "mx"); empty when it signs with DKIM only.
	SPF []string `json:"spf,omitempty"`
	// DKIM lists the selectors it signs with; empty when it is authorised by SPF only.
	DKIM []string `json:"dkim,omitempty"`
	// DMARC is the domain's policy for mail that fails both ("none", "quarantine",
	// "reject"), "" when the policy has no dmarc block.
	DMARC string `json:"dmarc,omitempty"`
	// Reports are the DMARC aggregate report destinations (rua).
	Reports []string `json:"reports,omitempty"`
	// Notes explain gaps: SPF-only senders pass DMARC only when their bounce domain
	// is aligned; a domain that authorises nobody.
	Notes []string `json:"notes,omitempty"`
}

// knownService maps a name suffix (an SPF include domain or a DKIM CNAME target) to a
// provider's name. Longer suffixes are tried first by matching on label boundaries.
var knownService = []struct{ suffix, name string }{
	{"_spf.google.com", "Google Workspace"},
	{"spf.protection.outlook.com", "Microsoft 365"},
	{"onmicrosoft.com", "Microsoft 365"},
	{"sendgrid.net", "SendGrid"},
	{"mailgun.org", "Mailgun"},
	{"amazonses.com", "Amazon SES"},
	{"spf.mtasv.net", "Postmark"},
	{"mtasv.net", "Postmark"},
	{"servers.mcsv.net", "Mailchimp"},
	{"mcsv.net", "Mailchimp"},
	{"spf.mandrillapp.com", "Mandrill"},
	{"mandrillapp.com", "Mandrill"},
	{"_spf.salesforce.com", "Salesforce"},
	{"mail.zendesk.com", "Zendesk"},
	{"spf.messagingengine.com", "Fastmail"},
	{"messagingengine.com", "Fastmail"},
	{"zoho.com", "Zoho Mail"},
	{"zoho.eu", "Zoho Mail"},
	{"spf.brevo.com", "Brevo"},
	{"spf.sendinblue.com", "Brevo"},
	{"spf.mailjet.com", "Mailjet"},
	{"sparkpostmail.com", "SparkPost"},
	{"hubspotemail.net", "HubSpot"},
	{"_spf.createsend.com", "Campaign Monitor"},
	{"helpscoutemail.com", "Help Scout"},
	{"icloud.com", "iCloud Mail"},
}

// knownSelector maps DKIM selector names that providers fix to the provider.
var knownSelector = map[string]string{
	"google":    "Google Workspace",
	"selector1": "Microsoft 365",
	"selector2": "Microsoft 365",
	"k1":        "Mailchimp",
	"mandrill":  "Mandrill",
	"pm":        "Postmark",
	"mailjet":   "Mailjet",
	"fm1":       "Fastmail",
	"fm2":       "Fastmail",
	"fm3":       "Fastmail",
	"hs1":       "HubSpot",
	"hs2":       "HubSpot",
	"resend":    "Resend",
}

// serviceOf returns the provider a name belongs to, or "".
func serviceOf(name string) string {
	name = CanonicalDNSName(name)
	for _, k := range knownService {
		if name == k.suffix || strings.HasSuffix(name, "."+k.suffix) {
			return k.name
		}
	}
	return ""
}

// SendingMatrix lists who may send mail for the domain according to the policy: one
// row per service, grouping its SPF terms (include, ip4, ip6, mx) and DKIM selectors
// (matched to well-known providers by include domain, CNAME target or selector name),
// each row carrying the DMARC policy and report destinations. A policy whose SPF
// authorises nobody and that has no DKIM gets one row saying the domain sends no mail.
// Rows keep the order of the policy: includes, ip4, ip6, mx, then DKIM-only services.
func SendingMatrix(p *Policy) []Sender {
	if p == nil {
		return nil
	}
	var rows []*Sender
	byService := map[string]*Sender{}
	row := func(service string) *Sender {
		if s, ok := byService[service]; ok {
			return s
		}
		s := &Sender{Service: service}
		byService[service] = s
		rows = append(rows, s)
		return s
	}
	if p.SPF != nil {
		for _, inc := range p.SPF.Include {
			name := CanonicalDNSName(inc)
			svc := serviceOf(name)
			if svc == "" {
				svc = name
			}
			r := row(svc)
			r.SPF = append(r.SPF, "include:"+name)
		}
		for _, ip := range p.SPF.IP4 {
			r := row(ip)
			r.SPF = append(r.SPF, "ip4:"+ip)
		}
		for _, ip := range p.SPF.IP6 {
			r := row(ip)
			r.SPF = append(r.SPF, "ip6:"+ip)
		}
		if p.SPF.MX {
			r := row("MX hosts of the domain")
			r.SPF = append(r.SPF, "mx")
		}
	}
	for _, d := range p.DKIM {
		svc := ""
		if d.CNAME != "" {
			svc = serviceOf(d.CNAME)
		}
		if svc == "" {
			svc = knownSelector[strings.ToLower(d.Selector)]
		}
		if svc == "" {
			svc = "DKIM selector " + d.Selector
		}
		r := row(svc)
		r.DKIM = append(r.DKIM, d.Selector)
	}
	if len(rows) == 0 && p.SPF != nil {
		r := row("nobody: the domain sends no mail")
		r.SPF = []string{p.SPF.SPFText()}
	}
	out := make([]Sender, 0, len(rows))
	for _, r := range rows {
		if p.DMARC != nil {
			r.DMARC = p.DMARC.Policy
			r.Reports = append([]string(nil), p.DMARC.RUA...)
		}
		switch {
		case len(r.SPF) > 0 && len(r.DKIM) == 0 && !strings.HasPrefix(r.Service, "nobody"):
			if p.DMARC != nil {
				r.Notes = append(r.Notes, "no DKIM selector: passes DMARC only if it sends with a bounce (MAIL FROM) address under the domain")
			}
		case len(r.SPF) == 0 && len(r.DKIM) > 0:
			r.Notes = append(r.Notes, "not in SPF: authenticated by DKIM only (fine for DMARC; SPF fails or is neutral)")
		}
		out = append(out, *r)
	}
	return out
}
