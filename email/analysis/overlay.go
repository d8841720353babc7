package analysis

import (
	"context"
	"net"
	"strconv"
	"strings"

	"github.com/launchready/launchready/email"
	"github.com/launchready/launchready/model"
)

// WithZone returns a resolver that answers every name inside zone from records (the
// zone's complete contents, e.g. as they will be after an apply: plan.RecordsAfter)
// and every other name from base. plan analyses email through it, so the findings are
// about DNS as it will be: records the apply creates count, and so do records made by
// hand that it leaves alone (an SPF record beside the one launchready creates is two
// SPF records: a permerror). Inside the zone, a name with no record is NXDOMAIN and a
// name without the asked type is NODATA; a CNAME is followed. Proxied A/AAAA records
// answer their origin address: the analysis only asks whether an address exists.
func WithZone(base email.Resolver, zone string, records []model.Record) email.Resolver {
	o := &zoneView{base: base, zone: email.CanonicalDNSName(zone), sets: map[model.Key][]string{}, names: map[string]bool{}}
	for _, r := range records {
		name := email.CanonicalDNSName(r.Name)
		o.names[name] = true
		for n := name; n != o.zone && strings.Contains(n, "."); {
			_, n, _ = strings.Cut(n, ".")
			o.names[n] = true // empty non-terminals exist (NODATA, not NXDOMAIN)
		}
		k := model.Key{Name: name, Type: strings.ToUpper(r.Type)}
		o.sets[k] = append(o.sets[k], r.Value)
	}
	return o
}

type zoneView struct {
	base  email.Resolver
	zone  string
	sets  map[model.Key][]string
	names map[string]bool
}

// inZone reports whether name is the zone or below it.
func (o *zoneView) inZone(name string) bool {
	return name == o.zone || strings.HasSuffix(name, "."+o.zone)
}

// values answers name/typ inside the zone, following CNAMEs within it. done is false
// when the answer must come from base (a name outside the zone, or a CNAME leaving it).
func (o *zoneView) values(name, typ string) (vals []string, err error, outside string, done bool) {
	name = email.CanonicalDNSName(name)
	for hop := 0; hop < 8; hop++ {
		if !o.inZone(name) {
			return nil, nil, name, false
		}
		if v := o.sets[model.Key{Name: name, Type: typ}]; len(v) > 0 {
			return append([]string(nil), v...), nil, "", true
		}
		if cn := o.sets[model.Key{Name: name, Type: "CNAME"}]; len(cn) > 0 && typ != "CNAME" {
			name = email.CanonicalDNSName(cn[0])
			continue
		}
		kind := email.ErrNXDomain
		if o.names[name] || name == o.zone {
			kind = email.ErrNoData
		}
		return nil, &email.LookupError{Name: name, Type: typ, Kind: kind}, "", true
	}
	return nil, &email.LookupError{Name: name, Type: typ, Kind: email.ErrTemporary}, "", true
}

func (o *zoneView) LookupTXT(ctx context.Context, name string) ([]string, error) {
	v, err, outside, done := o.values(name, "TXT")
	if !done {
		return o.base.LookupTXT(ctx, outside)
	}
	return v, err
}

func (o *zoneView) lookupIP(ctx context.Context, name, typ string, base func(context.Context, string) ([]net.IP, error)) ([]net.IP, error) {
	v, err, outside, done := o.values(name, typ)
	if !done {
		return base(ctx, outside)
	}
	var out []net.IP
	for _, s := range v {
		if ip := net.ParseIP(s); ip != nil {
			out = append(out, ip)
		}
	}
	return out, err
}

func (o *zoneView) LookupA(ctx context.Context, name string) ([]net.IP, error) {
	return o.lookupIP(ctx, name, "A", o.base.LookupA)
}

func (o *zoneView) LookupAAAA(ctx context.Context, name string) ([]net.IP, error) {
	return o.lookupIP(ctx, name, "AAAA", o.base.LookupAAAA)
}

func (o *zoneView) LookupMX(ctx context.Context, name string) ([]email.MX, error) {
	v, err, outside, done := o.values(name, "MX")
	if !done {
		return o.base.LookupMX(ctx, outside)
	}
	var out []email.MX
	for _, s := range v {
		pref, host, found := strings.Cut(s, " ")
		n, perr := strconv.Atoi(pref)
		if !found || perr != nil || n < 0 || n > 65535 {
			continue
		}
		if host == "." {
			host = ""
		}
		out = append(out, email.MX{Preference: uint16(n), Host: host})
	}
	return out, err
}

func (o *zoneView) LookupPTR(ctx context.Context, name string) ([]string, error) {
	v, err, outside, done := o.values(name, "PTR")
	if !done {
		return o.base.LookupPTR(ctx, outside)
	}
	return v, err
}
