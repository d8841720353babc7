package cloudflare

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
)

// Cloudflare's NAPTR data carries flags as a string ("U"), where CAA's flags is a
// number (openapi-subset.json dns-records_NAPTRRecord, dns-records_CAARecord). One
// NAPTR record must not make the zone unreadable; nor may a type launchready does not
// model (one the SDK returns that is not in model.RecordTypes), with a data object of
// any shape: it is kept with its content, shown, and left alone.
func TestSDKReadZoneNAPTRAndUnknownType(t *testing.T) {
	records := []any{
		map[string]any{"id": "n1", "name": "example.com", "type": "NAPTR", "content": `100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .`,
			"data": map[string]any{"order": 100, "preference": 10, "flags": "U", "service": "E2U+sip", "regex": "!^.*$!sip:info@example.com!", "replacement": "."}, "ttl": 1},
		map[string]any{"id": "x1", "name": "odd.example.com", "type": "ZONEMD", "content": "2026120401 1 1 ABCDEF",
			"data": map[string]any{"flags": "weird", "priority": "high", "target": 7, "nested": map[string]any{"a": 1}}, "ttl": 300},
		map[string]any{"id": "a1", "name": "example.com", "type": "A", "content": "203.0.113.10", "ttl": 1},
	}
	routes := map[string]http.HandlerFunc{
		"GET /zones/z1/dns_records": func(w http.ResponseWriter, r *http.Request) {
			res := records
			if p := r.URL.Query().Get("page"); p != "" && p != "1" {
				res = []any{}
			}
			writeJSON(w, 200, map[string]any{"success": true, "errors": []any{}, "messages": []any{}, "result": res,
				"result_info": map[string]any{"page": 1, "per_page": 5000, "count": len(res), "total_count": len(records)}})
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{})
	live, err := p.ReadZone(context.Background(), "example.com")
	if err != nil {
		t.Fatalf("a NAPTR record or an unknown type made the zone unreadable: %v", err)
	}
	want := []model.Record{
		{ID: "a1", Name: "example.com", Type: "A", Value: "203.0.113.10"},
		{ID: "n1", Name: "example.com", Type: "NAPTR", Value: `100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .`},
		{ID: "x1", Name: "odd.example.com", Type: "ZONEMD", Value: "2026120401 1 1 ABCDEF", TTL: 300},
	}
	if diff := cmp.Diff(want, live.Records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}
