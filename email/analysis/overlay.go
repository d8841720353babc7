package analysis

import (
	"context"
	"net"
	"strconv"
	"strings"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// WithDesired returns a resolver that answers from the desired record sets where they
// declare a name and type, and from base for everything else: DNS as it will be once
// the plan is applied. plan runs the analysis through it, so records the apply is
// about to create (the MX a DMARC report address needs, the SPF record itself) are not
// reported missing. Proxied A/AAAA sets answer their origin address, which is what an
// SPF a mechanism would not see after apply; the analysis only uses them for void
// lookups, where any address counts.
func WithDesired(base email.Resolver, sets []model.RRSet) email.Resolver {
	o := &overlay{base: base, sets: map[model.Key][]string{}}
	for _, s := range sets {
		k := model.Key{Name: strings.ToLower(s.Name), Type: s.Type}
		o.sets[k] = append(o.sets[k], s.Values...)
	}
	return o
}

type overlay struct {
	base email.Resolver
	sets map[model.Key][]string
}

func (o *overlay) values(name, typ string) ([]string, bool) {
	v, ok := o.sets[model.Key{Name: email.CanonicalDNSName(name), Type: typ}]
	return v, ok && len(v) > 0
}

func (o *overlay) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if v, ok := o.values(name, "TXT"); ok {
		return append([]string(nil), v...), nil
	}
	return o.base.LookupTXT(ctx, name)
}

func (o *overlay) lookupIP(ctx context.Context, name, typ string, base func(context.Context, string) ([]net.IP, error)) ([]net.IP, error) {
	if v, ok := o.values(name, typ); ok {
		var out []net.IP
		for _, s := range v {
			if ip := net.ParseIP(s); ip != nil {
				out = append(out, ip)
			}
		}
		return out, nil
	}
	return base(ctx, name)
}

func (o *overlay) LookupA(ctx context.Context, name string) ([]net.IP, error) {
	return o.lookupIP(ctx, name, "A", o.base.LookupA)
}

func (o *overlay) LookupAAAA(ctx context.Context, name string) ([]net.IP, error) {
	return o.lookupIP(ctx, name, "AAAA", o.base.LookupAAAA)
}

func (o *overlay) LookupMX(ctx context.Context, name string) ([]email.MX, error) {
	v, ok := o.values(name, "MX")
	if !ok {
		return o.base.LookupMX(ctx, name)
	}
	var out []email.MX
	for _, s := range v {
		pref, host, found := strings.Cut(s, " ")
		n, err := strconv.Atoi(pref)
		if !found || err != nil || n < 0 || n > 65535 {
			continue
		}
		if host == "." {
			host = ""
		}
		out = append(out, email.MX{Preference: uint16(n), Host: host})
	}
	return out, nil
}

func (o *overlay) LookupPTR(ctx context.Context, name string) ([]string, error) {
	if v, ok := o.values(name, "PTR"); ok {
		return append([]string(nil), v...), nil
	}
	return o.base.LookupPTR(ctx, name)
}
