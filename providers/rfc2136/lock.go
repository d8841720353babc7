package rfc2136

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// The zone lock on RFC 2136 is a TXT record at ownership.LockName(zone), added by an
// UPDATE whose prerequisite is "name is not in use" (RFC 2136 §2.4.5): the server
// applies it only when no lock exists (else answers YXDOMAIN and changes nothing).
// Its text is the holder's LockInfo. It is removed by an UPDATE whose prerequisite is
// that exact text (§2.4.2), so only its taker releases it.

func (p *Provider) lockRR(zone string, info ownership.LockInfo) dns.RR {
	return &dns.TXT{Hdr: dns.RR_Header{Name: dns.Fqdn(ownership.LockName(zone)), Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60},
		Txt: []string{info.String()}}
}

func (p *Provider) update(ctx context.Context, zone string, build func(m *dns.Msg)) (int, error) {
	m := new(dns.Msg)
	m.SetUpdate(dns.Fqdn(zone))
	build(m)
	m.SetTsig(p.key.name, p.key.algorithm, 300, time.Now().Unix())
	r, err := p.exchange(ctx, m)
	if err != nil {
		return 0, p.exchangeError(ctx, opUpdate, zone, r, err)
	}
	return r.Rcode, nil
}

// Lock takes zone's lock (see providers.Locker).
func (p *Provider) Lock(ctx context.Context, zone string, info ownership.LockInfo) error {
	zone = model.CanonicalLiveName(zone)
	name := dns.Fqdn(ownership.LockName(zone))
	rcode, err := p.update(ctx, zone, func(m *dns.Msg) {
		m.NameNotUsed([]dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeANY, Class: dns.ClassANY}}})
		m.Insert([]dns.RR{p.lockRR(zone, info)})
	})
	if err != nil {
		return err
	}
	switch rcode {
	case dns.RcodeSuccess:
		return nil
	case dns.RcodeYXDomain:
		held, err := p.ReadLock(ctx, zone)
		if err != nil {
			return err
		}
		if held != nil && held.Token == info.Token {
			return nil
		}
		li := ownership.LockInfo{}
		if held != nil {
			li = *held
		}
		return &ownership.LockedError{Zone: zone, Info: li, Now: time.Now()}
	}
	return p.newError(opUpdate, zone, "taking the apply lock: the server answered "+rcodeName(rcode), nil, nil)
}

// ReadLock returns who holds zone's lock, or nil.
func (p *Provider) ReadLock(ctx context.Context, zone string) (*ownership.LockInfo, error) {
	zone = model.CanonicalLiveName(zone)
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(ownership.LockName(zone)), dns.TypeTXT)
	m.RecursionDesired = false
	m.SetTsig(p.key.name, p.key.algorithm, 300, time.Now().Unix())
	r, err := p.exchange(ctx, m)
	if err != nil {
		return nil, p.exchangeError(ctx, opUpdate, zone, r, err)
	}
	for _, rr := range r.Answer {
		if t, ok := rr.(*dns.TXT); ok {
			li := ownership.ParseLockInfo(strings.Join(t.Txt, ""))
			return &li, nil
		}
	}
	return nil, nil
}

// Unlock removes the lock only if it is still exactly the one info took.
func (p *Provider) Unlock(ctx context.Context, zone string, info ownership.LockInfo) error {
	zone = model.CanonicalLiveName(zone)
	rcode, err := p.update(ctx, zone, func(m *dns.Msg) {
		m.Used([]dns.RR{p.lockRR(zone, info)})
		m.RemoveName([]dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: dns.Fqdn(ownership.LockName(zone))}}})
	})
	if err != nil {
		return err
	}
	if rcode != dns.RcodeSuccess && rcode != dns.RcodeNXRrset {
		return p.newError(opUpdate, zone, "releasing the apply lock: the server answered "+rcodeName(rcode), nil, nil)
	}
	return nil
}

// BreakLock removes zone's lock whoever holds it.
func (p *Provider) BreakLock(ctx context.Context, zone string) error {
	zone = model.CanonicalLiveName(zone)
	rcode, err := p.update(ctx, zone, func(m *dns.Msg) {
		m.RemoveName([]dns.RR{&dns.ANY{Hdr: dns.RR_Header{Name: dns.Fqdn(ownership.LockName(zone))}}})
	})
	if err != nil {
		return err
	}
	if rcode != dns.RcodeSuccess {
		return fmt.Errorf("zone %s: breaking the apply lock: the server answered %s", zone, rcodeName(rcode))
	}
	return nil
}
