package cloudflare

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Decoding a page of records.
//
// A plan of a large zone spends most of its client time decoding the listing of its
// records with encoding/json (reflection, a validating scan, then a second scan that
// stores; ~6 µs a record). recordsPage decodes the page in one pass over the known
// shape instead (~1 µs a record), and hands the body to encoding/json whenever it
// meets anything that shape does not cover, so the result is always exactly
// json.Unmarshal's: same records, same fields, same error.
//
// The fast pass takes only what it can decode exactly as encoding/json would:
//   - the top level an object; the envelope's and records' keys plain ASCII with no
//     escapes, each known key at most once, and an unknown key that is no
//     case-insensitive spelling of a known one (encoding/json matches keys
//     case-insensitively);
//   - strings: plain ASCII is taken as it is; anything with an escape or a byte
//     beyond ASCII is unquoted by encoding/json itself (invalid UTF-8 becomes U+FFFD
//     there);
//   - integers written as integers (no fraction, exponent or leading zero) of up to 18
//     digits, strings and booleans where the field has that type, null anywhere
//     encoding/json accepts it;
//   - a record's data object handed to recordData.UnmarshalJSON, as encoding/json does;
//   - everything else (other fields, whatever their value) skipped with a validating
//     scan, so input encoding/json refuses is never accepted.
//
// Anything else — a record that is not an object, a number where a string is
// expected, a float TTL, nesting deeper than 512, trailing data — ends the fast pass
// and the whole body is decoded by encoding/json. FuzzRecordsPageMatchesJSON holds
// the two to the same result.

// recordsPage is a page of GET zones/{id}/dns_records: the envelope's parts the
// listing reads.
type recordsPage struct {
	Result     []wireRecord `json:"result"`
	ResultInfo *pageInfo    `json:"result_info"`
}

// pageInfo is a listing's result_info.
type pageInfo struct {
	Page       int  `json:"page"`
	PerPage    int  `json:"per_page"`
	TotalCount *int `json:"total_count"`
}

// decodeJSON decodes a page from body, by the fast pass when it can (see above), else
// by encoding/json (whose error it returns). decodeBody calls it. The page's strings
// may be slices of body.
func (p *recordsPage) decodeJSON(body string) error {
	if decodeRecordsPageFast(body, p) {
		return nil
	}
	*p = recordsPage{}
	return json.Unmarshal([]byte(body), p)
}

// decodeRecordsPageFast decodes body into p by the fast pass; false (p unspecified)
// when it met something it does not take.
func decodeRecordsPageFast(body string, p *recordsPage) bool {
	*p = recordsPage{}
	d := fastDecoder{s: body}
	if !d.page(p) {
		return false
	}
	d.ws()
	return d.i == len(d.s)
}

// maxFastDepth bounds the nesting the fast pass skips through (encoding/json's own
// limit is 10,000; deeper input goes to it).
const maxFastDepth = 512

// fastDecoder is the fast pass's position in the body. The decoded strings are
// slices of the body: a page costs no allocation per string.
type fastDecoder struct {
	s string
	i int
}

var (
	pageKeys   = []string{"result", "result_info"}
	infoKeys   = []string{"page", "per_page", "total_count"}
	recordKeys = []string{"id", "name", "type", "content", "data", "priority", "ttl", "proxied", "comment", "meta"}
	metaKeys   = []string{"read_only", "email_routing"}
)

func (d *fastDecoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after white space (0 at the end).
func (d *fastDecoder) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

// null consumes a null literal if one is next.
func (d *fastDecoder) null() bool {
	if d.peek() == 'n' && strings.HasPrefix(d.s[d.i:], "null") {
		d.i += 4
		return true
	}
	return false
}

// object decodes an object, calling field with each key (the value next); keys
// lists the names the caller decodes (each taken at most once; a case-insensitive
// spelling of one ends the fast pass); field returns false to end it.
func (d *fastDecoder) object(keys []string, field func(key string) bool) bool {
	if d.peek() != '{' {
		return false
	}
	d.i++
	if d.peek() == '}' {
		d.i++
		return true
	}
	var seen uint32
	for {
		if d.peek() != '"' {
			return false
		}
		k, upper, ok := d.key()
		if !ok || d.peek() != ':' {
			return false
		}
		d.i++
		known := -1
		for j, name := range keys {
			if k == name {
				known = j
				break
			}
			// The names are lower case: an ASCII key without capitals that is not
			// one of them is no spelling of one either.
			if upper && strings.EqualFold(k, name) {
				return false
			}
		}
		if known < 0 {
			if !d.skip(0) {
				return false
			}
		} else {
			if seen&(1<<known) != 0 {
				return false
			}
			seen |= 1 << known
			if !field(k) {
				return false
			}
		}
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return true
		default:
			return false
		}
	}
}

// key reads an object key: plain ASCII without escapes only; upper tells whether it
// has a capital letter.
func (d *fastDecoder) key() (k string, upper, ok bool) {
	start := d.i + 1
	for j := start; j < len(d.s); j++ {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return d.s[start:j], upper, true
		case 'A' <= c && c <= 'Z':
			upper = true
		case c == '\\' || c < 0x20 || c >= utf8.RuneSelf:
			return "", false, false
		}
	}
	return "", false, false
}

// stringTok scans a string token at d.i (validating escapes and control characters)
// and returns its extent; plain is true when it holds only ASCII without escapes.
func (d *fastDecoder) stringTok() (start, end int, plain, ok bool) {
	if d.i >= len(d.s) || d.s[d.i] != '"' {
		return 0, 0, false, false
	}
	start, plain = d.i, true
	for j := d.i + 1; j < len(d.s); j++ {
		c := d.s[j]
		switch {
		case c == '"':
			d.i = j + 1
			return start, j + 1, plain, true
		case c < 0x20:
			return 0, 0, false, false
		case c >= utf8.RuneSelf:
			plain = false
		case c == '\\':
			plain = false
			j++
			if j >= len(d.s) {
				return 0, 0, false, false
			}
			switch d.s[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(d.s) {
					return 0, 0, false, false
				}
				for _, h := range []byte(d.s[j+1 : j+5]) {
					if !isHex(h) {
						return 0, 0, false, false
					}
				}
				j += 4
			default:
				return 0, 0, false, false
			}
		}
	}
	return 0, 0, false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// str decodes a string into *dst; null leaves *dst as it is (as encoding/json does).
func (d *fastDecoder) str(dst *string) bool {
	if d.null() {
		return true
	}
	start, end, plain, ok := d.stringTok()
	if !ok {
		return false
	}
	if plain {
		*dst = d.s[start+1 : end-1]
		return true
	}
	return json.Unmarshal([]byte(d.s[start:end]), dst) == nil
}

// integer reads an integer written as one (-?(0|[1-9][0-9]*), at most 18 digits, no
// fraction or exponent).
func (d *fastDecoder) integer() (int, bool) {
	j := d.i
	neg := j < len(d.s) && d.s[j] == '-'
	if neg {
		j++
	}
	start, n := j, 0
	for j < len(d.s) && '0' <= d.s[j] && d.s[j] <= '9' {
		n = n*10 + int(d.s[j]-'0')
		j++
	}
	digits := j - start
	if digits == 0 || digits > 18 || (digits > 1 && d.s[start] == '0') {
		return 0, false
	}
	if j < len(d.s) {
		switch d.s[j] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	d.i = j
	if neg {
		n = -n
	}
	return n, true
}

// intField decodes an integer into *dst; null leaves it.
func (d *fastDecoder) intField(dst *int) bool {
	if d.null() {
		return true
	}
	n, ok := d.integer()
	if ok {
		*dst = n
	}
	return ok
}

// intPtr decodes an integer into a new *dst; null sets it nil.
func (d *fastDecoder) intPtr(dst **int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	n, ok := d.integer()
	if ok {
		*dst = &n
	}
	return ok
}

// boolean decodes true or false into *dst; null leaves it.
func (d *fastDecoder) boolean(dst *bool) bool {
	switch d.peek() {
	case 't':
		if strings.HasPrefix(d.s[d.i:], "true") {
			d.i += 4
			*dst = true
			return true
		}
	case 'f':
		if strings.HasPrefix(d.s[d.i:], "false") {
			d.i += 5
			*dst = false
			return true
		}
	case 'n':
		return d.null()
	}
	return false
}

// skip scans over one value of any kind, validating it as encoding/json would.
func (d *fastDecoder) skip(depth int) bool {
	if depth > maxFastDepth {
		return false
	}
	switch c := d.peek(); c {
	case '"':
		_, _, _, ok := d.stringTok()
		return ok
	case '{':
		d.i++
		if d.peek() == '}' {
			d.i++
			return true
		}
		for {
			if d.peek() != '"' {
				return false
			}
			if _, _, _, ok := d.stringTok(); !ok || d.peek() != ':' {
				return false
			}
			d.i++
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.i++
			case '}':
				d.i++
				return true
			default:
				return false
			}
		}
	case '[':
		d.i++
		if d.peek() == ']' {
			d.i++
			return true
		}
		for {
			if !d.skip(depth + 1) {
				return false
			}
			switch d.peek() {
			case ',':
				d.i++
			case ']':
				d.i++
				return true
			default:
				return false
			}
		}
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		if c == '-' || '0' <= c && c <= '9' {
			return d.number()
		}
		return false
	}
}

func (d *fastDecoder) literal(lit string) bool {
	if strings.HasPrefix(d.s[d.i:], lit) {
		d.i += len(lit)
		return true
	}
	return false
}

// number scans a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *fastDecoder) number() bool {
	s, j := d.s, d.i
	digits := func() int {
		k := j
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		return j - k
	}
	if j < len(s) && s[j] == '-' {
		j++
	}
	if j < len(s) && s[j] == '0' {
		j++
	} else if digits() == 0 {
		return false
	}
	if j < len(s) && s[j] == '.' {
		j++
		if digits() == 0 {
			return false
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if digits() == 0 {
			return false
		}
	}
	d.i = j
	return true
}

// page decodes the envelope.
func (d *fastDecoder) page(p *recordsPage) bool {
	return d.object(pageKeys, func(k string) bool {
		if k == "result_info" {
			if d.null() {
				p.ResultInfo = nil
				return true
			}
			info := &pageInfo{}
			p.ResultInfo = info
			return d.object(infoKeys, func(k string) bool {
				switch k {
				case "page":
					return d.intField(&info.Page)
				case "per_page":
					return d.intField(&info.PerPage)
				}
				return d.intPtr(&info.TotalCount)
			})
		}
		return d.records(&p.Result)
	})
}

// records decodes the result array.
func (d *fastDecoder) records(dst *[]wireRecord) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if d.peek() != '[' {
		return false
	}
	d.i++
	out := make([]wireRecord, 0, d.guessRecords())
	if d.peek() == ']' {
		d.i++
		*dst = out
		return true
	}
	for {
		out = append(out, wireRecord{})
		if !d.record(&out[len(out)-1]) {
			return false
		}
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			*dst = out
			return true
		default:
			return false
		}
	}
}

// guessRecords guesses how many records the rest of the body holds, so that the
// slice is allocated once: a record as Cloudflare writes it takes 300 bytes or more.
func (d *fastDecoder) guessRecords() int {
	return min((len(d.s)-d.i)/256, MaxPageSize+1)
}

// record decodes one record object.
func (d *fastDecoder) record(w *wireRecord) bool {
	return d.object(recordKeys, func(k string) bool {
		switch k {
		case "id":
			return d.str(&w.ID)
		case "name":
			return d.str(&w.Name)
		case "type":
			return d.str(&w.Type)
		case "content":
			return d.str(&w.Content)
		case "comment":
			return d.str(&w.Comment)
		case "ttl":
			return d.intField(&w.TTL)
		case "priority":
			return d.intPtr(&w.Priority)
		case "proxied":
			return d.boolean(&w.Proxied)
		case "data":
			if d.null() {
				w.Data = nil
				return true
			}
			start := d.i
			if !d.skip(0) {
				return false
			}
			data := &recordData{}
			if data.UnmarshalJSON([]byte(d.s[start:d.i])) != nil {
				return false
			}
			w.Data = data
			return true
		}
		// meta
		if d.null() {
			w.Meta = nil
			return true
		}
		m := &recordMeta{}
		w.Meta = m
		return d.object(metaKeys, func(k string) bool {
			if k == "read_only" {
				return d.boolean(&m.ReadOnly)
			}
			return d.boolean(&m.EmailRouting)
		})
	})
}
