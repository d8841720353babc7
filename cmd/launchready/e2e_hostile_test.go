package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFmtWritesThroughSymlinks: fmt of a symlinked launch.hcl formats the file the
// link names and leaves the link a link.
func TestFmtWritesThroughSymlinks(t *testing.T) {
	t.Parallel()
	w := &workspace{t: t, dir: t.TempDir()}
	messy := "zone \"example.com\" {\nrecord \"@\" \"A\" {\nvalue=\"203.0.113.10\"\n}\n}\n"
	if err := os.MkdirAll(filepath.Join(w.dir, "configs"), 0o755); err != nil {
		t.Fatal(err)
	}
	w.write("configs/real.hcl", messy)
	if err := os.Chmod(filepath.Join(w.dir, "configs/real.hcl"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("configs", "real.hcl"), filepath.Join(w.dir, "launch.hcl")); err != nil {
		t.Fatal(err)
	}
	w.mustRun(0, "fmt")
	st, err := os.Lstat(filepath.Join(w.dir, "launch.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("launch.hcl is no longer a symlink (mode %v)", st.Mode())
	}
	want := "zone \"example.com\" {\n  record \"@\" \"A\" {\n    value = \"203.0.113.10\"\n  }\n}\n"
	if got := w.read("configs/real.hcl"); got != want {
		t.Errorf("the link's target was not formatted:\n%s", got)
	}
	if st, err := os.Stat(filepath.Join(w.dir, "configs/real.hcl")); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("target mode after fmt: %v, %v; want 0640 kept", st.Mode(), err)
	}
	w.mustRun(0, "fmt", "--check")
	if entries, _ := os.ReadDir(w.dir); len(entries) != 2 {
		t.Errorf("workspace holds %d entries after fmt, want 2 (no temporary file left)", len(entries))
	}
}

// TestHostileConfigs: a launch.hcl of 100,000 nested parentheses, one of 10 MB, and
// ones of 1 MiB that the HCL parser reads in quadratic time (unclosed comments, a
// heredoc of short lines), of NUL bytes, broken UTF-8 or one long number, and a
// 4 GiB file (sparse) each give one diagnostic naming file:line:col and exit 1
// (no crash or hang, nothing read from or written to the API), for validate, plan
// and fmt.
func TestHostileConfigs(t *testing.T) {
	t.Parallel()
	w := &workspace{t: t, dir: t.TempDir()}
	deep := "zone \"example.com\" {\n  record \"www\" \"TXT\" {\n    value = " + strings.Repeat("(", 100000) + "\"x\"" + strings.Repeat(")", 100000) + "\n  }\n}\n"
	w.write("deep.hcl", deep)
	big := strings.Repeat("# "+strings.Repeat("x", 97)+"\n", 10<<20/100)
	w.write("big.hcl", big)
	comments := "x = [" + strings.Repeat("/*a, ", (1<<20-5)/5)
	w.write("comments.hcl", comments)
	w.write("heredoc.hcl", "x = <<EOT\n"+strings.Repeat("line\n", (1<<20-10)/5))
	w.write("nul.hcl", strings.Repeat("\x00", 1<<20))
	w.write("utf8.hcl", "# é\n"+strings.Repeat("\xff", 1<<20-5))
	w.write("number.hcl", "x = "+strings.Repeat("1", 1<<20-5)+"\n")
	// 4 GiB, sparse: read whole (as fmt once did) it would exhaust memory.
	w.write("huge.hcl", "x = 1\n")
	if err := os.Truncate(filepath.Join(w.dir, "huge.hcl"), 4<<30); err != nil {
		t.Fatal(err)
	}
	env := []string{"CLOUDFLARE_BASE_URL=http://127.0.0.1:1/client/v4", "CLOUDFLARE_API_TOKEN=unused"}
	for _, tc := range []struct{ file, want string }{
		{"deep.hcl", "deep.hcl:3:111: error: Nesting too deep"},
		{"big.hcl", "big.hcl:10486:77: error: Configuration file too large"},
		{"comments.hcl", "comments.hcl:1:6: error: Unterminated comment"},
		{"heredoc.hcl", "heredoc.hcl:1002:1: error: String too long"},
		{"nul.hcl", "nul.hcl:1:1: error: NUL byte in configuration file"},
		{"utf8.hcl", "utf8.hcl:2:1: error: Invalid UTF-8"},
		{"number.hcl", "number.hcl:1:5: error: Number too long"},
		{"huge.hcl", "huge.hcl:2:1048571: error: Configuration file too large"},
	} {
		for _, args := range [][]string{{"validate", "--config", tc.file}, {"plan", "--config", tc.file}, {"fmt", tc.file}} {
			r := runCLI(t, w.dir, env, args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("launchready %v: exit %d, want 1 with %q\nstderr: %.2000s", args, r.code, tc.want, r.stderr)
			}
		}
	}
	if got := w.read("deep.hcl"); got != deep {
		t.Error("fmt changed the refused file")
	}
	if got := w.read("comments.hcl"); got != comments {
		t.Error("fmt changed the refused file of comments")
	}
}

// simFault injects a fault into the workspace's simulator.
func simFault(t *testing.T, w *workspace, fault string) {
	t.Helper()
	simAdmin(t, w.base, http.MethodPost, "faults", fault)
}

// TestStalledAPIGivesAClearError: an API that stops answering (the simulator's
// latency fault) makes plan fail after --request-timeout naming the endpoint, and
// apply after --timeout saying which limit passed; nothing is written.
func TestStalledAPIGivesAClearError(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, "zone \"example.com\" {\n  record \"www\" \"A\" { value = \"192.0.2.1\" }\n}\n", "example.com")
	before := w.state("example.com")

	simFault(t, w, `{"method":"GET","path_prefix":"/zones/","latency":"20s","count":1}`)
	r := w.run(nil, "plan", "--request-timeout", "500ms")
	if r.code != 1 || !strings.Contains(r.stderr, "GET /client/v4/zones/") || !strings.Contains(r.stderr, "/dns_records: the Cloudflare API did not answer within 500ms") {
		t.Errorf("plan against a stalled API: exit %d, want 1 naming the endpoint and the timeout\n%s", r.code, r.stderr)
	}

	simFault(t, w, `{"latency":"20s","count":1}`)
	r = w.run(nil, "apply", "--auto-approve", "--no-verify", "--timeout", "1s")
	if r.code != 1 || !strings.Contains(r.stderr, "--timeout 1s") || !strings.Contains(r.stderr, "deadline exceeded") {
		t.Errorf("apply against a stalled API with --timeout 1s: exit %d, want 1 naming the deadline\n%s", r.code, r.stderr)
	}
	if d := cmp.Diff(before, w.state("example.com")); d != "" {
		t.Errorf("a stalled plan/apply changed the zone (-before +after):\n%s", d)
	}
	if r := w.run(nil, "plan", "--request-timeout", "0s"); r.code != 1 || !strings.Contains(r.stderr, "--request-timeout") {
		t.Errorf("--request-timeout 0s: exit %d, want 1\n%s", r.code, r.stderr)
	}
	w.converge()
}
