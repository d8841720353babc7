package email

import (
	"fmt"
	"strings"

	"github.com/launchready/launchready/model"
)

// Policy is a zone's `email` block: what may send mail for the domain and what
// receivers should do with mail that fails. A nil *Policy declares nothing.
type Policy struct {
	SPF   *SPF   `json:"spf,omitempty"`
	DKIM  []DKIM `json:"dkim,omitempty"`
	DMARC *DMARC `json:"dmarc,omitempty"`
}

// SPF is the `spf` block. Zero value: no mechanisms and All "" (schema defaults All to
// "fail").
type SPF struct {
	Include []string `json:"include,omitempty"`
	IP4     []string `json:"ip4,omitempty"`
	IP6     []string `json:"ip6,omitempty"`
	MX      bool     `json:"mx,omitempty"`
	All     string   `json:"all"` // fail | softfail | neutral
}

// DKIM is one `dkim "<selector>"` block: either a public key published as TXT, or a
// CNAME to a key the sending service hosts.
type DKIM struct {
	Selector  string `json:"selector"`
	PublicKey string `json:"public_key,omitempty"` // base64 SubjectPublicKeyInfo (RSA) or raw ed25519 key
	KeyType   string `json:"key_type,omitempty"`   // "rsa" (default) | "ed25519"
	CNAME     string `json:"cname,omitempty"`
}

// DMARC is the `dmarc` block. Zero Pct means 100 (the RFC default, not written).
type DMARC struct {
	Policy          string   `json:"policy"`                     // none | quarantine | reject
	SubdomainPolicy string   `json:"subdomain_policy,omitempty"` // "" = same as Policy
	RUA             []string `json:"rua,omitempty"`
	RUF             []string `json:"ruf,omitempty"`
	Pct             int      `json:"pct,omitempty"`
	ADKIM           string   `json:"adkim,omitempty"` // relaxed | strict; "" = relaxed
	ASPF            string   `json:"aspf,omitempty"`
}

var allQualifier = map[string]string{"fail": "-all", "softfail": "~all", "neutral": "?all", "pass": "+all"}

// SPFText renders the SPF record text: "v=spf1 mx ip4:… ip6:… include:… -all".
func (s *SPF) SPFText() string {
	parts := []string{"v=spf1"}
	if s.MX {
		parts = append(parts, "mx")
	}
	for _, ip := range s.IP4 {
		parts = append(parts, "ip4:"+ip)
	}
	for _, ip := range s.IP6 {
		parts = append(parts, "ip6:"+ip)
	}
	for _, d := range s.Include {
		parts = append(parts, "include:"+strings.TrimSuffix(d, "."))
	}
	all := s.All
	if all == "" {
		all = "fail"
	}
	parts = append(parts, allQualifier[all])
	return strings.Join(parts, " ")
}

// DKIMText renders the DKIM key record text: "v=DKIM1; k=rsa; p=…".
func (d *DKIM) DKIMText() string {
	k := d.KeyType
	if k == "" {
		k = "rsa"
	}
	key := strings.Join(strings.Fields(d.PublicKey), "")
	return fmt.Sprintf("v=DKIM1; k=%s; p=%s", k, key)
}

func alignment(s string) string {
	if s == "strict" {
		return "s"
	}
	return "r"
}

// DMARCText renders the DMARC record text: "v=DMARC1; p=…; sp=…; rua=…".
func (d *DMARC) DMARCText() string {
	parts := []string{"v=DMARC1", "p=" + d.Policy}
	if d.SubdomainPolicy != "" {
		parts = append(parts, "sp="+d.SubdomainPolicy)
	}
	if len(d.RUA) > 0 {
		parts = append(parts, "rua="+strings.Join(d.RUA, ","))
	}
	if len(d.RUF) > 0 {
		parts = append(parts, "ruf="+strings.Join(d.RUF, ","))
	}
	if d.Pct != 0 && d.Pct != 100 {
		parts = append(parts, fmt.Sprintf("pct=%d", d.Pct))
	}
	if d.ADKIM != "" {
		parts = append(parts, "adkim="+alignment(d.ADKIM))
	}
	if d.ASPF != "" {
		parts = append(parts, "aspf="+alignment(d.ASPF))
	}
	return strings.Join(parts, "; ")
}

// Records returns the record sets the policy publishes in zone (canonical names):
// SPF TXT at the apex, DKIM TXT or CNAME at <selector>._domainkey, DMARC TXT at _dmarc.
func (p *Policy) Records(zone string) []model.RRSet {
	if p == nil {
		return nil
	}
	var out []model.RRSet
	if p.SPF != nil {
		out = append(out, model.RRSet{Name: zone, Type: "TXT", Values: []string{p.SPF.SPFText()}, Origin: "email.spf", Comment: "SPF: who may send mail for " + zone})
	}
	for i := range p.DKIM {
		d := &p.DKIM[i]
		name := d.Selector + "._domainkey." + zone
		c := "DKIM key, selector " + d.Selector
		if d.CNAME != "" {
			out = append(out, model.RRSet{Name: name, Type: "CNAME", Values: []string{strings.ToLower(strings.TrimSuffix(d.CNAME, "."))}, Origin: "email.dkim." + d.Selector, Comment: c + " (hosted by the sender)"})
		} else {
			out = append(out, model.RRSet{Name: name, Type: "TXT", Values: []string{d.DKIMText()}, Origin: "email.dkim." + d.Selector, Comment: c})
		}
	}
	if p.DMARC != nil {
		out = append(out, model.RRSet{Name: "_dmarc." + zone, Type: "TXT", Values: []string{p.DMARC.DMARCText()}, Origin: "email.dmarc", Comment: "DMARC policy"})
	}
	return out
}
