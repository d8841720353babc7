package main

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const preflightHCL = `preflight {
  required_env        = ["DATABASE_URL", "STRIPE_SECRET_KEY", "NEXT_PUBLIC_APP_URL"]
  public_env_prefixes = ["NEXT_PUBLIC_", "VITE_", "PUBLIC_"]
}

zone "example.com" {
  record "@" "A" {
    value = "203.0.113.10"
  }
}
`

// fakeCredential makes a credential-shaped value at run time (no such literal is
// committed, so secret scanners have nothing to flag in this repository).
func fakeCredential(seed uint64, prefix string, n int) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	r := rand.New(rand.NewPCG(seed, 42))
	b := []byte(prefix)
	for range n {
		b = append(b, alnum[r.IntN(len(alnum))])
	}
	return string(b)
}

// TestPreflightMatrix runs `launchready preflight` (text, --json, and with trace
// logging) over environments with one problem each: the exit code and the line
// naming the variable and the problem are checked, and no value of the environment
// appears anywhere in stdout or stderr.
func TestPreflightMatrix(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(preflightHCL), 0o644); err != nil {
		t.Fatal(err)
	}
	stripeLive := fakeCredential(1, "sk_"+"live_", 40)
	dbPassword := fakeCredential(2, "", 24)
	good := map[string]string{
		"DATABASE_URL":                       "postgres://app:" + dbPassword + "@db.internal:5432/app",
		"STRIPE_SECRET_KEY":                  stripeLive,
		"NEXT_PUBLIC_APP_URL":                "https://app.launchready.dev",
		"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY": fakeCredential(3, "pk_"+"live_", 40),
	}
	cases := []struct {
		name     string
		set      map[string]string // changes to good ("" values are set empty)
		unset    string
		code     int
		wantLine string // a line of the text output
	}{
		{name: "all good", code: 0, wantLine: "PASSED: 5 checks"},
		{name: "missing", unset: "DATABASE_URL", code: 1, wantLine: "FAIL  required  DATABASE_URL                        required, but not set"},
		{name: "empty", set: map[string]string{"STRIPE_SECRET_KEY": ""}, code: 1, wantLine: "required, but set to an empty value"},
		{name: "placeholder", set: map[string]string{"STRIPE_SECRET_KEY": "sk_live_changeme"}, code: 1, wantLine: "required, but holds a placeholder (a marker asking for a real value), not a real value"},
		{name: "placeholder template", set: map[string]string{"DATABASE_URL": "postgres://<user>:<pass>@localhost/db"}, code: 1, wantLine: "required, but holds a placeholder (a <…> template), not a real value"},
		{name: "placeholder to-do", set: map[string]string{"NEXT_PUBLIC_APP_URL": "TODO"}, code: 1, wantLine: "required, but holds a placeholder (a to-do marker), not a real value"},
		{name: "live secret under a public prefix", set: map[string]string{"NEXT_PUBLIC_STRIPE_KEY": fakeCredential(4, "sk_"+"live_", 40)}, code: 1,
			wantLine: "FAIL  public    NEXT_PUBLIC_STRIPE_KEY              holds a secret (stripe-access-token, rule gitleaks:stripe-access-token) but its prefix NEXT_PUBLIC_ ships its value to browsers"},
		{name: "database password under a public prefix", set: map[string]string{"VITE_DATABASE_URL": "postgres://app:" + dbPassword + "@db.internal/app"}, code: 1,
			wantLine: "holds a secret (a URL with a password, rule launchready:url-password)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range good {
				env[k] = v
			}
			for k, v := range c.set {
				env[k] = v
			}
			delete(env, c.unset)
			var envList []string
			for k, v := range env {
				envList = append(envList, k+"="+v)
			}
			noValue := func(what, out string) {
				t.Helper()
				for k, v := range env {
					if len(v) >= 4 && strings.Contains(out, v) {
						t.Errorf("%s contains the value of %s:\n%s", what, k, out)
					}
				}
				// Not even a part of a credential.
				for _, v := range []string{stripeLive[8:20], dbPassword} {
					if strings.Contains(out, v) {
						t.Errorf("%s contains part of a credential:\n%s", what, out)
					}
				}
			}

			r := runCLI(t, dir, envList, "preflight")
			noValue("stdout", r.stdout)
			noValue("stderr", r.stderr)
			if r.code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, c.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, c.wantLine) {
				t.Errorf("stdout lacks %q:\n%s", c.wantLine, r.stdout)
			}
			if c.code != 0 && !strings.Contains(r.stdout, "FAILED: 1 of ") {
				t.Errorf("want exactly one failure:\n%s", r.stdout)
			}

			j := runCLI(t, dir, append(envList, "LAUNCHREADY_LOG=trace"), "preflight", "--json")
			noValue("--json stdout", j.stdout)
			noValue("--json stderr (trace logging)", j.stderr)
			if j.code != c.code {
				t.Fatalf("--json: exit %d, want %d\n%s", j.code, c.code, j.stderr)
			}
			var rep struct {
				OK      bool `json:"ok"`
				Failed  int  `json:"failed"`
				Results []struct {
					Name, Check, Problem, Kind, Message string
					OK                                  bool
				} `json:"results"`
			}
			if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
				t.Fatalf("--json: %v\n%s", err, j.stdout)
			}
			if rep.OK != (c.code == 0) || (c.code != 0) != (rep.Failed == 1) {
				t.Errorf("--json: ok=%v failed=%d", rep.OK, rep.Failed)
			}
		})
	}
}

func TestPreflightConfigErrors(t *testing.T) {
	dir := t.TempDir()
	noBlock := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"203.0.113.10\"\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(noBlock), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, dir, nil, "preflight")
	if r.code != 1 || !strings.Contains(r.stderr, "launch.hcl has no preflight block") {
		t.Errorf("no preflight block: exit %d\n%s", r.code, r.stderr)
	}

	bad := "preflight {\n  required_env = [\"DATABASE URL\"]\n}\n" + noBlock
	if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, dir, []string{"DATABASE_URL=x"}, "preflight")
	if r.code != 1 || !strings.Contains(r.stderr, "launch.hcl:2:19: error: Invalid environment variable name") {
		t.Errorf("invalid block: exit %d\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, "PASS") {
		t.Errorf("an invalid config still ran checks:\n%s", r.stdout)
	}
}
