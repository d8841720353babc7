// Command bench measures launchready against issue 13's targets ("Fast and
// unbreakable at scale"): it starts the Cloudflare simulator in-process with added
// latency on every request (a stand-in for the round trip to the real API), runs each
// row of the table through the CLI as a user would, and prints API requests, wall
// time, CPU time (the process's: the simulator's share included), peak heap and
// bytes allocated. It exits 1 when a request target is missed
// (time and memory are reported against their targets but, machines being noisy, do
// not decide the exit code). See BENCHMARKS.md.
//
//	go run ./internal/bench [-latency 50ms] [-rows plan1,create,mixed,plan9,compute,bigfile]
package main

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"
)

func main() {
	latency := flag.Duration("latency", 50*time.Millisecond, "latency added to every simulated API request")
	only := flag.String("rows", "plan1,create,mixed,plan9,compute,bigfile", "rows to run, comma-separated")
	verbose := flag.Bool("v", false, "print each row's requests by endpoint")
	flag.Parse()
	cwd, _ := os.Getwd()
	defer os.Chdir(cwd)

	var rows []row
	var one time.Duration
	want := map[string]bool{}
	for _, r := range strings.Split(*only, ",") {
		want[strings.TrimSpace(r)] = true
	}
	steps := []struct {
		key string
		f   func() (row, error)
	}{
		{"plan1", func() (row, error) {
			r, err := rowPlan(*latency, 1, 2, 0)
			one = r.Wall
			return r, err
		}},
		{"create", func() (row, error) { return rowCreate(*latency) }},
		{"mixed", func() (row, error) { return rowMixed(*latency) }},
		{"plan9", func() (row, error) {
			limit := time.Duration(0)
			if one > 0 {
				limit = one * 3 / 2
			}
			return rowPlan(*latency, 9, 10, limit)
		}},
		{"compute", rowCompute},
		{"bigfile", rowBigFile},
	}
	failed := false
	for _, s := range steps {
		if !want[s.key] {
			continue
		}
		r, err := s.f()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", s.key, err)
			failed = true
			continue
		}
		rows = append(rows, r)
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "work\trequests\ttarget\twall\ttarget\tcpu\tpeak heap\tallocated\ttarget\tresult\n")
	for _, r := range rows {
		req, reqT := "-", "-"
		if r.Requests >= 0 {
			req = fmt.Sprint(r.Requests)
		}
		if r.MaxRequests >= 0 {
			reqT = fmt.Sprintf("≤ %d", r.MaxRequests)
		}
		wallT, allocT := "-", "-"
		if r.MaxWall > 0 {
			wallT = "≤ " + r.MaxWall.Round(time.Millisecond).String()
		}
		if r.MaxAlloc > 0 {
			allocT = fmt.Sprintf("< %d MB", r.MaxAlloc>>20)
		}
		result := "ok"
		var missed []string
		if !r.requestsOK() {
			missed = append(missed, "REQUESTS")
			failed = true
		}
		if r.MaxWall > 0 && r.Wall > r.MaxWall {
			missed = append(missed, "time")
		}
		if r.MaxAlloc > 0 && r.Alloc > r.MaxAlloc {
			missed = append(missed, "memory")
		}
		if len(missed) > 0 {
			result = "missed: " + strings.Join(missed, ", ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d MB\t%d MB\t%s\t%s\n", r.Name, req, reqT, r.Wall.Round(time.Millisecond), wallT, r.CPU.Round(time.Millisecond), r.PeakHeap>>20, r.Alloc>>20, allocT, result)
	}
	tw.Flush()
	for _, r := range rows {
		if r.Note != "" {
			fmt.Printf("%s: %s\n", r.Name, r.Note)
		}
		if *verbose && len(r.Stats) > 0 {
			var keys []string
			for k := range r.Stats {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Printf("    %4d  %s\n", r.Stats[k], k)
			}
		}
	}
	if failed {
		fmt.Println("FAIL: a request target was missed (or a row failed)")
		os.Exit(1)
	}
}
