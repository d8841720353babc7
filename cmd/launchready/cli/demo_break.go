package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/launchready/launchready/providers/cloudflare/sim/edge"
	"github.com/launchready/launchready/providers/cloudflare/sim/origin"
)

// demoFault is one launch fault `launchready demo --break` can seed. world adjusts
// the simulated world before it starts; after breaks it once the demo config is
// applied, just before verify runs.
type demoFault struct {
	name  string
	what  string // what happens, as the demo tells it
	world func(*simWorldOptions)
	after func(ctx context.Context, w *simWorld) error
}

// demoFaults are the faults, in the order --break list shows them.
var demoFaults = []*demoFault{
	{name: "redirect-loop", what: "someone adds a dashboard redirect from example.com back to www.example.com",
		after: func(ctx context.Context, w *simWorld) error {
			return demoAddRule(ctx, w.base, "http_request_dynamic_redirect", map[string]any{
				"action": "redirect", "expression": `(http.host eq "example.com")`, "description": "apex to www (made by hand)", "enabled": true,
				"action_parameters": map[string]any{"from_value": map[string]any{"status_code": 301, "preserve_query_string": true,
					"target_url": map[string]any{"expression": `concat("https://www.example.com", http.request.uri.path)`}}},
			})
		}},
	{name: "redirect-chain", what: "someone moves the site under /en/ with a dashboard redirect, so www.example.com takes two hops",
		after: func(ctx context.Context, w *simWorld) error {
			return demoAddRule(ctx, w.base, "http_request_dynamic_redirect", map[string]any{
				"action": "redirect", "expression": `(http.host eq "example.com" and not starts_with(http.request.uri.path, "/en/"))`, "description": "site moved to /en/ (made by hand)", "enabled": true,
				"action_parameters": map[string]any{"from_value": map[string]any{"status_code": 301, "preserve_query_string": true,
					"target_url": map[string]any{"expression": `concat("https://example.com/en", http.request.uri.path)`}}},
			})
		}},
	{name: "expired-cert", what: "the edge certificates expired yesterday",
		world: func(o *simWorldOptions) {
			skew := edge.DefaultCertValidity + 24*time.Hour
			o.edgeNow = func() time.Time { return time.Now().Add(-skew) }
		}},
	{name: "wrong-name-cert", what: "the edge presents a certificate issued for another name (edge.hosting.net)",
		world: func(o *simWorldOptions) {
			o.edgeCertName = func(string) string { return "edge.hosting.net" }
		}},
	{name: "slow-api", what: "the dashboard's backend slows down to 500 ms a request (p95 budget 300 ms)",
		after: func(_ context.Context, w *simWorld) error {
			w.origin.SetFaults(origin.Faults{Delay: 500 * time.Millisecond})
			return nil
		}},
	{name: "error-rate", what: "the dashboard's backend answers every 4th request with a 500 (budget 1 %)",
		after: func(_ context.Context, w *simWorld) error {
			w.origin.SetFaults(origin.Faults{ErrorEvery: 4})
			return nil
		}},
	{name: "cached-auth", what: "someone adds a dashboard cache rule that caches app.example.com for two hours, personal pages included",
		after: func(ctx context.Context, w *simWorld) error {
			return demoAddRule(ctx, w.base, "http_request_cache_settings", map[string]any{
				"action": "set_cache_settings", "expression": `(http.host eq "app.example.com")`, "description": "speed up the app (made by hand)", "enabled": true,
				"action_parameters": map[string]any{"cache": true, "edge_ttl": map[string]any{"mode": "override_origin", "default": 7200}},
			})
		}},
	{name: "mixed-content", what: "a deploy makes the dashboard load its stylesheet over http://",
		after: func(_ context.Context, w *simWorld) error {
			w.origin.SetFaults(origin.Faults{MixedContent: true})
			return nil
		}},
	{name: "origin-exposed", what: "someone turns off the proxy of app.example.com in the dashboard, exposing the origin",
		after: func(ctx context.Context, w *simWorld) error { return demoHandEdit(ctx, w.base) }},
	{name: "spf-too-many-lookups", what: "the mail provider's SPF record (_spf.mailhost.net) grows to 11 includes: more than 10 DNS lookups",
		after: demoSPFTooManyLookups},
	{name: "missing-dmarc", what: "someone deletes the _dmarc.example.com TXT record in the dashboard",
		after: func(ctx context.Context, w *simWorld) error {
			zone, err := demoZoneID(ctx, w.base, "example.com")
			if err != nil {
				return err
			}
			id, err := demoRecordID(ctx, w.base, zone, "_dmarc.example.com", "TXT")
			if err != nil {
				return err
			}
			_, err = demoAPI(ctx, w.base, http.MethodDelete, "/zones/"+zone+"/dns_records/"+id, nil)
			return err
		}},
}

func findDemoFault(name string) *demoFault {
	for _, f := range demoFaults {
		if f.name == name {
			return f
		}
	}
	return nil
}

func listDemoFaults(w io.Writer) {
	fmt.Fprintln(w, "Faults `launchready demo --break FAULT` can seed (verify catches each, exit 4):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, f := range demoFaults {
		fmt.Fprintf(tw, "  %s\t%s\n", f.name, f.what)
	}
	_ = tw.Flush()
}

func demoZoneID(ctx context.Context, base, name string) (string, error) {
	raw, err := demoAPI(ctx, base, http.MethodGet, "/zones?name="+name, nil)
	if err != nil {
		return "", err
	}
	var zones []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &zones); err != nil || len(zones) != 1 {
		return "", fmt.Errorf("zone %s not found in the simulator", name)
	}
	return zones[0].ID, nil
}

func demoRecordID(ctx context.Context, base, zone, name, typ string) (string, error) {
	raw, err := demoAPI(ctx, base, http.MethodGet, "/zones/"+zone+"/dns_records?name.exact="+url.QueryEscape(name)+"&type="+typ, nil)
	if err != nil {
		return "", err
	}
	var recs []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &recs); err != nil || len(recs) != 1 {
		return "", fmt.Errorf("%s %s not found in the simulator", name, typ)
	}
	return recs[0].ID, nil
}

// demoAddRule appends a rule made "by hand" to a phase's entrypoint of example.com,
// keeping the rules already there.
func demoAddRule(ctx context.Context, base, phase string, rule map[string]any) error {
	zone, err := demoZoneID(ctx, base, "example.com")
	if err != nil {
		return err
	}
	path := "/zones/" + zone + "/rulesets/phases/" + phase + "/entrypoint"
	var rules []map[string]any
	if raw, err := demoAPI(ctx, base, http.MethodGet, path, nil); err == nil {
		var rs struct {
			Rules []map[string]any `json:"rules"`
		}
		if err := json.Unmarshal(raw, &rs); err != nil {
			return fmt.Errorf("reading %s: %w", phase, err)
		}
		for _, r := range rs.Rules {
			delete(r, "version")
			delete(r, "last_updated")
			rules = append(rules, r)
		}
	} else if !strings.Contains(err.Error(), "not found") && !strings.Contains(err.Error(), "10003") {
		return err
	}
	rules = append(rules, rule)
	_, err = demoAPI(ctx, base, http.MethodPut, path, map[string]any{"rules": rules})
	return err
}

// demoSPFTooManyLookups makes _spf.mailhost.net include 11 other records: with the
// include of it, SPF evaluation of example.com needs 12 DNS lookups (RFC 7208 allows 10).
func demoSPFTooManyLookups(ctx context.Context, w *simWorld) error {
	zone, err := demoZoneID(ctx, w.base, "mailhost.net")
	if err != nil {
		return err
	}
	var includes []string
	for i := 1; i <= 11; i++ {
		name := fmt.Sprintf("_spf%d.mailhost.net", i)
		if _, err := demoAPI(ctx, w.base, http.MethodPost, "/zones/"+zone+"/dns_records", map[string]any{
			"type": "TXT", "name": name, "content": fmt.Sprintf(`"v=spf1 ip4:198.51.%d.0/24 -all"`, 100+i), "ttl": 1}); err != nil {
			return err
		}
		includes = append(includes, "include:"+name)
	}
	id, err := demoRecordID(ctx, w.base, zone, "_spf.mailhost.net", "TXT")
	if err != nil {
		return err
	}
	_, err = demoAPI(ctx, w.base, http.MethodPatch, "/zones/"+zone+"/dns_records/"+id, map[string]any{
		"content": `"v=spf1 ` + strings.Join(includes, " ") + ` -all"`})
	return err
}
