package sim_test

import (
	"errors"
	"os"
	"testing"

	"github.com/launchready/launchready/providers/cloudflare/sim/conformance"
)

// The simulator's tests hold every exchange against Cloudflare's schema with package
// conformance: testEnv's clients send through a conformance.Checker's Transport.

// requireSpec returns the schema, skipping the test when the file is absent outside
// CI and failing when it is absent in CI (CI=true) or broken anywhere.
func requireSpec(t testing.TB) *conformance.Spec {
	t.Helper()
	spec, err := conformance.Default()
	if errors.Is(err, os.ErrNotExist) {
		if conformance.Required() {
			t.Fatalf("the Cloudflare schema must be present in CI: %v", err)
		}
		t.Skipf("Cloudflare schema not found, conformance not checked: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// withInvalidRequest marks a request the test sends malformed on purpose (to check
// the simulator's answer): its request is not validated, its answer still is.
var withInvalidRequest = conformance.WithInvalidRequest
