package verify

import (
	"context"
	"testing"

	"github.com/launchready/launchready/schema"
)

// TestKindsAndMaxRequests: Options.Kinds limits a run to some kinds of checks (watch's
// fast rounds, verify --smoke) and MaxRequests caps each declared check's requests.
func TestKindsAndMaxRequests(t *testing.T) {
	lw := newLaunchWorld(t)
	cfg := &schema.Config{Zones: []*schema.Zone{goodZone(t)}}
	opts := lw.opts
	opts.Kinds = []Kind{KindHTTP}
	opts.MaxRequests = 3
	rep, err := Run(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	requests := map[string]int{}
	for _, r := range rep.Zones[0].Results {
		if r.Kind != KindHTTP {
			t.Errorf("a %s result (%s %s) in a run limited to http", r.Kind, r.Name, r.Check)
		}
		if r.HTTP != nil {
			requests[r.Name] = r.HTTP.Requests
		}
	}
	// goodZone's checks ask for 20, 4 and 2 requests.
	for name, want := range map[string]int{"dashboard": 3, "admin": 3, "admin-meta": 2} {
		if requests[name] != want {
			t.Errorf("check %s sent %d requests, want %d", name, requests[name], want)
		}
	}
	if rep.Failed() {
		t.Errorf("limited run failed: %+v", rep.Summary)
	}

	opts = lw.opts
	opts.Kinds = []Kind{KindDNS}
	rep, err = Run(context.Background(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Zones[0].Results {
		if r.Kind != KindDNS {
			t.Errorf("a %s result in a run limited to dns", r.Kind)
		}
	}
	if rep.Summary.Pass == 0 {
		t.Error("no DNS check ran")
	}
}
