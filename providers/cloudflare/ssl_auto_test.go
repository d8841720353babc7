package cloudflare_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// Automatic SSL/TLS: a zone whose encryption mode Cloudflare chooses reports
// ssl_automatic_mode "auto" beside ssl; writing ssl makes the mode custom, so a
// declared ssl converges instead of drifting.
func TestSSLAutomaticMode(t *testing.T) {
	ctx := context.Background()
	env := startSim(t, sim.Options{})
	p := env.provider(t, cloudflare.Options{})
	live, err := p.ReadZone(ctx, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPatch, env.base+"/zones/"+live.ID+"/settings/ssl_automatic_mode", strings.NewReader(`{"value":"auto"}`))
	req.Header.Set("Authorization", "Bearer "+simToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("turning automatic mode on: %v %v", resp, err)
	}
	resp.Body.Close()
	s, err := p.ReadSettings(ctx, "example.com", []string{model.SettingSSL})
	if err != nil || s.Values[model.SettingSSLAutomaticMode] != "auto" {
		t.Fatalf("settings = %+v, %v; want ssl_automatic_mode auto", s, err)
	}
	if err := p.WriteSettings(ctx, "example.com", &model.Settings{Values: map[string]string{model.SettingSSL: "strict"}}); err != nil {
		t.Fatal(err)
	}
	s, err = p.ReadSettings(ctx, "example.com", []string{model.SettingSSL})
	if err != nil || s.Values[model.SettingSSL] != "strict" || s.Values[model.SettingSSLAutomaticMode] != "" {
		t.Fatalf("after writing ssl: %+v, %v; want strict, custom", s, err)
	}
}
