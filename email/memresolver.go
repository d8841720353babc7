package email

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/miekg/dns"
)

// MemoryResolver is an in-memory DNS: a set of records by name, with optional
// simulated timeouts. It serves tests (the RFC 7208 suite, Analyze) and analysis of
// records that are not published yet. It follows CNAME chains like a recursive
// resolver. The zero value is not usable; call NewMemoryResolver.
//
// A name with no record at all is NXDOMAIN; a name with records, none of the asked
// type, is NODATA.
type MemoryResolver struct {
	mu       sync.RWMutex
	rrs      map[string][]dns.RR
	timeouts map[string]map[uint16]bool
}

var _ Resolver = (*MemoryResolver)(nil)

// NewMemoryResolver returns a resolver serving rrs.
func NewMemoryResolver(rrs ...dns.RR) *MemoryResolver {
	m := &MemoryResolver{rrs: map[string][]dns.RR{}, timeouts: map[string]map[uint16]bool{}}
	m.Add(rrs...)
	return m
}

// Add adds records (owner names are compared case-insensitively).
func (m *MemoryResolver) Add(rrs ...dns.RR) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, rr := range rrs {
		name := CanonicalDNSName(rr.Header().Name)
		m.rrs[name] = append(m.rrs[name], rr)
	}
}

// AddZone parses zone-file text (absolute names; "$TTL" optional) and adds its
// records, e.g. `example.com. TXT "v=spf1 -all"`.
func (m *MemoryResolver) AddZone(text string) error {
	zp := dns.NewZoneParser(strings.NewReader(text), ".", "")
	zp.SetDefaultTTL(300)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		m.Add(rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("parsing zone text: %w", err)
	}
	return nil
}

// SetTimeout makes queries for name time out (a temporary error) for the given types.
// With no types it times out every type that has no record at name yet — the rule of
// the RFC 7208 test suite's bare TIMEOUT item.
func (m *MemoryResolver) SetTimeout(name string, types ...uint16) {
	m.mu.Lock()
	defer m.mu.Unlock()
	name = CanonicalDNSName(name)
	t := m.timeouts[name]
	if t == nil {
		t = map[uint16]bool{}
		m.timeouts[name] = t
	}
	if len(types) > 0 {
		for _, ty := range types {
			t[ty] = true
		}
		return
	}
	present := map[uint16]bool{}
	for _, rr := range m.rrs[name] {
		present[rr.Header().Rrtype] = true
	}
	for ty := range dns.TypeToString {
		if !present[ty] {
			t[ty] = true
		}
	}
	// Types missing from dns.TypeToString are unlikely; the key 0 marks "any other".
	t[0] = true
}

// errTimeout is the cause of a simulated timeout.
var errTimeout = errors.New("i/o timeout (simulated)")

// Query answers name/qtype as a recursive resolver would: the CNAME records followed
// and the records of qtype at the end of the chain. err is a *LookupError for
// NXDOMAIN, NODATA, a simulated timeout or a CNAME loop. Test DNS servers use it to
// serve the same data over the wire.
func (m *MemoryResolver) Query(name string, qtype uint16) ([]dns.RR, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	typ := dns.TypeToString[qtype]
	orig := name
	name = CanonicalDNSName(name)
	var answer []dns.RR
	seen := map[string]bool{}
	for {
		if t := m.timeouts[name]; t != nil && (t[qtype] || (t[0] && dns.TypeToString[qtype] == "")) {
			return answer, &LookupError{Name: orig, Type: typ, Kind: ErrTemporary, Cause: errTimeout}
		}
		rrs, ok := m.rrs[name]
		if !ok {
			return answer, &LookupError{Name: orig, Type: typ, Kind: ErrNXDomain}
		}
		var found []dns.RR
		var cname *dns.CNAME
		for _, rr := range rrs {
			if rr.Header().Rrtype == qtype {
				found = append(found, rr)
			}
			if c, ok := rr.(*dns.CNAME); ok && cname == nil {
				cname = c
			}
		}
		if len(found) > 0 {
			return append(answer, found...), nil
		}
		if cname == nil || qtype == dns.TypeCNAME {
			return answer, &LookupError{Name: orig, Type: typ, Kind: ErrNoData}
		}
		seen[name] = true
		answer = append(answer, cname)
		name = CanonicalDNSName(cname.Target)
		if seen[name] || len(seen) > 16 {
			return answer, &LookupError{Name: orig, Type: typ, Kind: ErrTemporary, Cause: errors.New("CNAME loop")}
		}
	}
}

func (m *MemoryResolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	if err := ctx.Err(); err != nil {
		return nil, &LookupError{Name: name, Type: dns.TypeToString[qtype], Kind: ErrTemporary, Cause: err}
	}
	rrs, err := m.Query(name, qtype)
	if err != nil {
		return nil, err
	}
	var out []dns.RR
	for _, rr := range rrs {
		if rr.Header().Rrtype == qtype {
			out = append(out, rr)
		}
	}
	return out, nil
}

// LookupTXT implements Resolver.
func (m *MemoryResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return txtValues(m.query(ctx, name, dns.TypeTXT))
}

// LookupA implements Resolver.
func (m *MemoryResolver) LookupA(ctx context.Context, name string) ([]net.IP, error) {
	return aValues(m.query(ctx, name, dns.TypeA))
}

// LookupAAAA implements Resolver.
func (m *MemoryResolver) LookupAAAA(ctx context.Context, name string) ([]net.IP, error) {
	return aValues(m.query(ctx, name, dns.TypeAAAA))
}

// LookupMX implements Resolver.
func (m *MemoryResolver) LookupMX(ctx context.Context, name string) ([]MX, error) {
	return mxValues(m.query(ctx, name, dns.TypeMX))
}

// LookupPTR implements Resolver.
func (m *MemoryResolver) LookupPTR(ctx context.Context, name string) ([]string, error) {
	return ptrValues(m.query(ctx, name, dns.TypePTR))
}
