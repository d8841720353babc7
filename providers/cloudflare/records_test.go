package cloudflare

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

func intp(n int) *int { return &n }

func TestToRecord(t *testing.T) {
	const zone = "example.com"
	long := strings.Repeat("a", 300)
	tests := []struct {
		name string
		in   wireRecord
		want model.Record
	}{
		{"A auto ttl", wireRecord{ID: "1", Name: "Example.COM", Type: "A", Content: "203.0.113.10", TTL: 1, Proxied: true, Comment: "site"},
			model.Record{ID: "1", Name: "example.com", Type: "A", Value: "203.0.113.10", Proxied: true, Comment: "site"}},
		{"AAAA canonical", wireRecord{ID: "2", Name: "v6.example.com", Type: "AAAA", Content: "2001:DB8:0:0::1", TTL: 300},
			model.Record{ID: "2", Name: "v6.example.com", Type: "AAAA", Value: "2001:db8::1", TTL: 300}},
		{"CNAME lower no dot", wireRecord{ID: "3", Name: "www.example.com", Type: "CNAME", Content: "Target.Example.NET.", TTL: 1},
			model.Record{ID: "3", Name: "www.example.com", Type: "CNAME", Value: "target.example.net"}},
		{"MX priority apart", wireRecord{ID: "4", Name: "example.com", Type: "MX", Content: "MX1.mail.net", Priority: intp(10), TTL: 3600},
			model.Record{ID: "4", Name: "example.com", Type: "MX", Value: "10 mx1.mail.net", TTL: 3600}},
		{"MX priority in data", wireRecord{ID: "4b", Name: "example.com", Type: "MX", Content: "mx2.mail.net.", Data: &recordData{Priority: intp(20)}, TTL: 1},
			model.Record{ID: "4b", Name: "example.com", Type: "MX", Value: "20 mx2.mail.net"}},
		{"TXT quoted chunks", wireRecord{ID: "5", Name: "example.com", Type: "TXT", Content: `"` + long[:255] + `" "` + long[255:] + `"`, TTL: 1},
			model.Record{ID: "5", Name: "example.com", Type: "TXT", Value: long}},
		{"TXT escaped quote", wireRecord{ID: "6", Name: "q.example.com", Type: "TXT", Content: `"say \"hi\""`, TTL: 1},
			model.Record{ID: "6", Name: "q.example.com", Type: "TXT", Value: `say "hi"`}},
		{"TXT unquoted as stored", wireRecord{ID: "7", Name: "u.example.com", Type: "TXT", Content: "v=spf1 -all", TTL: 1},
			model.Record{ID: "7", Name: "u.example.com", Type: "TXT", Value: "v=spf1 -all"}},
		{"SRV from data", wireRecord{ID: "8", Name: "_sip._tcp.example.com", Type: "SRV", Content: "5 5060 sip.example.com",
			Data: &recordData{Priority: intp(10), Weight: intp(5), Port: intp(5060), Target: "SIP.example.com."}, TTL: 1},
			model.Record{ID: "8", Name: "_sip._tcp.example.com", Type: "SRV", Value: "10 5 5060 sip.example.com"}},
		{"SRV from content and priority", wireRecord{ID: "9", Name: "_sip._tcp.example.com", Type: "SRV", Content: "5 5060 sip.example.com", Priority: intp(20), TTL: 1},
			model.Record{ID: "9", Name: "_sip._tcp.example.com", Type: "SRV", Value: "20 5 5060 sip.example.com"}},
		{"CAA from data", wireRecord{ID: "10", Name: "example.com", Type: "CAA", Content: `0 issue "letsencrypt.org"`,
			Data: &recordData{Flags: intp(0), Tag: "ISSUE", Value: "letsencrypt.org"}, TTL: 1},
			model.Record{ID: "10", Name: "example.com", Type: "CAA", Value: `0 issue "letsencrypt.org"`}},
		{"NS non apex", wireRecord{ID: "11", Name: "sub.example.com", Type: "NS", Content: "ns1.other.net", TTL: 86400},
			model.Record{ID: "11", Name: "sub.example.com", Type: "NS", Value: "ns1.other.net", TTL: 86400}},
		{"PTR", wireRecord{ID: "12", Name: "10.example.com", Type: "PTR", Content: "host.example.com", TTL: 1},
			model.Record{ID: "12", Name: "10.example.com", Type: "PTR", Value: "host.example.com"}},
		{"unmodelled type keeps content", wireRecord{ID: "13", Name: "example.com", Type: "HTTPS", Content: `1 . alpn="h3,h2"`, TTL: 1},
			model.Record{ID: "13", Name: "example.com", Type: "HTTPS", Value: `1 . alpn="h3,h2"`}},
		{"invalid A keeps content", wireRecord{ID: "14", Name: "bad.example.com", Type: "A", Content: "not-an-ip", TTL: 1},
			model.Record{ID: "14", Name: "bad.example.com", Type: "A", Value: "not-an-ip"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := toRecord(tt.in, zone)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("toRecord mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToWire(t *testing.T) {
	long := strings.Repeat("b", 300)
	tests := []struct {
		name string
		in   model.Record
		want wireRecord
	}{
		{"A automatic ttl", model.Record{Name: "example.com", Type: "A", Value: "203.0.113.10"},
			wireRecord{Name: "example.com", Type: "A", Content: "203.0.113.10", TTL: 1}},
		{"proxied forces ttl 1", model.Record{Name: "example.com", Type: "A", Value: "203.0.113.10", TTL: 300, Proxied: true, Comment: "c"},
			wireRecord{Name: "example.com", Type: "A", Content: "203.0.113.10", TTL: 1, Proxied: true, Comment: "c"}},
		{"explicit ttl", model.Record{Name: "api.example.com", Type: "AAAA", Value: "2001:db8::1", TTL: 300},
			wireRecord{Name: "api.example.com", Type: "AAAA", Content: "2001:db8::1", TTL: 300}},
		{"MX", model.Record{Name: "example.com", Type: "MX", Value: "10 mx1.mail.net"},
			wireRecord{Name: "example.com", Type: "MX", Content: "mx1.mail.net", Priority: intp(10), TTL: 1}},
		{"TXT long quoted", model.Record{Name: "example.com", Type: "TXT", Value: long},
			wireRecord{Name: "example.com", Type: "TXT", Content: `"` + long[:255] + `" "` + long[255:] + `"`, TTL: 1}},
		{"TXT quotes escaped", model.Record{Name: "example.com", Type: "TXT", Value: `a "b" \c`},
			wireRecord{Name: "example.com", Type: "TXT", Content: `"a \"b\" \\c"`, TTL: 1}},
		{"SRV data", model.Record{Name: "_sip._tcp.example.com", Type: "SRV", Value: "10 5 5060 sip.example.com"},
			wireRecord{Name: "_sip._tcp.example.com", Type: "SRV", Data: &recordData{Priority: intp(10), Weight: intp(5), Port: intp(5060), Target: "sip.example.com"}, TTL: 1}},
		{"CAA data", model.Record{Name: "example.com", Type: "CAA", Value: `128 issuewild ";"`},
			wireRecord{Name: "example.com", Type: "CAA", Data: &recordData{Flags: intp(128), Tag: "issuewild", Value: ";"}, TTL: 1}},
		{"update keeps id", model.Record{ID: "abc", Name: "x.example.com", Type: "CNAME", Value: "y.example.net", Proxied: true},
			wireRecord{ID: "abc", Name: "x.example.com", Type: "CNAME", Content: "y.example.net", TTL: 1, Proxied: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toWire(tt.in)
			if err != nil {
				t.Fatalf("toWire: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("toWire mismatch (-want +got):\n%s", diff)
			}
			// And back: what is written reads back as the same canonical record.
			back := toRecord(got, "example.com")
			want := tt.in
			if want.Proxied {
				want.TTL = 0
			}
			if diff := cmp.Diff(want, back); diff != "" {
				t.Errorf("round trip mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToWireErrors(t *testing.T) {
	tests := []struct {
		name string
		in   model.Record
		want string
	}{
		{"unsupported type", model.Record{Name: "example.com", Type: "HINFO", Value: "PC Linux"}, "cannot write HINFO"},
		{"bad TLSA", model.Record{Name: "_25._tcp.mx.example.com", Type: "TLSA", Value: "4 1 1 AB"}, "TLSA usage"},
		{"comment with newline", model.Record{Name: "example.com", Type: "A", Value: "192.0.2.1", Comment: "a\nb"}, "line break"},
		{"bad MX", model.Record{Name: "example.com", Type: "MX", Value: "mx.example.net"}, "MX value"},
		{"bad SRV", model.Record{Name: "example.com", Type: "SRV", Value: "1 2 x t.example.com"}, "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := toWire(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("toWire error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func nRecords(n int, prefix string) []model.Record {
	var out []model.Record
	for i := 0; i < n; i++ {
		out = append(out, model.Record{Name: fmt.Sprintf("%s%d.example.com", prefix, i), Type: "A", Value: fmt.Sprintf("192.0.2.%d", i%250+1)})
	}
	return out
}

func TestChunkOps(t *testing.T) {
	var mixed []model.RecordOp
	// Given out of order on purpose: creates first.
	for i, r := range nRecords(100, "new") {
		_ = i
		r := r
		mixed = append(mixed, model.RecordOp{Op: model.OpCreate, After: &r})
	}
	for i, r := range nRecords(150, "old") {
		r := r
		r.ID = fmt.Sprintf("d%d", i)
		mixed = append(mixed, model.RecordOp{Op: model.OpDelete, Before: &r})
	}
	for i, r := range nRecords(100, "upd") {
		before, after := r, r
		before.ID = fmt.Sprintf("u%d", i)
		after.TTL = 300
		mixed = append(mixed, model.RecordOp{Op: model.OpUpdate, Before: &before, After: &after})
	}
	type shape struct{ Deletes, Patches, Posts int }
	tests := []struct {
		name  string
		ops   []model.RecordOp
		limit int
		want  []shape
	}{
		{"450 creates limit 200", creates(nRecords(450, "c")...), 200, []shape{{0, 0, 200}, {0, 0, 200}, {0, 0, 50}}},
		{"exact limit", creates(nRecords(200, "c")...), 200, []shape{{0, 0, 200}}},
		{"mixed: whole names in plan order", mixed, 200, []shape{{100, 0, 100}, {50, 100, 0}}},
		{"mixed big limit one batch", mixed, 3500, []shape{{150, 100, 100}}},
		{"none", nil, 200, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks, err := chunkOps(tt.ops, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			var got []shape
			for _, c := range chunks {
				got = append(got, shape{len(c.batch.Deletes), len(c.batch.Patches), len(c.batch.Posts)})
				if len(c.ops) != c.batch.size() {
					t.Errorf("chunk carries %d ops but %d records", len(c.ops), c.batch.size())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("chunks mismatch (-want +got):\n%s", diff)
			}
			// Every name's ops travel in one chunk.
			seen := map[string]int{}
			for i, c := range chunks {
				for _, n := range ownership.Names(c.ops) {
					if j, ok := seen[n]; ok && j != i {
						t.Fatalf("name %s split over chunks %d and %d", n, j+1, i+1)
					}
					seen[n] = i
				}
			}
		})
	}
}

func TestChunkOpsErrors(t *testing.T) {
	noID := model.Record{Name: "a.example.com", Type: "A", Value: "192.0.2.1"}
	tests := []struct {
		name string
		op   model.RecordOp
		want string
	}{
		{"delete without id", model.RecordOp{Op: model.OpDelete, Before: &noID}, "no Cloudflare id"},
		{"update without id", model.RecordOp{Op: model.OpUpdate, Before: &noID, After: &noID}, "live record's id"},
		{"create without record", model.RecordOp{Op: model.OpCreate}, "without a record"},
		{"unknown op", model.RecordOp{Op: "upsert", After: &noID}, "unknown record operation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := chunkOps([]model.RecordOp{tt.op}, 200)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestApplyReadRoundTrip writes every record type through ApplyRecords and reads it
// back: the live records equal the canonical records written (TTL automatic for
// proxied ones).
func TestApplyReadRoundTrip(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com")
	want := []model.Record{
		{Name: "example.com", Type: "A", Value: "203.0.113.10", Proxied: true, Comment: "site"},
		{Name: "example.com", Type: "AAAA", Value: "2001:db8::10"},
		{Name: "www.example.com", Type: "CNAME", Value: "example.com", Proxied: true},
		{Name: "example.com", Type: "MX", Value: "10 mx1.mail.net", TTL: 3600},
		{Name: "example.com", Type: "MX", Value: "20 mx2.mail.net", TTL: 3600},
		{Name: "example.com", Type: "TXT", Value: "v=DKIM1; k=rsa; p=" + strings.Repeat("Q", 400)},
		{Name: "q.example.com", Type: "TXT", Value: `he said "hi" \o/`},
		{Name: "_sip._tcp.example.com", Type: "SRV", Value: "10 5 5060 sip.example.com"},
		{Name: "example.com", Type: "CAA", Value: `0 issue "letsencrypt.org"`},
		{Name: "sub.example.com", Type: "NS", Value: "ns1.other.net", TTL: 86400},
		{Name: "1.example.com", Type: "PTR", Value: "host.example.com"},
	}
	if err := p.ApplyRecords(ctx, &model.LiveZone{Name: "example.com"}, creates(want...)); err != nil {
		t.Fatalf("ApplyRecords: %v", err)
	}
	live, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatalf("ReadZone: %v", err)
	}
	got := append([]model.Record(nil), live.Records...)
	for i := range got {
		got[i].ID = ""
	}
	model.SortRecords(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read back mismatch (-want +got):\n%s", diff)
	}
	if live.ID != "zone01" {
		t.Errorf("zone id = %q, want zone01", live.ID)
	}
	if f.calls["zones"] != 1 {
		t.Errorf("zone looked up %d times, want once", f.calls["zones"])
	}

	// Update one, delete another: ids carry through.
	var mx, ns model.Record
	for _, r := range live.Records {
		switch {
		case r.Type == "MX" && strings.HasPrefix(r.Value, "20 "):
			mx = r
		case r.Type == "NS":
			ns = r
		}
	}
	after := mx
	after.Value, after.TTL, after.ID = "30 mx3.mail.net", 0, ""
	ops := []model.RecordOp{{Op: model.OpDelete, Before: &ns}, {Op: model.OpUpdate, Before: &mx, After: &after}}
	if err := p.ApplyRecords(ctx, live, ops); err != nil {
		t.Fatalf("ApplyRecords update/delete: %v", err)
	}
	live2, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	var gotMX []string
	for _, r := range live2.Records {
		if r.Type == "NS" {
			t.Errorf("NS record still there: %v", r)
		}
		if r.Type == "MX" {
			gotMX = append(gotMX, fmt.Sprintf("%s ttl=%d id=%v", r.Value, r.TTL, r.ID == mx.ID))
		}
	}
	if diff := cmp.Diff([]string{"10 mx1.mail.net ttl=3600 id=false", "30 mx3.mail.net ttl=0 id=true"}, gotMX); diff != "" {
		t.Errorf("MX after update (-want +got):\n%s", diff)
	}
	if f.calls["zones"] != 1 {
		t.Errorf("zone looked up %d times, want once", f.calls["zones"])
	}
}

func TestApplyRecordsChunksRequests(t *testing.T) {
	p, f := newFakeProvider(t, Options{BatchLimit: 200}, "example.com")
	f.limit = 200
	if err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com"}, creates(nRecords(450, "h")...)); err != nil {
		t.Fatal(err)
	}
	if got := f.calls["batch"]; got != 3 {
		t.Errorf("batch requests = %d, want 3", got)
	}
	if got := len(f.records["zone01"]); got != 450 {
		t.Errorf("records = %d, want 450", got)
	}
}

func TestApplyRecordsRefusesMovedZone(t *testing.T) {
	p, _ := newFakeProvider(t, Options{}, "example.com")
	err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com", ID: "other"}, creates(nRecords(1, "x")...))
	if err == nil || !strings.Contains(err.Error(), "zone id") {
		t.Fatalf("error = %v, want a zone id mismatch", err)
	}
}

func TestBatchFailureNamesRecord(t *testing.T) {
	apiErr := func(msgs ...apiMessage) error {
		return &apiError{Op: "POST zones/zone01/dns_records/batch", Status: http.StatusBadRequest, Errors: msgs}
	}
	recs := nRecords(450, "h")
	tests := []struct {
		name      string
		failOn    int // batch number (1-based) that fails
		err       error
		wantParts []string
	}{
		{"pointer in third batch", 3, apiErr(apiMessage{Code: 81058, Message: "An identical record already exists.", Pointer: "/posts/7"}),
			[]string{"zone example.com: DNS batch 3 of 3 failed at create " + recs[407].String(),
				"none of its 50 changes were applied", "batches 1-2 (400 changes) had already been applied",
				"An identical record already exists. (code 81058)"}},
		{"sim-style prefix in second batch", 2, apiErr(apiMessage{Code: 81053, Message: "posts[3]: An A, AAAA, or CNAME record with that host already exists."}),
			[]string{"DNS batch 2 of 3 failed at create " + recs[203].String(), "none of its 200 changes were applied", "batch 1 (200 changes) had already been applied"}},
		{"name in the message", 1, apiErr(apiMessage{Code: 1004, Message: "DNS Validation Error", Chain: []apiMessage{{Code: 9003, Message: "Invalid content for h17.example.com"}}}),
			[]string{"DNS batch 1 of 3 failed at create " + recs[17].String(), "none of its 200 changes were applied"}},
		{"no clue", 1, apiErr(apiMessage{Code: 1000, Message: "Internal"}),
			[]string{"DNS batch 1 of 3 failed; the batch is atomic, so none of its 200 changes were applied;", "450 changes at 450 names remain (h0.example.com,", "each name is either fully changed or untouched"}},
		{"connection lost: outcome unknown", 2, fmt.Errorf("POST zones/zone01/dns_records/batch: %w", io.ErrUnexpectedEOF),
			[]string{"DNS batch 2 of 3 failed; the batch is atomic (all 200 changes or none), but this failure does not tell whether it was applied: run plan again to see",
				"batch 1 (200 changes) had already been applied", "unexpected EOF"}},
		{"server error: outcome unknown", 1, &apiError{Op: "POST batch", Status: 502, Errors: []apiMessage{{Code: 1000, Message: "Bad gateway"}}},
			[]string{"does not tell whether it was applied", "HTTP 502"}},
		{"refused after an unknown attempt", 1, &apiError{Op: "POST batch", Status: 400, Unknown: true, Errors: []apiMessage{{Code: 81058, Message: "posts[0]: An identical record already exists."}}},
			[]string{"failed at create " + recs[0].String(), "does not tell whether it was applied", "(after an earlier attempt got no answer or a server error)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, f := newFakeProvider(t, Options{BatchLimit: 200}, "example.com")
			f.failBatch = func(n int, _ wireBatch) error {
				if n == tt.failOn {
					return tt.err
				}
				return nil
			}
			err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com"}, creates(recs...))
			if err == nil {
				t.Fatal("ApplyRecords succeeded, want an error")
			}
			for _, part := range tt.wantParts {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q\ndoes not contain %q", err, part)
				}
			}
			if got, want := len(f.records["zone01"]), (tt.failOn-1)*200; got != want {
				t.Errorf("records applied = %d, want %d", got, want)
			}
			if f.calls["batch"] != tt.failOn {
				t.Errorf("batches sent = %d, want %d (stop at the failure)", f.calls["batch"], tt.failOn)
			}
		})
	}
}

func TestBatchFailureSingleBatch(t *testing.T) {
	p, f := newFakeProvider(t, Options{}, "example.com")
	r := model.Record{ID: "gone", Name: "old.example.com", Type: "A", Value: "192.0.2.1"}
	err := p.ApplyRecords(context.Background(), &model.LiveZone{Name: "example.com"}, []model.RecordOp{{Op: model.OpDelete, Before: &r}})
	want := "zone example.com: DNS batch failed at delete old.example.com A 192.0.2.1; the batch is atomic, so none of its 1 changes were applied: POST batch: HTTP 404: Record does not exist. (code 81044) at /deletes/0"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v\nwant %s", err, want)
	}
	if f.calls["batch"] != 1 {
		t.Errorf("batches = %d", f.calls["batch"])
	}
}

func TestZoneLookup(t *testing.T) {
	ctx := context.Background()
	p, f := newFakeProvider(t, Options{}, "example.com", "xn--bcher-kva.example")
	for i := 0; i < 3; i++ {
		if _, err := p.ReadZone(ctx, "EXAMPLE.com."); err != nil {
			t.Fatal(err)
		}
	}
	if f.calls["zones"] != 1 {
		t.Errorf("zone lookups = %d, want 1", f.calls["zones"])
	}
	// The name servers come from the (cached) lookup, canonical.
	live, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}, live.Nameservers); diff != "" {
		t.Errorf("name servers (-want +got):\n%s", diff)
	}
	if f.calls["zones"] != 1 || f.calls["list"] != 4 {
		t.Errorf("calls = %v, want 1 zone lookup and 4 lists", f.calls)
	}
	live, err = p.ReadZone(ctx, "bücher.example")
	if err != nil {
		t.Fatalf("IDN zone: %v", err)
	}
	if live.Name != "xn--bcher-kva.example" {
		t.Errorf("zone name = %q", live.Name)
	}
	_, err = p.ReadZone(ctx, "missing.example")
	if err == nil || !strings.Contains(err.Error(), "zone missing.example: not found") {
		t.Errorf("unknown zone error = %v", err)
	}
}

func TestCanonicalNameServers(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, nil},
		{"empty list", []string{}, nil},
		{"canonical", []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}, []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}},
		{"case and trailing dot", []string{"ADA.ns.Cloudflare.com.", "bob.ns.cloudflare.com."}, []string{"ada.ns.cloudflare.com", "bob.ns.cloudflare.com"}},
		{"order kept, repeats and blanks dropped", []string{"z.ns.example", "", "a.ns.example", "Z.NS.example."}, []string{"z.ns.example", "a.ns.example"}},
		{"IDN to Punycode", []string{"ns.bücher.example"}, []string{"ns.xn--bcher-kva.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, canonicalNameServers(tt.in)); diff != "" {
				t.Errorf("canonicalNameServers(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// Zones read concurrently through one provider are each looked up once.
func TestConcurrentZones(t *testing.T) {
	p, f := newFakeProvider(t, Options{}, "a.example", "b.example", "c.example")
	var wg sync.WaitGroup
	errs := make(chan error, 30)
	for i := 0; i < 30; i++ {
		zone := []string{"a.example", "b.example", "c.example"}[i%3]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := p.ReadZone(context.Background(), zone); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if f.calls["zones"] != 3 {
		t.Errorf("zone lookups = %d, want 3", f.calls["zones"])
	}
}

func TestVerifyToken(t *testing.T) {
	p, f := newFakeProvider(t, Options{})
	if err := p.VerifyToken(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.calls["verify"] != 1 {
		t.Errorf("verify calls = %d", f.calls["verify"])
	}
}

func TestContainsName(t *testing.T) {
	tests := []struct {
		text, name string
		want       bool
	}{
		{"Invalid content for h17.example.com", "h17.example.com", true},
		{"Invalid content for h17.example.com.", "h17.example.com", true},
		{"record H17.Example.com: bad", "h17.example.com", true},
		{"Invalid content for h17.example.com", "h1.example.com", false},
		{"Invalid content for h17.example.com", "7.example.com", false},
		{"www.a.example.com exists", "a.example.com", false},
		{"a.example.community", "a.example.com", false},
		{"anything", "", false},
	}
	for _, tt := range tests {
		if got := containsName(tt.text, tt.name); got != tt.want {
			t.Errorf("containsName(%q, %q) = %v, want %v", tt.text, tt.name, got, tt.want)
		}
	}
}

// A name's delete and its replacement travel in the same batch, and a TXT mark with
// the name it describes, even when the plan lists them apart (issue 12: a refused
// later batch must not leave a name with no record, or a CNAME beside other data).
func TestChunkOpsKeepsNamesWhole(t *testing.T) {
	var ops []model.RecordOp
	for i := 0; i < 3; i++ {
		a := model.Record{ID: fmt.Sprintf("a%d", i), Name: fmt.Sprintf("n%d.example.com", i), Type: "A", Value: "192.0.2.1"}
		ops = append(ops, model.RecordOp{Op: model.OpDelete, Before: &a})
	}
	for i := 0; i < 3; i++ {
		c := model.Record{Name: fmt.Sprintf("n%d.example.com", i), Type: "CNAME", Value: "target.example.net"}
		ops = append(ops, model.RecordOp{Op: model.OpCreate, After: &c})
		m := model.Record{Name: fmt.Sprintf("_launchready.n%d.example.com", i), Type: "TXT", Value: "v=launchready1 CNAME:00000000"}
		ops = append(ops, model.RecordOp{Op: model.OpCreate, After: &m})
	}
	chunks, err := chunkOps(ops, 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 3 {
		t.Fatalf("%d chunks, want 3 (one name of 3 ops each)", len(chunks))
	}
	for i, c := range chunks {
		if len(c.batch.Deletes) != 1 || len(c.batch.Posts) != 2 || len(ownership.Names(c.ops)) != 1 {
			t.Errorf("chunk %d: %d deletes, %d posts, names %v", i+1, len(c.batch.Deletes), len(c.batch.Posts), ownership.Names(c.ops))
		}
	}
}
