package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"github.com/launchready/launchready/model"
)

// state is everything the simulator knows; it is what StatePath persists. All access
// goes through Server.mu.
type state struct {
	Version int     `json:"version"` // format version of the state file
	Zones   []*zone `json:"zones"`   // in creation order
}

// stateVersion is the current state file format.
const stateVersion = 1

// zone is one simulated zone with its records, settings and rulesets.
type zone struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"` // canonical (lower case, Punycode, no trailing dot)
	CreatedOn time.Time `json:"created_on"`
	// Serial counts record changes, like a SOA serial (LiveZone.Serial, export).
	Serial uint32 `json:"serial"`
	// Records in creation order.
	Records []*record `json:"records"`
	// Settings by setting id; a setting absent here has its default value.
	Settings map[string]*setting `json:"settings,omitempty"`
	// Rulesets in creation order: the seeded managed ruleset and the zone's
	// entrypoints (one per configured phase).
	Rulesets []*ruleset `json:"rulesets"`
	// Status, NameServers, OriginalNameServers and DNSSEC are the zone's delegation
	// (delegation.go); zero values mean active, the simulator's name servers, none,
	// DNSSEC disabled.
	Status              string       `json:"status,omitempty"`
	NameServers         []string     `json:"name_servers,omitempty"`
	OriginalNameServers []string     `json:"original_name_servers,omitempty"`
	DNSSEC              *dnssecState `json:"dnssec,omitempty"`
}

// record is one stored DNS record, in the form the API returns it.
type record struct {
	ID      string `json:"id"`
	Name    string `json:"name"` // full name, canonical
	Type    string `json:"type"`
	Content string `json:"content"` // for SRV and CAA derived from the data fields
	// Priority is MX's preference (top-level "priority"); for SRV it mirrors SRV.Priority.
	Priority *int     `json:"priority,omitempty"`
	SRV      *srvData `json:"srv,omitempty"`
	CAA      *caaData `json:"caa,omitempty"`
	// Data is the data object of the other data-typed records (HTTPS, TLSA, NAPTR…),
	// as normalised by applyPresentation.
	Data    map[string]any `json:"data,omitempty"`
	Proxied bool           `json:"proxied"`
	TTL     int            `json:"ttl"` // 1 = automatic
	Comment string         `json:"comment,omitempty"`
	Tags    []string       `json:"tags,omitempty"`
	// ReadOnly names the Cloudflare product that owns the record ("Email Routing"):
	// the API marks it meta.read_only and refuses to change or delete it.
	ReadOnly string `json:"read_only,omitempty"`

	CreatedOn         time.Time  `json:"created_on"`
	ModifiedOn        time.Time  `json:"modified_on"`
	CommentModifiedOn *time.Time `json:"comment_modified_on,omitempty"`
	TagsModifiedOn    *time.Time `json:"tags_modified_on,omitempty"`
}

type srvData struct {
	Priority int    `json:"priority"`
	Weight   int    `json:"weight"`
	Port     int    `json:"port"`
	Target   string `json:"target"`
}

type caaData struct {
	Flags int    `json:"flags"`
	Tag   string `json:"tag"`
	Value string `json:"value"`
}

// clone returns a deep copy (slices and pointers are not shared).
func (r *record) clone() *record {
	c := *r
	if r.Priority != nil {
		p := *r.Priority
		c.Priority = &p
	}
	if r.SRV != nil {
		s := *r.SRV
		c.SRV = &s
	}
	if r.CAA != nil {
		a := *r.CAA
		c.CAA = &a
	}
	c.Data = cloneData(r.Data)
	c.Tags = append([]string(nil), r.Tags...)
	return &c
}

// cloneRecords deep-copies a record list; batch writes work on such a copy and
// commit it only when every operation succeeded.
func cloneRecords(rs []*record) []*record {
	out := make([]*record, len(rs))
	for i, r := range rs {
		out[i] = r.clone()
	}
	return out
}

func findRecord(rs []*record, id string) (int, *record) {
	for i, r := range rs {
		if r.ID == id {
			return i, r
		}
	}
	return -1, nil
}

// newID returns a random 32-digit lower-case hex identifier, the form of every
// Cloudflare id (zones, records, rulesets, rules).
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("reading random bytes: %v", err)) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b[:])
}

// isID reports whether s has the form of a Cloudflare id.
func isID(s string) bool {
	if len(s) != 32 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (st *state) zoneByID(id string) *zone {
	for _, z := range st.Zones {
		if z.ID == id {
			return z
		}
	}
	return nil
}

func (st *state) zoneByName(name string) *zone {
	for _, z := range st.Zones {
		if z.Name == name {
			return z
		}
	}
	return nil
}

// addZone creates a zone with default settings and the managed ruleset every real
// zone lists.
func (st *state) addZone(name string, now time.Time) (*zone, error) {
	c, err := model.CanonicalZone(name)
	if err != nil {
		return nil, fmt.Errorf("zone name %q: %w", name, err)
	}
	if !zoneNameRE.MatchString(c) {
		return nil, fmt.Errorf("zone name %q: must be a registrable domain such as example.com", name)
	}
	if st.zoneByName(c) != nil {
		return nil, fmt.Errorf("zone %q already exists", c)
	}
	z := &zone{ID: newID(), Name: c, CreatedOn: now, Serial: 1, Records: []*record{}}
	z.Rulesets = []*ruleset{{
		ID:          newID(),
		Name:        "DDoS L7 ruleset",
		Description: "Managed DDoS protection (read-only in the simulator)",
		Kind:        "managed",
		Phase:       "ddos_l7",
		Version:     1,
		LastUpdated: now,
		Rules:       []*rule{},
	}}
	st.Zones = append(st.Zones, z)
	return z, nil
}

// zoneNames returns the zones' names, sorted.
func (st *state) zoneNames() []string {
	out := make([]string, 0, len(st.Zones))
	for _, z := range st.Zones {
		out = append(out, z.Name)
	}
	sort.Strings(out)
	return out
}
