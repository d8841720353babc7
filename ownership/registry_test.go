package ownership

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestRegistryName(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"example.com", "_launchready.example.com"},
		{"api.example.com", "_launchready.api.example.com"},
		{"*.preview.example.com", "_launchready-wildcard.preview.example.com"},
		{"*.example.com", "_launchready-wildcard.example.com"},
		{"_sip._tcp.example.com", "_launchready._sip._tcp.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RegistryName(tt.name)
			if got != tt.want {
				t.Errorf("RegistryName(%q) = %q, want %q", tt.name, got, tt.want)
			}
			owner, ok := RegistryOwner(got)
			if !ok || owner != tt.name {
				t.Errorf("RegistryOwner(%q) = %q, %v; want %q, true", got, owner, ok, tt.name)
			}
		})
	}
}

func TestRegistryOwnerRejects(t *testing.T) {
	for _, name := range []string{"example.com", "_launchready", "_launchready.", "_launchready-wildcard.", "x._launchready.example.com", "_launchreadyx.example.com"} {
		if owner, ok := RegistryOwner(name); ok {
			t.Errorf("RegistryOwner(%q) = %q, true; want not a registry name", name, owner)
		}
	}
}

func TestValueMark(t *testing.T) {
	sum := sha256.Sum256([]byte("A 203.0.113.10"))
	want := "A:" + hex.EncodeToString(sum[:])[:8]
	if got := ValueMark("A", "203.0.113.10"); got != want {
		t.Errorf("ValueMark = %q, want %q", got, want)
	}
	if ValueMark("A", "203.0.113.10") == ValueMark("AAAA", "203.0.113.10") {
		t.Error("marks of different types must differ")
	}
	if ValueMark("TXT", "a b") == ValueMark("TXT", "ab") {
		t.Error("marks of different values must differ")
	}
}

func TestParseRegistry(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    Registry
		wantErr bool
	}{
		{name: "marks sorted", text: "v=launchready1 TXT:0123abcd A:ffff0000", want: Registry{Owner: DefaultOwner, Marks: []string{"A:ffff0000", "TXT:0123abcd"}}},
		{name: "settings", text: "v=launchready1 A:ffff0000 settings=ssl,always_use_https", want: Registry{Owner: DefaultOwner, Marks: []string{"A:ffff0000"}, Settings: []string{"always_use_https", "ssl"}}},
		{name: "settings only", text: "v=launchready1 settings=security_header", want: Registry{Owner: DefaultOwner, Settings: []string{"security_header"}}},
		{name: "duplicates dropped", text: "v=launchready1  A:ffff0000 A:ffff0000", want: Registry{Owner: DefaultOwner, Marks: []string{"A:ffff0000"}}},
		{name: "version only", text: "v=launchready1", want: Registry{Owner: DefaultOwner}},
		{name: "owner", text: "v=launchready1 owner=app A:ffff0000", want: Registry{Owner: "app", Marks: []string{"A:ffff0000"}}},
		{name: "bad owner", text: "v=launchready1 owner=App A:ffff0000", wantErr: true},
		{name: "two owners", text: "v=launchready1 owner=a owner=b", wantErr: true},
		{name: "other version", text: "v=launchready2 A:ffff0000", wantErr: true},
		{name: "external-dns heritage", text: "heritage=external-dns,external-dns/owner=default", wantErr: true},
		{name: "empty", text: "", wantErr: true},
		{name: "short hash", text: "v=launchready1 A:fff", wantErr: true},
		{name: "upper hex", text: "v=launchready1 A:FFFF0000", wantErr: true},
		{name: "lower type", text: "v=launchready1 a:ffff0000", wantErr: true},
		{name: "garbage token", text: "v=launchready1 hello", wantErr: true},
		{name: "two settings lists", text: "v=launchready1 settings=ssl settings=tls_1_3", wantErr: true},
		{name: "empty settings", text: "v=launchready1 settings=", wantErr: true},
		{name: "rules", text: "v=launchready1 settings=ssl rules=redirect,cache", want: Registry{Owner: DefaultOwner, Settings: []string{"ssl"}, Rules: []string{"cache", "redirect"}, RulesKnown: true}},
		{name: "no rules", text: "v=launchready1 rules=none", want: Registry{Owner: DefaultOwner, RulesKnown: true}},
		{name: "empty rules", text: "v=launchready1 rules=", wantErr: true},
		{name: "none among kinds", text: "v=launchready1 rules=redirect,none", wantErr: true},
		{name: "bad rule kind", text: "v=launchready1 rules=Redirect", wantErr: true},
		{name: "two rules lists", text: "v=launchready1 rules=cache rules=redirect", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRegistry(tt.text)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseRegistry(%q) = %+v, want an error", tt.text, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRegistry(%q): %v", tt.text, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseRegistry(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestRegistryRoundTrip(t *testing.T) {
	r := Registry{Marks: []string{ValueMark("MX", "20 mx2.example.net"), ValueMark("MX", "10 mx1.example.net"), ValueMark("TXT", "v=spf1 -all")}, Settings: []string{"ssl", "min_tls_version"}}
	text := r.String()
	got, err := ParseRegistry(text)
	if err != nil {
		t.Fatalf("ParseRegistry(%q): %v", text, err)
	}
	want := Registry{Owner: DefaultOwner, Marks: SortedUnique(r.Marks), Settings: []string{"min_tls_version", "ssl"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if got.String() != text {
		t.Errorf("String() not stable: %q then %q", text, got.String())
	}
	for _, m := range r.Marks {
		if !got.Has(m) {
			t.Errorf("Has(%q) = false", m)
		}
	}
	if got.Has("A:00000000") {
		t.Error("Has of an absent mark = true")
	}
	if (Registry{}).String() != "v=launchready1" || !(Registry{}).Empty() {
		t.Error("empty registry renders or reports wrongly")
	}
	for _, r := range []Registry{{RulesKnown: true}, {Rules: []string{"redirect", "cache"}, RulesKnown: true}} {
		text := r.String()
		got, err := ParseRegistry(text)
		if err != nil || got.String() != text || r.Empty() {
			t.Errorf("rules list %+v: %q parsed as %+v (%v); empty=%v", r, text, got, err, r.Empty())
		}
	}
}

func TestReadsRules(t *testing.T) {
	const zone = "example.com"
	mark := func(text string) model.Record {
		return model.Record{Name: "_launchready." + zone, Type: "TXT", Value: text}
	}
	marked := model.Record{Name: "www." + zone, Type: "A", Value: "192.0.2.1", Comment: "[launchready:default]"}
	tests := []struct {
		name     string
		owner    string
		recs     []model.Record
		declared []string
		want     RuleReads
	}{
		{name: "fresh zone, nothing declared", want: RuleReads{}},
		{name: "fresh zone, cache declared", declared: []string{RuleKindCache}, want: RuleReads{Phases: []string{model.PhaseCache}}},
		{name: "comment markers only: no rules", recs: []model.Record{marked}, want: RuleReads{}},
		{name: "listed kinds", recs: []model.Record{marked, mark("v=launchready1 rules=redirect")}, want: RuleReads{Phases: []string{model.PhaseRedirect}}},
		{name: "listed and declared", recs: []model.Record{mark("v=launchready1 rules=redirect")}, declared: []string{RuleKindCache}, want: RuleReads{Phases: []string{model.PhaseRedirect, model.PhaseCache}}},
		{name: "rules=none", recs: []model.Record{mark("v=launchready1 settings=ssl rules=none")}, want: RuleReads{}},
		{name: "apex mark without a list: legacy", recs: []model.Record{mark("v=launchready1 settings=ssl")}, want: RuleReads{Legacy: true}},
		{name: "per-name TXT marks: legacy", recs: []model.Record{{Name: "_launchready.www." + zone, Type: "TXT", Value: "v=launchready1 A:ffff0000"}}, want: RuleReads{Legacy: true}},
		{name: "another owner's list is not this owner's", owner: "shop", recs: []model.Record{mark("v=launchready1 rules=redirect")}, want: RuleReads{}},
		{name: "another owner's legacy mark is not this owner's", owner: "shop", recs: []model.Record{mark("v=launchready1 settings=ssl")}, want: RuleReads{}},
		{name: "owner's own list", owner: "shop", recs: []model.Record{mark("v=launchready1 rules=cache"), mark("v=launchready1 owner=shop rules=redirect")}, want: RuleReads{Phases: []string{model.PhaseRedirect}}},
		{name: "a mark that does not parse is not a mark", recs: []model.Record{mark("v=launchready1 rules=???")}, want: RuleReads{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReadsRules(zone, tt.owner, tt.recs, tt.declared)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ReadsRules mismatch (-want +got):\n%s", diff)
			}
			ledger, _ := ReadLedger(zone, tt.recs)
			if diff := cmp.Diff(tt.want, ledger.RuleReads(tt.owner, tt.declared)); diff != "" {
				t.Errorf("Ledger.RuleReads mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRegistryRecord(t *testing.T) {
	good := "v=launchready1 " + ValueMark("A", "192.0.2.1")
	tests := []struct {
		name      string
		rec       model.Record
		wantOwner string
		wantOK    bool
	}{
		{"mark", model.Record{Name: "_launchready.api.example.com", Type: "TXT", Value: good}, "api.example.com", true},
		{"wildcard mark, trailing dot and case", model.Record{Name: "_Launchready-Wildcard.Preview.Example.com.", Type: "TXT", Value: good}, "*.preview.example.com", true},
		{"not TXT", model.Record{Name: "_launchready.api.example.com", Type: "CNAME", Value: "x.example.net"}, "", false},
		{"foreign text", model.Record{Name: "_launchready.api.example.com", Type: "TXT", Value: "owned by someone else"}, "", false},
		{"not a registry name", model.Record{Name: "api.example.com", Type: "TXT", Value: good}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			owner, _, ok := ParseRegistryRecord(tt.rec)
			if owner != tt.wantOwner || ok != tt.wantOK {
				t.Errorf("ParseRegistryRecord = %q, %v; want %q, %v", owner, ok, tt.wantOwner, tt.wantOK)
			}
		})
	}
}

func TestManagedSettings(t *testing.T) {
	live := &model.LiveZone{Name: "example.com", Records: []model.Record{
		{Name: "_launchready.example.com", Type: "TXT", Value: "v=launchready1 settings=ssl,tls_1_3"},
		{Name: "_launchready.example.com", Type: "TXT", Value: "v=launchready1 settings=ssl,security_header"},
		{Name: "_launchready.www.example.com", Type: "TXT", Value: "v=launchready1 settings=min_tls_version"}, // not the apex
		{Name: "_launchready.example.com", Type: "TXT", Value: "junk settings=always_use_https"},
	}}
	want := []string{"security_header", "ssl", "tls_1_3"}
	if diff := cmp.Diff(want, ManagedSettings(live)); diff != "" {
		t.Errorf("ManagedSettings mismatch (-want +got):\n%s", diff)
	}
	if ManagedSettings(nil) != nil {
		t.Error("ManagedSettings(nil) != nil")
	}
}
