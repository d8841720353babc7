package ownership

import (
	"fmt"
	"strings"
	"time"

	"github.com/launchready/launchready/model"
)

// The zone lock: one apply at a time per zone.
//
// The lock lives where the zone lives, as a record at LockName(zone) whose creation
// fails when it already exists: on Cloudflare a TXT record with the fixed content
// LockContent (a second identical record is refused, code 81058), on RFC 2136 a TXT
// record added by an UPDATE whose prerequisite is "name is not in use" (RFC 2136
// §2.4.5). Who holds it, from which host, since when and a random token are in its
// comment (Cloudflare) or text (RFC 2136), as LockInfo.String.
//
// On Cloudflare a second TXT record at LockName(zone), with the fixed content
// GenerationContent, stays in the zone between applies: its generation. Every taking of
// the lock deletes it by id and creates it again (a new id), in the same atomic request
// that creates the lock record. A plan read the generation's id with the zone; a lock
// taken against that read (providers.StateLocker) fails, changing nothing, when any
// apply took the lock since, even one that has finished. So an apply needs no second
// read after taking the lock, and no apply can write on a read older than another's
// writes. Its comment says who took the lock last, and when.
const (
	// LockPrefix is the label prepended to the zone name to find its lock.
	LockPrefix = "_launchready-lock"
	// LockContent is the lock record's fixed text on Cloudflare.
	LockContent = "v=launchready-lock"
	// GenerationContent is the fixed text of a zone's lock generation on Cloudflare.
	GenerationContent = "v=launchready-generation"
)

// LockName returns the name of zone's lock record.
func LockName(zone string) string { return LockPrefix + "." + zone }

// IsLockName reports whether name is a zone lock's name.
func IsLockName(name string) bool { return strings.HasPrefix(name, LockPrefix+".") }

// IsLockGeneration reports whether r is a zone's lock generation: it stays in the
// zone between applies (a record like any other for the zone's quota), unlike the
// lock record itself.
func IsLockGeneration(r model.Record) bool {
	return IsLockName(model.CanonicalLiveName(r.Name)) && strings.EqualFold(r.Type, "TXT") && r.Value == GenerationContent
}

// LockInfo says who holds a lock.
type LockInfo struct {
	Holder string    // user@host
	PID    int       // process id on that host
	Since  time.Time // when it was taken (UTC, seconds)
	Token  string    // random, tells the taker its own lock after a lost reply
}

// String renders the info short enough for a Cloudflare Free comment:
// "holder=ann@laptop pid=4242 since=2026-12-04T07:00:00Z token=1a2b3c4d".
func (l LockInfo) String() string {
	h := l.Holder
	if len(h) > 32 {
		h = h[:32] // the whole text stays within a Free comment's 100 characters
	}
	h = strings.Map(func(r rune) rune {
		if r <= ' ' || r == '"' || r > '~' {
			return '_'
		}
		return r
	}, h)
	return fmt.Sprintf("holder=%s pid=%d since=%s token=%s", h, l.PID, l.Since.UTC().Format(time.RFC3339), l.Token)
}

// ParseLockInfo reads what LockInfo.String wrote; fields it cannot read stay empty.
func ParseLockInfo(s string) LockInfo {
	var l LockInfo
	for _, f := range strings.Fields(s) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "holder":
			l.Holder = v
		case "pid":
			fmt.Sscanf(v, "%d", &l.PID)
		case "since":
			l.Since, _ = time.Parse(time.RFC3339, v)
		case "token":
			l.Token = v
		}
	}
	return l
}

// Describe says who holds a lock and for how long, for error messages.
func (l LockInfo) Describe(now time.Time) string {
	who := l.Holder
	if who == "" {
		who = "an unknown holder"
	}
	if l.PID != 0 {
		who += fmt.Sprintf(" (pid %d)", l.PID)
	}
	if l.Since.IsZero() {
		return who
	}
	return fmt.Sprintf("%s since %s (%s ago)", who, l.Since.UTC().Format(time.RFC3339), now.Sub(l.Since).Truncate(time.Second))
}

// ErrLocked is returned (wrapped in *LockedError) when another apply holds a zone.
type LockedError struct {
	Zone string
	Info LockInfo
	Now  time.Time
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("zone %s is locked by another apply: %s. Nothing was changed. Wait for it to finish (or use --lock-timeout), or, if it died, break the lock with `launchready unlock %s`", e.Zone, e.Info.Describe(e.Now), e.Zone)
}

// MovedError is returned by a lock taken against a read (providers.StateLocker) when
// the zone changed since that read: another apply took its lock (the generation the
// read saw is gone), or a record the same atomic request writes was changed. Nothing
// was changed; the caller reads again.
type MovedError struct {
	Zone string
}

func (e *MovedError) Error() string {
	return fmt.Sprintf("zone %s changed since it was read (another apply took its lock, or a record this apply writes was changed). Nothing was changed", e.Zone)
}
