// Package handover writes the DNS map (DNS-MAP.md): the document a founder hands to
// the next maintainer. It says what every zone serves and why, who owns each record,
// where traffic goes, who may send mail, what was last verified, where each secret
// lives, and how to rotate, test, roll back and re-verify.
//
// It is not for reading live state or running checks: the CLI passes in what it
// already has (the parsed config, the live state it read, the last verify report).
// Render reads no clock and no environment, so the same inputs always give the same
// bytes and the map diffs cleanly in git; in particular it names the environment
// variables that hold secrets and never reads their values.
//
// # API
//
//	func Render(w io.Writer, in Input) error
//	func ReadVerifyJSON(r io.Reader) (*VerifyReport, error)
//
// Input.Config is required. Input.Live (keyed by canonical zone name, may be nil or
// partial) adds the nameservers (LiveZone.Nameservers where the provider reports the
// ones it assigned, as Cloudflare does, else the zone's apex NS records; apex NS
// records that differ from the assigned ones are listed after them), records made by
// hand, ownership and whether each object is in sync: ownership and sync are
// plan.Compute's verdict, so the map says exactly what `launchready plan` would do.
// Records and rules another launch.hcl manages in the same zone (another owner: its
// marker in the record's comment or its TXT mark, plan's ZonePlan.Foreign; its name
// in the rule's ref, ownership.RuleOwner) are shown as that owner's, left alone:
// neither as this file's nor as made by hand. Input.Verify is the latest verify report
// in its JSON form (verify.RenderJSON → ReadVerifyJSON); nil renders "not verified
// yet". Input.VerifiedAt overrides the report's started_at as the time shown.
//
// The CLI, after a verify run it holds in memory:
//
//	var buf bytes.Buffer
//	_ = verify.RenderJSON(&buf, report)
//	rep, err := handover.ReadVerifyJSON(&buf)
//	err = handover.Render(out, handover.Input{Config: cfg, Live: live, Verify: rep})
//
// The email section uses package email: SendingMatrix for the services an email
// block authorises, and ParseSPF/ParseDMARC/ParseDKIMKey to read the same from the
// TXT records of a zone without an email block.
//
// Order: zones by name, record sets by name then type, settings in a fixed order,
// verify results by status then subject. Redirect and cache rules keep their
// evaluation order, which is meaningful. Table cells and Mermaid labels are escaped;
// very long values (DKIM keys) are shortened in tables, launch.hcl holds them whole.
package handover
