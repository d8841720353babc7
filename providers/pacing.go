package providers

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces out a provider's API requests under the API's rate limit and counts
// them. One Pacer is shared by every zone a provider serves, because rate limits are
// per account or token, not per zone (Cloudflare: 1,200 requests per 5 minutes per
// token). It is safe for concurrent use.
//
// The zero value is not usable; build one with NewPacer.
type Pacer struct {
	lim   *rate.Limiter // nil: unlimited
	count atomic.Int64
}

// NewPacer returns a Pacer allowing perSecond requests per second on average with
// bursts of at most burst requests. perSecond <= 0 or +Inf means unlimited (for local
// simulators and tests); burst < 1 is taken as 1.
func NewPacer(perSecond float64, burst int) *Pacer {
	if perSecond <= 0 || math.IsInf(perSecond, 1) || math.IsNaN(perSecond) {
		return &Pacer{}
	}
	if burst < 1 {
		burst = 1
	}
	return &Pacer{lim: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// Wait blocks until the next request may be sent, then counts it. When ctx ends
// first it returns ctx's error without counting (so a caller that checks ctx.Err()
// after a failed request sees why).
func (p *Pacer) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.lim != nil {
		r := p.lim.Reserve()
		if !r.OK() {
			return fmt.Errorf("rate limiter refused a request (burst %d)", p.lim.Burst())
		}
		if d := r.Delay(); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-ctx.Done():
				t.Stop()
				r.Cancel()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
	p.count.Add(1)
	return nil
}

// Requests returns how many requests Wait has let through so far.
func (p *Pacer) Requests() int { return int(p.count.Load()) }

// Limit returns the average rate in requests per second (+Inf when unlimited).
func (p *Pacer) Limit() float64 {
	if p.lim == nil {
		return math.Inf(1)
	}
	return float64(p.lim.Limit())
}
