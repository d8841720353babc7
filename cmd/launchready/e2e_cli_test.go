package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// CLI tests of commands the other end-to-end files do not reach: `spf check` against
// an in-process DNS server, `verify` against the simulator's edge, and apply's
// interactive confirmation on a pseudo-terminal.

// spfZone is what the test DNS server answers: TXT records by name, and names whose
// TXT lookup fails with SERVFAIL. Every other question is NXDOMAIN.
type spfZone struct {
	txt      map[string][]string
	servfail map[string]bool
}

func (z spfZone) ServeDNS(w dns.ResponseWriter, q *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Authoritative = true
	if len(q.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		_ = w.WriteMsg(m)
		return
	}
	qn := strings.ToLower(q.Question[0].Name)
	switch {
	case z.servfail[qn]:
		m.Rcode = dns.RcodeServerFailure
	case z.txt[qn] != nil:
		if q.Question[0].Qtype == dns.TypeTXT {
			for _, v := range z.txt[qn] {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: qn, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: []string{v}})
			}
		}
		// Other types at an existing name: NOERROR with no answer (NODATA).
	default:
		m.Rcode = dns.RcodeNameError
	}
	_ = w.WriteMsg(m)
}

// startDNS serves z over UDP on 127.0.0.1:0 and returns its address.
func startDNS(t *testing.T, z spfZone) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: z, NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the test DNS server did not start")
	}
	t.Cleanup(func() { _ = srv.Shutdown() })
	return pc.LocalAddr().String()
}

// TestSPFCheck runs `launchready spf check` against a DNS server on loopback: the
// exit code is the SPF result's (0 pass, 4 fail and the like, 1 temperror or bad
// arguments) and the output shows the path that decided it.
func TestSPFCheck(t *testing.T) {
	t.Parallel()
	addr := startDNS(t, spfZone{
		txt: map[string][]string{
			"example.com.":      {"v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all"},
			"_spf.example.net.": {"v=spf1 ip4:198.51.100.0/24 ~all"},
		},
		servfail: map[string]bool{"broken.example.org.": true},
	})
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		// want are substrings of stdout (or stderr, where the line says so).
		want       []string
		wantStderr []string
		// notWant must not appear in stdout.
		notWant []string
	}{
		{
			name:     "pass through the include",
			args:     []string{"--ip", "198.51.100.7", "--sender", "user@example.com"},
			wantCode: 0,
			want: []string{
				"SPF pass for 198.51.100.7 sending as user@example.com",
				"path:",
				"reason: ip4:198.51.100.0/24 in the SPF record of _spf.example.net matched (reached through include:_spf.example.net in example.com): pass",
				"    include:_spf.example.net → match\n",
				"      _spf.example.net: v=spf1 ip4:198.51.100.0/24 ~all\n",
				"        ip4:198.51.100.0/24 → match: 198.51.100.7 is in 198.51.100.0/24\n",
			},
			// The path shows what decided, not the mechanisms that did not match.
			notWant: []string{"no match"},
		},
		{
			name:     "direct pass",
			args:     []string{"--ip", "192.0.2.25", "--sender", "user@example.com"},
			wantCode: 0,
			want:     []string{"SPF pass for 192.0.2.25", "    ip4:192.0.2.0/24 → match: 192.0.2.25 is in 192.0.2.0/24\n"},
			notWant:  []string{"_spf.example.net: v=spf1", "include:_spf.example.net →"},
		},
		{
			name:     "an address outside fails",
			args:     []string{"--ip", "203.0.113.9", "--sender", "user@example.com"},
			wantCode: 4,
			want: []string{
				"SPF fail for 203.0.113.9 sending as user@example.com",
				"reason: -all in the SPF record of example.com matched: fail",
				"    -all → match\n",
			},
			notWant: []string{"_spf.example.net: v=spf1"},
		},
		{
			name:     "every step with --all",
			args:     []string{"--ip", "198.51.100.7", "--sender", "user@example.com", "--all"},
			wantCode: 0,
			want: []string{
				"evaluated:",
				"example.com: v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all",
				"    ip4:192.0.2.0/24 → no match\n",
				"    include:_spf.example.net → match\n",
				"      _spf.example.net: v=spf1 ip4:198.51.100.0/24 ~all\n",
				"        ip4:198.51.100.0/24 → match: 198.51.100.7 is in 198.51.100.0/24\n",
			},
			notWant: []string{"path:"},
		},
		{
			name:       "a sender domain whose DNS fails is a temperror",
			args:       []string{"--ip", "198.51.100.7", "--sender", "user@broken.example.org"},
			wantCode:   1,
			want:       []string{"SPF temperror for 198.51.100.7 sending as user@broken.example.org", "looking up the TXT records of broken.example.org failed", "answered SERVFAIL"},
			wantStderr: []string{"DNS prevented the check (temperror)"},
		},
		{
			name:       "--ip is required",
			args:       []string{"--sender", "user@example.com"},
			wantCode:   1,
			wantStderr: []string{`required flag(s) "ip" not set`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, dir, nil, append([]string{"spf", "check", "--resolver", addr}, tt.args...)...)
			if r.code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.wantCode, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(r.stdout, w) {
					t.Errorf("stdout has %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

// verifyConfig has a proxied apex, a proxied www redirected to it, and an HTTP check
// with a generous latency budget, so that on the simulator's edge every check passes.
const verifyConfig = `zone "example.com" {
  provider = "cloudflare"

  record "@" "A" {
    value   = "203.0.113.10"
    proxied = true
  }
  record "www" "CNAME" {
    value   = "example.com"
    proxied = true
  }
  redirect "www-to-apex" {
    from   = "https://www.example.com/*"
    to     = "https://example.com/$${1}"
    status = 301
  }
  check "home" {
    url    = "https://example.com/"
    p95_ms = 10000
  }
}
`

// verifyJSON is the part of `verify --json` the tests read.
type verifyJSON struct {
	FormatVersion string       `json:"format_version"`
	Summary       *verifyCount `json:"summary"`
	Zones         []struct {
		Zone    string       `json:"zone"`
		Summary *verifyCount `json:"summary"`
		Results []struct {
			Kind   string `json:"kind"`
			Name   string `json:"name"`
			Check  string `json:"check"`
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"results"`
	} `json:"zones"`
}

type verifyCount struct {
	Pass int `json:"pass"`
	Warn int `json:"warn"`
	Fail int `json:"fail"`
	Skip int `json:"skip"`
}

// failing returns "kind check name" of every failed result.
func (v verifyJSON) failing() []string {
	var out []string
	for _, z := range v.Zones {
		for _, r := range z.Results {
			if r.Status == "fail" {
				out = append(out, r.Kind+" "+r.Check+" "+r.Name)
			}
		}
	}
	return out
}

// statusLine returns the first line of verify's text report for a check and name,
// e.g. "FAIL  redirect  www-to-apex  no redirect: …" ("" when there is none).
func statusLine(out, check, name string) string {
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[1] == check && f[2] == name {
			return strings.TrimSpace(l)
		}
	}
	return ""
}

// TestVerifyCLI runs `launchready verify` through the binary against the
// simulator's DNS server and HTTPS edge (found through CLOUDFLARE_BASE_URL): it
// passes after apply, fails naming the check when the live zone is broken behind
// launchready's back, fails on a p95 regression against a baseline, and fails clearly
// when the resolver it is given does not answer.
func TestVerifyCLI(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, verifyConfig, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")

	r := w.mustRun(0, "verify")
	for _, want := range []string{"checking its DNS server", "PASSED:", "0 failed"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("verify output lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, c := range [][2]string{{"proxied", "www.example.com"}, {"redirect", "www-to-apex"}, {"latency", "home"}} {
		if l := statusLine(r.stdout, c[0], c[1]); !strings.HasPrefix(l, "PASS") {
			t.Errorf("verify: %s %s is %q, want PASS\n%s", c[0], c[1], l, r.stdout)
		}
	}

	r = w.mustRun(0, "verify", "--json")
	var rep verifyJSON
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("verify --json is not JSON: %v\n%s", err, r.stdout)
	}
	if rep.FormatVersion == "" || rep.Summary == nil {
		t.Fatalf("verify --json lacks format_version or summary:\n%s", r.stdout)
	}
	if rep.Summary.Fail != 0 || rep.Summary.Pass == 0 || len(rep.Zones) != 1 || rep.Zones[0].Zone != "example.com" {
		t.Errorf("verify --json: summary %+v, %d zones; want passes, no failure, zone example.com", *rep.Summary, len(rep.Zones))
	}
	if strings.Contains(r.stdout, "checking its DNS server") {
		t.Errorf("verify --json printed text before the JSON")
	}
	w.write("report.json", r.stdout)

	zid := w.api.zoneID("example.com")
	tests := []struct {
		name    string
		breakIt func(api *simAPI)
		// wantFail are the failed checks ("kind check name") the JSON must list.
		wantFail []string
		// wantLine is the check's line in the text report, which must start with FAIL.
		wantLine [2]string
		wantText string
	}{
		{
			name: "www no longer proxied",
			breakIt: func(api *simAPI) {
				rec := api.findRecord(zid, "www.example.com", "CNAME")
				api.patchRecord(zid, rec.ID, map[string]any{"proxied": false})
			},
			wantFail: []string{"dns proxied www.example.com CNAME"},
			wantLine: [2]string{"proxied", "www.example.com"},
			wantText: "origin exposed",
		},
		{
			name: "redirect rule removed",
			breakIt: func(api *simAPI) {
				// The phase as a person leaves it after deleting our rule in the dashboard.
				api.call(http.MethodPut, "/zones/"+zid+"/rulesets/phases/"+model.PhaseRedirect+"/entrypoint", map[string]any{"rules": []any{}}, nil)
				if rules := api.entrypoint(zid, model.PhaseRedirect); len(rules) != 0 {
					t.Fatalf("redirect phase still has rules: %v", rules)
				}
			},
			wantFail: []string{"redirect redirect www-to-apex"},
			wantLine: [2]string{"redirect", "www-to-apex"},
			wantText: "no redirect",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w.mustRun(0, "apply", "--auto-approve", "--no-verify") // repair the previous break
			api := *w.api
			api.t = t
			tt.breakIt(&api)
			r := w.run(nil, "verify")
			if r.code != 4 {
				t.Fatalf("verify after the break: exit %d, want 4\n%s%s", r.code, r.stdout, r.stderr)
			}
			if l := statusLine(r.stdout, tt.wantLine[0], tt.wantLine[1]); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, tt.wantText) {
				t.Errorf("verify: %s %s is %q, want FAIL … %s\n%s", tt.wantLine[0], tt.wantLine[1], l, tt.wantText, r.stdout)
			}
			if !strings.Contains(r.stdout, "FAILED:") {
				t.Errorf("verify does not end with FAILED:\n%s", r.stdout)
			}
			r = w.run(nil, "verify", "--json")
			var rep verifyJSON
			if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || r.code != 4 {
				t.Fatalf("verify --json after the break: exit %d, %v\n%s", r.code, err, r.stdout)
			}
			got := rep.failing()
			for _, f := range tt.wantFail {
				if !contains(got, f) {
					t.Errorf("failed checks %q lack %q", got, f)
				}
			}
			if rep.Summary == nil || rep.Summary.Fail != len(got) {
				t.Errorf("summary %+v does not count the %d failures", rep.Summary, len(got))
			}
		})
	}

	t.Run("p95 regression against a baseline", func(t *testing.T) {
		w.mustRun(0, "apply", "--auto-approve", "--no-verify")
		w.mustRun(0, "verify")
		// The baseline is the earlier report with its p95 made tiny.
		var base map[string]any
		if err := json.Unmarshal([]byte(w.read("report.json")), &base); err != nil {
			t.Fatal(err)
		}
		edited := 0
		for _, z := range base["zones"].([]any) {
			for _, res := range z.(map[string]any)["results"].([]any) {
				if h, ok := res.(map[string]any)["http"].(map[string]any); ok {
					h["total"].(map[string]any)["p95"] = 0.001
					edited++
				}
			}
		}
		if edited != 1 {
			t.Fatalf("want one HTTP result with latency in the report, found %d", edited)
		}
		b, err := json.Marshal(base)
		if err != nil {
			t.Fatal(err)
		}
		w.write("baseline.json", string(b))
		r := w.run(nil, "verify", "--baseline", "baseline.json", "--max-regression", "0.2")
		if r.code != 4 {
			t.Fatalf("verify --baseline: exit %d, want 4\n%s%s", r.code, r.stdout, r.stderr)
		}
		if l := statusLine(r.stdout, "baseline", "home"); !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "p95 regressed") || !strings.Contains(l, "budget +20%") {
			t.Errorf("baseline home is %q, want FAIL p95 regressed … budget +20%%\n%s", l, r.stdout)
		}
		// The untouched report as its own baseline has the check compared, and a
		// baseline that is not a report is an error.
		r = w.run(nil, "verify", "--baseline", "report.json")
		if l := statusLine(r.stdout, "baseline", "home"); !strings.Contains(l, "in the baseline") {
			t.Errorf("verify --baseline report.json: baseline home is %q\n%s", l, r.stdout)
		}
		w.write("not-a-report.json", `{"hello": 1}`)
		r = w.run(nil, "verify", "--baseline", "not-a-report.json")
		if r.code != 1 || !strings.Contains(r.stderr, "not-a-report.json") {
			t.Errorf("verify --baseline not-a-report.json: exit %d, want 1 naming the file\n%s%s", r.code, r.stdout, r.stderr)
		}
	})

	t.Run("resolver that does not answer", func(t *testing.T) {
		r := w.run(nil, "verify", "--resolver", "127.0.0.1:1")
		// The CLI reports unreachable DNS as failed checks (exit 4), each naming the
		// server and the transport error; exit 1 would be an error before checking.
		if r.code != 4 && r.code != 1 {
			t.Fatalf("verify --resolver 127.0.0.1:1: exit %d, want 1 or 4\n%s%s", r.code, r.stdout, r.stderr)
		}
		t.Logf("verify --resolver 127.0.0.1:1 exits %d", r.code)
		out := r.stdout + r.stderr
		if strings.Contains(out, "checking its DNS server") {
			t.Errorf("--resolver was given, yet verify used the simulator's own DNS server:\n%s", out)
		}
		if l := statusLine(r.stdout, "proxied", "example.com"); r.code == 4 && (!strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "127.0.0.1:1") || !strings.Contains(l, "connection refused")) {
			t.Errorf("proxied example.com is %q, want FAIL naming 127.0.0.1:1 and the refused connection\n%s", l, out)
		}
		if r.code == 1 && (!strings.Contains(r.stderr, "127.0.0.1:1") || !strings.Contains(r.stderr, "connection refused")) {
			t.Errorf("the error does not name 127.0.0.1:1 and the refused connection:\n%s", r.stderr)
		}
	})
}

// runOnTerminal runs the binary in the workspace on a pseudo-terminal (stdin, stdout
// and stderr), types answer followed by Enter once the confirmation prompt shows,
// and returns the exit code and everything the terminal displayed.
func runOnTerminal(t *testing.T, w *workspace, answer string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = w.dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "NO_COLOR=1", "TERM=dumb"}, w.env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 60, Cols: 200})
	if err != nil {
		t.Fatalf("starting launchready on a pseudo-terminal: %v", err)
	}
	defer tty.Close()

	const prompt = "Only 'yes' will be accepted: "
	var (
		mu     sync.Mutex
		screen bytes.Buffer
	)
	prompted, drained := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(drained)
		var once sync.Once
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			mu.Lock()
			screen.Write(buf[:n])
			seen := strings.Contains(screen.String(), prompt)
			mu.Unlock()
			if seen {
				once.Do(func() { close(prompted) })
			}
			if err != nil { // EIO once the program has exited
				return
			}
		}
	}()
	text := func() string {
		mu.Lock()
		defer mu.Unlock()
		return screen.String()
	}
	select {
	case <-prompted:
	case <-drained:
		_ = cmd.Wait()
		t.Fatalf("launchready %s exited without asking for confirmation:\n%s", strings.Join(args, " "), text())
	case <-ctx.Done():
		t.Fatalf("launchready %s never asked for confirmation:\n%s", strings.Join(args, " "), text())
	}
	if _, err := tty.Write([]byte(answer + "\n")); err != nil {
		t.Fatalf("typing %q: %v", answer, err)
	}
	err = cmd.Wait()
	select {
	case <-drained:
	case <-time.After(10 * time.Second):
		t.Errorf("the terminal was not closed after launchready exited")
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("running launchready %s: %v", strings.Join(args, " "), err)
	}
	return code, text()
}

// TestApplyConfirm answers apply's question on a terminal: "no" changes nothing,
// "yes" applies.
func TestApplyConfirm(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, `zone "example.com" {
  provider = "cloudflare"
  record "@" "A" { value = "203.0.113.10" }
}
`, "example.com")
	zid := w.api.zoneID("example.com")

	code, screen := runOnTerminal(t, w, "no", "apply", "--no-verify")
	if code != 1 || !strings.Contains(screen, "Cancelled. Nothing was changed.") {
		t.Errorf("apply answered no: exit %d, want 1 and \"Cancelled. Nothing was changed.\"\n%s", code, screen)
	}
	if !strings.Contains(screen, "1 to add") {
		t.Errorf("apply did not show the plan before asking:\n%s", screen)
	}
	if recs := w.api.records(zid); len(recs) != 0 {
		t.Errorf("apply answered no changed the zone: %+v", recs)
	}
	if snaps, _ := filepath.Glob(filepath.Join(w.dir, ".launchready", "snapshots", "*.json")); len(snaps) != 0 {
		t.Errorf("apply answered no wrote a snapshot: %v", snaps)
	}

	code, screen = runOnTerminal(t, w, "yes", "apply", "--no-verify")
	if code != 0 || !strings.Contains(screen, "Apply complete") {
		t.Fatalf("apply answered yes: exit %d, want 0 and \"Apply complete\"\n%s", code, screen)
	}
	if rec := w.api.findRecord(zid, "example.com", "A"); rec.Content != "203.0.113.10" {
		t.Errorf("example.com A is %q after apply, want 203.0.113.10", rec.Content)
	}
	w.mustRun(0, "plan", "--detailed-exitcode")
}

// TestVerifyCLIMaxRegressionZero: `--max-regression 0` means any p95 regression
// fails (verify.Options.MaxRegressionSet), not the +20 % default. The budget the
// baseline check prints says which one was applied, whatever the latencies were.
func TestVerifyCLIMaxRegressionZero(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, verifyConfig, "example.com")
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	w.write("report.json", w.mustRun(0, "verify", "--json").stdout)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "budget +20%"},
		{[]string{"--max-regression", "0.5"}, "budget +50%"},
		{[]string{"--max-regression", "0"}, "budget +0%"},
	} {
		r := w.run(nil, append([]string{"verify", "--baseline", "report.json"}, tt.args...)...)
		if l := statusLine(r.stdout, "baseline", "home"); !strings.Contains(l, tt.want) {
			t.Errorf("verify --baseline report.json %s: baseline home is %q, want %q", strings.Join(tt.args, " "), l, tt.want)
		}
	}
}

// runPTY runs launchready on a pseudo-terminal with exactly env (plus PATH/HOME) and
// returns what the terminal showed.
func runPTY(t *testing.T, w *workspace, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Dir = w.dir
	cmd.Env = append(append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TERM=xterm"}, w.env...), env...)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 60, Cols: 200})
	if err != nil {
		t.Fatalf("starting launchready on a pseudo-terminal: %v", err)
	}
	defer tty.Close()
	var screen bytes.Buffer
	_, _ = io.Copy(&screen, tty) // ends with EIO when the program exits
	_ = cmd.Wait()
	return screen.String()
}

// TestColorOnlyOnATerminal: the plan is coloured on a terminal, never with NO_COLOR,
// never when piped.
func TestColorOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	w := newWorkspace(t, `zone "example.com" {
  record "@" "A" { value = "203.0.113.10" }
}
`, "example.com")
	const esc = "\x1b["
	if s := runPTY(t, w, nil, "plan", "--no-email-check"); !strings.Contains(s, esc) || !strings.Contains(s, "1 to add") {
		t.Errorf("plan on a terminal is not coloured:\n%q", s)
	}
	if s := runPTY(t, w, []string{"NO_COLOR=1"}, "plan", "--no-email-check"); strings.Contains(s, esc) || !strings.Contains(s, "1 to add") {
		t.Errorf("plan on a terminal with NO_COLOR is coloured:\n%q", s)
	}
	cmd := exec.Command(binPath, "plan", "--no-email-check")
	cmd.Dir = w.dir
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TERM=xterm"}, w.env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("piped plan: %v", err)
	}
	if strings.Contains(string(out), esc) {
		t.Errorf("piped plan is coloured:\n%q", out)
	}
}
