package cli

import "time"

// verify --smoke: the step after every deploy. Only the declared checks run, each
// with at most smokeRequests requests, and the whole run is bounded by smokeBudget
// (a check still running then fails the run with exit 1, never a silent pass).
const (
	smokeRequests = 5
	smokeBudget   = 2 * time.Minute
)
