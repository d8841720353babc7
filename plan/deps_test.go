package plan

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// goTool finds the go command that runs this test.
func goTool(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := exec.LookPath(p); err != nil {
		t.Fatalf("cannot find the go command (PATH or GOROOT): %v", err)
	}
	return p
}

// TestDeps keeps plan pure: no network, no processes, no logging, no provider code,
// directly or through anything it imports. (tailscale's cmd/tailscale/cli TestDeps.)
func TestDeps(t *testing.T) {
	out, err := exec.Command(goTool(t), "list", "-deps", "-f", `{{.ImportPath}}:{{join .Imports " "}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	imports := map[string][]string{}
	var self string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, deps, _ := strings.Cut(line, ":")
		imports[pkg] = strings.Fields(deps)
		self = pkg // go list -deps prints the package itself last
	}
	if !strings.HasSuffix(self, "/plan") {
		t.Fatalf("go list -deps printed %q last, want the plan package", self)
	}
	// Package net itself is allowed where the standard library needs it (crypto/x509,
	// used by schema to parse DKIM keys, imports it for address types) and in email,
	// whose DNS resolver the design allows (miekg/dns). Nothing that speaks HTTP, logs,
	// or reaches a provider; and no other launchready package imports net itself.
	forbidden := func(pkg string) bool {
		switch pkg {
		case "os/exec", "log", "log/slog", "log/syslog", "github.com/hashicorp/go-hclog":
			return true
		}
		return pkg == "net/http" || strings.HasPrefix(pkg, "net/http/") ||
			strings.HasPrefix(pkg, "github.com/launchready/launchready/providers")
	}
	var pkgs []string
	for pkg := range imports {
		pkgs = append(pkgs, pkg)
	}
	sort.Strings(pkgs)
	for _, pkg := range pkgs {
		if forbidden(pkg) {
			t.Errorf("plan depends on %s through %s", pkg, strings.Join(importChain(imports, self, pkg), " → "))
		}
	}
	const module = "github.com/launchready/launchready/"
	for _, pkg := range pkgs {
		if !strings.HasPrefix(pkg, module) || pkg == module+"email" {
			continue
		}
		for _, dep := range imports[pkg] {
			if dep == "net" {
				t.Errorf("%s imports net (reached through %s); only email's resolver may", pkg, strings.Join(importChain(imports, self, pkg), " → "))
			}
		}
	}
	for _, dep := range imports[self] {
		switch dep {
		case "context":
			t.Errorf("plan imports context: planning does no I/O and takes no context")
		case "os", "net", "syscall", "time":
			t.Errorf("plan imports %s: planning reads no files, network or clock", dep)
		}
	}
}

// importChain finds a shortest import path from `from` to `to` (breadth first).
func importChain(imports map[string][]string, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append([]string{p}, chain...)
			}
			return chain
		}
		for _, d := range imports[p] {
			if _, seen := prev[d]; !seen {
				prev[d] = p
				queue = append(queue, d)
			}
		}
	}
	return []string{from, "…", to}
}
