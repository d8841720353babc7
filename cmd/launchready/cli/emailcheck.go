package cli

import (
	"context"
	"time"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/email/analysis"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

// attachEmailFindings runs the online email analysis (SPF include tree and lookup
// limits, DKIM keys, DMARC records and report authorisation) for every zone with an
// email block, against DNS as it will be after apply: the zone's records once the
// plan's writes are made (records left alone included), and live DNS for every other
// name. Errors and warnings go into the plan, whose renderers show them. resolver ""
// is the system's.
func attachEmailFindings(ctx context.Context, p *plan.Plan, cfg *schema.Config, live map[string]*model.LiveZone, resolver string) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	r := email.NewDNSResolver(resolver)
	r.Timeout = 2 * time.Second
	for i := range p.Zones {
		zp := &p.Zones[i]
		z := cfg.Zone(zp.Zone)
		lz := live[zp.Zone]
		if z == nil || z.Email == nil || lz == nil {
			continue
		}
		after := plan.RecordsAfter(lz.Records, zp.RecordOps)
		zp.EmailChecked = true
		zp.EmailFindings = nil
		for _, f := range analysis.Analyze(ctx, analysis.WithZone(r, z.Name, after), z.Name, z.Email) {
			if f.Severity == email.Info {
				continue
			}
			zp.EmailFindings = append(zp.EmailFindings, plan.Finding{Severity: string(f.Severity), Check: f.Check, Message: f.Message, Chain: f.Chain})
		}
	}
}

// emailResolver is the DNS server the email checks use: --resolver, else the
// simulator's own when CLOUDFLARE_BASE_URL is a launchready simulator, else the
// system's ("").
func (e *env) emailResolver(ctx context.Context, flag string) string {
	if flag != "" {
		return flag
	}
	if base := e.getenv("CLOUDFLARE_BASE_URL"); base != "" {
		if info, ok := fetchSimEdge(ctx, base, e.getenv("CLOUDFLARE_API_TOKEN")); ok {
			return info.DNS
		}
	}
	return ""
}
