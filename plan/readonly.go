package plan

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// checkReadOnly refuses a declared record set that collides with a record the
// provider manages read-only: same name and type (for TXT: an SPF policy beside
// Email Routing's SPF record, or any TXT at its DKIM name). launchready could neither
// replace nor remove the read-only record, so the zone would serve both.
func checkReadOnly(z *schema.Zone, ro []model.Record) error {
	var problems []string
	for _, d := range z.Records {
		for _, r := range ro {
			if model.CanonicalLiveName(r.Name) != d.Name || !strings.EqualFold(r.Type, d.Type) {
				continue
			}
			if d.Type == "TXT" && isSPF(r.Value) && !anySPF(d.Values) {
				continue // a verification TXT beside Email Routing's SPF is fine
			}
			pos := ""
			if d.DeclRange.Filename != "" {
				pos = fmt.Sprintf("%s:%d:%d: ", d.DeclRange.Filename, d.DeclRange.Start.Line, d.DeclRange.Start.Column)
			}
			problems = append(problems, fmt.Sprintf("%szone %s: %s %s collides with %s %s %s, which %s manages (read-only: it cannot be changed or deleted through the API); remove the declaration, or turn %s off for the zone",
				pos, z.Name, model.RelativeName(d.Name, z.Name), d.Type, r.Name, r.Type, r.Value, r.ReadOnly, r.ReadOnly))
			break
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

func isSPF(v string) bool {
	return strings.HasPrefix(strings.ToLower(strings.Trim(strings.TrimSpace(v), `"`)), "v=spf1")
}

func anySPF(vs []string) bool {
	for _, v := range vs {
		if isSPF(v) {
			return true
		}
	}
	return false
}

// readOnlyLine describes a zone's read-only records for plans.
func readOnlyLine(z *ZonePlan) string {
	if len(z.ReadOnly) == 0 {
		return ""
	}
	by := map[string]bool{}
	var owners []string
	for _, r := range z.ReadOnly {
		if !by[r.ReadOnly] {
			by[r.ReadOnly] = true
			owners = append(owners, r.ReadOnly)
		}
	}
	n := len(z.ReadOnly)
	s := "s"
	if n == 1 {
		s = ""
	}
	return fmt.Sprintf("%d record%s managed by Cloudflare (%s), read-only, left alone", n, s, strings.Join(owners, ", "))
}
