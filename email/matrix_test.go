package email

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSendingMatrix(t *testing.T) {
	const dkimOnly = "not in SPF: authenticated by DKIM only (fine for DMARC; SPF fails or is neutral)"
	const spfOnly = "no DKIM selector: passes DMARC only if it sends with a bounce (MAIL FROM) address under the domain"
	rua := []string{"mailto:dmarc@example.com"}
	tests := []struct {
		name string
		p    *Policy
		want []Sender
	}{
		{"nil", nil, nil},
		{"the issue's example", &Policy{
			SPF: &SPF{Include: []string{"_spf.google.com", "sendgrid.net"}, IP4: []string{"203.0.113.5"}, All: "fail"},
			DKIM: []DKIM{
				{Selector: "google", PublicKey: "MIIB…"},
				{Selector: "s1", CNAME: "s1.domainkey.u123.wl.sendgrid.net"},
			},
			DMARC: &DMARC{Policy: "quarantine", RUA: rua},
		}, []Sender{
			{Service: "Google Workspace", SPF: []string{"include:_spf.google.com"}, DKIM: []string{"google"}, DMARC: "quarantine", Reports: rua},
			{Service: "SendGrid", SPF: []string{"include:sendgrid.net"}, DKIM: []string{"s1"}, DMARC: "quarantine", Reports: rua},
			{Service: "203.0.113.5", SPF: []string{"ip4:203.0.113.5"}, DMARC: "quarantine", Reports: rua, Notes: []string{spfOnly}},
		}},
		{"unknown include, ip6, mx, dkim-only services, no dmarc", &Policy{
			SPF: &SPF{Include: []string{"Mail.Vendor.example."}, IP6: []string{"2001:db8::/48"}, MX: true},
			DKIM: []DKIM{
				{Selector: "selector1", CNAME: "selector1-example-com._domainkey.example.onmicrosoft.com"},
				{Selector: "k1", PublicKey: "MIIB…"},
				{Selector: "mystery", PublicKey: "MIIB…"},
				{Selector: "pm", PublicKey: "MIIB…"},
			},
		}, []Sender{
			{Service: "mail.vendor.example", SPF: []string{"include:mail.vendor.example"}},
			{Service: "2001:db8::/48", SPF: []string{"ip6:2001:db8::/48"}},
			{Service: "MX hosts of the domain", SPF: []string{"mx"}},
			{Service: "Microsoft 365", DKIM: []string{"selector1"}, Notes: []string{dkimOnly}},
			{Service: "Mailchimp", DKIM: []string{"k1"}, Notes: []string{dkimOnly}},
			{Service: "DKIM selector mystery", DKIM: []string{"mystery"}, Notes: []string{dkimOnly}},
			{Service: "Postmark", DKIM: []string{"pm"}, Notes: []string{dkimOnly}},
		}},
		{"two selectors and two includes of one service", &Policy{
			SPF:   &SPF{Include: []string{"spf.protection.outlook.com"}},
			DKIM:  []DKIM{{Selector: "selector1", CNAME: "selector1-x._domainkey.x.onmicrosoft.com"}, {Selector: "selector2", CNAME: "selector2-x._domainkey.x.onmicrosoft.com"}},
			DMARC: &DMARC{Policy: "reject"},
		}, []Sender{
			{Service: "Microsoft 365", SPF: []string{"include:spf.protection.outlook.com"}, DKIM: []string{"selector1", "selector2"}, DMARC: "reject"},
		}},
		{"a domain that sends no mail", &Policy{SPF: &SPF{All: "fail"}, DMARC: &DMARC{Policy: "reject", RUA: rua}}, []Sender{
			{Service: "nobody: the domain sends no mail", SPF: []string{"v=spf1 -all"}, DMARC: "reject", Reports: rua},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, SendingMatrix(tc.p)); diff != "" {
				t.Errorf("SendingMatrix (-want +got):\n%s", diff)
			}
		})
	}
}
