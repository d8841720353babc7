package cloudflare

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
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
		"GET /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records": func(w http.ResponseWriter, r *http.Request) {
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

// Values Cloudflare returns in another spelling than launch.hcl's read back in the
// canonical form, so they plan no change: lower-case hex, targets without the trailing
// dot, unquoted SVCB parameters, numbers as floats or strings, URI's priority at the
// top level.
func TestReadZoneNormalisesDataSpellings(t *testing.T) {
	hex := "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"
	ws := []wireRecord{
		{ID: "1", Name: "_25._tcp.mx.example.com", Type: "TLSA", Content: "3 1 1 " + hex, Data: &recordData{Fields: map[string]any{"usage": 3.0, "selector": "1", "matching_type": 1, "certificate": hex}}},
		{ID: "2", Name: "example.com", Type: "HTTPS", Data: &recordData{Fields: map[string]any{"priority": 1.0, "target": "Svc.Example.NET", "value": "alpn=h3,h2 ipv4hint=192.0.2.1"}}},
		{ID: "3", Name: "_ftp._tcp.example.com", Type: "URI", Priority: intp(10), Data: &recordData{Fields: map[string]any{"weight": 1.0, "target": "ftp://ftp.example.com/"}}},
		{ID: "4", Name: "office.example.com", Type: "LOC", Data: &recordData{Fields: map[string]any{"lat_degrees": 52.0, "lat_minutes": 22.0, "lat_seconds": 23.0, "lat_direction": "N",
			"long_degrees": 4.0, "long_minutes": 53.0, "long_seconds": 32.0, "long_direction": "E", "altitude": -2.0, "size": 0.0, "precision_horz": 10000.0, "precision_vert": 10.0}}},
		{ID: "5", Name: "sip.example.com", Type: "NAPTR", Data: &recordData{Fields: map[string]any{"order": 100.0, "preference": 10.0, "flags": "u", "service": "E2U+sip", "regex": "", "replacement": "_sip._udp.Example.com"}}},
		// data missing: the content stands, canonicalised
		{ID: "6", Name: "host.example.com", Type: "SSHFP", Content: "4 2 " + hex},
		// data that cannot be read and content that is not valid: kept as returned
		{ID: "7", Name: "bad.example.com", Type: "DS", Content: "garbage", Data: &recordData{Fields: map[string]any{"key_tag": "x"}}},
	}
	want := map[string]string{
		"1": "3 1 1 " + strings.ToUpper(hex),
		"2": `1 svc.example.net. alpn="h3,h2" ipv4hint="192.0.2.1"`,
		"3": `10 1 "ftp://ftp.example.com/"`,
		"4": "52 22 23.000 N 04 53 32.000 E -2m 0.00m 10000m 10m",
		"5": `100 10 "U" "E2U+sip" "" _sip._udp.example.com.`,
		"6": "4 2 " + strings.ToUpper(hex),
		"7": "garbage",
	}
	for _, w := range ws {
		got := toRecord(w, "example.com")
		if got.Value != want[w.ID] {
			t.Errorf("%s %s: value %q, want %q", w.Name, w.Type, got.Value, want[w.ID])
		}
		if w.ID == "7" {
			continue
		}
		// and what launch.hcl would write for it is the same value
		c, err := model.CanonicalValue(w.Type, want[w.ID], "example.com")
		if err != nil || c != got.Value {
			t.Errorf("%s: the canonical value %q (%v) differs from the read %q", w.Type, c, err, got.Value)
		}
	}
}

// toWire writes each presentation type in Cloudflare's data shape, and toRecord reads
// it back unchanged.
func TestWireRoundTripEveryType(t *testing.T) {
	for _, ty := range model.AllTypes() {
		v, err := model.CanonicalValue(ty.Name, ty.Example, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		w, err := toWire(model.Record{Name: "x.example.com", Type: ty.Name, Value: v})
		if err != nil {
			t.Fatalf("%s: %v", ty.Name, err)
		}
		// Through JSON, as the API carries it.
		b, err := json.Marshal(w)
		if err != nil {
			t.Fatal(err)
		}
		var back wireRecord
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if ty.Presentation && len(ty.Data) > 0 && (back.Data == nil || len(back.Data.Fields) != len(ty.Data)) {
			t.Errorf("%s: wire data %s does not have Cloudflare's %d fields", ty.Name, b, len(ty.Data))
		}
		if got := toRecord(back, "example.com").Value; got != v {
			t.Errorf("%s: %q → %s → %q", ty.Name, v, b, got)
		}
		if ty.Presentation {
			if _, _, err := typedDataRecord(w); err != nil {
				t.Errorf("%s: SDK params: %v", ty.Name, err)
			}
		}
	}
}

// The SDK sends the new types in Cloudflare's shapes: NAPTR flags a string, URI's
// priority at the top level, LOC's directions, OPENPGPKEY as content.
func TestSDKBatchBodyNewTypes(t *testing.T) {
	var body string
	routes := map[string]http.HandlerFunc{
		"POST /zones/023e105f4ecef8ad9ca31a8372d0c353/dns_records/batch": func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			body = string(b)
			writeJSON(w, 200, ok(map[string]any{"deletes": []any{}, "patches": []any{}, "puts": []any{}, "posts": []any{}}))
		},
	}
	p, _, _ := newSDKProvider(t, routes, Options{})
	before := model.Record{ID: "n1", Name: "sip.example.com", Type: "NAPTR", Value: `100 10 "U" "E2U+sip" "!^.*$!sip:a@example.com!" .`}
	after := model.Record{Name: "sip.example.com", Type: "NAPTR", Value: `200 10 "U" "E2U+sip" "!^.*$!sip:a@example.com!" .`}
	ops := append([]model.RecordOp{{Op: model.OpUpdate, Before: &before, After: &after}}, creates(
		model.Record{Name: "_ftp._tcp.example.com", Type: "URI", Value: `10 1 "ftp://x.example/"`},
		model.Record{Name: "office.example.com", Type: "LOC", Value: "52 22 23.000 N 04 53 32.000 E -2m 1m 10000m 10m"},
		model.Record{Name: "k.example.com", Type: "OPENPGPKEY", Value: "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A=="},
	)...)
	if err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com", ID: "023e105f4ecef8ad9ca31a8372d0c353"}, ops); err != nil {
		t.Fatal(err)
	}
	want := `{
	 "patches": [{"id": "n1", "name": "sip.example.com", "type": "NAPTR", "data": {"order": 200, "preference": 10, "flags": "U", "service": "E2U+sip", "regex": "!^.*$!sip:a@example.com!", "replacement": "."}, "ttl": 1, "proxied": false, "comment": ""}],
	 "posts": [
	  {"name": "_ftp._tcp.example.com", "type": "URI", "priority": 10, "data": {"weight": 1, "target": "ftp://x.example/"}, "ttl": 1, "proxied": false, "comment": ""},
	  {"name": "office.example.com", "type": "LOC", "data": {"lat_degrees": 52, "lat_minutes": 22, "lat_seconds": 23, "lat_direction": "N", "long_degrees": 4, "long_minutes": 53, "long_seconds": 32, "long_direction": "E", "altitude": -2, "size": 1, "precision_horz": 10000, "precision_vert": 10}, "ttl": 1, "proxied": false, "comment": ""},
	  {"name": "k.example.com", "type": "OPENPGPKEY", "content": "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A==", "ttl": 1, "proxied": false, "comment": ""}
	 ]}`
	var gotV, wantV any
	if err := json.Unmarshal([]byte(body), &gotV); err != nil {
		t.Fatalf("batch body %q: %v", body, err)
	}
	if err := json.Unmarshal([]byte(want), &wantV); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantV, gotV); diff != "" {
		t.Errorf("batch body (-want +got):\n%s", diff)
	}
}
