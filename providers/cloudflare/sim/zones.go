package sim

import (
	"net/http"
	"regexp"
	"sort"
	"strings"
)

// zoneNameRE is the schema's pattern for zone names (zones_zone.name).
var zoneNameRE = regexp.MustCompile(`^([a-zA-Z0-9][\-a-zA-Z0-9]*\.)+[\-a-zA-Z0-9]{2,20}$`)

// The simulated account every zone belongs to, and the name servers it "assigns".
const (
	accountID   = "5ea3a1e5f1a7e0d5c0ffee0000000001"
	accountName = "launchready simulator"
)

var nameServers = []string{"ns1.cloudflare-sim.invalid", "ns2.cloudflare-sim.invalid"}

const (
	defaultZonesPerPage = 20
	minZonesPerPage     = 5
	maxZonesPerPage     = 50
)

// wireZone is a zone as the API returns it (schema zones_zone; SDK zones.Zone).
type wireZone struct {
	ID                  string         `json:"id"`
	Name                string         `json:"name"`
	Status              string         `json:"status"`
	Paused              bool           `json:"paused"`
	Type                string         `json:"type"`
	DevelopmentMode     int            `json:"development_mode"`
	NameServers         []string       `json:"name_servers"`
	OriginalNameServers []string       `json:"original_name_servers"`
	OriginalRegistrar   string         `json:"original_registrar"`
	OriginalDNSHost     string         `json:"original_dnshost"`
	CreatedOn           string         `json:"created_on"`
	ModifiedOn          string         `json:"modified_on"`
	ActivatedOn         string         `json:"activated_on"`
	Owner               map[string]any `json:"owner"`
	Account             map[string]any `json:"account"`
	Meta                map[string]any `json:"meta"`
	Plan                map[string]any `json:"plan"`
	Permissions         []string       `json:"permissions"`
}

func (z *zone) wireZone() wireZone {
	created := fmtTime(z.CreatedOn)
	return wireZone{
		ID: z.ID, Name: z.Name, Status: z.status(), Type: "full",
		NameServers: z.nameServers(), OriginalNameServers: z.originalNameServers(), OriginalRegistrar: "", OriginalDNSHost: "",
		CreatedOn: created, ModifiedOn: created, ActivatedOn: created,
		Owner:       map[string]any{"id": accountID, "name": accountName, "type": "organization"},
		Account:     map[string]any{"id": accountID, "name": accountName},
		Meta:        map[string]any{"cdn_only": false, "dns_only": false, "foundation_dns": false, "page_rule_quota": 3, "phishing_detected": false, "step": 2},
		Plan:        map[string]any{"id": "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee", "name": "Free Website", "price": 0, "currency": "USD", "frequency": "", "is_subscribed": false, "can_subscribe": false, "legacy_id": "free", "legacy_discount": false, "externally_managed": false},
		Permissions: []string{"#dns_records:edit", "#dns_records:read", "#zone:read", "#zone_settings:edit", "#zone_settings:read"},
	}
}

// nameMatcher parses the zones list's name filter, "[operator:]value" with the
// operators equal (default), not_equal, starts_with, ends_with, contains and their
// *_case_sensitive forms.
func nameMatcher(filter string) (func(string) bool, *apiError) {
	op, value := "equal", filter
	if i := strings.Index(filter, ":"); i >= 0 {
		op, value = filter[:i], filter[i+1:]
	}
	cs := strings.HasSuffix(op, "_case_sensitive")
	op = strings.TrimSuffix(op, "_case_sensitive")
	norm := func(s string) string {
		if cs {
			return s
		}
		return strings.ToLower(s)
	}
	v := norm(strings.TrimSuffix(value, "."))
	var f func(a, b string) bool
	switch op {
	case "equal":
		f = func(a, b string) bool { return a == b }
	case "not_equal":
		f = func(a, b string) bool { return a != b }
	case "starts_with":
		f = strings.HasPrefix
	case "ends_with":
		f = strings.HasSuffix
	case "contains":
		f = strings.Contains
	default:
		return nil, errf(http.StatusBadRequest, CodeBadQuery, "unknown name filter operator %q", op)
	}
	return func(name string) bool { return f(norm(name), v) }, nil
}

func (s *Server) handleListZones(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, e := intParam(q, "page", 1, 1, 1<<31-1)
	if e != nil {
		writeError(w, e)
		return
	}
	perPage, e := intParam(q, "per_page", defaultZonesPerPage, minZonesPerPage, maxZonesPerPage)
	if e != nil {
		writeError(w, e)
		return
	}
	match, e := enumParam(q, "match", "all", "all", "any")
	if e != nil {
		writeError(w, e)
		return
	}
	order, e := enumParam(q, "order", "name", "name", "status", "account.id", "account.name")
	if e != nil {
		writeError(w, e)
		return
	}
	direction, e := enumParam(q, "direction", "asc", "asc", "desc")
	if e != nil {
		writeError(w, e)
		return
	}
	var preds []func(*zone) bool
	if n := q.Get("name"); n != "" {
		m, e := nameMatcher(n)
		if e != nil {
			writeError(w, e)
			return
		}
		preds = append(preds, func(z *zone) bool { return m(z.Name) })
	}
	if st := q.Get("status"); st != "" {
		preds = append(preds, func(z *zone) bool { return z.status() == st })
	}
	if id := q.Get("account.id"); id != "" {
		preds = append(preds, func(*zone) bool { return id == accountID })
	}
	if an := q.Get("account.name"); an != "" {
		m, e := nameMatcher(an)
		if e != nil {
			writeError(w, e)
			return
		}
		preds = append(preds, func(*zone) bool { return m(accountName) })
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	var zs []*zone
	for _, z := range s.st.Zones {
		ok := match == "all"
		for _, p := range preds {
			if p(z) != ok {
				ok = !ok
				break
			}
		}
		if len(preds) == 0 || ok {
			zs = append(zs, z)
		}
	}
	if order == "name" {
		sort.SliceStable(zs, func(i, j int) bool { return zs[i].Name < zs[j].Name })
	}
	if direction == "desc" {
		for i, j := 0, len(zs)-1; i < j; i, j = i+1, j-1 {
			zs[i], zs[j] = zs[j], zs[i]
		}
	}
	lo, hi, info := paginate(len(zs), page, perPage)
	out := make([]wireZone, 0, hi-lo)
	for _, z := range zs[lo:hi] {
		out = append(out, s.zoneObject(z, r))
	}
	writeResult(w, out, info)
}

func (s *Server) handleGetZone(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, s.zoneObject(z, r), nil)
}

// zoneFromPath finds the zone named by the {zone_id} path value. The caller holds s.mu.
func (s *Server) zoneFromPath(r *http.Request) (*zone, *apiError) {
	id := r.PathValue("zone_id")
	if z := s.st.zoneByID(id); z != nil {
		return z, nil
	}
	status := http.StatusNotFound
	if !isID(id) {
		status = http.StatusBadRequest
	}
	return nil, &apiError{Status: status, Errors: []apiMessage{
		{Code: CodeBadObjectID, Message: "Could not route to " + strings.TrimPrefix(r.URL.Path, apiPrefix) + ", perhaps your object identifier is invalid?"},
		{Code: CodeNoRoute, Message: "No route for that URI"},
	}}
}
