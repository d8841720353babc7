// Package testbind starts a throwaway BIND9 primary server (`named`) on loopback for
// tests of code that talks standard DNS: AXFR, TSIG and RFC 2136 dynamic UPDATE. It
// follows the project's recipe (../shared/bind9-test-server.md): everything lives in one
// t.TempDir(), named listens on 127.0.0.1 on a free high port only, with
// `dnssec-validation no` (so it never queries the real root servers), no control
// channel, and one worker thread.
//
// It is not a DNS library and not a fake: tests get a real named, and use
// github.com/miekg/dns (or the code under test) to talk to it. It is for tests only.
//
// Usage:
//
//	testbind.Require(t) // skip (or fail when CI=true) without named
//	srv := testbind.Start(t, "example.test", "www IN A 192.0.2.1\n")
//	// srv.Addr, srv.KeyName, srv.Algorithm, srv.Secret configure the client under test.
//	srv.Update(t, []string{"new.example.test. 300 IN A 192.0.2.9"}, nil) // out-of-band edit
//
// Finding named: Require and Start look up `named` on PATH, then in /usr/sbin and
// /usr/local/sbin (Debian installs it in /usr/sbin, which an unprivileged user's PATH
// often lacks). In CI (CI=true) a missing named is a test failure, not a skip, so a
// missing `apt-get install bind9` step cannot hide behind green skips.
//
// Privileges: named runs as the test's own uid. t.TempDir() is owned by that uid, which
// is what named needs: as root, named drops CAP_DAC_OVERRIDE and could not read a
// directory owned by another user (recipe pitfall 2), but a root-owned 0700 directory
// is readable by a root named through ordinary owner permissions.
package testbind

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// Server is a running named serving one zone.
type Server struct {
	// Addr is named's address, "127.0.0.1:<port>" (UDP and TCP).
	Addr string
	// Zone is the served zone, canonical (lower case, no trailing dot).
	Zone string
	// KeyName is the TSIG key's name as an FQDN ("test-key.").
	KeyName string
	// Secret is the TSIG key's base64 secret (random per server).
	Secret string
	// Algorithm is the TSIG algorithm in BIND's spelling ("hmac-sha256").
	Algorithm string
	// Dir holds named.conf, the zone file, its journal and named.log.
	Dir string

	cmd    *exec.Cmd
	exited chan struct{} // closed when named has exited
	logBuf *os.File
}

// Option changes how Start configures named.
type Option func(*options)

type options struct {
	denyUpdate   bool
	denyTransfer bool
}

// DenyUpdate configures the zone with `allow-update { none; }`: every UPDATE, signed or
// not, is answered REFUSED.
func DenyUpdate() Option { return func(o *options) { o.denyUpdate = true } }

// DenyTransfer configures the zone with `allow-transfer { none; }`: every AXFR/IXFR,
// signed or not, is refused.
func DenyTransfer() Option { return func(o *options) { o.denyTransfer = true } }

// keyName and algorithm are fixed; the secret is random per server.
const (
	keyName   = "test-key."
	algorithm = "hmac-sha256"
)

// SOA fields of the generated zone file (serial as written; each UPDATE adds one).
const (
	InitialSerial = 2024010101
	defaultTTL    = 300
)

// candidates are the places named is looked up after PATH.
var candidates = []string{"/usr/sbin/named", "/usr/local/sbin/named"}

// NamedPath returns the path of the named binary, or "" when it is not installed.
func NamedPath() string {
	if p, err := exec.LookPath("named"); err == nil {
		return p
	}
	for _, c := range candidates {
		if fi, err := os.Stat(c); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return c
		}
	}
	return ""
}

// Require stops the test when named is not installed: t.Fatal when the environment
// variable CI is "true" (a CI machine must have it), t.Skip otherwise.
func Require(t testing.TB) {
	t.Helper()
	if NamedPath() != "" {
		return
	}
	const msg = "BIND9 `named` not found on PATH, /usr/sbin or /usr/local/sbin; install it with: " +
		"apt-get install -y bind9 bind9-utils bind9-dnsutils"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: this is a failure, not a skip)")
		return
	}
	t.Skip(msg)
}

// Start writes a named.conf and a zone file for zone into a fresh t.TempDir(), starts
// named on a free loopback port and waits until it answers the zone's SOA. named is
// stopped in t.Cleanup; when the test failed, named.log is written to the test log.
//
// The zone file is generated: `$ORIGIN zone.`, `$TTL 300`, an SOA (serial
// InitialSerial, primary ns1.<zone>), an apex NS ns1.<zone> and `ns1 A 127.0.0.1`
// (an in-zone NS name needs an address, pitfall 4), followed by records, which are
// zone-file lines (relative names are relative to the zone). The zone allows AXFR and
// UPDATE for the TSIG key only, unless opts deny them.
func Start(t testing.TB, zone string, records string, opts ...Option) *Server {
	t.Helper()
	Require(t)
	var o options
	for _, f := range opts {
		f(&o)
	}
	zone = strings.ToLower(strings.TrimSuffix(zone, "."))
	secretBytes := make([]byte, 32)
	if _, err := rand.Read(secretBytes); err != nil {
		t.Fatalf("testbind: generating a TSIG secret: %v", err)
	}
	s := &Server{
		Zone:      zone,
		KeyName:   keyName,
		Secret:    base64.StdEncoding.EncodeToString(secretBytes),
		Algorithm: algorithm,
		Dir:       t.TempDir(),
	}
	zoneFile := filepath.Join(s.Dir, zone+".db")
	if err := os.WriteFile(zoneFile, []byte(zoneFileText(zone, records)), 0o600); err != nil {
		t.Fatalf("testbind: writing zone file: %v", err)
	}
	checkZone(t, zone, zoneFile)

	// A free port can be taken by someone else between picking and binding; retry
	// with a new one when named reports the address in use.
	var lastLog string
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		conf := namedConf(s.Dir, port, zone, zoneFile, s.Secret, o)
		if err := os.WriteFile(filepath.Join(s.Dir, "named.conf"), []byte(conf), 0o600); err != nil {
			t.Fatalf("testbind: writing named.conf: %v", err)
		}
		err := s.start(t)
		if err == nil {
			return s
		}
		lastLog = s.readLog()
		if !strings.Contains(lastLog, "address in use") {
			t.Fatalf("testbind: named did not start: %v\nnamed.log:\n%s", err, lastLog)
		}
	}
	t.Fatalf("testbind: named could not bind a free port after 5 attempts\nnamed.log:\n%s", lastLog)
	return nil
}

// start launches named with the current named.conf and waits for readiness. On
// failure named has been stopped and the error says why.
func (s *Server) start(t testing.TB) error {
	t.Helper()
	logPath := filepath.Join(s.Dir, "named.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return fmt.Errorf("creating named.log: %w", err)
	}
	// -g: foreground, log to stderr (named.log here); -4: IPv4 sockets only; -n 1: one
	// worker thread on these small machines. (-f would keep the config's logging
	// statement instead; -g needs none, so it is not used.)
	cmd := exec.Command(NamedPath(), "-g", "-4", "-n", "1", "-c", filepath.Join(s.Dir, "named.conf"))
	cmd.Dir = s.Dir
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("starting %s: %w", cmd.Path, err)
	}
	s.cmd, s.logBuf = cmd, logFile
	s.exited = make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()

	deadline := time.Now().Add(20 * time.Second)
	for {
		if s.ready() {
			break
		}
		select {
		case <-s.exited:
			logFile.Close()
			return fmt.Errorf("named exited before it was ready (%v)", cmd.ProcessState)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return fmt.Errorf("named did not answer the SOA of %s on %s within 20s", s.Zone, s.Addr)
		}
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("testbind: named.log of %s (%s):\n%s", s.Zone, s.Addr, s.readLog())
		}
	})
	return nil
}

// ready reports whether named answers the zone's SOA authoritatively.
func (s *Server) ready() bool {
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(s.Zone), dns.TypeSOA)
	m.RecursionDesired = false
	c := &dns.Client{Net: "udp", Timeout: 500 * time.Millisecond}
	r, _, err := c.Exchange(m, s.Addr)
	return err == nil && r.Rcode == dns.RcodeSuccess && r.Authoritative && len(r.Answer) > 0
}

// stop sends SIGTERM and waits (up to 10 s, then SIGKILL) for named to exit.
func (s *Server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.exited:
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	}
	if s.logBuf != nil {
		s.logBuf.Close()
		s.logBuf = nil
	}
}

// Log returns named's log so far.
func (s *Server) Log() string { return s.readLog() }

func (s *Server) readLog() string {
	b, err := os.ReadFile(filepath.Join(s.Dir, "named.log"))
	if err != nil {
		return fmt.Sprintf("(cannot read named.log: %v)", err)
	}
	return string(b)
}

// TsigSecrets returns the map miekg/dns clients take as TsigSecret.
func (s *Server) TsigSecrets() map[string]string { return map[string]string{s.KeyName: s.Secret} }

// Update applies an out-of-band dynamic update, as `nsupdate` would: the RRs in del
// are removed one by one (RFC 2136 §2.5.4), then the RRs in add are inserted
// (§2.5.1), in one TSIG-signed message over TCP. RRs are zone-file lines with absolute
// names ("x.example.test. 300 IN A 192.0.2.1"). The test fails unless the server
// answers NOERROR.
func (s *Server) Update(t testing.TB, add, del []string) {
	t.Helper()
	u := new(dns.Msg)
	u.SetUpdate(dns.Fqdn(s.Zone))
	if rrs := parseRRs(t, del); len(rrs) > 0 {
		u.Remove(rrs)
	}
	if rrs := parseRRs(t, add); len(rrs) > 0 {
		u.Insert(rrs)
	}
	r := s.Exchange(t, u)
	if r.Rcode != dns.RcodeSuccess {
		t.Fatalf("testbind: out-of-band update of %s: %s", s.Zone, dns.RcodeToString[r.Rcode])
	}
}

// Exchange signs m with the server's key (SetTsig last) and sends it over TCP,
// returning the answer; a transport or TSIG error fails the test.
func (s *Server) Exchange(t testing.TB, m *dns.Msg) *dns.Msg {
	t.Helper()
	m.SetTsig(s.KeyName, dns.HmacSHA256, 300, time.Now().Unix())
	c := &dns.Client{Net: "tcp", Timeout: 5 * time.Second, TsigSecret: s.TsigSecrets()}
	r, _, err := c.Exchange(m, s.Addr)
	if err != nil {
		t.Fatalf("testbind: exchange with %s: %v", s.Addr, err)
	}
	return r
}

// Query asks the server (no recursion, UDP) for name's RRs of type qtype, and returns
// the answer section. name is absolute, with or without a trailing dot.
func (s *Server) Query(t testing.TB, name string, qtype uint16) []dns.RR {
	t.Helper()
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.RecursionDesired = false
	c := &dns.Client{Net: "tcp", Timeout: 5 * time.Second}
	r, _, err := c.Exchange(m, s.Addr)
	if err != nil {
		t.Fatalf("testbind: query %s %s at %s: %v", name, dns.TypeToString[qtype], s.Addr, err)
	}
	if r.Rcode != dns.RcodeSuccess && r.Rcode != dns.RcodeNameError {
		t.Fatalf("testbind: query %s %s at %s: %s", name, dns.TypeToString[qtype], s.Addr, dns.RcodeToString[r.Rcode])
	}
	return r.Answer
}

// Serial returns the zone's current SOA serial.
func (s *Server) Serial(t testing.TB) uint32 {
	t.Helper()
	for _, rr := range s.Query(t, s.Zone, dns.TypeSOA) {
		if soa, ok := rr.(*dns.SOA); ok {
			return soa.Serial
		}
	}
	t.Fatalf("testbind: %s has no SOA at %s", s.Zone, s.Addr)
	return 0
}

// AXFR transfers the whole zone with TSIG and returns its RRs (SOA first and last).
func (s *Server) AXFR(t testing.TB) []dns.RR {
	t.Helper()
	m := new(dns.Msg)
	m.SetAxfr(dns.Fqdn(s.Zone))
	m.SetTsig(s.KeyName, dns.HmacSHA256, 300, time.Now().Unix())
	tr := &dns.Transfer{TsigSecret: s.TsigSecrets()}
	ch, err := tr.In(m, s.Addr)
	if err != nil {
		t.Fatalf("testbind: AXFR %s from %s: %v", s.Zone, s.Addr, err)
	}
	var out []dns.RR
	var failed error
	for env := range ch {
		if env.Error != nil && failed == nil {
			failed = env.Error
		}
		out = append(out, env.RR...)
	}
	if failed != nil {
		t.Fatalf("testbind: AXFR %s from %s: %v", s.Zone, s.Addr, failed)
	}
	return out
}

func parseRRs(t testing.TB, lines []string) []dns.RR {
	t.Helper()
	var out []dns.RR
	for _, l := range lines {
		rr, err := dns.NewRR(l)
		if err != nil || rr == nil {
			t.Fatalf("testbind: bad RR %q: %v", l, err)
		}
		out = append(out, rr)
	}
	return out
}

// zoneFileText is the zone file: the fixed head, then the caller's lines.
func zoneFileText(zone, records string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "$ORIGIN %s.\n$TTL %d\n", zone, defaultTTL)
	fmt.Fprintf(&b, "@ IN SOA ns1.%s. hostmaster.%s. ( %d 3600 600 86400 300 )\n", zone, zone, InitialSerial)
	fmt.Fprintf(&b, "@ IN NS ns1.%s.\n", zone)
	b.WriteString("ns1 IN A 127.0.0.1\n")
	b.WriteString(records)
	if !strings.HasSuffix(records, "\n") {
		b.WriteString("\n")
	}
	return b.String()
}

// namedConf follows the recipe: every path inside dir, loopback only, no control
// channel, no DNSSEC validation (else named queries the real root servers), no notify.
func namedConf(dir string, port int, zone, zoneFile, secret string, o options) string {
	update, transfer := `key "test-key"`, `key "test-key"`
	if o.denyUpdate {
		update = "none"
	}
	if o.denyTransfer {
		transfer = "none"
	}
	return fmt.Sprintf(`key "test-key" {
    algorithm %[1]s;
    secret "%[2]s";
};

options {
    directory "%[3]s";
    pid-file "%[3]s/named.pid";
    session-keyfile "%[3]s/session.key";
    managed-keys-directory "%[3]s";
    listen-on port %[4]d { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    allow-query { any; };
    dnssec-validation no;
    notify no;
};

controls { };

zone "%[5]s" {
    type primary;
    file "%[6]s";
    journal "%[6]s.jnl";
    allow-update { %[7]s; };
    allow-transfer { %[8]s; };
};
`, algorithm, secret, dir, port, zone, zoneFile, update, transfer)
}

// checkZone runs named-checkzone when it is installed, so a typo in a test's records
// fails with the checker's message rather than a readiness timeout.
func checkZone(t testing.TB, zone, file string) {
	t.Helper()
	p, err := exec.LookPath("named-checkzone")
	if err != nil {
		return
	}
	out, err := exec.Command(p, zone, file).CombinedOutput()
	if err != nil {
		zf, _ := os.ReadFile(file)
		t.Fatalf("testbind: zone file for %s is invalid: %v\n%s\nzone file:\n%s", zone, err, out, zf)
	}
}

// freePort returns a loopback port that was free for both UDP and TCP a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	for i := 0; i < 20; i++ {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("testbind: picking a port: %v", err)
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err != nil {
			if errors.Is(err, syscall.EADDRINUSE) {
				continue
			}
			t.Fatalf("testbind: picking a port: %v", err)
		}
		l.Close()
		return port
	}
	t.Fatalf("testbind: no port free for both UDP and TCP after 20 tries")
	return 0
}
