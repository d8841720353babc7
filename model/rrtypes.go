package model

import (
	"strings"
)

// RRType is everything launchready knows about one record type: the one table that
// schema (which types launch.hcl may declare and how values are checked), plan,
// both providers, the Cloudflare simulator, import, verify and the DNS map read.
type RRType struct {
	Name string
	// Fields is the value's presentation form, for messages and the README.
	Fields string
	// Example is a value as launch.hcl writes it.
	Example string
	// Proxiable: records of the type can be proxied through Cloudflare's edge.
	Proxiable bool
	// DNS: RFC 2136 (a real DNS server) stores and serves the type. False for types
	// only Cloudflare's API knows how to hold.
	DNS bool
	// Presentation: the value is zone-file presentation form, parsed and printed
	// with miekg/dns (CanonicalValue), checked field by field (checkFields). The
	// older types (A … PTR) have hand-written normalisation instead.
	Presentation bool
	// Data is the shape of Cloudflare's `data` object for the type (nil: the type is
	// written as `content`, MX with a top-level priority). The keys and ranges are
	// Cloudflare's schema (shared/cloudflare-api/openapi-subset.json,
	// dns-records_<TYPE>Record).
	Data []DataField
	// TopPriority: Cloudflare keeps the type's priority in the top-level priority
	// field (MX, URI), not in data.
	TopPriority bool
}

// DataField is one key of Cloudflare's `data` object.
type DataField struct {
	Key    string
	Number bool    // a JSON number (else a string)
	Min    float64 // range of a number
	Max    float64
	// Enum lists the allowed strings, when Cloudflare's schema has an enum.
	Enum []string
	// Optional: Cloudflare's schema gives a default (LOC minutes, seconds, sizes).
	Optional bool
}

func num(key string, max float64) DataField { return DataField{Key: key, Number: true, Max: max} }
func str(key string) DataField              { return DataField{Key: key} }

// recordTypeTable is the one list of record types, in display order.
var recordTypeTable = []RRType{
	{Name: "A", Fields: "<IPv4 address>", Example: "192.0.2.10", Proxiable: true, DNS: true},
	{Name: "AAAA", Fields: "<IPv6 address>", Example: "2001:db8::10", Proxiable: true, DNS: true},
	{Name: "CNAME", Fields: "<host>", Example: "app.example.net.", Proxiable: true, DNS: true},
	{Name: "MX", Fields: "<preference> <host>", Example: "10 mx1.example.net.", DNS: true, TopPriority: true},
	{Name: "TXT", Fields: "<text>", Example: "google-site-verification=abc123", DNS: true},
	{Name: "SRV", Fields: "<priority> <weight> <port> <target>", Example: "10 5 5060 sip.example.com.", DNS: true,
		Data: []DataField{num("priority", 65535), num("weight", 65535), num("port", 65535), str("target")}},
	{Name: "CAA", Fields: "<flags> <tag> \"<value>\"", Example: `0 issue "letsencrypt.org"`, DNS: true,
		Data: []DataField{num("flags", 255), str("tag"), str("value")}},
	{Name: "NS", Fields: "<host>", Example: "ns1.other-dns.example.", DNS: true},
	{Name: "PTR", Fields: "<host>", Example: "host.example.com.", DNS: true},
	{Name: "HTTPS", Fields: "<priority> <target> [<key>=<value> …]", Example: `1 . alpn="h3,h2"`, DNS: true, Presentation: true,
		Data: []DataField{num("priority", 65535), str("target"), str("value")}},
	{Name: "SVCB", Fields: "<priority> <target> [<key>=<value> …]", Example: `1 svc.example.net. alpn="h2" port="8443"`, DNS: true, Presentation: true,
		Data: []DataField{num("priority", 65535), str("target"), str("value")}},
	{Name: "TLSA", Fields: "<usage 0-3> <selector 0-1> <matching-type 0-2> <hex>", Example: "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", DNS: true, Presentation: true,
		Data: []DataField{num("usage", 255), num("selector", 255), num("matching_type", 255), str("certificate")}},
	{Name: "SMIMEA", Fields: "<usage 0-3> <selector 0-1> <matching-type 0-2> <hex>", Example: "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6", DNS: true, Presentation: true,
		Data: []DataField{num("usage", 255), num("selector", 255), num("matching_type", 255), str("certificate")}},
	{Name: "SSHFP", Fields: "<algorithm> <fingerprint-type 1-2> <hex>", Example: "4 2 2D711642B726B04401627CA9FBAC32F5C8530FB1903CC4DB02258717921A4881", DNS: true, Presentation: true,
		Data: []DataField{num("algorithm", 255), num("type", 255), str("fingerprint")}},
	{Name: "NAPTR", Fields: "<order> <preference> \"<flags>\" \"<service>\" \"<regexp>\" <replacement>", Example: `100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .`, DNS: true, Presentation: true,
		Data: []DataField{num("order", 65535), num("preference", 65535), str("flags"), str("service"), str("regex"), str("replacement")}},
	{Name: "LOC", Fields: "<d> [<m> [<s>]] N or S <d> [<m> [<s>]] E or W <alt>m [<size>m [<hp>m [<vp>m]]]", Example: "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m", DNS: true, Presentation: true,
		Data: []DataField{
			{Key: "lat_degrees", Number: true, Max: 90}, {Key: "lat_minutes", Number: true, Max: 59, Optional: true}, {Key: "lat_seconds", Number: true, Max: 59.999, Optional: true},
			{Key: "lat_direction", Enum: []string{"N", "S"}},
			{Key: "long_degrees", Number: true, Max: 180}, {Key: "long_minutes", Number: true, Max: 59, Optional: true}, {Key: "long_seconds", Number: true, Max: 59.999, Optional: true},
			{Key: "long_direction", Enum: []string{"E", "W"}},
			{Key: "altitude", Number: true, Min: -100000, Max: 42849672.95},
			{Key: "size", Number: true, Max: 90000000, Optional: true}, {Key: "precision_horz", Number: true, Max: 90000000, Optional: true}, {Key: "precision_vert", Number: true, Max: 90000000, Optional: true},
		}},
	{Name: "DS", Fields: "<key-tag> <algorithm> <digest-type 1, 2 or 4> <hex digest>", Example: "60485 13 2 D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A", DNS: true, Presentation: true,
		Data: []DataField{num("key_tag", 65535), num("algorithm", 255), num("digest_type", 255), str("digest")}},
	{Name: "DNSKEY", Fields: "<flags 256 or 257> 3 <algorithm> <base64 key>", Example: "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==", DNS: true, Presentation: true,
		Data: []DataField{num("flags", 65535), num("protocol", 255), num("algorithm", 255), str("public_key")}},
	{Name: "CERT", Fields: "<type> <key-tag> <algorithm> <base64 certificate>", Example: "PKIX 12345 RSASHA256 MIIBCgKCAQEA", DNS: true, Presentation: true,
		Data: []DataField{num("type", 65535), num("key_tag", 65535), num("algorithm", 255), str("certificate")}},
	{Name: "URI", Fields: "<priority> <weight> \"<target URI>\"", Example: `10 1 "https://example.com/.well-known/"`, DNS: true, Presentation: true, TopPriority: true,
		Data: []DataField{num("weight", 65535), str("target")}},
	{Name: "OPENPGPKEY", Fields: "<base64 key>", Example: "mDMEZbq2ZBYJKwYBBAHaRw8BAQdA0r5Hz3Lq1A==", DNS: true, Presentation: true},
}

// RecordTypes lists the record types launch.hcl may declare, in display order.
var RecordTypes = func() []string {
	out := make([]string, len(recordTypeTable))
	for i, t := range recordTypeTable {
		out[i] = t.Name
	}
	return out
}()

var typeIndex = func() map[string]int {
	m := make(map[string]int, len(recordTypeTable))
	for i, t := range recordTypeTable {
		m[t.Name] = i
	}
	return m
}()

// TypeInfo returns the facts of record type t (upper case).
func TypeInfo(t string) (RRType, bool) {
	i, ok := typeIndex[strings.ToUpper(t)]
	if !ok {
		return RRType{}, false
	}
	return recordTypeTable[i], true
}

// AllTypes returns a copy of the type table, in display order.
func AllTypes() []RRType { return append([]RRType(nil), recordTypeTable...) }

// TypeOrder is t's position in RecordTypes (display order), or len(RecordTypes) for a
// type launchready does not model, so that those sort last.
func TypeOrder(t string) int {
	if i, ok := typeIndex[strings.ToUpper(t)]; ok {
		return i
	}
	return len(recordTypeTable)
}

// IsRecordType reports whether t (upper case) is a supported record type.
func IsRecordType(t string) bool {
	_, ok := typeIndex[t]
	return ok
}

// Proxiable reports whether records of type t can be proxied through Cloudflare's edge.
func Proxiable(t string) bool {
	i, ok := typeIndex[t]
	return ok && recordTypeTable[i].Proxiable
}
