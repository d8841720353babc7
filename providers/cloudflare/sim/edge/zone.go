package edge

import (
	"sort"
	"strings"

	"github.com/launchready/launchready/model"
)

// Source is where the edge reads zones: the Cloudflare API simulator
// (*sim.Server) or a fake in tests. It is read on every DNS query and HTTP request,
// so changes made through the API are visible at once.
type Source interface {
	// LiveZone returns a copy of the zone's state; ok is false for an unknown zone.
	LiveZone(name string) (*model.LiveZone, bool)
	// ZoneNames lists the zones' canonical names.
	ZoneNames() []string
}

// zoneView indexes one zone's records for lookups by owner name.
type zoneView struct {
	name  string
	live  *model.LiveZone
	nodes map[string]*rrNode // every existing name, including empty non-terminals
}

// rrNode is one owner name's records by type.
type rrNode struct {
	byType map[string][]model.Record
}

func (n *rrNode) empty() bool { return n == nil || len(n.byType) == 0 }

// proxied reports whether the name's traffic goes through the edge: any of its
// A, AAAA or CNAME records is proxied.
func (n *rrNode) proxied() bool {
	if n == nil {
		return false
	}
	for _, t := range []string{"A", "AAAA", "CNAME"} {
		for _, r := range n.byType[t] {
			if r.Proxied {
				return true
			}
		}
	}
	return false
}

func newZoneView(lz *model.LiveZone) *zoneView {
	zv := &zoneView{name: lz.Name, live: lz, nodes: map[string]*rrNode{lz.Name: {byType: map[string][]model.Record{}}}}
	for _, r := range lz.Records {
		name := strings.ToLower(r.Name)
		if name != zv.name && !strings.HasSuffix(name, "."+zv.name) {
			continue
		}
		n := zv.nodes[name]
		if n == nil {
			n = &rrNode{byType: map[string][]model.Record{}}
			zv.nodes[name] = n
		}
		n.byType[r.Type] = append(n.byType[r.Type], r)
		// ancestors exist too (empty non-terminals)
		for p := parent(name); p != "" && p != zv.name && strings.HasSuffix(p, "."+zv.name); p = parent(p) {
			if zv.nodes[p] == nil {
				zv.nodes[p] = &rrNode{byType: map[string][]model.Record{}}
			}
		}
	}
	for _, n := range zv.nodes {
		for _, rs := range n.byType {
			sort.SliceStable(rs, func(i, j int) bool { return rs[i].Value < rs[j].Value })
		}
	}
	return zv
}

// parent drops the first label ("" for a single label).
func parent(name string) string {
	_, rest, ok := strings.Cut(name, ".")
	if !ok {
		return ""
	}
	return rest
}

// inZone reports whether name is the zone's apex or below it.
func inZone(name, zone string) bool {
	return name == zone || strings.HasSuffix(name, "."+zone)
}

// lookupResult is where a name leads in the zone.
type lookupResult struct {
	node     *rrNode
	exists   bool   // the name exists (perhaps as an empty non-terminal)
	wildcard string // the wildcard owner that synthesised the answer, if any
}

// lookup finds a name's records the way an authoritative server does (RFC 4592): the
// name itself when it exists, else the wildcard at its closest encloser.
func (zv *zoneView) lookup(name string) lookupResult {
	name = strings.ToLower(name)
	if n, ok := zv.nodes[name]; ok {
		return lookupResult{node: n, exists: true}
	}
	for ce := parent(name); ce != "" && inZone(ce, zv.name); ce = parent(ce) {
		if _, ok := zv.nodes[ce]; !ok {
			continue
		}
		w := "*." + ce
		if n, ok := zv.nodes[w]; ok && !n.empty() {
			return lookupResult{node: n, exists: true, wildcard: w}
		}
		break
	}
	return lookupResult{}
}

// delegation returns the closest zone cut above or at name (below the apex), with its
// NS records, or "" when name is not delegated.
func (zv *zoneView) delegation(name string) (string, []model.Record) {
	name = strings.ToLower(name)
	var labels []string
	for p := name; p != zv.name && inZone(p, zv.name); p = parent(p) {
		labels = append(labels, p)
	}
	for i := len(labels) - 1; i >= 0; i-- { // from the top down
		if n := zv.nodes[labels[i]]; n != nil && len(n.byType["NS"]) > 0 {
			return labels[i], n.byType["NS"]
		}
	}
	return "", nil
}

// setting returns a zone setting's live value ("" when unknown).
func (zv *zoneView) setting(id string) string {
	if zv.live.Settings == nil {
		return ""
	}
	return zv.live.Settings.Values[id]
}

func (zv *zoneView) hsts() *model.HSTS {
	if zv.live.Settings == nil {
		return nil
	}
	return zv.live.Settings.HSTS
}

func (zv *zoneView) rules(phase string) []model.Rule {
	return zv.live.Rules[phase]
}

// zoneFor returns the zone of the source that holds name (the longest match).
func zoneFor(src Source, name string) string {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	best := ""
	for _, z := range src.ZoneNames() {
		if inZone(name, z) && len(z) > len(best) {
			best = z
		}
	}
	return best
}

// viewFor reads the zone holding name; nil when no zone does.
func viewFor(src Source, name string) *zoneView {
	z := zoneFor(src, name)
	if z == "" {
		return nil
	}
	lz, ok := src.LiveZone(z)
	if !ok {
		return nil
	}
	return newZoneView(lz)
}
