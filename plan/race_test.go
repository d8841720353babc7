//go:build race

package plan

// raceEnabled: the race detector is on; it changes what escapes to the heap, so
// allocation counts are not comparable.
const raceEnabled = true
