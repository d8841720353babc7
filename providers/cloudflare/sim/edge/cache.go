package edge

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Cache limits: entries kept, and the largest body stored.
const (
	maxCacheEntries = 1024
	maxCacheBody    = 4 << 20
	// defaultEdgeTTL is how long a 200 without cache directives stays at the edge
	// (Cloudflare's default for 200 responses: 120 minutes).
	defaultEdgeTTL = 2 * time.Hour
)

// staticExtensions are the file extensions Cloudflare caches by default, without a
// cache rule (its "default cached file extensions" list).
var staticExtensions = func() map[string]bool {
	m := map[string]bool{}
	for _, x := range strings.Fields(`7z avi avif apk bin bmp bz2 class css csv doc docx dmg ejs eot eps exe
		flac gif gz ico iso jar jpeg jpg js mid midi mkv mp3 mp4 ogg otf pdf pict pls png ppt pptx ps
		rar svg svgz swf tar tif tiff ttf webm webp woff woff2 xls xlsx zip zst`) {
		m[x] = true
	}
	return m
}()

// cacheEntry is one stored response.
type cacheEntry struct {
	status  int
	header  http.Header
	body    []byte
	stored  time.Time
	expires time.Time
}

// memCache is the edge's in-memory cache, keyed by scheme, host and URI (Cloudflare's
// default cache key).
type memCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]*cacheEntry
}

func newMemCache(max int) *memCache {
	return &memCache{max: max, entries: map[string]*cacheEntry{}}
}

// get returns the entry for key; expired is true when one was stored but is stale
// (it is then dropped).
func (c *memCache) get(key string, now time.Time) (e *cacheEntry, expired bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		return nil, false
	}
	if !now.Before(e.expires) {
		delete(c.entries, key)
		return nil, true
	}
	return e, false
}

// put stores an entry, evicting expired entries and then the oldest when full.
func (c *memCache) put(key string, e *cacheEntry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= c.max {
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		for len(c.entries) >= c.max {
			oldest := ""
			for k, old := range c.entries {
				if oldest == "" || old.stored.Before(c.entries[oldest].stored) {
					oldest = k
				}
			}
			delete(c.entries, oldest)
		}
	}
	c.entries[key] = e
}

// cacheDecision is the merged outcome of the zone's cache rules for one request.
type cacheDecision struct {
	matched    bool // some cache rule matched
	eligible   bool // "eligible for cache"
	bypass     bool // "bypass cache"
	edgeTTL    int  // seconds, override_origin; 0 respects the origin
	browserTTL int  // seconds, override_origin; 0 respects the origin
}

// originTTL reads how long the origin lets a shared cache keep a response: ok is
// false when it forbids caching (no-store, no-cache, private, max-age=0, or a
// Set-Cookie header).
func originTTL(h http.Header) (ttl time.Duration, ok bool) {
	if h.Get("Set-Cookie") != "" {
		return 0, false
	}
	maxAge, sMaxAge := -1, -1
	for _, line := range h.Values("Cache-Control") {
		for _, d := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
			switch name {
			case "no-store", "no-cache", "private":
				return 0, false
			case "max-age", "s-maxage":
				n, err := strconv.Atoi(strings.Trim(val, `"`))
				if err != nil {
					continue
				}
				if name == "max-age" {
					maxAge = n
				} else {
					sMaxAge = n
				}
			}
		}
	}
	switch {
	case sMaxAge >= 0:
		return time.Duration(sMaxAge) * time.Second, sMaxAge > 0
	case maxAge >= 0:
		return time.Duration(maxAge) * time.Second, maxAge > 0
	}
	return defaultEdgeTTL, true
}
