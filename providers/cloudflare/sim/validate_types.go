package sim

import (
	"encoding/json"
	"math"
	"net/http"
	"slices"

	"github.com/launchready/launchready/model"
)

// applyPresentation sets a record of a type written as `data` (HTTPS, SVCB, TLSA,
// SMIMEA, SSHFP, NAPTR, LOC, DS, DNSKEY, CERT, URI; model.RRType.Data), or as content
// (OPENPGPKEY), the way Cloudflare's schema shapes it (openapi-subset.json,
// dns-records_<TYPE>Record): every data field is checked for presence (9101 "<field>
// is a required data field." per missing field, as for SRV), JSON type and range;
// URI also needs the top-level priority, like MX. The record's content is derived from
// data in presentation form, read-only as the schema says; data is stored as
// normalised (numbers as numbers, NAPTR flags as a string). A value DNS cannot carry
// (a TLSA usage of 4, a digest of the wrong length) answers 9005-style content
// errors (CodeContentInvalid) naming the field.
func applyPresentation(r *record, t model.RRType, body map[string]json.RawMessage, content string, contentGiven bool, mode writeMode) *apiError {
	if len(t.Data) == 0 { // content-typed (OPENPGPKEY)
		if !contentGiven && mode == modePatch {
			content = r.Content
		}
		v, err := model.CanonicalValue(r.Type, content, "")
		if err != nil {
			return dnsValidation(CodeContentInvalid, "Content for %s record is invalid: %v", r.Type, err)
		}
		r.Content, r.Data, r.Priority = v, nil, nil
		return nil
	}
	d, ok, e := dataFields(body)
	if e != nil {
		return e
	}
	if !ok {
		if mode == modePatch && r.Data != nil {
			d = nil // unchanged data; the priority may still change (URI)
		} else {
			var missing []apiMessage
			for _, f := range t.Data {
				if !f.Optional {
					missing = append(missing, apiMessage{Code: CodeDataFieldRequired, Message: f.Key + " is a required data field."})
				}
			}
			return &apiError{Status: http.StatusBadRequest, Errors: missing}
		}
	}
	data := r.Data
	if d != nil {
		data = map[string]any{}
		var missing []apiMessage
		for _, f := range t.Data {
			raw, present := d[f.Key]
			if !present || string(raw) == "null" {
				if f.Optional {
					data[f.Key] = 0
					continue
				}
				missing = append(missing, apiMessage{Code: CodeDataFieldRequired, Message: f.Key + " is a required data field."})
				continue
			}
			if f.Number {
				var x float64
				if err := json.Unmarshal(raw, &x); err != nil {
					return dnsValidation(CodeFieldType, "Invalid '%s' value, must be a number", f.Key)
				}
				if x < f.Min || x > f.Max || (f.Max >= 255 && x != math.Trunc(x)) {
					return dnsValidation(CodeContentInvalid, "%s must be a number from %v to %v.", f.Key, f.Min, f.Max)
				}
				data[f.Key] = x
				continue
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return dnsValidation(CodeFieldType, "Invalid '%s' value, must be a string", f.Key)
			}
			if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
				return dnsValidation(CodeContentInvalid, "%s must be one of %v.", f.Key, f.Enum)
			}
			data[f.Key] = s
		}
		if len(missing) > 0 {
			return &apiError{Status: http.StatusBadRequest, Errors: missing}
		}
	}
	var prio *int
	if t.TopPriority {
		if f, ok, bad := numField(body, "priority"); bad {
			return dnsValidation(CodeFieldType, "Invalid 'priority' value, must be a number")
		} else if ok {
			if f != math.Trunc(f) || f < 0 || f > 65535 {
				return dnsValidation(CodeContentInvalid, "priority must be a whole number from 0 to 65535.")
			}
			p := int(f)
			prio = &p
		} else if mode == modePatch && r.Priority != nil {
			prio = r.Priority
		}
		if prio == nil {
			return errf(http.StatusBadRequest, CodeDataFieldRequired, "priority is a required data field.")
		}
	}
	v, err := model.FromCloudflareData(r.Type, data, prio, "", "")
	if err != nil {
		return dnsValidation(CodeContentInvalid, "Content for %s record is invalid: %v", r.Type, err)
	}
	// Store data the way it reads back: canonical spelling (hex upper case, names
	// lower case) as derived from the value.
	norm, _, _, err := model.CloudflareData(r.Type, v, "")
	if err != nil {
		return dnsValidation(CodeContentInvalid, "Content for %s record is invalid: %v", r.Type, err)
	}
	r.Data, r.Content, r.Priority = norm, v, prio
	return nil
}

// cloneData copies a data object.
func cloneData(d map[string]any) map[string]any {
	if d == nil {
		return nil
	}
	out := make(map[string]any, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out
}
