// Package importer writes launch.hcl that reproduces a live zone: `launchready import
// ZONE` calls it, so a team can start managing an existing zone from a file that, once
// applied, plans to zero changes.
//
// It is not for reading live state (providers do that) nor for deciding ownership
// (package ownership says whose each mark is): imported records become launchready's
// only when the user applies the file, and the plan shows that adoption explicitly.
//
// # API
//
//	func Zone(live *model.LiveZone, o Options) ([]byte, error)
//	func Owner(live *model.LiveZone, o Options) (string, error)
//
// Zone renders one `zone "<name>"` block (preceded by a `provider` block when
// Options.ProviderBlock is set) as canonical HCL: hclwrite.Format leaves it unchanged,
// and the same live state always gives the same bytes.
//
// # Owners
//
// The file is one owner's (see package ownership): Options.Owner, or else the one
// owner whose marks the zone's records, rules and settings carry (a comment marker
// "[launchready:marketing]", a TXT mark, a rule ref "…@marketing", the settings an
// apex mark lists), written as `owner = "marketing"` (nothing for the default owner,
// or when nothing is marked). When marks of several owners are found and
// Options.Owner is empty, Zone and Owner return an error naming the owners and what
// each marked: one file cannot declare what another owner manages (a plan would
// only warn about every such record). With an owner chosen, what other owners marked
// (settings too, even with Options.Settings) is left out and listed in the trailing
// comment with its owner; hand-made (unmarked) records and rules are imported as
// always, and become the chosen owner's when the file is applied.
//
// What it writes:
//   - one `record "<relative name>" "<TYPE>"` block per RRset (records grouped by name
//     and type), apex first, then by name, then by type in model.RecordTypes order;
//     `value` for one value, `values` (sorted) for several; `ttl` only when not
//     automatic and not proxied; `proxied = true` only when set; `comment` when every
//     record of the set carries the same non-empty comment;
//   - a `settings` block from live.Settings when Options.Settings is set and the
//     provider kind has settings (on/off switches become booleans; `hsts` only when
//     HSTS is enabled);
//   - `redirect` and `cache` blocks for the rules of live.Rules: the owner's rules
//     keep the name in their ref (ownership.RuleName, without "@owner"), hand-made rules get a unique name derived from their
//     description or hosts. Redirects in launchready's wildcard shape are written as
//     `from`/`to`, others as `expression`/`target_expression`.
//
// What it leaves out, listed in a trailing comment of the zone block so nothing
// disappears silently: SOA and apex NS records (the DNS host's, never declared), the
// ownership registry records (`_launchready.*`, `_launchready-wildcard.*`), records and
// rules another owner marked, record
// types launchready does not model, values launch.hcl cannot hold (invalid values, TXT
// text that is not UTF-8), and rules with actions or parameters launch.hcl cannot
// express (disabled rules, other actions, extra parameters). When the zone is imported
// as authoritative, the comment warns about each left-out record the next apply would
// delete. Variables are never invented: every value is a literal.
//
// The result is checked as `launchready validate` would check it (schema.LoadSource);
// errors that come from the live zone itself (a redirect chain, a redirect to
// http:// while Always Use HTTPS is on) are listed in a final comment with their line.
//
// Known limit: a hand-made rule written as a block carries launchready's ref only once
// applied; until plan adopts hand-made rules that match a block, the first apply
// creates launchready's copy next to the hand-made rule (delete the hand-made one).
package importer
