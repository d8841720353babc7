package cloudflare

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/launchready/launchready/providers/cloudflare/cfplan"
)

// TokenHelp says which API token launchready needs: the one message every "no
// token" and "token lacks a permission" error points to. Permission groups are
// named as the dashboard's token editor shows them.
const TokenHelp = "create a Cloudflare API token (My Profile > API Tokens > Create Token > Create Custom Token) " +
	"with the permissions Zone:Read and DNS:Edit, plus Zone Settings:Edit for a settings block, " +
	"Single Redirect:Edit for redirect blocks and Cache Rules:Edit for cache blocks, " +
	"on the zones launch.hcl manages (`launchready doctor` lists what your launch.hcl needs)"

// PermissionError is a request the API refused because the token lacks a permission
// group (HTTP 403, code 10000 "Authentication error").
type PermissionError struct {
	Zone  string // "" for account-wide requests
	Group string // cfplan group, e.g. "DNS:Edit"
	Doing string // "write DNS records"
	// Wrote tells whether earlier writes of the same command already happened
	// (false: nothing was changed).
	Wrote bool
	Err   error
}

func (e *PermissionError) Error() string {
	where := "the zones launch.hcl manages"
	if e.Zone != "" {
		where = "zone " + e.Zone
	}
	s := fmt.Sprintf("%s: the Cloudflare API token lacks the %s permission, needed to %s: edit the token (My Profile > API Tokens), add the permission %s for %s, and run again",
		orAccount(e.Zone), e.Group, e.Doing, e.Group, where)
	if !e.Wrote {
		s += "; nothing was changed"
	}
	return s
}

func orAccount(zone string) string {
	if zone == "" {
		return "Cloudflare account"
	}
	return "zone " + zone
}

func (e *PermissionError) Unwrap() error { return e.Err }

// IsPermission reports whether err is (or wraps) a PermissionError and returns it.
func IsPermission(err error) (*PermissionError, bool) {
	var pe *PermissionError
	ok := errors.As(err, &pe)
	return pe, ok
}

// denied turns a 403 answer into a PermissionError naming the group to add; other
// errors are returned as they are. A legacy key the API does not know (403, 9103) is
// not a permission problem.
func denied(zone, group, doing string, err error) error {
	var ae *apiError
	if err == nil || group == "" || !errors.As(err, &ae) || ae.Status != http.StatusForbidden || ae.has(9103) {
		return err
	}
	return &PermissionError{Zone: zone, Group: group, Doing: doing, Err: err}
}

// phaseDoing names what a phase's rules are, for messages.
func phaseDoing(phase string) string {
	switch cfplan.PhaseGroup(phase, false) {
	case cfplan.RedirectRead:
		return "redirect rules (Single Redirects)"
	case cfplan.CacheRulesRead:
		return "cache rules"
	}
	return phase + " rules"
}
