package rfc2136

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// ApplyRecords writes ops to live's zone with RFC 2136 dynamic UPDATE.
//
// All ops go into ONE UPDATE message when it fits in 64 KiB (the DNS message limit over
// TCP); the server applies a message atomically, in order (the ops come ordered deletes
// → updates → creates, so an A deleted and a CNAME created at one name is a legal type
// change inside the message). Deletes and the "before" of updates remove exactly that
// value (RFC 2136 §2.5.4); creates and the "after" of updates add one (§2.5.1).
//
// Every message carries the prerequisite "RRset exists (value dependent)" (RFC 2136
// §2.4.2) on the zone's SOA exactly as it was read: if anyone changed the zone since
// (which bumps the serial), the server changes nothing and answers NXRRSET, and the
// error (ErrZoneChanged) says to re-run plan. Messages are TSIG-signed and sent over TCP.
//
// TTLs: all records of a DNS RRset share one TTL. BIND gives the whole RRset the TTL of
// the last record added to it, so an update that changes one value's TTL changes the
// TTL of every value of that name and type (plans update the whole set anyway, as a
// desired RRset has one TTL). A record with TTL 0 (automatic) is written with the
// provider kind's DefaultTTL (model.ProviderKinds, 300 s).
//
// Servers may silently ignore additions that RFC 2136 §3.4.2.2 lets them ignore: BIND
// drops a CNAME added next to other data (or other data next to a CNAME) and answers
// NOERROR. ApplyRecords therefore refuses, before sending anything, ops that would
// leave a CNAME next to other records at a name they touch; anything else a server
// ignores shows up in the CLI's re-read after apply as a remaining change.
func (p *Provider) ApplyRecords(ctx context.Context, live *model.LiveZone, ops []model.RecordOp) error {
	if live == nil {
		return fmt.Errorf("rfc2136: ApplyRecords needs the live zone the ops were planned from")
	}
	zone := model.CanonicalLiveName(live.Name)
	if len(ops) == 0 {
		return nil
	}
	groups := make([]opRRs, 0, len(ops))
	for _, op := range ops {
		g, err := opToRRs(zone, op)
		if err != nil {
			return p.newError(opUpdate, zone, fmt.Sprintf("%s: %v", op, err), nil, err)
		}
		groups = append(groups, g)
	}
	if err := checkCNAMEConflicts(zone, live, ops); err != nil {
		return p.newError(opUpdate, zone, err.Error()+"; nothing was changed", nil, err)
	}

	soa, err := p.prerequisiteSOA(ctx, zone, live)
	if err != nil {
		return err
	}
	batches, err := p.split(zone, soa, groups, ops)
	if err != nil {
		return err
	}
	for i, batch := range batches {
		if i > 0 {
			// The zone did not fit one message: the previous message was applied and
			// bumped the serial, so re-read the SOA and make it the next message's
			// prerequisite. A change made by someone else in the instant between two
			// messages is not caught by the prerequisite (it is by the CLI's re-read and
			// the next plan); within each message the guarantee holds.
			soa, err = p.currentSOA(ctx, zone)
			if err != nil {
				return partial(err, i, len(batches))
			}
		}
		if err := p.send(ctx, zone, soa, batch); err != nil {
			return partial(err, i, len(batches))
		}
	}
	return nil
}

// partial notes, on an error in message i (0-based) of n, how many were applied.
func partial(err error, i, n int) error {
	var e *Error
	if i == 0 || !errors.As(err, &e) {
		return err
	}
	e.Msg += fmt.Sprintf(" (%d of %d update messages had been applied before this one; re-run plan to see what remains)", i, n)
	return e
}

// opRRs are one op's update RRs: values to remove, then values to add.
type opRRs struct {
	remove []dns.RR
	insert []dns.RR
	size   int // uncompressed wire size, an upper bound of what it adds to a message
}

func opToRRs(zone string, op model.RecordOp) (opRRs, error) {
	var g opRRs
	switch op.Op {
	case model.OpDelete, model.OpUpdate, model.OpCreate:
	default:
		return g, fmt.Errorf("unknown op %q", op.Op)
	}
	if op.Op != model.OpCreate {
		if op.Before == nil {
			return g, fmt.Errorf("%s without the record it changes", op.Op)
		}
		rr, err := recordToRR(zone, *op.Before)
		if err != nil {
			return g, err
		}
		g.remove = append(g.remove, rr)
	}
	if op.Op != model.OpDelete {
		if op.After == nil {
			return g, fmt.Errorf("%s without the new record", op.Op)
		}
		rr, err := recordToRR(zone, *op.After)
		if err != nil {
			return g, err
		}
		g.insert = append(g.insert, rr)
	}
	for _, rr := range append(append([]dns.RR{}, g.remove...), g.insert...) {
		g.size += dns.Len(rr)
	}
	return g, nil
}

// recordToRR builds the RR for a canonical record (see recordFromRR for the forms):
// names and targets become FQDNs, TXT is cut into character-strings of at most 255
// bytes, TTL 0 becomes the default TTL.
func recordToRR(zone string, rec model.Record) (dns.RR, error) {
	name := strings.TrimSuffix(strings.ToLower(rec.Name), ".")
	if name != zone && !strings.HasSuffix(name, "."+zone) {
		return nil, fmt.Errorf("name %q is not inside zone %s", rec.Name, zone)
	}
	if rec.TTL < 0 || int64(rec.TTL) > 2147483647 {
		return nil, fmt.Errorf("TTL %d is out of range", rec.TTL)
	}
	ttl := rec.TTL
	if ttl == 0 {
		ttl = defaultTTL()
	}
	typ := strings.ToUpper(rec.Type)
	rrtype, ok := dns.StringToType[typ]
	if !ok {
		return nil, fmt.Errorf("unknown record type %q", rec.Type)
	}
	hdr := dns.RR_Header{Name: dns.Fqdn(name), Rrtype: rrtype, Class: dns.ClassINET, Ttl: uint32(ttl)}
	v := strings.TrimSpace(rec.Value)
	switch typ {
	case "A", "AAAA":
		a, err := netip.ParseAddr(v)
		if err != nil || (typ == "A") != a.Is4() {
			return nil, fmt.Errorf("%s value %q is not an IPv%s address", typ, rec.Value, map[bool]string{true: "4", false: "6"}[typ == "A"])
		}
		if typ == "A" {
			return &dns.A{Hdr: hdr, A: net.IP(a.AsSlice())}, nil
		}
		return &dns.AAAA{Hdr: hdr, AAAA: net.IP(a.AsSlice())}, nil
	case "CNAME":
		return &dns.CNAME{Hdr: hdr, Target: fqdnTarget(v)}, nil
	case "NS":
		return &dns.NS{Hdr: hdr, Ns: fqdnTarget(v)}, nil
	case "PTR":
		return &dns.PTR{Hdr: hdr, Ptr: fqdnTarget(v)}, nil
	case "MX":
		f := strings.Fields(v)
		if len(f) != 2 {
			return nil, fmt.Errorf("MX value %q is not \"<preference> <host>\"", rec.Value)
		}
		pref, err := strconv.ParseUint(f[0], 10, 16)
		if err != nil {
			return nil, fmt.Errorf("MX preference %q: %v", f[0], err)
		}
		return &dns.MX{Hdr: hdr, Preference: uint16(pref), Mx: fqdnTarget(f[1])}, nil
	case "SRV":
		f := strings.Fields(v)
		if len(f) != 4 {
			return nil, fmt.Errorf("SRV value %q is not \"<priority> <weight> <port> <target>\"", rec.Value)
		}
		var n [3]uint16
		for i := range n {
			x, err := strconv.ParseUint(f[i], 10, 16)
			if err != nil {
				return nil, fmt.Errorf("SRV field %d (%q): %v", i+1, f[i], err)
			}
			n[i] = uint16(x)
		}
		return &dns.SRV{Hdr: hdr, Priority: n[0], Weight: n[1], Port: n[2], Target: fqdnTarget(f[3])}, nil
	case "CAA":
		flags, tag, value, err := model.ParseCAA(v)
		if err != nil {
			return nil, err
		}
		// miekg/dns unescapes backslashes when packing a CAA value.
		return &dns.CAA{Hdr: hdr, Flag: uint8(flags), Tag: tag, Value: strings.ReplaceAll(value, `\`, `\\`)}, nil
	case "TXT":
		// The value is the unescaped text; cut it into ≤255-byte character-strings
		// (never inside a UTF-8 sequence) and escape each for miekg/dns's packer.
		parts := model.SplitTXT(rec.Value)
		for i, s := range parts {
			parts[i] = model.EscapeDNSString(s)
		}
		return &dns.TXT{Hdr: hdr, Txt: parts}, nil
	case "SOA":
		return nil, fmt.Errorf("the SOA record is maintained by the server; launchready does not write it")
	}
	// Types launchready does not model: the value is presentation form (as read).
	rr, err := dns.NewRR(fmt.Sprintf("%s %d IN %s %s", hdr.Name, ttl, typ, v))
	if err != nil || rr == nil {
		return nil, fmt.Errorf("%s value %q does not parse: %v", typ, rec.Value, err)
	}
	return rr, nil
}

// fqdnTarget makes a canonical target absolute; the root stays ".".
func fqdnTarget(t string) string {
	if t == "." || t == "" {
		return "."
	}
	return dns.Fqdn(strings.ToLower(t))
}

// split cuts the ops into messages that fit maxMsgSize, keeping op order and each op's
// RRs together. Sizes are summed uncompressed, so a message never exceeds the limit
// even before name compression.
func (p *Provider) split(zone string, soa *dns.SOA, groups []opRRs, ops []model.RecordOp) ([][]opRRs, error) {
	overhead := 12 + len(dns.Fqdn(zone)) + 1 + 4 + dns.Len(soa) + tsigSize(p.key)
	budget := p.maxMsgSize - overhead
	var out [][]opRRs
	var cur []opRRs
	used := 0
	for i, g := range groups {
		if g.size > budget {
			return nil, p.newError(opUpdate, zone, fmt.Sprintf("%s: the record is too large for a DNS UPDATE message (%d bytes)", ops[i], g.size), nil, nil)
		}
	}
	// Pack runs of ops at one name whole (plans list a name's ops together, its mark
	// with it: ownership.Order), so a message boundary never falls inside a name.
	key := make([]string, len(ops))
	for i := range ops {
		key[i] = ownership.Names(ops[i : i+1])[0]
	}
	for start := 0; start < len(groups); {
		end := start + 1
		for end < len(groups) && key[end] == key[start] {
			end++
		}
		size := 0
		for _, g := range groups[start:end] {
			size += g.size
		}
		if size > budget { // one name too large for a message: its ops go one by one
			for _, g := range groups[start:end] {
				if used+g.size > budget {
					out = append(out, cur)
					cur, used = nil, 0
				}
				cur = append(cur, g)
				used += g.size
			}
			start = end
			continue
		}
		if used+size > budget {
			out = append(out, cur)
			cur, used = nil, 0
		}
		cur = append(cur, groups[start:end]...)
		used += size
		start = end
	}
	return append(out, cur), nil
}

// tsigSize is the largest TSIG RR this key adds to a message (a 64-byte MAC, and the
// 6 bytes of other data a BADTIME answer carries).
func tsigSize(k *tsigKey) int {
	return len(k.name) + 1 + 10 + len(k.algorithm) + 1 + 6 + 2 + 2 + 64 + 2 + 2 + 2 + 6
}

// send signs and sends one UPDATE message and interprets the answer.
func (p *Provider) send(ctx context.Context, zone string, soa *dns.SOA, batch []opRRs) error {
	m := new(dns.Msg)
	m.SetUpdate(dns.Fqdn(zone))
	m.Used([]dns.RR{dns.Copy(soa)}) // prerequisite: the SOA is still exactly the one read
	for _, g := range batch {
		if len(g.remove) > 0 {
			m.Remove(copyRRs(g.remove))
		}
		if len(g.insert) > 0 {
			m.Insert(copyRRs(g.insert))
		}
	}
	m.Compress = true
	m.SetTsig(p.key.name, p.key.algorithm, 300, time.Now().Unix()) // last: signs everything above
	r, err := p.exchange(ctx, m)
	if err != nil {
		return p.exchangeError(ctx, opUpdate, zone, r, err)
	}
	switch r.Rcode {
	case dns.RcodeSuccess:
		if r.IsTsig() == nil {
			return p.newError(opUpdate, zone, "the server's answer is not TSIG-signed although the update was; the result cannot be trusted: re-run plan", ErrTSIG, nil)
		}
		return nil
	case dns.RcodeNXRrset, dns.RcodeYXRrset:
		msg := fmt.Sprintf("zone changed since it was read (serial %d", soa.Serial)
		if now, err := p.currentSOA(ctx, zone); err == nil {
			if now.Serial != soa.Serial {
				msg += fmt.Sprintf(" is now %d", now.Serial)
			} else {
				msg += " is unchanged, but the SOA record was edited"
			}
		} else {
			msg += " is no longer current"
		}
		return p.newError(opUpdate, zone, msg+"): nothing was changed; re-run plan", ErrZoneChanged, nil)
	case dns.RcodeRefused:
		return p.newError(opUpdate, zone, fmt.Sprintf("update refused by server: check allow-update for key %s, that the server is the zone's primary, and the server's integrity checks (BIND's check-integrity refuses an MX or SRV whose in-zone target has no A or AAAA record; validate warns about those)", p.key.name), ErrRefused, nil)
	case dns.RcodeNotAuth:
		if t := r.IsTsig(); t != nil && t.Error != dns.RcodeSuccess {
			return p.tsigError(opUpdate, zone, t.Error, nil)
		}
		return p.newError(opUpdate, zone, "the server is not authoritative for the zone (NOTAUTH): is it the zone's primary?", ErrRefused, nil)
	case dns.RcodeNotZone:
		return p.newError(opUpdate, zone, "a record name is outside the zone (NOTZONE)", nil, nil)
	case dns.RcodeFormatError:
		return p.newError(opUpdate, zone, "the server could not parse the update (FORMERR)", nil, nil)
	case dns.RcodeServerFailure:
		return p.newError(opUpdate, zone, "the server failed to apply the update (SERVFAIL): check its log", nil, nil)
	}
	return p.newError(opUpdate, zone, "update failed: the server answered "+rcodeName(r.Rcode), nil, nil)
}

// exchange sends a signed message over TCP and returns the verified answer.
func (p *Provider) exchange(ctx context.Context, m *dns.Msg) (*dns.Msg, error) {
	c := &dns.Client{Net: "tcp", Timeout: p.timeout, TsigProvider: p.key}
	r, _, err := c.ExchangeContext(ctx, m, p.server)
	return r, err
}

// currentSOA asks the server (TSIG-signed, TCP) for the zone's SOA as it is now.
func (p *Provider) currentSOA(ctx context.Context, zone string) (*dns.SOA, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(zone), dns.TypeSOA)
	m.RecursionDesired = false
	m.SetTsig(p.key.name, p.key.algorithm, 300, time.Now().Unix())
	r, err := p.exchange(ctx, m)
	if err != nil {
		return nil, p.exchangeError(ctx, opUpdate, zone, r, err)
	}
	if r.Rcode != dns.RcodeSuccess {
		return nil, p.newError(opUpdate, zone, "asking for the zone's SOA: the server answered "+rcodeName(r.Rcode), nil, nil)
	}
	for _, rr := range r.Answer {
		if soa, ok := rr.(*dns.SOA); ok && model.CanonicalLiveName(soa.Hdr.Name) == zone {
			return soa, nil
		}
	}
	return nil, p.newError(opUpdate, zone, "the server returned no SOA for the zone (is it authoritative for it?)", nil, nil)
}

// prerequisiteSOA returns the SOA the ops were planned against: the one in live's
// records (as ReadZone returns it). When live has no SOA record (built by hand), the
// server's current SOA is used if its serial is still live.Serial.
func (p *Provider) prerequisiteSOA(ctx context.Context, zone string, live *model.LiveZone) (*dns.SOA, error) {
	for _, rec := range live.Records {
		if rec.Type != "SOA" || model.CanonicalLiveName(rec.Name) != zone {
			continue
		}
		rr, err := dns.NewRR(fmt.Sprintf("%s 0 IN SOA %s", dns.Fqdn(zone), rec.Value))
		soa, ok := rr.(*dns.SOA)
		if err != nil || !ok {
			return nil, p.newError(opUpdate, zone, fmt.Sprintf("the live SOA %q does not parse: %v", rec.Value, err), nil, err)
		}
		if live.Serial != 0 && soa.Serial != live.Serial {
			return nil, p.newError(opUpdate, zone, fmt.Sprintf("the live state is inconsistent: its SOA has serial %d but Serial is %d", soa.Serial, live.Serial), nil, nil)
		}
		return soa, nil
	}
	if live.Serial == 0 {
		return nil, p.newError(opUpdate, zone, "the live state has no SOA serial to use as the update's prerequisite (read it with ReadZone)", nil, nil)
	}
	soa, err := p.currentSOA(ctx, zone)
	if err != nil {
		return nil, err
	}
	if soa.Serial != live.Serial {
		return nil, p.newError(opUpdate, zone, fmt.Sprintf("zone changed since it was read (serial %d is now %d): nothing was changed; re-run plan", live.Serial, soa.Serial), ErrZoneChanged, nil)
	}
	return soa, nil
}

func copyRRs(rrs []dns.RR) []dns.RR {
	out := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		out[i] = dns.Copy(rr)
	}
	return out
}

// checkCNAMEConflicts refuses ops that would leave a CNAME next to other data at a
// name they touch (RFC 1034 §3.6.2). BIND would silently ignore such an addition
// and answer NOERROR, leaving a change that reappears in every plan; refusing it
// first gives an error that names the conflicting records instead. DNSSEC records,
// which may coexist with a CNAME, are not counted.
func checkCNAMEConflicts(zone string, live *model.LiveZone, ops []model.RecordOp) error {
	type key struct{ name, typ, value string }
	state := map[key]bool{}
	for _, r := range live.Records {
		state[key{model.CanonicalLiveName(r.Name), r.Type, r.Value}] = true
	}
	touched := map[string]bool{}
	for _, op := range ops {
		if op.Before != nil {
			delete(state, key{model.CanonicalLiveName(op.Before.Name), op.Before.Type, op.Before.Value})
			touched[model.CanonicalLiveName(op.Before.Name)] = true
		}
		if op.After != nil {
			state[key{model.CanonicalLiveName(op.After.Name), op.After.Type, op.After.Value}] = true
			touched[model.CanonicalLiveName(op.After.Name)] = true
		}
	}
	byName := map[string][]string{}
	for k := range state {
		if touched[k.name] {
			switch k.typ {
			case "RRSIG", "NSEC", "NSEC3":
				continue
			}
			byName[k.name] = append(byName[k.name], k.typ+" "+k.value)
		}
	}
	var names []string
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		rs := byName[n]
		sort.Strings(rs)
		hasCNAME := false
		for _, r := range rs {
			if strings.HasPrefix(r, "CNAME ") {
				hasCNAME = true
			}
		}
		if hasCNAME && len(rs) > 1 {
			return fmt.Errorf("%s would have a CNAME next to other records (%s); a CNAME must be alone at its name: delete the others or declare them", n, strings.Join(rs, ", "))
		}
	}
	return nil
}
