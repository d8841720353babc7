package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers"
)

// NewLockInfo describes this process as a lock holder: user@host, pid, now, and a
// random token.
func NewLockInfo(now time.Time) ownership.LockInfo {
	who := "unknown"
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
	}
	host, _ := os.Hostname()
	var b [4]byte
	_, _ = rand.Read(b[:])
	return ownership.LockInfo{Holder: who + "@" + host, PID: os.Getpid(), Since: now.UTC().Truncate(time.Second), Token: hex.EncodeToString(b[:])}
}

// heldLocks are the apply locks this engine holds: taken by Lock, released by the
// function it returns, or by Apply in a zone's last record batch (released).
type heldLocks struct {
	info  ownership.LockInfo
	zones []heldZone
}

type heldZone struct {
	l        providers.Locker
	zone     string
	released bool
	// inline: the lock is to be taken in the zone's first record write (Apply);
	// pending until that write is sent.
	inline, pending bool
}

// releasable returns the lock info to release with zone's last record write, when this
// engine holds zone's lock (or takes it in that write) and has not released it.
func (h *heldLocks) releasable(zone string) *ownership.LockInfo {
	if h == nil {
		return nil
	}
	for _, z := range h.zones {
		if z.zone == zone && !z.released {
			info := h.info
			return &info
		}
	}
	return nil
}

// acquirable returns the lock info to take zone's lock with in its first record
// write, and marks it sent: from then on the lock may be held.
func (h *heldLocks) acquirable(zone string) *ownership.LockInfo {
	if h == nil {
		return nil
	}
	for i := range h.zones {
		if z := &h.zones[i]; z.zone == zone && z.inline && z.pending {
			z.pending = false
			info := h.info
			return &info
		}
	}
	return nil
}

func (h *heldLocks) markReleased(zone string) {
	for i := range h.zones {
		if h.zones[i].zone == zone {
			h.zones[i].released = true
		}
	}
}

// inline reports whether zp's lock can be taken in its first record write: it is the
// plan's only zone with changes (so no other zone is written before its lock is
// certain), its records are its first write, and its provider takes a lock so.
func inline(p *plan.Plan, zp *plan.ZonePlan, prov providers.Provider) bool {
	if _, ok := prov.(providers.RecordApplier); !ok || len(zp.RecordOps) == 0 || len(zp.ReleasedPhases) > 0 {
		return false
	}
	for i := range p.Zones {
		if p.Zones[i].Zone != zp.Zone && p.Zones[i].HasChanges() {
			return false
		}
	}
	return true
}

// Lock takes the apply lock of every zone of p that has changes, on providers that
// can hold one, waiting up to timeout for a lock another apply holds (0: fail at
// once, naming the holder). live is the state p was computed from.
//
// On providers that can (providers.StateLocker) the lock is taken against live, in one
// request: it fails, changing nothing, if another apply took the lock since live was
// read. Then p needs no second read, and reread is false. Where that taking finds the
// zone held or moved on (a lock waited for, another apply since the read), and on other
// providers, the lock is taken plainly, and reread is true: the caller must read live
// state again under the lock, and refuse what moved, before writing.
//
// It returns a release function to call after the last write (it uses its own short
// context, so it works after an interrupt too); Apply releases a zone's lock itself
// in the zone's last record batch when that batch is the zone's last write and the
// provider can (providers.RecordApplier).
func (e *Engine) Lock(ctx context.Context, p *plan.Plan, live map[string]*model.LiveZone, info ownership.LockInfo, timeout time.Duration) (release func(), reread bool, err error) {
	held := &heldLocks{info: info}
	release = func() {
		for i := len(held.zones) - 1; i >= 0; i-- {
			z := held.zones[i]
			if z.released || z.pending {
				continue // released, or never taken
			}
			rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := z.l.Unlock(rctx, z.zone, info); err != nil {
				e.logger().Warn("releasing the apply lock failed; break it with `launchready unlock`", "zone", z.zone, "error", err)
			}
			cancel()
			held.zones[i].released = true
		}
		if e.held == held {
			e.held = nil
		}
	}
	deadline := time.Now().Add(timeout)
	for _, zp := range p.Zones {
		if !zp.HasChanges() {
			continue
		}
		l, ok := e.Providers[zp.Provider].(providers.Locker)
		if !ok {
			continue
		}
		if sl, ok := l.(providers.StateLocker); ok && live[zp.Zone] != nil {
			var err error
			switch who := sl.HeldIn(live[zp.Zone]); {
			case who != nil:
				err = &ownership.LockedError{Zone: zp.Zone, Info: *who, Now: time.Now()}
			case inline(p, &zp, e.Providers[zp.Provider]):
				// Taken by the zone's first record write, against live: no request now.
				held.zones = append(held.zones, heldZone{l: l, zone: zp.Zone, inline: true, pending: true})
				continue
			default:
				err = sl.LockFrom(ctx, live[zp.Zone], info)
			}
			if err == nil {
				held.zones = append(held.zones, heldZone{l: l, zone: zp.Zone})
				continue
			}
			var le *ownership.LockedError
			var me *ownership.MovedError
			switch {
			case errors.As(err, &me):
				e.logger().Info("another apply ran since the zone was read: taking the lock and reading again", "zone", zp.Zone)
			case errors.As(err, &le) && time.Now().Before(deadline):
				e.logger().Info("waiting for another apply's lock", "zone", zp.Zone, "holder", le.Info.Holder)
			case le != nil:
				release()
				return func() {}, false, err
			default:
				// The taking failed in a way that may have taken it (an answer lost,
				// and the check after it failed too): release what may be ours.
				held.zones = append(held.zones, heldZone{l: l, zone: zp.Zone})
				release()
				return func() {}, false, err
			}
		}
		// Taken plainly: the state read before may be stale.
		reread = true
		for {
			err := l.Lock(ctx, zp.Zone, info)
			if err == nil {
				held.zones = append(held.zones, heldZone{l: l, zone: zp.Zone})
				break
			}
			var le *ownership.LockedError
			if !errors.As(err, &le) {
				held.zones = append(held.zones, heldZone{l: l, zone: zp.Zone}) // it may be ours: see above
			}
			if le == nil || !time.Now().Before(deadline) {
				release()
				return func() {}, false, err
			}
			e.logger().Info("waiting for another apply's lock", "zone", zp.Zone, "holder", le.Info.Holder)
			select {
			case <-ctx.Done():
				release()
				return func() {}, false, fmt.Errorf("waiting for the apply lock of %s: %w", zp.Zone, ctx.Err())
			case <-time.After(min(time.Second, time.Until(deadline))):
			}
		}
	}
	e.held = held
	return release, reread, nil
}

// LockRefused reports whether err is Apply's failure to take a lock in a zone's first
// record write (see Lock) because another apply took it since the plan's read, or
// holds it (counted only when waiting, for otherwise that is the answer). Nothing was
// written then: the caller may take the lock plainly (Lock without live), read again
// and apply once more.
func LockRefused(err error, waiting bool) bool {
	var me *ownership.MovedError
	var le *ownership.LockedError
	return errors.As(err, &me) || (waiting && errors.As(err, &le))
}
