package cloudflare

import (
	"errors"
	"os"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

// The provider's tests hold every exchange with a test server (the simulator, or a
// scripted apiServer) against Cloudflare's schema: launchready's own requests and
// the answers it is tested with.

// NewConformanceChecker returns a checker whose failures fail t when it ends, or nil
// when the schema is absent outside CI (noted in the log). In CI (CI=true) a missing
// schema fails t. Exported for the external test package (sim_test.go).
func NewConformanceChecker(t testing.TB) *conformance.Checker {
	t.Helper()
	spec, err := conformance.Default()
	switch {
	case errors.Is(err, os.ErrNotExist) && !conformance.Required():
		t.Logf("Cloudflare schema not found, exchanges not validated: %v", err)
		return nil
	case errors.Is(err, os.ErrNotExist):
		t.Fatalf("the Cloudflare schema must be present in CI: %v", err)
	case err != nil:
		t.Fatalf("Cloudflare schema: %v", err)
	}
	c := conformance.New(spec)
	t.Cleanup(func() {
		for _, f := range c.Failures() {
			t.Errorf("schema conformance: %s", f)
		}
	})
	return c
}
