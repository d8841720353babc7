package sim

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/launchready/launchready/model"
)

// Record types the simulator stores: every type of launchready's type table
// (model.RecordTypes), which is every type Cloudflare's schema lists
// (dns-records_type) plus OPENPGPKEY (SDK v7.9.0). Others answer CodeTypeInvalid.
func supportedType(t string) bool { return model.IsRecordType(t) }

const (
	maxTXTRecord = 2048 // characters of content per TXT record (Cloudflare docs)
	maxTXTName   = 8192 // characters of TXT content summed over one name
	maxTXTString = 255  // bytes per DNS character-string
)

var tagNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// writeMode says how a record body is applied.
type writeMode int

const (
	modeCreate writeMode = iota // POST and batch posts: defaults for absent fields
	modePut                     // PUT and batch puts: full overwrite, defaults for absent fields
	modePatch                   // PATCH and batch patches: absent fields keep their value
)

// buildRecord applies a request body to a record and validates the result the way
// Cloudflare does for one record on its own (conflicts with other records are checked
// by checkConflicts). base is the existing record for put and patch, nil for create.
func buildRecord(z *zone, base *record, body map[string]json.RawMessage, mode writeMode, now time.Time) (*record, *apiError) {
	var r *record
	switch mode {
	case modePatch:
		r = base.clone()
	case modePut:
		r = &record{ID: base.ID, CreatedOn: base.CreatedOn, TTL: 1, Comment: base.Comment, Tags: base.Tags,
			CommentModifiedOn: base.CommentModifiedOn, TagsModifiedOn: base.TagsModifiedOn}
		// A PUT resets comment and tags to their defaults too; keep the previous
		// values only to compute the *_modified_on stamps below.
		r.Comment, r.Tags = "", nil
	default:
		r = &record{ID: newID(), CreatedOn: now, TTL: 1}
	}
	r.ModifiedOn = now

	var errs []apiMessage
	fieldErr := func(code int, format string, args ...any) {
		errs = append(errs, apiMessage{Code: code, Message: fmt.Sprintf(format, args...)})
	}
	str := func(key string) (string, bool, bool) { // value, present, null
		raw, ok := body[key]
		if !ok {
			return "", false, false
		}
		if string(raw) == "null" {
			return "", true, true
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			fieldErr(CodeFieldType, "Invalid '%s' value, must be a string", key)
			return "", false, false
		}
		return s, true, false
	}
	num := func(key string) (float64, bool) {
		raw, ok := body[key]
		if !ok || string(raw) == "null" {
			return 0, false
		}
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil {
			fieldErr(CodeFieldType, "Invalid '%s' value, must be a number", key)
			return 0, false
		}
		return f, true
	}

	// type
	if t, ok, null := str("type"); ok && !null {
		r.Type = strings.ToUpper(strings.TrimSpace(t))
	}
	if r.Type == "" {
		return nil, dnsValidation(CodeTypeInvalid, "A record type is required.")
	}
	if !supportedType(r.Type) {
		return nil, dnsValidation(CodeTypeInvalid, "Invalid or unsupported DNS record type %q (the simulator stores %s).", r.Type, strings.Join(model.RecordTypes, ", "))
	}

	// name
	if n, ok, null := str("name"); ok && !null {
		full, err := resolveName(n, z.Name)
		if err != nil {
			// Cloudflare answers only "DNS name is invalid." (3p
			// cisagov/manage.get.gov#5244); the simulator adds why, after it.
			return nil, errf(http.StatusBadRequest, CodeNameInvalid, "DNS name is invalid. (%v)", err)
		}
		r.Name = full
	}
	if r.Name == "" {
		return nil, errf(http.StatusBadRequest, CodeNameInvalid, "DNS name is invalid.")
	}

	// proxied
	if raw, ok := body["proxied"]; ok && string(raw) != "null" {
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, dnsValidation(CodeProxiedNotBool, "Invalid 'proxied' value, must be a boolean")
		}
		r.Proxied = b
	} else if mode != modePatch {
		r.Proxied = false
	}

	// ttl
	if f, ok := num("ttl"); ok {
		if f != math.Trunc(f) || !(f == 1 || f >= 60 && f <= 86400) {
			// Cloudflare's words (3p timothymiller/cloudflare-ddns#179, 2024).
			return nil, dnsValidation(CodeTTLInvalid, "TTL must be between 60 and 86400 seconds, or 1 for Automatic.")
		}
		r.TTL = int(f)
	}

	// comment
	if c, ok, null := str("comment"); ok {
		if null {
			c = ""
		}
		if strings.ContainsAny(c, "\r\n") {
			return nil, dnsValidation(CodeCommentInvalid, "The comment must not contain line breaks.")
		}
		r.Comment = c
	}

	// tags
	if raw, ok := body["tags"]; ok {
		var tags []string
		if string(raw) != "null" {
			if err := json.Unmarshal(raw, &tags); err != nil {
				return nil, dnsValidation(CodeTagInvalid, "Invalid 'tags' value, must be an array of strings")
			}
		}
		for _, t := range tags {
			name, _, _ := strings.Cut(t, ":")
			if !tagNameRE.MatchString(name) {
				return nil, dnsValidation(CodeTagInvalid, "Invalid tag %q: the name must consist of letters, digits, '_' and '-', optionally followed by ':value'.", t)
			}
		}
		r.Tags = tags
	}
	if raw, ok := body["settings"]; ok && string(raw) != "null" {
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, dnsValidation(CodeFieldType, "Invalid 'settings' value, must be an object")
		}
	}
	if len(errs) > 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{Code: CodeDNSValidation, Message: "DNS Validation Error", ErrorChain: errs}}}
	}

	// content, priority and data, by type
	content, contentGiven, _ := str("content")
	if e := applyValue(r, z, body, content, contentGiven, mode); e != nil {
		return nil, e
	}
	if len(errs) > 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{{Code: CodeDNSValidation, Message: "DNS Validation Error", ErrorChain: errs}}}
	}

	if r.Proxied && !model.Proxiable(r.Type) {
		return nil, errf(http.StatusBadRequest, CodeNotProxiable, "This record type cannot be proxied.")
	}
	if r.Proxied {
		r.TTL = 1 // proxied records always have automatic TTL
	}

	// *_modified_on stamps follow the comment and tags.
	if base != nil {
		if r.Comment != base.Comment {
			r.CommentModifiedOn = stamp(r.Comment != "", now)
		}
		if strings.Join(r.Tags, "\x00") != strings.Join(base.Tags, "\x00") {
			r.TagsModifiedOn = stamp(len(r.Tags) > 0, now)
		}
	} else {
		r.CommentModifiedOn = stamp(r.Comment != "", now)
		r.TagsModifiedOn = stamp(len(r.Tags) > 0, now)
	}
	return r, nil
}

func stamp(set bool, now time.Time) *time.Time {
	if !set {
		return nil
	}
	t := now
	return &t
}

// applyValue sets Content (and Priority, SRV, CAA) from the body for r.Type.
func applyValue(r *record, z *zone, body map[string]json.RawMessage, content string, contentGiven bool, mode writeMode) *apiError {
	if !contentGiven && mode == modePatch {
		content = r.Content
	}
	// clear what the type does not use
	if r.Type != "MX" && r.Type != "SRV" && r.Type != "URI" {
		r.Priority = nil
	}
	if r.Type != "SRV" {
		r.SRV = nil
	}
	if r.Type != "CAA" {
		r.CAA = nil
	}
	if t, ok := model.TypeInfo(r.Type); ok && t.Presentation {
		return applyPresentation(r, t, body, content, contentGiven, mode)
	}
	r.Data = nil
	switch r.Type {
	case "A", "AAAA":
		a, err := netip.ParseAddr(strings.TrimSpace(content))
		if err != nil || a.Zone() != "" || (r.Type == "A" && !a.Is4()) || (r.Type == "AAAA" && (!a.Is6() || a.Is4In6())) {
			v := "IPv4"
			if r.Type == "AAAA" {
				v = "IPv6"
			}
			return dnsValidation(CodeContentInvalid, "Content for %s record must be a valid %s address.", r.Type, v)
		}
		r.Content = a.String()
	case "CNAME", "NS", "PTR":
		t, err := hostContent(content, z.Name)
		if err != nil {
			return dnsValidation(CodeContentInvalid, "Content for %s record is invalid: %v", r.Type, err)
		}
		if r.Type == "CNAME" && t == r.Name {
			return dnsValidation(CodeContentInvalid, "CNAME content cannot reference itself.")
		}
		r.Content = t
	case "MX":
		if f, ok, bad := numField(body, "priority"); bad {
			return dnsValidation(CodeFieldType, "Invalid 'priority' value, must be a number")
		} else if ok {
			if f != math.Trunc(f) || f < 0 || f > 65535 {
				return dnsValidation(CodeContentInvalid, "priority must be a whole number from 0 to 65535.")
			}
			p := int(f)
			r.Priority = &p
		}
		if r.Priority == nil {
			return errf(http.StatusBadRequest, CodeDataFieldRequired, "priority is a required data field.")
		}
		t, err := hostContent(content, z.Name)
		if err != nil {
			return dnsValidation(CodeContentInvalid, "Content for MX record is invalid: %v", err)
		}
		r.Content = t
	case "TXT":
		c, e := normalizeTXT(content)
		if e != nil {
			return e
		}
		r.Content = c
	case "SRV":
		if e := applySRV(r, body, mode); e != nil {
			return e
		}
	case "CAA":
		if e := applyCAA(r, body, mode); e != nil {
			return e
		}
	}
	return nil
}

// numField reads an optional number; bad reports a value of the wrong type.
func numField(m map[string]json.RawMessage, key string) (f float64, ok, bad bool) {
	raw, present := m[key]
	if !present || string(raw) == "null" {
		return 0, false, false
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, false, true
	}
	return f, true, false
}

// dataFields decodes the body's "data" object; ok is false when absent.
func dataFields(body map[string]json.RawMessage) (map[string]json.RawMessage, bool, *apiError) {
	raw, ok := body["data"]
	if !ok || string(raw) == "null" {
		return nil, false, nil
	}
	var d map[string]json.RawMessage
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, false, dnsValidation(CodeFieldType, "Invalid 'data' value, must be an object")
	}
	return d, true, nil
}

// requiredInts reads whole-number data fields in [0, max], answering one 9101 error per
// missing field as Cloudflare does.
func requiredInts(d map[string]json.RawMessage, keys []string, max float64) (map[string]int, *apiError) {
	out := map[string]int{}
	var missing []apiMessage
	for _, k := range keys {
		f, ok, bad := numField(d, k)
		switch {
		case bad:
			return nil, dnsValidation(CodeFieldType, "Invalid '%s' value, must be a number", k)
		case !ok:
			missing = append(missing, apiMessage{Code: CodeDataFieldRequired, Message: k + " is a required data field."})
		case f != math.Trunc(f) || f < 0 || f > max:
			return nil, dnsValidation(CodeContentInvalid, "%s must be a whole number from 0 to %v.", k, max)
		default:
			out[k] = int(f)
		}
	}
	if len(missing) > 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Errors: missing}
	}
	return out, nil
}

func requiredString(d map[string]json.RawMessage, key string) (string, *apiError) {
	raw, ok := d[key]
	if !ok || string(raw) == "null" {
		return "", errf(http.StatusBadRequest, CodeDataFieldRequired, "%s is a required data field.", key)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", dnsValidation(CodeFieldType, "Invalid '%s' value, must be a string", key)
	}
	return s, nil
}

// applySRV sets an SRV record from data {priority, weight, port, target}. Content is
// derived the way Cloudflare returns it: "<weight> <port> <target>", with the priority
// in the top-level priority field (and in data).
func applySRV(r *record, body map[string]json.RawMessage, mode writeMode) *apiError {
	d, ok, e := dataFields(body)
	if e != nil {
		return e
	}
	if !ok {
		if mode == modePatch && r.SRV != nil {
			return nil // unchanged
		}
		return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{
			{Code: CodeDataFieldRequired, Message: "priority is a required data field."},
			{Code: CodeDataFieldRequired, Message: "weight is a required data field."},
			{Code: CodeDataFieldRequired, Message: "port is a required data field."},
			{Code: CodeDataFieldRequired, Message: "target is a required data field."},
		}}
	}
	n, e := requiredInts(d, []string{"priority", "weight", "port"}, 65535)
	if e != nil {
		return e
	}
	target, e := requiredString(d, "target")
	if e != nil {
		return e
	}
	t, err := srvTarget(target)
	if err != nil {
		return dnsValidation(CodeContentInvalid, "SRV target is invalid: %v", err)
	}
	r.SRV = &srvData{Priority: n["priority"], Weight: n["weight"], Port: n["port"], Target: t}
	p := n["priority"]
	r.Priority = &p
	r.Content = fmt.Sprintf("%d %d %s", r.SRV.Weight, r.SRV.Port, r.SRV.Target)
	return nil
}

func srvTarget(t string) (string, error) {
	t = strings.TrimSpace(t)
	if t == "." || t == "" {
		return ".", nil
	}
	return model.CanonicalZone(t)
}

// applyCAA sets a CAA record from data {flags, tag, value}; content is the
// presentation form `0 issue "letsencrypt.org"`.
func applyCAA(r *record, body map[string]json.RawMessage, mode writeMode) *apiError {
	d, ok, e := dataFields(body)
	if e != nil {
		return e
	}
	if !ok {
		if mode == modePatch && r.CAA != nil {
			return nil
		}
		return &apiError{Status: http.StatusBadRequest, Errors: []apiMessage{
			{Code: CodeDataFieldRequired, Message: "flags is a required data field."},
			{Code: CodeDataFieldRequired, Message: "tag is a required data field."},
			{Code: CodeDataFieldRequired, Message: "value is a required data field."},
		}}
	}
	n, e := requiredInts(d, []string{"flags"}, 255)
	if e != nil {
		return e
	}
	tag, e := requiredString(d, "tag")
	if e != nil {
		return e
	}
	value, e := requiredString(d, "value")
	if e != nil {
		return e
	}
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" || strings.IndexFunc(tag, func(c rune) bool { return !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') }) >= 0 {
		return dnsValidation(CodeContentInvalid, "CAA tag %q is invalid: letters and digits only (issue, issuewild, iodef).", tag)
	}
	if value == "" {
		return dnsValidation(CodeContentInvalid, "CAA value must not be empty.")
	}
	r.CAA = &caaData{Flags: n["flags"], Tag: tag, Value: value}
	r.Content = model.FormatCAA(r.CAA.Flags, r.CAA.Tag, r.CAA.Value)
	return nil
}

// resolveName turns a record name from a request into the full canonical name: "@"
// and "" are the apex, a trailing dot is dropped, IDN labels become Punycode, and a
// name not ending in the zone gets the zone appended (as Cloudflare does: "www" and
// "www.other.org" in example.com become "www.example.com", "www.other.org.example.com").
func resolveName(n, zoneName string) (string, error) {
	n = strings.TrimSpace(n)
	if n == "@" || n == "" {
		return zoneName, nil
	}
	n = strings.TrimSuffix(n, ".")
	c, err := model.CanonicalZone(n)
	if err != nil {
		return "", err
	}
	if c != zoneName && !strings.HasSuffix(c, "."+zoneName) {
		c = c + "." + zoneName
	}
	if len(c) > 255 {
		return "", fmt.Errorf("name %q is longer than 255 characters", c)
	}
	if _, err := model.CanonicalZone(c); err != nil {
		return "", err
	}
	return c, nil
}

// hostContent validates a host name used as content (CNAME, NS, PTR, MX). "@" is the
// apex; the result is lower case, Punycode, without a trailing dot. MX may be "." (null MX).
func hostContent(v, zoneName string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", fmt.Errorf("content is required")
	}
	if strings.ContainsAny(v, " \t") {
		return "", fmt.Errorf("%q must be a single host name", v)
	}
	if v == "." {
		return ".", nil
	}
	return model.CanonicalTarget(v, zoneName)
}

// normalizeTXT validates TXT content and splits quoted character-strings longer than
// 255 bytes into several, as Cloudflare does. Content that is not a sequence of quoted
// strings is stored as sent.
func normalizeTXT(c string) (string, *apiError) {
	if c == "" {
		return "", dnsValidation(CodeContentInvalid, "Content for TXT record is required.")
	}
	if n := utf8.RuneCountInString(c); n > maxTXTRecord {
		return "", dnsValidation(CodeTXTTooLong, "TXT content is %d characters long; the limit is %d.", n, maxTXTRecord)
	}
	chunks, ok := quotedChunks(c)
	if !ok {
		return c, nil
	}
	var parts []string
	for _, ch := range chunks {
		parts = append(parts, splitQuoted(ch)...)
	}
	return strings.Join(parts, " "), nil
}

// quotedChunks splits `"a" "b\"c"` into the escaped bodies of its strings (`a`,
// `b\"c`). ok is false when c is not entirely quoted strings separated by blanks.
func quotedChunks(c string) ([]string, bool) {
	s := strings.TrimSpace(c)
	if !strings.HasPrefix(s, `"`) {
		return nil, false
	}
	var out []string
	for len(s) > 0 {
		if s[0] != '"' {
			return nil, false
		}
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				break
			}
		}
		if i >= len(s) {
			return nil, false // unterminated
		}
		out = append(out, s[1:i])
		s = strings.TrimLeft(s[i+1:], " \t")
	}
	return out, true
}

// splitQuoted cuts one escaped string body into quoted strings of at most 255 bytes of
// text each, never inside an escape sequence or a UTF-8 character.
func splitQuoted(body string) []string {
	var out []string
	var cur strings.Builder
	size := 0
	flush := func() {
		out = append(out, `"`+cur.String()+`"`)
		cur.Reset()
		size = 0
	}
	for i := 0; i < len(body); {
		n := 1     // length of one unit of text in the escaped body
		bytes := 1 // bytes of text it stands for
		switch {
		case body[i] == '\\' && i+3 < len(body) && isDigit(body[i+1]) && isDigit(body[i+2]) && isDigit(body[i+3]):
			n = 4
		case body[i] == '\\' && i+1 < len(body):
			n = 2
		case body[i] >= 0x80:
			_, n = utf8.DecodeRuneInString(body[i:])
			bytes = n
		}
		unit := body[i : i+n]
		if size+bytes > maxTXTString {
			flush()
		}
		cur.WriteString(unit)
		size += bytes
		i += n
	}
	flush()
	return out
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// txtLength is the length Cloudflare counts for a TXT record's content.
func txtLength(content string) int { return utf8.RuneCountInString(content) }

// checkConflicts validates r against the other records of the zone (records may
// contain r itself, identified by ID): identical records, CNAME and NS exclusivity and
// the TXT total per name.
func checkConflicts(records []*record, r *record) *apiError {
	txtTotal := 0
	if r.Type == "TXT" {
		txtTotal = txtLength(r.Content)
	}
	for _, o := range records {
		if o.ID == r.ID || o.Name != r.Name {
			continue
		}
		if o.Type == r.Type && o.Content == r.Content && samePriority(o, r) {
			return errf(http.StatusBadRequest, CodeIdenticalRecord, "An identical record already exists.")
		}
		switch {
		case r.Type == "CNAME" && (o.Type == "A" || o.Type == "AAAA" || o.Type == "CNAME"):
			return errf(http.StatusBadRequest, CodeCNAMEConflict, "An A, AAAA, or CNAME record with that host already exists.")
		case (r.Type == "A" || r.Type == "AAAA") && o.Type == "CNAME":
			return errf(http.StatusBadRequest, CodeHostIsCNAME, "A CNAME record with that host already exists. For more details, refer to <https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/>.")
		case (r.Type == "NS") != (o.Type == "NS"):
			return errf(http.StatusBadRequest, CodeNSConflict, "NS records cannot share a name with records of other types (%s %s exists).", o.Name, o.Type)
		}
		if r.Type == "TXT" && o.Type == "TXT" {
			txtTotal += txtLength(o.Content)
		}
	}
	if txtTotal > maxTXTName {
		return dnsValidation(CodeTXTNameTooLong, "TXT records on %s would total %d characters; the limit per name is %d.", r.Name, txtTotal, maxTXTName)
	}
	return nil
}

func samePriority(a, b *record) bool {
	if a.Priority == nil || b.Priority == nil {
		return a.Priority == nil && b.Priority == nil
	}
	return *a.Priority == *b.Priority
}
