package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/providers"
	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// ttlAuto is Cloudflare's "automatic" TTL.
const ttlAuto = 1

// toRecord converts a record as the API returned it into launchready's canonical
// form. Types launchready does not model (HTTPS, TLSA, …) keep their content as
// returned, so they show as unmanaged records and are never rewritten.
func toRecord(w wireRecord, zone string) model.Record {
	r := model.Record{
		ID:      w.ID,
		Name:    model.CanonicalLiveName(w.Name),
		Type:    strings.ToUpper(w.Type),
		Value:   w.Content,
		Proxied: w.Proxied,
		Comment: w.Comment,
		// meta.read_only: a record Cloudflare manages (Email Routing) is shown, never written.
		ReadOnly: w.Meta.readOnlyBy(),
	}
	if w.TTL != ttlAuto {
		r.TTL = w.TTL
	}
	if v, ok := liveValue(w, zone); ok {
		r.Value = v
	}
	return r
}

// liveValue returns the canonical value of a modelled record type, or false when the
// type is not modelled or the API's value cannot be canonicalised (then the raw
// content stands, and the record can only ever be unmanaged or deleted).
func liveValue(w wireRecord, zone string) (string, bool) {
	typ := strings.ToUpper(w.Type)
	var v string
	switch typ {
	case "A", "AAAA", "CNAME", "NS", "PTR":
		v = w.Content
	case "TXT":
		return model.UnquoteTXT(w.Content), true
	case "MX":
		prio := 0
		switch {
		case w.Priority != nil:
			prio = *w.Priority
		case w.Data != nil && w.Data.Priority != nil: // the SDK's announced successor
			prio = *w.Data.Priority
		}
		v = fmt.Sprintf("%d %s", prio, w.Content)
	case "SRV":
		if d := w.Data; d != nil && d.Priority != nil && d.Weight != nil && d.Port != nil && d.Target != "" {
			v = fmt.Sprintf("%d %d %d %s", *d.Priority, *d.Weight, *d.Port, d.Target)
		} else {
			// content is "weight port target" with the priority apart (older shape),
			// or all four fields.
			f := strings.Fields(w.Content)
			switch {
			case len(f) == 4:
				v = w.Content
			case len(f) == 3 && w.Priority != nil:
				v = fmt.Sprintf("%d %s", *w.Priority, w.Content)
			default:
				return "", false
			}
		}
	case "CAA":
		if d := w.Data; d != nil && d.Tag != "" {
			flags := 0
			if d.Flags != nil {
				flags = *d.Flags
			}
			v = model.FormatCAA(flags, d.Tag, d.Value)
		} else {
			v = w.Content
		}
	default:
		return presentationLiveValue(w, typ, zone)
	}
	c, err := model.CanonicalValue(typ, v, zone)
	if err != nil {
		return "", false
	}
	return c, true
}

// presentationLiveValue reads a type written as Cloudflare data (HTTPS, TLSA, NAPTR,
// …; model.RRType.Presentation) from its data object, or else from its content, in
// canonical presentation form. A type launchready does not model, or data it cannot
// read, answers false: the record keeps its content as the API wrote it.
func presentationLiveValue(w wireRecord, typ, zone string) (string, bool) {
	t, ok := model.TypeInfo(typ)
	if !ok || !t.Presentation {
		return "", false
	}
	var data map[string]any
	if w.Data != nil {
		data = w.Data.Fields
	}
	if v, err := model.FromCloudflareData(typ, data, w.Priority, w.Content, zone); err == nil {
		return v, true
	}
	if v, err := model.CanonicalValue(typ, w.Content, zone); err == nil {
		return v, true
	}
	return "", false
}

// toWire converts a record to write into the API's shape: MX priority apart, SRV and
// CAA as data, TXT as quoted ≤255-byte strings, automatic TTL as 1 (always for
// proxied records). Every field is set, so a patch leaves nothing behind.
func toWire(r model.Record) (wireRecord, error) {
	w := wireRecord{
		ID:      r.ID,
		Name:    r.Name,
		Type:    r.Type,
		TTL:     r.TTL,
		Proxied: r.Proxied,
		Comment: r.Comment,
	}
	if w.TTL == 0 || w.Proxied {
		w.TTL = ttlAuto
	}
	if strings.ContainsAny(r.Comment, "\r\n") {
		return w, fmt.Errorf("%s: a Cloudflare record comment cannot contain a line break", r)
	}
	switch r.Type {
	case "A", "AAAA", "CNAME", "NS", "PTR":
		w.Content = r.Value
	case "TXT":
		w.Content = model.QuoteTXT(r.Value)
	case "MX":
		f := strings.Fields(r.Value)
		if len(f) != 2 {
			return w, fmt.Errorf("%s: MX value must be \"<preference> <host>\"", r)
		}
		p, err := strconv.Atoi(f[0])
		if err != nil {
			return w, fmt.Errorf("%s: MX preference %q is not a number", r, f[0])
		}
		w.Priority = &p
		w.Content = f[1]
	case "SRV":
		f := strings.Fields(r.Value)
		if len(f) != 4 {
			return w, fmt.Errorf("%s: SRV value must be \"<priority> <weight> <port> <target>\"", r)
		}
		var n [3]int
		for i := range n {
			x, err := strconv.Atoi(f[i])
			if err != nil {
				return w, fmt.Errorf("%s: SRV field %q is not a number", r, f[i])
			}
			n[i] = x
		}
		w.Data = &recordData{Priority: &n[0], Weight: &n[1], Port: &n[2], Target: f[3]}
	case "CAA":
		flags, tag, val, err := model.ParseCAA(r.Value)
		if err != nil {
			return w, fmt.Errorf("%s: %w", r, err)
		}
		w.Data = &recordData{Flags: &flags, Tag: tag, Value: val}
	default:
		if t, ok := model.TypeInfo(r.Type); ok && t.Presentation {
			data, prio, content, err := model.CloudflareData(r.Type, r.Value, "")
			if err != nil {
				return w, fmt.Errorf("%s: %w", r, err)
			}
			if data != nil {
				w.Data = &recordData{Fields: data}
			}
			w.Priority, w.Content = prio, content
			return w, nil
		}
		return w, fmt.Errorf("%s: launchready cannot write %s records to Cloudflare", r, r.Type)
	}
	return w, nil
}

// ReadZone returns the zone's live records, read with the largest page size (one page
// for zones up to 5,000 records), and the name servers Cloudflare assigned to the zone
// (LiveZone.Nameservers), which come with the zone lookup at no extra request.
func (p *Provider) ReadZone(ctx context.Context, zone string) (*model.LiveZone, error) {
	zone, facts, err := p.zoneInfo(ctx, zone)
	if err != nil {
		return nil, err
	}
	ws, err := p.api.listRecords(ctx, facts.id, ownership.LockName(zone))
	if err != nil {
		if pe := denied(zone, "DNS:Edit", "read DNS records", err); pe != err {
			return nil, pe
		}
		return nil, fmt.Errorf("listing DNS records of %s: %w", zone, err)
	}
	live := &model.LiveZone{Name: zone, ID: facts.id, Records: make([]model.Record, 0, len(ws)),
		Nameservers: append([]string(nil), facts.ns...), Status: facts.status, Plan: facts.plan}
	for _, w := range ws {
		live.Records = append(live.Records, toRecord(w, zone))
	}
	model.SortRecords(live.Records)
	p.log.Debug("read zone", "zone", zone, "records", len(live.Records))
	return live, nil
}

// chunk is one batch request and the ops it carries, in the order the API runs them
// (deletes, patches, posts), so that an index in an API error maps back to an op.
type chunk struct {
	batch wireBatch
	ops   []model.RecordOp // deletes, then updates, then creates
}

// chunkOps cuts ops into batches of at most limit records in the order package
// ownership decides (whole names together, so every state between two batches is
// valid); within a batch the ops run deletes, patches, posts, as the API does.
func chunkOps(ops []model.RecordOp, limit int) ([]chunk, error) {
	return chunkOpsAfter(ops, limit, 0)
}

// chunkOpsAfter is chunkOps with reserved records of the first batch's room taken.
func chunkOpsAfter(ops []model.RecordOp, limit, reserved int) ([]chunk, error) {
	batches, _ := ownership.BatchesAfter(ops, limit, reserved, nil)
	rank := map[model.OpKind]int{model.OpDelete: 0, model.OpUpdate: 1, model.OpCreate: 2}
	var out []chunk
	for _, b := range batches {
		sort.SliceStable(b, func(i, j int) bool { return rank[b[i].Op] < rank[b[j].Op] })
		c := chunk{ops: b}
		for _, op := range c.ops {
			switch op.Op {
			case model.OpDelete:
				if op.Before == nil || op.Before.ID == "" {
					return nil, fmt.Errorf("%s: the record has no Cloudflare id", op)
				}
				c.batch.Deletes = append(c.batch.Deletes, op.Before.ID)
			case model.OpUpdate:
				if op.Before == nil || op.Before.ID == "" || op.After == nil {
					return nil, fmt.Errorf("%s: an update needs the live record's id and the new state", op)
				}
				after := *op.After
				after.ID = op.Before.ID
				w, err := toWire(after)
				if err != nil {
					return nil, err
				}
				c.batch.Patches = append(c.batch.Patches, w)
			case model.OpCreate:
				if op.After == nil {
					return nil, fmt.Errorf("create without a record")
				}
				after := *op.After
				after.ID = ""
				w, err := toWire(after)
				if err != nil {
					return nil, err
				}
				c.batch.Posts = append(c.batch.Posts, w)
			default:
				return nil, fmt.Errorf("unknown record operation %q", op.Op)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// ApplyRecords writes ops to the zone through the batch endpoint, in as few requests
// as the batch limit allows. Each request is atomic: when one fails, nothing in it is
// applied, and the error names the failing record and the batches already applied.
func (p *Provider) ApplyRecords(ctx context.Context, live *model.LiveZone, ops []model.RecordOp) error {
	_, err := p.ApplyRecordsWith(ctx, live, ops, providers.ApplyOptions{})
	return err
}

// ApplyRecordsWith is ApplyRecords answering with the records the batches stored,
// taking the zone's apply lock in the first batch (opts.Acquire) and releasing it in
// the last when it has room (opts.Release): the lock costs no request of its own.
//
// Taken in the first batch, the lock is taken against live, as LockFrom takes it: the
// batch also replaces the generation live holds, so it fails, changing nothing, when
// another apply took the lock since live was read (*ownership.MovedError) or holds
// it (*ownership.LockedError). When the first batch is also the last and releases,
// the lock record is not even written: replacing the generation is the whole lock,
// the batch being atomic. Released by a separate delete otherwise (Unlock).
func (p *Provider) ApplyRecordsWith(ctx context.Context, live *model.LiveZone, ops []model.RecordOp, opts providers.ApplyOptions) (providers.ApplyResult, error) {
	res := providers.ApplyResult{Complete: true}
	if live == nil {
		return res, errors.New("ApplyRecords: no live zone")
	}
	if len(ops) == 0 && opts.Acquire == nil {
		return res, nil
	}
	zone, facts, err := p.zoneInfo(ctx, live.Name)
	if err != nil {
		return res, err
	}
	id := facts.id
	if live.ID != "" && live.ID != id {
		return res, fmt.Errorf("zone %s: the plan was made for zone id %s but the zone's id is now %s", zone, live.ID, id)
	}
	limit := p.BatchLimit(facts.plan)
	var acquire *lockTaking
	if opts.Acquire != nil {
		if acquire, err = p.lockTaking(zone, live, *opts.Acquire); err != nil {
			return res, err
		}
	}
	reserved := 0
	if acquire != nil {
		reserved = acquire.size(opts.Release != nil) // in one batch, if it fits
	}
	chunks, err := chunkOpsAfter(ops, limit, reserved)
	if err == nil && acquire != nil && (len(chunks) > 1 || opts.Release == nil) && reserved != acquire.size(false) {
		chunks, err = chunkOpsAfter(ops, limit, acquire.size(false)) // several batches: the lock record too
	}
	if err != nil {
		return res, fmt.Errorf("zone %s: %w", zone, err)
	}
	lockID := ""
	if opts.Release != nil && acquire == nil {
		lockID = p.heldLockID(zone, *opts.Release)
	}
	applied := 0
	for i, c := range chunks {
		b := c.batch
		first, last := i == 0, i == len(chunks)-1
		// The lock's writes go after the batch's own of each kind: an index in an
		// error still maps to an op.
		taking := first && acquire != nil
		whole := taking && last && opts.Release != nil // the lock lives and dies in this one atomic batch
		if taking {
			b = acquire.add(b, whole)
		}
		releasing := last && !taking && lockID != "" && b.size() < limit
		if releasing {
			b.Deletes = append(append([]string(nil), b.Deletes...), lockID)
		}
		p.log.Debug("sending DNS batch", "zone", zone, "batch", i+1, "of", len(chunks),
			"deletes", len(c.batch.Deletes), "patches", len(c.batch.Patches), "posts", len(c.batch.Posts), "takes_lock", taking, "releases_lock", releasing || whole)
		out, err := p.api.batch(ctx, id, b)
		if err != nil {
			if pe, ok := denied(zone, "DNS:Edit", "write DNS records", err).(*PermissionError); ok {
				pe.Wrote = i > 0
				return res, pe
			}
			if taking {
				if rejected(err) {
					p.holdLock(zone, heldLock{token: opts.Acquire.Token, released: true}) // never taken
				}
				if lerr := p.lockRefused(ctx, zone, *opts.Acquire, err); lerr != nil {
					return res, lerr
				}
			}
			return res, batchFailure(zone, i, chunks, applied, err)
		}
		applied += len(c.ops)
		if taking {
			out.Posts = acquire.taken(p, zone, out.Posts, whole)
			if !whole && opts.Release != nil {
				lockID = p.heldLockID(zone, *opts.Release)
			}
		}
		if out.Unread || len(out.Patches) != len(c.batch.Patches) || len(out.Posts) != len(c.batch.Posts) {
			res.Complete = false
		}
		for _, w := range out.Patches {
			res.Stored = append(res.Stored, toRecord(w, zone))
		}
		for _, w := range out.Posts {
			res.Stored = append(res.Stored, toRecord(w, zone))
		}
		if releasing || whole {
			p.releasedLock(zone)
			res.Released = true
		}
	}
	return res, nil
}

// batchFailure explains a failed batch: which record failed (when the API says or the
// message names it), that the batch was atomic, and what earlier batches applied.
func batchFailure(zone string, i int, chunks []chunk, applied int, err error) error {
	c := chunks[i]
	var b strings.Builder
	fmt.Fprintf(&b, "zone %s: ", zone)
	if len(chunks) > 1 {
		fmt.Fprintf(&b, "DNS batch %d of %d failed", i+1, len(chunks))
	} else {
		b.WriteString("DNS batch failed")
	}
	if op, ok := failedOp(c, err); ok {
		fmt.Fprintf(&b, " at %s", op)
	}
	if rejected(err) {
		fmt.Fprintf(&b, "; the batch is atomic, so none of its %d changes were applied", len(c.ops))
	} else {
		fmt.Fprintf(&b, "; the batch is atomic (all %d changes or none), but this failure does not tell whether it was applied: run plan again to see", len(c.ops))
	}
	switch {
	case i == 1:
		fmt.Fprintf(&b, "; batch 1 (%d changes) had already been applied", applied)
	case i > 1:
		fmt.Fprintf(&b, "; batches 1-%d (%d changes) had already been applied", i, applied)
	}
	if i > 0 || len(chunks) > 1 {
		var rest []model.RecordOp
		for _, c := range chunks[i:] {
			rest = append(rest, c.ops...)
		}
		names := ownership.Names(rest)
		shown := names
		if len(shown) > 5 {
			shown = append(append([]string(nil), shown[:5]...), fmt.Sprintf("… %d more", len(names)-5))
		}
		fmt.Fprintf(&b, "; %d changes at %d names remain (%s): each name is either fully changed or untouched, run plan again to see what is left", len(rest), len(names), strings.Join(shown, ", "))
	}
	return fmt.Errorf("%s: %w", b.String(), err)
}

// BatchLimit returns the records per batch request for a zone on plan (a
// legacy_id): Options.BatchLimit when set, else the plan's (Free 200, paid 3,500;
// an unknown plan gets the Free figure).
func (p *Provider) BatchLimit(plan string) int {
	if p.batchLimit > 0 {
		return p.batchLimit
	}
	l, _ := cfplan.For(plan)
	return l.Batch
}

// errOutcomeUnknown marks a write whose request may have reached the API and been
// applied: an attempt that got no answer or a 5xx, even if a retry was then refused.
var errOutcomeUnknown = errors.New("an attempt of this request got no answer or a server error, so it may have been applied")

// rejected reports whether err proves the API refused the request (a 4xx answer to
// every attempt), so that nothing was applied.
func rejected(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status >= 400 && ae.Status < 500 && !errors.Is(err, errOutcomeUnknown)
}

// pointerRE matches a JSON pointer (or a dotted/bracketed path) into the batch body:
// "/posts/3", "/posts/3/content", "posts[3]", "posts.3".
var pointerRE = regexp.MustCompile(`(deletes|patches|puts|posts)(?:/|\[|\.)(\d+)`)

// failedOp finds the op an API error is about: from an error's source.pointer or a
// path in its message, or else from a record name that appears in the message and
// belongs to exactly one op of the batch.
func failedOp(c chunk, err error) (model.RecordOp, bool) {
	var ae *apiError
	if !errors.As(err, &ae) {
		return model.RecordOp{}, false
	}
	var texts []string
	var walk func(ms []apiMessage)
	walk = func(ms []apiMessage) {
		for _, m := range ms {
			texts = append(texts, m.Pointer, m.Message)
			walk(m.Chain)
		}
	}
	walk(ae.Errors)
	for _, t := range texts {
		m := pointerRE.FindStringSubmatch(t)
		if m == nil {
			continue
		}
		idx, _ := strconv.Atoi(m[2])
		if op, ok := opAt(c, m[1], idx); ok {
			return op, true
		}
	}
	// No index: look for a record name or id in the messages.
	var found []model.RecordOp
	for _, op := range c.ops {
		r := op.After
		if r == nil {
			r = op.Before
		}
		for _, t := range texts {
			if t == "" {
				continue
			}
			if (op.Before != nil && op.Before.ID != "" && strings.Contains(t, op.Before.ID)) || containsName(t, r.Name) {
				found = append(found, op)
				break
			}
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return model.RecordOp{}, false
}

// containsName reports whether text mentions name as a whole host name.
func containsName(text, name string) bool {
	if name == "" {
		return false
	}
	text = strings.ToLower(text)
	for i := 0; ; {
		j := strings.Index(text[i:], name)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(name)
		before := start == 0 || !isHostChar(text[start-1])
		after := end == len(text) || !isHostChar(text[end]) || (text[end] == '.' && (end+1 == len(text) || !isHostChar(text[end+1])))
		if before && after {
			return true
		}
		i = start + 1
	}
}

func isHostChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.' || b == '*'
}

// opAt maps a list name and index of the batch body back to the op.
func opAt(c chunk, list string, idx int) (model.RecordOp, bool) {
	var kind model.OpKind
	switch list {
	case "deletes":
		kind = model.OpDelete
	case "patches":
		kind = model.OpUpdate
	case "posts":
		kind = model.OpCreate
	default:
		return model.RecordOp{}, false
	}
	n := 0
	for _, op := range c.ops {
		if op.Op != kind {
			continue
		}
		if n == idx {
			return op, true
		}
		n++
	}
	return model.RecordOp{}, false
}
