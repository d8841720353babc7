package cloudflare

import (
	"context"
	"fmt"
	"strings"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/dns"

	"github.com/launchready/launchready/model"
)

// wireDNSSEC is the part of GET /zones/{id}/dnssec the provider reads.
type wireDNSSEC struct {
	Status     string
	DS         string // "<zone>. 3600 IN DS <tag> <alg> <digest type> <DIGEST>", "" when disabled
	KeyTag     int
	Algorithm  string
	DigestType string
	Digest     string
	Flags      int
	PublicKey  string
}

// dnssecAPI is the optional power of an api to read a zone's DNSSEC state (sdkAPI
// has it; a fake without it makes ReadDelegation report DNSSEC as unknown).
type dnssecAPI interface {
	dnssec(ctx context.Context, zoneID string) (wireDNSSEC, error)
}

func (s *sdkAPI) dnssec(ctx context.Context, zoneID string) (wireDNSSEC, error) {
	d, err := s.c.DNS.DNSSEC.Get(ctx, dns.DNSSECGetParams{ZoneID: cf.F(zoneID)})
	if err != nil {
		return wireDNSSEC{}, convertErr("GET zones/"+zoneID+"/dnssec", err)
	}
	return wireDNSSEC{Status: string(d.Status), DS: d.DS, KeyTag: int(d.KeyTag), Algorithm: d.Algorithm,
		DigestType: d.DigestType, Digest: d.Digest, Flags: int(d.Flags), PublicKey: d.PublicKey}, nil
}

// ReadDelegation returns the zone's status and assigned name servers (from the zone
// lookup, no extra request) and its DNSSEC state with the DS to publish (one
// request to /zones/{id}/dnssec).
func (p *Provider) ReadDelegation(ctx context.Context, zone string) (*model.Delegation, error) {
	zone, facts, err := p.zoneInfo(ctx, zone)
	if err != nil {
		return nil, err
	}
	d := &model.Delegation{Status: facts.status, Nameservers: append([]string(nil), facts.ns...),
		OriginalNameservers: append([]string(nil), facts.origNS...)}
	da, ok := p.api.(dnssecAPI)
	if !ok {
		return d, nil
	}
	w, err := da.dnssec(ctx, facts.id)
	if err != nil {
		return nil, fmt.Errorf("reading the DNSSEC state of %s: %w", zone, err)
	}
	d.DNSSEC = dnssecFromWire(w)
	return d, nil
}

// dnssecFromWire converts the API's DNSSEC answer; DS and DNSKEY are left empty when
// the answer carries no key.
func dnssecFromWire(w wireDNSSEC) *model.DNSSEC {
	out := &model.DNSSEC{Status: w.Status}
	if w.PublicKey != "" && w.Algorithm != "" {
		out.DNSKEY = []string{fmt.Sprintf("%d 3 %s %s", w.Flags, w.Algorithm, w.PublicKey)}
	}
	if w.Digest != "" && w.Algorithm != "" && w.DigestType != "" {
		out.DS = []string{fmt.Sprintf("%d %s %s %s", w.KeyTag, w.Algorithm, w.DigestType, strings.ToUpper(w.Digest))}
	} else if f := strings.Fields(w.DS); len(f) >= 4 {
		out.DS = []string{strings.ToUpper(strings.Join(f[len(f)-4:], " "))}
	}
	return out
}
