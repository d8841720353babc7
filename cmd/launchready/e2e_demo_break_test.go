package main

import (
	"strings"
	"testing"
)

// Issue 14: `launchready demo --break FAULT` seeds one fault and verify catches it.

// demoBreakCases are the faults and a FAIL line each must produce: check name,
// subject and a piece of the reason.
var demoBreakCases = []struct {
	fault, check, subject, reason string
}{
	{"redirect-loop", "redirect", "www-to-apex", "redirect loop"},
	{"redirect-chain", "redirect", "www-to-apex", "2 redirects instead of one"},
	{"expired-cert", "certificate", "app.example.com", "outside its validity period"},
	{"wrong-name-cert", "certificate", "example.com", "does not cover example.com: it is valid for edge.hosting.net"},
	{"slow-api", "latency", "dashboard", "too slow: p95"},
	{"error-rate", "errors", "dashboard", "status 500"},
	{"cached-auth", "never_cached", "dashboard", "came from a cache"},
	{"mixed-content", "mixed_content", "dashboard", "http://example.com/assets/site.css"},
	{"origin-exposed", "proxied", "app.example.com", "origin exposed"},
	{"spf-too-many-lookups", "spf", "example.com", "12 DNS lookups"},
	{"missing-dmarc", "dmarc", "example.com", "no DMARC record published"},
}

func TestDemoBreak(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), nil, "demo", "--break", "list")
	if r.code != 0 {
		t.Fatalf("demo --break list: exit %d\n%s", r.code, r.stderr)
	}
	for _, c := range demoBreakCases {
		if !strings.Contains(r.stdout, "  "+c.fault+" ") {
			t.Errorf("demo --break list lacks %s:\n%s", c.fault, r.stdout)
		}
	}
	if r := runCLI(t, t.TempDir(), nil, "demo", "--break", "no-such-fault"); r.code != 1 || !strings.Contains(r.stderr, "--break list") {
		t.Errorf("demo --break no-such-fault: exit %d, stderr %q; want 1 pointing at --break list", r.code, r.stderr)
	}
	for _, c := range demoBreakCases {
		t.Run(c.fault, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), nil, "demo", "--break", c.fault)
			if r.code != 4 {
				t.Fatalf("demo --break %s: exit %d, want 4\n%s%s", c.fault, r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, `verify caught the seeded fault "`+c.fault+`"`) {
				t.Errorf("demo --break %s does not end with verify catching it:\n%s", c.fault, r.stdout)
			}
			if l := failLine(r.stdout, c.check, c.subject); !strings.Contains(l, c.reason) {
				t.Errorf("demo --break %s: %s %s is %q, want FAIL with %q\n%s", c.fault, c.check, c.subject, l, c.reason, r.stdout)
			}
			// The story before the fault ran as usual.
			for _, want := range []string{"$ launchready validate", "$ launchready plan --detailed-exitcode", "$ launchready apply --auto-approve --no-verify", "$ launchready verify"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("demo --break %s lacks step %q", c.fault, want)
				}
			}
		})
	}
}

// failLine returns the first verify line "FAIL  check  subject  reason", or "".
func failLine(out, check, subject string) string {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == "FAIL" && f[1] == check && f[2] == subject {
			return strings.TrimSpace(l)
		}
	}
	return ""
}
