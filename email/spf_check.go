package email

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// SPFResult is an SPF check result (RFC 7208 §2.6).
type SPFResult string

// The SPF results.
const (
	SPFNone      SPFResult = "none"
	SPFNeutral   SPFResult = "neutral"
	SPFPass      SPFResult = "pass"
	SPFFail      SPFResult = "fail"
	SPFSoftFail  SPFResult = "softfail"
	SPFTempError SPFResult = "temperror"
	SPFPermError SPFResult = "permerror"
)

// DefaultExplanation is the explanation of a "fail" when the record has no usable
// exp= (a macro-string, RFC 7208 §6.2).
const DefaultExplanation = "%{i} is not one of %{d}'s designated mail servers"

// Trace is how a CheckHost result came about: every record fetched and every term
// evaluated, in order, and which of them decided the result.
type Trace struct {
	IP     string `json:"ip"`
	Sender string `json:"sender"` // <sender> as checked (postmaster@helo when MAIL FROM is empty)
	HELO   string `json:"helo"`
	Domain string `json:"domain"` // the domain checked first

	Result SPFResult `json:"result"`
	// Explanation is the exp= text (or the default explanation) of a "fail", else "".
	Explanation string `json:"explanation,omitempty"`
	// Reason says in one sentence why the result is what it is.
	Reason string `json:"reason"`

	Lookups     int `json:"dns_lookups"` // DNS-querying terms evaluated
	LookupLimit int `json:"dns_lookup_limit"`
	VoidLookups int `json:"void_lookups"` // lookups that found nothing
	VoidLimit   int `json:"void_lookup_limit"`

	Steps []TraceStep `json:"steps"`
	// Decisive is the index in Steps of the step that decided the result; -1 when
	// nothing was evaluated (e.g. an invalid sender domain).
	Decisive int `json:"decisive"`
}

// TraceStep is one record fetched or one term evaluated.
type TraceStep struct {
	// Parent is the index of the enclosing step: a term's parent is its record; a
	// record's parent is the include or redirect that led to it; -1 at the top.
	Parent int    `json:"parent"`
	Depth  int    `json:"depth"`  // 0 for the checked domain, +1 per include/redirect
	Kind   string `json:"kind"`   // "record" | "mechanism" | "modifier"
	Domain string `json:"domain"` // the domain whose record this is or holds the term
	// Term is the term as written; for a record step, the record text ("" when no
	// record was found).
	Term string `json:"term"`
	// Target is the name a DNS-querying term looked up, macros expanded.
	Target string `json:"target,omitempty"`
	// Outcome: records "found", "none", "permerror" or "temperror"; mechanisms
	// "match", "no match", "permerror" or "temperror"; redirect the result it gave.
	Outcome string `json:"outcome"`
	Detail  string `json:"detail,omitempty"`
	// Lookup is the running DNS-lookup count after this term, 0 for terms that do
	// not query DNS.
	Lookup int `json:"lookup,omitempty"`
}

// Path returns the steps that decided the result, outermost first: the checked
// domain's record, each include or redirect followed, and the term that decided.
func (t *Trace) Path() []TraceStep {
	if t == nil || t.Decisive < 0 || t.Decisive >= len(t.Steps) {
		return nil
	}
	var path []TraceStep
	for i := t.Decisive; i >= 0; i = t.Steps[i].Parent {
		path = append(path, t.Steps[i])
		if len(path) > len(t.Steps) {
			break // defensive: a cycle cannot happen, parents precede children
		}
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// CheckOption adjusts CheckHost.
type CheckOption func(*checkOptions)

type checkOptions struct {
	lookupLimit int
	voidLimit   int
	defaultExp  string
	receiver    string
	now         time.Time
}

// WithLookupLimit changes the limit of DNS-querying terms (default 10, RFC 7208
// §4.6.4). Values below 1 keep the default.
func WithLookupLimit(n int) CheckOption {
	return func(o *checkOptions) {
		if n > 0 {
			o.lookupLimit = n
		}
	}
}

// WithVoidLookupLimit changes the limit of void lookups (default 2). Negative values
// keep the default.
func WithVoidLookupLimit(n int) CheckOption {
	return func(o *checkOptions) {
		if n >= 0 {
			o.voidLimit = n
		}
	}
}

// WithDefaultExplanation sets the explanation (a macro-string) used for "fail" when
// the record has no usable exp=.
func WithDefaultExplanation(s string) CheckOption {
	return func(o *checkOptions) { o.defaultExp = s }
}

// WithReceiver sets the receiving host's domain, the %{r} macro (default "unknown").
func WithReceiver(domain string) CheckOption { return func(o *checkOptions) { o.receiver = domain } }

// WithTime sets the time the %{t} macro expands to (default: now).
func WithTime(t time.Time) CheckOption { return func(o *checkOptions) { o.now = t } }

// CheckHost evaluates RFC 7208 check_host() for a message from ip with MAIL FROM
// sender (may be "": then postmaster@helo is checked, the HELO identity) and the
// HELO/EHLO name helo, reading DNS through r. It always returns a result and a trace;
// DNS failures become temperror, policy errors permerror, with Trace.Reason saying why.
// The context bounds the whole evaluation (RFC 7208 §4.6.4 suggests at least 20s).
// An ip that is not a valid address gives none without any lookup.
func CheckHost(ctx context.Context, r Resolver, ip net.IP, sender, helo string, opts ...CheckOption) (SPFResult, *Trace) {
	o := checkOptions{lookupLimit: 10, voidLimit: 2, defaultExp: DefaultExplanation}
	for _, opt := range opts {
		opt(&o)
	}
	if o.now.IsZero() {
		o.now = time.Now()
	}
	if v4 := ip.To4(); v4 != nil {
		ip = v4 // IPv4-mapped IPv6 addresses are IPv4 (RFC 7208 §5)
	}
	full, local, domain := splitSender(sender, helo)
	domain = strings.TrimSuffix(domain, ".")
	if len(ip) != net.IPv4len && len(ip) != net.IPv6len {
		return SPFNone, &Trace{Sender: full, HELO: helo, Domain: domain, Result: SPFNone, Decisive: -1,
			LookupLimit: o.lookupLimit, VoidLimit: o.voidLimit, Reason: "no valid client IP address to check: none"}
	}
	c := &checker{ctx: ctx, r: r, ip: ip, opts: o,
		env:   macroEnv{sender: full, local: local, sdomain: domain, helo: helo, ip: ip, receiver: o.receiver, now: o.now},
		trace: &Trace{IP: ip.String(), Sender: full, HELO: helo, Domain: domain, Decisive: -1, LookupLimit: o.lookupLimit, VoidLimit: o.voidLimit},
	}
	c.env.ptr = c.ptrMacro
	res, frame := c.checkHost(domain, 0, -1)
	t := c.trace
	t.Result = res
	t.Lookups, t.VoidLookups = c.lookups, c.voids
	if res == SPFFail {
		t.Explanation = c.explain(frame)
	}
	t.Reason = c.reason(res)
	return res, t
}

type checker struct {
	ctx     context.Context
	r       Resolver
	ip      net.IP
	opts    checkOptions
	env     macroEnv
	lookups int
	voids   int
	trace   *Trace
	why     string // what decided the result, for Trace.Reason
}

// frame is the record whose term decided a result, for exp= (RFC 7208 §6.2: the
// explanation of an include's target is never used; a redirect's target's is).
type frame struct {
	domain string
	rec    *SPFRecord
}

// spfAbort is an evaluation that ends in temperror or permerror.
type spfAbort struct {
	result SPFResult
	msg    string
}

func (c *checker) addStep(s TraceStep) int {
	c.trace.Steps = append(c.trace.Steps, s)
	return len(c.trace.Steps) - 1
}

func (c *checker) decide(i int, why string) {
	c.trace.Decisive = i
	c.why = why
}

// validCheckDomain is RFC 7208 §4.3: a multi-label domain name with valid labels.
func validCheckDomain(d string) bool {
	return !strings.HasPrefix(d, "[") && strings.Contains(d, ".") && ValidDNSName(d)
}

// fetchSPF finds the single SPF record of domain. It returns ("", none) when there
// is none, or an abort for DNS errors and several records.
func (c *checker) fetchSPF(domain string) (string, *spfAbort) {
	txts, err := c.r.LookupTXT(c.ctx, domain)
	switch kind := LookupKind(len(txts), err); kind {
	case nil:
	case ErrTemporary:
		return "", &spfAbort{SPFTempError, fmt.Sprintf("looking up the TXT records of %s failed: %v", domain, err)}
	default:
		return "", nil
	}
	var spf []string
	for _, t := range txts {
		if IsSPFRecord(t) {
			spf = append(spf, t)
		}
	}
	switch len(spf) {
	case 0:
		return "", nil
	case 1:
		return spf[0], nil
	default:
		return "", &spfAbort{SPFPermError, fmt.Sprintf("%s has %d SPF records; RFC 7208 §4.5 allows one", domain, len(spf))}
	}
}

// checkHost is check_host() for one domain.
func (c *checker) checkHost(domain string, depth, parent int) (SPFResult, *frame) {
	domain = strings.TrimSuffix(domain, ".")
	rs := c.addStep(TraceStep{Parent: parent, Depth: depth, Kind: "record", Domain: domain})
	step := &c.trace.Steps[rs]
	if !validCheckDomain(domain) {
		step.Outcome = string(SPFNone)
		step.Detail = "not a valid multi-label domain name (RFC 7208 §4.3)"
		c.decide(rs, fmt.Sprintf("%q is not a valid domain name to check", domain))
		return SPFNone, nil
	}
	txt, abort := c.fetchSPF(domain)
	if abort != nil {
		step.Outcome, step.Detail = string(abort.result), abort.msg
		c.decide(rs, abort.msg)
		return abort.result, nil
	}
	if txt == "" {
		step.Outcome = string(SPFNone)
		step.Detail = "no SPF record"
		c.decide(rs, domain+" publishes no SPF record")
		return SPFNone, nil
	}
	step.Term = txt
	rec, err := ParseSPF(txt)
	if err != nil {
		step.Outcome, step.Detail = string(SPFPermError), err.Error()
		c.decide(rs, fmt.Sprintf("the SPF record of %s is invalid: %v", domain, err))
		return SPFPermError, nil
	}
	step.Outcome = "found"

	prevDomain := c.env.domain
	c.env.domain = domain
	defer func() { c.env.domain = prevDomain }()

	for i := range rec.Terms {
		t := &rec.Terms[i]
		if t.Modifier {
			continue
		}
		ts := c.addStep(TraceStep{Parent: rs, Depth: depth, Kind: "mechanism", Domain: domain, Term: t.Text})
		if t.IsDNSLookup() {
			c.lookups++
			c.trace.Steps[ts].Lookup = c.lookups
			if c.lookups > c.opts.lookupLimit {
				msg := fmt.Sprintf("DNS lookup %d is over the limit of %d (RFC 7208 §4.6.4)", c.lookups, c.opts.lookupLimit)
				c.trace.Steps[ts].Outcome, c.trace.Steps[ts].Detail = string(SPFPermError), msg
				c.decide(ts, fmt.Sprintf("%s in %s: %s", t.Text, domain, msg))
				return SPFPermError, nil
			}
		}
		match, abort := c.mechanism(t, domain, depth, ts)
		s := &c.trace.Steps[ts]
		if abort != nil {
			s.Outcome = string(abort.result)
			if s.Detail == "" {
				s.Detail = abort.msg
			}
			if abort.msg != "" { // "" = decided deeper (an include's own error)
				c.decide(ts, fmt.Sprintf("%s in %s: %s", t.Text, domain, abort.msg))
			}
			return abort.result, nil
		}
		if !match {
			s.Outcome = "no match"
			continue
		}
		s.Outcome = "match"
		res := qualifierResult(t.Qualifier)
		if t.Name != "include" { // an include's deciding term is inside it
			c.decide(ts, fmt.Sprintf("%s in the SPF record of %s matched", t.Text, domain))
		}
		return res, &frame{domain: domain, rec: rec}
	}

	if red := rec.Redirect(); red != nil && !rec.HasAll() {
		ts := c.addStep(TraceStep{Parent: rs, Depth: depth, Kind: "modifier", Domain: domain, Term: red.Text})
		c.lookups++
		c.trace.Steps[ts].Lookup = c.lookups
		if c.lookups > c.opts.lookupLimit {
			msg := fmt.Sprintf("DNS lookup %d is over the limit of %d (RFC 7208 §4.6.4)", c.lookups, c.opts.lookupLimit)
			c.trace.Steps[ts].Outcome, c.trace.Steps[ts].Detail = string(SPFPermError), msg
			c.decide(ts, fmt.Sprintf("%s in %s: %s", red.Text, domain, msg))
			return SPFPermError, nil
		}
		target, err := expandDomain(red.Domain, &c.env)
		if err != nil { // cannot happen: the record parsed
			c.trace.Steps[ts].Outcome = string(SPFPermError)
			c.decide(ts, err.Error())
			return SPFPermError, nil
		}
		c.trace.Steps[ts].Target = target
		res, fr := c.checkHost(target, depth+1, ts)
		if res == SPFNone {
			res = SPFPermError
			msg := fmt.Sprintf("the redirect target %s has no SPF record", target)
			c.trace.Steps[ts].Detail = msg
			c.decide(ts, fmt.Sprintf("%s in %s: %s", red.Text, domain, msg))
		}
		c.trace.Steps[ts].Outcome = string(res)
		return res, fr
	}
	c.trace.Steps[rs].Detail = "no mechanism matched: neutral (RFC 7208 §4.7)"
	c.decide(rs, fmt.Sprintf("no mechanism in the SPF record of %s matched, and it has no redirect=: neutral", domain))
	return SPFNeutral, nil
}

func qualifierResult(q byte) SPFResult {
	switch q {
	case '-':
		return SPFFail
	case '~':
		return SPFSoftFail
	case '?':
		return SPFNeutral
	}
	return SPFPass
}

// void counts a void lookup; over the limit it aborts with permerror.
func (c *checker) void(target string) *spfAbort {
	c.voids++
	if c.voids > c.opts.voidLimit {
		return &spfAbort{SPFPermError, fmt.Sprintf("%s: void lookup %d is over the limit of %d (RFC 7208 §4.6.4)", target, c.voids, c.opts.voidLimit)}
	}
	return nil
}

// addrs looks up the addresses of name in the client's family.
func (c *checker) addrs(name string) ([]net.IP, error) {
	if c.ip.To4() != nil {
		return c.r.LookupA(c.ctx, name)
	}
	return c.r.LookupAAAA(c.ctx, name)
}

func (c *checker) inCIDR(addr net.IP, p4, p6 int) bool {
	if c.ip.To4() != nil {
		a4 := addr.To4()
		if a4 == nil {
			return false
		}
		if p4 < 0 {
			p4 = 32
		}
		return (&net.IPNet{IP: a4.Mask(net.CIDRMask(p4, 32)), Mask: net.CIDRMask(p4, 32)}).Contains(c.ip)
	}
	if addr.To4() != nil || len(addr) != net.IPv6len {
		return false
	}
	if p6 < 0 {
		p6 = 128
	}
	return (&net.IPNet{IP: addr.Mask(net.CIDRMask(p6, 128)), Mask: net.CIDRMask(p6, 128)}).Contains(c.ip)
}

// target expands a mechanism's domain-spec ("" = the current domain).
func (c *checker) target(t *SPFTerm, domain string) (string, *spfAbort) {
	if t.Domain == "" {
		return domain, nil
	}
	d, err := expandDomain(t.Domain, &c.env)
	if err != nil {
		return "", &spfAbort{SPFPermError, err.Error()}
	}
	return d, nil
}

// mechanism evaluates one mechanism; ts is its trace step.
func (c *checker) mechanism(t *SPFTerm, domain string, depth, ts int) (bool, *spfAbort) {
	setDetail := func(format string, a ...any) { c.trace.Steps[ts].Detail = fmt.Sprintf(format, a...) }
	switch t.Name {
	case "all":
		return true, nil
	case "ip4", "ip6":
		a, ok := netipFromIP(c.ip)
		if !ok {
			return false, nil
		}
		if t.Name == "ip4" && !a.Is4() {
			setDetail("%s is not an IPv4 address", c.ip)
			return false, nil
		}
		if t.Name == "ip6" && a.Is4() {
			setDetail("%s is not an IPv6 address", c.ip)
			return false, nil
		}
		if t.Network.Masked().Contains(a) {
			setDetail("%s is in %s", c.ip, t.Network.Masked())
			return true, nil
		}
		return false, nil
	}

	target, abort := c.target(t, domain)
	if abort != nil {
		return false, abort
	}
	c.trace.Steps[ts].Target = target
	if !ValidDNSName(target) {
		// RFC 7208 leaves this undefined; like an invalid <domain> (§4.3), a name that
		// cannot be queried does not exist.
		setDetail("%q is not a valid domain name: treated as non-existent", target)
		if t.Name == "include" {
			return false, &spfAbort{SPFPermError, fmt.Sprintf("the include target %q is not a valid domain name", target)}
		}
		return false, nil
	}

	switch t.Name {
	case "include":
		res, _ := c.checkHost(target, depth+1, ts)
		switch res {
		case SPFPass:
			return true, nil
		case SPFFail, SPFSoftFail, SPFNeutral:
			setDetail("%s gave %s", target, res)
			return false, nil
		case SPFTempError:
			return false, &spfAbort{SPFTempError, ""}
		case SPFNone:
			return false, &spfAbort{SPFPermError, fmt.Sprintf("the include target %s has no SPF record", target)}
		default:
			return false, &spfAbort{SPFPermError, ""}
		}

	case "a":
		ips, err := c.addrs(target)
		switch kind := LookupKind(len(ips), err); {
		case kind == ErrTemporary:
			return false, &spfAbort{SPFTempError, fmt.Sprintf("looking up %s failed: %v", target, err)}
		case IsVoid(kind):
			setDetail("%s has no address (void lookup)", target)
			return false, c.void(target)
		}
		for _, a := range ips {
			if c.inCIDR(a, t.Prefix4, t.Prefix6) {
				setDetail("%s is an address of %s", c.ip, target)
				return true, nil
			}
		}
		setDetail("%s is not among the %d address(es) of %s", c.ip, len(ips), target)
		return false, nil

	case "mx":
		mxs, err := c.r.LookupMX(c.ctx, target)
		switch kind := LookupKind(len(mxs), err); {
		case kind == ErrTemporary:
			return false, &spfAbort{SPFTempError, fmt.Sprintf("looking up the MX of %s failed: %v", target, err)}
		case IsVoid(kind):
			setDetail("%s has no MX records (void lookup)", target)
			return false, c.void(target)
		}
		if len(mxs) > 10 {
			return false, &spfAbort{SPFPermError, fmt.Sprintf("%s has %d MX records; evaluating mx may look up 10 at most (RFC 7208 §4.6.4)", target, len(mxs))}
		}
		for _, mx := range mxs {
			if mx.Host == "" {
				continue // null MX
			}
			ips, err := c.addrs(mx.Host)
			if LookupKind(len(ips), err) == ErrTemporary {
				return false, &spfAbort{SPFTempError, fmt.Sprintf("looking up the MX host %s failed: %v", mx.Host, err)}
			}
			for _, a := range ips {
				if c.inCIDR(a, t.Prefix4, t.Prefix6) {
					setDetail("%s is an address of %s, an MX host of %s", c.ip, mx.Host, target)
					return true, nil
				}
			}
		}
		setDetail("%s is not an address of the %d MX host(s) of %s", c.ip, len(mxs), target)
		return false, nil

	case "ptr":
		names, void, abort := c.validatedNames()
		if abort != nil {
			return false, abort
		}
		if void {
			setDetail("%s has no PTR record (void lookup)", ReverseName(c.ip))
			return false, c.void(ReverseName(c.ip))
		}
		lt := strings.ToLower(target)
		for _, n := range names {
			if n == lt || strings.HasSuffix(n, "."+lt) {
				setDetail("%s has the validated name %s", c.ip, n)
				return true, nil
			}
		}
		setDetail("no validated name of %s is in %s (validated: %s)", c.ip, target, strings.Join(names, ", "))
		return false, nil

	case "exists":
		ips, err := c.r.LookupA(c.ctx, target)
		switch kind := LookupKind(len(ips), err); {
		case kind == ErrTemporary:
			return false, &spfAbort{SPFTempError, fmt.Sprintf("looking up %s failed: %v", target, err)}
		case IsVoid(kind):
			setDetail("%s has no A record (void lookup)", target)
			return false, c.void(target)
		}
		setDetail("%s exists", target)
		return true, nil
	}
	return false, &spfAbort{SPFPermError, "unknown mechanism " + t.Name}
}

// validatedNames returns the client's validated domain names (RFC 7208 §5.5): at most
// 10 PTR names whose addresses include the client's. void is set when the PTR lookup
// found nothing. A failed PTR lookup is not an error: ptr then does not match.
func (c *checker) validatedNames() (names []string, void bool, abort *spfAbort) {
	ptrs, err := c.r.LookupPTR(c.ctx, ReverseName(c.ip))
	switch kind := LookupKind(len(ptrs), err); {
	case kind == ErrTemporary:
		return nil, false, nil
	case IsVoid(kind):
		return nil, true, nil
	}
	if len(ptrs) > 10 {
		ptrs = ptrs[:10]
	}
	for _, p := range ptrs {
		p = CanonicalDNSName(p)
		ips, err := c.addrs(p)
		if err != nil {
			continue // a DNS error skips that name
		}
		for _, a := range ips {
			if a.Equal(c.ip) {
				names = append(names, p)
				break
			}
		}
	}
	return names, false, nil
}

// ptrMacro is %{p}: a validated name of the client, preferring the current domain or
// a subdomain of it, else the first; "unknown" when there is none.
func (c *checker) ptrMacro() string {
	names, _, _ := c.validatedNames()
	d := strings.ToLower(c.env.domain)
	for _, n := range names {
		if n == d {
			return n
		}
	}
	for _, n := range names {
		if strings.HasSuffix(n, "."+d) {
			return n
		}
	}
	if len(names) > 0 {
		return names[0]
	}
	return "unknown"
}

// explain computes the explanation of a fail decided in fr (RFC 7208 §6.2): the exp=
// text when it can be fetched and expanded, else the default explanation.
func (c *checker) explain(fr *frame) string {
	c.env.domain = c.trace.Domain
	if fr != nil {
		c.env.domain = fr.domain // %{d} is the domain whose record failed
	}
	def := func() string {
		toks, err := parseMacroString(c.opts.defaultExp, true)
		if err != nil {
			return c.opts.defaultExp
		}
		return expandMacros(toks, &c.env)
	}
	if fr == nil || fr.rec.Exp() == nil {
		return def()
	}
	target, err := expandDomain(fr.rec.Exp().Domain, &c.env)
	if err != nil || !ValidDNSName(target) {
		return def()
	}
	txts, err := c.r.LookupTXT(c.ctx, target)
	if err != nil || len(txts) != 1 {
		return def()
	}
	toks, err := parseMacroString(txts[0], true)
	if err != nil {
		return def()
	}
	return expandMacros(toks, &c.env)
}

// reason is Trace.Reason: what decided, the includes and redirects that led there,
// and the result.
func (c *checker) reason(res SPFResult) string {
	why := c.why
	if why == "" {
		why = "check_host() for " + c.trace.Domain
	}
	path := c.trace.Path()
	var via []string
	for i, s := range path {
		if i < len(path)-1 && s.Kind != "record" {
			via = append(via, s.Term+" in "+s.Domain)
		}
	}
	if len(via) > 0 {
		why += " (reached through " + strings.Join(via, " → ") + ")"
	}
	return why + ": " + string(res)
}

func netipFromIP(ip net.IP) (netip.Addr, bool) {
	a, ok := netip.AddrFromSlice(ip)
	return a.Unmap(), ok
}
