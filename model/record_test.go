package model_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

func TestIsRecordType(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"A", true}, {"AAAA", true}, {"CNAME", true}, {"MX", true}, {"TXT", true},
		{"SRV", true}, {"CAA", true}, {"NS", true}, {"PTR", true},
		{"a", false}, {"Cname", false}, {"SOA", false}, {"SPF", false}, {"ANY", false},
		{"", false}, {" A", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := model.IsRecordType(tt.in); got != tt.want {
				t.Errorf("IsRecordType(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

// TestRecordTypesCanonicalValue checks that every declarable type has a normaliser.
func TestRecordTypesCanonicalValue(t *testing.T) {
	for _, typ := range model.RecordTypes {
		if _, err := model.CanonicalValue(typ, "", "example.com"); err != nil && strings.Contains(err.Error(), "unsupported record type") {
			t.Errorf("CanonicalValue does not support %s, which is in RecordTypes", typ)
		}
	}
}

func TestProxiable(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"A", true}, {"AAAA", true}, {"CNAME", true},
		{"MX", false}, {"TXT", false}, {"SRV", false}, {"CAA", false}, {"NS", false}, {"PTR", false},
		{"a", false}, {"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := model.Proxiable(tt.in); got != tt.want {
				t.Errorf("Proxiable(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestRRSetRecords(t *testing.T) {
	tests := []struct {
		name string
		set  model.RRSet
		want []model.Record
	}{
		{
			name: "one record per value, fields copied",
			set: model.RRSet{Name: "www.example.com", Type: "A", TTL: 300, Proxied: true, Comment: "web",
				Values: []string{"192.0.2.1", "192.0.2.2"}, Origin: "record"},
			want: []model.Record{
				{Name: "www.example.com", Type: "A", Value: "192.0.2.1", TTL: 300, Proxied: true, Comment: "web"},
				{Name: "www.example.com", Type: "A", Value: "192.0.2.2", TTL: 300, Proxied: true, Comment: "web"},
			},
		},
		{
			name: "automatic TTL kept as 0",
			set:  model.RRSet{Name: "example.com", Type: "MX", Values: []string{"10 mx1.example.net"}},
			want: []model.Record{{Name: "example.com", Type: "MX", Value: "10 mx1.example.net"}},
		},
		{
			name: "no values",
			set:  model.RRSet{Name: "example.com", Type: "TXT"},
			want: []model.Record{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.set.Records()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Records mismatch (-want +got):\n%s", diff)
			}
			for _, r := range got {
				if r.Key() != tt.set.Key() {
					t.Errorf("record key %v differs from set key %v", r.Key(), tt.set.Key())
				}
			}
		})
	}
}

func TestSortRecords(t *testing.T) {
	in := []model.Record{
		{Name: "www.example.com", Type: "A", Value: "192.0.2.2"},
		{Name: "example.com", Type: "TXT", Value: "b"},
		{Name: "www.example.com", Type: "A", Value: "192.0.2.1", ID: "z"},
		{Name: "example.com", Type: "MX", Value: "10 mx.example.net"},
		{Name: "www.example.com", Type: "A", Value: "192.0.2.1", ID: "a"},
		{Name: "example.com", Type: "TXT", Value: "a"},
		{Name: "a.example.com", Type: "CNAME", Value: "example.com"},
		{Name: "www.example.com", Type: "AAAA", Value: "2001:db8::1"},
		// Records equal in every sort field keep their relative order (TTL tells them apart).
		{Name: "dup.example.com", Type: "A", Value: "192.0.2.9", TTL: 1},
		{Name: "dup.example.com", Type: "A", Value: "192.0.2.9", TTL: 2},
	}
	want := []model.Record{
		{Name: "a.example.com", Type: "CNAME", Value: "example.com"},
		{Name: "dup.example.com", Type: "A", Value: "192.0.2.9", TTL: 1},
		{Name: "dup.example.com", Type: "A", Value: "192.0.2.9", TTL: 2},
		{Name: "example.com", Type: "MX", Value: "10 mx.example.net"},
		{Name: "example.com", Type: "TXT", Value: "a"},
		{Name: "example.com", Type: "TXT", Value: "b"},
		{Name: "www.example.com", Type: "A", Value: "192.0.2.1", ID: "a"},
		{Name: "www.example.com", Type: "A", Value: "192.0.2.1", ID: "z"},
		{Name: "www.example.com", Type: "A", Value: "192.0.2.2"},
		{Name: "www.example.com", Type: "AAAA", Value: "2001:db8::1"},
	}
	model.SortRecords(in)
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("SortRecords mismatch (-want +got):\n%s", diff)
	}
	var empty []model.Record
	model.SortRecords(empty) // must not panic
}

func TestRuleOwned(t *testing.T) {
	tests := []struct {
		ref  string
		want bool
	}{
		{ref: "launchready:redirect:www", want: true},
		{ref: "launchready:cache:assets", want: true},
		{ref: model.RefPrefix + "x", want: true},
		{ref: "launchready:", want: false},
		{ref: "launchready", want: false},
		{ref: "", want: false},
		{ref: "LAUNCHREADY:redirect:www", want: false},
		{ref: "xlaunchready:redirect:www", want: false},
		{ref: "my-hand-made-rule", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			if got := (model.Rule{Ref: tt.ref}).Owned(); got != tt.want {
				t.Errorf("Rule{Ref: %q}.Owned() = %v, want %v", tt.ref, got, tt.want)
			}
		})
	}
}

func TestKeyAndRecordStrings(t *testing.T) {
	before := &model.Record{Name: "www.example.com", Type: "A", Value: "192.0.2.1"}
	after := &model.Record{Name: "www.example.com", Type: "A", Value: "192.0.2.2"}
	tests := []struct {
		name, got, want string
	}{
		{name: "key", got: model.Key{Name: "example.com", Type: "MX"}.String(), want: "example.com MX"},
		{name: "record", got: before.String(), want: "www.example.com A 192.0.2.1"},
		{name: "create", got: model.RecordOp{Op: model.OpCreate, After: after}.String(), want: "create www.example.com A 192.0.2.2"},
		{name: "delete", got: model.RecordOp{Op: model.OpDelete, Before: before}.String(), want: "delete www.example.com A 192.0.2.1"},
		{name: "update", got: model.RecordOp{Op: model.OpUpdate, Before: before, After: after}.String(), want: "update www.example.com A 192.0.2.1 -> www.example.com A 192.0.2.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
