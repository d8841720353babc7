package email

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseSPFValid(t *testing.T) {
	tests := []struct {
		in        string
		canonical string
		lookups   int
		terms     []SPFTerm // compared without Text when set
	}{
		{in: "v=spf1", canonical: "v=spf1"},
		{in: "V=SPF1 -ALL", canonical: "v=spf1 -all"},
		{in: "v=spf1  a  -all ", canonical: "v=spf1 a -all", lookups: 1},
		{in: "v=spf1 +mx ~all", canonical: "v=spf1 mx ~all", lookups: 1},
		{in: "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.1/32 ip6:2001:DB8::/32 ip6:2001:db8::1/128 ?all", canonical: "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.1 ip6:2001:db8::/32 ip6:2001:db8::1 ?all"},
		{in: "v=spf1 a:mail.example.com/24//64 mx//0 a/0 -all", canonical: "v=spf1 a:mail.example.com/24//64 mx//0 a/0 -all", lookups: 3,
			terms: []SPFTerm{
				{Name: "a", Qualifier: '+', Domain: "mail.example.com", Prefix4: 24, Prefix6: 64},
				{Name: "mx", Qualifier: '+', Prefix4: -1, Prefix6: 0},
				{Name: "a", Qualifier: '+', Prefix4: 0, Prefix6: -1},
				{Name: "all", Qualifier: '-', Prefix4: -1, Prefix6: -1},
			}},
		{in: "v=spf1 include:_spf.google.com include:sendgrid.net. -all", canonical: "v=spf1 include:_spf.google.com include:sendgrid.net. -all", lookups: 2},
		{in: "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", canonical: "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", lookups: 1},
		{in: "v=spf1 ptr ptr:example.org -all", canonical: "v=spf1 ptr ptr:example.org -all", lookups: 2},
		{in: "v=spf1 redirect=_spf.example.com", canonical: "v=spf1 redirect=_spf.example.com", lookups: 1},
		{in: "v=spf1 -all exp=explain._spf.%{d}", canonical: "v=spf1 -all exp=explain._spf.%{d}"},
		{in: "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", canonical: "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all"},
		{in: "v=spf1 a:foo:bar/baz.example.com", canonical: "v=spf1 a:foo:bar/baz.example.com", lookups: 1},
		{in: "v=spf1 a:foo.example.xn--zckzah -all", canonical: "v=spf1 a:foo.example.xn--zckzah -all", lookups: 1},
		{in: "v=spf1 ip6:::ffff:1.2.3.4 ip6:::1.1.1.1/0", canonical: "v=spf1 ip6:::ffff:1.2.3.4 ip6:::101:101/0"},
		{in: "v=spf1 default=+ a:%{H}.bar", canonical: "v=spf1 default=+ a:%{H}.bar", lookups: 1},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			rec, err := ParseSPF(tc.in)
			if err != nil {
				t.Fatalf("ParseSPF(%q): %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.canonical, rec.String()); diff != "" {
				t.Errorf("String() (-want +got):\n%s", diff)
			}
			if got := rec.DNSLookups(); got != tc.lookups {
				t.Errorf("DNSLookups() = %d, want %d", got, tc.lookups)
			}
			if tc.terms != nil {
				got := append([]SPFTerm(nil), rec.Terms...)
				for i := range got {
					got[i].Text = ""
				}
				if diff := cmp.Diff(tc.terms, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
					t.Errorf("terms (-want +got):\n%s", diff)
				}
			}
			again, err := ParseSPF(rec.String())
			if err != nil || again.String() != rec.String() {
				t.Errorf("canonical form does not re-parse to itself: %v, %v", err, again)
			}
		})
	}
}

func TestParseSPFInvalid(t *testing.T) {
	tests := []struct{ in, wantErr string }{
		{"v=spf10", `does not start with "v=spf1"`},
		{"spf1 -all", `does not start with "v=spf1"`},
		{"v=spf1 -all moo", `unknown mechanism "moo"`},
		{"v=spf1 a:ctrl.example.com\rptr -all", "byte 0x0d"},
		{"v=spf1 a:\u00efgarbage.example.net -all", "byte 0xc3"},
		{"v=spf1 -all.", `"all" takes no argument`},
		{"v=spf1 -all:foo", `"all" takes no argument`},
		{"v=spf1 -all/8", `"all" takes no argument`},
		{"v=spf1 include", `include needs ":domain"`},
		{"v=spf1 include:", `include needs ":domain"`},
		{"v=spf1 include:ip5.example.com/24", "not a valid top-level label"},
		{"v=spf1 exists", `exists needs ":domain"`},
		{"v=spf1 ptr/0", `ptr takes an optional ":domain"`},
		{"v=spf1 ptr:", `ptr takes an optional ":domain"`},
		{"v=spf1 a:", "empty domain"},
		{"v=spf1 a/33", "CIDR length /33 is over 32"},
		{"v=spf1 a//129", "CIDR length /129 is over 128"},
		{"v=spf1 a/24/64", `bad CIDR length "24/64"`},
		{"v=spf1 mx/032", `bad CIDR length "032"`},
		{"v=spf1 a:foo-bar", "does not end in a dot and a top-level label"},
		{"v=spf1 a:museum.", "does not end in a dot and a top-level label"},
		{"v=spf1 a:abc.123", `"123" is not a valid top-level label`},
		{"v=spf1 a:example.-com", `"-com" is not a valid top-level label`},
		{"v=spf1 a:example.com:8080", `"com:8080" is not a valid top-level label`},
		{"v=spf1 ip4", `ip4 needs ":address"`},
		{"v=spf1 ip4:1.2.3", `"1.2.3" is not an IP address`},
		{"v=spf1 ip4:1.2.3.4:8080", `"1.2.3.4:8080" is not an IP address`},
		{"v=spf1 ip4:1.2.3.04", `"1.2.3.04" is not an IP address`},
		{"v=spf1 ip4:1.2.3.4//32", `bad CIDR length "/32"`},
		{"v=spf1 ip4:2001:db8::1", "is not an IPv4 address (use ip6:)"},
		{"v=spf1 ip6:192.0.2.1", "is not an IPv6 address (use ip4:)"},
		{"v=spf1 ip6::CAFE::BABE", `":CAFE::BABE" is not an IP address`},
		{"v=spf1 ip6:fe80::1%eth0", "is not an IP address"},
		{"v=spf1 ip6:::1/129", "CIDR length /129 is over 128"},
		{"v=spf1 redirect:example.com", `unknown mechanism "redirect"`},
		{"v=spf1 redirect=", "redirect= needs a domain"},
		{"v=spf1 exp=", "exp= needs a domain"},
		{"v=spf1 redirect=-all ?all", "does not end in a dot"},
		{"v=spf1 redirect=a.example.com redirect=b.example.com", "redirect= appears more than once"},
		{"v=spf1 exp=a.example.com -all EXP=b.example.com", "exp= appears more than once"},
		{"v=spf1 1up=foo", "a modifier name must start with a letter"},
		{"v=spf1 =all", "a modifier name must start with a letter"},
		{"v=spf1 foo=%abc", `"%a": a percent sign must be followed by`},
		{"v=spf1 exists:%{a}.example.com", "unknown macro letter 'a'"},
		{"v=spf1 exists:%{d0}.example.com", "the number of parts must be at least 1"},
		{"v=spf1 exists:%{dx}.example.com", `'x' is not a delimiter`},
		{"v=spf1 exists:%{d.example.com", "unterminated macro"},
		{"v=spf1 exists:foo%", `"%" at the end`},
		{"v=spf1 -all exp=%{r}.example.com", "r is allowed only in exp= explanation text"},
		{"v=spf1 +", "not a mechanism or modifier"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			rec, err := ParseSPF(tc.in)
			if err == nil {
				t.Fatalf("ParseSPF(%q) = %v, want an error containing %q", tc.in, rec, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSPF(%q) error = %q, want it to contain %q", tc.in, err, tc.wantErr)
			}
		})
	}
}

// TestSPFMacroExamples checks the expansions of RFC 7208 §7.4.
func TestSPFMacroExamples(t *testing.T) {
	const sender, domain = "strong-bad@email.example.com", "email.example.com"
	v4, v6 := net.ParseIP("192.0.2.3"), net.ParseIP("2001:db8::cb01")
	tests := []struct {
		in   string
		ip   net.IP
		exp  bool
		want string
	}{
		{in: "%{s}", ip: v4, want: "strong-bad@email.example.com"},
		{in: "%{o}", ip: v4, want: "email.example.com"},
		{in: "%{d}", ip: v4, want: "email.example.com"},
		{in: "%{d4}", ip: v4, want: "email.example.com"},
		{in: "%{d3}", ip: v4, want: "email.example.com"},
		{in: "%{d2}", ip: v4, want: "example.com"},
		{in: "%{d1}", ip: v4, want: "com"},
		{in: "%{dr}", ip: v4, want: "com.example.email"},
		{in: "%{d2r}", ip: v4, want: "example.email"},
		{in: "%{l}", ip: v4, want: "strong-bad"},
		{in: "%{l-}", ip: v4, want: "strong.bad"},
		{in: "%{lr}", ip: v4, want: "strong-bad"},
		{in: "%{lr-}", ip: v4, want: "bad.strong"},
		{in: "%{l1r-}", ip: v4, want: "strong"},
		{in: "%{ir}.%{v}._spf.%{d2}", ip: v4, want: "3.2.0.192.in-addr._spf.example.com"},
		{in: "%{lr-}.lp._spf.%{d2}", ip: v4, want: "bad.strong.lp._spf.example.com"},
		{in: "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", ip: v4, want: "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{in: "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", ip: v4, want: "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{in: "%{d2}.trusted-domains.example.net", ip: v4, want: "example.com.trusted-domains.example.net"},
		{in: "%{ir}.%{v}._spf.%{d2}", ip: v6, want: "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6._spf.example.com"},
		{in: "%{h}", ip: v4, want: "mail.example.org"},
		{in: "%{p}", ip: v4, want: "unknown"},
		{in: "%%%_%-", ip: v4, want: "% %20"},
		{in: "%{L}", ip: v4, want: "strong-bad"},
		{in: "%{S}", ip: v4, want: "strong-bad%40email.example.com"},
		{in: "%{d99}", ip: v4, want: "email.example.com"},
		{in: "%{c} from %{i}", ip: v6, exp: true, want: "2001:db8::cb01 from 2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1"},
		{in: "%{r}", ip: v4, exp: true, want: "unknown"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ExpandSPFMacros(tc.in, tc.exp, tc.ip, sender, "mail.example.org", domain)
			if err != nil {
				t.Fatalf("ExpandSPFMacros(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ExpandSPFMacros(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if _, err := ExpandSPFMacros("%{c}", false, v4, sender, "h", domain); err == nil {
		t.Errorf("%%{c} outside exp text: want an error")
	}
}

func TestSplitSender(t *testing.T) {
	tests := []struct{ sender, helo, full, local, domain string }{
		{"user@example.com", "h.example.net", "user@example.com", "user", "example.com"},
		{"", "h.example.net", "postmaster@h.example.net", "postmaster", "h.example.net"},
		{"@example.com", "h", "postmaster@example.com", "postmaster", "example.com"},
		{"a@b@example.com", "h", "a@b@example.com", "a@b", "example.com"},
		{"example.com", "h", "postmaster@example.com", "postmaster", "example.com"},
	}
	for _, tc := range tests {
		full, local, domain := splitSender(tc.sender, tc.helo)
		if got, want := []string{full, local, domain}, []string{tc.full, tc.local, tc.domain}; !cmp.Equal(got, want) {
			t.Errorf("splitSender(%q, %q) = %q, want %q", tc.sender, tc.helo, got, want)
		}
	}
}

const checkZone = `
example.com.            TXT "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 mx -all"
example.com.            MX  10 mx.example.com.
mx.example.com.         A   192.0.2.200
mx.example.com.         AAAA 2001:db8::25
_spf.vendor.net.        TXT "v=spf1 include:_netblocks.vendor.net ~all"
_netblocks.vendor.net.  TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:5::/48 -all"
explained.example.      TXT "v=spf1 -all exp=why.explained.example"
why.explained.example.  TXT "%{i} may not send as %{d} (checked by %{r} at %{t})"
redirected.example.     TXT "v=spf1 redirect=example.com"
helo.example.           TXT "v=spf1 a -all"
helo.example.           A   203.0.113.7
limited.example.        TXT "v=spf1 a:one.example a:two.example a:three.example -all"
one.example.            A   203.0.113.1
two.example.            A   203.0.113.2
three.example.          A   203.0.113.3
voids.example.          TXT "v=spf1 a:nx1.example ?all"
broken.example.         TXT "v=spf1 include:flaky.example -all"
twice.example.          TXT "v=spf1 -all"
twice.example.          TXT "v=spf1 +all"
`

type pathStep struct{ Domain, Term, Outcome string }

func pathOf(tr *Trace) []pathStep {
	var out []pathStep
	for _, s := range tr.Path() {
		out = append(out, pathStep{s.Domain, s.Term, s.Outcome})
	}
	return out
}

func TestCheckHost(t *testing.T) {
	m := mustZone(t, checkZone)
	m.SetTimeout("flaky.example")
	tests := []struct {
		name        string
		ip, sender  string
		helo        string
		opts        []CheckOption
		want        SPFResult
		reason      string
		explanation string
		path        []pathStep
		lookups     int
	}{
		{
			name: "pass through two includes", ip: "198.51.100.7", sender: "user@example.com", helo: "mail.example.com",
			want:    SPFPass,
			reason:  "ip4:198.51.100.0/24 in the SPF record of _netblocks.vendor.net matched (reached through include:_spf.vendor.net in example.com → include:_netblocks.vendor.net in _spf.vendor.net): pass",
			lookups: 2,
			path: []pathStep{
				{"example.com", "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 mx -all", "found"},
				{"example.com", "include:_spf.vendor.net", "match"},
				{"_spf.vendor.net", "v=spf1 include:_netblocks.vendor.net ~all", "found"},
				{"_spf.vendor.net", "include:_netblocks.vendor.net", "match"},
				{"_netblocks.vendor.net", "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:5::/48 -all", "found"},
				{"_netblocks.vendor.net", "ip4:198.51.100.0/24", "match"},
			},
		},
		{
			name: "ipv6 client through includes", ip: "2001:db8:5::1", sender: "user@example.com", helo: "mail.example.com",
			want: SPFPass, lookups: 2,
			reason: "ip6:2001:db8:5::/48 in the SPF record of _netblocks.vendor.net matched (reached through include:_spf.vendor.net in example.com → include:_netblocks.vendor.net in _spf.vendor.net): pass",
		},
		{
			name: "mx matches the ipv6 of the MX host", ip: "2001:db8::25", sender: "user@example.com",
			want: SPFPass, lookups: 3,
			reason: "mx in the SPF record of example.com matched: pass",
		},
		{
			name: "fail with the default explanation", ip: "203.0.113.9", sender: "user@example.com",
			want: SPFFail, lookups: 3,
			reason:      "-all in the SPF record of example.com matched: fail",
			explanation: "203.0.113.9 is not one of example.com's designated mail servers",
			path: []pathStep{
				{"example.com", "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 mx -all", "found"},
				{"example.com", "-all", "match"},
			},
		},
		{
			name: "exp= with c/r/t macros", ip: "203.0.113.9", sender: "user@explained.example",
			opts: []CheckOption{WithReceiver("mx.receiver.example"), WithTime(time.Unix(1700000000, 0))},
			want: SPFFail, reason: "-all in the SPF record of explained.example matched: fail",
			explanation: "203.0.113.9 may not send as explained.example (checked by mx.receiver.example at 1700000000)",
		},
		{
			name: "redirect keeps the target's decision", ip: "192.0.2.10", sender: "user@redirected.example",
			want: SPFPass, lookups: 3,
			reason: "ip4:192.0.2.0/24 in the SPF record of example.com matched (reached through redirect=example.com in redirected.example): pass",
			path: []pathStep{
				{"redirected.example", "v=spf1 redirect=example.com", "found"},
				{"redirected.example", "redirect=example.com", "pass"},
				{"example.com", "v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 mx -all", "found"},
				{"example.com", "ip4:192.0.2.0/24", "match"},
			},
		},
		{
			name: "HELO identity when MAIL FROM is empty", ip: "203.0.113.7", sender: "", helo: "helo.example",
			want: SPFPass, lookups: 1, reason: "a in the SPF record of helo.example matched: pass",
		},
		{
			name: "lookup limit lowered", ip: "203.0.113.3", sender: "x@limited.example", opts: []CheckOption{WithLookupLimit(2)},
			want: SPFPermError, lookups: 3,
			reason: "a:three.example in limited.example: DNS lookup 3 is over the limit of 2 (RFC 7208 §4.6.4): permerror",
		},
		{
			name: "void lookup limit lowered", ip: "203.0.113.3", sender: "x@voids.example", opts: []CheckOption{WithVoidLookupLimit(0)},
			want: SPFPermError, lookups: 1,
			reason: "a:nx1.example in voids.example: nx1.example: void lookup 1 is over the limit of 0 (RFC 7208 §4.6.4): permerror",
		},
		{
			name: "temporary error inside an include", ip: "203.0.113.3", sender: "x@broken.example",
			want: SPFTempError, lookups: 1,
			reason: "looking up the TXT records of flaky.example failed: looking up flaky.example TXT: temporary DNS failure: i/o timeout (simulated) (reached through include:flaky.example in broken.example): temperror",
		},
		{
			name: "two SPF records", ip: "203.0.113.3", sender: "x@twice.example",
			want: SPFPermError, reason: "twice.example has 2 SPF records; RFC 7208 §4.5 allows one: permerror",
		},
		{
			name: "no record", ip: "203.0.113.3", sender: "x@nothing.example",
			want: SPFNone, reason: "nothing.example publishes no SPF record: none",
		},
		{
			name: "invalid domain", ip: "203.0.113.3", sender: "x@[203.0.113.3]",
			want: SPFNone, reason: `"[203.0.113.3]" is not a valid domain name to check: none`,
		},
		{
			name: "ipv4-mapped client is ipv4", ip: "::ffff:192.0.2.10", sender: "user@example.com",
			want: SPFPass, lookups: 2, reason: "ip4:192.0.2.0/24 in the SPF record of example.com matched: pass",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, tr := CheckHost(context.Background(), m, net.ParseIP(tc.ip), tc.sender, tc.helo, tc.opts...)
			if res != tc.want || tr.Result != tc.want {
				t.Errorf("result = %s (trace %s), want %s\n%s", res, tr.Result, tc.want, formatSteps(tr))
			}
			if tr.Reason != tc.reason {
				t.Errorf("reason:\n got %q\nwant %q", tr.Reason, tc.reason)
			}
			if tr.Explanation != tc.explanation {
				t.Errorf("explanation = %q, want %q", tr.Explanation, tc.explanation)
			}
			if tc.path != nil {
				if diff := cmp.Diff(tc.path, pathOf(tr)); diff != "" {
					t.Errorf("path (-want +got):\n%s", diff)
				}
			}
			if tr.Lookups != tc.lookups {
				t.Errorf("lookups = %d, want %d", tr.Lookups, tc.lookups)
			}
		})
	}
}

func TestWriteTrace(t *testing.T) {
	m := mustZone(t, checkZone)
	_, tr := CheckHost(context.Background(), m, net.ParseIP("198.51.100.7"), "user@example.com", "mail.example.com")
	var b strings.Builder
	if err := WriteTrace(&b, tr, false); err != nil {
		t.Fatal(err)
	}
	want := `SPF pass for 198.51.100.7 sending as user@example.com (HELO mail.example.com)
  reason: ip4:198.51.100.0/24 in the SPF record of _netblocks.vendor.net matched (reached through include:_spf.vendor.net in example.com → include:_netblocks.vendor.net in _spf.vendor.net): pass
  DNS lookups: 2 of 10, void lookups: 0 of 2
path:
  example.com: v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 mx -all
    include:_spf.vendor.net → match
      _spf.vendor.net: v=spf1 include:_netblocks.vendor.net ~all
        include:_netblocks.vendor.net → match
          _netblocks.vendor.net: v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:5::/48 -all
            ip4:198.51.100.0/24 → match: 198.51.100.7 is in 198.51.100.0/24
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteTrace path (-want +got):\n%s", diff)
	}

	_, tr = CheckHost(context.Background(), m, net.ParseIP("203.0.113.9"), "user@example.com", "")
	b.Reset()
	if err := WriteTrace(&b, tr, true); err != nil {
		t.Fatal(err)
	}
	want = `SPF fail for 203.0.113.9 sending as user@example.com
  reason: -all in the SPF record of example.com matched: fail
  explanation: 203.0.113.9 is not one of example.com's designated mail servers
  DNS lookups: 3 of 10, void lookups: 0 of 2
evaluated:
  example.com: v=spf1 include:_spf.vendor.net ip4:192.0.2.0/24 mx -all
    include:_spf.vendor.net → no match: _spf.vendor.net gave softfail
      _spf.vendor.net: v=spf1 include:_netblocks.vendor.net ~all
        include:_netblocks.vendor.net → no match: _netblocks.vendor.net gave fail
          _netblocks.vendor.net: v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:5::/48 -all
            ip4:198.51.100.0/24 → no match
            ip6:2001:db8:5::/48 → no match: 203.0.113.9 is not an IPv6 address
            -all → match
        ~all → match
    ip4:192.0.2.0/24 → no match
    mx [example.com] → no match: 203.0.113.9 is not an address of the 1 MX host(s) of example.com
    -all → match
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteTrace all (-want +got):\n%s", diff)
	}
}

func TestCheckHostInvalidIP(t *testing.T) {
	m := mustZone(t, checkZone)
	res, tr := CheckHost(context.Background(), m, nil, "user@example.com", "h")
	if res != SPFNone || tr.Reason != "no valid client IP address to check: none" || len(tr.Steps) != 0 {
		t.Errorf("CheckHost(nil IP) = %s, %+v", res, tr)
	}
}

// TestCheckHostContextCancelled: a cancelled context is a temporary error, not a
// verdict.
func TestCheckHostContextCancelled(t *testing.T) {
	m := mustZone(t, checkZone)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, tr := CheckHost(ctx, m, net.ParseIP("198.51.100.7"), "user@example.com", "h")
	if res != SPFTempError {
		t.Errorf("result = %s, want temperror (%s)", res, tr.Reason)
	}
}
