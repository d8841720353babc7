package cloudflare

import (
	"context"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// Access statuses of a permission group.
const (
	AccessPresent = "present"
	AccessMissing = "missing"
	// AccessUnknown: the Read half works but Edit cannot be checked without writing
	// (the zone object did not list the token's permissions).
	AccessUnknown = "not checked"
)

// Access is what a token may do on one zone, found with read-only requests.
type Access struct {
	Zone string
	// Plan is the zone's plan legacy_id ("" when the zone could not be read).
	Plan string
	// Groups maps each permission group asked about to an Access* status.
	Groups map[string]string
	// Records is the zone's current record count (-1 when unreadable).
	Records int
	// Rules maps a rule phase to its current rule count (absent when unreadable).
	Rules map[string]int
}

// CheckAccess finds, without writing anything, which of groups (cfplan names, e.g.
// "DNS:Edit") the token holds on zone: a Read half is tried with a read request of
// the endpoint it guards; an Edit half is taken from the zone object's permissions
// list when the API sends one, and is AccessUnknown otherwise. It also reports the
// zone's plan, record count and rule counts.
func (p *Provider) CheckAccess(ctx context.Context, zone string, groups []string) (*Access, error) {
	a := &Access{Zone: zone, Groups: map[string]string{}, Records: -1, Rules: map[string]int{}}
	name, facts, err := p.zoneInfo(ctx, zone)
	if _, ok := IsPermission(err); ok {
		for _, g := range groups {
			a.Groups[g] = AccessUnknown
		}
		a.Groups[cfplan.ZoneRead] = AccessMissing
		return a, nil
	}
	if err != nil {
		return nil, err
	}
	a.Zone, a.Plan = name, facts.plan
	readOK := map[string]bool{}
	probe := func(res string, f func() error) {
		err := f()
		if _, ok := IsPermission(err); ok {
			return
		}
		if err == nil {
			readOK[res] = true
		}
	}
	probe("DNS", func() error {
		ws, err := p.api.listRecords(ctx, facts.id, "")
		if err == nil {
			a.Records = len(ws)
		}
		return denied(name, cfplan.DNSRead, "read DNS records", err)
	})
	for _, g := range groups {
		res, _, _ := strings.Cut(g, ":")
		if res == "Zone Settings" && !readOK[res] {
			probe(res, func() error {
				_, err := p.api.setting(ctx, facts.id, model.SettingSSL)
				return denied(name, cfplan.SettingsRead, "read zone settings", err)
			})
		}
		for _, phase := range []string{model.PhaseRedirect, model.PhaseCache} {
			if cfplan.PhaseGroup(phase, false) == res+":Read" && !readOK[res] {
				probe(res, func() error {
					rs, err := p.api.entrypoint(ctx, facts.id, phase)
					if err == nil {
						a.Rules[phase] = 0
						if rs != nil {
							a.Rules[phase] = len(rs.Rules)
						}
					}
					return denied(name, cfplan.PhaseGroup(phase, false), "read rules", err)
				})
			}
		}
	}
	readOK["Zone"] = true
	for _, g := range groups {
		res, level, _ := strings.Cut(g, ":")
		switch {
		case !readOK[res]:
			a.Groups[g] = AccessMissing
		case level == "Read":
			a.Groups[g] = AccessPresent
		case len(facts.perms) == 0:
			a.Groups[g] = AccessUnknown
		case hasString(facts.perms, cfplan.ZonePermission(g)):
			a.Groups[g] = AccessPresent
		default:
			a.Groups[g] = AccessMissing
		}
	}
	return a, nil
}

func hasString(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
