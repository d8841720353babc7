package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// workflow is the part of a GitHub Actions workflow the test reads.
type workflow struct {
	Name string         `yaml:"name"`
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Steps []struct {
			Name string `yaml:"name"`
			Run  string `yaml:"run"`
			Uses string `yaml:"uses"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

var shellSeparators = regexp.MustCompile(`&&|\|\||;|\||\$\(|\)`)

// launchreadyInvocations extracts every `launchready …` command from a run script, up
// to a redirection or the end of its shell segment.
func launchreadyInvocations(script string) [][]string {
	var out [][]string
	for _, line := range strings.Split(script, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "#") || strings.HasPrefix(line, "echo") {
			continue
		}
		line = strings.TrimSuffix(line, "\\")
		for _, seg := range shellSeparators.Split(line, -1) {
			words := strings.Fields(seg)
			for len(words) > 0 && (words[0] == "if" || words[0] == "then" || words[0] == "!") {
				words = words[1:]
			}
			if len(words) == 0 || words[0] != "launchready" {
				continue
			}
			var args []string
			for _, w := range words[1:] {
				if strings.HasPrefix(w, ">") || strings.HasPrefix(w, "<") || strings.HasPrefix(w, "2>") {
					break
				}
				args = append(args, strings.Trim(w, `"'`))
			}
			out = append(out, args)
		}
	}
	return out
}

// TestExampleWorkflows parses every GitHub Actions workflow in examples/ and checks
// that each launchready command it runs exists with the flags it passes.
func TestExampleWorkflows(t *testing.T) {
	files, err := filepath.Glob("../../../examples/github/*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("want at least 4 example workflows (PR plan, apply on merge, drift, deploy), found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wf workflow
			if err := yaml.Unmarshal(data, &wf); err != nil {
				t.Fatalf("not valid YAML: %v", err)
			}
			if wf.Name == "" || len(wf.On) == 0 || len(wf.Jobs) == 0 {
				t.Fatalf("workflow lacks name, on or jobs")
			}
			calls := 0
			for job, j := range wf.Jobs {
				for _, st := range j.Steps {
					if strings.Contains(st.Run, "go install") {
						t.Errorf("job %s step %q installs with go install; use the Action (uses: launchready/launchready@v1)", job, st.Name)
					}
					if strings.Contains(st.Run, "CLOUDFLARE_API_TOKEN=") {
						t.Errorf("job %s step %q sets the token inline; it must come from secrets via env", job, st.Name)
					}
					for _, args := range launchreadyInvocations(st.Run) {
						calls++
						e := &env{lookup: func(string) (string, bool) { return "", false }}
						root := newRoot(e)
						cmd, rest, err := root.Find(args)
						if err != nil || cmd == root {
							t.Errorf("job %s step %q runs `launchready %s`: no such command", job, st.Name, strings.Join(args, " "))
							continue
						}
						if err := cmd.ParseFlags(rest); err != nil {
							t.Errorf("job %s step %q runs `launchready %s`: %v", job, st.Name, strings.Join(args, " "), err)
							continue
						}
						if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
							t.Errorf("job %s step %q runs `launchready %s`: %v", job, st.Name, strings.Join(args, " "), err)
						}
					}
				}
			}
			if calls == 0 {
				t.Errorf("workflow runs no launchready command")
			}
			if !strings.Contains(string(data), "uses: launchready/launchready@v1") {
				t.Errorf("workflow does not install launchready with the Action (uses: launchready/launchready@v1)")
			}
		})
	}
}

func TestLaunchreadyInvocations(t *testing.T) {
	got := launchreadyInvocations("set +e\nlaunchready plan --detailed-exitcode --out plan.json > /dev/null\nif launchready drift --markdown > d.md; then echo ok; fi\ngo install x/launchready@latest\necho launchready fake")
	want := [][]string{{"plan", "--detailed-exitcode", "--out", "plan.json"}, {"drift", "--markdown"}}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], " ") != strings.Join(want[i], " ") {
			t.Errorf("call %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

// TestDeployWorkflow checks the deploy example's order: the repository's secret scan
// gates the deploy job, whose steps run preflight, then the deploy, then verify --smoke.
func TestDeployWorkflow(t *testing.T) {
	data, err := os.ReadFile("../../../examples/github/launchready-deploy.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Needs any `yaml:"needs"`
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
				Uses string `yaml:"uses"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatal(err)
	}
	scan, deploy := wf.Jobs["secret-scan"], wf.Jobs["deploy"]
	scanned := false
	for _, st := range scan.Steps {
		scanned = scanned || strings.HasPrefix(st.Uses, "gitleaks/gitleaks-action@")
	}
	if !scanned || deploy.Needs != "secret-scan" {
		t.Errorf("want a gitleaks secret-scan job that the deploy job needs (scanned %v, needs %v)", scanned, deploy.Needs)
	}
	var order []string
	for _, st := range deploy.Steps {
		switch {
		case strings.Contains(st.Run, "launchready preflight"):
			order = append(order, "preflight")
		case strings.HasPrefix(st.Name, "Deploy"):
			order = append(order, "deploy")
		case strings.Contains(st.Run, "launchready verify --smoke"):
			order = append(order, "verify")
		}
	}
	if strings.Join(order, ",") != "preflight,deploy,verify" {
		t.Errorf("deploy job steps run %v, want preflight, deploy, verify --smoke", order)
	}
}
