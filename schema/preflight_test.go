package schema

import (
	"os"
	"strings"
	"testing"
)

func TestPreflightBlock(t *testing.T) {
	cfg, diags := Load(os.DirFS("testdata/valid"), "preflight.hcl", Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	p := cfg.Preflight
	if p == nil {
		t.Fatal("no Preflight")
	}
	var names []string
	for _, n := range p.RequiredEnv {
		names = append(names, n.Name)
	}
	if got := strings.Join(names, ","); got != "DATABASE_URL,STRIPE_SECRET_KEY,NEXT_PUBLIC_APP_URL,SESSION_PASSWORD" {
		t.Errorf("RequiredEnv = %s", got)
	}
	if got := strings.Join(p.PublicEnvPrefixes, ","); got != "NEXT_PUBLIC_,VITE_,PUBLIC_" {
		t.Errorf("PublicEnvPrefixes = %s", got)
	}
	if len(p.PublicEnvAllow) != 1 || p.PublicEnvAllow[0].Name != "NEXT_PUBLIC_FIREBASE_API_KEY" {
		t.Errorf("PublicEnvAllow = %v", p.PublicEnvAllow)
	}
	if r := p.RequiredEnv[1].Range; r.Start.Line != 4 || r.Filename != "preflight.hcl" {
		t.Errorf("STRIPE_SECRET_KEY range = %v", r)
	}
	if p.PublicPrefix("VITE_API_URL") != "VITE_" || p.PublicPrefix("DATABASE_URL") != "" {
		t.Error("PublicPrefix")
	}

	// The preflight block is not desired state: it does not change the fingerprint.
	without, diags := LoadSource("x.hcl", []byte("zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"203.0.113.10\"\n  }\n}\n"), Options{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if without.Fingerprint != cfg.Fingerprint || without.Preflight != nil {
		t.Errorf("the preflight block changed the fingerprint or appeared from nowhere")
	}
}
