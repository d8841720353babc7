package preflight

import (
	"sort"
	"strings"
)

// Spec is what to check (schema.Preflight without source ranges).
type Spec struct {
	RequiredEnv       []string
	PublicEnvPrefixes []string
	PublicEnvAllow    []string
}

// Check names.
const (
	CheckRequired = "required" // set, non-empty, not a placeholder
	CheckPublic   = "public"   // a public variable holds no secret
)

// Problems a failed check reports.
const (
	ProblemMissing     = "missing"
	ProblemEmpty       = "empty"
	ProblemPlaceholder = "placeholder"
	ProblemSecret      = "secret"
)

// Result is one check of one variable. It never holds the variable's value.
type Result struct {
	Name    string `json:"name"`
	Check   string `json:"check"`
	OK      bool   `json:"ok"`
	Problem string `json:"problem,omitempty"` // one of the Problem constants when !OK
	// Kind is what the placeholder or the secret looks like ("a to-do marker",
	// "stripe-access-token"); empty otherwise.
	Kind string `json:"kind,omitempty"`
	// Rule is the detection rule for a secret: "gitleaks:<rule id>" or
	// "launchready:<rule>".
	Rule    string `json:"rule,omitempty"`
	Message string `json:"message"`
}

// Report is the outcome of Run.
type Report struct {
	OK      bool     `json:"ok"`
	Passed  int      `json:"passed"`
	Failed  int      `json:"failed"`
	Results []Result `json:"results"`
}

// Run checks the environment: lookup reads a variable; names lists every variable set
// in the environment (for the public-prefix scan of variables preflight does not
// require). Required variables come first, in the order declared, then the other
// public variables by name.
func Run(spec Spec, lookup func(string) (string, bool), names []string) Report {
	var r Report
	add := func(res Result) {
		if res.OK {
			r.Passed++
		} else {
			r.Failed++
		}
		r.Results = append(r.Results, res)
	}
	allowed := map[string]bool{}
	for _, n := range spec.PublicEnvAllow {
		allowed[n] = true
	}
	publicCheck := func(name, value string) {
		pre := publicPrefix(spec.PublicEnvPrefixes, name)
		if pre == "" || strings.TrimSpace(value) == "" {
			return
		}
		if allowed[name] {
			add(Result{Name: name, Check: CheckPublic, OK: true,
				Message: "public by design (public_env_allow): not checked for secrets"})
			return
		}
		if s, found := DetectSecret(name, pre, value); found {
			add(Result{Name: name, Check: CheckPublic, Problem: ProblemSecret, Kind: s.Kind, Rule: s.Rule,
				Message: "holds a secret (" + s.Kind + ", rule " + s.Rule + ") but its prefix " + pre +
					" ships its value to browsers: keep it server-side under a name without the prefix, and rotate it if it was ever deployed"})
			return
		}
		add(Result{Name: name, Check: CheckPublic, OK: true, Message: "public (" + pre + "), holds no secret"})
	}

	seen := map[string]bool{}
	for _, name := range spec.RequiredEnv {
		seen[name] = true
		value, set := lookup(name)
		switch {
		case !set:
			add(Result{Name: name, Check: CheckRequired, Problem: ProblemMissing, Message: "required, but not set"})
			continue
		case strings.TrimSpace(value) == "":
			msg := "required, but set to an empty value"
			if value != "" {
				msg = "required, but set to only whitespace"
			}
			add(Result{Name: name, Check: CheckRequired, Problem: ProblemEmpty, Message: msg})
			continue
		}
		if kind, bad := Placeholder(value); bad {
			add(Result{Name: name, Check: CheckRequired, Problem: ProblemPlaceholder, Kind: kind,
				Message: "required, but holds a placeholder (" + kind + "), not a real value"})
		} else {
			add(Result{Name: name, Check: CheckRequired, OK: true, Message: "set"})
		}
		publicCheck(name, value)
	}

	var others []string
	for _, name := range names {
		if !seen[name] && publicPrefix(spec.PublicEnvPrefixes, name) != "" {
			seen[name] = true
			others = append(others, name)
		}
	}
	sort.Strings(others)
	for _, name := range others {
		if value, set := lookup(name); set {
			publicCheck(name, value)
		}
	}
	r.OK = r.Failed == 0
	return r
}

func publicPrefix(prefixes []string, name string) string {
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return p
		}
	}
	return ""
}

// EnvironNames returns the names of an os.Environ()-style list.
func EnvironNames(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		if name, _, ok := strings.Cut(kv, "="); ok && name != "" {
			out = append(out, name)
		}
	}
	return out
}
