// Package model is launchready's typed picture of a zone: DNS record sets, single live
// records, zone settings and edge rules, plus the normalisation that makes a desired
// value (from launch.hcl) and a live value (from a provider) compare equal when they
// mean the same thing.
//
// It is not for I/O, HCL, or any provider's wire format: schema fills it from HCL,
// providers fill it from their APIs, and plan compares the two.
//
// Conventions every package relies on:
//   - Names are fully qualified, lower case, Punycode (IDNA), without a trailing dot.
//   - Record values are in canonical presentation form (see CanonicalValue); host names
//     inside values are absolute, lower case, without a trailing dot; TXT values are the
//     unquoted text (character-strings joined without separator); CAA values are
//     `<flags> <tag> "<value>"` with the value quoted as in a zone file (FormatCAA).
//     The other types of the type table (rrtypes.go: HTTPS, SVCB, TLSA, SSHFP, NAPTR,
//     LOC, DS, …) are in zone-file presentation form as miekg/dns prints it, with
//     names lower case and absolute (trailing dot), hex upper case, base64
//     re-encoded; CloudflareData and FromCloudflareData map them to Cloudflare's data.
//   - TTL 0 means "automatic" (the provider's default; Cloudflare's ttl=1).
package model
