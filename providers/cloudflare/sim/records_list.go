package sim

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

const (
	defaultRecordsPerPage = 100
	maxRecordsPerPage     = 5000000
)

// recordFilter is one list filter: a predicate on a record. Tag filters are kept apart
// because tag_match combines them before match combines everything.
type recordFilter func(*record) bool

// parseRecordFilters reads the list filters the SDK sends (dotted keys such as
// name.exact, content.contains, comment.present, tag.exact) and the bare aliases.
// Unknown parameters are ignored, as the API does.
func parseRecordFilters(q url.Values) (filters, tagFilters []recordFilter, e *apiError) {
	lower := strings.ToLower
	textOps := func(field string, get func(*record) string) {
		ops := map[string]func(v, x string) bool{
			"":            func(v, x string) bool { return v == x },
			".exact":      func(v, x string) bool { return v == x },
			".contains":   strings.Contains,
			".startswith": strings.HasPrefix,
			".endswith":   strings.HasSuffix,
		}
		for suffix, op := range ops {
			for _, x := range q[field+suffix] {
				x, op := lower(x), op
				if field == "name" {
					x = strings.TrimSuffix(x, ".")
				}
				filters = append(filters, func(r *record) bool { return op(lower(get(r)), x) })
			}
		}
	}
	textOps("name", func(r *record) string { return r.Name })
	textOps("content", func(r *record) string { return r.Content })
	textOps("comment", func(r *record) string { return r.Comment })
	if q.Has("comment.present") {
		filters = append(filters, func(r *record) bool { return r.Comment != "" })
	}
	if q.Has("comment.absent") {
		filters = append(filters, func(r *record) bool { return r.Comment == "" })
	}
	for _, t := range q["type"] {
		t := strings.ToUpper(t)
		filters = append(filters, func(r *record) bool { return r.Type == t })
	}
	for _, p := range q["proxied"] {
		b, err := strconv.ParseBool(p)
		if err != nil {
			return nil, nil, errf(http.StatusBadRequest, CodeBadQuery, "proxied must be true or false")
		}
		filters = append(filters, func(r *record) bool { return r.Proxied == b })
	}
	for _, s := range q["search"] {
		s := lower(s)
		filters = append(filters, func(r *record) bool {
			return strings.Contains(r.Name, s) || strings.Contains(lower(r.Content), s) || strings.Contains(lower(r.Comment), s)
		})
	}

	// tags: "name" or "name:value", compared case-insensitively on the name
	tagOps := map[string]func(tagName, tagValue, wantName, wantValue string, hasValue bool) bool{
		"tag.present": func(n, _, wn, _ string, _ bool) bool { return n == wn },
		"tag.exact":   func(n, v, wn, wv string, _ bool) bool { return n == wn && v == wv },
		"tag.contains": func(n, v, wn, wv string, _ bool) bool {
			return n == wn && strings.Contains(v, wv)
		},
		"tag.startswith": func(n, v, wn, wv string, _ bool) bool { return n == wn && strings.HasPrefix(v, wv) },
		"tag.endswith":   func(n, v, wn, wv string, _ bool) bool { return n == wn && strings.HasSuffix(v, wv) },
		// bare tag=x means tag.present=x, tag=x:y means tag.exact=x:y
		"tag": func(n, v, wn, wv string, hasValue bool) bool { return n == wn && (!hasValue || v == wv) },
	}
	for key, op := range tagOps {
		for _, x := range q[key] {
			wn, wv, hasValue := strings.Cut(x, ":")
			wn, op := lower(wn), op
			tagFilters = append(tagFilters, func(r *record) bool {
				for _, t := range r.Tags {
					n, v, _ := strings.Cut(t, ":")
					if op(lower(n), v, wn, wv, hasValue) {
						return true
					}
				}
				return false
			})
		}
	}
	for _, x := range q["tag.absent"] {
		wn := lower(x)
		tagFilters = append(tagFilters, func(r *record) bool {
			for _, t := range r.Tags {
				if n, _, _ := strings.Cut(t, ":"); lower(n) == wn {
					return false
				}
			}
			return true
		})
	}
	return filters, tagFilters, nil
}

// combine folds predicates with AND (all) or OR (any); no predicates match everything.
func combine(ps []recordFilter, or bool) recordFilter {
	if len(ps) == 0 {
		return nil
	}
	return func(r *record) bool {
		for _, p := range ps {
			if p(r) == or {
				return or
			}
		}
		return !or
	}
}

// intParam reads a whole-number query parameter in [min, max], def when absent.
func intParam(q url.Values, key string, def, min, max int) (int, *apiError) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f != float64(int(f)) || int(f) < min || int(f) > max {
		return 0, errf(http.StatusBadRequest, CodeBadQuery, "%s must be a whole number from %d to %d", key, min, max)
	}
	return int(f), nil
}

func enumParam(q url.Values, key, def string, allowed ...string) (string, *apiError) {
	v := q.Get(key)
	if v == "" {
		return def, nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", errf(http.StatusBadRequest, CodeBadQuery, "%s must be one of %s", key, strings.Join(allowed, ", "))
}

// paginate returns the page of n items as [lo, hi) and result_info. A page past the
// end is empty: the SDK's auto-pager stops on an empty page.
func paginate(n, page, perPage int) (lo, hi int, info pageInfo) {
	lo = (page - 1) * perPage
	if lo > n || lo < 0 { // lo < 0: overflow on absurd page numbers
		lo = n
	}
	hi = lo + perPage
	if hi > n || hi < lo {
		hi = n
	}
	pages := (n + perPage - 1) / perPage
	return lo, hi, pageInfo{Page: page, PerPage: perPage, Count: hi - lo, TotalCount: n, TotalPages: pages}
}

func (s *Server) handleListRecords(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, e := intParam(q, "page", 1, 1, 1<<31-1)
	if e == nil {
		var perPage int
		perPage, e = intParam(q, "per_page", defaultRecordsPerPage, 1, maxRecordsPerPage)
		if e == nil {
			s.listRecords(w, r, q, page, perPage)
			return
		}
	}
	writeError(w, e)
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, q url.Values, page, perPage int) {
	match, e := enumParam(q, "match", "all", "all", "any")
	if e != nil {
		writeError(w, e)
		return
	}
	tagMatch, e := enumParam(q, "tag_match", "all", "all", "any")
	if e != nil {
		writeError(w, e)
		return
	}
	order, e := enumParam(q, "order", "type", "type", "name", "content", "ttl", "proxied")
	if e != nil {
		writeError(w, e)
		return
	}
	direction, e := enumParam(q, "direction", "asc", "asc", "desc")
	if e != nil {
		writeError(w, e)
		return
	}
	filters, tagFilters, e := parseRecordFilters(q)
	if e != nil {
		writeError(w, e)
		return
	}
	if tf := combine(tagFilters, tagMatch == "any"); tf != nil {
		filters = append(filters, tf)
	}
	keep := combine(filters, match == "any")

	// The page is taken under the lock and encoded after it, so that listings run
	// side by side as Cloudflare's do (a 1,000-record page takes milliseconds to
	// encode). The wire records share nothing a write changes in place: a write
	// replaces a record, its tags and data.
	s.mu.Lock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		s.mu.Unlock()
		writeError(w, e)
		return
	}
	var rs []*record
	for _, rec := range z.Records {
		if keep == nil || keep(rec) {
			rs = append(rs, rec)
		}
	}
	sortRecords(rs, order, direction == "desc")
	lo, hi, info := paginate(len(rs), page, perPage)
	result := z.wireAll(rs[lo:hi])
	s.mu.Unlock()
	writeResult(w, result, info)
}

// sortRecords orders by the requested key, then name, type, content and id so that
// pages are stable.
func sortRecords(rs []*record, order string, desc bool) {
	key := func(a, b *record) int {
		switch order {
		case "name":
			return strings.Compare(a.Name, b.Name)
		case "content":
			return strings.Compare(a.Content, b.Content)
		case "ttl":
			return a.TTL - b.TTL
		case "proxied":
			if a.Proxied == b.Proxied {
				return 0
			}
			if !a.Proxied {
				return -1
			}
			return 1
		default:
			return strings.Compare(a.Type, b.Type)
		}
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		c := key(a, b)
		if desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
		for _, p := range [][2]string{{a.Name, b.Name}, {a.Type, b.Type}, {a.Content, b.Content}, {a.ID, b.ID}} {
			if p[0] != p[1] {
				return p[0] < p[1]
			}
		}
		return false
	})
}
