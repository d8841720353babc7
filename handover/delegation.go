package handover

import (
	"fmt"
	"strings"
)

// renderDelegation writes the zone's "Delegation" section: the name servers and DS
// record the registrar must hold, what verify last found at the parent, and how to
// change them.
func renderDelegation(d *md, in Input, v *zoneView) {
	d.heading(3, "Delegation")
	zone := v.z.Name
	del := in.Delegations[zone]

	var ns []string
	source := ""
	switch {
	case del != nil && len(del.Nameservers) > 0:
		ns = del.Nameservers
		source = "assigned by the provider"
		if v.kind != "cloudflare" {
			source = "the zone's apex NS records"
		}
	case len(v.assigned) > 0:
		ns, source = v.assigned, "assigned by the provider"
	case len(v.nameservers) > 0:
		ns, source = v.nameservers, "the zone's apex NS records"
	}
	if len(ns) == 0 {
		d.para("The name servers the registrar must list for ", code(zone), " were not read (no live state): run `launchready handover` with provider credentials.")
	} else {
		d.para("The registrar (where ", code(zone), " is registered) must list exactly these name servers (", source, "), and no others:")
		for _, n := range ns {
			d.line("- ", code(n))
		}
		d.blank()
	}
	if del != nil && del.Status != "" && del.Status != "active" {
		d.para("**The zone is ", text(del.Status), " at the provider:** its records are not what the world reads until the registrar lists the name servers above.")
	}

	switch sec := (func() string {
		if del == nil || del.DNSSEC == nil {
			return ""
		}
		return del.DNSSEC.Status
	})(); {
	case sec == "":
		d.para("DNSSEC: not read in this run (`apply --no-verify` skips the delegation reads; `launchready handover` reads them). A DS record at the registrar must match the zone's key, or be absent.")
	case del.DNSSEC.Signed():
		if len(del.DNSSEC.DS) == 0 {
			d.para("DNSSEC is ", text(sec), ": the registrar must hold the zone's DS record (the provider did not report it).")
			break
		}
		d.para("DNSSEC is ", text(sec), ": the registrar must hold this DS record (key tag, algorithm, digest type, digest):")
		for _, ds := range del.DNSSEC.DS {
			d.line("- ", code(zone+". DS "+ds))
		}
		d.blank()
	default:
		d.para("DNSSEC is ", text(sec), ": the registrar must hold **no** DS record for the zone. A leftover DS (from an old provider) makes every validating resolver answer SERVFAIL for every name in the zone.")
	}

	if in.Verify != nil {
		var rows [][]string
		for _, z := range in.Verify.Zones {
			for _, r := range z.Results {
				if r.Kind == "delegation" && (r.Zone == zone || z.Zone == zone) {
					rows = append(rows, []string{code(r.Name), text(r.Check), strings.ToUpper(r.Status), text(r.Reason)})
				}
			}
		}
		if len(rows) > 0 {
			d.para("At the parent, as last verified ", verifiedAt(in), ":")
			d.table([]string{"Name", "Check", "Status", "Finding"}, rows)
		}
	}

	d.para(fmt.Sprintf("To change them: in the registrar's dashboard, open the domain's name server setting (often \"Nameservers\" or \"DNS\"), choose custom name servers and enter exactly the list above; DS records are under its DNSSEC setting. The parent zone serves the change within minutes to hours, but resolvers may keep the old set for as long as the parent's NS TTL (often one or two days): keep the old provider serving the same records until then, and remove an old DS before the zone stops being signed with its key. `launchready verify` checks the parent (kind `%s`).", "delegation"))
}
