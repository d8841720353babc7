package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

// TestSimConformanceIsLive: the simulator every end-to-end test runs validates its
// API traffic against the Cloudflare schema and records what does not conform, naming
// method, path and what failed; a request marked malformed on purpose is exempt, its
// answer still checked; the simulator's own /__sim/ endpoints are not checked.
// (startSim fails a test for any such record; this one reads them instead.)
func TestSimConformanceIsLive(t *testing.T) {
	if conformanceSchema == "" {
		t.Skip("Cloudflare schema not found: the simulator's traffic is not validated")
	}
	base := startSimUnchecked(t, "--no-edge", "--token", "conf-token", "--zone", "example.com")
	api := &simAPI{t: t, base: base, token: "conf-token", client: &http.Client{Timeout: 30 * time.Second}}
	zid := api.zoneID("example.com")
	send := func(method, path, body string, header http.Header) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header = header
		req.Header.Set("Authorization", "Bearer conf-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	bad := `{"type":"A","name":"a.example.com","content":"192.0.2.1","ttl":5}`
	send(http.MethodPost, "/zones/"+zid+"/dns_records", bad, http.Header{})
	send(http.MethodPost, "/zones/"+zid+"/dns_records", bad, http.Header{conformance.InvalidRequestHeader: {"TTL 5 on purpose"}})
	send(http.MethodGet, "/zones/"+zid+"/nothing", "", http.Header{})
	simStats(t, base)

	rep, err := simConformance(base)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Failures {
		got = append(got, f.Method+" "+strings.Replace(f.Path, zid, "{zone_id}", 1)+": "+f.What)
	}
	want := []string{
		"POST /client/v4/zones/{zone_id}/dns_records: request",
		"GET /client/v4/zones/{zone_id}/nothing: no operation in the schema",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("failures recorded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !rep.Enabled || rep.Checked != 4 {
		t.Errorf("enabled %v, %d exchanges checked; want 4 (zone lookup and three sent)", rep.Enabled, rep.Checked)
	}
}
