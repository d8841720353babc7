package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// seedDemoZone prepares the simulated world: records "made by hand in the dashboard"
// in the demo zone, and the mail provider's zone (mailhost.net), which the demo's SPF
// include and MX records point at, so that email checks resolve on loopback.
func seedDemoZone(ctx context.Context, base string) error {
	ids := map[string]string{}
	for _, name := range []string{"example.com", "mailhost.net"} {
		raw, err := demoAPI(ctx, base, http.MethodGet, "/zones?name="+name, nil)
		if err != nil {
			return err
		}
		var zones []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &zones); err != nil || len(zones) != 1 {
			return fmt.Errorf("zone %s not found in simulator", name)
		}
		ids[name] = zones[0].ID
	}
	for _, r := range []struct {
		zone string
		rec  map[string]any
	}{
		{"example.com", map[string]any{"type": "TXT", "name": "example.com", "content": `"google-site-verification=hand-made-in-dashboard"`, "ttl": 1, "comment": "added by hand"}},
		{"example.com", map[string]any{"type": "A", "name": "legacy.example.com", "content": "198.51.100.7", "ttl": 3600, "comment": "old server, added by hand"}},
		{"mailhost.net", map[string]any{"type": "TXT", "name": "_spf.mailhost.net", "content": `"v=spf1 ip4:198.51.100.0/24 -all"`, "ttl": 1}},
		{"mailhost.net", map[string]any{"type": "A", "name": "mx1.mailhost.net", "content": "198.51.100.25", "ttl": 1}},
		{"mailhost.net", map[string]any{"type": "A", "name": "mx2.mailhost.net", "content": "198.51.100.26", "ttl": 1}},
	} {
		if _, err := demoAPI(ctx, base, http.MethodPost, "/zones/"+ids[r.zone]+"/dns_records", r.rec); err != nil {
			return err
		}
	}
	return nil
}

// demoHandEdit turns off the proxy of app.example.com through the API, as someone
// clicking the orange cloud in the dashboard would.
func demoHandEdit(ctx context.Context, base string) error {
	raw, err := demoAPI(ctx, base, http.MethodGet, "/zones?name=example.com", nil)
	if err != nil {
		return err
	}
	var zones []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &zones); err != nil || len(zones) != 1 {
		return fmt.Errorf("demo zone not found in simulator")
	}
	raw, err = demoAPI(ctx, base, http.MethodGet, "/zones/"+zones[0].ID+"/dns_records?name.exact=app.example.com&type=CNAME", nil)
	if err != nil {
		return err
	}
	var recs []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &recs); err != nil || len(recs) != 1 {
		return fmt.Errorf("app.example.com CNAME not found")
	}
	_, err = demoAPI(ctx, base, http.MethodPatch, "/zones/"+zones[0].ID+"/dns_records/"+recs[0].ID, map[string]any{"proxied": false})
	return err
}

func demoAPI(ctx context.Context, base, method, path string, body any) (json.RawMessage, error) {
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+demoToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var env struct {
		Success bool            `json:"success"`
		Result  json.RawMessage `json:"result"`
		Errors  []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if !env.Success {
		return nil, fmt.Errorf("%s %s: %v", method, path, env.Errors)
	}
	return env.Result, nil
}
