package sim

import (
	"strings"
	"sync"
)

// stats counts the requests the simulator served, keyed by method and templated path
// relative to /client/v4, e.g. "GET /zones/{zone_id}/dns_records". Requests that
// matched no route count under "<METHOD> (no route)". Every request is counted,
// whatever its answer (faults and auth failures included), so tests can assert how
// many requests a client really sent.
type stats struct {
	mu     sync.Mutex
	counts map[string]int
}

func newStats() *stats { return &stats{counts: map[string]int{}} }

func (s *stats) count(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[key]++
}

func (s *stats) snapshot() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.counts))
	for k, v := range s.counts {
		out[k] = v
	}
	return out
}

func (s *stats) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts = map[string]int{}
}

// statsKey turns a ServeMux pattern ("GET /client/v4/zones/{zone_id}") into the
// stats key ("GET /zones/{zone_id}").
func statsKey(method, pattern string) string {
	if pattern == "" {
		return method + " (no route)"
	}
	m, path, ok := strings.Cut(pattern, " ")
	if !ok {
		path, m = pattern, method
	}
	return m + " " + strings.TrimPrefix(path, apiPrefix)
}
