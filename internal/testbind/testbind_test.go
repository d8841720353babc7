package testbind

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

// rrStrings renders RRs without their TTL-independent noise, sorted, SOA dropped.
func rrStrings(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		if rr.Header().Rrtype == dns.TypeSOA {
			continue
		}
		out = append(out, strings.ReplaceAll(rr.String(), "\t", " "))
	}
	sort.Strings(out)
	return out
}

func TestStartServesZoneOverAXFRWithTSIG(t *testing.T) {
	srv := Start(t, "Example.Test.", "www IN A 192.0.2.1\n@ IN TXT \"v=spf1 -all\"")
	if srv.Zone != "example.test" {
		t.Errorf("Zone = %q, want example.test", srv.Zone)
	}
	rrs := srv.AXFR(t)
	if len(rrs) < 2 || rrs[0].Header().Rrtype != dns.TypeSOA || rrs[len(rrs)-1].Header().Rrtype != dns.TypeSOA {
		t.Fatalf("AXFR is not SOA … SOA: %v", rrs)
	}
	got := rrStrings(rrs)
	want := []string{
		`example.test. 300 IN NS ns1.example.test.`,
		`example.test. 300 IN TXT "v=spf1 -all"`,
		`ns1.example.test. 300 IN A 127.0.0.1`,
		`www.example.test. 300 IN A 192.0.2.1`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AXFR records (-want +got):\n%s", diff)
	}
	if got := srv.Serial(t); got != InitialSerial {
		t.Errorf("Serial = %d, want %d", got, InitialSerial)
	}
	if strings.Contains(srv.Log(), "DNSKEY set '.'") || strings.Contains(srv.Log(), "resolving './NS/IN'") {
		t.Errorf("named tried to reach the root servers (dnssec-validation must be off):\n%s", srv.Log())
	}
}

func TestUnsignedAXFRIsRefused(t *testing.T) {
	srv := Start(t, "example.test", "www IN A 192.0.2.1")
	m := new(dns.Msg)
	m.SetAxfr("example.test.")
	ch, err := (&dns.Transfer{}).In(m, srv.Addr)
	if err != nil {
		t.Fatalf("In: %v", err)
	}
	var n int
	var xfrErr error
	for env := range ch {
		n += len(env.RR)
		if env.Error != nil {
			xfrErr = env.Error
		}
	}
	if xfrErr == nil || n != 0 {
		t.Fatalf("unsigned AXFR: got %d RRs, error %v; want no RRs and an error", n, xfrErr)
	}
	// BIND answers REFUSED (rcode 5) to a transfer its ACL denies.
	if !strings.Contains(xfrErr.Error(), "rcode: 5") {
		t.Errorf("unsigned AXFR error = %v, want REFUSED (rcode 5)", xfrErr)
	}
}

func TestUpdateBumpsSerialAndIsVisible(t *testing.T) {
	srv := Start(t, "example.test", "")
	srv.Update(t, []string{"new.example.test. 120 IN A 192.0.2.10"}, nil)
	got := rrStrings(srv.Query(t, "new.example.test", dns.TypeA))
	if diff := cmp.Diff([]string{"new.example.test. 120 IN A 192.0.2.10"}, got); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
	if got, want := srv.Serial(t), uint32(InitialSerial+1); got != want {
		t.Errorf("Serial after one update = %d, want %d", got, want)
	}
	srv.Update(t, nil, []string{"new.example.test. 0 IN A 192.0.2.10"})
	if got := srv.Query(t, "new.example.test", dns.TypeA); len(got) != 0 {
		t.Errorf("after delete: %v, want nothing", got)
	}
}

func TestOptionsDenyUpdateAndTransfer(t *testing.T) {
	srv := Start(t, "example.test", "", DenyUpdate(), DenyTransfer())
	u := new(dns.Msg)
	u.SetUpdate("example.test.")
	rr, _ := dns.NewRR("x.example.test. 300 IN A 192.0.2.1")
	u.Insert([]dns.RR{rr})
	if r := srv.Exchange(t, u); r.Rcode != dns.RcodeRefused {
		t.Errorf("signed update with allow-update none: rcode %s, want REFUSED", dns.RcodeToString[r.Rcode])
	}

	m := new(dns.Msg)
	m.SetAxfr("example.test.")
	m.SetTsig(srv.KeyName, dns.HmacSHA256, 300, time.Now().Unix())
	ch, err := (&dns.Transfer{TsigSecret: srv.TsigSecrets()}).In(m, srv.Addr)
	if err != nil {
		t.Fatalf("In: %v", err)
	}
	var xfrErr error
	for env := range ch {
		if env.Error != nil {
			xfrErr = env.Error
		}
	}
	if xfrErr == nil {
		t.Errorf("signed AXFR with allow-transfer none succeeded, want refused")
	}
}

func TestZoneFileHead(t *testing.T) {
	// Not run against named: checks the generated text, which named-checkzone accepts
	// in the tests above, and the NS/A head the recipe requires (pitfall 4).
	got := zoneFileText("example.test", "www IN A 192.0.2.1")
	for _, want := range []string{
		"$ORIGIN example.test.\n",
		"@ IN NS ns1.example.test.\n",
		"ns1 IN A 127.0.0.1\n",
		"www IN A 192.0.2.1\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("zone file lacks %q:\n%s", want, got)
		}
	}
}

func TestNamedConfFollowsRecipe(t *testing.T) {
	conf := namedConf("/d", 5353, "example.test", "/d/example.test.db", "c2VjcmV0", options{})
	for _, want := range []string{
		"dnssec-validation no;",
		"controls { };",
		`session-keyfile "/d/session.key";`,
		"listen-on port 5353 { 127.0.0.1; };",
		"listen-on-v6 { none; };",
		`allow-update { key "test-key"; };`,
		`allow-transfer { key "test-key"; };`,
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("named.conf lacks %q", want)
		}
	}
	deny := namedConf("/d", 5353, "example.test", "/d/example.test.db", "c2VjcmV0", options{denyUpdate: true, denyTransfer: true})
	for _, want := range []string{"allow-update { none; };", "allow-transfer { none; };"} {
		if !strings.Contains(deny, want) {
			t.Errorf("named.conf with deny options lacks %q", want)
		}
	}
}

// recordingTB records Fatal and Skip instead of stopping the test.
type recordingTB struct {
	testing.TB
	fatal, skip string
}

func (r *recordingTB) Helper()           {}
func (r *recordingTB) Fatal(args ...any) { r.fatal = fmt.Sprint(args...) }
func (r *recordingTB) Skip(args ...any)  { r.skip = fmt.Sprint(args...) }

func TestRequireFailsInCIAndSkipsElsewhere(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no named on PATH
	saved := candidates
	candidates = nil // nor in the usual places
	t.Cleanup(func() { candidates = saved })

	tests := []struct {
		ci                  string
		wantFatal, wantSkip bool
	}{
		{"true", true, false},
		{"", false, true},
		{"false", false, true},
	}
	for _, tt := range tests {
		t.Setenv("CI", tt.ci)
		r := &recordingTB{TB: t}
		Require(r)
		if (r.fatal != "") != tt.wantFatal || (r.skip != "") != tt.wantSkip {
			t.Errorf("CI=%q: fatal %q, skip %q; want fatal %v, skip %v", tt.ci, r.fatal, r.skip, tt.wantFatal, tt.wantSkip)
		}
		if msg := r.fatal + r.skip; !strings.Contains(msg, "apt-get install -y bind9 bind9-utils bind9-dnsutils") {
			t.Errorf("CI=%q: message %q does not say how to install named", tt.ci, msg)
		}
	}
}
