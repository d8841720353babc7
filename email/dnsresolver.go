package email

import (
	"github.com/launchready/launchready/model"

	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"
)

// DNSResolver is a Resolver that queries DNS servers with miekg/dns: recursion desired,
// UDP with EDNS0 and a retry over TCP when the answer is truncated, CNAME chains
// followed (also across answers from servers that do not recurse). Build it with
// NewDNSResolver.
type DNSResolver struct {
	servers []string
	err     error // reading the system configuration failed
	// Timeout bounds one query to one server (default 5s); the context bounds the
	// whole lookup.
	Timeout time.Duration
}

var _ Resolver = (*DNSResolver)(nil)

// NewDNSResolver returns a resolver that sends its queries to server ("host:port",
// or a bare host meaning port 53), or, when server is "", to the nameservers of
// /etc/resolv.conf (tried in order). This is what `--resolver HOST:PORT` selects.
// A system configuration that cannot be read makes every lookup fail with a temporary
// error that says so.
func NewDNSResolver(server string) *DNSResolver {
	r := &DNSResolver{Timeout: 5 * time.Second}
	if server != "" {
		if _, _, err := net.SplitHostPort(server); err != nil {
			server = net.JoinHostPort(strings.Trim(server, "[]"), "53")
		}
		r.servers = []string{server}
		return r
	}
	conf, err := dns.ClientConfigFromFile("/etc/resolv.conf")
	if err != nil {
		r.err = fmt.Errorf("reading the system DNS configuration: %w", err)
		return r
	}
	for _, s := range conf.Servers {
		r.servers = append(r.servers, net.JoinHostPort(s, conf.Port))
	}
	if len(r.servers) == 0 {
		r.err = errors.New("the system DNS configuration (/etc/resolv.conf) lists no nameserver")
	}
	return r
}

// exchange sends one question to the servers in turn until one answers.
func (r *DNSResolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	if r.err != nil {
		return nil, r.err
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = true
	m.SetEdns0(1232, false)
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	var lastErr error
	for _, server := range r.servers {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := &dns.Client{Net: "udp", Timeout: timeout}
		in, _, err := c.ExchangeContext(ctx, m, server)
		if err == nil && in.Truncated {
			c = &dns.Client{Net: "tcp", Timeout: timeout}
			in, _, err = c.ExchangeContext(ctx, m, server)
		}
		if err != nil {
			lastErr = fmt.Errorf("querying %s: %w", server, err)
			continue
		}
		if in.Rcode == dns.RcodeSuccess || in.Rcode == dns.RcodeNameError {
			return in, nil
		}
		lastErr = fmt.Errorf("%s answered %s", server, dns.RcodeToString[in.Rcode])
	}
	return nil, lastErr
}

// query resolves name/qtype, following CNAMEs, and returns the records of qtype.
func (r *DNSResolver) query(ctx context.Context, name string, qtype uint16) ([]dns.RR, error) {
	typ := dns.TypeToString[qtype]
	qname := CanonicalDNSName(name)
	if !ValidDNSName(qname) {
		return nil, &LookupError{Name: name, Type: typ, Kind: ErrNXDomain, Cause: errors.New("not a valid domain name")}
	}
	visited := map[string]bool{}
	for hop := 0; hop <= 8; hop++ {
		visited[qname] = true
		in, err := r.exchange(ctx, qname, qtype)
		if err != nil {
			return nil, &LookupError{Name: name, Type: typ, Kind: ErrTemporary, Cause: err}
		}
		// Follow the CNAME chain inside the answer.
		cur := qname
		for {
			next := ""
			for _, rr := range in.Answer {
				if c, ok := rr.(*dns.CNAME); ok && qtype != dns.TypeCNAME && CanonicalDNSName(c.Hdr.Name) == cur {
					next = CanonicalDNSName(c.Target)
				}
			}
			if next == "" {
				break
			}
			if visited[next] {
				return nil, &LookupError{Name: name, Type: typ, Kind: ErrTemporary, Cause: errors.New("CNAME loop")}
			}
			visited[next] = true
			cur = next
		}
		var out []dns.RR
		for _, rr := range in.Answer {
			if rr.Header().Rrtype == qtype && CanonicalDNSName(rr.Header().Name) == cur {
				out = append(out, rr)
			}
		}
		switch {
		case len(out) > 0:
			return out, nil
		case in.Rcode == dns.RcodeNameError:
			return nil, &LookupError{Name: name, Type: typ, Kind: ErrNXDomain}
		case cur != qname:
			// A CNAME without the target's records (a server that does not recurse):
			// ask for the target.
			qname = cur
			continue
		default:
			return nil, &LookupError{Name: name, Type: typ, Kind: ErrNoData}
		}
	}
	return nil, &LookupError{Name: name, Type: typ, Kind: ErrTemporary, Cause: errors.New("CNAME chain longer than 8")}
}

// LookupTXT implements Resolver.
func (r *DNSResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return txtValues(r.query(ctx, name, dns.TypeTXT))
}

// LookupA implements Resolver.
func (r *DNSResolver) LookupA(ctx context.Context, name string) ([]net.IP, error) {
	return aValues(r.query(ctx, name, dns.TypeA))
}

// LookupAAAA implements Resolver.
func (r *DNSResolver) LookupAAAA(ctx context.Context, name string) ([]net.IP, error) {
	return aValues(r.query(ctx, name, dns.TypeAAAA))
}

// LookupMX implements Resolver.
func (r *DNSResolver) LookupMX(ctx context.Context, name string) ([]MX, error) {
	return mxValues(r.query(ctx, name, dns.TypeMX))
}

// LookupPTR implements Resolver.
func (r *DNSResolver) LookupPTR(ctx context.Context, name string) ([]string, error) {
	return ptrValues(r.query(ctx, name, dns.TypePTR))
}

// The typed answers of a lookup, shared by every resolver that gets RRs.

func txtValues(rrs []dns.RR, err error) ([]string, error) {
	var out []string
	for _, rr := range rrs {
		out = append(out, model.JoinDNSStrings(rr.(*dns.TXT).Txt))
	}
	return out, err
}

func aValues(rrs []dns.RR, err error) ([]net.IP, error) {
	var out []net.IP
	for _, rr := range rrs {
		switch v := rr.(type) {
		case *dns.A:
			out = append(out, v.A)
		case *dns.AAAA:
			out = append(out, v.AAAA)
		}
	}
	return out, err
}

func mxValues(rrs []dns.RR, err error) ([]MX, error) {
	var out []MX
	for _, rr := range rrs {
		mx := rr.(*dns.MX)
		out = append(out, MX{Preference: mx.Preference, Host: CanonicalDNSName(mx.Mx)})
	}
	return out, err
}

func ptrValues(rrs []dns.RR, err error) ([]string, error) {
	var out []string
	for _, rr := range rrs {
		out = append(out, CanonicalDNSName(rr.(*dns.PTR).Ptr))
	}
	return out, err
}
