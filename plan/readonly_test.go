package plan

import (
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

func TestCheckReadOnly(t *testing.T) {
	ro := []model.Record{
		{Name: "example.com", Type: "MX", Value: "13 route1.mx.cloudflare.net", ReadOnly: "Email Routing"},
		{Name: "example.com", Type: "TXT", Value: "v=spf1 include:_spf.mx.cloudflare.net ~all", ReadOnly: "Email Routing"},
		{Name: "cf2024-1._domainkey.example.com", Type: "TXT", Value: "v=DKIM1; p=x", ReadOnly: "Email Routing"},
	}
	rec := func(name, typ string, values ...string) *schema.Record {
		return &schema.Record{RRSet: model.RRSet{Name: name, Type: typ, Values: values}}
	}
	tests := []struct {
		name    string
		records []*schema.Record
		want    string // "" = no collision
	}{
		{"verification TXT beside the SPF", []*schema.Record{rec("example.com", "TXT", "google-site-verification=x")}, ""},
		{"A at the apex", []*schema.Record{rec("example.com", "A", "203.0.113.1")}, ""},
		{"second SPF", []*schema.Record{rec("example.com", "TXT", "v=spf1 -all")}, "@ TXT collides with example.com TXT"},
		{"MX at the apex", []*schema.Record{rec("example.com", "MX", "10 mx.example.net")}, "@ MX collides"},
		{"TXT at the DKIM name", []*schema.Record{rec("cf2024-1._domainkey.example.com", "TXT", "v=DKIM1; p=y")}, "cf2024-1._domainkey TXT collides"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkReadOnly(&schema.Zone{Name: "example.com", Records: tt.records}, ro)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected collision: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "Email Routing manages")):
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}
