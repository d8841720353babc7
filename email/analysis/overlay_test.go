package analysis

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

func TestWithDesired(t *testing.T) {
	base := mustZone(t, `
example.com.       TXT "google-site-verification=live"
mx1.mailhost.net.  A   198.51.100.25
`)
	r := WithDesired(base, []model.RRSet{
		{Name: "example.com", Type: "MX", Values: []string{"10 mx1.mailhost.net", "20 mx2.mailhost.net"}},
		{Name: "example.com", Type: "TXT", Values: []string{"v=spf1 mx -all"}},
		{Name: "app.example.com", Type: "A", Values: []string{"203.0.113.10"}},
	})
	ctx := context.Background()
	mx, err := r.LookupMX(ctx, "Example.com.")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]email.MX{{Preference: 10, Host: "mx1.mailhost.net"}, {Preference: 20, Host: "mx2.mailhost.net"}}, mx); diff != "" {
		t.Errorf("MX from the desired state (-want +got):\n%s", diff)
	}
	txt, _ := r.LookupTXT(ctx, "example.com")
	if diff := cmp.Diff([]string{"v=spf1 mx -all"}, txt); diff != "" {
		t.Errorf("a declared TXT set replaces the live one (-want +got):\n%s", diff)
	}
	if a, err := r.LookupA(ctx, "app.example.com"); err != nil || len(a) != 1 || a[0].String() != "203.0.113.10" {
		t.Errorf("A from the desired state: %v %v", a, err)
	}
	// Names the desired state does not declare come from DNS as it is.
	if a, err := r.LookupA(ctx, "mx1.mailhost.net"); err != nil || len(a) != 1 {
		t.Errorf("A through to DNS: %v %v", a, err)
	}
	if _, err := r.LookupA(ctx, "nowhere.example.com"); !errors.Is(err, email.ErrNXDomain) {
		t.Errorf("missing name: %v, want NXDOMAIN", err)
	}
}

// TestAnalyzeBeforeApply: the MX records a DMARC report address needs are about to be
// created; analysed through the desired state, nothing is reported missing.
func TestAnalyzeBeforeApply(t *testing.T) {
	live := mustZone(t, `
mx1.mailhost.net.  A   198.51.100.25
`)
	p := &email.Policy{SPF: &email.SPF{IP4: []string{"203.0.113.5"}, All: "fail"}, DMARC: &email.DMARC{Policy: "quarantine", RUA: []string{"mailto:dmarc@example.com"}}}
	sets := append([]model.RRSet{{Name: "example.com", Type: "MX", Values: []string{"10 mx1.mailhost.net"}}}, p.Records("example.com")...)
	for _, f := range Analyze(context.Background(), WithDesired(live, sets), "example.com", p) {
		if f.Severity != email.Info {
			t.Errorf("unexpected finding before apply: %s", f)
		}
	}
	var errs int
	for _, f := range Analyze(context.Background(), live, "example.com", p) {
		if f.Severity == email.Error {
			errs++
		}
	}
	if errs == 0 {
		t.Errorf("through live DNS alone the missing MX must be reported")
	}
}
