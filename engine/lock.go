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
}

// releasable returns the lock info to release with zone's last record write, when this
// engine holds zone's lock and has not released it.
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

func (h *heldLocks) markReleased(zone string) {
	for i := range h.zones {
		if h.zones[i].zone == zone {
			h.zones[i].released = true
		}
	}
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
			if z.released {
				continue
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
			err := sl.LockFrom(ctx, live[zp.Zone], info)
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
			default:
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
			if !errors.As(err, &le) || !time.Now().Before(deadline) {
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
