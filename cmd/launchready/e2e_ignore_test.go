package main

import (
	"strings"
	"testing"
)

// Issue 16: ignore entries narrowed by type and value, through the CLI and the
// simulator.
func TestIgnoreEntriesEndToEnd(t *testing.T) {
	t.Parallel()
	cfg := `zone "example.com" {
  authoritative = true
  ignore = [
    "_acme-challenge*",
    { name = "home", types = ["A", "AAAA"] },
    { name = "@", types = ["TXT"], value = "google-site-verification=*" },
  ]
  record "@" "TXT" { value = "v=spf1 -all" }
  record "www" "A" { value = "192.0.2.10" }
}
`
	w := newWorkspace(t, cfg, "example.com")
	zid := w.api.zoneID("example.com")
	// Records other systems write: a dynamic DNS address, a site verification next to
	// the declared SPF, an ACME challenge; and one nothing covers.
	w.api.createRecord(zid, map[string]any{"type": "A", "name": "home", "content": "198.51.100.4", "ttl": 60})
	w.api.createRecord(zid, map[string]any{"type": "TXT", "name": "@", "content": "google-site-verification=abc", "ttl": 1})
	w.api.createRecord(zid, map[string]any{"type": "TXT", "name": "_acme-challenge", "content": "token-1", "ttl": 60})
	w.api.createRecord(zid, map[string]any{"type": "MX", "name": "home", "content": "mx.example.net", "priority": 10, "ttl": 1})

	w.mustRun(0, "validate")
	r := w.mustRun(2, "plan", "--detailed-exitcode")
	for _, want := range []string{"3 of them ignored", `home.example.com A 198.51.100.4`, "google-site-verification=abc", "_acme-challenge.example.com TXT"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan does not list %q as ignored:\n%s", want, r.stdout)
		}
	}
	keys := w.planJSON().changeKeys()
	if !contains(keys, "delete record home.example.com MX") {
		t.Errorf("the authoritative zone keeps home MX, which no entry covers: %v", keys)
	}
	for _, k := range keys {
		if strings.Contains(k, "home.example.com A") || strings.Contains(k, "_acme") {
			t.Errorf("plan touches an ignored record: %s", k)
		}
	}
	w.converge()
	// The dynamic address changes outside launchready: still nothing to do.
	home := w.api.findRecord(zid, "home.example.com", "A")
	w.api.patchRecord(zid, home.ID, map[string]any{"content": "198.51.100.5"})
	w.mustRun(0, "plan", "--detailed-exitcode")
	var txt []string
	for _, rec := range w.api.records(zid) {
		if rec.Name == "example.com" && rec.Type == "TXT" {
			txt = append(txt, rec.Content)
		}
	}
	if len(txt) != 2 {
		t.Errorf("apex TXT after apply: %v, want the SPF and the site verification", txt)
	}

	// A declared set an entry covers entirely is a validation error at the block.
	w.write("launch.hcl", `zone "example.com" {
  ignore = [{ name = "home", types = ["A"] }]
  record "home" "A" { value = "192.0.2.1" }
}
`)
	r = w.mustRun(1, "validate")
	if !strings.Contains(r.stderr, "launch.hcl:3:3") || !strings.Contains(r.stderr, "both declared and ignored") {
		t.Errorf("validate does not refuse the ignored set at launch.hcl:3:3:\n%s", r.stderr)
	}
}
