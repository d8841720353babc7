package plan

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/model"
)

// noteZoneStatus copies the provider's zone status and assigned name servers into
// the plan when the zone is not active, so that nobody reads a clean plan while the
// world still reads the old provider.
func noteZoneStatus(zp *ZonePlan, lz *model.LiveZone) {
	if lz == nil || lz.Status == "" || lz.Status == "active" {
		return
	}
	zp.Status = lz.Status
	zp.Nameservers = append([]string(nil), lz.Nameservers...)
}

// statusNote is the text shown beside the zone header of a zone that is not active
// ("" when it is).
func statusNote(z *ZonePlan) string {
	if z.Status == "" {
		return ""
	}
	switch {
	case len(z.Nameservers) == 0:
		return fmt.Sprintf("zone %s at the provider: its records are not served yet", z.Status)
	case z.Status == "pending" || z.Status == "initializing":
		return fmt.Sprintf("zone %s at the provider: set the name servers %s at the registrar; until then the world reads the old provider", z.Status, strings.Join(z.Nameservers, ", "))
	default:
		return fmt.Sprintf("zone %s at the provider: its records are not served; the registrar must list %s", z.Status, strings.Join(z.Nameservers, ", "))
	}
}
