package model

// Delegation is what a provider says about how the parent zone should delegate a
// zone to it: the zone's status at the provider, the name servers the registrar must
// list and, with DNSSEC, the DS records the parent must hold.
type Delegation struct {
	// Status is the zone's status at the provider (Cloudflare: "active", "pending",
	// "initializing", "moved"…); "" where the provider has none (RFC 2136).
	Status string `json:"status,omitempty"`
	// Nameservers are the name servers the parent must list, canonical names in the
	// provider's order: Cloudflare's assigned name_servers, or the zone's apex NS.
	Nameservers []string `json:"nameservers"`
	// OriginalNameservers are the name servers the registrar listed when the zone was
	// added to the provider (the old provider's), where the provider says.
	OriginalNameservers []string `json:"original_nameservers,omitempty"`
	// DNSSEC is the zone's signing state; nil when it could not be read.
	DNSSEC *DNSSEC `json:"dnssec,omitempty"`
}

// DNSSEC is a zone's signing state and the records that tie it to its parent.
type DNSSEC struct {
	// Status is "disabled", "pending" (signed, waiting for the DS at the parent),
	// "active", "pending-disabled" (unsigning, waiting for the DS to go) or "error",
	// as Cloudflare reports it. An RFC 2136 zone is "active" when it has a DNSKEY and
	// "disabled" otherwise.
	Status string `json:"status"`
	// DS are the DS records the parent should hold, in presentation form without the
	// owner: "2371 13 2 <HEX DIGEST>".
	DS []string `json:"ds,omitempty"`
	// DNSKEY are the zone's keys as "flags protocol algorithm public-key".
	DNSKEY []string `json:"dnskey,omitempty"`
}

// Signed reports whether the zone's answers carry signatures that a DS at the parent
// must match (pending, active and pending-disabled zones are signed).
func (d *DNSSEC) Signed() bool {
	return d != nil && (d.Status == "active" || d.Status == "pending" || d.Status == "pending-disabled")
}
