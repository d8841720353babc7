package rfc2136

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/miekg/dns"
)

// algorithms maps BIND's algorithm names to the TSIG algorithm domain names and hashes.
var algorithms = map[string]struct {
	name string
	hash func() hash.Hash
}{
	"hmac-sha1":   {dns.HmacSHA1, sha1.New},
	"hmac-sha224": {dns.HmacSHA224, sha256.New224},
	"hmac-sha256": {dns.HmacSHA256, sha256.New},
	"hmac-sha384": {dns.HmacSHA384, sha512.New384},
	"hmac-sha512": {dns.HmacSHA512, sha512.New},
}

// algorithmName returns the TSIG algorithm's domain name ("hmac-sha256.") for a name
// as BIND writes it ("hmac-sha256", any case, trailing dot optional).
func algorithmName(a string) (string, error) {
	k := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(a), "."))
	if k == "" {
		return "", fmt.Errorf("tsig_algorithm is empty (use \"hmac-sha256\")")
	}
	if al, ok := algorithms[k]; ok {
		return al.name, nil
	}
	if strings.HasPrefix(k, "hmac-md5") {
		return "", fmt.Errorf("tsig_algorithm %q is not supported (MD5 is obsolete): make a new key with `tsig-keygen -a hmac-sha256`", a)
	}
	return "", fmt.Errorf("tsig_algorithm %q is not one of hmac-sha256, hmac-sha512, hmac-sha384, hmac-sha224, hmac-sha1", a)
}

// tsigKey signs requests and verifies answers (dns.TsigProvider). Unlike miekg/dns's
// map-based provider it matches the key name case-insensitively and reports the
// server's TSIG error code (BADSIG, BADKEY, BADTIME) as a tsigStatusError, so errors
// can say what is wrong.
type tsigKey struct {
	name      string // lower-case FQDN
	algorithm string // TSIG algorithm domain name, e.g. dns.HmacSHA256
	secret    []byte
}

var _ dns.TsigProvider = (*tsigKey)(nil)

// String never shows the secret.
func (k *tsigKey) String() string { return k.name + " (" + k.algorithm + ")" }

func (k *tsigKey) mac(msg []byte, t *dns.TSIG) ([]byte, error) {
	if !strings.EqualFold(dns.Fqdn(t.Hdr.Name), k.name) {
		return nil, fmt.Errorf("TSIG key %q is not the configured key %q", t.Hdr.Name, k.name)
	}
	alg := strings.ToLower(dns.Fqdn(t.Algorithm))
	for _, a := range algorithms {
		if a.name == alg {
			h := hmac.New(a.hash, k.secret)
			h.Write(msg)
			return h.Sum(nil), nil
		}
	}
	return nil, fmt.Errorf("TSIG algorithm %q is not supported", t.Algorithm)
}

// Generate implements dns.TsigProvider.
func (k *tsigKey) Generate(msg []byte, t *dns.TSIG) ([]byte, error) { return k.mac(msg, t) }

// Verify implements dns.TsigProvider. A TSIG error code set by the server means the
// server rejected our signature; it is reported before (and instead of) checking the
// answer's own MAC, which the server leaves empty in that case (RFC 8945 §5.3.2).
func (k *tsigKey) Verify(msg []byte, t *dns.TSIG) error {
	if t.Error != dns.RcodeSuccess {
		return &tsigStatusError{code: t.Error}
	}
	want, err := k.mac(msg, t)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(t.MAC)
	if err != nil || !hmac.Equal(want, got) {
		return errAnswerMAC
	}
	return nil
}

// tsigStatusError is the TSIG error code the server put in its answer.
type tsigStatusError struct{ code uint16 }

func (e *tsigStatusError) Error() string {
	return "server answered TSIG error " + tsigCodeName(e.code)
}

func tsigCodeName(c uint16) string {
	if s, ok := dns.RcodeToString[int(c)]; ok {
		return s
	}
	return fmt.Sprintf("code %d", c)
}

// errAnswerMAC: the server's answer is signed, but not with our secret.
var errAnswerMAC = fmt.Errorf("the server's answer does not verify with the configured secret")
