package analysis

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

func zrec(name, typ, value string) model.Record {
	return model.Record{Name: name, Type: typ, Value: value}
}

func TestWithZone(t *testing.T) {
	base := mustZone(t, `
mx1.mailhost.net.  A   198.51.100.25
example.com.       TXT "stale: the zone view replaces live DNS inside the zone"
`)
	r := WithZone(base, "example.com", []model.Record{
		zrec("example.com", "MX", "10 mx1.mailhost.net"),
		zrec("example.com", "MX", "20 mx2.mailhost.net"),
		zrec("example.com", "TXT", "v=spf1 mx -all"),
		zrec("example.com", "TXT", "google-site-verification=x"),
		zrec("app.example.com", "CNAME", "web.example.com"),
		zrec("web.example.com", "A", "203.0.113.10"),
		zrec("a.b.example.com", "A", "203.0.113.11"),
		zrec("out.example.com", "CNAME", "mx1.mailhost.net"),
	})
	ctx := context.Background()
	mx, err := r.LookupMX(ctx, "Example.com.")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]email.MX{{Preference: 10, Host: "mx1.mailhost.net"}, {Preference: 20, Host: "mx2.mailhost.net"}}, mx); diff != "" {
		t.Errorf("MX (-want +got):\n%s", diff)
	}
	txt, _ := r.LookupTXT(ctx, "example.com")
	if diff := cmp.Diff([]string{"v=spf1 mx -all", "google-site-verification=x"}, txt); diff != "" {
		t.Errorf("TXT: every record of the zone view, made by hand or not (-want +got):\n%s", diff)
	}
	if a, err := r.LookupA(ctx, "app.example.com"); err != nil || len(a) != 1 || a[0].String() != "203.0.113.10" {
		t.Errorf("CNAME followed inside the zone: %v %v", a, err)
	}
	if a, err := r.LookupA(ctx, "out.example.com"); err != nil || len(a) != 1 || a[0].String() != "198.51.100.25" {
		t.Errorf("CNAME leaving the zone answered by base: %v %v", a, err)
	}
	if a, err := r.LookupA(ctx, "mx1.mailhost.net"); err != nil || len(a) != 1 {
		t.Errorf("outside the zone through base: %v %v", a, err)
	}
	if _, err := r.LookupA(ctx, "nowhere.example.com"); !errors.Is(err, email.ErrNXDomain) {
		t.Errorf("missing name in the zone: %v, want NXDOMAIN", err)
	}
	if _, err := r.LookupTXT(ctx, "b.example.com"); !errors.Is(err, email.ErrNoData) {
		t.Errorf("empty non-terminal: %v, want NODATA", err)
	}
	if _, err := r.LookupMX(ctx, "web.example.com"); !errors.Is(err, email.ErrNoData) {
		t.Errorf("name without the type: %v, want NODATA", err)
	}
}

// TestAnalyzeAfterApply: analysed through the zone as it will be, the records the
// apply creates count (no missing MX for the DMARC address), and a hand-made SPF
// record left beside launchready's is two SPF records: an error.
func TestAnalyzeAfterApply(t *testing.T) {
	base := mustZone(t, `
mx1.mailhost.net.  A   198.51.100.25
`)
	p := &email.Policy{SPF: &email.SPF{IP4: []string{"203.0.113.5"}, All: "fail"}, DMARC: &email.DMARC{Policy: "quarantine", RUA: []string{"mailto:dmarc@example.com"}}}
	var after []model.Record
	after = append(after, zrec("example.com", "MX", "10 mx1.mailhost.net"))
	for _, s := range p.Records("example.com") {
		after = append(after, s.Records()...)
	}
	for _, f := range Analyze(context.Background(), WithZone(base, "example.com", after), "example.com", p) {
		if f.Severity != email.Info {
			t.Errorf("unexpected finding after apply: %s", f)
		}
	}
	withHandMade := append(after, zrec("example.com", "TXT", "v=spf1 include:_spf.google.com -all"))
	var found bool
	for _, f := range Analyze(context.Background(), WithZone(base, "example.com", withHandMade), "example.com", p) {
		if f.Severity == email.Error && f.Check == "spf" && strings.Contains(f.Message, "SPF records") {
			found = true
		}
	}
	if !found {
		t.Errorf("a hand-made SPF record beside launchready's must be reported as an error")
	}
}
