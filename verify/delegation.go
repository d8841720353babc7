package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// KindDelegation groups the checks one level up, at the zone's parent: the launch
// blockers that come before every other check.
const KindDelegation Kind = "delegation"

// Delegation check names.
const (
	CheckZoneStatus    = "zone_status"   // delegation: the provider's zone status is active
	CheckParentNS      = "parent_ns"     // delegation: the parent lists exactly the zone's name servers
	CheckDS            = "ds"            // delegation: DS at the parent against the zone's keys
	CheckSubdelegation = "subdelegation" // delegation: each server of an NS set inside the zone answers for it
)

// DelegationDetail is what the parent and the provider said.
type DelegationDetail struct {
	// Parent is the parent zone's name ("" when it could not be found).
	Parent string `json:"parent,omitempty"`
	// ParentServers are the parent's servers that were asked ("name (ip:port)").
	ParentServers []string `json:"parent_servers,omitempty"`
	// Status is the provider's zone status (zone_status).
	Status string `json:"status,omitempty"`
	// Want are the name servers the parent should list (parent_ns), sorted.
	Want []string `json:"want,omitempty"`
	// Got are the name servers the parent lists (parent_ns), sorted.
	Got []string `json:"got,omitempty"`
	// Missing and Extra are Want minus Got and Got minus Want.
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
	// DNSSEC is the provider's DNSSEC status (ds).
	DNSSEC string `json:"dnssec,omitempty"`
	// ParentDS are the DS records at the parent, "tag alg digest-type DIGEST" (ds).
	ParentDS []string `json:"parent_ds,omitempty"`
	// WantDS are the DS records the parent should hold (ds).
	WantDS []string `json:"want_ds,omitempty"`
	// Servers are the answers of a delegated subzone's servers (subdelegation).
	Servers []ServerAnswer `json:"servers,omitempty"`
}

// rootServers are the IPv4 addresses of the root servers a.–m.root-servers.net
// (IANA root hints), where the walk to a zone's parent starts.
var rootServers = []nameserver{
	{Name: "a.root-servers.net", Addr: "198.41.0.4:53"},
	{Name: "b.root-servers.net", Addr: "170.247.170.2:53"},
	{Name: "c.root-servers.net", Addr: "192.33.4.12:53"},
	{Name: "d.root-servers.net", Addr: "199.7.91.13:53"},
	{Name: "e.root-servers.net", Addr: "192.203.230.10:53"},
	{Name: "f.root-servers.net", Addr: "192.5.5.241:53"},
	{Name: "g.root-servers.net", Addr: "192.112.36.4:53"},
	{Name: "h.root-servers.net", Addr: "198.97.190.53:53"},
	{Name: "i.root-servers.net", Addr: "192.36.148.17:53"},
	{Name: "j.root-servers.net", Addr: "192.58.128.30:53"},
	{Name: "k.root-servers.net", Addr: "193.0.14.129:53"},
	{Name: "l.root-servers.net", Addr: "199.7.83.42:53"},
	{Name: "m.root-servers.net", Addr: "202.12.27.33:53"},
}

// maxWalk bounds the referrals followed from the root (or --parent-resolver), and
// maxTries the servers of one level tried before giving up.
const (
	maxWalk  = 16
	maxTries = 3
)

// delegationWorld reports whether the parent of zone can be asked: walking from the
// root in the real world, or from ParentResolver. When every query goes to one
// server (Resolver, a loopback zone server, a test's system resolver) there is no
// parent to ask unless ParentResolver names one.
func (r *runner) delegationWorld(zone string) bool {
	if r.opts.ParentResolver != "" {
		return true
	}
	if r.opts.Resolver != "" || r.opts.systemResolver != nil {
		return false
	}
	if srv, ok := r.opts.ZoneServers[zone]; ok {
		host, _, _ := net.SplitHostPort(srv)
		if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() || host == "localhost" {
			return false
		}
	}
	return true
}

// delegationTasks returns the zone's delegation checks: the provider's zone status,
// the parent's NS set and DS, and every NS set inside the zone.
func (r *runner) delegationTasks(z *schema.Zone) []task {
	zone := z.Name
	return []task{{label: "delegation of " + zone, run: func(ctx context.Context) []Result {
		return r.checkDelegation(ctx, z)
	}}}
}

func (r *runner) checkDelegation(ctx context.Context, z *schema.Zone) []Result {
	zone := z.Name
	var (
		want    *model.Delegation
		wantErr error
	)
	if r.opts.Delegation != nil {
		want, wantErr = r.opts.Delegation(ctx, zone)
		if wantErr == nil && want == nil {
			wantErr = errors.New("the provider reported nothing")
		}
	}
	var out []Result
	if st := statusResult(zone, want, wantErr, r.opts.Delegation != nil); st != nil {
		out = append(out, *st)
	}
	if !r.delegationWorld(zone) {
		// Every query goes to one server (--resolver, a loopback zone server): a test
		// world without a parent. Nothing is reported rather than a skip in every
		// such run; --parent-resolver names the parent (README, "verify").
		return out
	}
	p, err := r.findParent(ctx, zone)
	out = append(out, parentNSResult(zone, want, wantErr, p, err))
	if err == nil {
		out = append(out, r.dsResult(ctx, zone, want, wantErr, p))
	}
	out = append(out, r.subdelegationResults(ctx, z)...)
	return out
}

// statusResult judges the provider's zone status; nil when there is nothing to say
// (no provider hook, or a provider without zone statuses).
func statusResult(zone string, want *model.Delegation, err error, hooked bool) *Result {
	res := &Result{Zone: zone, Kind: KindDelegation, Name: zone, Check: CheckZoneStatus}
	switch {
	case !hooked:
		return nil
	case err != nil:
		res.Status, res.Reason = Warn, "could not read the zone's status and name servers from the provider: "+err.Error()
		return res
	case want.Status == "":
		return nil
	}
	res.Delegation = &DelegationDetail{Status: want.Status, Want: sortedCopy(want.Nameservers)}
	ns := strings.Join(want.Nameservers, ", ")
	switch want.Status {
	case "active":
		res.Status, res.Reason = Pass, "the zone is active at the provider"
	case "pending", "initializing":
		res.Status = Fail
		res.Reason = fmt.Sprintf("the zone is %s at the provider: it does not see its name servers at the registrar yet, so the world still reads the old provider's records; set exactly %s at the registrar (then the provider activates the zone, usually within hours)", want.Status, ns)
		if len(want.OriginalNameservers) > 0 {
			res.Reason += fmt.Sprintf(", replacing %s", strings.Join(want.OriginalNameservers, ", "))
		}
	case "moved":
		res.Status = Fail
		res.Reason = fmt.Sprintf("the zone is moved: the registrar no longer lists the provider's name servers and the provider will delete the zone; set %s at the registrar again, or remove the zone from launch.hcl", ns)
	default:
		res.Status = Fail
		res.Reason = fmt.Sprintf("the zone is %q at the provider, not active: its records are not served; see the provider's dashboard", want.Status)
	}
	return res
}

// parent is what the walk found: the parent zone, its servers and the NS set it
// holds for the zone.
type parent struct {
	zone    string
	servers []nameserver
	ns      []string // canonical, sorted
	asked   nameserver
	// sameServer: the parent's server also serves the zone and answered with the
	// zone's own NS set (the delegation it holds cannot be asked apart).
	sameServer bool
}

func (p *parent) label() string {
	if p.zone == "" {
		return "the parent"
	}
	if p.zone == "." {
		return "the root"
	}
	return "the parent zone " + p.zone
}

func (p *parent) serverLabels() []string {
	var out []string
	for _, s := range p.servers {
		out = append(out, s.label())
	}
	return out
}

// errNotDelegated means the parent holds no delegation for the zone.
var errNotDelegated = errors.New("not delegated")

// findParent walks referrals from the root servers (or Options.ParentResolver) down
// to the zone's parent, asking without recursion, and returns the parent's NS set for
// the zone as the parent itself serves it.
func (r *runner) findParent(ctx context.Context, zone string) (*parent, error) {
	servers, current := rootServers, "."
	if r.opts.ParentResolver != "" {
		servers = []nameserver{{Name: r.opts.ParentResolver, Addr: r.opts.ParentResolver}}
		current = ""
	}
	for hop := 0; hop < maxWalk; hop++ {
		resp, asked, err := r.askAny(ctx, servers, zone, dns.TypeNS)
		if err != nil {
			return nil, err
		}
		if resp.Rcode == dns.RcodeNameError {
			return &parent{zone: soaOwner(resp, current), servers: servers, asked: asked},
				fmt.Errorf("%w: %s answers NXDOMAIN for %s: the domain is not registered, or its delegation was removed", errNotDelegated, asked.label(), zone)
		}
		if resp.Rcode != dns.RcodeSuccess {
			return nil, fmt.Errorf("%s answers %s for %s NS", asked.label(), dns.RcodeToString[resp.Rcode], zone)
		}
		cut, ns := referral(resp)
		switch {
		case cut == zone && !resp.Authoritative:
			p := &parent{zone: current, servers: servers, ns: ns, asked: asked}
			if p.zone == "" {
				p.zone = r.parentName(ctx, asked, zone)
			}
			return p, nil
		case cut != "" && cut != zone && dns.IsSubDomain(dns.Fqdn(cut), dns.Fqdn(zone)) && (current == "" || cut != current && dns.IsSubDomain(dns.Fqdn(current), dns.Fqdn(cut))):
			next := r.referralServers(ctx, resp, ns)
			if len(next) == 0 {
				return nil, fmt.Errorf("%s refers %s to %s (%s), whose addresses cannot be found", asked.label(), zone, cut, strings.Join(ns, ", "))
			}
			servers, current = next, cut
		case resp.Authoritative:
			owner := soaOwner(resp, current)
			if hasNS(resp.Answer, zone) {
				// The server serves the zone itself. When it also serves the parent (one
				// server for both), its answer is all there is to compare.
				if pz := r.parentName(ctx, asked, zone); pz != "" && pz != zone {
					_, ns := referral(&dns.Msg{Ns: resp.Answer})
					return &parent{zone: pz, servers: servers, ns: ns, asked: asked, sameServer: true}, nil
				}
				return nil, fmt.Errorf("%s answers for %s itself (it serves the zone, not its parent): ask the parent's own servers (--parent-resolver)", asked.label(), zone)
			}
			return &parent{zone: owner, servers: servers, asked: asked},
				fmt.Errorf("%w: %s (%s) holds no NS records for %s", errNotDelegated, (&parent{zone: owner}).label(), asked.label(), zone)
		default:
			return nil, fmt.Errorf("%s gave neither an answer nor a referral for %s NS (a lame or recursive server?)", asked.label(), zone)
		}
	}
	return nil, fmt.Errorf("more than %d referrals on the way to %s", maxWalk, zone)
}

// parentName finds the zone a server is authoritative for above zone by asking for
// the SOA of each ancestor (used when the walk started at --parent-resolver).
func (r *runner) parentName(ctx context.Context, srv nameserver, zone string) string {
	labels := dns.SplitDomainName(zone)
	for i := 1; i <= len(labels); i++ {
		name := strings.Join(labels[i:], ".")
		if name == "" {
			name = "."
		}
		resp, err := exchange(ctx, srv.Addr, dns.Fqdn(name), dns.TypeSOA, false, r.opts.Timeout)
		if err != nil || !resp.Authoritative || resp.Rcode != dns.RcodeSuccess {
			continue
		}
		for _, rr := range resp.Answer {
			if _, ok := rr.(*dns.SOA); ok {
				return name
			}
		}
	}
	return ""
}

// askAny asks the servers in turn (at most maxTries) until one answers.
func (r *runner) askAny(ctx context.Context, servers []nameserver, name string, qtype uint16) (*dns.Msg, nameserver, error) {
	var errs []string
	tried := 0
	for _, s := range servers {
		if s.Addr == "" {
			continue
		}
		if tried == maxTries {
			break
		}
		tried++
		resp, err := exchange(ctx, s.Addr, name, qtype, false, r.opts.Timeout)
		if err == nil {
			return resp, s, nil
		}
		errs = append(errs, err.Error())
		if ctx.Err() != nil {
			break
		}
	}
	if len(errs) == 0 {
		return nil, nameserver{}, fmt.Errorf("no address for any of %s", joinLimit(labelsOf(servers), 4))
	}
	return nil, nameserver{}, fmt.Errorf("no server answered: %s", strings.Join(errs, "; "))
}

func labelsOf(ns []nameserver) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.label())
	}
	return out
}

// referral returns the owner and the sorted canonical targets of the NS records in
// the authority section ("" when there are none).
func referral(resp *dns.Msg) (string, []string) {
	cut := ""
	var ns []string
	for _, rr := range resp.Ns {
		v, ok := rr.(*dns.NS)
		if !ok {
			continue
		}
		owner := model.CanonicalLiveName(v.Hdr.Name)
		if cut == "" {
			cut = owner
		}
		if owner == cut {
			ns = append(ns, model.CanonicalLiveName(v.Ns))
		}
	}
	sort.Strings(ns)
	return cut, slices.Compact(ns)
}

func hasNS(rrs []dns.RR, owner string) bool {
	for _, rr := range rrs {
		if v, ok := rr.(*dns.NS); ok && model.CanonicalLiveName(v.Hdr.Name) == owner {
			return true
		}
	}
	return false
}

// soaOwner is the owner of the SOA in the authority section, else fallback.
func soaOwner(resp *dns.Msg, fallback string) string {
	for _, rr := range resp.Ns {
		if soa, ok := rr.(*dns.SOA); ok {
			if n := model.CanonicalLiveName(soa.Hdr.Name); n != "" {
				return n
			}
			return "."
		}
	}
	return fallback
}

// referralServers gives the servers of a referral their addresses: glue from the
// additional section, then Options.NSAddrs, then the system resolver (port 53).
func (r *runner) referralServers(ctx context.Context, resp *dns.Msg, ns []string) []nameserver {
	glue := map[string][]netip.Addr{}
	for _, rr := range resp.Extra {
		owner := model.CanonicalLiveName(rr.Header().Name)
		switch v := rr.(type) {
		case *dns.A:
			if a, ok := netip.AddrFromSlice(v.A.To4()); ok {
				glue[owner] = append(glue[owner], a)
			}
		}
	}
	var out []nameserver
	for _, n := range ns {
		if addr, ok := r.opts.NSAddrs[n]; ok {
			out = append(out, nameserver{Name: n, Addr: addr})
			continue
		}
		if as := glue[n]; len(as) > 0 {
			out = append(out, nameserver{Name: n, Addr: net.JoinHostPort(as[0].String(), "53")})
			continue
		}
		out = append(out, r.resolveServer(ctx, n))
	}
	return out
}

// resolveServer finds a name server's address: Options.NSAddrs, else the system
// resolver and port 53.
func (r *runner) resolveServer(ctx context.Context, host string) nameserver {
	if addr, ok := r.opts.NSAddrs[host]; ok {
		return nameserver{Name: host, Addr: addr}
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
	if err != nil || len(ips) == 0 {
		msg := "no address"
		if err != nil {
			msg = err.Error()
		}
		return nameserver{Name: host, Err: "cannot resolve the name server: " + msg}
	}
	return nameserver{Name: host, Addr: net.JoinHostPort(ips[0].Unmap().String(), "53")}
}

// parentNSResult compares the parent's NS set with the zone's name servers.
func parentNSResult(zone string, want *model.Delegation, wantErr error, p *parent, err error) (res Result) {
	res = Result{Zone: zone, Kind: KindDelegation, Name: zone, Check: CheckParentNS}
	d := &DelegationDetail{}
	res.Delegation = d
	if p != nil {
		d.Parent = p.zone
		d.ParentServers = p.serverLabels()
		res.Target = joinLimit(d.ParentServers, 4)
	}
	var set string
	if want != nil {
		d.Want = sortedCopy(want.Nameservers)
		set = strings.Join(want.Nameservers, ", ")
	}
	if err != nil {
		res.Status = Fail
		res.Reason = "the parent's delegation could not be read: " + err.Error()
		if errors.Is(err, errNotDelegated) {
			res.Reason = err.Error() + ": nobody can find the zone"
		}
		if set != "" {
			res.Reason += "; set exactly " + set + " at the registrar"
		}
		return res
	}
	d.Got = p.ns
	if want == nil || len(want.Nameservers) == 0 {
		res.Status = Warn
		why := "the provider was not asked"
		if wantErr != nil {
			why = "the provider could not be read"
		} else if want != nil {
			why = "the provider reports none"
		}
		res.Reason = fmt.Sprintf("%s lists %s; the zone's own name servers are unknown (%s), so the set was not compared", p.label(), strings.Join(p.ns, ", "), why)
		return res
	}
	for _, w := range d.Want {
		if !slices.Contains(d.Got, w) {
			d.Missing = append(d.Missing, w)
		}
	}
	for _, g := range d.Got {
		if !slices.Contains(d.Want, g) {
			d.Extra = append(d.Extra, g)
		}
	}
	fix := "; set exactly " + set + " at the registrar"
	defer func() {
		if p.sameServer {
			res.Reason += fmt.Sprintf(" (%s also serves %s and answered with the zone's own NS set)", p.asked.label(), zone)
		}
	}()
	switch {
	case len(d.Missing) == 0 && len(d.Extra) == 0:
		res.Status = Pass
		res.Reason = fmt.Sprintf("%s lists exactly the zone's name servers: %s", p.label(), set)
	case len(d.Missing) == len(d.Want):
		res.Status = Fail
		res.Reason = fmt.Sprintf("%s lists other name servers (%s), none of the zone's: the world still reads the old provider", p.label(), strings.Join(d.Got, ", ")) + fix
	case len(d.Extra) > 0:
		res.Status = Fail
		res.Reason = fmt.Sprintf("%s mixes the zone's name servers with others (%s): resolvers that pick those get other answers", p.label(), strings.Join(d.Extra, ", "))
		if len(d.Missing) > 0 {
			res.Reason += fmt.Sprintf(", and misses %s", strings.Join(d.Missing, ", "))
		}
		res.Reason += fix
	default:
		res.Status = Fail
		res.Reason = fmt.Sprintf("%s lists only %s: missing %s", p.label(), strings.Join(d.Got, ", "), strings.Join(d.Missing, ", ")) + fix
	}
	return res
}

// dsResult compares the DS records at the parent with the zone's keys.
func (r *runner) dsResult(ctx context.Context, zone string, want *model.Delegation, wantErr error, p *parent) Result {
	res := Result{Zone: zone, Kind: KindDelegation, Name: zone, Check: CheckDS, Target: joinLimit(p.serverLabels(), 4)}
	d := &DelegationDetail{Parent: p.zone, ParentServers: p.serverLabels()}
	res.Delegation = d
	servers := append([]nameserver{p.asked}, p.servers...)
	resp, asked, err := r.askAny(ctx, servers, zone, dns.TypeDS)
	if err != nil {
		res.Status, res.Reason = Fail, "the DS records at the parent could not be read: "+err.Error()
		return res
	}
	if resp.Rcode != dns.RcodeSuccess {
		res.Status, res.Reason = Fail, fmt.Sprintf("%s answers %s for %s DS", asked.label(), dns.RcodeToString[resp.Rcode], zone)
		return res
	}
	var parentDS []*dns.DS
	for _, rr := range resp.Answer {
		if v, ok := rr.(*dns.DS); ok && model.CanonicalLiveName(v.Hdr.Name) == zone {
			parentDS = append(parentDS, v)
			d.ParentDS = append(d.ParentDS, dsText(v))
		}
	}
	sort.Strings(d.ParentDS)
	var sec *model.DNSSEC
	if want != nil {
		sec = want.DNSSEC
	}
	if sec != nil {
		d.DNSSEC = sec.Status
		d.WantDS = sortedCopy(sec.DS)
	}
	publish := func() string {
		var out []string
		for _, ds := range d.WantDS {
			out = append(out, dns.Fqdn(zone)+" DS "+ds)
		}
		return strings.Join(out, "; ")
	}
	switch {
	case sec == nil:
		why := "the provider was not asked"
		if wantErr != nil {
			why = "the provider could not be read"
		}
		if len(parentDS) == 0 {
			res.Status, res.Reason = Warn, "no DS at the parent; whether the zone is signed is unknown ("+why+")"
		} else {
			res.Status, res.Reason = Warn, fmt.Sprintf("the parent holds DS %s; whether it matches the zone's key is unknown (%s)", strings.Join(d.ParentDS, ", "), why)
		}
		return res
	case len(parentDS) == 0 && !sec.Signed():
		res.Status, res.Reason = Pass, "the zone is not signed and the parent holds no DS"
	case len(parentDS) == 0:
		res.Status = Warn
		res.Reason = fmt.Sprintf("DNSSEC is on at the provider (%s) but the parent holds no DS, so nothing is validated", sec.Status)
		if len(d.WantDS) > 0 {
			res.Reason += "; publish this DS at the registrar: " + publish()
		}
	case !sec.Signed():
		res.Status = Fail
		res.Reason = fmt.Sprintf("the parent holds DS %s but the zone is not signed (DNSSEC %s): validating resolvers get SERVFAIL for every name in the zone; remove the DS at the registrar",
			strings.Join(d.ParentDS, ", "), sec.Status)
	default:
		var matched, stale []string
		for _, ds := range parentDS {
			if dsMatches(zone, ds, sec) {
				matched = append(matched, dsText(ds))
			} else {
				stale = append(stale, dsText(ds))
			}
		}
		switch {
		case len(matched) == 0:
			res.Status = Fail
			res.Reason = fmt.Sprintf("the parent holds DS %s, which matches no key of the zone: validating resolvers get SERVFAIL for every name in the zone", strings.Join(stale, ", "))
			if len(d.WantDS) > 0 {
				res.Reason += "; replace it at the registrar with " + publish()
			}
		case len(stale) > 0:
			res.Status = Warn
			res.Reason = fmt.Sprintf("the parent's DS %s matches the zone's key, beside DS %s that matches none (a leftover): remove it at the registrar", strings.Join(matched, ", "), strings.Join(stale, ", "))
		case sec.Status == "pending-disabled":
			res.Status = Warn
			res.Reason = fmt.Sprintf("DNSSEC is being disabled and the parent still holds DS %s: remove it at the registrar before the zone stops signing", strings.Join(matched, ", "))
		default:
			res.Status = Pass
			res.Reason = fmt.Sprintf("the parent's DS %s matches the zone's key", strings.Join(matched, ", "))
		}
	}
	return res
}

// dsText is a DS record's data: "tag alg digest-type DIGEST".
func dsText(ds *dns.DS) string {
	return fmt.Sprintf("%d %d %d %s", ds.KeyTag, ds.Algorithm, ds.DigestType, strings.ToUpper(ds.Digest))
}

// dsMatches reports whether a DS at the parent matches one of the zone's keys: the
// digest of a DNSKEY computed with the DS's digest type, or else (no keys known) one
// of the DS records the provider says to publish.
func dsMatches(zone string, ds *dns.DS, sec *model.DNSSEC) bool {
	for _, k := range sec.DNSKEY {
		rr, err := dns.NewRR(dns.Fqdn(zone) + " 3600 IN DNSKEY " + k)
		if err != nil {
			continue
		}
		key, ok := rr.(*dns.DNSKEY)
		if !ok || key.KeyTag() != ds.KeyTag || key.Algorithm != ds.Algorithm {
			continue
		}
		if got := key.ToDS(ds.DigestType); got != nil && strings.EqualFold(got.Digest, ds.Digest) {
			return true
		}
	}
	if len(sec.DNSKEY) > 0 {
		return false
	}
	for _, w := range sec.DS {
		if strings.EqualFold(strings.Join(strings.Fields(w), " "), dsText(ds)) {
			return true
		}
	}
	return false
}

// subdelegationResults checks every NS set declared inside the zone: each listed
// server must answer authoritatively for the delegated name (else the delegation is
// lame).
func (r *runner) subdelegationResults(ctx context.Context, z *schema.Zone) []Result {
	var out []Result
	for _, set := range z.RRSets() {
		if set.Type != "NS" || set.Name == z.Name || len(set.Values) == 0 {
			continue
		}
		res := Result{Zone: z.Name, Kind: KindDelegation, Name: set.Name, Check: CheckSubdelegation, Target: strings.Join(set.Values, ", ")}
		d := &DelegationDetail{Want: sortedCopy(set.Values)}
		res.Delegation = d
		var problems []string
		for _, host := range sortedCopy(set.Values) {
			ns := r.resolveServerIn(ctx, z, host)
			a := ServerAnswer{Server: host, Address: ns.Addr, Values: []string{}}
			switch {
			case ns.Addr == "":
				a.Error = ns.Err
				problems = append(problems, host+": "+ns.Err)
			default:
				resp, err := exchange(ctx, ns.Addr, set.Name, dns.TypeSOA, false, r.opts.Timeout)
				switch {
				case err != nil:
					a.Error = err.Error()
					problems = append(problems, ns.label()+": does not answer ("+err.Error()+")")
				case resp.Rcode != dns.RcodeSuccess:
					a.Rcode = dns.RcodeToString[resp.Rcode]
					problems = append(problems, fmt.Sprintf("%s: answers %s for %s", ns.label(), a.Rcode, set.Name))
				case !resp.Authoritative:
					problems = append(problems, fmt.Sprintf("%s: answer for %s is not authoritative (AA bit not set)", ns.label(), set.Name))
				default:
					a.Authoritative, a.OK = true, true
					for _, rr := range resp.Answer {
						if soa, ok := rr.(*dns.SOA); ok {
							a.Values = append(a.Values, model.CanonicalLiveName(soa.Hdr.Name)+" SOA")
						}
					}
				}
				a.Authoritative = a.Authoritative || (resp != nil && resp.Authoritative)
			}
			d.Servers = append(d.Servers, a)
		}
		if len(problems) == 0 {
			res.Status, res.Reason = Pass, fmt.Sprintf("every server of the delegation answers authoritatively for %s", set.Name)
		} else {
			res.Status = Fail
			res.Reason = "lame delegation: " + strings.Join(problems, "; ") + fmt.Sprintf(": resolvers sent there get no answer for names under %s; fix the servers or the NS records", set.Name)
		}
		out = append(out, res)
	}
	return out
}

// resolveServerIn finds a name server's address: Options.NSAddrs, then an address
// the zone itself declares for it (glue), then the system resolver.
func (r *runner) resolveServerIn(ctx context.Context, z *schema.Zone, host string) nameserver {
	if addr, ok := r.opts.NSAddrs[host]; ok {
		return nameserver{Name: host, Addr: addr}
	}
	for _, set := range z.RRSets() {
		if set.Name == host && set.Type == "A" && len(set.Values) > 0 {
			return nameserver{Name: host, Addr: net.JoinHostPort(set.Values[0], "53")}
		}
	}
	return r.resolveServer(ctx, host)
}
