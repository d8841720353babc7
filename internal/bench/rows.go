package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/launchready/launchready/cmd/launchready/cli"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/providers/cloudflare/sim"
	"github.com/launchready/launchready/schema"
)

// row is one line of issue 13's table: what was measured and its targets.
type row struct {
	Name        string
	Requests    int // API requests counted by the simulator (-1: not an API row)
	MaxRequests int // target; -1: none
	Wall        time.Duration
	MaxWall     time.Duration // target; 0: none
	CPU         time.Duration // the process's CPU time during the row (the simulator's included)
	PeakHeap    uint64        // bytes, sampled every 5 ms
	Alloc       uint64        // bytes allocated during the row
	MaxAlloc    uint64        // target; 0: none
	Note        string
	Stats       map[string]int
}

// requestsOK reports whether the row meets its request target.
func (r row) requestsOK() bool { return r.MaxRequests < 0 || r.Requests <= r.MaxRequests }

// world is a simulator with latency and a workspace directory for the CLI.
type world struct {
	srv     *sim.Server
	base    string
	dir     string
	latency time.Duration
}

const benchToken = "bench-token"

// benchRecordQuota is the record quota of the bench's Free zones, raised above the
// 1,000 of Free zones created before September 2024: a row of 1,000 records plus the
// apply lock's record would not fit in those (batches stay at the Free plan's 200).
const benchRecordQuota = 3500

func newWorld(latency time.Duration, zones ...string) (*world, error) {
	srv, err := sim.New(sim.Options{Token: benchToken, Zones: zones, RecordQuota: benchRecordQuota})
	if err != nil {
		return nil, err
	}
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "launchready-bench-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	return &world{srv: srv, base: base, dir: dir, latency: latency}, nil
}

func (w *world) close() {
	w.srv.Close()
	os.RemoveAll(w.dir)
}

// run runs the launchready CLI in-process, as a user would from w.dir.
func (w *world) run(args ...string) (int, string, error) {
	// The CLI reads its environment and works in the current directory (snapshots,
	// the DNS map): rows run one at a time, so the process's own are set.
	for k, v := range map[string]string{"CLOUDFLARE_BASE_URL": w.base, "CLOUDFLARE_API_TOKEN": benchToken, "NO_COLOR": "1",
		"LAUNCHREADY_CLOUDFLARE_RECORD_QUOTA": strconv.Itoa(benchRecordQuota)} {
		if err := os.Setenv(k, v); err != nil {
			return 0, "", err
		}
	}
	if err := os.Chdir(w.dir); err != nil {
		return 0, "", err
	}
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String() + errb.String(), nil
}

func (w *world) writeConfig(src string) error {
	return os.WriteFile(filepath.Join(w.dir, "launch.hcl"), []byte(src), 0o644)
}

// measured runs f with the simulator's latency on, counting requests and sampling
// the heap.
func (w *world) measured(f func() error) (int, sampled, map[string]int, error) {
	w.srv.ClearFaults()
	if w.latency > 0 {
		w.srv.InjectFault(sim.Fault{Latency: w.latency})
	}
	w.srv.ResetStats()
	defer w.srv.ClearFaults()
	stopProfile := startProfile()
	m, err := sample(f)
	stopProfile()
	st := w.srv.Stats()
	n := 0
	for _, c := range st {
		n += c
	}
	return n, m, st, err
}

// sampled is what sample measured.
type sampled struct {
	wall, cpu   time.Duration
	peak, alloc uint64
}

// sample runs f, measuring wall time, the process's CPU time, the peak heap in use
// and bytes allocated.
func sample(f func() error) (sampled, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	var peak atomic.Uint64
	peak.Store(ms.HeapAlloc)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				var m runtime.MemStats
				runtime.ReadMemStats(&m)
				if m.HeapAlloc > peak.Load() {
					peak.Store(m.HeapAlloc)
				}
			}
		}
	}()
	start, cpu := time.Now(), processCPU()
	err := f()
	wall, cpu := time.Since(start), processCPU()-cpu
	close(stop)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > peak.Load() {
		peak.Store(ms.HeapAlloc)
	}
	return sampled{wall: wall, cpu: cpu, peak: peak.Load(), alloc: ms.TotalAlloc - before}, err
}

// recordsConfig declares n A records in each zone.
func recordsConfig(zones []string, n int, skip func(i int) bool, value func(i int) string) string {
	var b strings.Builder
	for _, z := range zones {
		fmt.Fprintf(&b, "zone %q {\n", z)
		for i := 0; i < n; i++ {
			if skip != nil && skip(i) {
				continue
			}
			v := fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256)
			if value != nil {
				v = value(i)
			}
			fmt.Fprintf(&b, "  record \"h%04d\" \"A\" { value = %q }\n", i, v)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

func (w *world) mustRun(want int, args ...string) error {
	code, out, err := w.run(args...)
	if err != nil {
		return err
	}
	if code != want {
		return fmt.Errorf("launchready %s: exit %d, want %d\n%s", strings.Join(args, " "), code, want, out)
	}
	return nil
}

func zoneNames(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("client%d.example", i))
	}
	return out
}

// rowPlan measures `plan` of zones × 1,000 in-sync records.
func rowPlan(latency time.Duration, zones int, maxReq int, maxWall time.Duration) (row, error) {
	names := zoneNames(zones)
	w, err := newWorld(latency, names...)
	if err != nil {
		return row{}, err
	}
	defer w.close()
	if err := w.writeConfig(recordsConfig(names, 1000, nil, nil)); err != nil {
		return row{}, err
	}
	if err := w.mustRun(0, "apply", "--auto-approve", "--no-verify"); err != nil {
		return row{}, err
	}
	n, m, st, err := w.measured(func() error { return w.mustRun(0, "plan", "--detailed-exitcode", "--no-email-check") })
	r := row{Name: fmt.Sprintf("plan %d zone(s) × 1,000 records, records only", zones), Requests: n, MaxRequests: maxReq, Wall: m.wall, MaxWall: maxWall, CPU: m.cpu, PeakHeap: m.peak, Alloc: m.alloc, Stats: st}
	return r, err
}

// rowCreate measures `apply` creating 1,000 records in an empty zone (200 per batch).
func rowCreate(latency time.Duration) (row, error) {
	w, err := newWorld(latency, "example.com")
	if err != nil {
		return row{}, err
	}
	defer w.close()
	if err := w.writeConfig(recordsConfig([]string{"example.com"}, 1000, nil, nil)); err != nil {
		return row{}, err
	}
	n, m, st, err := w.measured(func() error { return w.mustRun(0, "apply", "--auto-approve", "--no-verify") })
	return row{Name: "create 1,000 records (Free zone, 200 per batch)", Requests: n, MaxRequests: 7, Wall: m.wall, CPU: m.cpu, PeakHeap: m.peak, Alloc: m.alloc, Stats: st,
		Note: "8 is the floor with any apply lock (issue 11): the 1,000 creates fill 5 batches of 200, the lock's writes need a sixth (997 records: 7)"}, err
}

// rowMixed measures `apply --no-verify` of 31 mixed changes (10 adds, 10 value
// changes, 11 deletes) on a 100-record zone, beyond what `plan` alone reads.
func rowMixed(latency time.Duration) (row, error) {
	w, err := newWorld(latency, "example.com")
	if err != nil {
		return row{}, err
	}
	defer w.close()
	zs := []string{"example.com"}
	if err := w.writeConfig(recordsConfig(zs, 100, func(i int) bool { return i >= 90 }, nil)); err != nil {
		return row{}, err
	}
	if err := w.mustRun(0, "apply", "--auto-approve", "--no-verify"); err != nil {
		return row{}, err
	}
	// Now: h0090–h0099 are added, h0000–h0009 change value, h0010–h0020 are deleted.
	next := recordsConfig(zs, 100, func(i int) bool { return i >= 10 && i <= 20 }, func(i int) string {
		if i < 10 {
			return fmt.Sprintf("192.0.2.%d", i+1)
		}
		return fmt.Sprintf("10.0.%d.%d", i/256%256, i%256)
	})
	if err := w.writeConfig(next); err != nil {
		return row{}, err
	}
	planN, _, _, err := w.measured(func() error { return w.mustRun(2, "plan", "--detailed-exitcode", "--no-email-check") })
	if err != nil {
		return row{}, err
	}
	n, m, st, err := w.measured(func() error {
		return w.mustRun(0, "apply", "--auto-approve", "--no-verify", "--allow-mass-changes")
	})
	return row{Name: "apply 31 mixed changes, --no-verify (requests beyond plan's reads)", Requests: n - planN, MaxRequests: 3, Wall: m.wall, CPU: m.cpu, PeakHeap: m.peak, Alloc: m.alloc, Stats: st,
		Note: fmt.Sprintf("apply %d requests, plan %d", n, planN)}, err
}

// rowCompute measures plan.Compute of 100,000 in-sync records (no API).
func rowCompute() (row, error) {
	const n = 100000
	// Built directly: a 100,000-record launch.hcl is over the 1 MiB file limit.
	z := &schema.Zone{Name: "example.com", Provider: "cloudflare", ProviderKind: "cloudflare"}
	for i := 0; i < n; i++ {
		z.Records = append(z.Records, &schema.Record{RRSet: model.RRSet{
			Name: fmt.Sprintf("h%06d.example.com", i), Type: "A", TTL: 300, Origin: "record",
			Values: []string{fmt.Sprintf("10.%d.%d.%d", i/65536%256, i/256%256, i%256)},
		}})
	}
	cfg := &schema.Config{Zones: []*schema.Zone{z}}
	// Live state in sync: the plan against an empty zone, applied.
	empty := map[string]*model.LiveZone{"example.com": {Name: "example.com"}}
	p, err := plan.Compute(cfg, empty)
	if err != nil {
		return row{}, err
	}
	lz := &model.LiveZone{Name: "example.com"}
	for i, op := range p.Zones[0].RecordOps {
		r := *op.After
		r.ID = fmt.Sprintf("r%d", i)
		lz.Records = append(lz.Records, r)
	}
	live := map[string]*model.LiveZone{"example.com": lz}
	var again *plan.Plan
	m, err := sample(func() error {
		var err error
		again, err = plan.Compute(cfg, live)
		return err
	})
	if err == nil && again.HasChanges() {
		err = fmt.Errorf("an in-sync zone planned changes")
	}
	return row{Name: "Compute of 100,000 in-sync records (CPU)", Requests: -1, MaxRequests: -1, Wall: m.wall, MaxWall: 500 * time.Millisecond, CPU: m.cpu, PeakHeap: m.peak, Alloc: m.alloc, MaxAlloc: 150 << 20}, err
}

// rowBigFile measures loading a 10 MB launch.hcl (refused over the size limit).
func rowBigFile() (row, error) {
	dir, err := os.MkdirTemp("", "launchready-bench-")
	if err != nil {
		return row{}, err
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "launch.hcl")
	f, err := os.Create(p)
	if err != nil {
		return row{}, err
	}
	line := "  record \"h\" \"TXT\" { value = \"" + strings.Repeat("x", 60) + "\" }\n"
	io.WriteString(f, "zone \"example.com\" {\n")
	for written := 0; written < 10<<20; written += len(line) {
		io.WriteString(f, line)
	}
	io.WriteString(f, "}\n")
	f.Close()
	var msg string
	m, err := sample(func() error {
		_, diags := schema.LoadFile(p, schema.Options{})
		if !diags.HasErrors() {
			return fmt.Errorf("a 10 MB launch.hcl was accepted")
		}
		msg = schema.DiagnosticString(diags[0])
		return nil
	})
	return row{Name: "a 10 MB launch.hcl", Requests: -1, MaxRequests: -1, Wall: m.wall, MaxWall: 2 * time.Second, CPU: m.cpu, PeakHeap: m.peak, Alloc: m.alloc, Note: msg}, err
}
