package rfc2136

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers"
)

var _ providers.DelegationReader = (*Provider)(nil)

// ReadDelegation reads the zone (one AXFR) and returns its apex NS as the name
// servers the parent must list, and its DNSKEYs with the SHA-256 DS of each key-
// signing key (flag 257; every key when none has it). The zone has no status: "".
func (p *Provider) ReadDelegation(ctx context.Context, zone string) (*model.Delegation, error) {
	live, err := p.ReadZone(ctx, zone)
	if err != nil {
		return nil, err
	}
	return delegationOf(live)
}

// delegationOf derives the delegation from a zone's records.
func delegationOf(live *model.LiveZone) (*model.Delegation, error) {
	d := &model.Delegation{Nameservers: []string{}, DNSSEC: &model.DNSSEC{Status: "disabled"}}
	var keys []*dns.DNSKEY
	for _, r := range live.Records {
		if r.Name != live.Name {
			continue
		}
		switch r.Type {
		case "NS":
			d.Nameservers = append(d.Nameservers, r.Value)
		case "DNSKEY":
			rr, err := dns.NewRR(fmt.Sprintf("%s 3600 IN DNSKEY %s", dns.Fqdn(live.Name), r.Value))
			if err != nil {
				return nil, fmt.Errorf("zone %s: DNSKEY %q: %w", live.Name, r.Value, err)
			}
			k := rr.(*dns.DNSKEY)
			keys = append(keys, k)
			d.DNSSEC.DNSKEY = append(d.DNSSEC.DNSKEY, fmt.Sprintf("%d %d %d %s", k.Flags, k.Protocol, k.Algorithm, k.PublicKey))
		}
	}
	if len(keys) == 0 {
		return d, nil
	}
	d.DNSSEC.Status = "active"
	ksk := false
	for _, k := range keys {
		ksk = ksk || k.Flags&dns.SEP != 0
	}
	for _, k := range keys {
		if ksk && k.Flags&dns.SEP == 0 {
			continue
		}
		if ds := k.ToDS(dns.SHA256); ds != nil {
			d.DNSSEC.DS = append(d.DNSSEC.DS, fmt.Sprintf("%d %d %d %s", ds.KeyTag, ds.Algorithm, ds.DigestType, strings.ToUpper(ds.Digest)))
		}
	}
	return d, nil
}
