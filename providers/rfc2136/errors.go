package rfc2136

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"

	"github.com/miekg/dns"
)

// Sentinel errors, for errors.Is on what ReadZone and ApplyRecords return. The
// returned *Error carries the full message (server, zone, what to do).
var (
	// ErrZoneChanged: the zone's SOA serial is no longer the one read, so the apply
	// stopped before changing anything (the UPDATE prerequisite failed). Re-run plan.
	ErrZoneChanged = errors.New("zone changed since it was read")
	// ErrTSIG: the server rejected our TSIG signature (wrong secret, unknown key, clock
	// skew), or its answer did not verify with our secret.
	ErrTSIG = errors.New("TSIG authentication failed")
	// ErrRefused: the server refused the transfer or update (its ACL does not allow
	// this key, or it does not serve the zone).
	ErrRefused = errors.New("refused by the server")
	// ErrUnreachable: no TCP connection or no answer in time.
	ErrUnreachable = errors.New("DNS server unreachable")
)

// Error is the error type of ReadZone and ApplyRecords: it names the operation, the
// zone and the server, says what happened and what to check. Kind is one of the Err*
// sentinels (or nil) and Err the underlying cause (or nil); both are reachable with
// errors.Is / errors.As.
type Error struct {
	Op     string // "reading zone", "updating zone"
	Zone   string
	Server string
	Msg    string
	Kind   error
	Err    error
}

func (e *Error) Error() string {
	return fmt.Sprintf("rfc2136: %s %s on %s: %s", e.Op, e.Zone, e.Server, e.Msg)
}

// Unwrap exposes Kind and Err to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

const (
	opRead   = "reading zone"
	opUpdate = "updating zone"
)

func (p *Provider) newError(op, zone, msg string, kind, cause error) *Error {
	return &Error{Op: op, Zone: zone, Server: p.server, Msg: msg, Kind: kind, Err: cause}
}

// secretHint says where the secret to check lives.
func (p *Provider) secretHint() string {
	if p.secretEnv != "" {
		return "check the secret in $" + p.secretEnv
	}
	return "check the TSIG secret of key " + p.key.name
}

// tsigError explains a TSIG error code the server returned.
func (p *Provider) tsigError(op, zone string, code uint16, cause error) *Error {
	var msg string
	switch code {
	case dns.RcodeBadSig:
		msg = "TSIG verification failed (BADSIG): " + p.secretHint()
	case dns.RcodeBadKey:
		msg = fmt.Sprintf("TSIG verification failed (BADKEY): the server has no key %s with algorithm %s: check tsig_key and tsig_algorithm",
			p.key.name, strings.TrimSuffix(p.key.algorithm, "."))
	case dns.RcodeBadTime:
		msg = "TSIG verification failed (BADTIME): this machine's clock and the server's differ by more than 5 minutes"
	default:
		msg = "TSIG verification failed (" + tsigCodeName(code) + ")"
	}
	return p.newError(op, zone, msg, ErrTSIG, cause)
}

// transportError explains an error from an exchange or a transfer: TSIG problems,
// connection problems, the context, or anything else as it is.
func (p *Provider) transportError(ctx context.Context, op, zone string, err error) *Error {
	var ts *tsigStatusError
	var nerr net.Error
	switch {
	case errors.As(err, &ts):
		return p.tsigError(op, zone, ts.code, err)
	case errors.Is(err, errAnswerMAC):
		return p.newError(op, zone, "TSIG verification of the server's answer failed: it was signed with another secret for key "+p.key.name+": "+p.secretHint(), ErrTSIG, err)
	case errors.Is(err, dns.ErrNoSig):
		return p.newError(op, zone, "the server's answer is not TSIG-signed although the request was (the server may not know key "+p.key.name+")", ErrTSIG, err)
	case ctx.Err() != nil:
		return p.newError(op, zone, "interrupted: "+ctx.Err().Error(), nil, ctx.Err())
	case errors.Is(err, syscall.ECONNREFUSED):
		return p.newError(op, zone, "connection refused: no DNS server is listening on "+p.server+" over TCP", ErrUnreachable, err)
	case errors.As(err, &nerr) && nerr.Timeout():
		return p.newError(op, zone, fmt.Sprintf("no answer within %v (is %s reachable over TCP?)", p.timeout, p.server), ErrUnreachable, err)
	case errors.As(err, new(*net.OpError)), errors.As(err, new(*net.DNSError)):
		return p.newError(op, zone, err.Error(), ErrUnreachable, err)
	}
	return p.newError(op, zone, err.Error(), nil, err)
}

// exchangeError explains an error from a single-message exchange, whose answer r
// (possibly nil) may carry the server's TSIG error code: miekg/dns reports any NOTAUTH
// answer as dns.ErrAuth without looking at it.
func (p *Provider) exchangeError(ctx context.Context, op, zone string, r *dns.Msg, err error) *Error {
	if r != nil {
		if t := r.IsTsig(); t != nil && t.Error != dns.RcodeSuccess {
			return p.tsigError(op, zone, t.Error, err)
		}
		if r.Rcode == dns.RcodeNotAuth {
			return p.newError(op, zone, "the server is not authoritative for the zone (NOTAUTH)", ErrRefused, err)
		}
	}
	return p.transportError(ctx, op, zone, err)
}

// xfrRcode extracts the rcode from miekg/dns's "bad xfr rcode: N" transfer error.
func xfrRcode(err error) (int, bool) {
	_, after, ok := strings.Cut(err.Error(), "bad xfr rcode: ")
	if !ok {
		return 0, false
	}
	n, convErr := strconv.Atoi(strings.TrimSpace(after))
	return n, convErr == nil
}

// transferRcodeError explains a transfer answered with an error rcode.
func (p *Provider) transferRcodeError(zone string, rcode int, cause error) *Error {
	switch rcode {
	case dns.RcodeRefused:
		return p.newError(opRead, zone, fmt.Sprintf("zone transfer refused (REFUSED): check that the server serves %s and that allow-transfer includes key %s", zone, p.key.name), ErrRefused, cause)
	case dns.RcodeNotAuth:
		return p.newError(opRead, zone, "the server is not authoritative for the zone (NOTAUTH)", ErrRefused, cause)
	case dns.RcodeServerFailure:
		return p.newError(opRead, zone, "the server failed (SERVFAIL): the zone may not be loaded; check the server's log", nil, cause)
	}
	return p.newError(opRead, zone, "zone transfer failed: the server answered "+rcodeName(rcode), nil, cause)
}

func rcodeName(rcode int) string {
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return "rcode " + strconv.Itoa(rcode)
}
