//go:build !unix

package watch

// lockState does not lock where flock is not available: run one watch per state file.
func lockState(string) (func(), error) { return func() {}, nil }
