package sim

import (
	"encoding/json"
	"net/http"
	"slices"
)

// ruleOp is one of the per-rule endpoints.
type ruleOp int

const (
	ruleCreate ruleOp = iota
	ruleEdit
	ruleDelete
)

// rulePosition is a per-rule request's "position": one of before, after, index.
type rulePosition struct {
	Before *string `json:"before"`
	After  *string `json:"after"`
	Index  *int    `json:"index"`
}

// handleRuleWrite serves the per-rule endpoints: it builds the ruleset's new rule
// list from the current one (every other rule as stored, by id) with one rule added,
// replaced or removed, validates it like a PUT, and stores a new version.
func (s *Server) handleRuleWrite(op ruleOp) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body map[string]json.RawMessage
		if op != ruleDelete {
			m, e := decodeObject(r)
			if e != nil {
				writeError(w, e)
				return
			}
			body = m
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		z, e := s.zoneFromPath(r)
		if e != nil {
			writeError(w, e)
			return
		}
		rs, e := z.rulesetFromPath(r)
		if e != nil {
			writeError(w, e)
			return
		}
		if rs.Kind == "managed" {
			writeError(w, errf(http.StatusBadRequest, CodeRulesetReadOnly, "managed ruleset %s cannot be updated at zone level", rs.ID))
			return
		}
		// The current rules as they would be sent back unchanged.
		list := make([]map[string]json.RawMessage, 0, len(rs.Rules)+1)
		for _, cur := range rs.Rules {
			b, _ := json.Marshal(wireRule(cur))
			var m map[string]json.RawMessage
			_ = json.Unmarshal(b, &m)
			list = append(list, m)
		}
		ruleID := r.PathValue("rule_id")
		at := -1
		if op != ruleCreate {
			at = slices.IndexFunc(rs.Rules, func(x *rule) bool { return x.ID == ruleID })
			if at < 0 {
				writeError(w, errf(http.StatusNotFound, CodeRuleNotFound, "could not find rule %s in ruleset %s", ruleID, rs.ID))
				return
			}
		}
		var pos rulePosition
		if raw, ok := body["position"]; ok {
			if err := json.Unmarshal(raw, &pos); err != nil {
				writeError(w, ruleErr("/position", "position must be an object with before, after or index"))
				return
			}
			delete(body, "position")
		}
		var moving map[string]json.RawMessage
		switch op {
		case ruleCreate:
			delete(body, "id")
			moving = body
		case ruleEdit:
			idJSON, _ := json.Marshal(ruleID)
			body["id"] = idJSON
			if _, ok := body["ref"]; !ok {
				body["ref"] = list[at]["ref"]
			}
			moving = body
			list = append(list[:at:at], list[at+1:]...)
		case ruleDelete:
			list = append(list[:at:at], list[at+1:]...)
		}
		if moving != nil {
			idx, e := positionIndex(list, pos, at, op == ruleCreate)
			if e != nil {
				writeError(w, e)
				return
			}
			list = slices.Insert(list, idx, moving)
		}
		now := s.now()
		rules, e := buildRules(rs, list, now)
		if e != nil {
			writeError(w, e)
			return
		}
		next := *rs
		next.Version++
		next.LastUpdated = now
		next.Rules = rules
		*rs = next
		if e := s.persistLocked(); e != nil {
			writeError(w, e)
			return
		}
		writeResult(w, wireRuleset(rs, true), nil)
	}
}

// positionIndex returns where a created or edited rule goes in list (which no longer
// holds it): the end for a create without position, its old place for an edit.
func positionIndex(list []map[string]json.RawMessage, pos rulePosition, old int, create bool) (int, *apiError) {
	find := func(id string) int {
		for i, m := range list {
			var got string
			if json.Unmarshal(m["id"], &got) == nil && got == id {
				return i
			}
		}
		return -1
	}
	n := 0
	if pos.Before != nil {
		n++
	}
	if pos.After != nil {
		n++
	}
	if pos.Index != nil {
		n++
	}
	switch {
	case n > 1:
		return 0, ruleErr("/position", "position takes only one of before, after and index")
	case pos.Before != nil:
		if *pos.Before == "" {
			return 0, nil
		}
		i := find(*pos.Before)
		if i < 0 {
			return 0, ruleErr("/position/before", "rule %s does not exist in this ruleset", *pos.Before)
		}
		return i, nil
	case pos.After != nil:
		if *pos.After == "" {
			return len(list), nil
		}
		i := find(*pos.After)
		if i < 0 {
			return 0, ruleErr("/position/after", "rule %s does not exist in this ruleset", *pos.After)
		}
		return i + 1, nil
	case pos.Index != nil:
		if *pos.Index < 1 {
			return 0, ruleErr("/position/index", "index must be 1 or more")
		}
		return min(*pos.Index-1, len(list)), nil
	case create:
		return len(list), nil
	}
	return old, nil
}
