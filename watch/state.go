package watch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/launchready/launchready/verify"
)

// stateVersion is the state file's format version.
const stateVersion = 1

// State is what watch remembers between rounds and restarts.
type State struct {
	Version int                    `json:"version"`
	Checks  map[string]*CheckState `json:"checks"`
}

// CheckState is one subject's memory: a declared check block, a TLS host, a DNS
// record set, a redirect, a zone's email (verify's Kind and Name).
type CheckState struct {
	Zone string      `json:"zone"`
	Kind verify.Kind `json:"kind"`
	Name string      `json:"name"`
	// Check lists the aspects (verify's Check names) with the worst status.
	Check  string        `json:"check"`
	Status verify.Status `json:"status"`
	// Reason joins their reasons ("errors: …; latency: …").
	Reason string `json:"reason"`
	// Failures counts consecutive failed rounds.
	Failures int `json:"failures"`
	// Alerting is true once Failures reached the threshold, until the check passes.
	Alerting bool `json:"alerting"`
	// Since is when the check started alerting (or recovered).
	Since time.Time `json:"since,omitzero"`
	// Told maps an alert block to the Alerting state last delivered to it.
	Told    map[string]bool `json:"told,omitempty"`
	LastRun time.Time       `json:"last_run"`
	// LatencyMs is the p95 of a declared check's requests (0 for other checks).
	LatencyMs float64 `json:"latency_ms,omitempty"`
}

// checkID names a subject across rounds.
func checkID(r verify.Result) string {
	return r.Zone + " " + string(r.Kind) + " " + r.Name
}

// LoadState reads the state file; a missing file is an empty state.
func LoadState(path string) (*State, error) {
	st := &State{Version: stateVersion, Checks: map[string]*CheckState{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading watch state: %w", err)
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("reading watch state %s: %w (remove it to start afresh: every failing check is then announced again)", path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("watch state %s has version %d, want %d", path, st.Version, stateVersion)
	}
	if st.Checks == nil {
		st.Checks = map[string]*CheckState{}
	}
	return st, nil
}

// Save writes the state atomically (a temporary file renamed over path).
func (s *State) Save(path string) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("saving watch state: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".watch-state-*")
	if err != nil {
		return fmt.Errorf("saving watch state: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("saving watch state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving watch state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving watch state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving watch state: %w", err)
	}
	return nil
}
