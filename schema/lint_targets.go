package schema

import (
	"strings"
)

// lintTargetsWithoutAddress warns about an MX or SRV record whose target is a name
// inside its own zone with no A or AAAA record declared for it: mail (or the
// service) sent there is lost, and BIND's integrity checks (check-integrity, on by
// default for primary zones) refuse a dynamic update that adds such a record, so an
// RFC 2136 apply of it fails. A target served by records outside launch.hcl (a zone
// with authoritative = false) is fine: the warning says so.
func (l *loader) lintTargetsWithoutAddress() {
	for _, zs := range l.zones {
		for _, d := range zs.records {
			rec := d.rec
			if rec.Type != "MX" && rec.Type != "SRV" {
				continue
			}
			for _, v := range rec.Values {
				f := strings.Fields(v)
				if len(f) == 0 {
					continue
				}
				target := strings.ToLower(strings.TrimSuffix(f[len(f)-1], "."))
				if target == "" || (target != zs.z.Name && !strings.HasSuffix(target, "."+zs.z.Name)) {
					continue // the null MX/SRV ("."), or a name in another zone
				}
				if hasAddressRecord(zs, target) {
					continue
				}
				rng := d.nameRange
				if r, ok := d.valueRanges.get(v); ok {
					rng = r
				}
				what := "Mail"
				if rec.Type == "SRV" {
					what = "Traffic for this service"
				}
				l.warnf(rng, rec.Type+" target has no address record",
					"%s points at %s, inside this zone, but the zone declares no A or AAAA record for it (a CNAME does not count: RFC 2181 §10.3). %s sent there is lost, and a BIND server refuses the update that adds this record (its integrity checks). Add an A or AAAA record for %s, or ignore this if it is served by records outside launch.hcl.",
					rec.Type, target, what, target)
			}
		}
	}
}

// hasAddressRecord reports whether the zone declares an A or AAAA record at host,
// directly or through a wildcard.
func hasAddressRecord(zs *zoneState, host string) bool {
	for _, r := range zs.z.Records {
		if r.Type != "A" && r.Type != "AAAA" {
			continue
		}
		if r.Name == host {
			return true
		}
		if rest, ok := strings.CutPrefix(r.Name, "*."); ok && strings.HasSuffix(host, "."+rest) {
			return true
		}
	}
	return false
}
