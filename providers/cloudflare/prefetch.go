package cloudflare

import (
	"context"
	"sync"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// Reading zones ahead.
//
// A command that knows which zones it will read before it is ready to read them (plan,
// while it parses and validates a large launch.hcl) calls Prefetch: the zones are
// looked up (one listing of the account's zones for several, as PrepareZones does, or
// one lookup by name) and their records listed in the background, and the calls that
// would have made those requests take the answers instead, waiting for them if they
// are still on the way. The requests are exactly those the later calls would have
// made; only their time changes, so a plan may rest on records read a few hundred
// milliseconds before its config was valid. A failure is answered to the call the
// request stood in for (once), so an error costs no second request either.
//
// Safety: a read made ahead answers the next listing of that zone's records once, and
// any write through the API (a batch, a setting, a rule) first discards every read
// made ahead, so nothing written after an apply lock is decided from a read older
// than the lock. Only plan reads ahead.

// readAhead is a Provider's state of reading ahead: its zone lookups and listing.
type readAhead struct {
	mu sync.Mutex
	// lookups is closed when the lookups made ahead are done; nil when none began.
	lookups chan struct{}
	// listing is what the account listing made ahead answered, for the next
	// PrepareZones (nil: none pending).
	listing *aheadListing
}

type aheadListing struct {
	names map[string]bool
	err   error
}

// recordsReader is the optional part of api that lists a zone's records ahead: the
// next listRecords of the zone answers with that listing (once).
type recordsReader interface {
	listRecordsAhead(ctx context.Context, zoneID, pin string)
}

// Prefetch starts looking up zones and listing their records in the background (see
// "Reading zones ahead" above), for a run that will then read exactly these zones;
// ctx bounds those requests (cancel it when the run stops early). Call it once, before
// the Provider is used. An api that cannot list records ahead is only looked up ahead.
func (p *Provider) Prefetch(ctx context.Context, zones []string) {
	if len(zones) == 0 {
		return
	}
	done := make(chan struct{})
	p.ahead.mu.Lock()
	if p.ahead.lookups != nil {
		p.ahead.mu.Unlock()
		return
	}
	p.ahead.lookups = done
	p.ahead.mu.Unlock()
	go func() {
		var ids [][2]string // zone id, lock name
		defer func() {
			// Listings of records are registered before the lookups are released,
			// so no ReadZone can list a zone's records itself in between.
			if rr, ok := p.api.(recordsReader); ok {
				for _, id := range ids {
					rr.listRecordsAhead(ctx, id[0], id[1])
				}
			}
			close(done)
		}()
		if err := p.prepareZones(ctx, zones); err != nil {
			if ctx.Err() == nil { // else the run's own call asks again
				p.ahead.mu.Lock()
				p.ahead.listing = &aheadListing{names: canonicalSet(zones), err: err}
				p.ahead.mu.Unlock()
			}
			return
		}
		// Zones the listing did not find are looked up one by one, up to 16 at once
		// (as engine.ReadLive reads them).
		var mu sync.Mutex
		var wg sync.WaitGroup
		slots := make(chan struct{}, 16)
		for name := range canonicalSet(zones) {
			wg.Go(func() {
				slots <- struct{}{}
				defer func() { <-slots }()
				zone, facts, err := p.lookupZone(ctx, name, true)
				if err == nil {
					mu.Lock()
					ids = append(ids, [2]string{facts.id, ownership.LockName(zone)})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}()
}

// awaitAhead waits until the lookups made ahead (if any) are done, or ctx ends.
func (p *Provider) awaitAhead(ctx context.Context) {
	p.ahead.mu.Lock()
	done := p.ahead.lookups
	p.ahead.mu.Unlock()
	if done == nil {
		return
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
}

// aheadListingErr returns (once) the error the account listing made ahead for these
// names ended with, if it failed.
func (p *Provider) aheadListingErr(names []string) error {
	p.ahead.mu.Lock()
	defer p.ahead.mu.Unlock()
	l := p.ahead.listing
	if l == nil {
		return nil
	}
	for _, n := range names {
		if c, err := model.CanonicalZone(n); err == nil && !l.names[c] {
			return nil
		}
	}
	p.ahead.listing = nil
	return l.err
}

// canonicalSet is the set of the canonical names among zones.
func canonicalSet(zones []string) map[string]bool {
	out := map[string]bool{}
	for _, z := range zones {
		if c, err := model.CanonicalZone(z); err == nil {
			out[c] = true
		}
	}
	return out
}

// recordsAhead holds the record listings made ahead, by zone id.
type recordsAhead struct {
	mu sync.Mutex
	m  map[string]*aheadRecords
}

type aheadRecords struct {
	done chan struct{}
	ws   []wireRecord
	err  error
	// canceled: the listing failed because Prefetch's context ended; the run's own
	// call lists the records itself.
	canceled bool
}

// start lists a zone's records with list, which ctx bounds, in the background.
func (r *recordsAhead) start(ctx context.Context, zoneID string, list func() ([]wireRecord, error)) {
	e := &aheadRecords{done: make(chan struct{})}
	r.mu.Lock()
	if r.m == nil {
		r.m = map[string]*aheadRecords{}
	}
	r.m[zoneID] = e
	r.mu.Unlock()
	go func() {
		e.ws, e.err = list()
		e.canceled = e.err != nil && ctx.Err() != nil
		close(e.done)
	}()
}

// take returns (and forgets) the listing made ahead for the zone, waiting for it
// if it is on the way; ok is false when there is none.
func (r *recordsAhead) take(ctx context.Context, zoneID string) (ws []wireRecord, err error, ok bool) {
	r.mu.Lock()
	e := r.m[zoneID]
	delete(r.m, zoneID)
	r.mu.Unlock()
	if e == nil {
		return nil, nil, false
	}
	select {
	case <-e.done:
		if e.canceled {
			return nil, nil, false
		}
		return e.ws, e.err, true
	case <-ctx.Done():
		return nil, ctx.Err(), true
	}
}

// drop forgets every listing made ahead: called before any write.
func (r *recordsAhead) drop() {
	r.mu.Lock()
	r.m = nil
	r.mu.Unlock()
}
