package preflight

import (
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// Test credentials are made at run time from a fixed seed, so that no credential-shaped
// literal sits in the repository (secret scanners and push protection would flag it).
func randomString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

const (
	alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
)

// fakes are credential-shaped values for the tests.
type fakes struct {
	stripeLive, stripePublishable, githubPAT, awsKeyID, privateKey string
	dbURLWithPassword, supabaseAnon, supabaseService, firebaseKey  string
	opaque                                                         string
}

func makeFakes() fakes {
	r := rand.New(rand.NewPCG(15, 2026))
	jwt := func(role string) string {
		h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
		p := base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"supabase","ref":"` + randomString(r, "abcdefghijklmnopqrst", 20) + `","role":"` + role + `","iat":1700000000,"exp":2000000000}`))
		return h + "." + p + "." + randomString(r, alnum+"-_", 43)
	}
	return fakes{
		stripeLive:        "sk_" + "live_" + randomString(r, alnum, 99),
		stripePublishable: "pk_" + "live_" + randomString(r, alnum, 99),
		githubPAT:         "ghp" + "_" + randomString(r, alnum, 36),
		awsKeyID:          "AK" + "IA" + randomString(r, upnum, 16),
		privateKey:        "-----BEGIN " + "RSA PRIVATE KEY-----\n" + randomString(r, alnum+"+/", 64) + "\n" + randomString(r, alnum+"+/", 64) + "\n-----END RSA PRIVATE KEY-----",
		dbURLWithPassword: "postgres://app:" + randomString(r, alnum, 20) + "@db.internal:5432/app",
		supabaseAnon:      jwt("anon"),
		supabaseService:   jwt("service_role"),
		firebaseKey:       "AI" + "za" + randomString(r, alnum+"-_", 35),
		opaque:            randomString(r, alnum, 40),
	}
}

func TestPlaceholders(t *testing.T) {
	for _, v := range []string{
		"changeme", "CHANGEME", "change_me", "change-me", "please-change-me", "replace-me", "sk_live_changeme",
		"TODO", "todo: ask ops", "TBD", "FIXME",
		"xxx", "XXXXXXXX", "sk_live_xxxxxxxxxxxx", "***", "••••", "...", "sk_live_…",
		"<your-database-url>", "postgres://<user>:<password>@localhost/db", "<>x<y>",
		"example", "placeholder", "dummy", "test", "secret", "password", "null", "undefined", "12345678",
		"https://example.com", "https://app.example.org/path", "admin@example.net", "api.shop.example", "https://x.invalid/",
		"your_api_key_here", "your-key", "YOUR_STRIPE_KEY", "insert-key-here",
		"${DATABASE_URL}", "${{ secrets.DATABASE_URL }}", "{{ .Values.db }}", "$(cat key)", "$DATABASE_URL",
		`"changeme"`, "  TODO  ",
	} {
		if kind, ok := Placeholder(v); !ok {
			t.Errorf("%q is not recognised as a placeholder", v)
		} else if strings.Contains(strings.ToLower(kind), strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`))) && len(v) > 3 {
			t.Errorf("%q: the kind %q quotes the value", v, kind)
		}
	}
	f := makeFakes()
	for _, v := range []string{
		"postgres://app@db.internal:5432/app?sslmode=require", "https://app.launchready.dev", "https://www.example-shop.de",
		"https://examples.dev", "production", "true", "0", "1", "42", "eu-west-1", "settings-service", "reset-meter",
		f.stripeLive, f.stripePublishable, f.githubPAT, f.awsKeyID, f.dbURLWithPassword, f.supabaseAnon, f.opaque,
	} {
		if kind, ok := Placeholder(v); ok {
			t.Errorf("a real value is taken for a placeholder (%s)", kind)
		}
	}
}

func TestDetectSecret(t *testing.T) {
	f := makeFakes()
	secrets := []struct {
		name, value, rulePrefix string
	}{
		{"NEXT_PUBLIC_STRIPE_KEY", f.stripeLive, "gitleaks:stripe"},
		{"VITE_GITHUB", f.githubPAT, "gitleaks:github"},
		{"PUBLIC_AWS", f.awsKeyID, "gitleaks:aws"},
		{"NEXT_PUBLIC_CERT", f.privateKey, "gitleaks:private-key"},
		{"NEXT_PUBLIC_DB", f.dbURLWithPassword, "launchready:url-password"},
		{"NEXT_PUBLIC_SUPABASE_KEY", f.supabaseService, "gitleaks:jwt"},
		{"NEXT_PUBLIC_STRIPE_SECRET_KEY", "an-opaque-value", "launchready:secret-name"},
		{"VITE_DB_PASSWORD", f.opaque, "launchready:secret-name"},
		{"NEXT_PUBLIC_OPAQUE", base64.StdEncoding.EncodeToString([]byte(f.stripeLive)), "gitleaks:stripe"},
	}
	for _, c := range secrets {
		pre := c.name[:strings.Index(c.name, "_")+1]
		if strings.HasPrefix(c.name, "NEXT_PUBLIC_") {
			pre = "NEXT_PUBLIC_"
		}
		s, ok := DetectSecret(c.name, pre, c.value)
		if !ok {
			t.Errorf("%s: secret not detected", c.name)
			continue
		}
		if !strings.HasPrefix(s.Rule, c.rulePrefix) || s.Kind == "" {
			t.Errorf("%s: rule %q kind %q, want rule %s…", c.name, s.Rule, s.Kind, c.rulePrefix)
		}
		if strings.Contains(s.Kind+s.Rule, c.value) {
			t.Errorf("%s: the finding quotes the value", c.name)
		}
	}
	if s, _ := DetectSecret("NEXT_PUBLIC_SUPABASE_KEY", "NEXT_PUBLIC_", f.supabaseService); s.Kind != "a Supabase service-role key" {
		t.Errorf("service-role JWT: kind %q", s.Kind)
	}

	public := []struct{ name, value string }{
		{"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", f.stripePublishable},
		{"NEXT_PUBLIC_SUPABASE_ANON_KEY", f.supabaseAnon},
		{"NEXT_PUBLIC_APP_URL", "https://app.launchready.dev"},
		{"NEXT_PUBLIC_SENTRY_DSN", "https://" + f.opaque[:32] + "@o1.ingest.sentry.io/42"},
		{"VITE_API_BASE", "https://api.launchready.dev/v1"},
		{"PUBLIC_SECRET", "short"}, // a secret word, but 5 characters hold no credential
		{"NEXT_PUBLIC_BUILD_ID", f.opaque},
	}
	for _, c := range public {
		pre := "NEXT_PUBLIC_"
		if !strings.HasPrefix(c.name, pre) {
			pre = c.name[:strings.Index(c.name, "_")+1]
		}
		if s, ok := DetectSecret(c.name, pre, c.value); ok {
			t.Errorf("%s: a public value is taken for a secret (%s, %s)", c.name, s.Kind, s.Rule)
		}
	}
}

// env is a fake environment.
type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }
func (e env) names() []string {
	var out []string
	for k := range e {
		out = append(out, k)
	}
	return out
}

// TestRunMatrix runs preflight over environments with one problem each and checks the
// verdict, the problem named, and that no value reaches the report in any form.
func TestRunMatrix(t *testing.T) {
	f := makeFakes()
	spec := Spec{
		RequiredEnv:       []string{"DATABASE_URL", "STRIPE_SECRET_KEY", "NEXT_PUBLIC_APP_URL"},
		PublicEnvPrefixes: []string{"NEXT_PUBLIC_", "VITE_", "PUBLIC_"},
		PublicEnvAllow:    []string{"NEXT_PUBLIC_FIREBASE_API_KEY"},
	}
	good := func() env {
		return env{
			"DATABASE_URL":                       f.dbURLWithPassword, // fine: server-side
			"STRIPE_SECRET_KEY":                  f.stripeLive,        // fine: server-side
			"NEXT_PUBLIC_APP_URL":                "https://app.launchready.dev",
			"NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY": f.stripePublishable,
			"NEXT_PUBLIC_SUPABASE_ANON_KEY":      f.supabaseAnon,
			"NEXT_PUBLIC_FIREBASE_API_KEY":       f.firebaseKey,
			"HOME":                               "/root",
		}
	}
	cases := []struct {
		name    string
		edit    func(env)
		failing string // "VAR problem" of the one failure, "" for none
	}{
		{"all good", func(env) {}, ""},
		{"missing", func(e env) { delete(e, "DATABASE_URL") }, "DATABASE_URL missing"},
		{"empty", func(e env) { e["STRIPE_SECRET_KEY"] = "" }, "STRIPE_SECRET_KEY empty"},
		{"whitespace", func(e env) { e["STRIPE_SECRET_KEY"] = " \t" }, "STRIPE_SECRET_KEY empty"},
		{"placeholder changeme", func(e env) { e["STRIPE_SECRET_KEY"] = "changeme" }, "STRIPE_SECRET_KEY placeholder"},
		{"placeholder template", func(e env) { e["DATABASE_URL"] = "postgres://<user>:<password>@host/db" }, "DATABASE_URL placeholder"},
		{"placeholder domain", func(e env) { e["NEXT_PUBLIC_APP_URL"] = "https://example.com" }, "NEXT_PUBLIC_APP_URL placeholder"},
		{"secret under a public prefix", func(e env) { e["NEXT_PUBLIC_STRIPE_KEY"] = f.stripeLive }, "NEXT_PUBLIC_STRIPE_KEY secret"},
		{"required public variable holds a secret", func(e env) { e["NEXT_PUBLIC_APP_URL"] = f.githubPAT }, "NEXT_PUBLIC_APP_URL secret"},
		{"service-role key under a public prefix", func(e env) { e["VITE_SUPABASE_KEY"] = f.supabaseService }, "VITE_SUPABASE_KEY secret"},
		{"database password under a public prefix", func(e env) { e["PUBLIC_DB"] = f.dbURLWithPassword }, "PUBLIC_DB secret"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := good()
			c.edit(e)
			r := Run(spec, e.lookup, e.names())
			var fails []string
			for _, res := range r.Results {
				if !res.OK {
					fails = append(fails, res.Name+" "+res.Problem)
					if !strings.HasPrefix(res.Message, "required, but") && res.Problem != ProblemSecret {
						t.Errorf("%s: message %q does not say why", res.Name, res.Message)
					}
				}
			}
			if got := strings.Join(fails, ", "); got != c.failing {
				t.Errorf("failures %q, want %q", got, c.failing)
			}
			if r.OK != (c.failing == "") || r.Failed != len(fails) || r.Passed+r.Failed != len(r.Results) {
				t.Errorf("report ok=%v passed=%d failed=%d for %d results", r.OK, r.Passed, r.Failed, len(r.Results))
			}
			out, _ := json.Marshal(r)
			for name, v := range e {
				if len(strings.TrimSpace(v)) >= 3 && name != "HOME" && strings.Contains(string(out), v) {
					t.Errorf("the report contains the value of %s", name)
				}
			}
		})
	}

	// Every required variable and every public one is reported, required first, the
	// allowed one as such, and HOME (neither) not at all.
	e := good()
	r := Run(spec, e.lookup, e.names())
	var got []string
	for _, res := range r.Results {
		got = append(got, res.Name+"/"+res.Check)
	}
	want := "DATABASE_URL/required STRIPE_SECRET_KEY/required NEXT_PUBLIC_APP_URL/required NEXT_PUBLIC_APP_URL/public " +
		"NEXT_PUBLIC_FIREBASE_API_KEY/public NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY/public NEXT_PUBLIC_SUPABASE_ANON_KEY/public"
	if strings.Join(got, " ") != want {
		t.Errorf("results\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	for _, res := range r.Results {
		if res.Name == "NEXT_PUBLIC_FIREBASE_API_KEY" && !strings.Contains(res.Message, "public_env_allow") {
			t.Errorf("the allowed variable's message %q does not say it was skipped", res.Message)
		}
	}
}

func TestEnvironNames(t *testing.T) {
	got := EnvironNames([]string{"A=1", "B=", "C=x=y", "=weird", "NOEQ"})
	if strings.Join(got, ",") != "A,B,C" {
		t.Errorf("got %v", got)
	}
}
