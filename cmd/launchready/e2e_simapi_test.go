package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// This file holds what the end-to-end tests need besides the CLI itself: a small
// client for the simulator's API (used to make out-of-band edits the way a person in
// the Cloudflare dashboard would) and a workspace that ties a simulator process, a
// directory and the CLI's environment together.

// workspace is one end-to-end scenario: a simulator in its own process, a working
// directory holding launch.hcl, and the environment the CLI runs with.
type workspace struct {
	t     *testing.T
	dir   string
	base  string // simulator API base URL (…/client/v4)
	token string
	env   []string
	api   *simAPI
}

// newWorkspace starts `launchready sim` serving zones and returns a workspace whose
// launch.hcl is config ("" = none written yet).
func newWorkspace(t *testing.T, config string, zones ...string) *workspace {
	t.Helper()
	return newWorkspaceWith(t, nil, config, zones...)
}

// newWorkspaceWith is newWorkspace with extra `launchready sim` flags (--plan…).
func newWorkspaceWith(t *testing.T, simArgs []string, config string, zones ...string) *workspace {
	t.Helper()
	token := "e2e-token-" + strings.ReplaceAll(t.Name(), "/", "-")
	args := append([]string{"--token", token}, simArgs...)
	for _, z := range zones {
		args = append(args, "--zone", z)
	}
	base := startSim(t, args...)
	w := &workspace{
		t:     t,
		dir:   t.TempDir(),
		base:  base,
		token: token,
		env:   []string{"CLOUDFLARE_BASE_URL=" + base, "CLOUDFLARE_API_TOKEN=" + token},
		api:   &simAPI{t: t, base: base, token: token, client: &http.Client{Timeout: 30 * time.Second}},
	}
	if config != "" {
		w.write("launch.hcl", config)
	}
	return w
}

// write writes a file into the workspace directory.
func (w *workspace) write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o644); err != nil {
		w.t.Fatal(err)
	}
}

// read returns a workspace file's content.
func (w *workspace) read(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// run runs the CLI in the workspace with its environment plus extra.
func (w *workspace) run(extra []string, args ...string) result {
	w.t.Helper()
	return runCLI(w.t, w.dir, append(append([]string{}, w.env...), extra...), args...)
}

// mustRun runs the CLI and fails the test unless it exits with want.
func (w *workspace) mustRun(want int, args ...string) result {
	w.t.Helper()
	r := w.run(nil, args...)
	if r.code != want {
		w.t.Fatalf("launchready %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// converge applies launch.hcl and checks that a plan afterwards has no changes.
func (w *workspace) converge(args ...string) {
	w.t.Helper()
	w.mustRun(0, append([]string{"apply", "--auto-approve", "--no-verify"}, args...)...)
	w.mustRun(0, append([]string{"plan", "--detailed-exitcode"}, args...)...)
}

// simAPI talks to the simulator's Cloudflare API directly, as another tool or a
// person in the dashboard would.
type simAPI struct {
	t      *testing.T
	base   string
	token  string
	client *http.Client
}

// call sends one API request and decodes the envelope's result into out (when not
// nil). Any failure (transport, non-2xx, success=false) fails the test.
func (a *simAPI) call(method, path string, body, out any) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	var env struct {
		Success bool            `json:"success"`
		Errors  json.RawMessage `json:"errors"`
		Result  json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil || resp.StatusCode/100 != 2 || !env.Success {
		a.t.Fatalf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			a.t.Fatalf("%s %s: decoding result: %v\n%s", method, path, err, env.Result)
		}
	}
}

// zoneID looks a zone's id up by name.
func (a *simAPI) zoneID(name string) string {
	a.t.Helper()
	var zs []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	}
	a.call(http.MethodGet, "/zones?name="+name, nil, &zs)
	for _, z := range zs {
		if z.Name == name {
			return z.ID
		}
	}
	a.t.Fatalf("zone %s not found in the simulator", name)
	return ""
}

// apiRecord is a DNS record as the API returns it (the fields the tests use).
type apiRecord struct {
	ID       string         `json:"id"`
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	Content  string         `json:"content"`
	TTL      int            `json:"ttl"`
	Proxied  bool           `json:"proxied"`
	Priority *int           `json:"priority,omitempty"`
	Data     map[string]any `json:"data,omitempty"`
	Comment  string         `json:"comment,omitempty"`
}

// heldLock reports whether r is a zone's apply lock: a record at the lock name other
// than the lock's generation, which stays in the zone between applies.
func heldLock(r apiRecord) bool {
	return ownership.IsLockName(r.Name) && !lockGeneration(r)
}

// lockGeneration reports whether r is a zone's lock generation (ownership/lock.go).
func lockGeneration(r apiRecord) bool {
	return ownership.IsLockName(r.Name) && model.UnquoteTXT(r.Content) == ownership.GenerationContent
}

// records lists every record of a zone.
func (a *simAPI) records(zoneID string) []apiRecord {
	a.t.Helper()
	var rs []apiRecord
	a.call(http.MethodGet, "/zones/"+zoneID+"/dns_records?per_page=5000", nil, &rs)
	return rs
}

// findRecord returns the one record with name and type, failing when there is not
// exactly one.
func (a *simAPI) findRecord(zoneID, name, typ string) apiRecord {
	a.t.Helper()
	var found []apiRecord
	for _, r := range a.records(zoneID) {
		if r.Name == name && r.Type == typ {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		a.t.Fatalf("want exactly one %s %s record, found %d: %+v", name, typ, len(found), found)
	}
	return found[0]
}

// createRecord creates one record; rec is the API's request body.
func (a *simAPI) createRecord(zoneID string, rec map[string]any) {
	a.t.Helper()
	a.call(http.MethodPost, "/zones/"+zoneID+"/dns_records", rec, nil)
}

// patchRecord edits a record in place.
func (a *simAPI) patchRecord(zoneID, id string, fields map[string]any) {
	a.t.Helper()
	a.call(http.MethodPatch, "/zones/"+zoneID+"/dns_records/"+id, fields, nil)
}

// deleteRecord deletes a record.
func (a *simAPI) deleteRecord(zoneID, id string) {
	a.t.Helper()
	a.call(http.MethodDelete, "/zones/"+zoneID+"/dns_records/"+id, nil, nil)
}

// batchCreate creates records through the batch endpoint, 200 (the Free plan's
// limit) per request.
func (a *simAPI) batchCreate(zoneID string, recs []map[string]any) {
	a.t.Helper()
	for len(recs) > 0 {
		n := min(200, len(recs))
		a.call(http.MethodPost, "/zones/"+zoneID+"/dns_records/batch", map[string]any{"posts": recs[:n]}, nil)
		recs = recs[n:]
	}
}

// apiRule is an entrypoint rule as the API returns it. Every field the API sends is
// kept, so a rule can be PUT back unchanged.
type apiRule map[string]any

func (r apiRule) str(k string) string { s, _ := r[k].(string); return s }

// entrypoint returns a phase's entrypoint rules (none when never configured).
func (a *simAPI) entrypoint(zoneID, phase string) []apiRule {
	a.t.Helper()
	req, err := http.NewRequest(http.MethodGet, a.base+"/zones/"+zoneID+"/rulesets/phases/"+phase+"/entrypoint", nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil
	}
	var rs struct {
		Rules []apiRule `json:"rules"`
	}
	a.call(http.MethodGet, "/zones/"+zoneID+"/rulesets/phases/"+phase+"/entrypoint", nil, &rs)
	return rs.Rules
}

// putEntrypoint replaces a phase's rule list. Read-only fields are dropped so the
// rules can come straight from entrypoint.
func (a *simAPI) putEntrypoint(zoneID, phase string, rules []apiRule) {
	a.t.Helper()
	var body []map[string]any
	for _, r := range rules {
		m := map[string]any{}
		for k, v := range r {
			if k == "version" || k == "last_updated" {
				continue
			}
			m[k] = v
		}
		body = append(body, m)
	}
	a.call(http.MethodPut, "/zones/"+zoneID+"/rulesets/phases/"+phase+"/entrypoint", map[string]any{"rules": body}, nil)
}

// setting returns a zone setting's value as JSON (a string for switches, an object
// for security_header).
func (a *simAPI) setting(zoneID, id string) string {
	a.t.Helper()
	var s struct {
		Value json.RawMessage `json:"value"`
	}
	a.call(http.MethodGet, "/zones/"+zoneID+"/settings/"+id, nil, &s)
	return string(s.Value)
}

// patchSetting changes a zone setting.
func (a *simAPI) patchSetting(zoneID, id string, value any) {
	a.t.Helper()
	a.call(http.MethodPatch, "/zones/"+zoneID+"/settings/"+id, map[string]any{"value": value}, nil)
}

// liveZone returns the simulator's whole view of a zone (records, every setting,
// rules) from its /__sim/zones endpoint, which is not counted as an API request.
func (a *simAPI) liveZone(name string) *model.LiveZone {
	a.t.Helper()
	raw := simAdmin(a.t, a.base, http.MethodGet, "zones/"+name, "")
	var lz model.LiveZone
	if err := json.Unmarshal(raw, &lz); err != nil {
		a.t.Fatal(err)
	}
	return &lz
}

// statsDelta returns the per-endpoint request counts served between two simStats
// snapshots, without zero entries.
func statsDelta(before, after map[string]int) map[string]int {
	out := map[string]int{}
	for k, v := range after {
		if d := v - before[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// handRule returns the hand-made rules of a rule list (no launchready ref), as the
// comparable content the tests check: everything but the server's timestamps.
func handRules(rules []apiRule) []apiRule {
	var out []apiRule
	for _, r := range rules {
		if strings.HasPrefix(r.str("ref"), model.RefPrefix) {
			continue
		}
		c := apiRule{}
		for k, v := range r {
			if k != "last_updated" {
				c[k] = v
			}
		}
		out = append(out, c)
	}
	return out
}

// refs lists each rule's ref, or "hand:<description>" for hand-made rules, in order.
func refs(rules []apiRule) []string {
	var out []string
	for _, r := range rules {
		if ref := r.str("ref"); strings.HasPrefix(ref, model.RefPrefix) {
			out = append(out, ref)
		} else {
			out = append(out, "hand:"+r.str("description"))
		}
	}
	return out
}

// ruleByRef returns the rule with the given ref.
func ruleByRef(t *testing.T, rules []apiRule, ref string) apiRule {
	t.Helper()
	for _, r := range rules {
		if r.str("ref") == ref {
			return r
		}
	}
	t.Fatalf("no rule with ref %q in %v", ref, refs(rules))
	return nil
}

// jsonString renders v compactly, for messages and comparisons of raw parameters.
func jsonString(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// zoneState is everything the simulator holds for a zone, for before/after
// comparisons: the model view (records, every setting) and both phases' rules
// exactly as the API returns them (action parameters verbatim, ids, versions).
type zoneState struct {
	Live      *model.LiveZone
	Redirects []apiRule
	Caches    []apiRule
}

// state reads a zone's whole state from the simulator.
func (w *workspace) state(zone string) zoneState {
	w.t.Helper()
	id := w.api.zoneID(zone)
	return zoneState{
		Live:      w.api.liveZone(zone),
		Redirects: w.api.entrypoint(id, model.PhaseRedirect),
		Caches:    w.api.entrypoint(id, model.PhaseCache),
	}
}

// ownedRules returns launchready's rules of a list as what they do and whose they
// are (ref, description, expression, action, parameters, enabled), in order, without
// ids, versions and times.
func ownedRules(rules []apiRule) []string {
	var out []string
	for _, r := range rules {
		if !strings.HasPrefix(r.str("ref"), model.RefPrefix) {
			continue
		}
		out = append(out, jsonString(map[string]any{
			"ref": r["ref"], "description": r["description"], "expression": r["expression"],
			"action": r["action"], "action_parameters": r["action_parameters"], "enabled": r["enabled"],
		}))
	}
	return out
}
