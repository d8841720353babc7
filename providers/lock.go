package providers

import (
	"context"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// Locker can hold a zone's apply lock where the zone lives (ownership/lock.go): one
// apply at a time per zone. Providers without it apply unlocked.
type Locker interface {
	// Lock takes zone's lock for info; when someone else holds it, it fails with
	// *ownership.LockedError naming them. A lock already held with info's token (a
	// retried request whose first answer was lost) counts as taken.
	Lock(ctx context.Context, zone string, info ownership.LockInfo) error
	// Unlock releases the lock info took; a lock since broken or taken by someone
	// else is left alone.
	Unlock(ctx context.Context, zone string, info ownership.LockInfo) error
	// ReadLock returns who holds zone's lock, or nil when nobody does.
	ReadLock(ctx context.Context, zone string) (*ownership.LockInfo, error)
	// BreakLock removes zone's lock whoever holds it.
	BreakLock(ctx context.Context, zone string) error
}

// HolderBreaker is a Locker that can break one holder's lock: the one whose age
// `launchready unlock` checked, and not a lock another apply took since.
type HolderBreaker interface {
	// BreakLockOf removes zone's lock records held with info's token; none left (the
	// lock was released meanwhile) is not an error. It reports whether it removed one.
	BreakLockOf(ctx context.Context, zone string, info ownership.LockInfo) (bool, error)
}

// StateLocker is a Locker that can take the lock against the state a plan was read
// from, in one request: the taking fails, changing nothing, when another apply took
// the lock since live was read, even one that has finished (ownership/lock.go, the
// generation). A plan whose lock was taken so needs no second read before its writes.
type StateLocker interface {
	Locker
	// LockFrom takes live's zone's lock for info, unless another apply holds it
	// (*ownership.LockedError, naming them, from live without a request) or took it
	// since live was read (*ownership.MovedError). A lock already held with info's
	// token (a retried request whose first answer was lost) counts as taken.
	LockFrom(ctx context.Context, live *model.LiveZone, info ownership.LockInfo) error
	// HeldIn returns who held zone's lock when live was read, or nil, without a
	// request.
	HeldIn(live *model.LiveZone) *ownership.LockInfo
}
