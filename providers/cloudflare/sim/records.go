package sim

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/launchready/launchready/model"
)

// timeFormat is how Cloudflare writes timestamps: RFC 3339, UTC, microseconds.
const timeFormat = "2006-01-02T15:04:05.000000Z"

func fmtTime(t time.Time) string { return t.UTC().Format(timeFormat) }

func fmtTimePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := fmtTime(*t)
	return &s
}

// wireRecord is a record as the API returns it (schema dns-records_dns-record; SDK
// dns.RecordResponse).
type wireRecord struct {
	ID        string         `json:"id"`
	ZoneID    string         `json:"zone_id"`
	ZoneName  string         `json:"zone_name"`
	Name      string         `json:"name"`
	Type      string         `json:"type"`
	Content   string         `json:"content"`
	Priority  *int           `json:"priority,omitempty"`
	Data      any            `json:"data,omitempty"`
	Proxiable bool           `json:"proxiable"`
	Proxied   bool           `json:"proxied"`
	TTL       int            `json:"ttl"`
	Comment   string         `json:"comment,omitempty"` // real Cloudflare sends null when empty; the 2024 schema types it string, so the simulator omits it
	Tags      []string       `json:"tags"`
	Settings  map[string]any `json:"settings"`
	Meta      map[string]any `json:"meta"`

	CreatedOn         string  `json:"created_on"`
	ModifiedOn        string  `json:"modified_on"`
	CommentModifiedOn *string `json:"comment_modified_on,omitempty"`
	TagsModifiedOn    *string `json:"tags_modified_on,omitempty"`
}

func (z *zone) wire(r *record) wireRecord {
	w := wireRecord{
		ID: r.ID, ZoneID: z.ID, ZoneName: z.Name, Name: r.Name, Type: r.Type, Content: r.Content,
		Priority: r.Priority, Proxiable: model.Proxiable(r.Type), Proxied: r.Proxied, TTL: r.TTL,
		Comment: r.Comment, Tags: r.Tags, Settings: map[string]any{}, Meta: map[string]any{},
		CreatedOn: fmtTime(r.CreatedOn), ModifiedOn: fmtTime(r.ModifiedOn),
		CommentModifiedOn: fmtTimePtr(r.CommentModifiedOn), TagsModifiedOn: fmtTimePtr(r.TagsModifiedOn),
	}
	if w.Tags == nil {
		w.Tags = []string{}
	}
	if r.ReadOnly != "" {
		w.Meta = readOnlyMeta(r)
	}
	switch {
	case r.SRV != nil:
		w.Data = map[string]any{"priority": r.SRV.Priority, "weight": r.SRV.Weight, "port": r.SRV.Port, "target": r.SRV.Target}
	case r.CAA != nil:
		w.Data = map[string]any{"flags": r.CAA.Flags, "tag": r.CAA.Tag, "value": r.CAA.Value}
	case r.Data != nil:
		w.Data = cloneData(r.Data)
	}
	return w
}

func (z *zone) wireAll(rs []*record) []wireRecord {
	out := make([]wireRecord, 0, len(rs))
	for _, r := range rs {
		out = append(out, z.wire(r))
	}
	return out
}

func recordNotFound() *apiError {
	return errf(http.StatusNotFound, CodeRecordNotFound, "Record does not exist.")
}

// decodeObject reads a JSON object body.
func decodeObject(r *http.Request) (map[string]json.RawMessage, *apiError) {
	var m map[string]json.RawMessage
	if e := decodeBody(r, &m); e != nil {
		return nil, e
	}
	if m == nil {
		return nil, errf(http.StatusBadRequest, CodeBadRequestBody, "Request body is invalid.")
	}
	return m, nil
}

func (s *Server) handleGetRecord(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	_, rec := findRecord(z.Records, r.PathValue("dns_record_id"))
	if rec == nil {
		writeError(w, recordNotFound())
		return
	}
	writeResult(w, z.wire(rec), nil)
}

func (s *Server) handleCreateRecord(w http.ResponseWriter, r *http.Request) {
	body, e := decodeObject(r)
	if e != nil {
		writeError(w, e)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	rec, e := buildRecord(z, nil, body, modeCreate, s.now())
	if e == nil {
		e = s.checkWrite(z.Records, rec, len(z.Records)+1)
	}
	if e != nil {
		writeError(w, e)
		return
	}
	z.Records = append(z.Records, rec)
	z.Serial++
	if e := s.persistLocked(); e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, z.wire(rec), nil)
}

// handleWriteRecord serves PUT (overwrite) and PATCH (partial update).
func (s *Server) handleWriteRecord(mode writeMode) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, e := decodeObject(r)
		if e != nil {
			writeError(w, e)
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		z, e := s.zoneFromPath(r)
		if e != nil {
			writeError(w, e)
			return
		}
		i, old := findRecord(z.Records, r.PathValue("dns_record_id"))
		if old == nil {
			writeError(w, recordNotFound())
			return
		}
		rec, e := buildRecord(z, old, body, mode, s.now())
		if e == nil {
			e = checkWritable(old)
		}
		if e == nil {
			e = s.checkWrite(z.Records, rec, len(z.Records))
		}
		if e != nil {
			writeError(w, e)
			return
		}
		z.Records[i] = rec
		z.Serial++
		if e := s.persistLocked(); e != nil {
			writeError(w, e)
			return
		}
		writeResult(w, z.wire(rec), nil)
	}
}

func (s *Server) handleDeleteRecord(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	z, e := s.zoneFromPath(r)
	if e != nil {
		writeError(w, e)
		return
	}
	i, old := findRecord(z.Records, r.PathValue("dns_record_id"))
	if old == nil {
		writeError(w, recordNotFound())
		return
	}
	if e := checkWritable(old); e != nil {
		writeError(w, e)
		return
	}
	z.Records = append(z.Records[:i:i], z.Records[i+1:]...)
	z.Serial++
	if e := s.persistLocked(); e != nil {
		writeError(w, e)
		return
	}
	writeResult(w, map[string]string{"id": old.ID}, nil)
}
