// Package rfc2136 is launchready's provider for zones on standard DNS servers (BIND,
// Knot, PowerDNS, NSD behind a primary, …): it reads a zone with AXFR and writes it with
// RFC 2136 dynamic UPDATE, both signed with TSIG (RFC 8945) and sent over TCP, using
// github.com/miekg/dns.
//
// It is not for zone settings, redirects, cache rules or proxying: an RFC 2136 zone has
// none of those (model.ProviderKinds["rfc2136"]; schema refuses such blocks before
// anything is planned). It does not resolve names or verify a launch either; verify
// queries the server address (Provider.Server) itself.
//
// # API used by the CLI
//
//	p, err := rfc2136.New(rfc2136.Config{
//		Server:        prov.Server,                     // "ns1.corp.example:53"
//		TSIGKey:       prov.TSIGKey,                    // "launch-key."
//		TSIGAlgorithm: prov.TSIGAlgorithm,              // "hmac-sha256"
//		TSIGSecret:    os.Getenv(prov.TSIGSecretEnv),   // base64; never logged
//		TSIGSecretEnv: prov.TSIGSecretEnv,              // named in error messages
//		Timeout:       0,                               // DefaultTimeout (10 s) per exchange
//	})
//	live, err := p.ReadZone(ctx, "corp.example")     // *model.LiveZone with Serial
//	err = p.ApplyRecords(ctx, live, zonePlan.RecordOps)
//
// New validates the config offline (algorithm, key name, base64 secret); Config and
// Provider print without the secret. Kind() is "rfc2136"; Server() is the address
// verify should query. Errors from ReadZone and ApplyRecords are *Error values naming
// the server and zone and saying what to check, e.g.
//
//	rfc2136: reading zone corp.example on ns1.corp.example:53: TSIG verification failed (BADSIG): check the secret in $LAUNCH_TSIG_SECRET
//	rfc2136: updating zone corp.example on ns1.corp.example:53: zone changed since it was read (serial 7 is now 8): nothing was changed; re-run plan
//
// errors.Is tells ErrZoneChanged (re-run plan), ErrTSIG, ErrRefused and
// ErrUnreachable apart.
//
// # Reading
//
// ReadZone returns every record of the zone in canonical form (names lower case without
// trailing dot; A/AAAA canonical; CNAME/NS/PTR/MX/SRV targets lower case without
// trailing dot; CAA `0 issue "x"`; TXT as the unescaped character-strings joined), with
// TTLs as served and the SOA serial. The SOA and apex NS records are returned too:
// they are unowned, so plans leave them alone. Other types (SSHFP, DNSKEY, …) are
// returned with their presentation content and show as unmanaged. The transfer reader
// accepts an AXFR answer and an AXFR-style IXFR answer (the same SOA … SOA stream).
//
// # Writing
//
// ApplyRecords sends all ops in one UPDATE message when it fits in 64 KiB (otherwise
// in as few as needed, in order, re-reading the SOA between them), each with the
// prerequisite that the zone's SOA is still the one read, so a concurrent edit stops
// the apply with ErrZoneChanged before that message changes anything. See ApplyRecords for TTL behaviour (an RRset has one TTL) and
// CNAME conflicts.
//
// # Ownership
//
// RFC 2136 servers have no record ids or comments, so ownership uses the registry TXT
// records (`_launchready.<name>` "v=launchready1 TYPE:hash …", package plan), which are
// ordinary TXT records here and are written in the same UPDATE message as the records
// they describe; or `authoritative = true` on the zone. Comments in launch.hcl are not
// stored on the server.
//
// # Tests
//
// The tests run against a real BIND9 named on loopback (internal/testbind): they look
// for `named` on PATH, then in /usr/sbin and /usr/local/sbin; without it they skip,
// or fail when CI=true. Install it with
// `apt-get install -y bind9 bind9-utils bind9-dnsutils` (Debian). An in-process
// miekg/dns server complements them for the exact message layout and rare rcodes.
package rfc2136
