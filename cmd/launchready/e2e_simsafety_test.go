package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestSimRefusesNonLoopbackWithoutFlag: `launchready sim` on an address outside
// loopback is refused without --allow-remote (nothing listens), and with it starts
// and warns on stderr.
func TestSimRefusesNonLoopbackWithoutFlag(t *testing.T) {
	for _, args := range [][]string{
		{"sim", "--listen", "0.0.0.0:0", "--no-edge"},
		{"sim", "--listen", ":0", "--no-edge"},
		{"sim", "--listen", "127.0.0.1:0", "--edge-https", "0.0.0.0:0"},
	} {
		r := runCLI(t, t.TempDir(), nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "--allow-remote") || strings.Contains(r.stdout, "listening on") {
			t.Errorf("launchready %v: exit %d, stdout %q, stderr %q; want exit 1 naming --allow-remote and nothing started", args, r.code, r.stdout, r.stderr)
		}
	}

	cmd := exec.Command(binPath, "sim", "--listen", "0.0.0.0:0", "--no-edge", "--allow-remote")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
		}
	}()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	go io.Copy(io.Discard, stdout)
	select {
	case l := <-lines:
		if !strings.Contains(l, "WARNING") || !strings.Contains(l, "0.0.0.0:0") || !strings.Contains(l, "no --token") {
			t.Errorf("first stderr line %q: want a warning naming the address and the missing token", l)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no warning on stderr")
	}
}

// TestSimAdminNeedsToken: a simulator started with --token answers /__sim/* only to
// that token, and refuses a cross-site text/plain POST.
func TestSimAdminNeedsToken(t *testing.T) {
	base := startSim(t, "--no-edge", "--token", "sim-admin-token", "--zone", "example.com")
	root := strings.TrimSuffix(base, "/client/v4")
	do := func(method, path, ctype, token, body string) int {
		t.Helper()
		req, err := http.NewRequest(method, root+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := do("GET", "/__sim/zones/example.com", "", "", ""); s != 401 {
		t.Errorf("zone dump without token: HTTP %d, want 401", s)
	}
	if s := do("POST", "/__sim/faults", "application/json", "other", `{"status":500}`); s != 401 {
		t.Errorf("fault injection with a wrong token: HTTP %d, want 401", s)
	}
	if s := do("POST", "/__sim/zones", "text/plain", "sim-admin-token", `{"name":"evil.example"}`); s != 415 {
		t.Errorf("text/plain POST: HTTP %d, want 415", s)
	}
	if s := do("GET", "/__sim/zones", "", "sim-admin-token", ""); s != 200 {
		t.Errorf("zone list with the token: HTTP %d, want 200", s)
	}
	if s := do("POST", "/__sim/zones", "application/json", "sim-admin-token", `{"name":"example.org"}`); s != 200 {
		t.Errorf("JSON POST with the token: HTTP %d, want 200", s)
	}
}
