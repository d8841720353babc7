// Package verify proves that a launch works as a customer sees it: it derives checks
// from the desired state (a schema.Config) and runs them against the live world.
package verify
