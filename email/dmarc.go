package email

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// DMARCRecord is a parsed DMARC policy record (RFC 7489 §6.3). Tags that are absent
// or invalid hold the RFC's default.
type DMARCRecord struct {
	Policy            string // p: none | quarantine | reject ("" when missing or invalid)
	SubdomainPolicy   string // sp: "" when absent (the policy of p applies)
	NonexistentPolicy string // np (RFC 9091): "" when absent
	RUA               []DMARCURI
	RUF               []DMARCURI
	Pct               int      // pct: 0–100, default 100
	ADKIM             string   // adkim: "r" (default) | "s"
	ASPF              string   // aspf: "r" (default) | "s"
	FailureOptions    []string // fo: "0" (default), "1", "d", "s"
	ReportFormats     []string // rf: "afrf" (default)
	ReportInterval    uint32   // ri: seconds, default 86400
}

// DMARCURI is one rua/ruf destination: a URI with an optional size limit
// ("mailto:dmarc@example.com!10m").
type DMARCURI struct {
	URI     string // the URI without the size suffix
	Scheme  string // lower case: "mailto", "https", …
	Address string // mailto: the e-mail address
	Domain  string // mailto: the address's domain, lower case; http(s): the host
	MaxSize uint64 // bytes; 0 = no limit
}

// String renders the URI with its size suffix in bytes.
func (u DMARCURI) String() string {
	if u.MaxSize == 0 {
		return u.URI
	}
	return u.URI + "!" + strconv.FormatUint(u.MaxSize, 10)
}

// IsDMARCRecord reports whether a TXT string is a DMARC record: "v=DMARC1" followed by
// ";", white space or the end (RFC 7489 §6.4).
func IsDMARCRecord(txt string) bool {
	rest, ok := strings.CutPrefix(trimWSP(txt), "v")
	if !ok {
		return false
	}
	rest, ok = strings.CutPrefix(trimWSP(rest), "=")
	if !ok {
		return false
	}
	rest, ok = strings.CutPrefix(trimWSP(rest), "DMARC1")
	return ok && (rest == "" || rest[0] == ';' || isWSP(rest[0]))
}

var dmarcSize = regexp.MustCompile(`^([0-9]+)([kKmMgGtT]?)$`)

// ParseDMARCURI parses one DMARC report URI (RFC 7489 §6.2): URI [ "!" size [k|m|g|t] ].
// Only mailto: and http(s): are accepted; a bare address gets a hint to add mailto:.
func ParseDMARCURI(s string) (DMARCURI, error) {
	var u DMARCURI
	uri := s
	if i := strings.LastIndexByte(s, '!'); i >= 0 {
		m := dmarcSize.FindStringSubmatch(s[i+1:])
		if m == nil {
			return u, fmt.Errorf("%q: the size limit after \"!\" must be a number with an optional k, m, g or t", s)
		}
		n, err := strconv.ParseUint(m[1], 10, 64)
		shift := map[string]uint{"": 0, "k": 10, "m": 20, "g": 30, "t": 40}[strings.ToLower(m[2])]
		if err != nil || n > (^uint64(0))>>shift {
			return u, fmt.Errorf("%q: the size limit is too large", s)
		}
		u.MaxSize = n << shift
		uri = s[:i]
	}
	if uri == "" {
		return u, fmt.Errorf("empty URI")
	}
	if strings.ContainsAny(uri, " \t,;") {
		return u, fmt.Errorf("%q: spaces, commas and semicolons must be percent-encoded in a report URI", uri)
	}
	parsed, err := url.Parse(uri)
	if err != nil || parsed.Scheme == "" {
		if strings.Contains(uri, "@") && !strings.Contains(uri, ":") {
			return u, fmt.Errorf("%q is not a URI: write mailto:%s", uri, uri)
		}
		return u, fmt.Errorf("%q is not a URI", uri)
	}
	u.URI = uri
	u.Scheme = strings.ToLower(parsed.Scheme)
	switch u.Scheme {
	case "mailto":
		addr, err := url.PathUnescape(parsed.Opaque)
		if err != nil || parsed.Opaque == "" {
			return u, fmt.Errorf("%q: mailto: needs an address", uri)
		}
		local, domain, ok := strings.Cut(addr, "@")
		if !ok || local == "" || strings.Contains(domain, "@") {
			return u, fmt.Errorf("%q: %q is not an e-mail address", uri, addr)
		}
		if !validHostname(strings.TrimSuffix(domain, ".")) {
			return u, fmt.Errorf("%q: %q is not a valid mail domain", uri, domain)
		}
		u.Address = addr
		u.Domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	case "http", "https":
		if parsed.Host == "" || !validHostname(strings.ToLower(parsed.Hostname())) {
			return u, fmt.Errorf("%q: %s: needs a valid host", uri, u.Scheme)
		}
		u.Domain = strings.ToLower(parsed.Hostname())
	default:
		return u, fmt.Errorf("%q: report URIs are mailto: (or http(s):), not %s:", uri, u.Scheme)
	}
	return u, nil
}

// validHostname checks a host name: two labels or more, letters, digits and inner
// hyphens, 63 bytes a label, 253 in all, a top-level label that is not all digits.
func validHostname(h string) bool {
	if !ValidDNSName(h) {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if !isAlnum(l[0]) || !isAlnum(l[len(l)-1]) {
			return false
		}
		for i := 0; i < len(l); i++ {
			if !isAlnum(l[i]) && l[i] != '-' {
				return false
			}
		}
	}
	return isTopLabel(labels[len(labels)-1])
}

var dmarcPolicies = map[string]bool{"none": true, "quarantine": true, "reject": true}

// dmarcPRequired is ParseDMARC's message for a record without p=.
const dmarcPRequired = "p= (the policy) is required"

// ParseDMARC parses and checks a DMARC record ("v=DMARC1; p=…"), tag by tag (RFC 7489
// §6.3, np from RFC 9091): v must be the first tag and exactly DMARC1; p is required;
// p/sp/np are none|quarantine|reject; rua/ruf are comma-separated report URIs with an
// optional size limit; pct is 0–100; adkim/aspf are r|s; fo is a colon list of
// 0|1|d|s; rf a colon list of formats (afrf); ri a 32-bit number of seconds. Unknown
// tags are warnings (receivers ignore them). Cross-tag warnings: fo without ruf.
//
// The record is nil when receivers would ignore it entirely (not a tag-list, or v= not
// first or not DMARC1); otherwise invalid tags are reported and left at their default.
func ParseDMARC(txt string) (*DMARCRecord, []TagProblem) {
	tags, probs := parseTagList(txt, true)
	if HasError(probs) {
		return nil, probs
	}
	if len(tags) == 0 || tags[0].name != "v" {
		return nil, append(probs, tagErr("v", -1, "a DMARC record must start with v=DMARC1"))
	}
	if tags[0].value != "DMARC1" {
		return nil, append(probs, tagErr("v", -1, "v=%s: the version must be exactly DMARC1", tags[0].value))
	}
	r := &DMARCRecord{Pct: 100, ADKIM: "r", ASPF: "r", FailureOptions: []string{"0"}, ReportFormats: []string{"afrf"}, ReportInterval: 86400}
	hasP, hasFO := false, false
	for _, t := range tags[1:] {
		v := t.value
		switch t.name {
		case "p", "sp", "np":
			lv := strings.ToLower(v)
			if !dmarcPolicies[lv] {
				probs = append(probs, tagErr(t.name, -1, "%s=%s: must be none, quarantine or reject", t.name, v))
				if t.name == "p" {
					hasP = true
				}
				continue
			}
			switch t.name {
			case "p":
				hasP = true
				r.Policy = lv
			case "sp":
				r.SubdomainPolicy = lv
			case "np":
				r.NonexistentPolicy = lv
			}
		case "rua", "ruf":
			if v == "" {
				probs = append(probs, tagErr(t.name, -1, "%s= is empty", t.name))
				continue
			}
			var list []DMARCURI
			for i, item := range splitList(v, ",") {
				u, err := ParseDMARCURI(item)
				if err != nil {
					probs = append(probs, tagErr(t.name, i, "%v", err))
					continue
				}
				if u.Scheme != "mailto" {
					probs = append(probs, tagWarn(t.name, i, "%s: most receivers only send reports to mailto: addresses", u.URI))
				}
				list = append(list, u)
			}
			if t.name == "rua" {
				r.RUA = list
			} else {
				r.RUF = list
			}
		case "pct":
			n, ok := parseDigits(v, 3)
			if !ok || n > 100 {
				probs = append(probs, tagErr("pct", -1, "pct=%s: must be a whole number from 0 to 100", v))
				continue
			}
			r.Pct = int(n)
		case "adkim", "aspf":
			lv := strings.ToLower(v)
			if lv != "r" && lv != "s" {
				probs = append(probs, tagErr(t.name, -1, "%s=%s: must be r (relaxed) or s (strict)", t.name, v))
				continue
			}
			if t.name == "adkim" {
				r.ADKIM = lv
			} else {
				r.ASPF = lv
			}
		case "fo":
			hasFO = true
			opts := splitList(v, ":")
			ok := true
			for i, o := range opts {
				if o != "0" && o != "1" && o != "d" && o != "s" {
					probs = append(probs, tagErr("fo", i, "fo option %q: must be 0, 1, d or s", o))
					ok = false
				}
			}
			if ok {
				r.FailureOptions = opts
			}
		case "rf":
			fmts := splitList(v, ":")
			ok := true
			for i, f := range fmts {
				switch {
				case f == "" || !validTagName(strings.ReplaceAll(f, "-", "_")):
					probs = append(probs, tagErr("rf", i, "rf format %q is not a keyword", f))
					ok = false
				case strings.ToLower(f) != "afrf":
					probs = append(probs, tagWarn("rf", i, "rf format %q is not registered; receivers only send afrf", f))
				}
			}
			if ok {
				r.ReportFormats = fmts
			}
		case "ri":
			n, ok := parseDigits(v, 10)
			if !ok || n > 1<<32-1 {
				probs = append(probs, tagErr("ri", -1, "ri=%s: must be a whole number of seconds (32-bit)", v))
				continue
			}
			r.ReportInterval = uint32(n)
		case "v":
			probs = append(probs, tagErr("v", -1, "v= appears after the first tag"))
		default:
			probs = append(probs, tagWarn(t.name, -1, "unknown tag %s=, ignored by receivers", t.name))
		}
	}
	if !hasP {
		probs = append(probs, tagErr("p", -1, dmarcPRequired))
	}
	if hasFO && len(r.RUF) == 0 {
		probs = append(probs, tagWarn("fo", -1, "fo= has no effect without ruf="))
	}
	return r, probs
}

// parseDigits parses 1 to max decimal digits.
func parseDigits(s string, max int) (uint64, bool) {
	if s == "" || len(s) > max {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
