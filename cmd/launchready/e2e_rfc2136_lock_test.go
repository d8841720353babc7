package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/internal/testbind"
	"github.com/launchready/launchready/ownership"
)

// updateGate is a DNS-over-TCP proxy in front of named. While armed, it holds every
// UPDATE that writes anything but the apply lock, without forwarding it: an apply
// that took its lock then waits on its first record write, where a test kills it.
// Everything else (queries, AXFR, the lock's own UPDATE) passes through.
type updateGate struct {
	addr     string
	upstream string
	held     chan struct{} // one value per UPDATE held
	mu       sync.Mutex
	armed    bool
	done     chan struct{} // closed on cleanup: held connections are dropped
}

func startUpdateGate(t *testing.T, upstream string) *updateGate {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := &updateGate{addr: ln.Addr().String(), upstream: upstream, held: make(chan struct{}, 16), done: make(chan struct{})}
	t.Cleanup(func() { close(g.done); ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go g.serve(c)
		}
	}()
	return g
}

func (g *updateGate) arm(on bool) {
	g.mu.Lock()
	g.armed = on
	g.mu.Unlock()
}

// serve relays one client connection message by message (two-byte length prefix).
func (g *updateGate) serve(c net.Conn) {
	defer c.Close()
	up, err := net.Dial("tcp", g.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	go io.Copy(c, up)
	for {
		var n uint16
		if err := binary.Read(c, binary.BigEndian, &n); err != nil {
			return
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(c, msg); err != nil {
			return
		}
		g.mu.Lock()
		hold := g.armed && writesRecords(msg)
		g.mu.Unlock()
		if hold {
			g.held <- struct{}{}
			<-g.done
			return
		}
		if err := binary.Write(up, binary.BigEndian, n); err != nil {
			return
		}
		if _, err := up.Write(msg); err != nil {
			return
		}
	}
}

// writesRecords reports whether msg is an UPDATE touching a name other than a lock.
func writesRecords(msg []byte) bool {
	m := new(dns.Msg)
	if m.Unpack(msg) != nil || m.Opcode != dns.OpcodeUpdate {
		return false
	}
	for _, rr := range m.Ns {
		if !ownership.IsLockName(strings.TrimSuffix(strings.ToLower(rr.Header().Name), ".")) {
			return true
		}
	}
	return false
}

// zoneContent is the zone as named serves it (AXFR), without the SOA and the lock,
// one sorted line per record.
func zoneContent(t *testing.T, srv *testbind.Server) []string {
	t.Helper()
	var out []string
	for _, rr := range srv.AXFR(t) {
		if rr.Header().Rrtype == dns.TypeSOA || ownership.IsLockName(strings.TrimSuffix(rr.Header().Name, ".")) {
			continue
		}
		out = append(out, rr.String())
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// An RFC 2136 apply killed (SIGKILL) while it holds the zone's lock, after the lock's
// UPDATE and before its record UPDATE reached named: the zone is unchanged but for the
// lock; the next apply is refused naming the dead holder (pid); unlock refuses a young
// lock and --force breaks it; the next apply converges. Hand-made records are never
// touched and every declared record keeps its ownership mark.
func TestRFC2136LockAfterSIGKILL(t *testing.T) {
	testbind.Require(t)
	t.Parallel()
	const zone = "lock.example"
	srv := testbind.Start(t, zone, "hand IN A 192.0.2.200\nteam IN CNAME other.example.net.\n")
	gate := startUpdateGate(t, srv.Addr)
	provider := fmt.Sprintf("provider \"rfc2136\" \"corp\" {\n  server          = %q\n  tsig_key        = %q\n  tsig_algorithm  = %q\n  tsig_secret_env = %q\n}\n", gate.addr, srv.KeyName, srv.Algorithm, tsigEnv)
	cfg := func(base int) string {
		s := provider + "zone \"" + zone + "\" {\n  provider = \"rfc2136.corp\"\n"
		for i := 0; i < 4; i++ {
			s += fmt.Sprintf("  record \"a%d\" \"A\" { value = \"192.0.2.%d\" }\n", i, base+i)
		}
		return s + "}\n"
	}
	w := &workspace{t: t, dir: t.TempDir(), env: []string{tsigEnv + "=" + srv.Secret}}
	w.write("launch.hcl", cfg(10))
	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	w.mustRun(0, "plan", "--detailed-exitcode")

	// checkOwned: the hand-made records are as they were, and every declared record
	// is served with its ownership mark beside it.
	checkOwned := func(when string, base int) {
		t.Helper()
		if got := srv.Query(t, "hand."+zone, dns.TypeA); len(got) != 1 || got[0].(*dns.A).A.String() != "192.0.2.200" {
			t.Errorf("%s: the hand-made hand A changed: %v", when, got)
		}
		if got := srv.Query(t, "team."+zone, dns.TypeCNAME); len(got) != 1 || got[0].(*dns.CNAME).Target != "other.example.net." {
			t.Errorf("%s: the hand-made team CNAME changed: %v", when, got)
		}
		for i := 0; i < 4; i++ {
			name := fmt.Sprintf("a%d.%s", i, zone)
			if got := srv.Query(t, name, dns.TypeA); len(got) != 1 || got[0].(*dns.A).A.String() != fmt.Sprintf("192.0.2.%d", base+i) {
				t.Errorf("%s: %s A is %v, want 192.0.2.%d", when, name, got, base+i)
			}
			if marks := srv.Query(t, "_launchready."+name, dns.TypeTXT); len(marks) == 0 {
				t.Errorf("%s: %s has no ownership mark", when, name)
			}
		}
	}
	checkOwned("after the first apply", 10)
	before := zoneContent(t, srv)

	w.write("launch.hcl", cfg(100))
	gate.arm(true)
	cmd, out := (&faultWorld{workspace: w}).start(nil, "apply", "--auto-approve", "--no-verify")
	select {
	case <-gate.held:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the apply never sent its record UPDATE:\n%s", out)
	}
	lock := srv.Query(t, ownership.LockName(zone), dns.TypeTXT)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	gate.arm(false)
	if len(lock) != 1 || !strings.Contains(fmt.Sprint(lock[0]), fmt.Sprintf("pid=%d", cmd.Process.Pid)) {
		t.Fatalf("while its record UPDATE was held, the apply's lock was %v, want one naming pid %d", lock, cmd.Process.Pid)
	}
	if got := zoneContent(t, srv); strings.Join(got, "\n") != strings.Join(before, "\n") {
		t.Errorf("the killed apply changed the zone:\nbefore:\n%s\nafter:\n%s", strings.Join(before, "\n"), strings.Join(got, "\n"))
	}
	checkOwned("after SIGKILL", 10)

	r := w.run(nil, "apply", "--auto-approve", "--no-verify")
	if r.code != 1 || !strings.Contains(r.stderr, "is locked by another apply") || !strings.Contains(r.stderr, fmt.Sprintf("(pid %d)", cmd.Process.Pid)) {
		t.Errorf("apply beside a dead apply's lock: exit %d, want 1 naming pid %d\n%s", r.code, cmd.Process.Pid, r.stderr)
	}
	if r := w.run(nil, "unlock", zone); r.code != 1 || !strings.Contains(r.stderr, "younger than") {
		t.Errorf("unlock of a young lock: exit %d\n%s", r.code, r.stderr)
	}
	if got := srv.Query(t, ownership.LockName(zone), dns.TypeTXT); len(got) != 1 {
		t.Errorf("the refused apply and unlock changed the lock: %v", got)
	}
	r = w.mustRun(0, "unlock", zone, "--force")
	if !strings.Contains(r.stdout, "Broke the apply lock") || !strings.Contains(r.stdout, fmt.Sprintf("(pid %d)", cmd.Process.Pid)) {
		t.Errorf("unlock --force does not say whose lock it broke:\n%s", r.stdout)
	}
	if got := srv.Query(t, ownership.LockName(zone), dns.TypeTXT); len(got) != 0 {
		t.Errorf("unlock --force left the lock: %v", got)
	}

	w.mustRun(0, "apply", "--auto-approve", "--no-verify")
	if r := w.mustRun(0, "plan", "--detailed-exitcode"); !strings.Contains(r.stdout, "No changes") {
		t.Errorf("plan after the converging apply:\n%s", r.stdout)
	}
	checkOwned("after converging", 100)
	if got := srv.Query(t, ownership.LockName(zone), dns.TypeTXT); len(got) != 0 {
		t.Errorf("the converging apply left its lock: %v", got)
	}
}
