package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/launchready/launchready/providers/cloudflare/sim"
)

// TestPlanReadsAhead: plan reads the zones launch.hcl names while it loads the file
// (readAhead), and makes exactly the requests it made reading them after loading:
// one listing of the account's zones for several (a lookup by name for one), one
// records listing per zone; --zone reads only those; a file whose zones cannot be
// named from its tokens is read after loading, as before; an invalid file fails as
// before.
func TestPlanReadsAhead(t *testing.T) {
	srv, err := sim.New(sim.Options{Token: "plan-token", Zones: []string{"a.example", "b.example", "c.example"}})
	if err != nil {
		t.Fatal(err)
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	dir := t.TempDir()
	t.Chdir(dir)
	env := map[string]string{"CLOUDFLARE_BASE_URL": base, "CLOUDFLARE_API_TOKEN": "plan-token", "NO_COLOR": "1"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	config := func(provider string, bad bool) string {
		var b strings.Builder
		fmt.Fprintf(&b, "variable \"p\" {\n  default = \"cloudflare\"\n}\n")
		for _, z := range []string{"a.example", "b.example", "c.example"} {
			fmt.Fprintf(&b, "zone %q {\n  provider = %s\n  record \"www\" \"A\" { value = \"192.0.2.1\" }\n", z, provider)
			if bad {
				b.WriteString("  record \"api\" \"A\" { value = \"not-an-address\" }\n")
			}
			b.WriteString("}\n")
		}
		return b.String()
	}
	cli := func(t *testing.T, src string, args ...string) (int, string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "launch.hcl"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		code := run(context.Background(), args, strings.NewReader(""), &out, &out, lookup)
		return code, out.String()
	}
	if code, out := cli(t, config(`"cloudflare"`, false), "apply", "--auto-approve", "--no-verify"); code != 0 {
		t.Fatalf("apply: exit %d\n%s", code, out)
	}

	const zones, records = "GET /zones", "GET /zones/{zone_id}/dns_records"
	for _, tt := range []struct {
		name     string
		provider string
		args     []string
		want     map[string]int
	}{
		{"three zones", `"cloudflare"`, nil, map[string]int{zones: 1, records: 3}},
		{"one of them", `"cloudflare"`, []string{"--zone", "b.example"}, map[string]int{zones: 1, records: 1}},
		{"two of them", `"cloudflare"`, []string{"--zone", "A.example", "--zone", "c.example"}, map[string]int{zones: 1, records: 2}},
		{"a zone not declared", `"cloudflare"`, []string{"--zone", "d.example"}, map[string]int{}},
		{"provider from a variable (not read ahead)", "var.p", nil, map[string]int{zones: 1, records: 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv.ResetStats()
			code, out := cli(t, config(tt.provider, false), append([]string{"plan", "--detailed-exitcode", "--no-email-check"}, tt.args...)...)
			if want := map[bool]int{true: 1, false: 0}[tt.name == "a zone not declared"]; code != want {
				t.Fatalf("exit %d, want %d\n%s", code, want, out)
			}
			if diff := cmp.Diff(tt.want, srv.Stats()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("invalid file", func(t *testing.T) {
		code, out := cli(t, config(`"cloudflare"`, true), "plan", "--no-email-check")
		if code != 1 || !strings.Contains(out, "launch.hcl:7:30: error: Invalid A value") || !strings.Contains(out, "is not valid (3 errors)") {
			t.Errorf("exit %d, want 1 with the three diagnostics:\n%s", code, out)
		}
	})
}
