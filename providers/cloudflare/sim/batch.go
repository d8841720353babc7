package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// batchBody is POST /zones/{zone_id}/dns_records/batch's request.
type batchBody struct {
	Deletes []map[string]json.RawMessage `json:"deletes"`
	Patches []map[string]json.RawMessage `json:"patches"`
	Puts    []map[string]json.RawMessage `json:"puts"`
	Posts   []map[string]json.RawMessage `json:"posts"`
}

// batchResult is its result: the records each list touched (deleted records as they
// were before the delete).
type batchResult struct {
	Deletes []wireRecord `json:"deletes"`
	Patches []wireRecord `json:"patches"`
	Puts    []wireRecord `json:"puts"`
	Posts   []wireRecord `json:"posts"`
}

// batchID reads a sub-request's "id".
func batchID(m map[string]json.RawMessage) (string, *apiError) {
	var id string
	if raw, ok := m["id"]; ok {
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", dnsValidation(CodeFieldType, "Invalid 'id' value, must be a string")
		}
	}
	if id == "" {
		return "", errf(http.StatusBadRequest, CodeRecordNotFound, "Record does not exist: the id is required.")
	}
	return id, nil
}

// handleBatch runs deletes, then patches, then puts, then posts, each list in order,
// on a copy of the zone's records, and commits the copy only when every operation
// succeeded: a failing batch changes nothing. The error names the sub-request that
// failed, e.g. "posts[3]: An identical record already exists.".
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	var body batchBody
	if e := decodeBody(r, &body); e != nil {
		writeError(w, e)
		return
	}
	if n := len(body.Deletes) + len(body.Patches) + len(body.Puts) + len(body.Posts); n > s.opts.BatchLimit {
		writeError(w, errf(http.StatusBadRequest, CodeBatchTooLarge,
			"The batch has %d record operations; the limit is %d per request.", n, s.opts.BatchLimit))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	now := s.now()
	work := cloneRecords(z.Records)
	res := batchResult{Deletes: []wireRecord{}, Patches: []wireRecord{}, Puts: []wireRecord{}, Posts: []wireRecord{}}
	// A failed batch answers 400 with the first failure's code, whatever status the
	// operation alone would have had (FACTS.md §9 row 16).
	fail := func(list string, i int, e *apiError) {
		e = e.withPrefix(fmt.Sprintf("%s[%d]", list, i))
		e.Status = http.StatusBadRequest
		writeError(w, e)
	}

	for i, d := range body.Deletes {
		id, e := batchID(d)
		if e != nil {
			fail("deletes", i, e)
			return
		}
		j, old := findRecord(work, id)
		if old == nil {
			fail("deletes", i, recordNotFound())
			return
		}
		if e := checkWritable(old); e != nil {
			fail("deletes", i, e)
			return
		}
		work = append(work[:j:j], work[j+1:]...)
		res.Deletes = append(res.Deletes, z.wire(old))
	}
	update := func(list string, items []map[string]json.RawMessage, mode writeMode, out *[]wireRecord) bool {
		for i, m := range items {
			id, e := batchID(m)
			if e != nil {
				fail(list, i, e)
				return false
			}
			j, old := findRecord(work, id)
			if old == nil {
				fail(list, i, recordNotFound())
				return false
			}
			rec, e := buildRecord(z, old, m, mode, now)
			if e == nil {
				e = checkWritable(old)
			}
			if e == nil {
				e = s.checkWrite(work, rec, len(work))
			}
			if e != nil {
				fail(list, i, e)
				return false
			}
			work[j] = rec
			*out = append(*out, z.wire(rec))
		}
		return true
	}
	if !update("patches", body.Patches, modePatch, &res.Patches) || !update("puts", body.Puts, modePut, &res.Puts) {
		return
	}
	for i, m := range body.Posts {
		rec, e := buildRecord(z, nil, m, modeCreate, now)
		if e == nil {
			e = s.checkWrite(work, rec, len(work)+1)
		}
		if e != nil {
			fail("posts", i, e)
			return
		}
		work = append(work, rec)
		res.Posts = append(res.Posts, z.wire(rec))
	}

	z.Records = work
	z.Serial++
	if e := s.persistLocked(); e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, res, nil)
}
