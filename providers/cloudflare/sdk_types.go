package cloudflare

import (
	"fmt"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/dns"

	"github.com/launchready/launchready/model"
)

// typedDataRecord builds the SDK's typed post and patch for the record types written
// as Cloudflare data (model.RRType.Data beyond SRV and CAA), and OPENPGPKEY (content).
// The data comes from toWire (model.CloudflareData), so every field is present.
func typedDataRecord(w wireRecord) (dns.RecordBatchParamsPostUnion, dns.BatchPatchUnionParam, error) {
	name, ttl, comment, proxied := cf.F(w.Name), cf.F(dns.TTL(w.TTL)), cf.F(w.Comment), cf.F(w.Proxied)
	id := cf.F(w.ID)
	var d map[string]any
	if w.Data != nil {
		d = w.Data.Fields
	}
	t, known := model.TypeInfo(w.Type)
	if !known || !t.Presentation {
		return nil, nil, fmt.Errorf("record %s: type %s cannot be written", w.Name, w.Type)
	}
	if len(t.Data) > 0 && d == nil {
		return nil, nil, fmt.Errorf("%s record %s has no data", w.Type, w.Name)
	}
	n := func(k string) float64 {
		x, _ := model.DataNumber(d[k])
		return x
	}
	s := func(k string) string { return str(d[k]) }
	switch w.Type {
	case "HTTPS":
		r := dns.HTTPSRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.HTTPSRecordTypeHTTPS), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.HTTPSRecordDataParam{Priority: cf.F(n("priority")), Target: cf.F(s("target")), Value: cf.F(s("value"))})}
		return r, dns.BatchPatchHTTPSRecordParam{ID: id, HTTPSRecordParam: r}, nil
	case "SVCB":
		r := dns.SVCBRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.SVCBRecordTypeSVCB), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.SVCBRecordDataParam{Priority: cf.F(n("priority")), Target: cf.F(s("target")), Value: cf.F(s("value"))})}
		return r, dns.BatchPatchSVCBRecordParam{ID: id, SVCBRecordParam: r}, nil
	case "TLSA":
		r := dns.TLSARecordParam{Name: name, TTL: ttl, Type: cf.F(dns.TLSARecordTypeTLSA), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.TLSARecordDataParam{Usage: cf.F(n("usage")), Selector: cf.F(n("selector")), MatchingType: cf.F(n("matching_type")), Certificate: cf.F(s("certificate"))})}
		return r, dns.BatchPatchTLSARecordParam{ID: id, TLSARecordParam: r}, nil
	case "SMIMEA":
		r := dns.SMIMEARecordParam{Name: name, TTL: ttl, Type: cf.F(dns.SMIMEARecordTypeSMIMEA), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.SMIMEARecordDataParam{Usage: cf.F(n("usage")), Selector: cf.F(n("selector")), MatchingType: cf.F(n("matching_type")), Certificate: cf.F(s("certificate"))})}
		return r, dns.BatchPatchSMIMEARecordParam{ID: id, SMIMEARecordParam: r}, nil
	case "SSHFP":
		r := dns.SSHFPRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.SSHFPRecordTypeSSHFP), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.SSHFPRecordDataParam{Algorithm: cf.F(n("algorithm")), Type: cf.F(n("type")), Fingerprint: cf.F(s("fingerprint"))})}
		return r, dns.BatchPatchSSHFPRecordParam{ID: id, SSHFPRecordParam: r}, nil
	case "NAPTR":
		r := dns.NAPTRRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.NAPTRRecordTypeNAPTR), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.NAPTRRecordDataParam{Order: cf.F(n("order")), Preference: cf.F(n("preference")), Flags: cf.F(s("flags")), Service: cf.F(s("service")),
				Regex: cf.F(s("regex")), Replacement: cf.F(s("replacement"))})}
		return r, dns.BatchPatchNAPTRRecordParam{ID: id, NAPTRRecordParam: r}, nil
	case "DS":
		r := dns.DSRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.DSRecordTypeDS), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.DSRecordDataParam{KeyTag: cf.F(n("key_tag")), Algorithm: cf.F(n("algorithm")), DigestType: cf.F(n("digest_type")), Digest: cf.F(s("digest"))})}
		return r, dns.BatchPatchDSRecordParam{ID: id, DSRecordParam: r}, nil
	case "DNSKEY":
		r := dns.DNSKEYRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.DNSKEYRecordTypeDNSKEY), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.DNSKEYRecordDataParam{Flags: cf.F(n("flags")), Protocol: cf.F(n("protocol")), Algorithm: cf.F(n("algorithm")), PublicKey: cf.F(s("public_key"))})}
		return r, dns.BatchPatchDNSKEYRecordParam{ID: id, DNSKEYRecordParam: r}, nil
	case "CERT":
		r := dns.CERTRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.CERTRecordTypeCERT), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.CERTRecordDataParam{Type: cf.F(n("type")), KeyTag: cf.F(n("key_tag")), Algorithm: cf.F(n("algorithm")), Certificate: cf.F(s("certificate"))})}
		return r, dns.BatchPatchCERTRecordParam{ID: id, CERTRecordParam: r}, nil
	case "URI":
		if w.Priority == nil {
			return nil, nil, fmt.Errorf("URI record %s has no priority", w.Name)
		}
		r := dns.URIRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.URIRecordTypeURI), Comment: comment, Proxied: proxied,
			Priority: cf.F(float64(*w.Priority)), Data: cf.F(dns.URIRecordDataParam{Weight: cf.F(n("weight")), Target: cf.F(s("target"))})}
		return r, dns.BatchPatchURIRecordParam{ID: id, URIRecordParam: r}, nil
	case "LOC":
		r := dns.LOCRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.LOCRecordTypeLOC), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.LOCRecordDataParam{
				LatDegrees: cf.F(n("lat_degrees")), LatMinutes: cf.F(n("lat_minutes")), LatSeconds: cf.F(n("lat_seconds")),
				LatDirection: cf.F(dns.LOCRecordDataLatDirection(str(d["lat_direction"]))),
				LongDegrees:  cf.F(n("long_degrees")), LongMinutes: cf.F(n("long_minutes")), LongSeconds: cf.F(n("long_seconds")),
				LongDirection: cf.F(dns.LOCRecordDataLongDirection(str(d["long_direction"]))),
				Altitude:      cf.F(n("altitude")), Size: cf.F(n("size")), PrecisionHorz: cf.F(n("precision_horz")), PrecisionVert: cf.F(n("precision_vert")),
			})}
		return r, dns.BatchPatchLOCRecordParam{ID: id, LOCRecordParam: r}, nil
	case "OPENPGPKEY":
		post := dns.RecordBatchParamsPostsDNSRecordsOpenpgpkeyRecord{Name: name, TTL: ttl, Comment: comment, Proxied: proxied,
			Type: cf.F(dns.RecordBatchParamsPostsDNSRecordsOpenpgpkeyRecordTypeOpenpgpkey), Content: cf.F(w.Content)}
		patch := dns.BatchPatchOpenpgpkeyRecordParam{ID: id, Name: name, TTL: ttl, Comment: comment, Proxied: proxied,
			Type: cf.F(dns.BatchPatchOpenpgpkeyRecordTypeOpenpgpkey), Content: cf.F(w.Content)}
		return post, patch, nil
	}
	return nil, nil, fmt.Errorf("record %s: type %s cannot be written", w.Name, w.Type)
}

func str(v any) string {
	s, _ := v.(string)
	return s
}
