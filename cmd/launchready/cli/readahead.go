package cli

import (
	"context"
	"io"
	"os"

	"github.com/launchready/launchready/engine"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers/cloudflare"
	"github.com/launchready/launchready/schema"
)

// readAhead starts looking up and listing the records of the Cloudflare zones that
// launch.hcl declares, before the file is loaded, so that plan's two round trips to
// the API overlap the parsing and validation of a large file (see
// cloudflare.Provider.Prefetch: the requests are the ones plan would make after
// loading, in the same number). It returns the provider plan must then use, or nil
// when nothing is read ahead: the file's zones cannot all be named from its tokens
// (schema.CloudflareZones), --zone names one it does not declare, or the provider
// cannot be built (plan then reports why, as before). ctx bounds the reads: cancel it
// when plan stops early. If the file turns out not to be valid, the reads made ahead
// are abandoned and plan fails as before.
func (e *env) readAhead(ctx context.Context, only []string) *cloudflare.Provider {
	f, err := os.Open(e.configPath)
	if err != nil {
		return nil
	}
	src, err := io.ReadAll(io.LimitReader(f, schema.MaxConfigBytes+1))
	f.Close()
	if err != nil {
		return nil
	}
	names, ok := schema.CloudflareZones(src)
	if !ok || len(names) == 0 {
		return nil
	}
	if len(only) > 0 {
		declared := map[string]bool{}
		for _, n := range names {
			if c, err := model.CanonicalZone(n); err == nil {
				declared[c] = true
			}
		}
		for _, n := range only {
			if c, err := model.CanonicalZone(n); err != nil || !declared[c] {
				return nil
			}
		}
		names = only
	}
	opts, err := e.buildOptions()
	if err != nil {
		return nil
	}
	cf, err := engine.BuildCloudflare(opts)
	if err != nil {
		return nil
	}
	cf.Prefetch(ctx, names)
	return cf
}
