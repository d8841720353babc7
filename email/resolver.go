package email

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// Resolver is the DNS that SPF evaluation (CheckHost) and the online analysis (Analyze)
// read. Implementations: NewDNSResolver (real DNS through miekg/dns) and
// MemoryResolver (an in-memory DNS for tests and for analysing records before they are
// published).
//
// Names are given without a trailing dot and must be compared case-insensitively. A
// lookup returns the records found, or an error that tells the three failures apart,
// as RFC 7208 requires:
//
//   - the name does not exist: an error matching ErrNXDomain (errors.Is);
//   - the name exists but has no record of the type: an error matching ErrNoData, or
//     an empty result with a nil error (both mean NODATA);
//   - anything else (timeout, SERVFAIL, REFUSED, network error, cancelled context): a
//     temporary error; wrapping ErrTemporary is preferred but any other error counts.
//
// A resolver follows CNAME chains as a recursive resolver does.
type Resolver interface {
	// LookupTXT returns one string per TXT record, its character-strings joined
	// without separator (RFC 7208 §3.3).
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupA(ctx context.Context, name string) ([]net.IP, error)
	LookupAAAA(ctx context.Context, name string) ([]net.IP, error)
	LookupMX(ctx context.Context, name string) ([]MX, error)
	// LookupPTR takes the reverse name ("4.3.2.1.in-addr.arpa", see ReverseName).
	LookupPTR(ctx context.Context, name string) ([]string, error)
}

// MX is one mail exchanger. Host has no trailing dot; "" is the null MX (RFC 7505).
type MX struct {
	Preference uint16
	Host       string
}

// The kinds of failed lookup. Resolvers return them wrapped in a *LookupError.
var (
	ErrNXDomain  = errors.New("no such domain (NXDOMAIN)")
	ErrNoData    = errors.New("no record of that type (NODATA)")
	ErrTemporary = errors.New("temporary DNS failure")
)

// LookupError is a failed lookup: Kind is ErrNXDomain, ErrNoData or ErrTemporary;
// Cause, when set, is the underlying error (a timeout, an rcode).
type LookupError struct {
	Name  string
	Type  string
	Kind  error
	Cause error
}

func (e *LookupError) Error() string {
	msg := fmt.Sprintf("looking up %s %s: %v", e.Name, e.Type, e.Kind)
	if e.Cause != nil {
		msg += ": " + e.Cause.Error()
	}
	return msg
}

// Unwrap lets errors.Is match both the kind and the cause.
func (e *LookupError) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Kind, e.Cause}
	}
	return []error{e.Kind}
}

// lookupKind classifies a lookup result: nil when records were found, else ErrNXDomain,
// ErrNoData or ErrTemporary. An empty answer with a nil error is NODATA.
func LookupKind(n int, err error) error {
	switch {
	case err == nil && n > 0:
		return nil
	case err == nil:
		return ErrNoData
	case errors.Is(err, ErrNXDomain):
		return ErrNXDomain
	case errors.Is(err, ErrNoData):
		return ErrNoData
	default:
		return ErrTemporary
	}
}

// isVoid reports whether a lookup kind is a "void lookup" (RFC 7208 §4.6.4).
func IsVoid(kind error) bool { return kind == ErrNXDomain || kind == ErrNoData }

// ReverseName returns the PTR query name of ip: "4.3.2.1.in-addr.arpa" for 1.2.3.4,
// nibbles under "ip6.arpa" for IPv6 (lower case).
func ReverseName(ip net.IP) string {
	if v4 := ip.To4(); v4 != nil {
		return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa", v4[3], v4[2], v4[1], v4[0])
	}
	return strings.ToLower(nibbles(ip.To16(), true)) + ".ip6.arpa"
}

// nibbles writes the 32 hex nibbles of a 16-byte address separated by dots, upper
// case (the SPF %{i} form), reversed when rev is set.
func nibbles(ip net.IP, rev bool) string {
	const hexdigits = "0123456789ABCDEF"
	parts := make([]string, 0, 32)
	for _, b := range ip {
		parts = append(parts, string(hexdigits[b>>4]), string(hexdigits[b&0xf]))
	}
	if rev {
		for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
			parts[i], parts[j] = parts[j], parts[i]
		}
	}
	return strings.Join(parts, ".")
}

// CanonicalDNSName lower-cases a name and removes one trailing dot.
func CanonicalDNSName(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
}
