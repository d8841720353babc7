package analysis_test

import (
	"context"
	"fmt"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/email/analysis"
)

func exampleDNS() *email.MemoryResolver {
	m := email.NewMemoryResolver()
	if err := m.AddZone(`
example.com.           TXT "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 -all"
_spf.vendor.net.       TXT "v=spf1 ip4:198.51.100.0/24 ~all"
reports.example.net.   MX  10 mx.reports.example.net.
_dmarc.example.com.    TXT "v=DMARC1; p=none"
`); err != nil {
		panic(err)
	}
	return m
}

// What plan and verify do: analyse the policy against DNS.
func ExampleAnalyze() {
	p := &email.Policy{
		SPF:   &email.SPF{Include: []string{"_spf.vendor.net", "gone.example.net"}, All: "fail"},
		DMARC: &email.DMARC{Policy: "reject", RUA: []string{"mailto:dmarc@reports.example.net"}},
	}
	for _, f := range analysis.Analyze(context.Background(), exampleDNS(), "example.com", p) {
		fmt.Println(f)
	}
	// Output:
	// info spf: the published SPF record "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 -all" differs from the policy's "v=spf1 include:_spf.vendor.net include:gone.example.net -all"; if launchready does not own it, apply leaves two SPF records (permerror): adopt or delete it
	// error spf: include target gone.example.net does not exist: receivers return permerror (RFC 7208 §5.2, §6.1) (via example.com → include:gone.example.net)
	// info spf: SPF evaluation needs at most 2 of the 10 DNS lookups allowed and 0 void lookups
	// warning dmarc: the published DMARC record "v=DMARC1; p=none" differs from the policy's "v=DMARC1; p=reject; rua=mailto:dmarc@reports.example.net": p=none instead of reject; rua=(none) instead of mailto:dmarc@reports.example.net. Receivers apply the published one; apply replaces it when launchready owns it, otherwise adopt or delete it (two DMARC records disable DMARC)
	// error dmarc: rua mailto:dmarc@reports.example.net is outside example.com and reports.example.net has not authorised it: receivers will not send these reports (RFC 7489 §7.1); the report service must publish TXT "v=DMARC1" at example.com._report._dmarc.reports.example.net (via _dmarc.example.com → example.com._report._dmarc.reports.example.net)
}
