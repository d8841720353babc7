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

// Lock takes the apply lock of every zone of p that has changes, on providers that
// can hold one, waiting up to timeout for a lock another apply holds (0: fail at
// once, naming the holder). It returns a release function to call after the last
// write (it uses its own short context, so it works after an interrupt too).
func (e *Engine) Lock(ctx context.Context, p *plan.Plan, info ownership.LockInfo, timeout time.Duration) (release func(), err error) {
	type held struct {
		l    providers.Locker
		zone string
	}
	var taken []held
	release = func() {
		for i := len(taken) - 1; i >= 0; i-- {
			rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := taken[i].l.Unlock(rctx, taken[i].zone, info); err != nil {
				e.logger().Warn("releasing the apply lock failed; break it with `launchready unlock`", "zone", taken[i].zone, "error", err)
			}
			cancel()
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
		for {
			err := l.Lock(ctx, zp.Zone, info)
			if err == nil {
				taken = append(taken, held{l, zp.Zone})
				break
			}
			var le *ownership.LockedError
			if !errors.As(err, &le) || !time.Now().Before(deadline) {
				release()
				return func() {}, err
			}
			e.logger().Info("waiting for another apply's lock", "zone", zp.Zone, "holder", le.Info.Holder)
			select {
			case <-ctx.Done():
				release()
				return func() {}, fmt.Errorf("waiting for the apply lock of %s: %w", zp.Zone, ctx.Err())
			case <-time.After(min(time.Second, time.Until(deadline))):
			}
		}
	}
	return release, nil
}
