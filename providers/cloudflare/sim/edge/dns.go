package edge

import (
	"fmt"
	"hash/fnv"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// DNS constants, after Cloudflare's own answers: automatic TTL is 300 s, the SOA
// timers are Cloudflare's (refresh 10000, retry 2400, expire 604800, minimum 1800).
const (
	autoTTL     = 300
	soaTTL      = 3600
	soaRefresh  = 10000
	soaRetry    = 2400
	soaExpire   = 604800
	soaMinimum  = 1800
	maxChase    = 8 // CNAME hops followed inside a zone
	defaultUDP  = 512
	maxUDPReply = 4096
)

// ServeDNS answers one query authoritatively (see the package doc).
func (e *Edge) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	resp := e.answerDNS(req)
	if opt := req.IsEdns0(); opt != nil {
		resp.SetEdns0(maxUDPReply, false)
	}
	if _, udp := w.RemoteAddr().(*net.UDPAddr); udp {
		size := defaultUDP
		if opt := req.IsEdns0(); opt != nil && int(opt.UDPSize()) > size {
			size = min(int(opt.UDPSize()), maxUDPReply)
		}
		resp.Truncate(size)
	}
	if err := w.WriteMsg(resp); err != nil {
		e.log.Debug("writing a DNS answer", "error", err)
	}
}

// answerDNS builds the answer to req.
func (e *Edge) answerDNS(req *dns.Msg) *dns.Msg {
	resp := new(dns.Msg)
	resp.SetReply(req)
	resp.Compress = true
	resp.RecursionAvailable = false
	switch {
	case req.Opcode != dns.OpcodeQuery:
		resp.SetRcode(req, dns.RcodeNotImplemented)
		return resp
	case len(req.Question) != 1:
		resp.SetRcode(req, dns.RcodeFormatError)
		return resp
	}
	q := req.Question[0]
	qname := strings.ToLower(strings.TrimSuffix(q.Name, "."))
	if q.Qclass != dns.ClassINET || q.Qtype == dns.TypeAXFR || q.Qtype == dns.TypeIXFR {
		resp.SetRcode(req, dns.RcodeRefused)
		return resp
	}
	zv := viewFor(e.opts.Source, qname)
	if zv == nil {
		resp.SetRcode(req, dns.RcodeRefused) // not authoritative, and no recursion
		return resp
	}
	e.addSynthetic(zv)
	e.answerZone(zv, q, resp)
	e.log.Trace("dns", "name", q.Name, "type", dns.TypeToString[q.Qtype], "rcode", dns.RcodeToString[resp.Rcode], "answers", len(resp.Answer))
	return resp
}

// nsNames returns the zone's apex name servers: its own apex NS records, or
// ns1/ns2.<zone> served at the edge address.
func nsNames(zv *zoneView) []string {
	var out []string
	for _, r := range zv.nodes[zv.name].byType["NS"] {
		out = append(out, r.Value)
	}
	return out
}

// addSynthetic adds what every Cloudflare zone has without records for it: apex NS
// (ns1 and ns2 under the zone, unless the zone has its own) with their addresses.
func (e *Edge) addSynthetic(zv *zoneView) {
	apex := zv.nodes[zv.name]
	if len(apex.byType["NS"]) > 0 {
		return
	}
	for _, ns := range []string{"ns1." + zv.name, "ns2." + zv.name} {
		apex.byType["NS"] = append(apex.byType["NS"], model.Record{Name: zv.name, Type: "NS", Value: ns})
		n := zv.nodes[ns]
		if n == nil {
			n = &rrNode{byType: map[string][]model.Record{}}
			zv.nodes[ns] = n
		}
		if len(n.byType["A"]) == 0 && len(n.byType["AAAA"]) == 0 && len(n.byType["CNAME"]) == 0 {
			n.byType["A"] = []model.Record{{Name: ns, Type: "A", Value: e.opts.EdgeIPv4.String(), TTL: autoTTL}}
			if e.opts.EdgeIPv6.IsValid() {
				n.byType["AAAA"] = []model.Record{{Name: ns, Type: "AAAA", Value: e.opts.EdgeIPv6.String(), TTL: autoTTL}}
			}
		}
	}
}

// answerZone fills resp for a question about a name of zone zv.
func (e *Edge) answerZone(zv *zoneView, q dns.Question, resp *dns.Msg) {
	qname := strings.ToLower(strings.TrimSuffix(q.Name, "."))

	if cut, ns := zv.delegation(qname); cut != "" && !(q.Qtype == dns.TypeDS && qname == cut) {
		// A referral: the child zone's servers answer, not us.
		for _, r := range ns {
			if rr, err := e.toRR(dns.Fqdn(cut), r); err == nil {
				resp.Ns = append(resp.Ns, rr)
			}
		}
		e.addGlue(zv, ns, resp)
		return
	}
	resp.Authoritative = true

	res := zv.lookup(qname)
	if !res.exists {
		resp.Rcode = dns.RcodeNameError
		resp.Ns = append(resp.Ns, e.soa(zv))
		return
	}
	if qname == zv.name && (q.Qtype == dns.TypeSOA || q.Qtype == dns.TypeANY) {
		soa := e.soa(zv)
		soa.Header().Name = q.Name
		resp.Answer = append(resp.Answer, soa)
	}
	rrs, next := e.rrsAt(q.Name, res.node, q.Qtype)
	resp.Answer = append(resp.Answer, rrs...)
	// Follow an unproxied CNAME inside the zone, as an authoritative server does.
	for hop := 0; next != "" && hop < maxChase; hop++ {
		if !inZone(next, zv.name) {
			break
		}
		if cut, _ := zv.delegation(next); cut != "" {
			break
		}
		r := zv.lookup(next)
		if !r.exists {
			resp.Rcode = dns.RcodeNameError
			break
		}
		rrs, next = e.rrsAt(dns.Fqdn(next), r.node, q.Qtype)
		resp.Answer = append(resp.Answer, rrs...)
	}
	if len(resp.Answer) == 0 || resp.Rcode == dns.RcodeNameError || !answersType(resp.Answer, q.Qtype) && !endsInCNAMEOut(resp.Answer, zv.name) {
		resp.Ns = append(resp.Ns, e.soa(zv))
	}
	if q.Qtype == dns.TypeNS && qname == zv.name {
		e.addGlue(zv, zv.nodes[zv.name].byType["NS"], resp)
	}
}

// answersType reports whether the answer holds records of qtype (or qtype is ANY).
func answersType(rrs []dns.RR, qtype uint16) bool {
	for _, rr := range rrs {
		if qtype == dns.TypeANY || rr.Header().Rrtype == qtype {
			return true
		}
	}
	return false
}

// endsInCNAMEOut reports whether the answer is a CNAME chain leaving the zone (the
// resolver continues elsewhere, so no SOA is added).
func endsInCNAMEOut(rrs []dns.RR, zone string) bool {
	if len(rrs) == 0 {
		return false
	}
	c, ok := rrs[len(rrs)-1].(*dns.CNAME)
	return ok && !inZone(strings.ToLower(strings.TrimSuffix(c.Target, ".")), zone)
}

// rrsAt returns the records of one node answering qtype, with owner as written in the
// question (or the chain), and the CNAME target to follow next ("" when none).
func (e *Edge) rrsAt(owner string, n *rrNode, qtype uint16) (out []dns.RR, next string) {
	add := func(rs []model.Record) {
		for _, r := range rs {
			rr, err := e.toRR(owner, r)
			if err != nil {
				e.log.Debug("cannot serve a record", "record", r.String(), "error", err)
				continue
			}
			out = append(out, rr)
		}
	}
	if qtype == dns.TypeSOA {
		return nil, "" // only the apex has one; the caller adds it in authority
	}
	if n.proxied() {
		// A proxied name is flattened to the edge: never the origin, never a CNAME.
		edge := func(t string) {
			switch {
			case t == "A":
				add([]model.Record{{Type: "A", Value: e.opts.EdgeIPv4.String()}})
			case t == "AAAA" && e.opts.EdgeIPv6.IsValid():
				add([]model.Record{{Type: "AAAA", Value: e.opts.EdgeIPv6.String()}})
			}
		}
		switch qtype {
		case dns.TypeA:
			edge("A")
		case dns.TypeAAAA:
			edge("AAAA")
		case dns.TypeCNAME:
		case dns.TypeANY:
			edge("A")
			edge("AAAA")
			for _, t := range sortedTypes(n) {
				if !model.Proxiable(t) {
					add(n.byType[t])
				}
			}
		default:
			add(n.byType[dns.TypeToString[qtype]])
		}
		return out, ""
	}
	if cn := n.byType["CNAME"]; len(cn) > 0 && qtype != dns.TypeCNAME {
		add(cn[:1])
		return out, strings.ToLower(cn[0].Value)
	}
	if qtype == dns.TypeANY {
		for _, t := range sortedTypes(n) {
			add(n.byType[t])
		}
		return out, ""
	}
	add(n.byType[dns.TypeToString[qtype]])
	return out, ""
}

func sortedTypes(n *rrNode) []string {
	var ts []string
	for _, t := range model.RecordTypes {
		if len(n.byType[t]) > 0 {
			ts = append(ts, t)
		}
	}
	return ts
}

// addGlue adds the addresses of in-zone name servers to the additional section.
func (e *Edge) addGlue(zv *zoneView, ns []model.Record, resp *dns.Msg) {
	for _, r := range ns {
		target := strings.ToLower(r.Value)
		if !inZone(target, zv.name) {
			continue
		}
		n := zv.nodes[target]
		if n == nil {
			continue
		}
		for _, t := range []string{"A", "AAAA"} {
			for _, a := range n.byType[t] {
				if rr, err := e.toRR(dns.Fqdn(target), a); err == nil {
					resp.Extra = append(resp.Extra, rr)
				}
			}
		}
	}
}

// soa is the zone's SOA record.
func (e *Edge) soa(zv *zoneView) dns.RR {
	ns := nsNames(zv)
	mname := "ns1." + zv.name
	if len(ns) > 0 {
		mname = ns[0]
	}
	return &dns.SOA{
		Hdr:     dns.RR_Header{Name: dns.Fqdn(zv.name), Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: soaTTL},
		Ns:      dns.Fqdn(mname),
		Mbox:    dns.Fqdn("hostmaster." + zv.name),
		Serial:  e.serial(zv),
		Refresh: soaRefresh,
		Retry:   soaRetry,
		Expire:  soaExpire,
		Minttl:  soaMinimum,
	}
}

// serial is the zone's SOA serial: the provider's own when it reports one, else a
// counter that moves forward whenever the zone's records change.
func (e *Edge) serial(zv *zoneView) uint32 {
	if zv.live.Serial != 0 {
		return zv.live.Serial
	}
	h := fnv.New64a()
	for _, r := range zv.live.Records {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00%t\n", r.Name, r.Type, r.Value, r.TTL, r.Proxied)
	}
	sum := h.Sum64()
	e.serialMu.Lock()
	defer e.serialMu.Unlock()
	s, ok := e.serials[zv.name]
	switch {
	case !ok:
		s = zoneSerial{hash: sum, serial: uint32(e.opts.Now().Unix())}
	case s.hash != sum:
		s = zoneSerial{hash: sum, serial: s.serial + 1}
	}
	e.serials[zv.name] = s
	return s.serial
}

type zoneSerial struct {
	hash   uint64
	serial uint32
}

// toRR converts a record (model's canonical value) to a DNS record owned by owner.
func (e *Edge) toRR(owner string, r model.Record) (dns.RR, error) {
	ttl := uint32(r.TTL)
	if ttl == 0 || r.Proxied {
		ttl = autoTTL
	}
	t, ok := dns.StringToType[r.Type]
	if !ok {
		return nil, fmt.Errorf("unknown type %s", r.Type)
	}
	hdr := dns.RR_Header{Name: owner, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
	fields := strings.Fields(r.Value)
	switch r.Type {
	case "A", "AAAA":
		a, err := netip.ParseAddr(r.Value)
		if err != nil {
			return nil, fmt.Errorf("bad address %q", r.Value)
		}
		if r.Type == "A" {
			return &dns.A{Hdr: hdr, A: a.AsSlice()}, nil
		}
		return &dns.AAAA{Hdr: hdr, AAAA: a.AsSlice()}, nil
	case "CNAME":
		return &dns.CNAME{Hdr: hdr, Target: dns.Fqdn(r.Value)}, nil
	case "NS":
		return &dns.NS{Hdr: hdr, Ns: dns.Fqdn(r.Value)}, nil
	case "PTR":
		return &dns.PTR{Hdr: hdr, Ptr: dns.Fqdn(r.Value)}, nil
	case "MX":
		if len(fields) != 2 {
			return nil, fmt.Errorf("bad MX value %q", r.Value)
		}
		pref, err := strconv.ParseUint(fields[0], 10, 16)
		if err != nil {
			return nil, fmt.Errorf("bad MX preference %q", fields[0])
		}
		return &dns.MX{Hdr: hdr, Preference: uint16(pref), Mx: hostFqdn(fields[1])}, nil
	case "SRV":
		if len(fields) != 4 {
			return nil, fmt.Errorf("bad SRV value %q", r.Value)
		}
		var n [3]uint16
		for i := range n {
			x, err := strconv.ParseUint(fields[i], 10, 16)
			if err != nil {
				return nil, fmt.Errorf("bad SRV field %q", fields[i])
			}
			n[i] = uint16(x)
		}
		return &dns.SRV{Hdr: hdr, Priority: n[0], Weight: n[1], Port: n[2], Target: hostFqdn(fields[3])}, nil
	case "CAA":
		flags, tag, val, err := model.ParseCAA(r.Value)
		if err != nil {
			return nil, err
		}
		return &dns.CAA{Hdr: hdr, Flag: uint8(flags), Tag: tag, Value: escapeBackslash(val)}, nil
	case "TXT":
		parts := model.SplitTXT(r.Value)
		for i, p := range parts {
			parts[i] = escapeBackslash(p)
		}
		return &dns.TXT{Hdr: hdr, Txt: parts}, nil
	}
	if t, ok := model.TypeInfo(r.Type); ok && t.Presentation {
		return model.ParseRR(owner, ttl, r.Type, r.Value, "")
	}
	return nil, fmt.Errorf("type %s is not served", r.Type)
}

// hostFqdn makes a host name absolute; "." stays the root.
func hostFqdn(h string) string {
	if h == "." {
		return "."
	}
	return dns.Fqdn(h)
}

// escapeBackslash protects backslashes from miekg/dns's escape handling when packing
// character-strings, so the text goes on the wire byte for byte.
func escapeBackslash(s string) string { return strings.ReplaceAll(s, `\`, `\\`) }
