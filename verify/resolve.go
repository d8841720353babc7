package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptrace"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
)

// exchange sends one query to server and returns the answer. It retries once over UDP
// on timeout and repeats the query over TCP when the answer was truncated.
func exchange(ctx context.Context, server, name string, qtype uint16, recursion bool, timeout time.Duration) (*dns.Msg, error) {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = recursion
	m.SetEdns0(4096, false)
	c := &dns.Client{Net: "udp", Timeout: timeout}
	var (
		resp *dns.Msg
		err  error
	)
	for attempt := 0; attempt < 2; attempt++ {
		resp, _, err = c.ExchangeContext(ctx, m, server)
		if err == nil {
			break
		}
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("querying %s for %s %s: %w", server, name, dns.TypeToString[qtype], err)
	}
	if resp.Truncated {
		c.Net = "tcp"
		resp, _, err = c.ExchangeContext(ctx, m, server)
		if err != nil {
			return nil, fmt.Errorf("querying %s over TCP for %s %s: %w", server, name, dns.TypeToString[qtype], err)
		}
	}
	return resp, nil
}

// rrValue renders a DNS record's data in model's canonical form (model.CanonicalValue).
func rrValue(rr dns.RR) (string, bool) {
	host := func(h string) string {
		if h == "." {
			return "."
		}
		return model.CanonicalLiveName(h)
	}
	switch v := rr.(type) {
	case *dns.A:
		a, ok := netip.AddrFromSlice(v.A.To4())
		return a.String(), ok
	case *dns.AAAA:
		a, ok := netip.AddrFromSlice(v.AAAA.To16())
		return a.String(), ok
	case *dns.CNAME:
		return host(v.Target), true
	case *dns.NS:
		return host(v.Ns), true
	case *dns.PTR:
		return host(v.Ptr), true
	case *dns.MX:
		return fmt.Sprintf("%d %s", v.Preference, host(v.Mx)), true
	case *dns.SRV:
		return fmt.Sprintf("%d %d %d %s", v.Priority, v.Weight, v.Port, host(v.Target)), true
	case *dns.TXT:
		return model.JoinDNSStrings(v.Txt), true
	case *dns.CAA:
		return model.FormatCAA(int(v.Flag), strings.ToLower(v.Tag), v.Value), true
	}
	// The presentation types of the type table (HTTPS, TLSA, NAPTR, …): their
	// canonical presentation form, as launch.hcl's values are.
	if t, ok := model.TypeInfo(dns.TypeToString[rr.Header().Rrtype]); ok && t.Presentation {
		c, err := model.CanonicalValue(t.Name, model.RDataString(rr), "")
		return c, err == nil
	}
	return "", false
}

// dialer connects the HTTP client and TLS checks: it resolves names through the
// configured DNS server (or the system resolver) and maps ports 80 and 443 to the
// configured ports. The caller keeps the URL's host for SNI and Host.
type dialer struct {
	resolver    string            // "" = system
	zoneServers map[string]string // zone → its own server (Options.ZoneServers)
	httpPort    int
	httpsPort   int
	timeout     time.Duration
	// connectTo maps "ADDRESS:PORT" (the resolved address and the URL's port) to the
	// "HOST:PORT" dialled instead (Options.ConnectTo).
	connectTo map[string]string
	// loopbackOnly refuses to dial any address outside loopback that connectTo does
	// not map (Options.LoopbackOnly).
	loopbackOnly bool
}

// mapPort returns the port to dial for a URL port.
func (d *dialer) mapPort(port string) string {
	switch port {
	case "80":
		return strconv.Itoa(d.httpPort)
	case "443":
		return strconv.Itoa(d.httpsPort)
	}
	return port
}

// DialContext is an http.Transport DialContext.
func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", addr, err)
	}
	urlPort := port
	port = d.mapPort(port)
	nd := &net.Dialer{Timeout: d.timeout}
	var addrs []netip.Addr
	switch {
	case d.serverFor(host) != "":
		if addrs, err = d.lookup(ctx, host); err != nil {
			return nil, err
		}
	case len(d.connectTo) > 0 || d.loopbackOnly:
		// The system resolver, but the addresses are needed to apply the mapping.
		if a, perr := netip.ParseAddr(host); perr == nil {
			addrs = []netip.Addr{a}
		} else if addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host); err != nil {
			return nil, fmt.Errorf("resolving %s: %w", host, err)
		}
	default:
		return nd.DialContext(ctx, network, net.JoinHostPort(host, port))
	}
	var errs []error
	for _, a := range addrs {
		a = a.Unmap()
		target := net.JoinHostPort(a.String(), port)
		if to, ok := d.connectTo[net.JoinHostPort(a.String(), urlPort)]; ok {
			target = to
		} else if d.loopbackOnly && !a.IsLoopback() {
			errs = append(errs, fmt.Errorf("%w: %s is outside loopback (only loopback addresses are dialled against a simulator)", errNotContacted, a))
			continue
		}
		c, err := nd.DialContext(ctx, network, target)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
	}
	return nil, fmt.Errorf("connecting to %s: %w", host, errors.Join(errs...))
}

// lookup resolves host (A and AAAA, IPv4 first) through the configured DNS server,
// following CNAMEs, and reports to an httptrace in ctx as the system resolver would.
func (d *dialer) lookup(ctx context.Context, host string) (addrs []netip.Addr, err error) {
	if a, perr := netip.ParseAddr(host); perr == nil {
		return []netip.Addr{a}, nil
	}
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.DNSStart != nil {
		trace.DNSStart(httptrace.DNSStartInfo{Host: host})
	}
	defer func() {
		if trace != nil && trace.DNSDone != nil {
			info := httptrace.DNSDoneInfo{Err: err}
			for _, a := range addrs {
				info.Addrs = append(info.Addrs, net.IPAddr{IP: a.AsSlice()})
			}
			trace.DNSDone(info)
		}
	}()
	srv := d.serverFor(host)
	for _, qtype := range []uint16{dns.TypeA, dns.TypeAAAA} {
		got, lerr := d.lookupType(ctx, srv, host, qtype)
		if lerr != nil {
			err = lerr
			continue
		}
		addrs = append(addrs, got...)
	}
	if len(addrs) > 0 {
		return addrs, nil
	}
	if err == nil {
		err = fmt.Errorf("resolving %s via %s: no A or AAAA record", host, srv)
	}
	return nil, err
}

// serverFor is the DNS server that resolves host: the server of the zone it is in,
// when verify was given one for that zone (an RFC 2136 zone's own server), else the
// resolver for everything ("" = the system's).
func (d *dialer) serverFor(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	best, srv := -1, d.resolver
	for zone, s := range d.zoneServers {
		if (h == zone || strings.HasSuffix(h, "."+zone)) && len(zone) > best {
			best, srv = len(zone), s
		}
	}
	return srv
}

func (d *dialer) lookupType(ctx context.Context, server, host string, qtype uint16) ([]netip.Addr, error) {
	name := dns.Fqdn(host)
	for range 8 { // CNAME chain bound
		resp, err := exchange(ctx, server, name, qtype, true, d.timeout)
		if err != nil {
			return nil, fmt.Errorf("resolving %s: %w", host, err)
		}
		if resp.Rcode != dns.RcodeSuccess {
			return nil, fmt.Errorf("resolving %s via %s: %s", host, server, dns.RcodeToString[resp.Rcode])
		}
		var out []netip.Addr
		// Follow the CNAME chain inside the answer (bounded: a looping chain ends).
		owner := strings.ToLower(name)
		for range len(resp.Answer) {
			next := ""
			for _, rr := range resp.Answer {
				if c, ok := rr.(*dns.CNAME); ok && strings.ToLower(rr.Header().Name) == owner {
					next = strings.ToLower(c.Target)
				}
			}
			if next == "" {
				break
			}
			owner = next
		}
		for _, rr := range resp.Answer {
			if strings.ToLower(rr.Header().Name) != owner || rr.Header().Rrtype != qtype {
				continue
			}
			switch v := rr.(type) {
			case *dns.A:
				if a, ok := netip.AddrFromSlice(v.A.To4()); ok {
					out = append(out, a)
				}
			case *dns.AAAA:
				if a, ok := netip.AddrFromSlice(v.AAAA.To16()); ok {
					out = append(out, a)
				}
			}
		}
		if len(out) > 0 {
			sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
			return out, nil
		}
		if owner == strings.ToLower(name) {
			return nil, nil // no data of this type
		}
		name = owner // the chain leaves the answer: ask for its end
	}
	return nil, fmt.Errorf("resolving %s via %s: CNAME chain too long", host, server)
}
