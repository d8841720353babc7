package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The first run on a real Cloudflare account: a token scoped to what the docs
// recommend, a Free zone's limits, records Cloudflare owns. The simulator plays the
// account (--token-permissions, --plan, --record-quota, --email-routing).

const recordsOnlyConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" { value = "203.0.113.10" }
  record "www" "CNAME" { value = "example.com" }
}
`

const withRedirectConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" { value = "203.0.113.10" }
  redirect "www-to-apex" {
    from = "https://www.example.com/*"
    to   = "https://example.com/$${1}"
  }
}
`

// A records-only launch.hcl plans and applies with a token holding only Zone:Read
// and DNS:Edit: the rule phases it does not declare are not needed.
func TestDNSOnlyTokenRecordsOnly(t *testing.T) {
	t.Parallel()
	w := newWorkspaceWith(t, []string{"--token-permissions", "Zone:Read,DNS:Edit", "--no-edge"}, recordsOnlyConfig, "example.com")
	w.converge()
	// Not even tried: a records-only zone sends no ruleset or settings request.
	for k, n := range simStats(t, w.base) {
		if strings.Contains(k, "rulesets") || strings.Contains(k, "settings") {
			t.Errorf("a records-only plan and apply sent %d × %s", n, k)
		}
	}
	lz := w.api.liveZone("example.com")
	var names []string
	for _, r := range lz.Records {
		names = append(names, r.Name+" "+r.Type)
	}
	got := strings.Join(names, ", ")
	if !strings.Contains(got, "example.com A") || !strings.Contains(got, "www.example.com CNAME") {
		t.Errorf("records after apply: %s", got)
	}
}

// The same token with a redirect declared: one clear error naming the permission
// group and the zone, exit 1, nothing written.
func TestDNSOnlyTokenWithRedirect(t *testing.T) {
	t.Parallel()
	w := newWorkspaceWith(t, []string{"--token-permissions", "Zone:Read,DNS:Edit", "--no-edge"}, withRedirectConfig, "example.com")
	before := w.api.liveZone("example.com")
	for _, args := range [][]string{{"plan"}, {"apply", "--auto-approve", "--no-verify"}} {
		r := w.mustRun(1, args...)
		for _, want := range []string{"zone example.com", "Single Redirect:Edit", "nothing was changed"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("launchready %s: stderr lacks %q:\n%s", args[0], want, r.stderr)
			}
		}
		if strings.Contains(r.stderr, "HTTP 403") && strings.Count(r.stderr, "Single Redirect:Edit") > 2 {
			t.Errorf("launchready %s: the error repeats itself:\n%s", args[0], r.stderr)
		}
	}
	after := w.api.liveZone("example.com")
	if len(after.Records) != len(before.Records) || after.Serial != before.Serial {
		t.Errorf("records changed: %d records (serial %d) before, %d (serial %d) after", len(before.Records), before.Serial, len(after.Records), after.Serial)
	}
}

// A Free zone whose plan would pass 200 records is refused at plan time, with the
// figure, where launch.hcl asks for it, before anything is written; so is a cache
// rule whose edge TTL is below the Free plan's minimum.
func TestFreePlanLimitsAtPlanTime(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("zone \"example.com\" {\n  provider = \"cloudflare\"\n")
	for i := range 201 {
		fmt.Fprintf(&b, "  record \"h%03d\" \"A\" { value = \"198.51.100.%d\" }\n", i, i%250+1)
	}
	b.WriteString("}\n")
	w := newWorkspaceWith(t, []string{"--no-edge"}, b.String(), "example.com")
	before := w.api.liveZone("example.com")
	for _, args := range [][]string{{"plan"}, {"apply", "--auto-approve", "--no-verify"}} {
		r := w.mustRun(1, args...)
		// 201 records (ownership marks live in their comments and cost no record) and
		// the lock's generation.
		for _, want := range []string{"launch.hcl:1:1: zone example.com", "would hold 202 DNS records after this plan (0 now, one of the new ones the apply lock's generation, which stays)", "Free Website plan allows 200", "nothing was changed"} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("launchready %s: stderr lacks %q:\n%s", args[0], want, r.stderr)
			}
		}
	}
	if after := w.api.liveZone("example.com"); after.Serial != before.Serial {
		t.Errorf("the zone changed (serial %d -> %d)", before.Serial, after.Serial)
	}
	// With the quota of a zone Cloudflare raised, the same plan goes through.
	r := w.run([]string{"LAUNCHREADY_CLOUDFLARE_RECORD_QUOTA=1000"}, "plan")
	if r.code != 0 {
		t.Errorf("plan with a raised quota: exit %d\n%s", r.code, r.stderr)
	}

	w.write("launch.hcl", `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" { value = "203.0.113.10" }

  cache "assets" {
    hosts       = ["example.com"]
    path_prefix = "/assets/"
    edge_ttl    = "1h"
  }
}
`)
	r = w.mustRun(1, "plan")
	for _, want := range []string{"launch.hcl:6:3: zone example.com", "edge_ttl to 3600 seconds", "minimum is 7200 seconds"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("plan with a 1h edge TTL: stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// An authoritative zone with Email Routing on: Email Routing's records are shown as
// managed by Cloudflare and never deleted; plan, apply, plan again with no changes.
// A declared MX at the apex collides with them and is refused.
func TestEmailRoutingAuthoritativeZone(t *testing.T) {
	t.Parallel()
	w := newWorkspaceWith(t, []string{"--email-routing", "example.com", "--no-edge"}, `zone "example.com" {
  provider      = "cloudflare"
  authoritative = true

  record "@" "A" { value = "203.0.113.10" }
  record "@" "TXT" { value = "google-site-verification=abc123" }
}
`, "example.com")
	r := w.mustRun(0, "plan")
	for _, want := range []string{"5 records managed by Cloudflare (Email Routing), read-only, left alone", "route1.mx.cloudflare.net", "cf2024-1._domainkey.example.com"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "- ") && strings.Contains(r.stdout, "delete") {
		t.Errorf("plan deletes something:\n%s", r.stdout)
	}
	w.converge()
	n := 0
	for _, rec := range w.api.liveZone("example.com").Records {
		if rec.ReadOnly == "Email Routing" {
			n++
		}
	}
	if n != 5 {
		t.Errorf("Email Routing records after apply: %d, want 5", n)
	}

	w.write("launch.hcl", `zone "example.com" {
  provider = "cloudflare"

  record "@" "MX" { values = ["10 mx.example.net"] }
}
`)
	r = w.mustRun(1, "plan")
	for _, want := range []string{"launch.hcl:4:3: zone example.com: @ MX collides with example.com MX", "Email Routing manages"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("plan with a colliding MX lacks %q:\n%s", want, r.stderr)
		}
	}
}

// doctor, read-only, on the Zone:Read,DNS:Edit token: a records-only launch.hcl has
// everything (exit 0); with a redirect declared, Single Redirect:Edit is missing
// (exit 1). It shows the zone's plan and the headroom, and writes nothing.
func TestDoctor(t *testing.T) {
	t.Parallel()
	w := newWorkspaceWith(t, []string{"--token-permissions", "Zone:Read,DNS:Edit", "--no-edge"}, recordsOnlyConfig, "example.com")
	before := simStats(t, w.base)
	r := w.mustRun(0, "doctor")
	for _, want := range []string{"Cloudflare API token: valid and active", "zone example.com: Cloudflare Free Website",
		"Zone:Read", "DNS:Edit               present", "DNS records: 0 now, 2 after this plan; quota 200", "Everything launch.hcl needs"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor lacks %q:\n%s", want, r.stdout)
		}
	}
	w.write("launch.hcl", withRedirectConfig)
	r = w.mustRun(1, "doctor")
	for _, want := range []string{"Single Redirect:Edit   missing  <- add it to the token (for redirect blocks)", "Single Redirect:Edit"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("doctor with a redirect lacks %q:\n%s", want, r.stdout)
		}
	}
	for k, n := range statsDelta(before, simStats(t, w.base)) {
		if !strings.HasPrefix(k, "GET ") && n > 0 {
			t.Errorf("doctor sent %d %s requests", n, k)
		}
	}
}

// Retry-After is honoured up to --max-retry-wait (default 60 s) with a visible wait
// message; past the cap the command stops at once with the time to retry.
func TestRetryAfterCap(t *testing.T) {
	t.Parallel()
	w := newWorkspaceWith(t, []string{"--no-edge"}, recordsOnlyConfig, "example.com")
	fault := func(f string) { simAdmin(t, w.base, http.MethodPost, "faults", f) }
	fault(`{"method":"GET","path_prefix":"/client/v4/zones","status":429,"retry_after":120,"count":1}`)
	start := time.Now()
	r := w.mustRun(1, "plan")
	if !strings.Contains(r.stderr, "Cloudflare asked to wait 120s before retrying, longer than the 1m0s launchready waits (--max-retry-wait): run the command again after ") {
		t.Errorf("plan past the cap:\n%s", r.stderr)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("plan waited %s past the cap", d)
	}
	fault(`{"method":"GET","path_prefix":"/client/v4/zones","status":429,"retry_after":2,"count":1}`)
	r = w.mustRun(0, "plan", "--max-retry-wait", "5s")
	if !strings.Contains(r.stderr, "Cloudflare API answered 429: waiting 2s before retrying (Retry-After; at most 5s is waited, see --max-retry-wait)") {
		t.Errorf("no visible wait message:\n%s", r.stderr)
	}
	fault(`{"method":"GET","path_prefix":"/client/v4/zones","status":429,"retry_after":2,"count":1}`)
	r = w.mustRun(1, "plan", "--max-retry-wait", "1s")
	if !strings.Contains(r.stderr, "longer than the 1s launchready waits") {
		t.Errorf("plan with --max-retry-wait 1s:\n%s", r.stderr)
	}
}
