package providers

import (
	"context"
	"errors"
	"fmt"

	"github.com/launchready/launchready/model"
)

// ErrReadOnly is returned by every write of a provider wrapped with ReadOnly.
var ErrReadOnly = errors.New("provider is read-only in this command")

// ReadOnly wraps p so that reads pass through and every write fails with
// ErrReadOnly, without reaching p. Commands that must never change anything (drift,
// plan, verify) can hold their providers through it, so that a bug cannot write.
//
// The wrapper has exactly the optional powers p has: it implements SettingsProvider
// or RulesProvider only when p does, so type assertions answer as they would on p.
// Unwrap returns p.
func ReadOnly(p Provider) Provider {
	base := readOnly{p: p}
	s, hasS := p.(SettingsProvider)
	r, hasR := p.(RulesProvider)
	switch {
	case hasS && hasR:
		return readOnlySettingsRules{base, readOnlySettings{s, p.Kind()}, readOnlyRules{r, p.Kind()}}
	case hasS:
		return readOnlySettingsOnly{base, readOnlySettings{s, p.Kind()}}
	case hasR:
		return readOnlyRulesOnly{base, readOnlyRules{r, p.Kind()}}
	}
	return base
}

// Unwrapper is implemented by wrappers that hold another provider.
type Unwrapper interface {
	Unwrap() Provider
}

// RequestCounter is implemented by providers that count their API requests (the
// Cloudflare provider: HTTP requests, retries included).
type RequestCounter interface {
	Requests() int
}

// Requests returns how many API requests p (or the provider it wraps) has made, and
// false when it does not count them.
func Requests(p Provider) (int, bool) {
	for p != nil {
		if c, ok := p.(RequestCounter); ok {
			return c.Requests(), true
		}
		u, ok := p.(Unwrapper)
		if !ok {
			break
		}
		p = u.Unwrap()
	}
	return 0, false
}

type readOnly struct{ p Provider }

func (r readOnly) Kind() string     { return r.p.Kind() }
func (r readOnly) Unwrap() Provider { return r.p }

func (r readOnly) ReadZone(ctx context.Context, zone string) (*model.LiveZone, error) {
	return r.p.ReadZone(ctx, zone)
}

func (r readOnly) ApplyRecords(_ context.Context, live *model.LiveZone, ops []model.RecordOp) error {
	zone := ""
	if live != nil {
		zone = live.Name
	}
	return fmt.Errorf("%s zone %s: refusing %d record changes: %w", r.p.Kind(), zone, len(ops), ErrReadOnly)
}

type readOnlySettings struct {
	s    SettingsProvider
	kind string
}

func (r readOnlySettings) ReadSettings(ctx context.Context, zone string, ids []string) (*model.Settings, error) {
	return r.s.ReadSettings(ctx, zone, ids)
}

func (r readOnlySettings) WriteSettings(_ context.Context, zone string, _ *model.Settings) error {
	return fmt.Errorf("%s zone %s: refusing to change settings: %w", r.kind, zone, ErrReadOnly)
}

type readOnlyRules struct {
	r    RulesProvider
	kind string
}

func (r readOnlyRules) ReadRules(ctx context.Context, zone, phase string) ([]model.Rule, error) {
	return r.r.ReadRules(ctx, zone, phase)
}

func (r readOnlyRules) WriteRules(_ context.Context, zone, phase string, _ []model.Rule) error {
	return fmt.Errorf("%s zone %s: refusing to write %s rules: %w", r.kind, zone, phase, ErrReadOnly)
}

type readOnlySettingsOnly struct {
	readOnly
	readOnlySettings
}

type readOnlyRulesOnly struct {
	readOnly
	readOnlyRules
}

type readOnlySettingsRules struct {
	readOnly
	readOnlySettings
	readOnlyRules
}
