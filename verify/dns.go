package verify

import (
	"context"
	"fmt"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// nameserver is one authoritative server of a zone.
type nameserver struct {
	Name string // host name, or the resolver address
	Addr string // ip:port
	Err  string // why the address is unknown
}

func (n nameserver) label() string {
	if n.Name == n.Addr || n.Addr == "" {
		return n.Name
	}
	return fmt.Sprintf("%s (%s)", n.Name, n.Addr)
}

// nameservers finds the zone's authoritative servers: the configured resolver alone,
// or the zone's NS records (asked of the system resolver) and their addresses.
func (r *runner) nameservers(ctx context.Context, zone string) ([]nameserver, error) {
	if srv, ok := r.opts.ZoneServers[zone]; ok {
		return []nameserver{{Name: srv, Addr: srv}}, nil
	}
	if r.opts.Resolver != "" {
		return []nameserver{{Name: r.opts.Resolver, Addr: r.opts.Resolver}}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	sys, port := net.DefaultResolver, "53"
	if r.opts.systemResolver != nil {
		sys, port = r.opts.systemResolver, r.opts.dnsPort
	}
	nss, err := sys.LookupNS(ctx, zone)
	if err != nil {
		return nil, fmt.Errorf("looking up the NS records of %s: %w", zone, err)
	}
	if len(nss) == 0 {
		return nil, fmt.Errorf("%s has no NS records: is the domain delegated?", zone)
	}
	var out []nameserver
	for _, ns := range nss {
		host := model.CanonicalLiveName(ns.Host)
		ips, err := sys.LookupNetIP(ctx, "ip", host)
		if err != nil || len(ips) == 0 {
			msg := "no address"
			if err != nil {
				msg = err.Error()
			}
			out = append(out, nameserver{Name: host, Err: "cannot resolve the name server: " + msg})
			continue
		}
		sort.Slice(ips, func(i, j int) bool { // IPv4 first, then by address
			if ips[i].Is4() != ips[j].Is4() {
				return ips[i].Is4()
			}
			return ips[i].Less(ips[j])
		})
		out = append(out, nameserver{Name: host, Addr: net.JoinHostPort(ips[0].Unmap().String(), port)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// dnsTasks returns the zone's DNS checks: its name servers, then every desired record
// set on each of them.
func (r *runner) dnsTasks(z *schema.Zone) []task {
	zone := z.Name
	servers := sync.OnceValues(func() ([]nameserver, error) {
		return r.nameservers(context.Background(), zone)
	})
	tasks := []task{{label: "name servers of " + zone, run: func(ctx context.Context) []Result {
		res := Result{Zone: zone, Kind: KindDNS, Name: zone, Check: CheckNameservers}
		nss, err := servers()
		switch {
		case err != nil:
			res.Status, res.Reason = Fail, err.Error()
		case r.opts.ZoneServers[zone] != "":
			srv := r.opts.ZoneServers[zone]
			res.Status, res.Target = Pass, srv
			res.Reason = "asking " + srv + " (the zone's own server) as the authoritative server"
		case r.opts.Resolver != "":
			res.Status, res.Target = Pass, r.opts.Resolver
			res.Reason = "asking " + r.opts.Resolver + " (--resolver) as the authoritative server"
		default:
			var labels, bad []string
			for _, ns := range nss {
				labels = append(labels, ns.label())
				if ns.Err != "" {
					bad = append(bad, ns.Name+": "+ns.Err)
				}
			}
			res.Target = strings.Join(labels, ", ")
			if len(bad) > 0 {
				res.Status, res.Reason = Fail, strings.Join(bad, "; ")
			} else {
				res.Status, res.Reason = Pass, fmt.Sprintf("%d authoritative name servers: %s", len(nss), res.Target)
			}
		}
		return []Result{res}
	}}}
	for _, set := range z.RRSets() {
		if len(set.Values) == 0 {
			continue
		}
		tasks = append(tasks, task{label: set.Name + " " + set.Type, run: func(ctx context.Context) []Result {
			nss, err := servers()
			return []Result{r.checkRRSetIn(ctx, zone, z.Authoritative, nss, err, set)}
		}})
	}
	return tasks
}

// dnsProbe is one way of asking about a record set and judging an answer.
type dnsProbe struct {
	check string
	qtype uint16
	judge func(resp *dns.Msg) ServerAnswer // fills Values, TTL, OK (not Server/Address)
}

// probeFor builds the probe of a desired set: exact values for ordinary sets; edge
// addresses that are not the origin for proxied ones.
func probeFor(zone string, set model.RRSet, authoritative bool) dnsProbe {
	owner := dns.Fqdn(set.Name)
	if set.Proxied && model.Proxiable(set.Type) {
		qtype := dns.TypeA
		if set.Type == "AAAA" {
			qtype = dns.TypeAAAA
		}
		return dnsProbe{check: CheckProxied, qtype: qtype, judge: func(resp *dns.Msg) ServerAnswer {
			var a ServerAnswer
			exposed := false
			for _, rr := range resp.Answer {
				if !strings.EqualFold(rr.Header().Name, owner) {
					continue
				}
				v, ok := rrValue(rr)
				if !ok {
					continue
				}
				switch rr.Header().Rrtype {
				case qtype:
					a.Values = append(a.Values, v)
				case dns.TypeCNAME:
					a.Values = append(a.Values, "CNAME "+v)
					exposed = true // a proxied name is flattened to edge addresses
				}
				if slices.Contains(set.Values, v) {
					exposed = true
				}
			}
			sort.Strings(a.Values)
			a.OK = !exposed && len(a.Values) > 0
			return a
		}}
	}
	qtype := dns.StringToType[set.Type]
	referralOK := set.Type == "NS" && set.Name != zone
	return dnsProbe{check: CheckRRSet, qtype: qtype, judge: func(resp *dns.Msg) ServerAnswer {
		var a ServerAnswer
		sections := resp.Answer
		if referralOK {
			sections = append(append([]dns.RR{}, resp.Answer...), resp.Ns...)
		}
		seen := map[string]bool{}
		for _, rr := range sections {
			if !strings.EqualFold(rr.Header().Name, owner) || rr.Header().Rrtype != qtype {
				continue
			}
			if v, ok := rrValue(rr); ok && !seen[v] {
				seen[v] = true
				a.Values = append(a.Values, v)
				a.TTL = int(rr.Header().Ttl)
			}
		}
		sort.Strings(a.Values)
		values := slices.Equal(a.Values, set.Values)
		if !authoritative {
			values = containsAll(a.Values, set.Values)
		}
		a.OK = values && (set.TTL == 0 || a.TTL == set.TTL)
		return a
	}}
}

// checkRRSet asks every server for one set of an authoritative zone (no other values
// allowed).
func (r *runner) checkRRSet(ctx context.Context, zone string, nss []nameserver, nsErr error, set model.RRSet) Result {
	return r.checkRRSetIn(ctx, zone, true, nss, nsErr, set)
}

// checkRRSetIn asks every server for one set, polling lagging servers until they all
// serve the desired data or the wait is over. In a zone that is not authoritative,
// values launchready does not manage may stand beside the declared ones (a
// verification TXT someone added by hand): they are noted, not failed.
func (r *runner) checkRRSetIn(ctx context.Context, zone string, authoritative bool, nss []nameserver, nsErr error, set model.RRSet) Result {
	probe := probeFor(zone, set, authoritative)
	res := Result{Zone: zone, Kind: KindDNS, Name: set.Name + " " + set.Type, Check: probe.check}
	want := append([]string(nil), set.Values...)
	sort.Strings(want)
	detail := &DNSDetail{Type: set.Type, Want: want}
	if !set.Proxied {
		detail.TTL = set.TTL
	}
	res.DNS = detail
	if nsErr != nil || len(nss) == 0 {
		res.Status = Skip
		res.Reason = "not checked: the zone's authoritative name servers are unknown (see nameservers)"
		return res
	}
	var labels []string
	for _, ns := range nss {
		labels = append(labels, ns.Name)
	}
	res.Target = strings.Join(labels, ", ")

	referralOK := set.Type == "NS" && set.Name != zone
	answers := make([]ServerAnswer, len(nss))
	start := time.Now() // real clock: Options.Now may be frozen for certificate tests
	deadline := start.Add(r.opts.Wait)
	for round := 0; ; round++ {
		for i, ns := range nss {
			if round > 0 && answers[i].OK {
				continue
			}
			answers[i] = r.ask(ctx, ns, set.Name, probe, referralOK)
		}
		lagging := laggingServers(nss, answers)
		if len(lagging) == 0 || r.opts.Wait <= 0 || !time.Now().Before(deadline) || ctx.Err() != nil {
			break
		}
		r.progress(false, fmt.Sprintf("waiting for %s to serve %s %s", strings.Join(lagging, ", "), set.Name, set.Type))
		pause := min(r.opts.PollInterval, time.Until(deadline))
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
	}
	waited := time.Since(start)
	if r.opts.Wait > 0 {
		detail.WaitMs = ms(waited)
	}
	detail.Servers = answers
	res.Status, res.Reason = judgeRRSet(set, probe.check, nss, answers)
	if r.opts.Wait > 0 && res.Status != Pass {
		res.Reason += fmt.Sprintf(" (still lagging after waiting %s)", waited.Round(100*time.Millisecond))
	}
	return res
}

func laggingServers(nss []nameserver, answers []ServerAnswer) []string {
	var out []string
	for i, a := range answers {
		if !a.OK {
			out = append(out, nss[i].Name)
		}
	}
	return out
}

// ask queries one server without recursion and judges the answer.
func (r *runner) ask(ctx context.Context, ns nameserver, name string, probe dnsProbe, referralOK bool) ServerAnswer {
	if ns.Addr == "" {
		return ServerAnswer{Server: ns.Name, Error: ns.Err}
	}
	resp, err := exchange(ctx, ns.Addr, name, probe.qtype, false, r.opts.Timeout)
	if err != nil {
		return ServerAnswer{Server: ns.Name, Address: ns.Addr, Error: err.Error()}
	}
	a := probe.judge(resp)
	a.Server, a.Address = ns.Name, ns.Addr
	a.Authoritative = resp.Authoritative
	if resp.Rcode != dns.RcodeSuccess {
		a.Rcode = dns.RcodeToString[resp.Rcode]
		a.OK = false
	}
	if !resp.Authoritative && !referralOK {
		a.OK = false
	}
	if a.Values == nil {
		a.Values = []string{}
	}
	return a
}

// judgeRRSet turns the servers' answers into a status and a one-line reason.
func judgeRRSet(set model.RRSet, check string, nss []nameserver, answers []ServerAnswer) (Status, string) {
	var problems []string
	ttlOnly := true
	for i, a := range answers {
		if a.OK {
			continue
		}
		label := nss[i].label()
		switch {
		case a.Error != "":
			ttlOnly = false
			problems = append(problems, label+": "+a.Error)
		case a.Rcode != "":
			ttlOnly = false
			problems = append(problems, label+": answers "+a.Rcode)
		case !a.Authoritative && !(set.Type == "NS" && len(a.Values) > 0):
			ttlOnly = false
			problems = append(problems, label+": answer is not authoritative (AA bit not set): is it a server of this zone?")
		case check == CheckProxied:
			ttlOnly = false
			if len(a.Values) == 0 {
				problems = append(problems, fmt.Sprintf("%s: no %s answer for a proxied name", label, proxiedQType(set.Type)))
			} else {
				problems = append(problems, fmt.Sprintf("%s: origin exposed: answers %s, which reveals the origin %s (a proxied name must answer with edge addresses)",
					label, strings.Join(a.Values, ", "), strings.Join(set.Values, ", ")))
			}
		case slices.Equal(a.Values, sortedCopy(set.Values)):
			problems = append(problems, fmt.Sprintf("%s: TTL %d, want %d", label, a.TTL, set.TTL))
		default:
			ttlOnly = false
			problems = append(problems, label+": "+diffValues(a.Values, set.Values))
		}
	}
	if len(problems) == 0 {
		n := len(answers)
		servers := fmt.Sprintf("all %d name servers", n)
		if n == 1 {
			servers = "the name server"
		}
		if check == CheckProxied {
			return Pass, fmt.Sprintf("%s answers edge addresses (%s), not the origin", servers, joinLimit(answers[0].Values, 4))
		}
		var others []string
		for _, a := range answers {
			for _, v := range a.Values {
				if !slices.Contains(set.Values, v) && !slices.Contains(others, v) {
					others = append(others, v)
				}
			}
		}
		if len(others) > 0 {
			return Pass, fmt.Sprintf("served by %s, beside %s not managed by launchready", servers, quoteValues(others))
		}
		return Pass, fmt.Sprintf("served by %s", servers)
	}
	if ttlOnly {
		return Warn, strings.Join(problems, "; ")
	}
	return Fail, strings.Join(problems, "; ")
}

func proxiedQType(t string) string {
	if t == "AAAA" {
		return "AAAA"
	}
	return "A"
}

// containsAll reports whether got holds every value of want.
func containsAll(got, want []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	sort.Strings(c)
	return c
}

// diffValues says what a server got wrong: missing and unexpected values.
func diffValues(got, want []string) string {
	if len(got) == 0 {
		return "serves nothing, want " + quoteValues(want)
	}
	var missing, extra []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "missing "+quoteValues(missing))
	}
	if len(extra) > 0 {
		parts = append(parts, "unexpected "+quoteValues(extra))
	}
	return strings.Join(parts, ", ")
}

// quoteValues shows values shortly: long ones (DKIM keys) are cut.
func quoteValues(vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		if strings.ContainsAny(v, " ;\"") {
			v = fmt.Sprintf("%q", v)
		}
		out[i] = v
	}
	return joinLimit(out, 6)
}
