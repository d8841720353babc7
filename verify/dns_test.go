package verify

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/schema"
)

func TestCheckRRSetReportsEachServer(t *testing.T) {
	good := newDNSServer(t, "multi.test")
	good.set(t, "api.multi.test. 300 IN A 127.0.0.20", "api.multi.test. 300 IN A 127.0.0.21")
	lagging := newDNSServer(t, "multi.test")
	lagging.set(t, "api.multi.test. 300 IN A 127.0.0.20")
	notAuth := newDNSServer(t, "multi.test")
	notAuth.set(t, "api.multi.test. 300 IN A 127.0.0.20", "api.multi.test. 300 IN A 127.0.0.21")
	notAuth.setAuthoritative(false)

	r, err := newRunner(Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	set := rrset(t, "multi.test", "api", "A", false, 300, "127.0.0.20", "127.0.0.21").RRSet
	nss := []nameserver{
		{Name: "ns1.multi.test", Addr: good.addr},
		{Name: "ns2.multi.test", Addr: lagging.addr},
		{Name: "ns3.multi.test", Addr: notAuth.addr},
		{Name: "ns4.multi.test", Err: "cannot resolve the name server: no address"},
	}
	res := r.checkRRSet(context.Background(), "multi.test", nss, nil, set)
	if res.Status != Fail {
		t.Fatalf("status %s, want fail: %s", res.Status, res.Reason)
	}
	wantParts := []string{
		"ns2.multi.test (" + lagging.addr + "): missing 127.0.0.21",
		"ns3.multi.test (" + notAuth.addr + "): answer is not authoritative",
		"ns4.multi.test: cannot resolve the name server",
	}
	for _, p := range wantParts {
		if !strings.Contains(res.Reason, p) {
			t.Errorf("reason %q lacks %q", res.Reason, p)
		}
	}
	if strings.Contains(res.Reason, "ns1.multi.test") {
		t.Errorf("reason blames the correct server: %q", res.Reason)
	}
	var ok []bool
	for _, a := range res.DNS.Servers {
		ok = append(ok, a.OK)
	}
	if diff := cmp.Diff([]bool{true, false, false, false}, ok); diff != "" {
		t.Errorf("per-server OK (-want +got):\n%s", diff)
	}
	if got := res.DNS.Servers[1].Values; !cmp.Equal(got, []string{"127.0.0.20"}) {
		t.Errorf("ns2 values %v", got)
	}
}

func TestCheckRRSetNoNameServers(t *testing.T) {
	r, err := newRunner(Options{})
	if err != nil {
		t.Fatal(err)
	}
	set := rrset(t, "x.test", "@", "A", false, 0, "192.0.2.1").RRSet
	res := r.checkRRSet(context.Background(), "x.test", nil, fmt.Errorf("x.test has no NS records"), set)
	if res.Status != Skip || !strings.Contains(res.Reason, "name servers are unknown") {
		t.Errorf("got %s %q", res.Status, res.Reason)
	}
}

func waitZone(t *testing.T) *schema.Config {
	return &schema.Config{Zones: []*schema.Zone{{
		Name:    "wait.test",
		Records: []*schema.Record{rrset(t, "wait.test", "lag", "A", false, 300, "127.0.0.30")},
	}}}
}

func TestDNSWaitsForServersToConverge(t *testing.T) {
	s := newDNSServer(t, "wait.test")
	s.set(t, "lag.wait.test. 300 IN A 127.0.0.31") // the old value, before apply propagated
	var mu sync.Mutex
	var waiting []string
	polls := 0
	opts := Options{Resolver: s.addr, Wait: 10 * time.Second, PollInterval: 20 * time.Millisecond, Timeout: time.Second,
		Progress: func(done, total int, current string) {
			mu.Lock()
			defer mu.Unlock()
			if strings.HasPrefix(current, "waiting for") {
				waiting = append(waiting, current)
				polls++
				if polls == 5 { // the server catches up after a few polls
					s.set(t, "lag.wait.test. 300 IN A 127.0.0.30")
				}
			}
		}}
	rep, err := Run(context.Background(), waitZone(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	res := find(t, rep, "wait.test", KindDNS, "lag.wait.test A", CheckRRSet)
	if res.Status != Pass {
		t.Fatalf("got %s %q, want pass after waiting", res.Status, res.Reason)
	}
	if res.DNS.WaitMs <= 0 {
		t.Errorf("WaitMs = %v, want the time waited", res.DNS.WaitMs)
	}
	if len(waiting) < 5 || !strings.Contains(waiting[0], "waiting for "+s.addr+" to serve lag.wait.test A") {
		t.Errorf("progress while waiting = %q", waiting)
	}
}

func TestDNSWaitGivesUpAndSaysWhoLags(t *testing.T) {
	s := newDNSServer(t, "wait.test")
	s.set(t, "lag.wait.test. 300 IN A 127.0.0.31")
	start := time.Now()
	rep, err := Run(context.Background(), waitZone(t), Options{Resolver: s.addr, Wait: 300 * time.Millisecond, PollInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 300*time.Millisecond || el > 5*time.Second {
		t.Errorf("Run took %v with Wait 300ms", el)
	}
	res := find(t, rep, "wait.test", KindDNS, "lag.wait.test A", CheckRRSet)
	for _, want := range []string{s.addr + ": missing 127.0.0.30, unexpected 127.0.0.31", "still lagging after waiting"} {
		if res.Status != Fail || !strings.Contains(res.Reason, want) {
			t.Errorf("got %s %q, want fail containing %q", res.Status, res.Reason, want)
		}
	}
	if n := s.queries.Load(); n < 3 {
		t.Errorf("the server was asked %d times; waiting must poll it", n)
	}
}

func TestBaselineRegression(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(5 * time.Millisecond)
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()
	ns := newDNSServer(t, "b.test")
	cfg := &schema.Config{Zones: []*schema.Zone{{Name: "b.test", Checks: []*schema.Check{
		{Name: "api", URL: srv.URL + "/", Requests: 4, Concurrency: 2, P95Ms: 5000, MaxErrorRate: 0.01},
	}}}}
	baseline := func(p95 float64) *Report {
		return &Report{FormatVersion: FormatVersion, Zones: []ZoneReport{{Zone: "b.test", Results: []Result{
			{Zone: "b.test", Kind: KindHTTP, Name: "api", Check: CheckLatency, HTTP: &HTTPDetail{Total: Percentiles{P95: p95}}},
		}}}}
	}
	tests := []struct {
		name     string
		baseline *Report
		maxReg   float64
		set      bool
		want     Status
		reason   string
	}{
		{"regressed", baseline(0.5), 0, false, Fail, "p95 regressed"},
		{"within budget", baseline(60000), 0, false, Pass, "in the baseline"},
		{"custom budget", baseline(0.5), 1e9, false, Pass, "budget +100000000000%"},
		{"explicit 0: any regression fails", baseline(0.5), 0, true, Fail, "budget +0%"},
		{"explicit 0: faster than the baseline passes", baseline(60000), 0, true, Pass, "budget +0%"},
		{"not in baseline", &Report{FormatVersion: FormatVersion}, 0, false, Skip, "baseline report has no latency for this check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := Run(context.Background(), cfg, Options{Resolver: ns.addr, Baseline: tt.baseline, MaxRegression: tt.maxReg, MaxRegressionSet: tt.set})
			if err != nil {
				t.Fatal(err)
			}
			res := find(t, rep, "b.test", KindHTTP, "api", CheckBaseline)
			if res.Status != tt.want || !strings.Contains(res.Reason, tt.reason) {
				t.Errorf("got %s %q, want %s containing %q", res.Status, res.Reason, tt.want, tt.reason)
			}
			lat := find(t, rep, "b.test", KindHTTP, "api", CheckLatency)
			if tt.want != Skip && lat.HTTP.BaselineP95 != tt.baseline.Zones[0].Results[0].HTTP.Total.P95 {
				t.Errorf("BaselineP95 = %v", lat.HTTP.BaselineP95)
			}
		})
	}
}

func TestEmailHook(t *testing.T) {
	ns := newDNSServer(t, "mail.test")
	cfg := &schema.Config{Zones: []*schema.Zone{{Name: "mail.test", Email: &emailPolicyForTest}}}
	var asked []string
	opts := Options{Resolver: ns.addr, EmailAnalyze: func(ctx context.Context, domain string) []Result {
		asked = append(asked, domain)
		return []Result{
			{Name: domain, Check: "spf", Status: Pass, Reason: "SPF resolves in 3 lookups"},
			{Name: "_dmarc." + domain, Check: "dmarc", Status: Fail, Reason: "rua destination not authorised"},
		}
	}}
	rep, err := Run(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"mail.test"}, asked); diff != "" {
		t.Errorf("hook calls (-want +got):\n%s", diff)
	}
	spf := find(t, rep, "mail.test", KindEmail, "mail.test", "spf")
	dmarc := find(t, rep, "mail.test", KindEmail, "_dmarc.mail.test", "dmarc")
	if spf.Status != Pass || dmarc.Status != Fail || !rep.Failed() {
		t.Errorf("spf %s, dmarc %s, failed %v", spf.Status, dmarc.Status, rep.Failed())
	}
}

func TestRunStopsOnCancelledContext(t *testing.T) {
	ns := newDNSServer(t, "c.test")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Run(ctx, waitZone(t), Options{Resolver: ns.addr})
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("error = %v, want an interruption error", err)
	}
}

// TestNameServersFromNSRecords finds the zone's servers through its NS records (the
// "system" resolver here is a loopback server) and asks each one.
func TestNameServersFromNSRecords(t *testing.T) {
	var a, b *dnsServer
	for range 20 {
		s, err := startDNSServer(t, "127.0.0.1:0", "disc.test")
		if err != nil {
			continue
		}
		_, port, _ := net.SplitHostPort(s.addr)
		if b, err = startDNSServer(t, "127.0.0.2:"+port, "disc.test"); err == nil {
			a = s
			break
		}
	}
	if a == nil {
		t.Fatal("cannot listen on 127.0.0.1 and 127.0.0.2 with the same port")
	}
	_, port, _ := net.SplitHostPort(a.addr)
	a.set(t,
		"disc.test. 300 IN NS ns1.disc.test.",
		"disc.test. 300 IN NS NS2.disc.test.",
		"ns1.disc.test. 300 IN A 127.0.0.1",
		"ns2.disc.test. 300 IN A 127.0.0.2",
		"www.disc.test. 300 IN A 192.0.2.1",
	)
	b.set(t, "www.disc.test. 300 IN A 192.0.2.99")
	sys := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, a.addr)
	}}
	cfg := &schema.Config{Zones: []*schema.Zone{
		{Name: "disc.test", Records: []*schema.Record{rrset(t, "disc.test", "www", "A", false, 300, "192.0.2.1")}},
		{Name: "undelegated.test", Records: []*schema.Record{rrset(t, "undelegated.test", "www", "A", false, 300, "192.0.2.1")}},
	}}
	rep, err := Run(context.Background(), cfg, Options{systemResolver: sys, dnsPort: port, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		zone, name, check string
		status            Status
		reason            string
	}{
		{"disc.test", "disc.test", CheckNameservers, Pass,
			fmt.Sprintf("2 authoritative name servers: ns1.disc.test (127.0.0.1:%s), ns2.disc.test (127.0.0.2:%s)", port, port)},
		{"disc.test", "www.disc.test A", CheckRRSet, Fail,
			fmt.Sprintf("ns2.disc.test (127.0.0.2:%s): missing 192.0.2.1, unexpected 192.0.2.99", port)},
		{"undelegated.test", "undelegated.test", CheckNameservers, Fail, "looking up the NS records of undelegated.test"},
		{"undelegated.test", "www.undelegated.test A", CheckRRSet, Skip, "name servers are unknown"},
	}
	for _, tt := range tests {
		got := find(t, rep, tt.zone, KindDNS, tt.name, tt.check)
		if got.Status != tt.status || !strings.Contains(got.Reason, tt.reason) {
			t.Errorf("%s %s: got %s %q, want %s containing %q", tt.name, tt.check, got.Status, got.Reason, tt.status, tt.reason)
		}
	}
}

// TestCheckRRSetUnmanagedValues: beside the declared values, a zone that is not
// authoritative may hold values made by hand (an apex TXT verification string); they
// are noted, not failed. An authoritative zone fails them.
func TestCheckRRSetUnmanagedValues(t *testing.T) {
	srv := newDNSServer(t, "extra.test")
	srv.set(t, `extra.test. 300 IN TXT "v=spf1 -all"`, `extra.test. 300 IN TXT "google-site-verification=by-hand"`)
	r, err := newRunner(Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	set := rrset(t, "extra.test", "@", "TXT", false, 0, "v=spf1 -all").RRSet
	nss := []nameserver{{Name: "ns1.extra.test", Addr: srv.addr}}
	for _, tc := range []struct {
		authoritative bool
		status        Status
		reason        string
	}{
		{false, Pass, `beside google-site-verification=by-hand not managed by launchready`},
		{true, Fail, `unexpected google-site-verification=by-hand`},
	} {
		res := r.checkRRSetIn(context.Background(), "extra.test", tc.authoritative, nss, nil, set)
		if res.Status != tc.status || !strings.Contains(res.Reason, tc.reason) {
			t.Errorf("authoritative=%v: %s %q, want %s containing %q", tc.authoritative, res.Status, res.Reason, tc.status, tc.reason)
		}
	}
	// A declared value missing still fails, whatever else is there.
	missing := rrset(t, "extra.test", "@", "TXT", false, 0, "v=spf1 include:gone.test -all").RRSet
	if res := r.checkRRSetIn(context.Background(), "extra.test", false, nss, nil, missing); res.Status != Fail {
		t.Errorf("missing value: %s %q, want fail", res.Status, res.Reason)
	}
}

// TestZoneServers: a zone with its own server (an RFC 2136 zone) is checked on that
// server and its names resolve there, whatever the resolver for the rest.
func TestZoneServers(t *testing.T) {
	own := newDNSServer(t, "corp.test")
	own.set(t, "app.corp.test. 300 IN A 127.0.0.40")
	r, err := newRunner(Options{Resolver: "127.0.0.1:1", ZoneServers: map[string]string{"corp.test": own.addr}, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	nss, err := r.nameservers(context.Background(), "corp.test")
	if err != nil || len(nss) != 1 || nss[0].Addr != own.addr {
		t.Fatalf("nameservers of corp.test = %v, %v; want only %s", nss, err, own.addr)
	}
	if nss, _ := r.nameservers(context.Background(), "other.test"); len(nss) != 1 || nss[0].Addr != "127.0.0.1:1" {
		t.Errorf("another zone must use the resolver: %v", nss)
	}
	set := rrset(t, "corp.test", "app", "A", false, 300, "127.0.0.40").RRSet
	if res := r.checkRRSet(context.Background(), "corp.test", nss, nil, set); res.Status != Pass {
		t.Errorf("app.corp.test A on the zone's server: %s %q", res.Status, res.Reason)
	}
	for host, want := range map[string]string{"app.corp.test": own.addr, "corp.test.": own.addr, "x.notcorp.test": "127.0.0.1:1"} {
		if got := r.dialer.serverFor(host); got != want {
			t.Errorf("serverFor(%s) = %s, want %s", host, got, want)
		}
	}
	addrs, err := r.dialer.lookup(context.Background(), "app.corp.test")
	if err != nil || len(addrs) != 1 || addrs[0].String() != "127.0.0.40" {
		t.Errorf("app.corp.test resolved through its zone's server: %v, %v", addrs, err)
	}
}

// TestCheckNothingAnswers: when no request gets an answer, the errors check fails and
// latency is not judged on the timings of refused connections.
func TestCheckNothingAnswers(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	r, err := newRunner(Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c := &schema.Check{Name: "down", URL: "http://" + addr + "/", Method: "GET", ExpectStatus: 200, Requests: 3, Concurrency: 1, P95Ms: 300, MaxErrorRate: 0.01}
	got := map[string]Status{}
	for _, res := range r.runCheck(context.Background(), "x.test", c) {
		got[res.Check] = res.Status
		if res.Check == CheckLatency && !strings.Contains(res.Reason, "none of the 3 requests got an answer") {
			t.Errorf("latency reason %q", res.Reason)
		}
	}
	if got[CheckErrors] != Fail || got[CheckLatency] != Skip {
		t.Errorf("errors %s, latency %s; want fail and skip", got[CheckErrors], got[CheckLatency])
	}
}
