package rfc2136

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// ReadZone transfers zone (AXFR over TCP, TSIG-signed) and returns its records in
// canonical form (see recordFromRR) with the SOA serial. The SOA and the apex NS
// records are included: they are ordinary unowned records to the plan, left alone
// unless declared. Types launchready does not model (SSHFP, DNSKEY, …) are included
// with their presentation content, so they show as unmanaged.
func (p *Provider) ReadZone(ctx context.Context, zone string) (*model.LiveZone, error) {
	zone = model.CanonicalLiveName(zone)
	rrs, err := p.transfer(ctx, zone, dns.TypeAXFR, 0)
	if err != nil {
		return nil, err
	}
	return p.liveZone(zone, rrs)
}

// transfer runs an AXFR (or an IXFR from serial) of zone and returns every RR of the
// answer, from the opening SOA to the closing one.
func (p *Provider) transfer(ctx context.Context, zone string, qtype uint16, serial uint32) ([]dns.RR, error) {
	m := new(dns.Msg)
	if qtype == dns.TypeIXFR {
		m.SetIxfr(dns.Fqdn(zone), serial, ".", ".")
	} else {
		m.SetAxfr(dns.Fqdn(zone))
	}
	m.SetTsig(p.key.name, p.key.algorithm, 300, time.Now().Unix())

	d := net.Dialer{Timeout: p.timeout}
	conn, err := d.DialContext(ctx, "tcp", p.server)
	if err != nil {
		return nil, p.transportError(ctx, opRead, zone, err)
	}
	// miekg/dns's Transfer has no context: closing the connection when ctx ends makes
	// its reader fail at once, after which the channel is closed.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	_ = conn.SetWriteDeadline(time.Now().Add(p.timeout))
	tr := &dns.Transfer{
		Conn:         &dns.Conn{Conn: conn},
		DialTimeout:  p.timeout,
		ReadTimeout:  p.timeout,
		WriteTimeout: p.timeout,
		TsigProvider: p.key,
	}
	ch, err := tr.In(m, p.server)
	if err != nil {
		conn.Close()
		return nil, p.transportError(ctx, opRead, zone, err)
	}
	var rrs []dns.RR
	var failed error
	for env := range ch { // always drain: the reader goroutine ends when ch is closed
		if env.Error != nil && failed == nil {
			failed = env.Error
		}
		if failed == nil {
			rrs = append(rrs, env.RR...)
		}
	}
	if failed != nil {
		if rc, ok := xfrRcode(failed); ok {
			return nil, p.transferRcodeError(zone, rc, failed)
		}
		if errors.Is(failed, dns.ErrAuth) {
			return nil, p.diagnoseNotAuth(ctx, zone, failed)
		}
		return nil, p.transportError(ctx, opRead, zone, failed)
	}
	return rrs, nil
}

// diagnoseNotAuth explains a transfer answered NOTAUTH. miekg/dns's transfer drops
// that answer (and its TSIG error code) and reports only dns.ErrAuth, so ask the same
// question in one signed SOA query, whose answer can be inspected: a TSIG error code
// (wrong secret, unknown key, clock skew) or a zone the server does not serve.
func (p *Provider) diagnoseNotAuth(ctx context.Context, zone string, cause error) *Error {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(zone), dns.TypeSOA)
	m.RecursionDesired = false
	m.SetTsig(p.key.name, p.key.algorithm, 300, time.Now().Unix())
	r, err := p.exchange(ctx, m)
	if r != nil {
		if t := r.IsTsig(); t != nil && t.Error != dns.RcodeSuccess {
			return p.tsigError(opRead, zone, t.Error, cause)
		}
	}
	if err != nil && !errors.Is(err, dns.ErrAuth) {
		return p.transportError(ctx, opRead, zone, err)
	}
	return p.transferRcodeError(zone, dns.RcodeNotAuth, cause)
}

// liveZone turns a transfer's RRs into a LiveZone. It accepts an AXFR and an
// AXFR-style IXFR answer (RFC 1995 §4: the same SOA … SOA stream, which a server sends
// when it has no increments to offer); a true incremental IXFR (a second SOA right
// after the first) is refused, since it does not carry the whole zone.
func (p *Provider) liveZone(zone string, rrs []dns.RR) (*model.LiveZone, error) {
	if len(rrs) == 0 {
		return nil, p.newError(opRead, zone, "the zone transfer returned no records", nil, nil)
	}
	soa, ok := rrs[0].(*dns.SOA)
	if !ok || model.CanonicalLiveName(soa.Hdr.Name) != zone {
		return nil, p.newError(opRead, zone, fmt.Sprintf("the zone transfer did not start with the SOA of %s (got %s)", zone, rrString(rrs[0])), nil, nil)
	}
	body := rrs[1:]
	if len(body) == 0 {
		return nil, p.newError(opRead, zone, "the zone transfer was cut short (no closing SOA)", nil, nil)
	}
	last, ok := body[len(body)-1].(*dns.SOA)
	if !ok || last.Serial != soa.Serial {
		return nil, p.newError(opRead, zone, "the zone transfer was cut short (no closing SOA)", nil, nil)
	}
	body = body[:len(body)-1]

	records := make([]model.Record, 0, len(body)+1)
	records = append(records, recordFromRR(soa))
	for _, rr := range body {
		if rr.Header().Rrtype == dns.TypeSOA {
			return nil, p.newError(opRead, zone, "the server answered with an incremental zone transfer (IXFR); launchready needs the whole zone", nil, nil)
		}
		if rr.Header().Class != dns.ClassINET {
			continue
		}
		records = append(records, recordFromRR(rr))
	}
	model.SortRecords(records)
	return &model.LiveZone{Name: zone, Records: records, Serial: soa.Serial}, nil
}

// recordFromRR converts a served RR to a model.Record in canonical form, so that it
// compares equal to a desired value written in launch.hcl (model.CanonicalValue):
//   - names: lower case, Punycode, no trailing dot (model.CanonicalLiveName);
//   - A/AAAA: canonical address text; CNAME/NS/PTR/MX/SRV targets like names ("." kept
//     for a null MX/SRV target);
//   - CAA: `0 issue "letsencrypt.org"` (model.FormatCAA);
//   - TXT: the character-strings' bytes joined without separator, unescaped;
//   - any other type (SOA, SSHFP, DNSKEY, …): its presentation form as miekg/dns writes
//     it (absolute names with their trailing dot), which dns.NewRR parses back.
//
// TTL is the TTL served.
func recordFromRR(rr dns.RR) model.Record {
	h := rr.Header()
	rec := model.Record{
		Name: model.CanonicalLiveName(h.Name),
		Type: typeName(h.Rrtype),
		TTL:  int(h.Ttl),
	}
	switch v := rr.(type) {
	case *dns.A:
		rec.Value = addrString(v.A, true)
	case *dns.AAAA:
		rec.Value = addrString(v.AAAA, false)
	case *dns.CNAME:
		rec.Value = targetString(v.Target)
	case *dns.NS:
		rec.Value = targetString(v.Ns)
	case *dns.PTR:
		rec.Value = targetString(v.Ptr)
	case *dns.MX:
		rec.Value = fmt.Sprintf("%d %s", v.Preference, targetString(v.Mx))
	case *dns.SRV:
		rec.Value = fmt.Sprintf("%d %d %d %s", v.Priority, v.Weight, v.Port, targetString(v.Target))
	case *dns.CAA:
		rec.Value = model.FormatCAA(int(v.Flag), strings.ToLower(v.Tag), v.Value)
	case *dns.TXT:
		var b strings.Builder
		for _, s := range v.Txt {
			b.WriteString(model.UnescapeDNSString(s))
		}
		rec.Value = b.String()
	default:
		// The header is four tab-separated fields (name, TTL, class, type), also in the
		// RFC 3597 form of unknown types ("CLASS1 TYPE65280").
		if f := strings.SplitN(rr.String(), "\t", 5); len(f) == 5 {
			rec.Value = strings.TrimSpace(f[4])
		}
		// Types of the type table (HTTPS, TLSA, …) in launchready's canonical
		// presentation form, so that they compare with launch.hcl's values.
		if t, ok := model.TypeInfo(rec.Type); ok && t.Presentation {
			if c, err := model.CanonicalValue(rec.Type, rec.Value, ""); err == nil {
				rec.Value = c
			}
		}
	}
	return rec
}

func typeName(t uint16) string {
	if s, ok := dns.TypeToString[t]; ok {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// addrString writes an A (v4 true) or AAAA address in canonical form. miekg/dns may
// hold an A address as 16 bytes; an AAAA address is never unmapped.
func addrString(ip net.IP, v4 bool) string {
	if v4 {
		ip = ip.To4()
	} else {
		ip = ip.To16()
	}
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return ip.String()
	}
	return a.String()
}

// targetString canonicalises a host name inside a value: lower case, no trailing
// dot; the root (null target) stays ".".
func targetString(t string) string {
	if t == "." || t == "" {
		return "."
	}
	return model.CanonicalLiveName(t)
}

func rrString(rr dns.RR) string { return strings.ReplaceAll(rr.String(), "\t", " ") }
