package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// checkPageMatchesJSON decodes b with recordsPage.decodeJSON and with encoding/json
// alone, and fails t unless both give the same page and the same error. It reports
// whether the fast pass took b.
func checkPageMatchesJSON(t testing.TB, b []byte) (fast bool) {
	t.Helper()
	var want recordsPage
	wantErr := json.Unmarshal(b, &want)
	var got recordsPage
	gotErr := got.decodeJSON(string(b))
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("%q: error %v, encoding/json's %v", b, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %s\nwant %s", b, dumpPage(got), dumpPage(want))
	}
	var alone recordsPage
	fast = decodeRecordsPageFast(string(b), &alone)
	if fast {
		if wantErr != nil {
			t.Fatalf("%q: the fast pass accepts what encoding/json refuses (%v)", b, wantErr)
		}
		if !reflect.DeepEqual(alone, want) {
			t.Fatalf("%q: fast pass\n got %s\nwant %s", b, dumpPage(alone), dumpPage(want))
		}
	}
	return fast
}

func dumpPage(p recordsPage) string {
	var b strings.Builder
	fmt.Fprintf(&b, "result nil=%v len=%d info=%+v", p.Result == nil, len(p.Result), p.ResultInfo)
	if p.ResultInfo != nil && p.ResultInfo.TotalCount != nil {
		fmt.Fprintf(&b, " total=%d", *p.ResultInfo.TotalCount)
	}
	for _, w := range p.Result {
		fmt.Fprintf(&b, "\n  %+v", w)
		if w.Priority != nil {
			fmt.Fprintf(&b, " priority=%d", *w.Priority)
		}
		if w.Data != nil {
			fmt.Fprintf(&b, " data=%+v", *w.Data)
		}
		if w.Meta != nil {
			fmt.Fprintf(&b, " meta=%+v", *w.Meta)
		}
	}
	return b.String()
}

// pageSeeds are pages the fast pass must decode exactly as encoding/json does, or
// leave to it: Cloudflare's shape, and every oddity the fast pass must notice. The
// fuzz target starts from them (with its committed corpus).
var pageSeeds = []struct {
	body string
	fast bool // the fast pass takes it
}{
	{`{"result":[],"success":true,"errors":[],"messages":[],"result_info":{"page":1,"per_page":5000,"count":0,"total_count":0,"total_pages":0}}`, true},
	{`{"result":[{"id":"372e67954025e0ba6aaa6d586b9e0b59","zone_id":"023e105f4ecef8ad9ca31a8372d0c353","zone_name":"example.com","name":"www.example.com","type":"A","content":"198.51.100.4","proxiable":true,"proxied":false,"ttl":3600,"settings":{},"meta":{},"comment":"Domain verification record","tags":[],"created_on":"2014-01-01T05:20:00.12345Z","modified_on":"2014-01-01T05:20:00.12345Z"}],"success":true,"errors":[],"messages":[],"result_info":{"page":1,"per_page":5000,"count":1,"total_count":1}}`, true},
	// whitespace, nulls, data and meta, priority, escapes, non-ASCII
	{" \n{ \"result\" : [ { \"id\" : \"a\" , \"name\" : \"x.example.com\" , \"type\" : \"MX\" , \"content\" : \"mx.example.com\" , \"priority\" : 10 , \"ttl\" : 1 , \"proxied\" : null , \"comment\" : null , \"meta\" : { \"read_only\" : true , \"email_routing\" : true , \"auto_added\" : false } } ] , \"result_info\" : null }\t", true},
	{`{"result":[{"id":"s","type":"SRV","name":"_sip._tcp.example.com","data":{"priority":10,"weight":5,"port":5060,"target":"sip.example.com"},"ttl":300}]}`, true},
	{`{"result":[{"id":"c","type":"CAA","data":{"flags":0,"tag":"issue","value":"letsencrypt.org"}},{"id":"n","type":"NAPTR","data":{"flags":"U","order":100.0,"preference":"10"}}]}`, true},
	{`{"result":[{"id":"t","type":"TXT","content":"\"v=spf1 include:_spf.google.com ~all\" \"a\\\\b\"","comment":"caf\u00e9 \u003c\u0026\u003e \ud83d\ude00 ☕"}]}`, true},
	{`{"result":[{"id":"d","data":null,"meta":null,"priority":null,"ttl":null,"name":null}]}`, true},
	{`{"result":[{"id":"d","data":"text","meta":{}},{"data":[1,2],"tags":["a",{"b":[null,true,false,-0.5e+10]}]},{"data":7}]}`, true},
	{`{"result":null,"result_info":{"page":2,"per_page":100,"total_count":null}}`, true},
	{`{"result":[{}],"result_info":{}}`, true},
	{`{}`, true},
	{`{"result":[{"id":"x","ttl":-1,"priority":0}],"result_info":{"page":0,"per_page":-0,"total_count":123456789012345678}}`, true},
	// left to encoding/json (or refused by both)
	{`null`, false},
	{`[]`, false},
	{``, false},
	{`{"result":[{"id":"x"}]} x`, false},
	{`{"result":[{"id":"x"}]`, false},
	{`{"result":[null]}`, false},
	{`{"result":[{"id":"x","ttl":300.0}]}`, false},
	{`{"result":[{"id":"x","ttl":3e2}]}`, false},
	{`{"result":[{"id":"x","ttl":"300"}]}`, false},
	{`{"result":[{"id":"x","ttl":1234567890123456789012}]}`, false},
	{`{"result":[{"id":"x","ttl":012}]}`, false},
	{`{"result":[{"id":"x","priority":1.5}]}`, false},
	{`{"result":[{"id":"x","proxied":"true"}]}`, false},
	{`{"result":[{"id":1}]}`, false},
	{`{"result":[{"ID":"x"}]}`, false},
	{`{"result":[{"Name":"x"}]}`, false},
	{`{"RESULT":[{"id":"x"}]}`, false},
	{`{"result":[{"id":"x","id":"y"}]}`, false},
	{`{"result":[],"result":[{"id":"y"}]}`, false},
	{`{"result":[{"i\u0064":"x"}]}`, false},
	{`{"reſult":[{"id":"x"}]}`, false}, // ſ folds to s
	{`{"result":[{"id":"x","meta":{"Read_Only":true}}]}`, false},
	{`{"result":[{"id":"x","meta":5}]}`, false},
	{`{"result":{"id":"x"}}`, false},
	{`{"result":[{"id":"x","content":"a` + "\x01" + `b"}]}`, false},
	{`{"result":[{"id":"x","content":"a\qb"}]}`, false},
	{`{"result":[{"id":"x","content":"\u12"}]}`, false},
	{`{"result":[{"id":"x","other":[1,]}]}`, false},
	{`{"result":[{"id":"x","other":01}]}`, false},
	{`{"result":[{"id":"x","other":-}]}`, false},
	{`{"result":[{"id":"x","other":1.}]}`, false},
	{`{"result":[{"id":"x","other":tru}]}`, false},
	{`{"result":[{"id":"x","content":"` + "\xff\xfe" + `"}]}`, true}, // invalid UTF-8: encoding/json's U+FFFD
	{`{"result":[{"id":"x","content":"\ud800"}]}`, true},
	{`{"result":[{"id":"x","deep":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}]}`, false},
}

func TestRecordsPageMatchesJSON(t *testing.T) {
	for i, s := range pageSeeds {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			if fast := checkPageMatchesJSON(t, []byte(s.body)); fast != s.fast {
				t.Errorf("%q: fast pass took it: %v, want %v", s.body, fast, s.fast)
			}
		})
	}
}

// FuzzRecordsPageMatchesJSON holds the fast pass to encoding/json on any input: the
// same page and error, and never a page where encoding/json fails.
func FuzzRecordsPageMatchesJSON(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s.body))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkPageMatchesJSON(t, b)
	})
}

// The simulator's listing of a zone holding every record type launch.hcl supports,
// Email Routing's read-only records, proxied and TTL variants, tags, and comments
// and TXT values that encoding/json writes with escapes, is decoded by the fast pass,
// exactly as encoding/json decodes it.
func TestRecordsPageFastOnSimulatorAnswers(t *testing.T) {
	ctx := context.Background()
	const token = "decode-test-token"
	s, err := sim.New(sim.Options{Token: token, Zones: []string{"example.com"}, EmailRouting: []string{"example.com"}, Plan: "pro"})
	if err != nil {
		t.Fatal(err)
	}
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	p, err := New(Options{BaseURL: base, Token: token, RequestsPerSecond: -1, BatchLimit: 3500})
	if err != nil {
		t.Fatal(err)
	}
	var rs []model.Record
	types := map[string]bool{}
	for i, ty := range model.AllTypes() {
		v, err := model.CanonicalValue(ty.Name, ty.Example, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("t%d.example.com", i)
		if ty.Name == "CNAME" {
			name = "alias.example.com"
		}
		rs = append(rs, model.Record{Name: name, Type: ty.Name, Value: v})
		types[ty.Name] = true
	}
	rs = append(rs,
		model.Record{Name: "example.com", Type: "A", Value: "203.0.113.10", Proxied: true, Comment: "café <owner> & \"quoted\" \\ ☕"},
		model.Record{Name: "ttl.example.com", Type: "AAAA", Value: "2001:db8::1", TTL: 3600},
		model.Record{Name: "quotes.example.com", Type: "TXT", Value: `say "hello" with a \ backslash, <tags> & ü`},
		model.Record{Name: "long.example.com", Type: "TXT", Value: strings.Repeat("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8A", 20)},
		model.Record{Name: "_sip._tcp.example.com", Type: "SRV", Value: "10 5 5060 sip.example.com"},
		model.Record{Name: "example.com", Type: "CAA", Value: `0 iodef "mailto:security@example.com"`},
	)
	if err := p.ApplyRecords(ctx, &model.LiveZone{Name: "example.com"}, createOps(rs)); err != nil {
		t.Fatal(err)
	}
	live, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	// A tag, as the dashboard or a script may set one.
	req, _ := http.NewRequest(http.MethodPatch, base+"/zones/"+live.ID+"/dns_records/"+live.Records[0].ID, strings.NewReader(`{"tags":["team:web"]}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("tagging a record: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}

	req, _ = http.NewRequest(http.MethodGet, base+"/zones/"+live.ID+"/dns_records?per_page=5000", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !checkPageMatchesJSON(t, body) {
		t.Errorf("the fast pass left the simulator's answer to encoding/json:\n%s", body)
	}
	var page recordsPage
	if err := page.decodeJSON(string(body)); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	readOnly, tagged := false, false
	for _, w := range page.Result {
		seen[w.Type] = true
		readOnly = readOnly || w.Meta.readOnlyBy() != ""
	}
	tagged = strings.Contains(string(body), `"team:web"`)
	for ty := range types {
		if !seen[ty] {
			t.Errorf("no %s record in the answer", ty)
		}
	}
	if !readOnly || !tagged {
		t.Errorf("the answer lacks a read-only record (%v) or a tag (%v)", readOnly, tagged)
	}
	for _, esc := range []string{`\"`, `\\`, `\u003c`, `\u0026`} {
		if !strings.Contains(string(body), esc) {
			t.Errorf("the answer has no %s escape to decode", esc)
		}
	}
}

func createOps(rs []model.Record) []model.RecordOp {
	var ops []model.RecordOp
	for i := range rs {
		r := rs[i]
		ops = append(ops, model.RecordOp{Op: model.OpCreate, After: &r})
	}
	return ops
}

// benchPage is a page of n records shaped as Cloudflare (and the simulator) send them.
func benchPage(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"result":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%032x","zone_id":"023e105f4ecef8ad9ca31a8372d0c353","zone_name":"client0.example","name":"h%04d.client0.example","type":"A","content":"10.0.%d.%d","proxiable":true,"proxied":false,"ttl":1,"comment":"lr:owner=default","tags":[],"settings":{},"meta":{},"created_on":"2026-12-04T15:43:59.123456Z","modified_on":"2026-12-04T15:43:59.123456Z"}`, i, i, i/256, i%256)
	}
	fmt.Fprintf(&b, `],"success":true,"errors":[],"messages":[],"result_info":{"page":1,"per_page":5000,"count":%d,"total_count":%d,"total_pages":1}}`, n, n)
	return []byte(b.String())
}

func BenchmarkRecordsPage1000(b *testing.B) {
	body := benchPage(1000)
	s := string(body)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var p recordsPage
			if err := p.decodeJSON(s); err != nil || len(p.Result) != 1000 {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var p recordsPage
			if err := json.Unmarshal(body, &p); err != nil || len(p.Result) != 1000 {
				b.Fatal(err)
			}
		}
	})
}
