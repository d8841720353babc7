package sim_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

func asAPIError(t *testing.T, err error) *cloudflare.Error {
	t.Helper()
	var e *cloudflare.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *cloudflare.Error", err, err)
	}
	return e
}

// seedA creates n A records a0…a(n-1) through one batch.
func (e *testEnv) seedA(n int) {
	e.t.Helper()
	if n == 0 {
		return
	}
	posts := make([]map[string]any, n)
	for i := range posts {
		posts[i] = map[string]any{"type": "A", "name": fmt.Sprintf("a%d", i), "content": fmt.Sprintf("198.51.100.%d", i%250+1), "ttl": 300}
	}
	e.call(context.Background(), http.MethodPost, "/zones/"+e.zoneID+"/dns_records/batch", map[string]any{"posts": posts}, 200, nil)
}

func TestListAutoPagingRequestCount(t *testing.T) {
	tests := []struct {
		records, perPage, wantRequests int
	}{
		{records: 0, perPage: 3, wantRequests: 1},
		{records: 1, perPage: 3, wantRequests: 2},
		{records: 7, perPage: 3, wantRequests: 4},
		{records: 9, perPage: 3, wantRequests: 4},
		{records: 150, perPage: 100, wantRequests: 3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d records per %d", tt.records, tt.perPage), func(t *testing.T) {
			e := newEnv(t, sim.Options{})
			e.seedA(tt.records)
			e.srv.ResetStats()
			it := e.cf.DNS.Records.ListAutoPaging(context.Background(), dns.RecordListParams{
				ZoneID: cloudflare.F(e.zoneID), PerPage: cloudflare.F(float64(tt.perPage)),
			})
			var got []string
			for it.Next() {
				got = append(got, it.Current().Name)
			}
			if err := it.Err(); err != nil {
				t.Fatal(err)
			}
			var want []string
			for i := 0; i < tt.records; i++ {
				want = append(want, fmt.Sprintf("a%d.example.com", i))
			}
			sort.Strings(got)
			sort.Strings(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if n := e.srv.Stats()["GET /zones/{zone_id}/dns_records"]; n != tt.wantRequests {
				t.Errorf("list requests = %d, want %d", n, tt.wantRequests)
			}
		})
	}
}

func TestCreateErrors(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	e.post(map[string]any{"type": "A", "name": "taken", "content": "203.0.113.1"})
	e.post(map[string]any{"type": "CNAME", "name": "alias", "content": "target.example.net"})
	e.post(map[string]any{"type": "NS", "name": "deleg", "content": "ns1.other.net"})
	zone := cloudflare.F(e.zoneID)

	a := func(name, content string) dns.ARecordParam {
		return dns.ARecordParam{Name: cloudflare.F(name), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F(content), TTL: cloudflare.F(dns.TTL(1))}
	}
	tests := []struct {
		name      string
		body      dns.RecordNewParamsBodyUnion
		invalid   string // why the request violates the schema on purpose, if it does
		wantCodes []int64
	}{
		{name: "CNAME on an A name", body: dns.CNAMERecordParam{Name: cloudflare.F("taken"), Type: cloudflare.F(dns.CNAMERecordTypeCNAME), Content: cloudflare.F("x.example.net"), TTL: cloudflare.F(dns.TTL(1))}, wantCodes: []int64{81053}},
		{name: "CNAME on a CNAME name", body: dns.CNAMERecordParam{Name: cloudflare.F("alias.example.com"), Type: cloudflare.F(dns.CNAMERecordTypeCNAME), Content: cloudflare.F("y.example.net"), TTL: cloudflare.F(dns.TTL(1))}, wantCodes: []int64{81053}},
		{name: "A on a CNAME name", body: a("alias", "203.0.113.2"), wantCodes: []int64{81054}},
		{name: "identical record", body: a("TAKEN.example.com.", "203.0.113.1"), wantCodes: []int64{81058}},
		{name: "A on an NS name", body: a("deleg", "203.0.113.3"), wantCodes: []int64{81055}},
		{name: "proxied MX", body: dns.MXRecordParam{Name: cloudflare.F("@"), Type: cloudflare.F(dns.MXRecordTypeMX), Content: cloudflare.F("mx.example.net"), Priority: cloudflare.F(10.0), Proxied: cloudflare.F(true), TTL: cloudflare.F(dns.TTL(1))}, wantCodes: []int64{9004}},
		{name: "invalid IPv4", body: a("bad", "203.0.113.300"), invalid: "content is not an IPv4 address", wantCodes: []int64{9005}},
		{name: "IPv4 in AAAA", body: dns.AAAARecordParam{Name: cloudflare.F("v6"), Type: cloudflare.F(dns.AAAARecordTypeAAAA), Content: cloudflare.F("203.0.113.4"), TTL: cloudflare.F(dns.TTL(1))}, invalid: "content is not an IPv6 address", wantCodes: []int64{9005}},
		{name: "TTL below 60", body: dns.ARecordParam{Name: cloudflare.F("short"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.5"), TTL: cloudflare.F(dns.TTL(30))}, wantCodes: []int64{9021}},
		{name: "TTL above 86400", body: dns.ARecordParam{Name: cloudflare.F("long"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.5"), TTL: cloudflare.F(dns.TTL(86401))}, invalid: "ttl above the maximum", wantCodes: []int64{9021}},
		{name: "comment with a newline", body: dns.ARecordParam{Name: cloudflare.F("c"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.6"), TTL: cloudflare.F(dns.TTL(1)), Comment: cloudflare.F("two\nlines")}, wantCodes: []int64{9150}},
		{name: "TXT over 2048 characters", body: dns.TXTRecordParam{Name: cloudflare.F("big"), Type: cloudflare.F(dns.TXTRecordTypeTXT), Content: cloudflare.F(strings.Repeat("x", 2049)), TTL: cloudflare.F(dns.TTL(1))}, wantCodes: []int64{9152}},
		{name: "MX without priority", body: dns.MXRecordParam{Name: cloudflare.F("@"), Type: cloudflare.F(dns.MXRecordTypeMX), Content: cloudflare.F("mx.example.net"), TTL: cloudflare.F(dns.TTL(1))}, invalid: "MX requires priority", wantCodes: []int64{9101}},
		{name: "SRV without data", body: dns.SRVRecordParam{Name: cloudflare.F("_sip._tcp"), Type: cloudflare.F(dns.SRVRecordTypeSRV), TTL: cloudflare.F(dns.TTL(1))}, invalid: "SRV requires data", wantCodes: []int64{9101, 9101, 9101, 9101}},
		{name: "label over 63 bytes", body: a(strings.Repeat("l", 64), "203.0.113.7"), wantCodes: []int64{9000}},
		{name: "CNAME to itself", body: dns.CNAMERecordParam{Name: cloudflare.F("self"), Type: cloudflare.F(dns.CNAMERecordTypeCNAME), Content: cloudflare.F("self.example.com"), TTL: cloudflare.F(dns.TTL(1))}, wantCodes: []int64{9005}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ctx
			if tt.invalid != "" {
				c = withInvalidRequest(ctx, tt.invalid)
			}
			_, err := e.cf.DNS.Records.New(c, dns.RecordNewParams{ZoneID: zone, Body: tt.body})
			if err == nil {
				t.Fatal("create succeeded, want an error")
			}
			ae := asAPIError(t, err)
			if ae.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", ae.StatusCode)
			}
			var got []int64
			for _, d := range ae.Errors {
				got = append(got, d.Code)
			}
			if diff := cmp.Diff(tt.wantCodes, got); diff != "" {
				t.Errorf("error codes (-want +got):\n%s", diff)
			}
			// Since 2024-10-01 DNS validation errors carry no 1004 wrapper and no
			// error_chain (Cloudflare's API deprecations page).
			if raw := ae.JSON.RawJSON(); strings.Contains(raw, "error_chain") {
				t.Errorf("answer has an error_chain: %s", raw)
			}
		})
	}
	// nothing was created by the failures
	if got := len(e.records()); got != 3 {
		t.Errorf("zone has %d records after failed creates, want 3", got)
	}
}

func TestRecordNormalisation(t *testing.T) {
	type want struct {
		Name, Content string
		TTL           int
		Priority      *int
		Data          map[string]any
		Live          string // model value in LiveZone
	}
	prio := func(p int) *int { return &p }
	long := strings.Repeat("k", 300)
	tests := []struct {
		name string
		body map[string]any
		want want
	}{
		{"apex", map[string]any{"type": "A", "name": "@", "content": "203.0.113.10"}, want{Name: "example.com", Content: "203.0.113.10", TTL: 1, Live: "203.0.113.10"}},
		{"relative name", map[string]any{"type": "A", "name": "www", "content": "203.0.113.11", "ttl": 300}, want{Name: "www.example.com", Content: "203.0.113.11", TTL: 300, Live: "203.0.113.11"}},
		{"FQDN with dot and capitals", map[string]any{"type": "A", "name": "Api.Example.COM.", "content": "203.0.113.12", "ttl": 60}, want{Name: "api.example.com", Content: "203.0.113.12", TTL: 60, Live: "203.0.113.12"}},
		{"IDN to Punycode", map[string]any{"type": "A", "name": "bücher", "content": "203.0.113.13"}, want{Name: "xn--bcher-kva.example.com", Content: "203.0.113.13", TTL: 1, Live: "203.0.113.13"}},
		{"name outside the zone gets the zone appended", map[string]any{"type": "A", "name": "www.other.org", "content": "203.0.113.14"}, want{Name: "www.other.org.example.com", Content: "203.0.113.14", TTL: 1, Live: "203.0.113.14"}},
		{"AAAA canonical", map[string]any{"type": "AAAA", "name": "v6", "content": "2001:DB8:0:0::0:1"}, want{Name: "v6.example.com", Content: "2001:db8::1", TTL: 1, Live: "2001:db8::1"}},
		{"proxied keeps TTL automatic", map[string]any{"type": "A", "name": "p", "content": "203.0.113.15", "proxied": true, "ttl": 300}, want{Name: "p.example.com", Content: "203.0.113.15", TTL: 1, Live: "203.0.113.15"}},
		{"CNAME target", map[string]any{"type": "CNAME", "name": "app", "content": "App-Prod.Fly.dev."}, want{Name: "app.example.com", Content: "app-prod.fly.dev", TTL: 1, Live: "app-prod.fly.dev"}},
		{"MX", map[string]any{"type": "MX", "name": "@", "content": "mx1.mailhost.net.", "priority": 10}, want{Name: "example.com", Content: "mx1.mailhost.net", TTL: 1, Priority: prio(10), Live: "10 mx1.mailhost.net"}},
		{"SRV from data", map[string]any{"type": "SRV", "name": "_sip._tcp", "data": map[string]any{"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com."}}, want{Name: "_sip._tcp.example.com", Content: "5 5060 sip.example.com", TTL: 1, Priority: prio(10), Data: map[string]any{"priority": 10.0, "weight": 5.0, "port": 5060.0, "target": "sip.example.com"}, Live: "10 5 5060 sip.example.com"}},
		{"CAA from data", map[string]any{"type": "CAA", "name": "@", "data": map[string]any{"flags": 0, "tag": "issue", "value": "letsencrypt.org"}}, want{Name: "example.com", Content: `0 issue "letsencrypt.org"`, TTL: 1, Data: map[string]any{"flags": 0.0, "tag": "issue", "value": "letsencrypt.org"}, Live: `0 issue "letsencrypt.org"`}},
		{"unquoted TXT stored as sent", map[string]any{"type": "TXT", "name": "@", "content": "google-site-verification=abc"}, want{Name: "example.com", Content: "google-site-verification=abc", TTL: 1, Live: "google-site-verification=abc"}},
		{"long quoted TXT split at 255 bytes", map[string]any{"type": "TXT", "name": "dkim", "content": `"` + long + `"`}, want{Name: "dkim.example.com", Content: `"` + long[:255] + `" "` + long[255:] + `"`, TTL: 1, Live: long}},
		{"short quoted strings kept", map[string]any{"type": "TXT", "name": "multi", "content": `"a b"   "c"`}, want{Name: "multi.example.com", Content: `"a b" "c"`, TTL: 1, Live: "a bc"}},
		{"NS delegation", map[string]any{"type": "NS", "name": "sub", "content": "NS1.Other.net"}, want{Name: "sub.example.com", Content: "ns1.other.net", TTL: 1, Live: "ns1.other.net"}},
	}
	e := newEnv(t, sim.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.post(tt.body)
			got := want{Name: r.Name, Content: r.Content, TTL: r.TTL, Priority: r.Priority, Data: r.Data}
			lz, ok := e.srv.LiveZone(testZone)
			if !ok {
				t.Fatal("LiveZone: zone missing")
			}
			for _, lr := range lz.Records {
				if lr.ID == r.ID {
					got.Live = lr.Value
					if _, err := model.CanonicalValue(lr.Type, lr.Value, testZone); err != nil {
						t.Errorf("live value %q is not a canonical %s value: %v", lr.Value, lr.Type, err)
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRecordCRUD(t *testing.T) {
	e := newEnv(t, sim.Options{Plan: "pro"}) // tags need a paid plan
	ctx := context.Background()
	zone := cloudflare.F(e.zoneID)
	created, err := e.cf.DNS.Records.New(ctx, dns.RecordNewParams{ZoneID: zone, Body: dns.ARecordParam{
		Name: cloudflare.F("www"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.1"),
		TTL: cloudflare.F(dns.TTL(300)), Comment: cloudflare.F("site"), Tags: cloudflare.F([]dns.RecordTagsParam{"team:web"}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(created.ID) != 32 || !created.Proxiable || created.CreatedOn.IsZero() {
		t.Errorf("created record = %+v", created)
	}

	got, err := e.cf.DNS.Records.Get(ctx, created.ID, dns.RecordGetParams{ZoneID: zone})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "www.example.com" || got.Comment != "site" || got.TTL != 300 {
		t.Errorf("get = %s %s ttl %v comment %q", got.Name, got.Content, got.TTL, got.Comment)
	}

	// PATCH changes only what it names
	patched, err := e.cf.DNS.Records.Edit(ctx, created.ID, dns.RecordEditParams{ZoneID: zone, Body: dns.ARecordParam{
		Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.2"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"www.example.com", "203.0.113.2", dns.TTL(300), "site"}, []any{patched.Name, patched.Content, patched.TTL, patched.Comment}); diff != "" {
		t.Errorf("patch (-want +got):\n%s", diff)
	}

	// PUT overwrites: comment and TTL go back to their defaults
	put, err := e.cf.DNS.Records.Update(ctx, created.ID, dns.RecordUpdateParams{ZoneID: zone, Body: dns.ARecordParam{
		Name: cloudflare.F("www"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.3"), TTL: cloudflare.F(dns.TTL(1)),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]any{"203.0.113.3", dns.TTL(1), ""}, []any{put.Content, put.TTL, put.Comment}); diff != "" {
		t.Errorf("put (-want +got):\n%s", diff)
	}
	if put.ID != created.ID || !put.CreatedOn.Equal(created.CreatedOn) {
		t.Errorf("put changed identity: id %s created %v", put.ID, put.CreatedOn)
	}

	del, err := e.cf.DNS.Records.Delete(ctx, created.ID, dns.RecordDeleteParams{ZoneID: zone})
	if err != nil {
		t.Fatal(err)
	}
	if del.ID != created.ID {
		t.Errorf("delete result id %q, want %q", del.ID, created.ID)
	}
	for name, call := range map[string]func() error{
		"get": func() error {
			_, err := e.cf.DNS.Records.Get(ctx, created.ID, dns.RecordGetParams{ZoneID: zone})
			return err
		},
		"delete": func() error {
			_, err := e.cf.DNS.Records.Delete(ctx, created.ID, dns.RecordDeleteParams{ZoneID: zone})
			return err
		},
		"patch": func() error {
			_, err := e.cf.DNS.Records.Edit(ctx, created.ID, dns.RecordEditParams{ZoneID: zone, Body: dns.ARecordParam{Comment: cloudflare.F("x")}})
			return err
		},
	} {
		ae := asAPIError(t, call())
		if ae.StatusCode != 404 || len(ae.Errors) != 1 || ae.Errors[0].Code != 81044 {
			t.Errorf("%s of a deleted record: %d %+v, want 404 81044", name, ae.StatusCode, ae.Errors)
		}
	}
}

func TestListFilters(t *testing.T) {
	e := newEnv(t, sim.Options{Plan: "pro"}) // tags need a paid plan
	for _, b := range []map[string]any{
		{"type": "A", "name": "@", "content": "203.0.113.1", "proxied": true},
		{"type": "A", "name": "api", "content": "203.0.113.2", "ttl": 300, "comment": "backend"},
		{"type": "A", "name": "api", "content": "203.0.113.3", "ttl": 300, "tags": []string{"team:api"}},
		{"type": "CNAME", "name": "www", "content": "example.com", "proxied": true, "comment": "marketing"},
		{"type": "TXT", "name": "@", "content": "v=spf1 -all"},
		{"type": "MX", "name": "@", "content": "mx.example.net", "priority": 10},
	} {
		e.post(b)
	}
	tests := []struct {
		query string
		want  []string // "name type content", in answer order
	}{
		{"type=A&order=content", []string{"example.com A 203.0.113.1", "api.example.com A 203.0.113.2", "api.example.com A 203.0.113.3"}},
		{"name.exact=API.example.com.&order=content", []string{"api.example.com A 203.0.113.2", "api.example.com A 203.0.113.3"}},
		{"name=www.example.com", []string{"www.example.com CNAME example.com"}},
		{"name.startswith=ww", []string{"www.example.com CNAME example.com"}},
		{"name.endswith=.example.com&type=A", []string{"api.example.com A 203.0.113.2", "api.example.com A 203.0.113.3"}},
		{"content.contains=SPF", []string{"example.com TXT v=spf1 -all"}},
		{"proxied=true&order=type", []string{"example.com A 203.0.113.1", "www.example.com CNAME example.com"}},
		{"comment.present=1&order=name", []string{"api.example.com A 203.0.113.2", "www.example.com CNAME example.com"}},
		{"comment.exact=Backend", []string{"api.example.com A 203.0.113.2"}},
		{"tag=team:api", []string{"api.example.com A 203.0.113.3"}},
		{"tag.present=team", []string{"api.example.com A 203.0.113.3"}},
		{"match=any&type=MX&name.exact=www.example.com&order=type", []string{"www.example.com CNAME example.com", "example.com MX mx.example.net"}},
		{"type=A&order=content&direction=desc", []string{"api.example.com A 203.0.113.3", "api.example.com A 203.0.113.2", "example.com A 203.0.113.1"}},
		{"type=A&order=content&per_page=2&page=2", []string{"api.example.com A 203.0.113.3"}},
		{"type=A&per_page=2&page=3", nil},
		{"type=AAAA", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			var out struct {
				Result []wireRecord `json:"result"`
			}
			e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/dns_records?"+tt.query, nil, 200, &out)
			var got []string
			for _, r := range out.Result {
				got = append(got, r.Name+" "+r.Type+" "+r.Content)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	t.Run("result_info past the end", func(t *testing.T) {
		env := e.call(context.Background(), http.MethodGet, "/zones/"+e.zoneID+"/dns_records?per_page=4&page=3", nil, 200, nil)
		if string(env.Result) != "[]" {
			t.Errorf("result = %s, want []", env.Result)
		}
		want := `{"page":3,"per_page":4,"count":0,"total_count":6,"total_pages":2}`
		if string(env.Info) != want {
			t.Errorf("result_info = %s, want %s", env.Info, want)
		}
	})

	t.Run("SDK filters", func(t *testing.T) {
		page, err := e.cf.DNS.Records.List(context.Background(), dns.RecordListParams{
			ZoneID: cloudflare.F(e.zoneID),
			Name:   cloudflare.F(dns.RecordListParamsName{Exact: cloudflare.F("api.example.com")}),
			Type:   cloudflare.F(dns.RecordListParamsTypeA),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Result) != 2 || page.ResultInfo.PerPage != 100 || page.ResultInfo.Page != 1 {
			t.Errorf("got %d records, result_info %+v", len(page.Result), page.ResultInfo)
		}
	})

	t.Run("bad paging", func(t *testing.T) {
		for _, q := range []string{"per_page=0", "per_page=5000001", "page=0", "order=ttl&direction=sideways"} {
			status, env, _ := e.do(withInvalidRequest(context.Background(), "out of range"), http.MethodGet, "/zones/"+e.zoneID+"/dns_records?"+q, nil, nil)
			if status != 400 || len(env.Errors) == 0 || env.Errors[0].Code != sim.CodeBadQuery {
				t.Errorf("%s: status %d errors %+v, want 400 %d", q, status, env.Errors, sim.CodeBadQuery)
			}
		}
	})
}

func TestBatch(t *testing.T) {
	ctx := context.Background()

	t.Run("deletes run before posts", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		cname := e.post(map[string]any{"type": "CNAME", "name": "www", "content": "example.net"})
		res, err := e.cf.DNS.Records.Batch(ctx, dns.RecordBatchParams{
			ZoneID:  cloudflare.F(e.zoneID),
			Deletes: cloudflare.F([]dns.RecordBatchParamsDelete{{ID: cloudflare.F(cname.ID)}}),
			Posts: cloudflare.F([]dns.RecordBatchParamsPostUnion{dns.ARecordParam{
				Name: cloudflare.F("www"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.9"), TTL: cloudflare.F(dns.TTL(1)),
			}}),
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Deletes) != 1 || res.Deletes[0].ID != cname.ID || len(res.Posts) != 1 || res.Posts[0].Type != dns.RecordResponseTypeA {
			t.Errorf("batch result = %+v", res)
		}
		got := e.records()
		if len(got) != 1 || got[0].Type != "A" {
			t.Errorf("records after batch = %+v", got)
		}
	})

	t.Run("a failing post leaves the zone unchanged", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		r1 := e.post(map[string]any{"type": "A", "name": "one", "content": "203.0.113.1"})
		r2 := e.post(map[string]any{"type": "A", "name": "two", "content": "203.0.113.2", "comment": "before"})
		before := e.records()
		lz, _ := e.srv.LiveZone(testZone)
		if lz.Serial != 3 {
			t.Errorf("serial after two creates = %d, want 3", lz.Serial)
		}
		_, err := e.cf.DNS.Records.Batch(ctx, dns.RecordBatchParams{
			ZoneID:  cloudflare.F(e.zoneID),
			Deletes: cloudflare.F([]dns.RecordBatchParamsDelete{{ID: cloudflare.F(r1.ID)}}),
			Patches: cloudflare.F([]dns.BatchPatchUnionParam{dns.BatchPatchARecordParam{ID: cloudflare.F(r2.ID), ARecordParam: dns.ARecordParam{Comment: cloudflare.F("after")}}}),
			Posts: cloudflare.F([]dns.RecordBatchParamsPostUnion{
				dns.ARecordParam{Name: cloudflare.F("three"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.3"), TTL: cloudflare.F(dns.TTL(1))},
				dns.ARecordParam{Name: cloudflare.F("two"), Type: cloudflare.F(dns.ARecordTypeA), Content: cloudflare.F("203.0.113.2"), TTL: cloudflare.F(dns.TTL(1))},
			}),
		})
		ae := asAPIError(t, err)
		if ae.StatusCode != 400 || len(ae.Errors) != 1 || ae.Errors[0].Code != 81058 || !strings.HasPrefix(ae.Errors[0].Message, "posts[1]: ") {
			t.Errorf("error = %d %+v, want 400 81058 naming posts[1]", ae.StatusCode, ae.Errors)
		}
		if diff := cmp.Diff(before, e.records()); diff != "" {
			t.Errorf("zone changed by a failed batch (-before +after):\n%s", diff)
		}
		if lz, _ := e.srv.LiveZone(testZone); lz.Serial != 3 {
			t.Errorf("serial after a failed batch = %d, want 3", lz.Serial)
		}
	})

	t.Run("error names the failing list and index", func(t *testing.T) {
		e := newEnv(t, sim.Options{})
		r := e.post(map[string]any{"type": "A", "name": "one", "content": "203.0.113.1"})
		tests := []struct {
			body       map[string]any
			wantCode   int
			wantPrefix string
		}{
			{map[string]any{"deletes": []map[string]any{{"id": r.ID}, {"id": "0123456789abcdef0123456789abcdef"}}}, 81044, "deletes[1]: "},
			{map[string]any{"patches": []map[string]any{{"id": r.ID, "proxied": true, "type": "A"}, {"id": r.ID, "ttl": 7}}}, 9021, "patches[1]: "},
			{map[string]any{"puts": []map[string]any{{"id": r.ID, "type": "MX", "name": "@", "content": "mx.example.net"}}}, 9101, "puts[0]: "},
		}
		for _, tt := range tests {
			status, env, _ := e.do(withInvalidRequest(ctx, "invalid sub-request on purpose"), http.MethodPost, "/zones/"+e.zoneID+"/dns_records/batch", tt.body, nil)
			if status != 400 || len(env.Errors) == 0 || env.Errors[0].Code != tt.wantCode || !strings.HasPrefix(env.Errors[0].Message, tt.wantPrefix) {
				t.Errorf("%v: %d %+v, want %d %q…", tt.body, status, env.Errors, tt.wantCode, tt.wantPrefix)
			}
		}
		if got := e.records(); len(got) != 1 || got[0].Proxied {
			t.Errorf("zone changed: %+v", got)
		}
	})

	t.Run("limit", func(t *testing.T) {
		e := newEnv(t, sim.Options{BatchLimit: 3})
		r := e.post(map[string]any{"type": "A", "name": "one", "content": "203.0.113.1"})
		posts := func(n int) []map[string]any {
			var out []map[string]any
			for i := 0; i < n; i++ {
				out = append(out, map[string]any{"type": "A", "name": fmt.Sprintf("n%d", i), "content": "203.0.113.50"})
			}
			return out
		}
		status, env, _ := e.do(ctx, http.MethodPost, "/zones/"+e.zoneID+"/dns_records/batch", map[string]any{"deletes": []map[string]any{{"id": r.ID}}, "posts": posts(3)}, nil)
		if status != 400 || env.Errors[0].Code != sim.CodeBatchTooLarge {
			t.Errorf("4 operations with limit 3: %d %+v", status, env.Errors)
		}
		if got := len(e.records()); got != 1 {
			t.Errorf("zone has %d records after a refused batch, want 1", got)
		}
		e.call(ctx, http.MethodPost, "/zones/"+e.zoneID+"/dns_records/batch", map[string]any{"deletes": []map[string]any{{"id": r.ID}}, "posts": posts(2)}, 200, nil)
		if got := len(e.records()); got != 2 {
			t.Errorf("zone has %d records after a 3-operation batch, want 2", got)
		}
	})
}

func TestExport(t *testing.T) {
	e := newEnv(t, sim.Options{})
	e.post(map[string]any{"type": "A", "name": "@", "content": "203.0.113.1", "proxied": true, "comment": "site"})
	e.post(map[string]any{"type": "MX", "name": "@", "content": "mx.example.net", "priority": 10, "ttl": 3600})
	e.post(map[string]any{"type": "TXT", "name": "@", "content": "v=spf1 -all"})
	e.post(map[string]any{"type": "SRV", "name": "_sip._tcp", "data": map[string]any{"priority": 1, "weight": 2, "port": 5060, "target": "sip.example.com"}})
	text, err := e.cf.DNS.Records.Export(context.Background(), dns.RecordExportParams{ZoneID: cloudflare.F(e.zoneID)})
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"$ORIGIN example.com.",
		"example.com.\t1\tIN\tA\t203.0.113.1 ; site ; cf_tags=cf-proxied:true",
		"example.com.\t3600\tIN\tMX\t10 mx.example.net.",
		"example.com.\t1\tIN\tTXT\t\"v=spf1 -all\"",
		"_sip._tcp.example.com.\t1\tIN\tSRV\t1 2 5060 sip.example.com.",
	} {
		if !strings.Contains(*text, line+"\n") {
			t.Errorf("export lacks %q:\n%s", line, *text)
		}
	}
}

func TestPerNameRules(t *testing.T) {
	e := newEnv(t, sim.Options{})
	ctx := context.Background()
	path := "/zones/" + e.zoneID + "/dns_records"

	// TXT content on one name may total 8,192 characters.
	for i := 0; i < 4; i++ {
		e.post(map[string]any{"type": "TXT", "name": "big", "content": fmt.Sprintf("%d%s", i, strings.Repeat("t", 2047))})
	}
	status, env, _ := e.do(ctx, http.MethodPost, path, map[string]any{"type": "TXT", "name": "big", "content": "one more"}, nil)
	if status != 400 || env.Errors[0].Code != sim.CodeTXTNameTooLong || len(env.Errors[0].ErrorChain) != 0 {
		t.Errorf("TXT past 8,192 on one name: %d %+v", status, env.Errors)
	}
	// other names are not affected
	e.post(map[string]any{"type": "TXT", "name": "small", "content": "one more"})

	// A CNAME at the apex is accepted (Cloudflare flattens it).
	apex := e.post(map[string]any{"type": "CNAME", "name": "@", "content": "origin.example.net", "proxied": true})
	if apex.Name != "example.com" {
		t.Errorf("apex CNAME name = %q", apex.Name)
	}
	// NS records may share their name only with NS records.
	e.post(map[string]any{"type": "NS", "name": "deleg", "content": "ns1.other.net"})
	e.post(map[string]any{"type": "NS", "name": "deleg", "content": "ns2.other.net"})
	status, env, _ = e.do(ctx, http.MethodPost, path, map[string]any{"type": "TXT", "name": "deleg", "content": "x"}, nil)
	if status != 400 || env.Errors[0].Code != sim.CodeNSConflict {
		t.Errorf("TXT on an NS name: %d %+v", status, env.Errors)
	}
	// Several A records on one name are a round robin.
	e.post(map[string]any{"type": "A", "name": "rr", "content": "203.0.113.1"})
	e.post(map[string]any{"type": "A", "name": "rr", "content": "203.0.113.2"})
}

// Listings are encoded outside the simulator's lock, side by side: a write while
// they are under way must change none of what they send (run with -race), and
// each listing is one consistent state.
func TestListWhileWriting(t *testing.T) {
	e := newEnv(t, sim.Options{Plan: "pro"}) // tags need a paid plan
	e.seedA(50)
	e.call(context.Background(), http.MethodPost, "/zones/"+e.zoneID+"/dns_records/batch", map[string]any{"posts": []map[string]any{
		{"type": "SRV", "name": "_sip._tcp", "data": map[string]any{"priority": 10, "weight": 5, "port": 5060, "target": "sip.example.com"}, "ttl": 300, "tags": []string{"a:1"}},
		{"type": "CAA", "name": "@", "data": map[string]any{"flags": 0, "tag": "issue", "value": "letsencrypt.org"}, "comment": "ca"},
	}}, 200, nil)
	rs := e.records()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodGet, e.base+"/zones/"+e.zoneID+"/dns_records?per_page=5000", nil)
				req.Header.Set("Authorization", "Bearer "+testToken)
				resp, err := e.http.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				var page struct {
					Result []wireRecord `json:"result"`
				}
				err = json.NewDecoder(resp.Body).Decode(&page)
				resp.Body.Close()
				if err != nil || len(page.Result) != len(rs) {
					t.Errorf("listing while writing: %v, %d records, want %d", err, len(page.Result), len(rs))
					return
				}
			}
		})
	}
	for i := range 40 {
		r := rs[i%len(rs)]
		body := map[string]any{"comment": fmt.Sprintf("c%d", i), "tags": []string{fmt.Sprintf("n:%d", i)}}
		if r.Data != nil {
			body["data"] = r.Data
		}
		e.call(context.Background(), http.MethodPatch, "/zones/"+e.zoneID+"/dns_records/"+r.ID, body, 200, nil)
	}
	close(stop)
	wg.Wait()
}
