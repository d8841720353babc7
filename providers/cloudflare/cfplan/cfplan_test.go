package cfplan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseGroups(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"Zone:Read,DNS:Edit", []string{ZoneRead, DNSRead, DNSEdit}, false},
		{"dns:write", []string{DNSRead, DNSEdit}, false},
		// the API reference's names of the two rule groups
		{"Dynamic URL Redirects:Write, Cache Settings:Read", []string{RedirectRead, RedirectEdit, CacheRulesRead}, false},
		{"Zone Settings:Edit", []string{SettingsRead, SettingsEdit}, false},
		{"Page Rules:Edit", nil, true},
		{"DNS", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseGroups(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseGroups(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseGroups(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}
