package handover

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/verify"
)

// TestDelegationSection: the map tells what the registrar must hold (name servers,
// DS), what the parent held when last verified, and how to change it.
func TestDelegationSection(t *testing.T) {
	cfg := loadConfig(t)
	rep := &verify.Report{FormatVersion: verify.FormatVersion, StartedAt: time.Date(2025, 3, 14, 8, 0, 0, 0, time.UTC), Zones: []verify.ZoneReport{
		{Zone: "example.com", Results: []verify.Result{
			{Zone: "example.com", Kind: verify.KindDelegation, Name: "example.com", Check: verify.CheckParentNS, Status: verify.Fail,
				Reason: "the parent zone com lists other name servers (ns1.oldhost.example), none of the zone's"},
		}},
	}}
	var buf bytes.Buffer
	if err := verify.RenderJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	vr, err := ReadVerifyJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := render(t, Input{Config: cfg, Live: liveState(cfg), Verify: vr, Delegations: map[string]*model.Delegation{
		"example.com": {Status: "pending", Nameservers: []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"},
			DNSSEC: &model.DNSSEC{Status: "pending", DS: []string{"2371 13 2 C9B1E1E4"}}},
		"corp.example": {Nameservers: []string{"ns1.corp.example", "ns2.corp.example"}, DNSSEC: &model.DNSSEC{Status: "disabled"}},
	}})
	ex := section(t, got, "## Zone `example.com`", "### Delegation")
	for _, want := range []string{
		"must list exactly these name servers (assigned by the provider), and no others:\n\n- `ada.ns.cloudflare.com`\n- `bob.ns.cloudflare.com`\n",
		"**The zone is pending at the provider:**",
		"DNSSEC is pending: the registrar must hold this DS record (key tag, algorithm, digest type, digest):\n\n- `example.com. DS 2371 13 2 C9B1E1E4`",
		"| `example.com` | parent\\_ns | FAIL | the parent zone com lists other name servers (ns1.oldhost.example), none of the zone's |",
		"To change them: in the registrar's dashboard",
	} {
		if !strings.Contains(ex, want) {
			t.Errorf("example.com delegation lacks %q:\n%s", want, ex)
		}
	}
	corp := section(t, got, "## Zone `corp.example`", "### Delegation")
	for _, want := range []string{"(the zone's apex NS records)", "DNSSEC is disabled: the registrar must hold **no** DS record"} {
		if !strings.Contains(corp, want) {
			t.Errorf("corp.example delegation lacks %q:\n%s", want, corp)
		}
	}
}

// section returns the text of the heading sub inside the zone section zone.
func section(t *testing.T, doc, zone, sub string) string {
	t.Helper()
	i := strings.Index(doc, zone)
	if i < 0 {
		t.Fatalf("no %q in:\n%s", zone, doc)
	}
	rest := doc[i:]
	j := strings.Index(rest, sub)
	if j < 0 {
		t.Fatalf("no %q in %s", sub, zone)
	}
	rest = rest[j+len(sub):]
	if k := strings.Index(rest, "\n### "); k >= 0 {
		rest = rest[:k]
	}
	return rest
}
