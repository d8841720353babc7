// Package plan computes what must change to make live state match launch.hcl, and
// renders that as text, JSON or Markdown.
//
// It is pure: desired state (schema.Config) and live state (model.LiveZone) in, a Plan
// value out. No context, network, logging or provider code; TestDeps keeps it so. A
// Plan is data, never closures: it names every change for people (Changes) and carries
// the exact writes a provider must make (RecordOps, SettingWrites, RuleWrites), so it
// can be saved, rendered, reviewed and compared. It is not for reading or writing live
// state (providers), parsing launch.hcl (schema) or deciding what to do with a plan
// (the CLI: confirmation, mass-change refusal, snapshots).
//
// # Computing
//
//	p, err := plan.Compute(cfg, live)  // live: canonical zone name → *model.LiveZone
//	p.HasChanges()                     // anything to write (exit code 2)
//	p.Summary()                        // Summary{Add, Change, Delete, Adopt, Forget, Unmanaged}
//	p.MassChanges(plan.DefaultMassThreshold, plan.DefaultMassMin) // []string, one per zone to refuse
//	plan.Fingerprint(live)             // = p.LiveFingerprint; p.ConfigFingerprint = cfg.Fingerprint
//
// live must hold every zone of cfg; for a zone declaring redirect or cache rules, the
// rules of that phase (a phase absent from LiveZone.Rules means "not read"; read both
// phases whenever the provider has rules, so that removed blocks' rules are deleted);
// for a zone declaring settings, the live value of each. ManagedSettings(live) lists the
// settings launchready managed before, whose live value the plan shows when they are
// no longer managed.
//
// For each zone (in config order) Compute plans records, then settings, then rules:
//
//   - Records. Each record block (and each set the email block generates) is one RRset,
//     one Change keyed "name TYPE". Values are compared in canonical form; a proxied set's
//     TTL is automatic (0); an automatic TTL on a provider without one is its
//     model.Capabilities.DefaultTTL; a comment is compared only when the block declares
//     one. A desired value absent live is created; an owned value no longer declared is
//     deleted, or, when the same set gains a value, updated in place into it (Cloudflare
//     keeps the id); a declared value that exists live but is not owned is adopted
//     (ActionAdopt), never silently taken. Record ops are grouped by name
//     (ownership.Order): each name's deletes → updates → creates, its TXT mark with it.
//   - Ownership is package ownership's: the zone's Style (comment markers on
//     Cloudflare, TXT marks on RFC 2136) says who owns each live record. Records of
//     the zone block's owner are managed; other owners' are listed in
//     ZonePlan.Foreign and never changed or deleted, authoritative or not; nobody's
//     are left alone (ZonePlan.Unmanaged) unless the zone is authoritative (except
//     ignore globs, the apex NS set and types launch.hcl cannot declare). Every record
//     written carries its owner's marker (Style.Dress). A declared set that a record
//     launchready does not own blocks (a CNAME beside other data) is not written: a
//     warning says how to adopt it; nothing is reclaimed. Records under a TXT mark on
//     a comment-style provider migrate (ZonePlan.Migrated): marker written, mark
//     deleted, one ownership line. A mark naming a value that is no longer live is
//     reported as a warning and dropped. A TXT record at a mark name whose text does
//     not parse is someone else's: an ordinary unmanaged record.
//   - Settings. Only the settings written in the file are managed (ActionUpdate with
//     before → after; SettingWrites holds what changes). A setting listed in the apex
//     mark's settings= but no longer in the file is ActionForget: reported, never reset.
//   - Rules. launchready's rules carry a ref with model.RefPrefix; they are created,
//     updated and deleted to match the redirect and cache blocks, compared on
//     expression, action, enabled, description and action parameters (ids and versions
//     ignored). A parameter added by hand to one of launchready's rules (Raw holding
//     more than the model) is an update with field "other parameters": writing the
//     rule from its block drops it. A hand-made rule (no launchready ref) that does
//     exactly what a block declares — same expression, action, enabled flag and
//     modelled action parameters, and nothing in Raw beyond them — is adopted
//     (ActionAdopt, as `launchready import` makes them) rather than copied: it is
//     written with the block's ref and description and keeps its id; its description
//     change is the only field shown. Refs are matched first; of several identical
//     hand-made rules the first is adopted; a similar but different one is left alone
//     and the block's rule created next to it. The phase's new list keeps hand-made
//     rules verbatim (Raw included) where they are; launchready's rules, adopted ones
//     included, take the places launchready's rules hold, in file order, so a rule
//     moves only when the file reorders launchready's rules (an order change) and
//     adopting never moves one. A rule to create goes just before the next block's
//     live rule, else after the last one, else where a deleted rule of launchready's
//     was, else at the end. A phase appears in RuleWrites only when something in it
//     changes.
//
// # Rendering
//
//	plan.RenderText(w, p, plan.TextOptions{Color: isTTY && NO_COLOR == "", Verbose: v})
//	plan.RenderJSON(w, p)      // versioned document, see JSON.md; plan.ReadJSON reads it back
//	plan.RenderMarkdown(w, p)  // PR comment / issue body: summary and table, <details> per zone
//
// An adoption's title says what it changes: "adopt app.example.com CNAME (no change
// to the record; launchready takes ownership)", "adopt redirect www-to-apex (what the
// rule does is unchanged; launchready takes ownership)", or "… (launchready takes
// ownership and changes it as shown)". A plan that only adopts, the first plan after
// `launchready import`, sums up as "0 to add, 0 to change, 0 to delete, …, N to adopt".
//
// The ownership registry helpers (RegistryName, RegistryOwner, ValueMark, Registry,
// ParseRegistry, ParseRegistryRecord, IsRegistryName, ManagedSettings) forward to
// package ownership, for the callers that know them from plan.
package plan
