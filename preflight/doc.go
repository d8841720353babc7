// Package preflight checks the environment of the CI step before a deploy, from the
// `preflight` block of launch.hcl:
//
//   - every required variable is set, non-empty and not a placeholder (placeholder.go
//     lists the forms: to-do and change-me markers, <…> templates, unexpanded ${…}
//     references, runs of x, your-…-here, RFC 2606 documentation domains, …);
//   - no variable whose name has a public prefix (NEXT_PUBLIC_, VITE_, …: its value is
//     inlined into browser bundles) holds a secret (secrets.go: gitleaks' default
//     rules, plus a few of our own for what those rules do not cover).
//
// Values are read, classified and dropped: a Result names the variable, the check and
// the kind of problem, and never carries, prints or logs the value itself.
package preflight
