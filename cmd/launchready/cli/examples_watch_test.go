package cli

import (
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// checkInvocation fails unless `launchready args…` is a command with valid flags.
func checkInvocation(t *testing.T, where string, args []string) {
	t.Helper()
	root := newRoot(&env{lookup: func(string) (string, bool) { return "", false }})
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		t.Fatalf("%s runs `launchready %s`: no such command", where, strings.Join(args, " "))
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Fatalf("%s runs `launchready %s`: %v", where, strings.Join(args, " "), err)
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		t.Fatalf("%s runs `launchready %s`: %v", where, strings.Join(args, " "), err)
	}
}

// TestWatchExamples checks the container and systemd examples of `launchready watch`
// run a command the CLI accepts, with the image the release publishes.
func TestWatchExamples(t *testing.T) {
	data, err := os.ReadFile("../../../examples/watch/compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var compose struct {
		Services map[string]struct {
			Image   string   `yaml:"image"`
			Command []string `yaml:"command"`
		} `yaml:"services"`
	}
	if err := yaml.Unmarshal(data, &compose); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	svc, ok := compose.Services["watch"]
	if !ok || !strings.HasPrefix(svc.Image, "ghcr.io/launchready/launchready") || len(svc.Command) == 0 || svc.Command[0] != "watch" {
		t.Fatalf("compose.yaml: service watch = %+v", svc)
	}
	checkInvocation(t, "compose.yaml", svc.Command)

	unit, err := os.ReadFile("../../../examples/watch/launchready-watch.service")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(unit), "\\\n", " ")
	var exec string
	for _, l := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(l, "ExecStart="); ok {
			exec = v
		}
	}
	f := strings.Fields(exec)
	if len(f) < 2 || !strings.HasSuffix(f[0], "/launchready") {
		t.Fatalf("launchready-watch.service: ExecStart = %q", exec)
	}
	checkInvocation(t, "launchready-watch.service", f[1:])
}
