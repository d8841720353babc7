package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
)

// SnapshotFormatVersion versions the snapshot file format.
const SnapshotFormatVersion = "1.0"

// DefaultSnapshotDir is where apply writes snapshots, relative to the working directory.
const DefaultSnapshotDir = ".launchready/snapshots"

// Snapshot is the live state an apply was about to change, written before any write so
// that rollback can restore it. It holds no secret: only records, settings and rules.
type Snapshot struct {
	FormatVersion string         `json:"format_version"`
	CreatedAt     time.Time      `json:"created_at"`
	ConfigFile    string         `json:"config_file,omitempty"`
	Zones         []ZoneSnapshot `json:"zones"`
	// Path is where the snapshot was read from or written to (not serialised).
	Path string `json:"-"`
}

// ZoneSnapshot is one zone's part of a snapshot.
type ZoneSnapshot struct {
	Zone     string `json:"zone"`
	Provider string `json:"provider"`
	// Ops are the record writes the apply made, with each touched record as it was
	// (Before) and as it was written (After): rollback inverts them.
	Ops []model.RecordOp `json:"record_ops"`
	// Settings holds the previous value of each setting the apply changed.
	Settings *model.Settings `json:"settings,omitempty"`
	// Rules holds the complete previous rule list of each phase the apply rewrote.
	Rules map[string][]model.Rule `json:"rules,omitempty"`
	// Changes is what the apply changed, for `launchready snapshots`.
	Changes []plan.Change `json:"changes"`
}

// NewSnapshot captures from live what p is about to change.
func NewSnapshot(p *plan.Plan, live map[string]*model.LiveZone, now time.Time) *Snapshot {
	s := &Snapshot{FormatVersion: SnapshotFormatVersion, CreatedAt: now.UTC()}
	for _, zp := range p.Zones {
		if len(zp.Changes) == 0 && len(zp.RecordOps) == 0 {
			continue
		}
		zs := ZoneSnapshot{Zone: zp.Zone, Provider: zp.Provider, Changes: zp.Changes}
		zs.Ops = append([]model.RecordOp{}, zp.RecordOps...)
		lz := live[zp.Zone]
		if zp.SettingWrites != nil && lz != nil && lz.Settings != nil {
			prev := &model.Settings{Values: map[string]string{}}
			for id := range zp.SettingWrites.Values {
				if v, ok := lz.Settings.Values[id]; ok {
					prev.Values[id] = v
				}
			}
			if zp.SettingWrites.HSTS != nil && lz.Settings.HSTS != nil {
				h := *lz.Settings.HSTS
				prev.HSTS = &h
			}
			zs.Settings = prev
		}
		if len(zp.RuleWrites) > 0 && lz != nil {
			zs.Rules = map[string][]model.Rule{}
			for phase := range zp.RuleWrites {
				zs.Rules[phase] = append([]model.Rule{}, lz.Rules[phase]...)
			}
		}
		s.Zones = append(s.Zones, zs)
	}
	return s
}

// Empty reports whether the snapshot covers no zone (nothing to change).
func (s *Snapshot) Empty() bool { return len(s.Zones) == 0 }

// Remove deletes the snapshot's file: for an apply that changed nothing after all.
func (s *Snapshot) Remove() error {
	if s.Path == "" {
		return nil
	}
	return os.Remove(s.Path)
}

// Write stores the snapshot under dir as <UTC time>.json (0600, directory 0700) and
// sets s.Path. It refuses to overwrite an existing file.
func (s *Snapshot) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating snapshot directory: %w", err)
	}
	name := s.CreatedAt.UTC().Format("20060102T150405.000Z") + ".json"
	name = strings.Replace(name, ".", "", 1) // 20060102T150405000Z.json
	path := filepath.Join(dir, name)
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing snapshot: %w", err)
	}
	if _, err := f.Write(append(data, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing snapshot %s: %w", path, err)
	}
	s.Path = path
	return nil
}

// ReadSnapshot loads a snapshot file.
func ReadSnapshot(path string) (*Snapshot, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: not a launchready snapshot: %w", path, err)
	}
	if s.FormatVersion == "" || !strings.HasPrefix(s.FormatVersion, "1.") {
		return nil, fmt.Errorf("%s: unsupported snapshot format %q", path, s.FormatVersion)
	}
	s.Path = path
	return &s, nil
}

// ListSnapshots returns the snapshots in dir, newest first.
func ListSnapshots(dir string) ([]*Snapshot, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Snapshot
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		s, err := ReadSnapshot(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.After(out[j].CreatedAt) })
	return out, nil
}
