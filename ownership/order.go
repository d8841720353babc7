package ownership

import (
	"sort"

	"github.com/launchready/launchready/model"
)

// Group is the writes at one name (with the registry mark describing it): they must
// be applied together for the name to go from one valid state to another.
type Group struct {
	Name string
	Ops  []model.RecordOp // deletes, then updates, then creates
}

// groupName is the name an op's group is keyed by: a registry mark belongs with the
// name it describes.
func groupName(op model.RecordOp) string {
	r := op.After
	if r == nil {
		r = op.Before
	}
	if r == nil {
		return ""
	}
	n := model.CanonicalLiveName(r.Name)
	if d, ok := RegistryOwner(n); ok {
		return d
	}
	return n
}

// Order returns ops grouped by name, groups in the order their first op appears, each
// group ordered deletes → updates → creates (the order a Cloudflare batch and a DNS
// UPDATE run them, so that a name changing type never holds a CNAME beside other
// data).
func Order(ops []model.RecordOp) []Group {
	idx := map[string]int{}
	var out []Group
	for _, op := range ops {
		n := groupName(op)
		i, ok := idx[n]
		if !ok {
			i = len(out)
			idx[n] = i
			out = append(out, Group{Name: n})
		}
		out[i].Ops = append(out[i].Ops, op)
	}
	rank := map[model.OpKind]int{model.OpDelete: 0, model.OpUpdate: 1, model.OpCreate: 2}
	for i := range out {
		sort.SliceStable(out[i].Ops, func(a, b int) bool { return rank[out[i].Ops[a].Op] < rank[out[i].Ops[b].Op] })
	}
	return out
}

// Flatten returns the ops of groups in order.
func Flatten(groups []Group) []model.RecordOp {
	var out []model.RecordOp
	for _, g := range groups {
		out = append(out, g.Ops...)
	}
	return out
}

// Batches cuts ops into atomic requests of at most limit cost each (cost(op) is what
// one op weighs: 1 on Cloudflare, its wire size for DNS UPDATE; nil means 1). Whole
// name groups are packed in order, so between two requests every name is untouched
// or finished: its delete and its replacement, its records and their marks, a CNAME
// and the records it replaces always travel together. Only a group heavier than
// limit by itself is split (deletes first), the one case where a name is briefly
// incomplete; Batches reports it in split.
func Batches(ops []model.RecordOp, limit int, cost func(model.RecordOp) int) (batches [][]model.RecordOp, split []string) {
	return BatchesAfter(ops, limit, 0, cost)
}

// BatchesAfter is Batches with reserved of the first request's limit already taken
// (by writes of the caller's own, such as an apply lock's). When no name group fits
// beside them, the first batch is empty: the reserved writes go alone.
func BatchesAfter(ops []model.RecordOp, limit, reserved int, cost func(model.RecordOp) int) (batches [][]model.RecordOp, split []string) {
	if cost == nil {
		cost = func(model.RecordOp) int { return 1 }
	}
	var cur []model.RecordOp
	used := reserved
	flush := func() {
		if len(cur) > 0 || used > 0 {
			batches = append(batches, cur)
			cur, used = nil, 0
		}
	}
	for _, g := range Order(ops) {
		w := 0
		for _, op := range g.Ops {
			w += cost(op)
		}
		if w > limit {
			split = append(split, g.Name)
			flush()
			for _, op := range g.Ops {
				if c := cost(op); used+c > limit {
					flush()
				}
				cur = append(cur, op)
				used += cost(op)
			}
			flush()
			continue
		}
		if used+w > limit {
			flush()
		}
		cur = append(cur, g.Ops...)
		used += w
	}
	flush()
	return batches, split
}

// Names returns the distinct names ops touch (registry marks by the name they
// describe), in order.
func Names(ops []model.RecordOp) []string {
	var out []string
	for _, g := range Order(ops) {
		out = append(out, g.Name)
	}
	return out
}
