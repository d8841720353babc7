package handover

import (
	"sort"
	"strconv"
	"strings"
)

// The traffic diagram: hostnames → (Cloudflare edge when proxied) → targets → origins,
// plus redirects as dotted arrows. Node ids derive from the labels, so adding a record
// changes only the lines about it.

type nodeShape int

const (
	shapeHost     nodeShape = iota // a name in the zone
	shapeExternal                  // a CNAME target outside the zone
	shapeOrigin                    // an IP address
	shapeEdge                      // Cloudflare's edge
)

const edgeLabel = "Cloudflare edge"

type diagramEdge struct {
	from, to string // node labels
	label    string
	dotted   bool
}

type diagram struct {
	nodes map[string]nodeShape
	edges map[diagramEdge]bool
}

func (g *diagram) node(label string, s nodeShape) {
	if old, ok := g.nodes[label]; ok && old <= s {
		return // a host in the zone stays a host even when also a CNAME target
	}
	g.nodes[label] = s
}

func buildDiagram(v *zoneView) *diagram {
	g := &diagram{nodes: map[string]nodeShape{}, edges: map[diagramEdge]bool{}}
	hosts := map[string]bool{}
	for _, s := range v.sets {
		if (s.typ == "A" || s.typ == "AAAA" || s.typ == "CNAME") && !serviceName(s.name) {
			hosts[s.name] = true
		}
	}
	for _, s := range v.sets {
		if !hosts[s.name] || s.typ != "A" && s.typ != "AAAA" && s.typ != "CNAME" {
			continue
		}
		g.node(s.name, shapeHost)
		for _, val := range s.values {
			shape := shapeOrigin
			if s.typ == "CNAME" {
				shape = shapeExternal
				if hosts[val] {
					shape = shapeHost
				}
			}
			g.node(val, shape)
			if s.proxied {
				g.node(edgeLabel, shapeEdge)
				g.edges[diagramEdge{from: s.name, to: edgeLabel, label: "proxied"}] = true
				g.edges[diagramEdge{from: edgeLabel, to: val, label: s.name}] = true
			} else {
				g.edges[diagramEdge{from: s.name, to: val}] = true
			}
		}
	}
	for _, r := range v.redirects {
		if len(r.hosts) != 2 || r.hosts[0] == "" || r.hosts[1] == "" {
			continue
		}
		for _, h := range r.hosts {
			if hosts[h] {
				g.node(h, shapeHost)
			} else {
				g.node(h, shapeExternal)
			}
		}
		g.edges[diagramEdge{from: r.hosts[0], to: r.hosts[1], label: "redirect " + r.status, dotted: true}] = true
	}
	return g
}

// renderDiagram writes the zone's Mermaid flowchart.
func renderDiagram(d *md, v *zoneView) {
	g := buildDiagram(v)
	if len(g.nodes) == 0 {
		d.para("No host names with A, AAAA or CNAME records or redirects to draw.")
		return
	}
	labels := make([]string, 0, len(g.nodes))
	for l := range g.nodes {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	ids := map[string]string{}
	used := map[string]bool{}
	for _, l := range labels {
		id := mermaidID("n_", l)
		if g.nodes[l] == shapeEdge {
			id = "cloudflare_edge"
		}
		base := id
		for i := 2; used[id]; i++ {
			id = base + "_" + strconv.Itoa(i)
		}
		used[id] = true
		ids[l] = id
	}
	d.line("```mermaid")
	d.line("flowchart LR")
	for _, l := range labels {
		q := `"` + mermaidLabel(l) + `"`
		switch g.nodes[l] {
		case shapeHost:
			d.line("  ", ids[l], "[", q, "]")
		case shapeExternal:
			d.line("  ", ids[l], "(", q, ")")
		case shapeOrigin:
			d.line("  ", ids[l], "[(", q, ")]")
		case shapeEdge:
			d.line("  ", ids[l], "{{", q, "}}")
		}
	}
	edges := make([]diagramEdge, 0, len(g.edges))
	for e := range g.edges {
		edges = append(edges, e)
	}
	sort.Slice(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		if a.from != b.from {
			return a.from < b.from
		}
		if a.to != b.to {
			return a.to < b.to
		}
		if a.label != b.label {
			return a.label < b.label
		}
		return !a.dotted && b.dotted
	})
	for _, e := range edges {
		arrow := "-->"
		if e.dotted {
			arrow = "-.->"
		}
		if e.label != "" {
			arrow += `|"` + mermaidLabel(e.label) + `"|`
		}
		d.line("  ", ids[e.from], " ", arrow, " ", ids[e.to])
	}
	d.line("```")
	d.blank()
	var legend []string
	legend = append(legend, "rectangles are names in the zone", "rounded boxes are names elsewhere", "cylinders are origin addresses")
	if _, ok := g.nodes[edgeLabel]; ok {
		legend = append(legend, "proxied names reach their targets through the Cloudflare edge")
	}
	for _, e := range edges {
		if e.dotted {
			legend = append(legend, "dotted arrows are redirects")
			break
		}
	}
	d.para(capitalize(strings.Join(legend, "; ")) + ".")
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// serviceName reports whether a name has a label starting with "_" (DKIM keys, ACME
// challenges, SRV): such names serve no web traffic and stay out of the diagram.
func serviceName(name string) bool {
	for _, l := range strings.Split(name, ".") {
		if strings.HasPrefix(l, "_") {
			return true
		}
	}
	return false
}
