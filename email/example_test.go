package email_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/launchready/launchready/email"
)

// The world of the examples: an in-memory DNS. In the CLI, use
// email.NewDNSResolver("") (system resolver) or email.NewDNSResolver("HOST:PORT").
func exampleDNS() *email.MemoryResolver {
	m := email.NewMemoryResolver()
	if err := m.AddZone(`
example.com.           TXT "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 -all"
_spf.vendor.net.       TXT "v=spf1 ip4:198.51.100.0/24 ~all"
reports.example.net.   MX  10 mx.reports.example.net.
`); err != nil {
		panic(err)
	}
	return m
}

// What `launchready spf check --ip 198.51.100.7 --sender user@example.com --helo
// mail.example.com` does.
func ExampleCheckHost() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	res, trace := email.CheckHost(ctx, exampleDNS(), net.ParseIP("198.51.100.7"), "user@example.com", "mail.example.com")
	fmt.Println("result:", res)
	_ = email.WriteTrace(os.Stdout, trace, false)
	// Output:
	// result: pass
	// SPF pass for 198.51.100.7 sending as user@example.com (HELO mail.example.com)
	//   reason: ip4:198.51.100.0/24 in the SPF record of _spf.vendor.net matched (reached through include:_spf.vendor.net in example.com): pass
	//   DNS lookups: 1 of 10, void lookups: 0 of 2
	// path:
	//   example.com: v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 -all
	//     include:_spf.vendor.net → match
	//       _spf.vendor.net: v=spf1 ip4:198.51.100.0/24 ~all
	//         ip4:198.51.100.0/24 → match: 198.51.100.7 is in 198.51.100.0/24
}

// What schema does with a decoded email block.
func ExampleValidate() {
	p := &email.Policy{
		SPF:   &email.SPF{Include: []string{"_spf.vendor.net", "localhost"}, IP4: []string{"192.0.2.10/24"}, All: "softfail"},
		DMARC: &email.DMARC{Policy: "reject", RUA: []string{"dmarc@example.com"}},
	}
	for _, pr := range email.Validate(p) {
		fmt.Printf("%s %s[%d]: %s\n", pr.Severity, pr.Field, pr.Index, pr.Message)
	}
	// Output:
	// error spf.include[1]: include "localhost": "localhost" does not end in a dot and a top-level label
	// warning spf.ip4[0]: 192.0.2.10/24 has host bits set: SPF reads it as 192.0.2.0/24
	// error dmarc.rua[0]: "dmarc@example.com" is not a URI: write mailto:dmarc@example.com
	// warning spf.all[-1]: all = "softfail" (~all) with DMARC p=reject: receivers that act on SPF alone only mark unlisted senders; use "fail" once every sender is listed
}

// What handover does for the DNS map.
func ExampleSendingMatrix() {
	p := &email.Policy{
		SPF:   &email.SPF{Include: []string{"_spf.google.com"}, IP4: []string{"203.0.113.5"}, All: "fail"},
		DKIM:  []email.DKIM{{Selector: "google", PublicKey: "MIIB…"}},
		DMARC: &email.DMARC{Policy: "quarantine", RUA: []string{"mailto:dmarc@example.com"}},
	}
	for _, s := range email.SendingMatrix(p) {
		fmt.Printf("%s | SPF %v | DKIM %v | DMARC %s | %v\n", s.Service, s.SPF, s.DKIM, s.DMARC, s.Notes)
	}
	// Output:
	// Google Workspace | SPF [include:_spf.google.com] | DKIM [google] | DMARC quarantine | []
	// 203.0.113.5 | SPF [ip4:203.0.113.5] | DKIM [] | DMARC quarantine | [no DKIM selector: passes DMARC only if it sends with a bounce (MAIL FROM) address under the domain]
}
