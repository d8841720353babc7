package plan

import (
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/ownership"
)

// Ownership lives in package ownership; these names stay here for the callers that
// know them from plan.
const (
	RegistryVersion        = ownership.RegistryVersion
	RegistryPrefix         = ownership.RegistryPrefix
	RegistryWildcardPrefix = ownership.RegistryWildcardPrefix
)

// Registry is the content of one TXT ownership mark (ownership.Registry).
type Registry = ownership.Registry

// RegistryName returns the name of the TXT mark describing records at name.
func RegistryName(name string) string { return ownership.RegistryName(name) }

// RegistryOwner reverses RegistryName.
func RegistryOwner(regName string) (string, bool) { return ownership.RegistryOwner(regName) }

// IsRegistryName reports whether name is reserved for marks or the zone lock.
func IsRegistryName(name string) bool { return ownership.IsRegistryName(name) }

// ValueMark returns the mark of one record value.
func ValueMark(typ, value string) string { return ownership.ValueMark(typ, value) }

// ParseRegistry parses a TXT mark's text.
func ParseRegistry(text string) (Registry, error) { return ownership.ParseRegistry(text) }

// ParseRegistryRecord returns the described name and content of a TXT mark record.
func ParseRegistryRecord(rec model.Record) (string, Registry, bool) {
	return ownership.ParseRegistryRecord(rec)
}

// ManagedSettings returns the setting ids the zone's apex marks list.
func ManagedSettings(live *model.LiveZone) []string { return ownership.ManagedSettings(live) }
