package handover

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/schema"
)

// Input is everything the map is drawn from. Render reads nothing else: no clock, no
// environment, no network.
type Input struct {
	// Config is the parsed launch.hcl (required).
	Config *schema.Config
	// Live is the live state by canonical zone name. nil (or a missing zone) draws
	// that zone from the config only: no nameservers, no records made by hand, no
	// ownership or sync state.
	Live map[string]*model.LiveZone
	// Verify is the latest verify report (ReadVerifyJSON); nil means not verified yet.
	Verify *VerifyReport
	// VerifiedAt is the time shown for Verify; zero uses the report's started_at.
	VerifiedAt time.Time
	// Delegations are what the providers say each zone's delegation must be (name
	// servers, status, DNSSEC and DS), by canonical zone name; a missing zone falls
	// back to the live name servers and says DNSSEC was not read.
	Delegations map[string]*model.Delegation
}

// Render writes the DNS map as Markdown to w. The same Input always gives the same
// bytes, whatever the order of zones, records and verify results in it.
func Render(w io.Writer, in Input) error {
	if in.Config == nil {
		return errors.New("writing the DNS map: no config")
	}
	zones := append([]*schema.Zone(nil), in.Config.Zones...)
	sort.SliceStable(zones, func(i, j int) bool { return zones[i].Name < zones[j].Name })
	views := make([]*zoneView, 0, len(zones))
	for _, z := range zones {
		var live *model.LiveZone
		if in.Live != nil {
			live = in.Live[z.Name]
		}
		views = append(views, newZoneView(in.Config, z, live))
	}

	var d md
	d.heading(1, "DNS map")
	d.para("What every zone declared in launch.hcl serves and why, who owns each record, where traffic goes, ",
		"who may send mail, what was last verified, where the secrets live, and what to do when something must change. ",
		"`launchready handover` writes this file and `launchready apply` refreshes it: change launch.hcl, not this file.")
	renderOverview(&d, in, views)
	for _, v := range views {
		renderZone(&d, in, v)
	}
	renderSecrets(&d, in.Config, views)
	renderRunbooks(&d, in.Config, views)

	if _, err := io.WriteString(w, strings.TrimRight(d.b.String(), "\n")+"\n"); err != nil {
		return fmt.Errorf("writing the DNS map: %w", err)
	}
	return nil
}

func verifiedAt(in Input) string {
	t := in.VerifiedAt
	if t.IsZero() && in.Verify != nil {
		t = in.Verify.StartedAt
	}
	if t.IsZero() {
		return "at an unknown time"
	}
	return "at " + t.UTC().Format("2006-01-02 15:04:05 UTC")
}

func renderOverview(d *md, in Input, views []*zoneView) {
	d.heading(2, "Zones")
	if len(views) == 0 {
		d.para("The configuration declares no zone.")
		return
	}
	rows := make([][]string, 0, len(views))
	for _, v := range views {
		rows = append(rows, []string{
			code(v.z.Name),
			text(providerLabel(in.Config, v)),
			nameserversCell(in.Config, v),
			modeLabel(v.z),
			text(syncLabel(v)),
		})
	}
	d.table([]string{"Zone", "Provider", "Nameservers", "Mode", "State"}, rows)
	switch {
	case in.Live == nil:
		d.para("Live state was not read for this map: it shows what launch.hcl declares. Run `launchready handover` with provider credentials to add nameservers, records made by hand and ownership.")
	default:
		d.para("Live state was read from the providers when this map was written; the State columns say what the next `launchready apply` would do.")
	}
	if in.Verify == nil {
		d.para("Not verified yet: run `launchready verify`.")
	} else {
		s := in.Verify.Summary
		d.para("Last verified ", verifiedAt(in), fmt.Sprintf(": %d passed, %d warnings, %d failed, %d skipped.", s.Pass, s.Warn, s.Fail, s.Skip))
	}
}

func providerLabel(cfg *schema.Config, v *zoneView) string {
	if v.kind == "cloudflare" {
		return "Cloudflare"
	}
	if p := cfg.Providers[v.z.Provider]; p != nil && p.Server != "" {
		return v.z.Provider + " (RFC 2136 at " + p.Server + ")"
	}
	return v.z.Provider
}

// nameserversCell says which name servers answer for the zone: the ones the provider
// says it assigned (Cloudflare's name_servers) where it said, else the apex NS records
// read. Apex NS records that differ from the assigned servers are shown after them.
func nameserversCell(cfg *schema.Config, v *zoneView) string {
	if len(v.assigned) > 0 {
		s := codeList(v.assigned)
		if len(v.nameservers) > 0 && !slices.Equal(sortedUnique(v.assigned), v.nameservers) {
			s += "<br>apex NS records: " + codeList(v.nameservers)
		}
		return s
	}
	if len(v.nameservers) > 0 {
		return codeList(v.nameservers)
	}
	if v.kind == "cloudflare" {
		return "Cloudflare-assigned (shown on the zone's overview page in the dashboard)"
	}
	if v.live != nil {
		return "no NS records at the apex were read"
	}
	return "not read (no live state)"
}

// modeLabel says how the zone is managed, as Markdown.
func modeLabel(z *schema.Zone) string {
	s := "additive: records made by hand are left alone"
	if z.Authoritative {
		s = "authoritative: records not in the file are deleted"
	}
	if len(z.Ignore) > 0 || len(z.IgnoreRules) > 0 {
		globs := append([]string(nil), z.Ignore...)
		if len(z.IgnoreRules) > 0 {
			globs = globs[:0]
			for _, r := range z.IgnoreRules {
				globs = append(globs, r.String())
			}
		}
		sort.Strings(globs)
		for i, g := range globs {
			globs[i] = code(g)
		}
		return text(s) + "; never touched: " + strings.Join(globs, ", ")
	}
	return text(s)
}

func syncLabel(v *zoneView) string {
	switch {
	case v.live == nil:
		return "live state not read"
	case v.planErr != "":
		return "could not be compared with the file"
	case v.zp == nil:
		return "unknown"
	}
	s := v.zp.Summary()
	if s.Add+s.Change+s.Delete+s.Adopt+s.Forget == 0 {
		return "in sync with launch.hcl"
	}
	var parts []string
	for _, p := range []struct {
		n    int
		verb string
	}{{s.Add, "to add"}, {s.Change, "to change"}, {s.Delete, "to delete"}, {s.Adopt, "to adopt"}, {s.Forget, "to stop managing"}} {
		if p.n > 0 {
			parts = append(parts, strconv.Itoa(p.n)+" "+p.verb)
		}
	}
	return "pending: " + strings.Join(parts, ", ")
}

func renderZone(d *md, in Input, v *zoneView) {
	z := v.z
	d.heading(2, "Zone "+code(z.Name))
	var intro []string
	intro = append(intro, "Provider: "+text(providerLabel(in.Config, v))+".")
	intro = append(intro, "Mode: "+modeLabel(z)+".")
	if v.live != nil && v.live.Serial != 0 {
		intro = append(intro, "SOA serial when read: "+strconv.FormatUint(uint64(v.live.Serial), 10)+".")
	}
	d.para(strings.Join(intro, " "))
	if v.planErr != "" {
		d.para("**Live state could not be compared with the file:** ", text(v.planErr), ". Ownership and sync state are not shown.")
	}
	renderDelegation(d, in, v)

	d.heading(3, "Records")
	renderRecords(d, v)

	d.heading(3, "Redirects")
	none := "No redirects."
	if !v.caps.Redirects {
		none = "This provider has no edge to run redirects: any redirect is served by the servers behind these names."
	}
	renderRules(d, v, v.redirects, []string{"From", "To", "Status", "Query string"}, none)

	d.heading(3, "SSL/TLS settings")
	if len(v.settings) == 0 {
		if v.caps.Settings {
			d.para("No settings are declared: the zone keeps whatever the dashboard says.")
		} else {
			d.para("This provider has no edge settings: TLS is whatever the servers behind these names do.")
		}
	} else {
		header := []string{"Setting", "Declared"}
		if v.live != nil {
			header = append(header, "Live")
		}
		if v.hasState() {
			header = append(header, "State")
		}
		d.table(header, v.settings)
	}

	d.heading(3, "Cache rules")
	none = "No cache rules: the edge caches by its defaults."
	if !v.caps.Cache {
		none = "This provider has no edge cache: caching is up to the servers behind these names."
	}
	renderRules(d, v, v.caches, []string{"Matches", "Cache", "Edge TTL", "Browser TTL"}, none)

	d.heading(3, "Email sending")
	switch {
	case v.matrix == nil && v.live == nil:
		d.para("launch.hcl declares no SPF, DKIM or DMARC record for this zone (and live state was not read): mail sent as ", code("@"+z.Name), " is likely to be rejected or land in spam. Declare an `email` block before sending any.")
	case v.matrix == nil:
		d.para("This zone publishes no SPF, DKIM or DMARC record: mail sent as ", code("@"+z.Name), " is likely to be rejected or land in spam. Declare an `email` block before sending any.")
	default:
		renderMatrix(d, z.Name, v.matrix)
	}

	if len(z.Checks) > 0 {
		d.heading(3, "HTTP checks")
		renderChecks(d, z)
	}

	d.heading(3, "Latest verify results")
	renderVerify(d, in, z.Name)

	d.heading(3, "Traffic")
	renderDiagram(d, v)
}

func renderRecords(d *md, v *zoneView) {
	if len(v.sets) == 0 {
		d.para("No records.")
		return
	}
	header := []string{"Name", "Type", "Values", "TTL"}
	if v.caps.Proxied {
		header = append(header, "Proxied")
	}
	header = append(header, "Purpose", "Owner")
	if v.hasState() {
		header = append(header, "State")
	}
	rows := make([][]string, 0, len(v.sets))
	shortened := false
	for _, s := range v.sets {
		vals := make([]string, len(s.values))
		for i, x := range s.values {
			vals[i] = shorten(x, displayValueLen)
			shortened = shortened || vals[i] != x
		}
		for i, x := range s.values {
			if o := s.heldBy[x]; o != "" {
				vals[i] = code(vals[i]) + " (owner " + code(o) + ")"
			} else {
				vals[i] = code(vals[i])
			}
		}
		cell := strings.Join(vals, "<br>")
		for _, x := range s.handValues {
			sx := shorten(x, displayValueLen)
			shortened = shortened || sx != x
			cell += "<br>" + code(sx) + " (by hand)"
		}
		for _, x := range s.otherValues {
			sx := shorten(x.value, displayValueLen)
			shortened = shortened || sx != x.value
			cell += "<br>" + code(sx) + " (owner " + code(x.owner) + ")"
		}
		row := []string{code(s.name), s.typ, cell, text(s.ttl)}
		if v.caps.Proxied {
			p := "no"
			if s.proxied {
				p = "yes"
			}
			row = append(row, p)
		}
		row = append(row, orDash(text(s.purpose)), s.owner)
		if v.hasState() {
			row = append(row, orDash(text(s.state)))
		}
		rows = append(rows, row)
	}
	d.table(header, rows)
	var notes []string
	if shortened {
		notes = append(notes, "Values longer than "+strconv.Itoa(displayValueLen)+" characters are shortened here; launch.hcl holds them in full.")
	}
	own := "launchready owns a record when its ownership registry (a TXT record at `_launchready.<name>`) lists the record's value"
	if v.style.Comments() {
		own = "launchready owns a record when its comment ends with this file's marker " + code(ownership.Marker(v.owner)) +
			" (or, for records marked before comment markers, when the TXT record at `_launchready.<name>` lists its value: the next apply moves that mark into the comment)"
	}
	if v.z.Authoritative {
		own += ", and, because this zone is authoritative, every record of a type launch.hcl can declare that no `ignore` pattern matches"
	}
	own += ". It never changes or deletes a record it does not own."
	if len(v.others) > 0 {
		own += " This file manages the zone as owner " + code(v.owner) + "; other launch.hcl files manage it too, as " + ownerList(v.others) +
			": records they marked are theirs, and this file never changes or deletes them."
	}
	if v.marks > 0 {
		own += " The zone's " + strconv.Itoa(v.marks) + " registry record(s) are not listed."
	}
	if v.lock {
		own += " Nor is the TXT record at " + code(ownership.LockName(model.CanonicalLiveName(v.z.Name))) +
			": launchready's apply lock (" + code(ownership.GenerationContent) + " stays between applies; its comment says who applied last). Leave it; `launchready unlock` breaks a lock a killed apply left."
	}
	notes = append(notes, own)
	if v.live != nil && v.zp != nil && len(v.zp.Warnings) > 0 {
		ws := append([]string(nil), v.zp.Warnings...)
		sort.Strings(ws)
		for i := range ws {
			ws[i] = text(ws[i])
		}
		notes = append(notes, "Warnings from the plan: "+strings.Join(ws, "; ")+".")
	}
	d.para(strings.Join(notes, " "))
}

func renderRules(d *md, v *zoneView, rows []ruleRow, cols []string, none string) {
	if len(rows) == 0 {
		d.para(none)
		return
	}
	header := append([]string{"#", "Name"}, cols...)
	header = append(header, "Owner")
	if v.hasState() {
		header = append(header, "State")
	}
	out := make([][]string, 0, len(rows))
	for i, r := range rows {
		row := append([]string{strconv.Itoa(i + 1), text(r.name)}, r.cells...)
		row = append(row, r.owner)
		if v.hasState() {
			row = append(row, orDash(text(r.state)))
		}
		out = append(out, row)
	}
	d.table(header, out)
	if v.live == nil {
		d.para("launchready's rules run in the order shown; rules made by hand (not shown without live state) keep their content and place around them.")
	} else {
		d.para("Rules run in the order shown. Rules made by hand keep their content and place; launchready changes only its own.")
		for _, r := range rows {
			if r.other {
				d.para("Rules of other launch.hcl files (other owners) keep their content and place too: only the file that made a rule changes or deletes it.")
				break
			}
		}
	}
}

func renderChecks(d *md, z *schema.Zone) {
	checks := append([]*schema.Check(nil), z.Checks...)
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].Name < checks[j].Name })
	rows := make([][]string, 0, len(checks))
	for _, c := range checks {
		var promises []string
		if c.ExpectStatus != 0 {
			promises = append(promises, "status "+strconv.Itoa(c.ExpectStatus))
		}
		if c.P95Ms != 0 {
			promises = append(promises, "p95 ≤ "+strconv.Itoa(c.P95Ms)+" ms")
		}
		promises = append(promises, "errors ≤ "+strconv.FormatFloat(c.MaxErrorRate*100, 'f', -1, 64)+" %")
		if c.NeverCached {
			promises = append(promises, "never cached")
		}
		if c.NoMixedContent {
			promises = append(promises, "no mixed content")
		}
		if c.Noindex {
			promises = append(promises, "noindex")
		}
		method := c.Method
		if method == "" {
			method = "GET"
		}
		rows = append(rows, []string{text(c.Name), text(method) + " " + code(c.URL), text(strings.Join(promises, ", ")), orDash(headerSources(c))})
	}
	d.table([]string{"Check", "Request", "Must hold", "Headers from"}, rows)
}

// headerSources lists a check's headers and where their values come from (the
// environment variable's name, never its value).
func headerSources(c *schema.Check) string {
	names := make([]string, 0, len(c.Headers))
	for h := range c.Headers {
		names = append(names, h)
	}
	sort.Strings(names)
	var out []string
	for _, h := range names {
		s := c.Headers[h]
		if s.Env != "" {
			out = append(out, code(h)+" ← env "+code(s.Env))
		} else {
			out = append(out, code(h)+" (literal in launch.hcl)")
		}
	}
	return strings.Join(out, "<br>")
}

func renderVerify(d *md, in Input, zone string) {
	if in.Verify == nil {
		d.para("Not verified yet: run `launchready verify`.")
		return
	}
	results, sum := in.Verify.zoneResults(zone)
	if len(results) == 0 {
		d.para("The latest verify run (", verifiedAt(in), ") has no results for this zone.")
		return
	}
	d.para("Run ", verifiedAt(in), fmt.Sprintf(": %d passed, %d warnings, %d failed, %d skipped.", sum.Pass, sum.Warn, sum.Fail, sum.Skip))
	rows := make([][]string, 0, len(results))
	for _, r := range results {
		status := text(r.Status)
		if r.Status == "fail" {
			status = "**fail**"
		}
		rows = append(rows, []string{status, text(r.Kind), code(r.Name), text(r.Check), orDash(code(r.Target)), orDash(text(r.Reason))})
	}
	d.table([]string{"Status", "Kind", "Subject", "Check", "Target", "Reason"}, rows)
}

// zoneNames lists the names of views, for prose.
func zoneNames(views []*zoneView, kind string) []string {
	var out []string
	for _, v := range views {
		if kind == "" || v.kind == kind {
			out = append(out, v.z.Name)
		}
	}
	return out
}

// ownerList names owners as code spans: "`marketing`, `shop`".
func ownerList(owners []string) string {
	names := make([]string, len(owners))
	for i, o := range owners {
		names[i] = code(o)
	}
	return strings.Join(names, ", ")
}
