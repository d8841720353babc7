package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// seedDemoZone adds records "made by hand in the dashboard" to the simulator's demo
// zone, through the API like any other client.
func seedDemoZone(ctx context.Context, base string) error {
	zoneID, err := demoAPI(ctx, base, http.MethodGet, "/zones?name=example.com", nil)
	if err != nil {
		return err
	}
	var zones []struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(zoneID, &zones); err != nil || len(zones) != 1 {
		return fmt.Errorf("demo zone not found in simulator")
	}
	for _, r := range []map[string]any{
		{"type": "TXT", "name": "example.com", "content": `"google-site-verification=hand-made-in-dashboard"`, "ttl": 1, "comment": "added by hand"},
		{"type": "A", "name": "legacy.example.com", "content": "198.51.100.7", "ttl": 3600, "comment": "old server, added by hand"},
	} {
		if _, err := demoAPI(ctx, base, http.MethodPost, "/zones/"+zones[0].ID+"/dns_records", r); err != nil {
			return err
		}
	}
	return nil
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
