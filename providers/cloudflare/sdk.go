package cloudflare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	cf "github.com/cloudflare/cloudflare-go/v7"
	"github.com/cloudflare/cloudflare-go/v7/dns"
	"github.com/cloudflare/cloudflare-go/v7/option"
	"github.com/cloudflare/cloudflare-go/v7/zones"

	"github.com/launchready/launchready/model"
)

// sdkAPI implements api with cloudflare-go v7. It is the only code that knows the
// SDK; it converts the SDK's errors into *apiError.
//
// DNS records, zones, settings writes and token verification use the SDK's typed
// methods. The bulk settings read and the rulesets entrypoint use the client's
// generic Get/Put: the SDK has no bulk settings method, and its typed rule unions
// would drop rule fields it does not know, where hand-made rules must round-trip
// verbatim.
type sdkAPI struct {
	c *cf.Client
	// ahead holds record listings made ahead (Prefetch): the next listRecords of a
	// zone takes its listing; any write drops them all.
	ahead recordsAhead
}

func newSDKAPI(opts Options, mw option.Middleware) (*sdkAPI, error) {
	var o []option.RequestOption
	if opts.BaseURL != "" {
		u, err := url.Parse(opts.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("Cloudflare base URL %q is not an http(s) URL", opts.BaseURL)
		}
		o = append(o, option.WithBaseURL(opts.BaseURL))
	}
	if opts.Token != "" {
		o = append(o, option.WithAPIToken(opts.Token))
	}
	if opts.HTTPClient != nil {
		o = append(o, option.WithHTTPClient(opts.HTTPClient))
	}
	retries := opts.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultMaxRetries
	case retries < 0:
		retries = 0
	}
	o = append(o, option.WithMaxRetries(retries), option.WithMiddleware(mw))
	return &sdkAPI{c: cf.NewClient(o...)}, nil
}

func (s *sdkAPI) zoneIDs(ctx context.Context, name string) ([]wireZone, error) {
	page, err := s.c.Zones.List(ctx, zones.ZoneListParams{Name: cf.F(name), PerPage: cf.F(50.0)})
	if err != nil {
		return nil, convertErr("GET zones?name="+name, err)
	}
	out := make([]wireZone, 0, len(page.Result))
	for _, z := range page.Result {
		out = append(out, wireZone{ID: z.ID, Name: z.Name, Status: string(z.Status), NameServers: z.NameServers, OriginalNameServers: z.OriginalNameServers,
			Plan: z.Plan.LegacyID, Permissions: z.Permissions})
	}
	return out, nil
}

// listRecords pages through the zone's records with the largest page size. It
// sends the SDK's own list parameters (dns.RecordListParams) through the client's
// generic Get and decodes the pages with encoding/json: the SDK's typed pager decodes
// each record through a reflective union decoder that costs about a millisecond per
// record (a second for a 1,000-record zone), and it always fetches one empty page
// after the last. Paging stops at an empty page, when result_info.total_count
// records have arrived, or (without total_count) at a page shorter than the per_page
// the API reports; so a server that caps per_page lower than asked is still read to
// the end.
func (s *sdkAPI) listRecords(ctx context.Context, zoneID, pin string) ([]wireRecord, error) {
	if ws, err, ok := s.ahead.take(ctx, zoneID); ok {
		return ws, err
	}
	return s.fetchRecords(ctx, zoneID, pin)
}

// listRecordsAhead starts listing the zone's records for the next listRecords.
func (s *sdkAPI) listRecordsAhead(ctx context.Context, zoneID, pin string) {
	s.ahead.start(ctx, zoneID, func() ([]wireRecord, error) { return s.fetchRecords(ctx, zoneID, pin) })
}

// listRecordsNamed returns the zone's records called name: one request filtered to
// that name.
func (s *sdkAPI) listRecordsNamed(ctx context.Context, zoneID, name string) ([]wireRecord, error) {
	ws, _, err := s.readPages(ctx, zoneID, name, false)
	return ws, err
}

// fetchRecords is listRecords' requests. A listing of one page (up to MaxPageSize
// records) is one request, read by the API at one moment. A listing of several pages
// is several requests, read at several moments; the records called pin are then read
// first, alone, and the listing after them from its first page again, so that pin's
// records are as old as the oldest page (see api.listRecords).
func (s *sdkAPI) fetchRecords(ctx context.Context, zoneID, pin string) ([]wireRecord, error) {
	ws, complete, err := s.readPages(ctx, zoneID, "", pin != "")
	if err != nil || complete {
		return ws, err
	}
	pinned, _, err := s.readPages(ctx, zoneID, pin, false)
	if err != nil {
		return nil, err
	}
	ws, _, err = s.readPages(ctx, zoneID, "", false)
	if err != nil {
		return nil, err
	}
	out := ws[:0]
	for _, w := range ws {
		if model.CanonicalLiveName(w.Name) != pin {
			out = append(out, w)
		}
	}
	for _, w := range pinned {
		if model.CanonicalLiveName(w.Name) == pin { // the filter is the API's: check it
			out = append(out, w)
		}
	}
	return out, nil
}

// readPages lists the zone's records (only those called name, when name is set),
// page by page. With firstOnly it stops as soon as it knows that records follow the
// first page, and complete says whether what it read is the whole listing.
func (s *sdkAPI) readPages(ctx context.Context, zoneID, name string, firstOnly bool) (out []wireRecord, complete bool, err error) {
	path := "zones/" + zoneID + "/dns_records"
	for page := 1; ; page++ {
		params := dns.RecordListParams{ZoneID: cf.F(zoneID), PerPage: cf.F(float64(MaxPageSize))}
		if name != "" {
			// name.exact: "Exact value of the DNS record name. Name filters are
			// case-insensitive." (cloudflare-go v7 dns.RecordListParamsName; the API's
			// "List DNS Records" reference, developers.cloudflare.com/api/resources/dns/subresources/records/methods/list/).
			params.Name = cf.F(dns.RecordListParamsName{Exact: cf.F(name)})
		}
		if page > 1 {
			params.Page = cf.F(float64(page))
		}
		var env recordsPage
		// The page is read and decoded by decodeBody (recordsPage's one-pass decoder,
		// decode.go), not by the SDK: handed a struct, the SDK reads the body with
		// io.ReadAll and then decodes it through a json.Decoder, which copies it all
		// into a buffer of its own: for 1,000 records (~0.5 MB), megabytes of fresh,
		// zeroed memory per page, more than the decoding costs.
		var res *http.Response
		if err := s.c.Get(ctx, path, params, &res); err != nil {
			return nil, false, convertErr(fmt.Sprintf("GET %s (page %d)", path, page), err)
		}
		err := decodeBody(res, &env)
		if err != nil {
			return nil, false, fmt.Errorf("GET %s (page %d): %w", path, page, err)
		}
		if out == nil {
			out = env.Result
		} else {
			out = append(out, env.Result...)
		}
		info := env.ResultInfo
		switch {
		case len(env.Result) == 0:
			return out, true, nil
		case info != nil && info.TotalCount != nil:
			// total_count is authoritative when present (Cloudflare sends it).
			if len(out) >= *info.TotalCount {
				return out, true, nil
			}
		case info != nil && info.PerPage > 0 && len(env.Result) < info.PerPage:
			return out, true, nil
		}
		if firstOnly && (page > 1 || info != nil && info.TotalCount != nil) {
			// Records follow the first page: total_count says so, or else the
			// second page is not empty.
			return out, false, nil
		}
		if page > 100000 {
			return nil, false, fmt.Errorf("GET %s: the API kept returning pages", path)
		}
	}
}

func (s *sdkAPI) batch(ctx context.Context, zoneID string, b wireBatch) (wireBatchResult, error) {
	s.ahead.drop()
	params := dns.RecordBatchParams{ZoneID: cf.F(zoneID)}
	if len(b.Deletes) > 0 {
		ds := make([]dns.RecordBatchParamsDelete, 0, len(b.Deletes))
		for _, id := range b.Deletes {
			ds = append(ds, dns.RecordBatchParamsDelete{ID: cf.F(id)})
		}
		params.Deletes = cf.F(ds)
	}
	if len(b.Patches) > 0 {
		ps := make([]dns.BatchPatchUnionParam, 0, len(b.Patches))
		for _, w := range b.Patches {
			_, patch, err := typedRecord(w)
			if err != nil {
				return wireBatchResult{}, err
			}
			ps = append(ps, patch)
		}
		params.Patches = cf.F(ps)
	}
	if len(b.Posts) > 0 {
		ps := make([]dns.RecordBatchParamsPostUnion, 0, len(b.Posts))
		for _, w := range b.Posts {
			post, _, err := typedRecord(w)
			if err != nil {
				return wireBatchResult{}, err
			}
			ps = append(ps, post)
		}
		params.Posts = cf.F(ps)
	}
	// The answer (every record touched, as stored) is decoded from the raw body with
	// encoding/json: the SDK's typed decoding of it is slow (see listRecords).
	//
	// A batch is not idempotent: when an attempt gets no answer or a 5xx, it may have
	// been applied, and the SDK's retry may then be refused (e.g. 81058, the records
	// exist). Such an error is marked so the caller does not claim nothing changed.
	var raw []byte
	unknown := false
	watch := option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		resp, err := next(req)
		if err != nil || resp.StatusCode >= 500 {
			unknown = true
		}
		return resp, err
	})
	if _, err := s.c.DNS.Records.Batch(ctx, params, option.WithResponseBodyInto(&raw), watch); err != nil {
		err = convertErr("POST zones/"+zoneID+"/dns_records/batch", err)
		var ae *apiError
		if unknown && errors.As(err, &ae) {
			ae.Unknown = true
		}
		return wireBatchResult{}, err
	}
	var env struct {
		Result wireBatchResult `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		// Applied (the API said so): only the answer is unreadable, and the caller
		// reads the zone instead of trusting an answer it does not have.
		return wireBatchResult{Unread: true}, nil
	}
	return env.Result, nil
}

// typedRecord builds the SDK's typed record for a post and, with its ID, for a patch.
// Every field is set, so a patch rewrites the whole record.
func typedRecord(w wireRecord) (dns.RecordBatchParamsPostUnion, dns.BatchPatchUnionParam, error) {
	name, ttl, comment, proxied := cf.F(w.Name), cf.F(dns.TTL(w.TTL)), cf.F(w.Comment), cf.F(w.Proxied)
	id := cf.F(w.ID)
	switch w.Type {
	case "A":
		r := dns.ARecordParam{Name: name, TTL: ttl, Type: cf.F(dns.ARecordTypeA), Comment: comment, Content: cf.F(w.Content), Proxied: proxied}
		return r, dns.BatchPatchARecordParam{ID: id, ARecordParam: r}, nil
	case "AAAA":
		r := dns.AAAARecordParam{Name: name, TTL: ttl, Type: cf.F(dns.AAAARecordTypeAAAA), Comment: comment, Content: cf.F(w.Content), Proxied: proxied}
		return r, dns.BatchPatchAAAARecordParam{ID: id, AAAARecordParam: r}, nil
	case "CNAME":
		r := dns.CNAMERecordParam{Name: name, TTL: ttl, Type: cf.F(dns.CNAMERecordTypeCNAME), Comment: comment, Content: cf.F(w.Content), Proxied: proxied}
		return r, dns.BatchPatchCNAMERecordParam{ID: id, CNAMERecordParam: r}, nil
	case "NS":
		r := dns.NSRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.NSRecordTypeNS), Comment: comment, Content: cf.F(w.Content), Proxied: proxied}
		return r, dns.BatchPatchNSRecordParam{ID: id, NSRecordParam: r}, nil
	case "PTR":
		r := dns.PTRRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.PTRRecordTypePTR), Comment: comment, Content: cf.F(w.Content), Proxied: proxied}
		return r, dns.BatchPatchPTRRecordParam{ID: id, PTRRecordParam: r}, nil
	case "TXT":
		r := dns.TXTRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.TXTRecordTypeTXT), Comment: comment, Content: cf.F(w.Content), Proxied: proxied}
		return r, dns.BatchPatchTXTRecordParam{ID: id, TXTRecordParam: r}, nil
	case "MX":
		if w.Priority == nil {
			return nil, nil, fmt.Errorf("MX record %s has no priority", w.Name)
		}
		r := dns.MXRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.MXRecordTypeMX), Comment: comment, Content: cf.F(w.Content), Priority: cf.F(float64(*w.Priority)), Proxied: proxied}
		return r, dns.BatchPatchMXRecordParam{ID: id, MXRecordParam: r}, nil
	case "SRV":
		d := w.Data
		if d == nil || d.Priority == nil || d.Weight == nil || d.Port == nil {
			return nil, nil, fmt.Errorf("SRV record %s has incomplete data", w.Name)
		}
		r := dns.SRVRecordParam{Name: name, TTL: ttl, Type: cf.F(dns.SRVRecordTypeSRV), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.SRVRecordDataParam{
				Priority: cf.F(float64(*d.Priority)), Weight: cf.F(float64(*d.Weight)),
				Port: cf.F(float64(*d.Port)), Target: cf.F(d.Target),
			})}
		return r, dns.BatchPatchSRVRecordParam{ID: id, SRVRecordParam: r}, nil
	case "CAA":
		d := w.Data
		if d == nil || d.Flags == nil {
			return nil, nil, fmt.Errorf("CAA record %s has incomplete data", w.Name)
		}
		r := dns.CAARecordParam{Name: name, TTL: ttl, Type: cf.F(dns.CAARecordTypeCAA), Comment: comment, Proxied: proxied,
			Data: cf.F(dns.CAARecordDataParam{Flags: cf.F(float64(*d.Flags)), Tag: cf.F(d.Tag), Value: cf.F(d.Value)})}
		return r, dns.BatchPatchCAARecordParam{ID: id, CAARecordParam: r}, nil
	}
	return typedDataRecord(w)
}

type envelope[T any] struct {
	Success bool `json:"success"`
	Result  T    `json:"result"`
}

func (s *sdkAPI) settings(ctx context.Context, zoneID string) ([]wireSetting, error) {
	var env envelope[[]wireSetting]
	path := "zones/" + zoneID + "/settings"
	if err := s.c.Get(ctx, path, nil, &env); err != nil {
		return nil, convertErr("GET "+path, err)
	}
	return env.Result, nil
}

func (s *sdkAPI) setting(ctx context.Context, zoneID, id string) (wireSetting, error) {
	var env envelope[wireSetting]
	path := "zones/" + zoneID + "/settings/" + url.PathEscape(id)
	if err := s.c.Get(ctx, path, nil, &env); err != nil {
		return wireSetting{}, convertErr("GET "+path, err)
	}
	return env.Result, nil
}

func (s *sdkAPI) editSetting(ctx context.Context, zoneID, id string, value any) error {
	s.ahead.drop()
	_, err := s.c.Zones.Settings.Edit(ctx, id, zones.SettingEditParams{
		ZoneID: cf.F(zoneID),
		Body:   zones.SettingEditParamsBody{Value: cf.F(value)},
	})
	if err != nil {
		return convertErr("PATCH zones/"+zoneID+"/settings/"+id, err)
	}
	return nil
}

func entrypointPath(zoneID, phase string) string {
	return "zones/" + zoneID + "/rulesets/phases/" + url.PathEscape(phase) + "/entrypoint"
}

// codeNoEntrypoint is the API's error code for a phase with no entrypoint ruleset.
const codeNoEntrypoint = 10003

func (s *sdkAPI) entrypoint(ctx context.Context, zoneID, phase string) (*wireRuleset, error) {
	var env envelope[wireRuleset]
	path := entrypointPath(zoneID, phase)
	if err := s.c.Get(ctx, path, nil, &env); err != nil {
		ae := convertErr("GET "+path, err)
		var e *apiError
		if errors.As(ae, &e) && e.Status == http.StatusNotFound && e.has(codeNoEntrypoint) {
			return nil, nil
		}
		return nil, ae
	}
	return &env.Result, nil
}

func (s *sdkAPI) putEntrypoint(ctx context.Context, zoneID, phase string, rules []wireRule) error {
	s.ahead.drop()
	body := struct {
		Rules []wireRule `json:"rules"`
	}{Rules: rules}
	if body.Rules == nil {
		body.Rules = []wireRule{}
	}
	path := entrypointPath(zoneID, phase)
	if err := s.c.Put(ctx, path, body, nil); err != nil {
		return convertErr("PUT "+path, err)
	}
	return nil
}

func rulesPath(zoneID, rulesetID string) string {
	return "zones/" + zoneID + "/rulesets/" + url.PathEscape(rulesetID) + "/rules"
}

// ruleBody is a per-rule request: the rule's fields and, optionally, its position.
func ruleBody(r wireRule, pos *rulePosition) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	delete(m, "id")
	if pos != nil {
		p, err := json.Marshal(pos)
		if err != nil {
			return nil, err
		}
		m["position"] = p
	}
	return m, nil
}

func (s *sdkAPI) createRule(ctx context.Context, zoneID, rulesetID string, r wireRule, pos *rulePosition) (*wireRuleset, error) {
	s.ahead.drop()
	body, err := ruleBody(r, pos)
	if err != nil {
		return nil, err
	}
	path := rulesPath(zoneID, rulesetID)
	// Like a batch, a create is not idempotent: an attempt that got no answer or a
	// 5xx may have been applied, and the retry refused (the ref is already used).
	// The error is then marked, so WriteRules looks for the rule it may have made.
	unknown := false
	watch := option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		resp, err := next(req)
		if err != nil || resp.StatusCode >= 500 {
			unknown = true
		}
		return resp, err
	})
	var env envelope[wireRuleset]
	if err := s.c.Post(ctx, path, body, &env, watch); err != nil {
		err = convertErr("POST "+path, err)
		var ae *apiError
		if unknown && errors.As(err, &ae) {
			ae.Unknown = true
		}
		return nil, err
	}
	return &env.Result, nil
}

func (s *sdkAPI) editRule(ctx context.Context, zoneID, rulesetID, ruleID string, r wireRule, pos *rulePosition) error {
	s.ahead.drop()
	body, err := ruleBody(r, pos)
	if err != nil {
		return err
	}
	path := rulesPath(zoneID, rulesetID) + "/" + url.PathEscape(ruleID)
	if err := s.c.Patch(ctx, path, body, nil); err != nil {
		return convertErr("PATCH "+path, err)
	}
	return nil
}

func (s *sdkAPI) deleteRule(ctx context.Context, zoneID, rulesetID, ruleID string) error {
	s.ahead.drop()
	path := rulesPath(zoneID, rulesetID) + "/" + url.PathEscape(ruleID)
	if err := s.c.Delete(ctx, path, nil, nil); err != nil {
		return convertErr("DELETE "+path, err)
	}
	return nil
}

func (s *sdkAPI) verifyToken(ctx context.Context) (string, error) {
	res, err := s.c.User.Tokens.Verify(ctx)
	if err != nil {
		return "", convertErr("GET user/tokens/verify", err)
	}
	return string(res.Status), nil
}

// wireMessage is an error envelope item, with the parts the SDK drops.
type wireMessage struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Source  struct {
		Pointer string `json:"pointer"`
	} `json:"source"`
	ErrorChain []wireMessage `json:"error_chain"`
}

func (m wireMessage) toAPI() apiMessage {
	out := apiMessage{Code: m.Code, Message: m.Message, Pointer: m.Source.Pointer}
	for _, c := range m.ErrorChain {
		out.Chain = append(out.Chain, c.toAPI())
	}
	return out
}

// convertErr turns the SDK's *cloudflare.Error into *apiError (keeping it as the
// cause); other errors (transport, context) are only given the operation as context.
func convertErr(op string, err error) error {
	var ce *cf.Error
	if !errors.As(err, &ce) {
		return fmt.Errorf("%s: %w", op, err)
	}
	ae := &apiError{Op: op, Status: ce.StatusCode, Err: err}
	var body struct {
		Errors []wireMessage `json:"errors"`
	}
	if json.Unmarshal([]byte(ce.JSON.RawJSON()), &body) == nil && len(body.Errors) > 0 {
		for _, m := range body.Errors {
			ae.Errors = append(ae.Errors, m.toAPI())
		}
	} else {
		for _, m := range ce.Errors {
			ae.Errors = append(ae.Errors, apiMessage{Code: int(m.Code), Message: m.Message, Pointer: m.Source.Pointer})
		}
	}
	if ce.Response != nil && (ce.StatusCode == http.StatusTooManyRequests || retryableStatus(ce.StatusCode)) {
		ae.RetryAfter = ce.Response.Header.Get("Retry-After")
		ae.RetryCap = ce.Response.Header.Get(cappedHeader)
		if wait, ok := retryAfter(ce.Response.Header); ok {
			ae.RetryAt = time.Now().Add(wait).UTC()
		}
	}
	return ae
}

// bodyChunkSize is the size of the pieces decodeBody reads an answer in.
const bodyChunkSize = 64 << 10

// bodyChunks are decodeBody's pieces, reused across answers.
var bodyChunks = sync.Pool{New: func() any { return new([bodyChunkSize]byte) }}

// decodeBody reads res's body (an answer the SDK left unread) and decodes its JSON
// into dst (by dst's own decodeJSON if it has one), closing the body.
//
// The body is read in pooled pieces and then copied once into a string of its exact
// size, which a decodeJSON keeps (the strings it decodes are slices of it): reading
// into one growing buffer allocated twice the body and copied it as often, then once
// more into the string, for 1,000 records ~1.4 MB where 0.4 MB is needed.
func decodeBody(res *http.Response, dst any) error {
	defer res.Body.Close()
	var chunks []*[bodyChunkSize]byte
	defer func() {
		for _, c := range chunks {
			bodyChunks.Put(c)
		}
	}()
	n, last := 0, 0 // bytes read in all, and in the last piece
	for {
		if len(chunks) == 0 || last == bodyChunkSize {
			chunks = append(chunks, bodyChunks.Get().(*[bodyChunkSize]byte))
			last = 0
		}
		m, err := res.Body.Read(chunks[len(chunks)-1][last:])
		n, last = n+m, last+m
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("error reading response body: %w", err)
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i, c := range chunks {
		if i == len(chunks)-1 {
			b.Write(c[:last])
		} else {
			b.Write(c[:])
		}
	}
	var err error
	if d, ok := dst.(jsonDecoder); ok {
		err = d.decodeJSON(b.String())
	} else {
		err = json.Unmarshal([]byte(b.String()), dst)
	}
	if err != nil {
		return fmt.Errorf("error parsing response json: %w", err)
	}
	return nil
}

// jsonDecoder is a destination of decodeBody that decodes its JSON itself (a page of
// records: recordsPage).
type jsonDecoder interface {
	decodeJSON(body string) error
}
