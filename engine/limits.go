package engine

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
	"github.com/launchready/launchready/schema"
)

// LimitError is a plan that the zone's Cloudflare plan would refuse in the middle of
// an apply: it is refused at plan time instead, before anything is written. Each
// problem names where launch.hcl asks for it and the plan's limit.
type LimitError struct {
	Problems []string // "launch.hcl:3:1: zone example.com: …"
}

func (e *LimitError) Error() string {
	return "the plan exceeds what the zones' Cloudflare plans allow; nothing was changed:\n  " + strings.Join(e.Problems, "\n  ")
}

// checkLimits holds a computed plan against each Cloudflare zone's plan limits
// (package cfplan): record quota after the plan, the length of every comment it
// writes, the number of rules of each phase after the plan, cache rules' edge TTL
// minimum and the matches operator. A zone whose plan the API did not report is not
// checked. recordQuota, when > 0, replaces the plans' record quota.
func checkLimits(cfg *schema.Config, live map[string]*model.LiveZone, p *plan.Plan, recordQuota int) error {
	var problems []string
	for i := range p.Zones {
		zp := &p.Zones[i]
		z, lz := cfg.Zone(zp.Zone), live[zp.Zone]
		if z == nil || lz == nil || z.ProviderKind != cloudflare.Kind || lz.Plan == "" {
			continue
		}
		problems = append(problems, zoneLimits(z, lz, zp, recordQuota)...)
	}
	if len(problems) == 0 {
		return nil
	}
	return &LimitError{Problems: problems}
}

func at(r hcl.Range) string {
	if r.Filename == "" {
		return ""
	}
	return fmt.Sprintf("%s:%d:%d: ", r.Filename, r.Start.Line, r.Start.Column)
}

func zoneLimits(z *schema.Zone, lz *model.LiveZone, zp *plan.ZonePlan, recordQuota int) []string {
	l, _ := cfplan.For(lz.Plan)
	var out []string
	// The records the zone holds, without an apply's lock (held only while an apply
	// runs, the one that is checking now included). The lock's generation stays, and
	// counts; a zone without one gets it with this apply's lock.
	now, gen := 0, false
	for _, r := range lz.Records {
		if ownership.IsLockGeneration(r) {
			gen = true
		}
		if !ownership.IsLockName(model.CanonicalLiveName(r.Name)) || ownership.IsLockGeneration(r) {
			now++
		}
	}
	add := func(r hcl.Range, format string, args ...any) {
		out = append(out, at(r)+fmt.Sprintf("zone %s: ", z.Name)+fmt.Sprintf(format, args...))
	}
	// Record quota. A Free zone created before September 2024 has 1,000: a zone that
	// already holds more than 200 records must be one.
	quota, source := l.Records, fmt.Sprintf("the %s plan allows %d", l.Name, l.Records)
	if l.Plan == cfplan.Free && now > l.Records {
		quota, source = cfplan.LegacyFreeRecords, fmt.Sprintf("the %s plan allows %d for zones created before September 2024", l.Name, cfplan.LegacyFreeRecords)
	}
	if recordQuota > 0 {
		quota, source = recordQuota, fmt.Sprintf("LAUNCHREADY_CLOUDFLARE_RECORD_QUOTA is %d", recordQuota)
	}
	after, marks := now, 0
	for _, op := range zp.RecordOps {
		switch op.Op {
		case model.OpCreate:
			after++
			if plan.IsRegistryName(op.After.Name) {
				marks++
			}
		case model.OpDelete:
			after--
		}
	}
	// While an apply writes, its lock (ownership.LockName) holds one record too, and a
	// zone's first lock leaves its generation behind.
	lock := 0
	if zp.HasChanges() {
		lock = 1
		if !gen {
			after++
		}
	}
	if after+lock > quota && after+lock > now {
		of := ""
		if marks > 0 {
			of = fmt.Sprintf(", %d of the new ones launchready's ownership marks", marks)
		}
		if lock > 0 && !gen {
			of += ", one of the new ones the apply lock's generation, which stays"
		}
		if lock > 0 && after <= quota {
			of += ", and the apply lock needs one more while it runs"
		}
		add(z.DeclRange, "the zone would hold %d DNS records after this plan (%d now%s); %s (https://developers.cloudflare.com/dns/troubleshooting/faq/)", after, now, of, source)
	}
	// Comments: the whole comment launchready writes.
	seen := map[model.Key]bool{}
	for _, op := range zp.RecordOps {
		if op.After == nil || seen[op.After.Key()] {
			continue
		}
		if n := utf8.RuneCountInString(op.After.Comment); n > l.Comment {
			seen[op.After.Key()] = true
			add(recordRange(z, op.After.Key()), "the comment of %s %s is %d characters; the %s plan allows %d (https://developers.cloudflare.com/dns/manage-dns-records/reference/record-attributes/)",
				op.After.Name, op.After.Type, n, l.Name, l.Comment)
		}
	}
	// Rules.
	phases := []struct {
		phase, what, url string
		limit            int
		blocks           []hcl.Range
		exprs            []string
	}{
		{model.PhaseRedirect, "redirect rules", "https://developers.cloudflare.com/rules/url-forwarding/single-redirects/#availability", l.RedirectRules, nil, nil},
		{model.PhaseCache, "cache rules", "https://developers.cloudflare.com/cache/how-to/cache-rules/#availability", l.CacheRules, nil, nil},
	}
	for _, r := range z.Redirects {
		phases[0].blocks = append(phases[0].blocks, r.DeclRange)
		phases[0].exprs = append(phases[0].exprs, r.Rule.Expression)
	}
	for _, c := range z.Caches {
		phases[1].blocks = append(phases[1].blocks, c.DeclRange)
		phases[1].exprs = append(phases[1].exprs, c.Rule.Expression)
		if c.Rule.Cache != nil && !c.Rule.Cache.Bypass && c.Rule.Cache.EdgeTTL > 0 && c.Rule.Cache.EdgeTTL < l.MinEdgeTTL {
			add(c.DeclRange, "cache %q sets edge_ttl to %d seconds; the %s plan's minimum is %d seconds (https://developers.cloudflare.com/cache/how-to/edge-browser-cache-ttl/#edge-cache-ttl)",
				c.Name, c.Rule.Cache.EdgeTTL, l.Name, l.MinEdgeTTL)
		}
	}
	for _, ph := range phases {
		for i, x := range ph.exprs {
			if !l.Matches && cfplan.UsesMatches(x) {
				add(ph.blocks[i], "the expression uses the matches operator, which needs a Business or Enterprise plan; this zone is on the %s plan (https://developers.cloudflare.com/ruleset-engine/rules-language/operators/#comparison-operators)", l.Name)
			}
		}
		rules, written := zp.RuleWrites[ph.phase]
		if !written {
			continue
		}
		if n := len(rules); n > ph.limit {
			rng := z.DeclRange
			if len(ph.blocks) > 0 {
				rng = ph.blocks[min(ph.limit, len(ph.blocks)-1)]
			}
			add(rng, "the zone would have %d %s after this plan (hand-made ones included); the %s plan allows %d (%s)", n, ph.what, l.Name, ph.limit, ph.url)
		}
	}
	return out
}

// recordRange is where launch.hcl declares a record set (the zone block if unknown).
func recordRange(z *schema.Zone, k model.Key) hcl.Range {
	for _, r := range z.Records {
		if r.Name == k.Name && r.Type == k.Type {
			return r.DeclRange
		}
	}
	return z.DeclRange
}

// IsLimit reports whether err is a plan refused for its zones' plan limits.
func IsLimit(err error) bool {
	var le *LimitError
	return errors.As(err, &le)
}
