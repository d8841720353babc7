package model

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/miekg/dns"
)

// This file maps the values of presentation types (RRType.Presentation) to the
// `data` object of Cloudflare's API and back. The keys are those of Cloudflare's
// schema (RRType.Data); host names go without their trailing dot ("." stays the
// root), as Cloudflare writes them.

// CloudflareData splits a canonical value of type typ into Cloudflare's data object,
// and the top-level priority for URI. content is set instead for types Cloudflare
// writes as content (OPENPGPKEY).
func CloudflareData(typ, value, zone string) (data map[string]any, priority *int, content string, err error) {
	t, ok := TypeInfo(typ)
	if !ok || !t.Presentation {
		return nil, nil, "", fmt.Errorf("%s is not written as Cloudflare data", typ)
	}
	rr, err := parsePresentation(typ, value, zone)
	if err != nil {
		return nil, nil, "", err
	}
	if err := checkFields(rr); err != nil {
		return nil, nil, "", err
	}
	host := func(n string) string {
		if n == "." {
			return n
		}
		return strings.TrimSuffix(strings.ToLower(n), ".")
	}
	switch r := rr.(type) {
	case *dns.HTTPS:
		return map[string]any{"priority": int(r.Priority), "target": host(r.Target), "value": svcParams(rr)}, nil, "", nil
	case *dns.SVCB:
		return map[string]any{"priority": int(r.Priority), "target": host(r.Target), "value": svcParams(rr)}, nil, "", nil
	case *dns.TLSA:
		return map[string]any{"usage": int(r.Usage), "selector": int(r.Selector), "matching_type": int(r.MatchingType), "certificate": r.Certificate}, nil, "", nil
	case *dns.SMIMEA:
		return map[string]any{"usage": int(r.Usage), "selector": int(r.Selector), "matching_type": int(r.MatchingType), "certificate": r.Certificate}, nil, "", nil
	case *dns.SSHFP:
		return map[string]any{"algorithm": int(r.Algorithm), "type": int(r.Type), "fingerprint": r.FingerPrint}, nil, "", nil
	case *dns.NAPTR:
		// Cloudflare holds the strings' text; miekg/dns keeps their zone-file escapes.
		return map[string]any{"order": int(r.Order), "preference": int(r.Preference), "flags": UnescapeDNSString(r.Flags),
			"service": UnescapeDNSString(r.Service), "regex": UnescapeDNSString(r.Regexp), "replacement": host(r.Replacement)}, nil, "", nil
	case *dns.DS:
		return map[string]any{"key_tag": int(r.KeyTag), "algorithm": int(r.Algorithm), "digest_type": int(r.DigestType), "digest": r.Digest}, nil, "", nil
	case *dns.DNSKEY:
		return map[string]any{"flags": int(r.Flags), "protocol": int(r.Protocol), "algorithm": int(r.Algorithm), "public_key": r.PublicKey}, nil, "", nil
	case *dns.CERT:
		return map[string]any{"type": int(r.Type), "key_tag": int(r.KeyTag), "algorithm": int(r.Algorithm), "certificate": r.Certificate}, nil, "", nil
	case *dns.URI:
		p := int(r.Priority)
		return map[string]any{"weight": int(r.Weight), "target": UnescapeDNSString(r.Target)}, &p, "", nil
	case *dns.LOC:
		return locData(RDataString(rr))
	case *dns.OPENPGPKEY:
		return nil, nil, r.PublicKey, nil
	}
	return nil, nil, "", fmt.Errorf("%s is not written as Cloudflare data", typ)
}

// svcParams is the key=value part of an SVCB/HTTPS record's presentation form.
func svcParams(rr dns.RR) string {
	var parts []string
	var kv []dns.SVCBKeyValue
	switch r := rr.(type) {
	case *dns.SVCB:
		kv = r.Value
	case *dns.HTTPS:
		kv = r.Value
	}
	for _, e := range kv {
		parts = append(parts, e.Key().String()+"=\""+e.String()+"\"")
	}
	return strings.Join(parts, " ")
}

// locData reads the canonical LOC presentation form (as miekg/dns prints it:
// `52 22 23.000 N 04 53 32.000 E -2m 1m 10000m 10m`) into Cloudflare's fields.
func locData(v string) (map[string]any, *int, string, error) {
	f := strings.Fields(v)
	if len(f) != 12 {
		return nil, nil, "", fmt.Errorf("LOC value %q: unexpected form", v)
	}
	n := func(s string) float64 {
		x, _ := strconv.ParseFloat(strings.TrimSuffix(s, "m"), 64)
		return x
	}
	return map[string]any{
		"lat_degrees": n(f[0]), "lat_minutes": n(f[1]), "lat_seconds": n(f[2]), "lat_direction": f[3],
		"long_degrees": n(f[4]), "long_minutes": n(f[5]), "long_seconds": n(f[6]), "long_direction": f[7],
		"altitude": n(f[8]), "size": n(f[9]), "precision_horz": n(f[10]), "precision_vert": n(f[11]),
	}, nil, "", nil
}

// DataNumber reads a number of a data object as the API or a client sent it: a JSON
// number (float64 or json.Number), an int, or a string holding a number.
func DataNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		return f, err == nil
	}
	return 0, false
}

// FromCloudflareData rebuilds the canonical value of a presentation type from
// Cloudflare's data object (and top-level priority, content). It fails when a field
// is missing or cannot be read; callers then keep the API's content as it is.
func FromCloudflareData(typ string, data map[string]any, priority *int, content, zone string) (string, error) {
	t, ok := TypeInfo(typ)
	if !ok || !t.Presentation {
		return "", fmt.Errorf("%s is not read from Cloudflare data", typ)
	}
	if len(t.Data) == 0 {
		return CanonicalValue(typ, content, zone)
	}
	if data == nil {
		return "", fmt.Errorf("%s record without data", typ)
	}
	var missing []string
	nums := map[string]string{}
	strs := map[string]string{}
	for _, f := range t.Data {
		v, present := data[f.Key]
		if !present || v == nil {
			if f.Optional {
				nums[f.Key] = "0"
				continue
			}
			missing = append(missing, f.Key)
			continue
		}
		if f.Number {
			x, ok := DataNumber(v)
			if !ok {
				return "", fmt.Errorf("%s data.%s: %v is not a number", typ, f.Key, v)
			}
			if x == math.Trunc(x) {
				nums[f.Key] = strconv.FormatInt(int64(x), 10)
			} else {
				nums[f.Key] = strconv.FormatFloat(x, 'f', -1, 64)
			}
			continue
		}
		s, ok := v.(string)
		if !ok {
			return "", fmt.Errorf("%s data.%s: %v is not a string", typ, f.Key, v)
		}
		strs[f.Key] = s
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%s data lacks %s", typ, strings.Join(missing, ", "))
	}
	fqdn := func(n string) string {
		n = strings.TrimSpace(n)
		if n == "" || n == "." {
			return "."
		}
		return dns.Fqdn(n)
	}
	var v string
	switch typ {
	case "HTTPS", "SVCB":
		v = strings.TrimSpace(nums["priority"] + " " + fqdn(strs["target"]) + " " + strs["value"])
	case "TLSA", "SMIMEA":
		v = nums["usage"] + " " + nums["selector"] + " " + nums["matching_type"] + " " + strs["certificate"]
	case "SSHFP":
		v = nums["algorithm"] + " " + nums["type"] + " " + strs["fingerprint"]
	case "NAPTR":
		v = nums["order"] + " " + nums["preference"] + " " + quoteField(strs["flags"]) + " " + quoteField(strs["service"]) + " " +
			quoteField(strs["regex"]) + " " + fqdn(strs["replacement"])
	case "DS":
		v = nums["key_tag"] + " " + nums["algorithm"] + " " + nums["digest_type"] + " " + strs["digest"]
	case "DNSKEY":
		v = nums["flags"] + " " + nums["protocol"] + " " + nums["algorithm"] + " " + strs["public_key"]
	case "CERT":
		v = nums["type"] + " " + nums["key_tag"] + " " + nums["algorithm"] + " " + strs["certificate"]
	case "URI":
		p := 0
		if priority != nil {
			p = *priority
		} else if x, ok := DataNumber(data["priority"]); ok {
			p = int(x)
		}
		v = strconv.Itoa(p) + " " + nums["weight"] + " " + quoteField(strs["target"])
	case "LOC":
		v = fmt.Sprintf("%s %s %s %s %s %s %s %s %sm %sm %sm %sm",
			nums["lat_degrees"], nums["lat_minutes"], nums["lat_seconds"], strs["lat_direction"],
			nums["long_degrees"], nums["long_minutes"], nums["long_seconds"], strs["long_direction"],
			nums["altitude"], nums["size"], nums["precision_horz"], nums["precision_vert"])
	default:
		return "", fmt.Errorf("%s is not read from Cloudflare data", typ)
	}
	return CanonicalValue(typ, v, zone)
}

// quoteField writes a character-string in presentation form: quoted, with `"` and
// `\` escaped.
func quoteField(s string) string { return `"` + EscapeDNSString(s) + `"` }
