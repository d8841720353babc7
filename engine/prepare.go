package engine

import (
	"context"

	"github.com/launchready/launchready/schema"
)

// zonePreparer is a provider that can look up several zones at once before they are
// read (Cloudflare: one listing of the account's zones instead of one lookup each).
type zonePreparer interface {
	PrepareZones(ctx context.Context, names []string) error
}

// prepareZones tells each provider that can use it which zones the run reads.
func (e *Engine) prepareZones(ctx context.Context, zones []*schema.Zone) error {
	byRef := map[string][]string{}
	var refs []string
	for _, z := range zones {
		if _, seen := byRef[z.Provider]; !seen {
			refs = append(refs, z.Provider)
		}
		byRef[z.Provider] = append(byRef[z.Provider], z.Name)
	}
	for _, ref := range refs {
		if zp, ok := e.Providers[ref].(zonePreparer); ok {
			if err := zp.PrepareZones(ctx, byRef[ref]); err != nil {
				return err
			}
		}
	}
	return nil
}
