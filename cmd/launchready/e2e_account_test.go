package main

import (
	"strings"
	"testing"
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
