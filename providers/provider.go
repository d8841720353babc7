// Package providers defines what launchready needs from a DNS or edge provider: read a
// zone's live state, write record changes, and (optionally) settings and rules. It
// holds the interfaces and the cross-cutting wrappers, not any provider's API code:
// that lives in one sub-package per provider (cloudflare, rfc2136).
//
// Optional powers are extra one-method-group interfaces, discovered by type assertion,
// so a provider implements only what it can do; schema has already refused blocks a
// provider cannot serve (model.ProviderKinds).
package providers

import (
	"context"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// Provider reads and writes DNS records of the zones it serves.
type Provider interface {
	// Kind is the provider kind ("cloudflare", "rfc2136").
	Kind() string
	// ReadZone returns the zone's live records (and SOA serial where the provider has
	// one). Settings and Rules are filled by the optional interfaces.
	ReadZone(ctx context.Context, zone string) (*model.LiveZone, error)
	// ApplyRecords performs ops on zone. ops are ordered: deletes, then updates, then
	// creates. Providers apply them atomically where the API allows (Cloudflare batch,
	// one DNS UPDATE message) and otherwise in order, stopping at the first error.
	// live is the state the ops were planned from (providers use it for
	// preconditions, e.g. the SOA serial).
	ApplyRecords(ctx context.Context, live *model.LiveZone, ops []model.RecordOp) error
}

// SettingsProvider can read and write zone settings.
type SettingsProvider interface {
	// ReadSettings returns the live value of the named settings (ids as in
	// model.Setting*; model.SettingSecurityHeader fills HSTS).
	ReadSettings(ctx context.Context, zone string, ids []string) (*model.Settings, error)
	// WriteSettings changes the given settings (only those present).
	WriteSettings(ctx context.Context, zone string, s *model.Settings) error
}

// RulesProvider can read and replace a zone's entrypoint ruleset for a phase.
type RulesProvider interface {
	// ReadRules returns the phase's rules in order; a phase never configured is empty.
	ReadRules(ctx context.Context, zone, phase string) ([]model.Rule, error)
	// WriteRules replaces the phase's rule list with rules (hand-made rules included,
	// unchanged, in their places).
	WriteRules(ctx context.Context, zone, phase string, rules []model.Rule) error
}

// RecordApplier is a Provider whose record writes answer with the records as stored,
// and which can release a zone's apply lock inside the last of them: the caller then
// needs no request to release the lock and no read to learn what the zone holds.
type RecordApplier interface {
	// ApplyRecordsWith performs ops as ApplyRecords does.
	ApplyRecordsWith(ctx context.Context, live *model.LiveZone, ops []model.RecordOp, opts ApplyOptions) (ApplyResult, error)
}

// ApplyOptions are the extras of RecordApplier.ApplyRecordsWith.
type ApplyOptions struct {
	// Acquire, when set, takes the zone's apply lock with this LockInfo in the first
	// request of the writes, against the live state the ops were planned from, as
	// StateLocker.LockFrom takes it: that request fails, changing nothing, with
	// *ownership.LockedError or *ownership.MovedError when the lock is held or was
	// taken since live was read. The engine sets it only for providers that are
	// StateLockers.
	Acquire *ownership.LockInfo
	// Release, when set, is the apply lock (taken with this LockInfo) to release in
	// the last request of the writes, when that request has room for it.
	Release *ownership.LockInfo
}

// ApplyResult is what RecordApplier.ApplyRecordsWith learnt.
type ApplyResult struct {
	// Stored are the records every create and update left, as the provider stored
	// them (ids included); Complete says it holds all of them (false when an answer
	// could not be read: read the zone instead).
	Stored   []model.Record
	Complete bool
	// Released says the lock of ApplyOptions.Release was released.
	Released bool
}
