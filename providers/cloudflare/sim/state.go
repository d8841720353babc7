package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
)

// loadState reads a state file; a missing file is an empty state.
func loadState(path string) (*state, []byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &state{Version: stateVersion, Zones: []*zone{}}, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("reading simulator state: %w", err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, nil, fmt.Errorf("reading simulator state %s: %w", path, err)
	}
	if st.Version != stateVersion {
		return nil, nil, fmt.Errorf("simulator state %s has format version %d; this simulator reads version %d", path, st.Version, stateVersion)
	}
	st.normalize()
	return &st, b, nil
}

// normalize restores what JSON decoding loses: empty lists and the compact form of
// rules' verbatim JSON (the state file is indented).
func (st *state) normalize() {
	compact := func(raw json.RawMessage) json.RawMessage {
		if len(raw) == 0 {
			return raw
		}
		var b bytes.Buffer
		if json.Compact(&b, raw) != nil {
			return raw
		}
		return b.Bytes()
	}
	for _, z := range st.Zones {
		if z.Records == nil {
			z.Records = []*record{}
		}
		for _, rs := range z.Rulesets {
			if rs.Rules == nil {
				rs.Rules = []*rule{}
			}
			for _, r := range rs.Rules {
				r.ActionParameters = compact(r.ActionParameters)
				for k, v := range r.Extra {
					r.Extra[k] = compact(v)
				}
			}
		}
	}
}

// writeFileAtomic writes b to path through a temporary file in the same directory and
// a rename, so a crash never leaves a half-written state.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// persistLocked saves the state after a write when Options.StatePath is set. If the
// file cannot be written, the in-memory state goes back to the last saved one and the
// request fails (500, code CodeStateNotSaved): what the client was told succeeded is
// always what a restart will load. The caller holds s.mu.
func (s *Server) persistLocked() *apiError {
	if s.opts.StatePath == "" {
		return nil
	}
	b, err := json.MarshalIndent(s.st, "", "  ")
	if err == nil {
		err = writeFileAtomic(s.opts.StatePath, b)
	}
	if err != nil {
		s.log.Error("saving simulator state failed; the write is rolled back", "path", s.opts.StatePath, "error", err)
		if prev, _, lerr := decodeState(s.lastSaved); lerr == nil {
			s.st = prev
		}
		return errf(http.StatusInternalServerError, CodeStateNotSaved, "The simulator could not save its state: %v", err)
	}
	s.lastSaved = b
	return nil
}

func decodeState(b []byte) (*state, []byte, error) {
	if b == nil {
		return &state{Version: stateVersion, Zones: []*zone{}}, nil, nil
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, nil, err
	}
	st.normalize()
	return &st, b, nil
}
