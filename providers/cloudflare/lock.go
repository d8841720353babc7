package cloudflare

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// codeIdentical is the API's answer to creating a record identical to an existing
// one (type, name and content): "An identical record already exists." (FACTS.md §9).
const codeIdentical = 81058

// codeNoRecord is the API's answer to deleting or patching a record id that does not
// exist: "Record does not exist." (FACTS.md §9).
const codeNoRecord = 81044

// The zone lock on Cloudflare is a TXT record at ownership.LockName(zone) with the
// fixed content ownership.LockContent: creating it a second time is refused with code
// 81058, so exactly one creation wins. The holder is in its comment. Beside it stays
// the zone's lock generation (ownership.GenerationContent), which LockFrom replaces
// with every taking, in the same request.

// lockRecord reports whether w is a zone's lock record (not its generation).
func lockRecord(zone string, w wireRecord) bool {
	return strings.EqualFold(w.Type, "TXT") && model.CanonicalLiveName(w.Name) == ownership.LockName(zone) &&
		model.UnquoteTXT(w.Content) != ownership.GenerationContent
}

// lockState finds, among a zone's live records, the lock record (nil when nobody
// holds the lock) and the generation (nil in a zone no apply has locked this way).
func lockState(zone string, recs []model.Record) (held, gen *model.Record) {
	name := ownership.LockName(zone)
	for i := range recs {
		r := &recs[i]
		if !strings.EqualFold(r.Type, "TXT") || model.CanonicalLiveName(r.Name) != name {
			continue
		}
		if ownership.IsLockGeneration(*r) {
			gen = r
		} else if held == nil {
			held = r
		}
	}
	return held, gen
}

// HeldIn returns who held live's zone's lock when it was read (providers.StateLocker).
func (p *Provider) HeldIn(live *model.LiveZone) *ownership.LockInfo {
	if held, _ := lockState(model.CanonicalLiveName(live.Name), live.Records); held != nil {
		li := ownership.ParseLockInfo(held.Comment)
		return &li
	}
	return nil
}

// lockTaking is the writes that take a zone's lock against a read: delete the
// generation the read saw (when it saw one), create a new one, and create the lock
// record (unless the same atomic batch ends the lock).
type lockTaking struct {
	info      ownership.LockInfo
	deletes   []string
	gen, lock wireRecord
}

// lockTaking prepares the taking of zone's lock for info against live: it fails with
// *ownership.LockedError when live shows the lock held.
func (p *Provider) lockTaking(zone string, live *model.LiveZone, info ownership.LockInfo) (*lockTaking, error) {
	held, gen := lockState(zone, live.Records)
	if held != nil {
		return nil, &ownership.LockedError{Zone: zone, Info: ownership.ParseLockInfo(held.Comment), Now: time.Now()}
	}
	t := &lockTaking{info: info}
	if gen != nil {
		t.deletes = []string{gen.ID}
	}
	var err error
	if t.gen, err = toWire(model.Record{Name: ownership.LockName(zone), Type: "TXT", Value: ownership.GenerationContent, TTL: 60, Comment: info.String()}); err != nil {
		return nil, err
	}
	if t.lock, err = toWire(model.Record{Name: ownership.LockName(zone), Type: "TXT", Value: ownership.LockContent, TTL: 60, Comment: info.String()}); err != nil {
		return nil, err
	}
	return t, nil
}

// size is the records the taking adds to a batch (whole: without the lock record).
func (t *lockTaking) size(whole bool) int {
	if whole {
		return len(t.deletes) + 1
	}
	return len(t.deletes) + 2
}

// add returns b with the taking's writes after its own.
func (t *lockTaking) add(b wireBatch, whole bool) wireBatch {
	b.Deletes = append(append([]string(nil), b.Deletes...), t.deletes...)
	b.Posts = append(append([]wireRecord(nil), b.Posts...), t.gen)
	if !whole {
		b.Posts = append(b.Posts, t.lock)
	}
	return b
}

// taken records the lock the batch that carried the taking created, and returns the
// batch's posts without the taking's own. The lock's id is taken only from a post that
// is the lock record (its name and content); an answer that lacks it leaves the id
// unknown, and Unlock finds the lock by its token.
func (t *lockTaking) taken(p *Provider, zone string, posts []wireRecord, whole bool) []wireRecord {
	n := 1
	if !whole {
		n = 2
	}
	if len(posts) < n {
		p.holdLock(zone, heldLock{token: t.info.Token})
		return posts
	}
	mine := posts[len(posts)-n:]
	if !whole {
		h := heldLock{token: t.info.Token}
		if w := mine[1]; w.ID != "" && lockRecord(zone, w) && ownership.ParseLockInfo(w.Comment).Token == t.info.Token {
			h.id = w.ID
		}
		p.holdLock(zone, h)
	}
	own := 0
	for _, w := range mine {
		if model.CanonicalLiveName(w.Name) == ownership.LockName(zone) {
			own++
		}
	}
	if own != n {
		return posts // not the taking's posts: an answer that lacks some; keep them all
	}
	return posts[:len(posts)-n]
}

// lockRefused explains a refused batch that carried a lock's taking, when the taking
// is what was refused: the lock is held (*ownership.LockedError) or was taken since
// the read (*ownership.MovedError). It returns nil for any other failure. A batch
// whose outcome is unknown may have taken the lock: Unlock finds it by its token.
func (p *Provider) lockRefused(ctx context.Context, zone string, info ownership.LockInfo, err error) error {
	if !rejected(err) {
		p.holdLock(zone, heldLock{token: info.Token})
		return nil
	}
	var ae *apiError
	if !errors.As(err, &ae) || !(ae.has(codeIdentical) || ae.has(codeNoRecord)) {
		return nil
	}
	now, rerr := p.ReadLock(ctx, zone)
	switch {
	case rerr != nil:
		return nil // the batch's own failure says enough
	case now != nil && now.Token != info.Token:
		return &ownership.LockedError{Zone: zone, Info: *now, Now: time.Now()}
	case now == nil:
		return &ownership.MovedError{Zone: zone}
	}
	return nil
}

// LockFrom takes live's zone's lock against the state live holds (see
// providers.StateLocker), in one batch: delete the generation live holds by its id,
// create it again, create the lock record. The batch is atomic, so it fails, changing
// nothing, when the generation was replaced since (another apply took the lock: 81044)
// or the lock is held (81058), and a zone live saw without a generation gets one only
// if none appeared since (81058).
func (p *Provider) LockFrom(ctx context.Context, live *model.LiveZone, info ownership.LockInfo) error {
	if live == nil {
		return errors.New("LockFrom: no live zone")
	}
	zone, facts, err := p.zoneInfo(ctx, live.Name)
	if err != nil {
		return err
	}
	if live.ID != "" && live.ID != facts.id {
		return fmt.Errorf("zone %s: the plan was made for zone id %s but the zone's id is now %s", zone, live.ID, facts.id)
	}
	t, err := p.lockTaking(zone, live, info)
	if err != nil {
		return err
	}
	res, err := p.api.batch(ctx, facts.id, t.add(wireBatch{}, false))
	if err == nil {
		t.taken(p, zone, res.Posts, false)
		return nil
	}
	if lerr := p.lockRefused(ctx, zone, info, err); lerr != nil {
		return lerr
	}
	if !rejected(err) {
		// The taking may have been applied, its answer lost: ours if it holds our token.
		if now, rerr := p.ReadLock(ctx, zone); rerr == nil && now != nil && now.Token == info.Token {
			return nil
		}
	}
	return fmt.Errorf("zone %s: taking the apply lock: %w", zone, err)
}

// lockAttempts bounds how often Lock reads the zone and tries again when another
// apply took the lock between its read and its taking.
const lockAttempts = 3

// Lock takes zone's lock (see providers.Locker) the one way a lock is taken on
// Cloudflare: against a read (LockFrom), which replaces the generation, so that any
// apply whose read is older than this lock's writes is refused. It reads the records
// at the lock's name first (one small request more than LockFrom: the generation and
// any lock; the caller reads the zone under the lock), and reads again when another
// apply took the lock in between.
func (p *Provider) Lock(ctx context.Context, zone string, info ownership.LockInfo) error {
	for attempt := 1; ; attempt++ {
		live, err := p.readLockName(ctx, zone)
		if err != nil {
			return fmt.Errorf("taking the apply lock: %w", err)
		}
		err = p.LockFrom(ctx, live, info)
		var me *ownership.MovedError
		if !errors.As(err, &me) || attempt == lockAttempts {
			return err
		}
	}
}

// readLockName reads the zone's records at its lock name (the generation and any
// lock record), with one request filtered to that name, as a LiveZone of those
// records alone: enough for LockFrom.
func (p *Provider) readLockName(ctx context.Context, zone string) (*model.LiveZone, error) {
	zone, facts, err := p.zoneInfo(ctx, zone)
	if err != nil {
		return nil, err
	}
	ws, err := p.api.listRecordsNamed(ctx, facts.id, ownership.LockName(zone))
	if err != nil {
		return nil, fmt.Errorf("zone %s: reading the apply lock: %w", zone, err)
	}
	live := &model.LiveZone{Name: zone, ID: facts.id, Status: facts.status, Plan: facts.plan}
	for _, w := range ws {
		if model.CanonicalLiveName(w.Name) == ownership.LockName(zone) {
			live.Records = append(live.Records, toRecord(w, zone))
		}
	}
	return live, nil
}

// lockRecords returns the zone's lock records (not its generation).
func (p *Provider) lockRecords(ctx context.Context, zone string) (string, string, []wireRecord, error) {
	zone, id, err := p.zoneID(ctx, zone)
	if err != nil {
		return "", "", nil, err
	}
	ws, err := p.api.listRecordsNamed(ctx, id, ownership.LockName(zone))
	if err != nil {
		return "", "", nil, fmt.Errorf("zone %s: reading the apply lock: %w", zone, err)
	}
	var out []wireRecord
	for _, w := range ws {
		if lockRecord(zone, w) {
			out = append(out, w)
		}
	}
	return zone, id, out, nil
}

// ReadLock returns who holds zone's lock, or nil.
func (p *Provider) ReadLock(ctx context.Context, zone string) (*ownership.LockInfo, error) {
	_, _, ws, err := p.lockRecords(ctx, zone)
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	li := ownership.ParseLockInfo(ws[0].Comment)
	return &li, nil
}

// heldLock is an apply lock this process took: its record id and token, and whether
// a record batch released it already.
type heldLock struct {
	id, token string
	released  bool
}

func (p *Provider) holdLock(zone string, h heldLock) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.locks == nil {
		p.locks = map[string]heldLock{}
	}
	p.locks[model.CanonicalLiveName(zone)] = h
}

// heldLock returns the lock info's token took in zone, if this process knows it.
func (p *Provider) heldLock(zone string, info ownership.LockInfo) (heldLock, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	h, ok := p.locks[model.CanonicalLiveName(zone)]
	return h, ok && h.token == info.Token
}

// heldLockID returns the record id of the lock info's token took in zone and has not
// released ("" when this process does not know it).
func (p *Provider) heldLockID(zone string, info ownership.LockInfo) string {
	if h, ok := p.heldLock(zone, info); ok && !h.released {
		return h.id
	}
	return ""
}

// releasedLock records that zone's lock is gone (released or found gone).
func (p *Provider) releasedLock(zone string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if h, ok := p.locks[model.CanonicalLiveName(zone)]; ok {
		h.released = true
		p.locks[model.CanonicalLiveName(zone)] = h
	}
}

// Unlock deletes the lock record info's token took: by the id its creation answered
// with (one request), else found by reading the zone's records. A lock record already
// gone (broken with `launchready unlock`) is not an error.
func (p *Provider) Unlock(ctx context.Context, zone string, info ownership.LockInfo) error {
	if h, ok := p.heldLock(zone, info); ok && h.released {
		return nil // released by the last record batch
	}
	if lid := p.heldLockID(zone, info); lid != "" {
		name, id, err := p.zoneID(ctx, zone)
		if err != nil {
			return err
		}
		if _, err = p.api.batch(ctx, id, wireBatch{Deletes: []string{lid}}); err != nil && !gone(err) {
			return fmt.Errorf("zone %s: releasing the apply lock: %w", name, err)
		}
		p.releasedLock(zone)
		return nil
	}
	zone, id, ws, err := p.lockRecords(ctx, zone)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if ownership.ParseLockInfo(w.Comment).Token == info.Token {
			if _, err := p.api.batch(ctx, id, wireBatch{Deletes: []string{w.ID}}); err != nil && !gone(err) {
				return fmt.Errorf("zone %s: releasing the apply lock: %w", zone, err)
			}
		}
	}
	return nil
}

// BreakLock deletes every lock record of zone. The generation stays: an apply that
// read the zone while the broken lock was held takes the lock against it still.
func (p *Provider) BreakLock(ctx context.Context, zone string) error {
	zone, id, ws, err := p.lockRecords(ctx, zone)
	if err != nil || len(ws) == 0 {
		return err
	}
	var ids []string
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	if _, err := p.api.batch(ctx, id, wireBatch{Deletes: ids}); err != nil && !gone(err) {
		return fmt.Errorf("zone %s: breaking the apply lock: %w", zone, err)
	}
	return nil
}

// BreakLockOf deletes zone's lock records held with info's token
// (providers.HolderBreaker): a lock taken since by another apply is left alone.
func (p *Provider) BreakLockOf(ctx context.Context, zone string, info ownership.LockInfo) (bool, error) {
	zone, id, ws, err := p.lockRecords(ctx, zone)
	if err != nil {
		return false, err
	}
	var ids []string
	for _, w := range ws {
		if ownership.ParseLockInfo(w.Comment).Token == info.Token {
			ids = append(ids, w.ID)
		}
	}
	if len(ids) == 0 {
		return false, nil
	}
	if _, err := p.api.batch(ctx, id, wireBatch{Deletes: ids}); err != nil && !gone(err) {
		return false, fmt.Errorf("zone %s: breaking the apply lock: %w", zone, err)
	}
	return true, nil
}

// gone reports whether a delete of lock records failed only because a record is
// already gone (81044): released meanwhile, or deleted by this very request, whose
// answer was lost and whose retry was refused.
func gone(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.has(codeNoRecord)
}
