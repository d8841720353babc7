package rfc2136

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// Unit tests: no server. The behaviour against a real server is in bind_test.go; the
// wire protocol against an in-process miekg/dns server in inprocess_test.go.

const testSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTEyMzQ="

func TestNewValidatesConfig(t *testing.T) {
	good := Config{Server: "127.0.0.1:5353", TSIGKey: "Launch-Key", TSIGAlgorithm: "HMAC-SHA256.", TSIGSecret: testSecret, TSIGSecretEnv: "LAUNCH_TSIG_SECRET"}
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"empty server", func(c *Config) { c.Server = "" }, `rfc2136: server is empty (want host:port, e.g. "ns1.example.com:53")`},
		{"bad port", func(c *Config) { c.Server = "ns1.example.com:dns" }, `rfc2136: server "ns1.example.com:dns": port "dns" is not a number from 1 to 65535`},
		{"port zero", func(c *Config) { c.Server = "ns1.example.com:0" }, `rfc2136: server "ns1.example.com:0": port "0" is not a number from 1 to 65535`},
		{"empty key", func(c *Config) { c.TSIGKey = " " }, "rfc2136 127.0.0.1:5353: tsig_key is empty"},
		{"bad key", func(c *Config) { c.TSIGKey = "bad..key" }, `rfc2136 127.0.0.1:5353: tsig_key "bad..key" is not a valid key name (a domain name such as "launch-key.")`},
		{"md5", func(c *Config) { c.TSIGAlgorithm = "hmac-md5" }, "rfc2136 127.0.0.1:5353: tsig_algorithm \"hmac-md5\" is not supported (MD5 is obsolete): make a new key with `tsig-keygen -a hmac-sha256`"},
		{"unknown algorithm", func(c *Config) { c.TSIGAlgorithm = "sha256" }, `rfc2136 127.0.0.1:5353: tsig_algorithm "sha256" is not one of hmac-sha256, hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1`},
		{"empty algorithm", func(c *Config) { c.TSIGAlgorithm = "" }, `rfc2136 127.0.0.1:5353: tsig_algorithm is empty (use "hmac-sha256")`},
		{"empty secret", func(c *Config) { c.TSIGSecret = "" }, "rfc2136 127.0.0.1:5353: the TSIG secret in $LAUNCH_TSIG_SECRET is empty"},
		{"bad base64", func(c *Config) { c.TSIGSecret = "not base64!" }, "rfc2136 127.0.0.1:5353: the TSIG secret in $LAUNCH_TSIG_SECRET is not valid base64 (generate one with `tsig-keygen -a hmac-sha256 launch-key`)"},
		{"bad base64 no env", func(c *Config) { c.TSIGSecret = "not base64!"; c.TSIGSecretEnv = "" }, "rfc2136 127.0.0.1:5353: the TSIG secret is not valid base64 (generate one with `tsig-keygen -a hmac-sha256 launch-key`)"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "rfc2136 127.0.0.1:5353: timeout -1s is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := good
			tt.mutate(&cfg)
			_, err := New(cfg)
			if err == nil {
				t.Fatalf("New: no error, want %q", tt.wantErr)
			}
			if diff := cmp.Diff(tt.wantErr, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if cfg.TSIGSecret != "" && strings.Contains(err.Error(), cfg.TSIGSecret) {
				t.Errorf("error contains the secret")
			}
		})
	}
}

func TestNewNormalises(t *testing.T) {
	tests := []struct {
		server, key, alg          string
		wantServer, wantKey, alg2 string
	}{
		{"ns1.example.com", "Launch-Key", "HMAC-SHA256", "ns1.example.com:53", "launch-key.", dns.HmacSHA256},
		{"192.0.2.1:5353", "launch-key.", "hmac-sha512.", "192.0.2.1:5353", "launch-key.", dns.HmacSHA512},
		{"2001:db8::53", "k", "hmac-sha1", "[2001:db8::53]:53", "k.", dns.HmacSHA1},
		{"[2001:db8::53]:5353", "k", "hmac-sha384", "[2001:db8::53]:5353", "k.", dns.HmacSHA384},
	}
	for _, tt := range tests {
		p, err := New(Config{Server: tt.server, TSIGKey: tt.key, TSIGAlgorithm: tt.alg, TSIGSecret: testSecret})
		if err != nil {
			t.Errorf("New(%q, %q, %q): %v", tt.server, tt.key, tt.alg, err)
			continue
		}
		got := []string{p.Server(), p.key.name, p.key.algorithm}
		if diff := cmp.Diff([]string{tt.wantServer, tt.wantKey, tt.alg2}, got); diff != "" {
			t.Errorf("New(%q, %q, %q) (-want +got):\n%s", tt.server, tt.key, tt.alg, diff)
		}
		if p.timeout != DefaultTimeout || p.Kind() != "rfc2136" {
			t.Errorf("timeout %v kind %q, want %v rfc2136", p.timeout, p.Kind(), DefaultTimeout)
		}
	}
}

func TestSecretIsNeverPrinted(t *testing.T) {
	cfg := Config{Server: "127.0.0.1:53", TSIGKey: "k.", TSIGAlgorithm: "hmac-sha256", TSIGSecret: testSecret}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	secretBytes := string(p.key.secret)
	for _, s := range []string{
		fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), fmt.Sprint(&cfg),
		fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", p), fmt.Sprintf("%s", p),
	} {
		if strings.Contains(s, testSecret) || strings.Contains(s, secretBytes) {
			t.Errorf("printed form shows the secret: %s", s)
		}
	}
}

// Every supported type and value form survives record → RR → wire → RR → record.
func TestRecordToRRAndBack(t *testing.T) {
	const z = "example.test"
	tests := []model.Record{
		rec("www."+z, "A", "192.0.2.1", 300),
		rec("v6."+z, "AAAA", "2001:db8::1", 300),
		rec("v6."+z, "AAAA", "::ffff:192.0.2.1", 300),
		rec("www."+z, "CNAME", "app.hosting.net", 60),
		rec(z, "MX", "10 mx1.example.net", 300),
		rec("nomail."+z, "MX", "0 .", 300),
		rec(z, "TXT", "v=spf1 -all", 300),
		rec(z, "TXT", "", 300),
		rec("q."+z, "TXT", `a "quoted" \ back\slash; semi`, 300),
		rec("bin."+z, "TXT", "tab\there, nul\x00, high \xff, é", 300),
		rec("long."+z, "TXT", strings.Repeat("0123456789", 60), 300),
		rec("_sip._tcp."+z, "SRV", "10 5 5060 sip.example.net", 300),
		rec("_x._tcp."+z, "SRV", "0 0 0 .", 300),
		rec(z, "CAA", `0 issue "letsencrypt.org"`, 300),
		rec(z, "CAA", `128 iodef "mailto:security@example.test"`, 300),
		rec(z, "CAA", `0 issue ""`, 300),
		rec("sub."+z, "NS", "ns.other.example", 300),
		rec("4."+z, "PTR", "host.example.net", 300),
		rec("*.preview."+z, "CNAME", "previews.hosting.net", 300),
		rec("key."+z, "SSHFP", "1 1 123456789ABCDEF67890123456789ABCDEF67890", 300),
	}
	for _, want := range tests {
		t.Run(want.Type+" "+want.Value, func(t *testing.T) {
			rr, err := recordToRR(z, want)
			if err != nil {
				t.Fatalf("recordToRR: %v", err)
			}
			// Through the wire format, as a server would store and serve it.
			buf := make([]byte, dns.Len(rr)+64)
			off, err := dns.PackRR(rr, buf, 0, nil, false)
			if err != nil {
				t.Fatalf("PackRR: %v", err)
			}
			back, _, err := dns.UnpackRR(buf[:off], 0)
			if err != nil {
				t.Fatalf("UnpackRR: %v", err)
			}
			if diff := cmp.Diff(want, recordFromRR(back)); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
			if txt, ok := back.(*dns.TXT); ok {
				for _, s := range txt.Txt {
					if n := len(model.UnescapeDNSString(s)); n > 255 {
						t.Errorf("character-string of %d bytes", n)
					}
				}
			}
		})
	}
}

func TestRecordToRRDefaultsAndErrors(t *testing.T) {
	const z = "example.test"
	rr, err := recordToRR(z, rec("x."+z, "A", "192.0.2.1", 0))
	if err != nil || rr.Header().Ttl != 300 {
		t.Errorf("TTL 0 → %v, %v; want the default 300", rr, err)
	}
	tests := []struct {
		r    model.Record
		want string
	}{
		{rec("x.other.test", "A", "192.0.2.1", 300), `name "x.other.test" is not inside zone example.test`},
		{rec("x."+z, "A", "2001:db8::1", 300), `A value "2001:db8::1" is not an IPv4 address`},
		{rec("x."+z, "AAAA", "192.0.2.1", 300), `AAAA value "192.0.2.1" is not an IPv6 address`},
		{rec("x."+z, "MX", "mx.example.net", 300), `MX value "mx.example.net" is not "<preference> <host>"`},
		{rec("x."+z, "SRV", "1 2 mx.example.net", 300), `SRV value "1 2 mx.example.net" is not "<priority> <weight> <port> <target>"`},
		{rec(z, "SOA", "a. b. 1 2 3 4 5", 300), "the SOA record is maintained by the server; launchready does not write it"},
		{rec("x."+z, "BOGUS", "1", 300), `unknown record type "BOGUS"`},
		{rec("x."+z, "A", "192.0.2.1", -1), "TTL -1 is out of range"},
	}
	for _, tt := range tests {
		_, err := recordToRR(z, tt.r)
		if err == nil || err.Error() != tt.want {
			t.Errorf("recordToRR(%v) = %v, want %q", tt.r, err, tt.want)
		}
	}
}

func TestEscapeTXTRoundTripsEveryByte(t *testing.T) {
	var all []byte
	for b := 0; b < 256; b++ {
		all = append(all, byte(b))
	}
	s := string(all)
	if got := model.UnescapeDNSString(model.EscapeDNSString(s)); got != s {
		t.Errorf("unescape(escape(all bytes)) differs: %q", got)
	}
	// And what miekg/dns packs from the escaped form is exactly the bytes.
	rr := &dns.TXT{Hdr: dns.RR_Header{Name: "x.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{model.EscapeDNSString(s[:255])}}
	buf := make([]byte, 1024)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(buf[off-255 : off]); got != s[:255] {
		t.Errorf("packed bytes differ from the text")
	}
}

func TestLiveZoneRejectsBrokenTransfers(t *testing.T) {
	p, err := New(Config{Server: "127.0.0.1:53", TSIGKey: "k", TSIGAlgorithm: "hmac-sha256", TSIGSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(s string) dns.RR {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		return rr
	}
	soa := func(serial int) dns.RR {
		return mk(fmt.Sprintf("example.test. 300 IN SOA ns1.example.test. h.example.test. %d 1 1 1 1", serial))
	}
	a := mk("www.example.test. 300 IN A 192.0.2.1")
	const prefix = "rfc2136: reading zone example.test on 127.0.0.1:53: "
	tests := []struct {
		name string
		rrs  []dns.RR
		want string
	}{
		{"empty", nil, "the zone transfer returned no records"},
		{"no SOA first", []dns.RR{a, soa(2)}, "the zone transfer did not start with the SOA of example.test (got www.example.test. 300 IN A 192.0.2.1)"},
		{"other zone's SOA", []dns.RR{mk("other.test. 300 IN SOA a. b. 1 1 1 1 1"), a}, "the zone transfer did not start with the SOA of example.test (got other.test. 300 IN SOA a. b. 1 1 1 1 1)"},
		{"cut short", []dns.RR{soa(2), a}, "the zone transfer was cut short (no closing SOA)"},
		{"only SOA", []dns.RR{soa(2)}, "the zone transfer was cut short (no closing SOA)"},
		{"incremental IXFR", []dns.RR{soa(3), soa(2), a, soa(3), soa(3)}, "the server answered with an incremental zone transfer (IXFR); launchready needs the whole zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.liveZone("example.test", tt.rrs)
			if err == nil || err.Error() != prefix+tt.want {
				t.Errorf("liveZone: %v\nwant: %s", err, prefix+tt.want)
			}
		})
	}
	lz, err := p.liveZone("example.test", []dns.RR{soa(7), a, soa(7)})
	if err != nil {
		t.Fatal(err)
	}
	want := &model.LiveZone{Name: "example.test", Serial: 7, Records: []model.Record{
		rec("example.test", "SOA", "ns1.example.test. h.example.test. 7 1 1 1 1", 300),
		rec("www.example.test", "A", "192.0.2.1", 300),
	}}
	if diff := cmp.Diff(want, lz); diff != "" {
		t.Errorf("liveZone (-want +got):\n%s", diff)
	}
}

func TestSplitKeepsOrderAndRespectsTheLimit(t *testing.T) {
	p, err := New(Config{Server: "127.0.0.1:53", TSIGKey: "k", TSIGAlgorithm: "hmac-sha256", TSIGSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	soa, _ := dns.NewRR("example.test. 0 IN SOA ns1.example.test. h.example.test. 1 1 1 1 1")
	var ops []model.RecordOp
	var groups []opRRs
	for i := 0; i < 10; i++ {
		op := create(rec(fmt.Sprintf("r%d.example.test", i), "TXT", strings.Repeat("x", 100), 300))
		g, err := opToRRs("example.test", op)
		if err != nil {
			t.Fatal(err)
		}
		ops, groups = append(ops, op), append(groups, g)
	}
	overhead := 12 + len("example.test.") + 1 + 4 + dns.Len(soa) + tsigSize(p.key)
	p.maxMsgSize = overhead + 3*groups[0].size // three ops per message
	batches, err := p.split("example.test", soa.(*dns.SOA), groups, ops)
	if err != nil {
		t.Fatal(err)
	}
	var sizes []int
	var order []string
	for _, b := range batches {
		sizes = append(sizes, len(b))
		for _, g := range b {
			order = append(order, g.insert[0].Header().Name)
		}
	}
	if diff := cmp.Diff([]int{3, 3, 3, 1}, sizes); diff != "" {
		t.Errorf("ops per message (-want +got):\n%s", diff)
	}
	for i, n := range order {
		if want := fmt.Sprintf("r%d.example.test.", i); n != want {
			t.Errorf("op %d in message order is %s, want %s", i, n, want)
		}
	}

	p.maxMsgSize = overhead + groups[0].size - 1
	_, err = p.split("example.test", soa.(*dns.SOA), groups[:1], ops[:1])
	if err == nil || !strings.Contains(err.Error(), "the record is too large for a DNS UPDATE message") {
		t.Errorf("split of an op larger than a message: %v", err)
	}
}

func TestCheckCNAMEConflicts(t *testing.T) {
	const z = "example.test"
	live := &model.LiveZone{Name: z, Records: []model.Record{
		rec("www."+z, "A", "192.0.2.1", 300),
		rec("old."+z, "CNAME", "x.example.net", 300),
		rec("old."+z, "TXT", "pre-existing conflict, untouched", 300),
		rec("c."+z, "CNAME", "x.example.net", 300),
	}}
	tests := []struct {
		name string
		ops  []model.RecordOp
		want string
	}{
		{"type change", []model.RecordOp{del(rec("www."+z, "A", "192.0.2.1", 300)), create(rec("www."+z, "CNAME", "y.example.net", 300))}, ""},
		{"cname next to A", []model.RecordOp{create(rec("www."+z, "CNAME", "y.example.net", 300))},
			"www.example.test would have a CNAME next to other records (A 192.0.2.1, CNAME y.example.net); a CNAME must be alone at its name: delete the others or declare them"},
		{"A next to cname", []model.RecordOp{create(rec("c."+z, "A", "192.0.2.2", 300))},
			"c.example.test would have a CNAME next to other records (A 192.0.2.2, CNAME x.example.net); a CNAME must be alone at its name: delete the others or declare them"},
		{"cname target update", []model.RecordOp{update(rec("c."+z, "CNAME", "x.example.net", 300), rec("c."+z, "CNAME", "z.example.net", 300))}, ""},
		{"untouched conflict elsewhere", []model.RecordOp{create(rec("new."+z, "A", "192.0.2.3", 300))}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkCNAMEConflicts(z, live, tt.ops)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("checkCNAMEConflicts = %q, want %q", got, tt.want)
			}
		})
	}
}
