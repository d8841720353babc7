package sim

import (
	"crypto/ecdsa"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// Zone status and DNSSEC, as Cloudflare reports them (see the package documentation,
// "Delegation", for the sources).

// ZoneStatuses are the zone statuses the simulator accepts (zones_zone.status).
var ZoneStatuses = []string{"initializing", "pending", "active", "moved"}

// DNSSECStatuses are the DNSSEC states of GET /zones/{id}/dnssec.
var DNSSECStatuses = []string{"active", "pending", "disabled", "pending-disabled", "error"}

// dnssecState is a zone's DNSSEC configuration. The key is generated when DNSSEC is
// first enabled and kept afterwards; only its public half is stored (the simulator
// serves no signatures).
type dnssecState struct {
	Status     string    `json:"status"`
	Flags      uint16    `json:"flags"`
	Algorithm  uint8     `json:"algorithm"`
	PublicKey  string    `json:"public_key"`
	ModifiedOn time.Time `json:"modified_on"`
}

// ZoneDelegation is what the simulator's admin API and SetZoneDelegation change about
// a zone's delegation. Empty fields are left as they are.
type ZoneDelegation struct {
	// Status is the zone status (ZoneStatuses).
	Status string `json:"status,omitempty"`
	// NameServers are the name servers Cloudflare assigned to the zone.
	NameServers []string `json:"name_servers,omitempty"`
	// OriginalNameServers are the name servers the registrar listed when the zone was
	// added (the old provider's).
	OriginalNameServers []string `json:"original_name_servers,omitempty"`
	// DNSSEC is the DNSSEC state (DNSSECStatuses); a key is generated on first use.
	DNSSEC string `json:"dnssec,omitempty"`
}

// status is the zone's status; "" (zones created before the field existed) is active.
func (z *zone) status() string {
	if z.Status == "" {
		return "active"
	}
	return z.Status
}

// nameServers are the zone's assigned name servers: its own, else the simulator's.
func (z *zone) nameServers() []string {
	if len(z.NameServers) > 0 {
		return z.NameServers
	}
	return nameServers
}

// originalNameServers is never nil (the API sends a list).
func (z *zone) originalNameServers() []string {
	if z.OriginalNameServers == nil {
		return []string{}
	}
	return z.OriginalNameServers
}

// SetZoneDelegation changes a zone's status, assigned name servers, original name
// servers or DNSSEC state (what happens at Cloudflare and at the registrar outside
// the API: the registrar's name servers change, Cloudflare's activation check runs,
// a DS record is published).
func (s *Server) SetZoneDelegation(name string, d ZoneDelegation) error {
	c, err := model.CanonicalZone(name)
	if err != nil {
		return fmt.Errorf("zone %q: %w", name, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.st.zoneByName(c)
	if z == nil {
		return fmt.Errorf("no zone %s in the simulator", c)
	}
	if d.Status != "" && !slices.Contains(ZoneStatuses, d.Status) {
		return fmt.Errorf("zone status %q: want one of %s", d.Status, strings.Join(ZoneStatuses, ", "))
	}
	if d.DNSSEC != "" && !slices.Contains(DNSSECStatuses, d.DNSSEC) {
		return fmt.Errorf("DNSSEC status %q: want one of %s", d.DNSSEC, strings.Join(DNSSECStatuses, ", "))
	}
	canon := func(ns []string) ([]string, error) {
		out := make([]string, 0, len(ns))
		for _, n := range ns {
			cn := model.CanonicalLiveName(n)
			if _, ok := dns.IsDomainName(cn); !ok || cn == "" || !strings.Contains(cn, ".") {
				return nil, fmt.Errorf("name server %q is not a host name", n)
			}
			out = append(out, cn)
		}
		return out, nil
	}
	ns, err := canon(d.NameServers)
	if err != nil {
		return err
	}
	orig, err := canon(d.OriginalNameServers)
	if err != nil {
		return err
	}
	before := *z
	if d.Status != "" {
		z.Status = d.Status
	}
	if len(ns) > 0 {
		z.NameServers = ns
	}
	if len(orig) > 0 {
		z.OriginalNameServers = orig
	}
	if d.DNSSEC != "" {
		if err := z.setDNSSEC(d.DNSSEC, s.now()); err != nil {
			*z = before
			return err
		}
	}
	if e := s.persistLocked(); e != nil {
		return fmt.Errorf("changing zone %s: %s", c, e.Errors[0].Message)
	}
	return nil
}

// setDNSSEC sets the DNSSEC state, generating the zone's key the first time DNSSEC
// leaves "disabled".
func (z *zone) setDNSSEC(status string, now time.Time) error {
	if z.DNSSEC == nil {
		z.DNSSEC = &dnssecState{Status: "disabled"}
	}
	if status != "disabled" && z.DNSSEC.PublicKey == "" {
		key := &dns.DNSKEY{Hdr: dns.RR_Header{Name: dns.Fqdn(z.Name), Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
			Flags: 257, Protocol: 3, Algorithm: dns.ECDSAP256SHA256}
		priv, err := key.Generate(256)
		if err != nil {
			return fmt.Errorf("generating the DNSSEC key of %s: %w", z.Name, err)
		}
		if _, ok := priv.(*ecdsa.PrivateKey); !ok {
			return fmt.Errorf("generating the DNSSEC key of %s: unexpected key type %T", z.Name, priv)
		}
		z.DNSSEC.Flags, z.DNSSEC.Algorithm, z.DNSSEC.PublicKey = key.Flags, key.Algorithm, key.PublicKey
	}
	z.DNSSEC.Status = status
	z.DNSSEC.ModifiedOn = now
	return nil
}

// dnskey is the zone's DNSKEY record, nil before DNSSEC was ever enabled.
func (z *zone) dnskey() *dns.DNSKEY {
	if z.DNSSEC == nil || z.DNSSEC.PublicKey == "" {
		return nil
	}
	return &dns.DNSKEY{Hdr: dns.RR_Header{Name: dns.Fqdn(z.Name), Rrtype: dns.TypeDNSKEY, Class: dns.ClassINET, Ttl: 3600},
		Flags: z.DNSSEC.Flags, Protocol: 3, Algorithm: z.DNSSEC.Algorithm, PublicKey: z.DNSSEC.PublicKey}
}

// wireDNSSEC is GET /zones/{id}/dnssec's result (cloudflare-go v7 dns.DNSSEC). Key
// fields are null while DNSSEC is disabled, as Cloudflare answers.
type wireDNSSEC struct {
	Algorithm         *string `json:"algorithm"`
	Digest            *string `json:"digest"`
	DigestAlgorithm   *string `json:"digest_algorithm"`
	DigestType        *string `json:"digest_type"`
	DNSSECMultiSigner bool    `json:"dnssec_multi_signer"`
	DNSSECPresigned   bool    `json:"dnssec_presigned"`
	DNSSECUseNsec3    bool    `json:"dnssec_use_nsec3"`
	DS                *string `json:"ds"`
	Flags             *int    `json:"flags"`
	KeyTag            *int    `json:"key_tag"`
	KeyType           *string `json:"key_type"`
	ModifiedOn        *string `json:"modified_on"`
	PublicKey         *string `json:"public_key"`
	Status            string  `json:"status"`
}

func (z *zone) wireDNSSEC() wireDNSSEC {
	out := wireDNSSEC{Status: "disabled"}
	if z.DNSSEC == nil {
		return out
	}
	out.Status = z.DNSSEC.Status
	mod := fmtTime(z.DNSSEC.ModifiedOn)
	out.ModifiedOn = &mod
	key := z.dnskey()
	if key == nil || z.DNSSEC.Status == "disabled" {
		return out
	}
	ds := key.ToDS(dns.SHA256)
	str := func(s string) *string { return &s }
	num := func(n int) *int { return &n }
	out.Algorithm = str(strconv.Itoa(int(key.Algorithm)))
	out.Digest = str(strings.ToUpper(ds.Digest))
	out.DigestAlgorithm = str("SHA256")
	out.DigestType = str(strconv.Itoa(int(ds.DigestType)))
	out.DS = str(fmt.Sprintf("%s 3600 IN DS %d %d %d %s", dns.Fqdn(z.Name), ds.KeyTag, ds.Algorithm, ds.DigestType, strings.ToUpper(ds.Digest)))
	out.Flags = num(int(key.Flags))
	out.KeyTag = num(int(key.KeyTag()))
	out.KeyType = str(dns.AlgorithmToString[key.Algorithm])
	out.PublicKey = str(key.PublicKey)
	return out
}

func (s *Server) handleGetDNSSEC(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, z.wireDNSSEC(), nil)
}

// handlePatchDNSSEC enables or disables DNSSEC. Enabling makes it "pending" until the
// DS is published at the registrar (the admin API then sets "active"); disabling an
// active zone makes it "pending-disabled" until the DS is removed, a pending one
// "disabled" at once.
func (s *Server) handlePatchDNSSEC(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Status *string `json:"status"`
	}
	if e := decodeBody(r, &body); e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	if body.Status == nil {
		writeResult(w, z.wireDNSSEC(), nil)
		return
	}
	cur := "disabled"
	if z.DNSSEC != nil {
		cur = z.DNSSEC.Status
	}
	next := cur
	switch *body.Status {
	case "active":
		if cur == "disabled" || cur == "pending-disabled" || cur == "error" {
			next = "pending"
		}
	case "disabled":
		switch cur {
		case "active":
			next = "pending-disabled"
		case "pending", "error":
			next = "disabled"
		}
	default:
		writeError(w, errf(http.StatusBadRequest, CodeBadRequestBody, "status must be \"active\" or \"disabled\""))
		return
	}
	var before *dnssecState
	if z.DNSSEC != nil {
		b := *z.DNSSEC
		before = &b
	}
	if next != cur || z.DNSSEC == nil {
		if err := z.setDNSSEC(next, s.now()); err != nil {
			writeError(w, errf(http.StatusInternalServerError, CodeStateNotSaved, "%v", err))
			return
		}
		if e := s.persistLocked(); e != nil {
			z.DNSSEC = before
			writeError(w, e)
			return
		}
	}
	writeResult(w, z.wireDNSSEC(), nil)
}

// handleSimZoneDelegation is PATCH /__sim/zones/{name}: a ZoneDelegation.
func (s *Server) handleSimZoneDelegation(w http.ResponseWriter, r *http.Request) {
	var d ZoneDelegation
	if e := decodeBody(r, &d); e != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": e.Errors[0].Message})
		return
	}
	if err := s.SetZoneDelegation(r.PathValue("name"), d); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	c, _ := model.CanonicalZone(r.PathValue("name"))
	s.mu.Lock()
	defer s.mu.Unlock()
	z := s.st.zoneByName(c)
	writeJSON(w, http.StatusOK, map[string]any{"zone": z.wireZone(), "dnssec": z.wireDNSSEC()})
}
