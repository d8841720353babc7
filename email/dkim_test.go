package email

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeRSA returns a base64 RSA public key of the given size, as SubjectPublicKeyInfo
// or PKCS#1. The modulus is not a product of two primes: parsing does not care, and
// it keeps the tests fast and deterministic.
func fakeRSA(t testing.TB, bits int, pkcs1 bool) string {
	t.Helper()
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	n.Add(n, big.NewInt(12345))
	pub := &rsa.PublicKey{N: n, E: 65537}
	if pkcs1 {
		return base64.StdEncoding.EncodeToString(x509.MarshalPKCS1PublicKey(pub))
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatalf("marshal RSA: %v", err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

func ed25519Keys(t testing.TB) (raw, spki string) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	pub := priv.Public().(ed25519.PublicKey)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(pub), base64.StdEncoding.EncodeToString(der)
}

func ecdsaSPKI(t testing.TB) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(der)
}

// wantTag is an expected TagProblem: exact severity, tag and index, and a substring
// of the message.
type wantTag struct {
	Severity Severity
	Tag      string
	Index    int
	Msg      string
}

func checkTagProblems(t *testing.T, got []TagProblem, want []wantTag) {
	t.Helper()
	type proj struct {
		Severity Severity
		Tag      string
		Index    int
	}
	var g, w []proj
	for _, p := range got {
		g = append(g, proj{p.Severity, p.Tag, p.Index})
	}
	for _, p := range want {
		w = append(w, proj{p.Severity, p.Tag, p.Index})
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("problems (-want +got):\n%s\ngot: %+v", diff, got)
		return
	}
	for i := range want {
		if !strings.Contains(got[i].Message, want[i].Msg) {
			t.Errorf("problem %d message %q, want it to contain %q", i, got[i].Message, want[i].Msg)
		}
	}
}

func TestParseDKIMKey(t *testing.T) {
	rsa2048 := fakeRSA(t, 2048, false)
	rsa2048pkcs1 := fakeRSA(t, 2048, true)
	rawEd, spkiEd := ed25519Keys(t)
	folded := rsa2048[:100] + " \t" + rsa2048[100:200] + "\r\n " + rsa2048[200:]

	type want struct {
		nilKey  bool
		keyType string
		bits    int
		revoked bool
		testing bool
		hashes  []string
		svc     []string
	}
	tests := []struct {
		name  string
		in    string
		want  want
		probs []wantTag
	}{
		{"minimal rsa", "p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"*"}}, nil},
		{"full rsa", "v=DKIM1; h=sha256; k=rsa; n=rotated 2026; s=email; t=s; p=" + rsa2048, want{keyType: "rsa", bits: 2048, hashes: []string{"sha256"}, svc: []string{"email"}}, nil},
		{"pkcs1 rsa", "v=DKIM1; k=rsa; p=" + rsa2048pkcs1, want{keyType: "rsa", bits: 2048, svc: []string{"*"}}, nil},
		{"folded key and trailing semicolon", "v=DKIM1 ; k = rsa ;\r\n p=" + folded + ";", want{keyType: "rsa", bits: 2048, svc: []string{"*"}}, nil},
		{"ed25519 raw", "v=DKIM1; k=ed25519; p=" + rawEd, want{keyType: "ed25519", bits: 256, svc: []string{"*"}}, nil},
		{"rsa 512 is an error", "v=DKIM1; p=" + fakeRSA(t, 512, false), want{keyType: "rsa", bits: 512, svc: []string{"*"}},
			[]wantTag{{Error, "p", -1, "RSA key of 512 bits: verifiers reject keys under 1024 bits"}}},
		{"rsa 1024 is a warning", "v=DKIM1; p=" + fakeRSA(t, 1024, false), want{keyType: "rsa", bits: 1024, svc: []string{"*"}},
			[]wantTag{{Warning, "p", -1, "RSA key of 1024 bits: use 2048 bits"}}},
		{"rsa 8192 is a warning", "v=DKIM1; p=" + fakeRSA(t, 8192, false), want{keyType: "rsa", bits: 8192, svc: []string{"*"}},
			[]wantTag{{Warning, "p", -1, "only required to handle up to 4096 bits"}}},
		{"empty p is revoked", "v=DKIM1; k=rsa; p=", want{keyType: "rsa", revoked: true, svc: []string{"*"}},
			[]wantTag{{Error, "p", -1, "the key is revoked"}}},
		{"missing p", "v=DKIM1; k=rsa", want{nilKey: true}, []wantTag{{Error, "p", -1, "p= (the public key) is required"}}},
		{"bad base64", "v=DKIM1; p=MIIB!!!", want{nilKey: true}, []wantTag{{Error, "p", -1, "not valid base64"}}},
		{"not DER", "v=DKIM1; p=" + base64.StdEncoding.EncodeToString([]byte("hello world")), want{nilKey: true},
			[]wantTag{{Error, "p", -1, "not an RSA public key"}}},
		{"ecdsa key under k=rsa", "p=" + ecdsaSPKI(t), want{nilKey: true}, []wantTag{{Error, "p", -1, "not an RSA key"}}},
		{"ed25519 SPKI under k=rsa", "p=" + spkiEd, want{nilKey: true}, []wantTag{{Error, "p", -1, "set k=ed25519"}}},
		{"ed25519 SPKI under k=ed25519", "k=ed25519; p=" + spkiEd, want{nilKey: true}, []wantTag{{Error, "p", -1, "published as the raw 32-byte key"}}},
		{"ed25519 wrong length", "k=ed25519; p=" + base64.StdEncoding.EncodeToString(make([]byte, 31)), want{nilKey: true},
			[]wantTag{{Error, "p", -1, "got 31 bytes"}}},
		{"rsa key under k=ed25519", "k=ed25519; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "p", -1, "raw 32-byte Ed25519 key"}}},
		{"wrong version", "v=DKIM2; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "v", -1, "the only version is DKIM1"}}},
		{"version not first", "k=rsa; v=DKIM1; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "v", -1, "must be the first tag"}}},
		{"unknown key type", "v=DKIM1; k=dsa; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "k", -1, "unknown key type k=dsa"}}},
		{"h both", "h=sha1:sha256; p=" + rsa2048, want{keyType: "rsa", bits: 2048, hashes: []string{"sha1", "sha256"}, svc: []string{"*"}}, nil},
		{"h sha1 only", "h=sha1; p=" + rsa2048, want{keyType: "rsa", bits: 2048, hashes: []string{"sha1"}, svc: []string{"*"}},
			[]wantTag{{Warning, "h", -1, "allows only sha1"}}},
		{"h unknown only", "h=md5; p=" + rsa2048, want{keyType: "rsa", bits: 2048, hashes: []string{"md5"}, svc: []string{"*"}},
			[]wantTag{{Warning, "h", 0, `unknown hash algorithm "md5"`}, {Error, "h", -1, "no usable hash algorithm"}}},
		{"h unknown among known", "h=sha256 : sha512; p=" + rsa2048, want{keyType: "rsa", bits: 2048, hashes: []string{"sha256", "sha512"}, svc: []string{"*"}},
			[]wantTag{{Warning, "h", 1, `unknown hash algorithm "sha512"`}}},
		{"s without email", "s=tlsrpt; p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"tlsrpt"}},
			[]wantTag{{Error, "s", -1, "does not allow email"}}},
		{"s with email among others", "s=email:tlsrpt; p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"email", "tlsrpt"}}, nil},
		{"t=y testing", "t=y; p=" + rsa2048, want{keyType: "rsa", bits: 2048, testing: true, svc: []string{"*"}},
			[]wantTag{{Warning, "t", 0, "testing mode"}}},
		{"t unknown flag", "t=s:x; p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"*"}},
			[]wantTag{{Warning, "t", 1, `unknown flag "x"`}}},
		{"obsolete g", "g=*; p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"*"}}, []wantTag{{Warning, "g", -1, "removed by RFC 6376"}}},
		{"unknown tag", "v=DKIM1; zz=1; p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"*"}}, []wantTag{{Warning, "zz", -1, "unknown tag zz="}}},
		{"tag names are case-sensitive", "v=DKIM1; P=" + rsa2048, want{nilKey: true},
			[]wantTag{{Warning, "P", -1, "unknown tag P="}, {Error, "p", -1, "is required"}}},
		{"duplicate tag", "p=" + rsa2048 + "; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "p", -1, "appears more than once"}}},
		{"not tag=value", "v=DKIM1; p", want{nilKey: true}, []wantTag{{Error, "", -1, `"p" is not tag=value`}}},
		{"bad tag name", "1v=DKIM1; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "", -1, "not a valid tag name"}}},
		{"non-ASCII value", "n=caf\u00e9; p=" + rsa2048, want{nilKey: true}, []wantTag{{Error, "n", -1, "is not allowed in a tag value"}}},
		{"empty tag between semicolons", "v=DKIM1;; p=" + rsa2048, want{keyType: "rsa", bits: 2048, svc: []string{"*"}},
			[]wantTag{{Warning, "", -1, "empty tag"}}},
		{"empty record", "", want{nilKey: true}, []wantTag{{Error, "p", -1, "is required"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, probs := ParseDKIMKey(tc.in)
			checkTagProblems(t, probs, tc.probs)
			if tc.want.nilKey {
				if k != nil {
					t.Errorf("key = %+v, want nil", k)
				}
				return
			}
			if k == nil {
				t.Fatalf("key = nil, want one")
			}
			got := want{keyType: k.KeyType, bits: k.Bits, revoked: k.Revoked, testing: k.Testing(), hashes: k.Hashes, svc: k.Services}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("key (-want +got):\n%s", diff)
			}
			if !k.Revoked && k.PublicKey == nil {
				t.Errorf("PublicKey is nil")
			}
		})
	}
}
