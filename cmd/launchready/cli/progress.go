package cli

import (
	"fmt"
	"time"
)

// progress reports long work: on a TTY a live status line, otherwise nothing (logs at
// info level carry the same steps).
type progress struct {
	e     *env
	label string
	tty   bool
	start time.Time
	n     int
}

func newProgress(e *env, label string) *progress {
	return &progress{e: e, label: label, tty: isTerminal(e.stderr), start: time.Now()}
}

func (p *progress) step(zone, what string) {
	p.n++
	if !p.tty {
		return
	}
	fmt.Fprintf(p.e.stderr, "\r\033[K%s %s: %s (%s)", p.label, zone, what, time.Since(p.start).Round(100*time.Millisecond))
}

func (p *progress) done() {
	if p.tty && p.n > 0 {
		fmt.Fprint(p.e.stderr, "\r\033[K")
	}
}
