//go:build !race

package plan

// raceEnabled: the race detector is off (see race_test.go).
const raceEnabled = false
