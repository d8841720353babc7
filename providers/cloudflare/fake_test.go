package cloudflare

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/launchready/launchready/model"
)

// fakeAPI is an in-memory api: zones, records with batch semantics (atomic, deletes →
// patches → posts), settings and entrypoint rulesets. It stores what the provider
// sends as it is, so a read after a write shows exactly what was written.
type fakeAPI struct {
	mu      sync.Mutex
	zones   map[string]string // name → id
	records map[string][]wireRecord
	sets    map[string]map[string]json.RawMessage
	rules   map[string][]wireRule // zoneID/phase → rules (absent = never configured)
	nextID  int
	calls   map[string]int
	batches []wireBatch
	limit   int // batch limit the fake enforces (0 = none)
	// failBatch, when set, is asked before a batch is applied; an error fails it.
	failBatch func(n int, b wireBatch) error
	// noBulkSettings makes GET /zones/{id}/settings answer as after its end of life.
	noBulkSettings bool
}

func newFake(zones ...string) *fakeAPI {
	f := &fakeAPI{
		zones:   map[string]string{},
		records: map[string][]wireRecord{},
		sets:    map[string]map[string]json.RawMessage{},
		rules:   map[string][]wireRule{},
		calls:   map[string]int{},
	}
	for i, z := range zones {
		id := fmt.Sprintf("zone%02d", i+1)
		f.zones[z] = id
		f.sets[id] = map[string]json.RawMessage{
			"ssl":                      json.RawMessage(`"off"`),
			"always_use_https":         json.RawMessage(`"off"`),
			"min_tls_version":          json.RawMessage(`"1.0"`),
			"tls_1_3":                  json.RawMessage(`"off"`),
			"automatic_https_rewrites": json.RawMessage(`"on"`),
			"security_level":           json.RawMessage(`"medium"`),
			"security_header":          json.RawMessage(`{"strict_transport_security":{"enabled":false,"max_age":0,"include_subdomains":false,"preload":false,"nosniff":false}}`),
		}
	}
	return f
}

func (f *fakeAPI) call(name string) {
	f.mu.Lock()
	f.calls[name]++
	f.mu.Unlock()
}

func (f *fakeAPI) zoneIDs(_ context.Context, name string) ([]wireZone, error) {
	f.call("zones")
	f.mu.Lock()
	defer f.mu.Unlock()
	if id, ok := f.zones[name]; ok {
		return []wireZone{{ID: id, Name: name, Status: "active", NameServers: []string{"Ada.NS.Cloudflare.com.", "bob.ns.cloudflare.com"}}}, nil
	}
	return nil, nil
}

func (f *fakeAPI) listRecords(_ context.Context, zoneID, _ string) ([]wireRecord, error) {
	f.call("list")
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wireRecord(nil), f.records[zoneID]...), nil
}

func (f *fakeAPI) listRecordsNamed(_ context.Context, zoneID, name string) ([]wireRecord, error) {
	f.call("named")
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []wireRecord
	for _, w := range f.records[zoneID] {
		if model.CanonicalLiveName(w.Name) == name {
			out = append(out, w)
		}
	}
	return out, nil
}

func (f *fakeAPI) batch(_ context.Context, zoneID string, b wireBatch) (wireBatchResult, error) {
	f.call("batch")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, b)
	if f.limit > 0 && b.size() > f.limit {
		return wireBatchResult{}, &apiError{Op: "POST batch", Status: http.StatusBadRequest, Errors: []apiMessage{{Code: 81000, Message: "batch too large"}}}
	}
	if f.failBatch != nil {
		if err := f.failBatch(len(f.batches), b); err != nil {
			return wireBatchResult{}, err
		}
	}
	var res wireBatchResult
	work := append([]wireRecord(nil), f.records[zoneID]...)
	find := func(id string) int {
		for i, r := range work {
			if r.ID == id {
				return i
			}
		}
		return -1
	}
	for i, id := range b.Deletes {
		j := find(id)
		if j < 0 {
			return wireBatchResult{}, &apiError{Op: "POST batch", Status: 404, Errors: []apiMessage{{Code: 81044, Message: "Record does not exist.", Pointer: fmt.Sprintf("/deletes/%d", i)}}}
		}
		work = append(work[:j:j], work[j+1:]...)
	}
	for i, p := range b.Patches {
		j := find(p.ID)
		if j < 0 {
			return wireBatchResult{}, &apiError{Op: "POST batch", Status: 404, Errors: []apiMessage{{Code: 81044, Message: "Record does not exist.", Pointer: fmt.Sprintf("/patches/%d", i)}}}
		}
		work[j] = p
		res.Patches = append(res.Patches, p)
	}
	for _, p := range b.Posts {
		f.nextID++
		p.ID = fmt.Sprintf("rec%05d", f.nextID)
		work = append(work, p)
		res.Posts = append(res.Posts, p)
	}
	f.records[zoneID] = work
	return res, nil
}

func (f *fakeAPI) zoneSettings(zoneID string) map[string]json.RawMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sets[zoneID]
}

func (f *fakeAPI) settings(_ context.Context, zoneID string) ([]wireSetting, error) {
	f.call("settings")
	if f.noBulkSettings {
		return nil, &apiError{Op: "GET settings", Status: 404, Errors: []apiMessage{{Code: 7000, Message: "No route for that URI"}}}
	}
	var out []wireSetting
	for id, v := range f.zoneSettings(zoneID) {
		out = append(out, wireSetting{ID: id, Value: v})
	}
	return out, nil
}

func (f *fakeAPI) setting(_ context.Context, zoneID, id string) (wireSetting, error) {
	f.call("setting")
	v, ok := f.zoneSettings(zoneID)[id]
	if !ok {
		return wireSetting{}, &apiError{Op: "GET setting", Status: 404, Errors: []apiMessage{{Code: 1003, Message: "Invalid or missing zone setting"}}}
	}
	return wireSetting{ID: id, Value: v}, nil
}

func (f *fakeAPI) editSetting(_ context.Context, zoneID, id string, value any) error {
	f.call("editSetting")
	b, err := json.Marshal(value)
	if err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sets[zoneID][id] = b
	return nil
}

func (f *fakeAPI) entrypoint(_ context.Context, zoneID, phase string) (*wireRuleset, error) {
	f.call("entrypoint")
	f.mu.Lock()
	defer f.mu.Unlock()
	rules, ok := f.rules[zoneID+"/"+phase]
	if !ok {
		return nil, nil
	}
	return &wireRuleset{ID: "rs-" + phase, Phase: phase, Rules: append([]wireRule(nil), rules...)}, nil
}

func (f *fakeAPI) putEntrypoint(_ context.Context, zoneID, phase string, rules []wireRule) error {
	f.call("putEntrypoint")
	// Round-trip through JSON, as the wire would.
	b, err := json.Marshal(rules)
	if err != nil {
		return err
	}
	var stored []wireRule
	if err := json.Unmarshal(b, &stored); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range stored {
		if stored[i].ID == "" {
			f.nextID++
			stored[i].ID = fmt.Sprintf("rule%05d", f.nextID)
		}
	}
	f.rules[zoneID+"/"+phase] = stored
	return nil
}

func (f *fakeAPI) phaseOf(rulesetID string) string { return strings.TrimPrefix(rulesetID, "rs-") }

func (f *fakeAPI) createRule(_ context.Context, zoneID, rulesetID string, r wireRule, pos *rulePosition) (*wireRuleset, error) {
	f.call("createRule")
	f.mu.Lock()
	defer f.mu.Unlock()
	key := zoneID + "/" + f.phaseOf(rulesetID)
	f.nextID++
	r.ID = fmt.Sprintf("rule%05d", f.nextID)
	f.rules[key] = fakeInsert(f.rules[key], r, pos)
	return &wireRuleset{ID: rulesetID, Rules: append([]wireRule(nil), f.rules[key]...)}, nil
}

func (f *fakeAPI) editRule(_ context.Context, zoneID, rulesetID, ruleID string, r wireRule, pos *rulePosition) error {
	f.call("editRule")
	f.mu.Lock()
	defer f.mu.Unlock()
	key := zoneID + "/" + f.phaseOf(rulesetID)
	rules := f.rules[key]
	for i := range rules {
		if rules[i].ID == ruleID {
			r.ID = ruleID
			if pos == nil {
				rules[i] = r
				return nil
			}
			f.rules[key] = fakeInsert(append(rules[:i:i], rules[i+1:]...), r, pos)
			return nil
		}
	}
	return &apiError{Op: "PATCH rule", Status: 404, Errors: []apiMessage{{Code: 10006, Message: "no such rule"}}}
}

func (f *fakeAPI) deleteRule(_ context.Context, zoneID, rulesetID, ruleID string) error {
	f.call("deleteRule")
	f.mu.Lock()
	defer f.mu.Unlock()
	key := zoneID + "/" + f.phaseOf(rulesetID)
	rules := f.rules[key]
	for i := range rules {
		if rules[i].ID == ruleID {
			f.rules[key] = append(rules[:i:i], rules[i+1:]...)
			return nil
		}
	}
	return &apiError{Op: "DELETE rule", Status: 404, Errors: []apiMessage{{Code: 10006, Message: "no such rule"}}}
}

func fakeInsert(rules []wireRule, r wireRule, pos *rulePosition) []wireRule {
	at := len(rules)
	if pos != nil {
		switch {
		case pos.Index > 0:
			at = min(pos.Index-1, len(rules))
		case pos.After != "":
			for i := range rules {
				if rules[i].ID == pos.After {
					at = i + 1
				}
			}
		}
	}
	return slices.Insert(rules, at, r)
}

func (f *fakeAPI) verifyToken(context.Context) (string, error) {
	f.call("verify")
	return "active", nil
}

// newFakeProvider returns a provider over a fake with the given zones.
func newFakeProvider(t *testing.T, opts Options, zones ...string) (*Provider, *fakeAPI) {
	t.Helper()
	f := newFake(zones...)
	return newProvider(f, opts), f
}

// ops builds create ops for records.
func creates(rs ...model.Record) []model.RecordOp {
	var out []model.RecordOp
	for i := range rs {
		r := rs[i]
		out = append(out, model.RecordOp{Op: model.OpCreate, After: &r})
	}
	return out
}
