package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
	"github.com/launchready/launchready/schema"
)

func newDoctorCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check, read-only, that the Cloudflare account can do what launch.hcl needs",
		Long: `doctor checks, without changing anything, what the current launch.hcl needs from the Cloudflare account: that the API token is valid, each permission group it needs (present or missing), each zone's plan, and the headroom against that plan's limits (DNS records now and after this plan against the quota; rules against the rule limit).

Exit 0 when everything needed is present, 1 otherwise.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			eng, err := e.newEngine(nil)
			if err != nil {
				return err
			}
			ok, err := doctor(cmd, e, eng)
			if err != nil {
				return exitCode(ExitError, err)
			}
			if !ok {
				return exitCode(ExitError, errors.New("the account is not ready for this launch.hcl (see above)"))
			}
			fmt.Fprintln(e.stdout, "Everything launch.hcl needs from the account is there.")
			return nil
		},
	}
}

// neededGroups lists the permission groups a zone's blocks need.
func neededGroups(z *schema.Zone) []string {
	gs := []string{cfplan.ZoneRead, cfplan.DNSEdit}
	if z.Settings != nil {
		gs = append(gs, cfplan.SettingsEdit)
	}
	if len(z.Redirects) > 0 {
		gs = append(gs, cfplan.RedirectEdit)
	}
	if len(z.Caches) > 0 {
		gs = append(gs, cfplan.CacheRulesEdit)
	}
	return gs
}

func doctor(cmd *cobra.Command, e *env, eng *engine.Engine) (bool, error) {
	ctx := cmd.Context()
	prov, _ := eng.Providers[cloudflare.Kind].(*cloudflare.Provider)
	if prov == nil {
		fmt.Fprintln(e.stdout, "No zone of launch.hcl is on Cloudflare: nothing to check.")
		return true, nil
	}
	ok := true
	if err := prov.VerifyToken(ctx); err != nil {
		fmt.Fprintf(e.stdout, "Cloudflare API token: NOT VALID: %v\n", err)
		return false, nil
	}
	fmt.Fprintln(e.stdout, "Cloudflare API token: valid and active")

	// The plan, for the headroom "after this plan"; it may fail (e.g. a missing
	// permission), which the checks below explain.
	p, live, planErr := eng.Plan(ctx)
	if planErr != nil && engine.IsLimit(planErr) {
		ok = false
	}
	for _, z := range eng.Config.Zones {
		if z.ProviderKind != cloudflare.Kind {
			fmt.Fprintf(e.stdout, "\nzone %s (%s): not a Cloudflare zone, not checked\n", z.Name, z.Provider)
			continue
		}
		need := neededGroups(z)
		a, err := prov.CheckAccess(ctx, z.Name, need)
		if err != nil {
			return false, err
		}
		l, known := cfplan.For(a.Plan)
		planName := l.Name
		if !known {
			planName = "plan unknown (" + a.Plan + "), Free limits assumed"
		}
		fmt.Fprintf(e.stdout, "\nzone %s: Cloudflare %s\n", a.Zone, planName)
		for _, g := range need {
			st := a.Groups[g]
			line := fmt.Sprintf("  %-22s %s", g, st)
			switch st {
			case cloudflare.AccessMissing:
				ok = false
				line += "  <- add it to the token (" + groupUse(g) + ")"
			case cloudflare.AccessUnknown:
				line += " (Read works; Edit cannot be checked without writing)"
			}
			fmt.Fprintln(e.stdout, line)
		}
		var zp *planZone
		if planErr == nil {
			zp = findZone(p, live, z.Name)
		}
		// Records.
		quota := l.Records
		if l.Plan == cfplan.Free && a.Records > l.Records {
			quota = cfplan.LegacyFreeRecords
		}
		if eng.RecordQuota > 0 {
			quota = eng.RecordQuota
		}
		if a.Records >= 0 {
			after := "unknown (no plan)"
			if zp != nil {
				n := zp.records
				after = fmt.Sprint(n)
				if n > quota {
					ok = false
					after += " OVER THE QUOTA"
				}
			}
			fmt.Fprintf(e.stdout, "  DNS records: %d now, %s after this plan; quota %d\n", a.Records, after, quota)
		}
		for _, ph := range []struct {
			phase, what string
			limit       int
		}{{model.PhaseRedirect, "redirect rules", l.RedirectRules}, {model.PhaseCache, "cache rules", l.CacheRules}} {
			now, read := a.Rules[ph.phase]
			if !read {
				continue
			}
			after := fmt.Sprint(now)
			if zp != nil {
				if rs, w := zp.rules[ph.phase]; w {
					after = fmt.Sprint(rs)
					if rs > ph.limit {
						ok = false
						after += " OVER THE LIMIT"
					}
				}
			}
			fmt.Fprintf(e.stdout, "  %s: %d now, %s after this plan; limit %d\n", ph.what, now, after, ph.limit)
		}
	}
	if planErr != nil {
		first, _, _ := strings.Cut(planErr.Error(), "\n")
		if engine.IsLimit(planErr) {
			first = planErr.Error()
		}
		fmt.Fprintf(e.stdout, "\nplan: %s\n", first)
	}
	return ok, nil
}

// groupUse says which blocks need a group.
func groupUse(g string) string {
	switch g {
	case cfplan.ZoneRead:
		return "to find the zone"
	case cfplan.DNSEdit:
		return "for DNS records"
	case cfplan.SettingsEdit:
		return "for the settings block"
	case cfplan.RedirectEdit:
		return "for redirect blocks"
	case cfplan.CacheRulesEdit:
		return "for cache blocks"
	}
	return "needed"
}

// planZone is a zone's figures after a plan.
type planZone struct {
	records int
	rules   map[string]int // phases the plan rewrites
}

func findZone(p *plan.Plan, live map[string]*model.LiveZone, zone string) *planZone {
	for i := range p.Zones {
		zp := &p.Zones[i]
		if zp.Zone != zone || live[zone] == nil {
			continue
		}
		out := &planZone{records: len(live[zone].Records), rules: map[string]int{}}
		for _, op := range zp.RecordOps {
			switch op.Op {
			case model.OpCreate:
				out.records++
			case model.OpDelete:
				out.records--
			}
		}
		for ph, rs := range zp.RuleWrites {
			out.rules[ph] = len(rs)
		}
		return out
	}
	return nil
}
