// Package ownership is the one home of launchready's ownership rules: who owns a live
// record, how a record is marked as owned, and in which order record writes keep every
// intermediate state safe.
//
// It is pure (no network, no logging): plan asks it who owns each live value and how
// to write a value it owns; providers ask it how to cut a plan's record writes into
// atomic requests (Batches). Nothing else in launchready decides ownership.
//
// # Owners
//
// Every zone block has an owner (`owner = "marketing"`, default DefaultOwner). Every
// mark names its owner; a plan never changes or deletes a record another owner
// marked, and lists those records as theirs. Two launch.hcl files with different
// owners manage one zone side by side.
//
// # Styles
//
// A Style is how a provider kind carries marks:
//
//   - Comments (Cloudflare): the mark is a marker inside the record's own comment,
//     "[launchready:<owner>]" (Marker), so a record and its mark are one object,
//     written in one operation and never apart. A marker removed by hand makes the
//     record unowned. Zone-wide facts (the settings an owner manages and the rule
//     kinds it has rules of, "settings=ssl rules=redirect") live in one TXT record per
//     zone and owner at the apex registry name; ReadsRules decides from it which rule
//     phases a plan reads (rules.go).
//   - TXT (RFC 2136, which has no comment field): one TXT record per owned name and
//     owner at RegistryName(name) lists the values that owner owns there
//     ("v=launchready1 owner=app A:1a2b3c4d"), written in the same DNS UPDATE as the
//     records it describes.
//
// Zones marked before owners existed carry TXT marks without owner=: they belong to
// DefaultOwner. On Cloudflare they migrate on the next apply (Style Comments):
// markers are written into the records and the old marks deleted in the same batch.
//
// # Order
//
// Batches groups the writes by the name they touch (a registry mark travels with the
// name it describes) and packs whole groups into requests: each request is atomic,
// and a name is never split over two requests when its group fits one. Between two
// requests every name is either untouched or finished, so a CNAME never shares its
// name with other data, a delete never travels apart from its replacement, and a
// record never exists unmarked (see Batches).
package ownership
