package rfc2136

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/internal/testbind"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

// End to end on a real BIND: desired state → ReadZone → plan.Compute → ApplyRecords
// (the plan's ops, ownership marks included) → ReadZone → plan.Compute shows nothing
// left to do, and records launchready does not own are untouched.

// handMade are records someone made by hand before launchready came along.
const handMade = `
legacy            IN A   192.0.2.200
@                 IN TXT "google-site-verification=hand-made"
_acme-challenge   IN TXT "acme-token"
`

func rrset(t *testing.T, name, typ string, ttl int, values ...string) *schema.Record {
	t.Helper()
	var vals []string
	var n string
	for _, v := range values {
		r := canon(t, name, typ, v, ttl)
		n = r.Name
		vals = append(vals, r.Value)
	}
	return &schema.Record{RRSet: model.RRSet{Name: n, Type: typ, TTL: ttl, Values: vals, Origin: "record"}}
}

func desiredZone(t *testing.T) *schema.Zone {
	return &schema.Zone{
		Name:         zone,
		Provider:     "rfc2136.test",
		ProviderKind: Kind,
		Ignore:       []string{"_acme-challenge*"},
		Records: []*schema.Record{
			rrset(t, "@", "A", 0, "203.0.113.10"),
			rrset(t, "www", "CNAME", 0, "example.test."),
			rrset(t, "api", "A", 600, "203.0.113.20", "203.0.113.21"),
			rrset(t, "v6", "AAAA", 0, "2001:db8::10"),
			rrset(t, "@", "MX", 0, "10 mx1.mailhost.net.", "20 mx2.mailhost.net."),
			rrset(t, "@", "TXT", 0, "v=spf1 include:_spf.google.com -all"),
			rrset(t, "google._domainkey", "TXT", 0, longTXT),
			rrset(t, "_sip._tcp", "SRV", 0, "10 5 5060 sip.example.com."),
			rrset(t, "@", "CAA", 0, `0 issue "letsencrypt.org"`),
			rrset(t, "delegated", "NS", 0, "ns1.other-provider.net.", "ns2.other-provider.net."),
			rrset(t, "10.rev", "PTR", 0, "host.example.net."),
			rrset(t, "*.preview", "CNAME", 120, "previews.hosting.net"),
		},
	}
}

// converge plans cfg against the server, applies the plan's record ops and checks that
// a fresh read and plan show no change. It returns the plan that was applied and the
// live zone after it.
func converge(t *testing.T, p *Provider, z *schema.Zone) (*plan.ZonePlan, *model.LiveZone) {
	t.Helper()
	cfg := &schema.Config{Zones: []*schema.Zone{z}}
	live := readZone(t, p)
	pl, err := plan.Compute(cfg, map[string]*model.LiveZone{zone: live})
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	zp := pl.Zones[0]
	if len(zp.RecordOps) == 0 {
		t.Fatalf("the plan has no record ops; the test expects changes")
	}
	apply(t, p, live, zp.RecordOps...)

	after := readZone(t, p)
	if after.Serial != live.Serial+1 {
		t.Errorf("serial %d → %d: want the whole plan in one UPDATE message", live.Serial, after.Serial)
	}
	again, err := plan.Compute(cfg, map[string]*model.LiveZone{zone: after})
	if err != nil {
		t.Fatalf("Compute after apply: %v", err)
	}
	if z2 := again.Zones[0]; len(z2.Changes) != 0 || len(z2.RecordOps) != 0 {
		var lines []string
		for _, op := range z2.RecordOps {
			lines = append(lines, op.String())
		}
		t.Errorf("plan after apply is not empty: %d changes, ops:\n%s\nwarnings: %v", len(z2.Changes), strings.Join(lines, "\n"), z2.Warnings)
	}
	return &zp, after
}

func recordsOf(lz *model.LiveZone, keep func(model.Record) bool) []model.Record {
	var out []model.Record
	for _, r := range lz.Records {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

func isMark(r model.Record) bool { return plan.IsRegistryName(r.Name) }

func TestEndToEndPlanApplyConverges(t *testing.T) {
	srv := testbind.Start(t, zone, handMade)
	p := newProvider(t, srv)

	unowned := func(r model.Record) bool {
		switch {
		case r.Type == "SOA", r.Name == zone && r.Type == "NS", r.Name == "ns1."+zone:
			return true
		case r.Name == "legacy."+zone, r.Name == "_acme-challenge."+zone:
			return true
		case r.Name == zone && r.Type == "TXT" && strings.HasPrefix(r.Value, "google-site-verification="):
			return true
		}
		return false
	}
	withoutSOA := func(rs []model.Record) []model.Record {
		var out []model.Record
		for _, r := range rs {
			if r.Type != "SOA" {
				out = append(out, r)
			}
		}
		return out
	}
	before := withoutSOA(recordsOf(readZone(t, p), unowned))

	// 1. Create everything, with ownership marks, next to hand-made records.
	z := desiredZone(t)
	_, live := converge(t, p, z)
	if diff := cmp.Diff(before, withoutSOA(recordsOf(live, unowned))); diff != "" {
		t.Errorf("records launchready does not own changed (-before +after):\n%s", diff)
	}
	marks := recordsOf(live, isMark)
	wantMarkNames := []string{
		"_launchready-wildcard.preview." + zone,
		"_launchready." + zone,
		"_launchready._sip._tcp." + zone,
		"_launchready.10.rev." + zone,
		"_launchready.api." + zone,
		"_launchready.delegated." + zone,
		"_launchready.google._domainkey." + zone,
		"_launchready.v6." + zone,
		"_launchready.www." + zone,
	}
	var gotMarkNames []string
	for _, m := range marks {
		gotMarkNames = append(gotMarkNames, m.Name)
		if m.Type != "TXT" || !strings.HasPrefix(m.Value, plan.RegistryVersion+" ") {
			t.Errorf("ownership mark %v is not a %q TXT record", m, plan.RegistryVersion)
		}
	}
	sort.Strings(wantMarkNames)
	if diff := cmp.Diff(wantMarkNames, gotMarkNames); diff != "" {
		t.Errorf("ownership marks on the server (-want +got):\n%s", diff)
	}
	// The apex mark lists launchready's apex values only, not the hand-made TXT.
	for _, m := range marks {
		if m.Name == "_launchready."+zone {
			if want := plan.ValueMark("TXT", "google-site-verification=hand-made"); strings.Contains(m.Value, want) {
				t.Errorf("apex mark %q claims the hand-made TXT", m.Value)
			}
			if want := plan.ValueMark("TXT", "v=spf1 include:_spf.google.com -all"); !strings.Contains(m.Value, want) {
				t.Errorf("apex mark %q lacks the SPF TXT's mark %s", m.Value, want)
			}
		}
	}

	// 2. Edit the file: www becomes an A (type change), api loses a value and changes
	// TTL, the DKIM block is removed. Converges again; hand-made records still there.
	z = desiredZone(t)
	var recs []*schema.Record
	for _, r := range z.Records {
		switch r.Key() {
		case model.Key{Name: "www." + zone, Type: "CNAME"}:
			recs = append(recs, rrset(t, "www", "A", 0, "203.0.113.30"))
		case model.Key{Name: "api." + zone, Type: "A"}:
			recs = append(recs, rrset(t, "api", "A", 900, "203.0.113.20"))
		case model.Key{Name: "google._domainkey." + zone, Type: "TXT"}:
		default:
			recs = append(recs, r)
		}
	}
	z.Records = recs
	zp, live := converge(t, p, z)
	var kinds []string
	for _, op := range zp.RecordOps {
		kinds = append(kinds, string(op.Op))
	}
	if !strings.Contains(strings.Join(kinds, " "), "delete") {
		t.Errorf("edit plan has no delete: %v", kinds)
	}
	for _, r := range live.Records {
		if strings.HasPrefix(r.Name, "google._domainkey.") || r.Name == "_launchready.google._domainkey."+zone {
			t.Errorf("removed block's record or mark still live: %v", r)
		}
	}
	if diff := cmp.Diff(before, withoutSOA(recordsOf(live, unowned))); diff != "" {
		t.Errorf("records launchready does not own changed (-before +after):\n%s", diff)
	}
	gotWWW := recordsOf(live, func(r model.Record) bool { return r.Name == "www."+zone })
	if diff := cmp.Diff([]model.Record{rec("www."+zone, "A", "203.0.113.30", 300)}, gotWWW); diff != "" {
		t.Errorf("www after the type change (-want +got):\n%s", diff)
	}

	// 3. Authoritative: undeclared records are deleted, except ignored names, the SOA
	// and the apex NS set (and ns1, which the apex NS needs, ignored here).
	z.Authoritative = true
	z.Ignore = []string{"_acme-challenge*", "ns1"}
	_, live = converge(t, p, z)
	var left []string
	for _, r := range live.Records {
		if r.Name == "legacy."+zone || strings.HasPrefix(r.Value, "google-site-verification=") {
			left = append(left, r.String())
		}
	}
	if len(left) != 0 {
		t.Errorf("authoritative apply left undeclared records: %v", left)
	}
	kept := recordsOf(live, func(r model.Record) bool {
		return r.Type == "SOA" || r.Name == "_acme-challenge."+zone || r.Name == "ns1."+zone || r.Name == zone && r.Type == "NS"
	})
	var keptKeys []string
	for _, r := range kept {
		keptKeys = append(keptKeys, r.Name+" "+r.Type)
	}
	wantKept := []string{zone + " NS", zone + " SOA", "_acme-challenge." + zone + " TXT", "ns1." + zone + " A"}
	sort.Strings(wantKept)
	if diff := cmp.Diff(wantKept, keptKeys); diff != "" {
		t.Errorf("records authoritative mode must keep (-want +got):\n%s", diff)
	}
}

// A change made between plan and apply stops the apply: nothing of the plan is
// written, the other change survives, and a new plan applies cleanly.
func TestEndToEndConcurrentEditBetweenPlanAndApply(t *testing.T) {
	srv := testbind.Start(t, zone, handMade)
	p := newProvider(t, srv)
	cfg := &schema.Config{Zones: []*schema.Zone{desiredZone(t)}}
	live := readZone(t, p)
	pl, err := plan.Compute(cfg, map[string]*model.LiveZone{zone: live})
	if err != nil {
		t.Fatal(err)
	}

	srv.Update(t, []string{"hotfix." + zone + ". 60 IN A 192.0.2.99"}, nil)

	err = p.ApplyRecords(ctx(t), live, pl.Zones[0].RecordOps)
	if !errors.Is(err, ErrZoneChanged) {
		t.Fatalf("ApplyRecords after a concurrent edit: %v, want ErrZoneChanged", err)
	}
	now := readZone(t, p)
	if got := recordsOf(now, isMark); len(got) != 0 {
		t.Errorf("ownership marks written by a refused apply: %v", got)
	}
	if got := recordsOf(now, func(r model.Record) bool { return r.Name == "hotfix."+zone }); len(got) != 1 {
		t.Errorf("the concurrent edit is gone: %v", got)
	}
	if now.Serial != live.Serial+1 {
		t.Errorf("serial %d → %d, want only the concurrent edit's bump", live.Serial, now.Serial)
	}
	converge(t, p, desiredZone(t))
}
