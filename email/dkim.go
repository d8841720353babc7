package email

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"strings"
)

// DKIMKey is a parsed DKIM key record (RFC 6376 §3.6.1; ed25519 from RFC 8463).
type DKIMKey struct {
	Version  string   // v=, "DKIM1" or "" when absent
	Hashes   []string // h=, nil when absent (any algorithm)
	KeyType  string   // k=, "rsa" by default, or "ed25519"
	Notes    string   // n=
	Services []string // s=, ["*"] by default
	Flags    []string // t=, e.g. "y" (testing), "s" (strict)
	// PublicKey is *rsa.PublicKey or ed25519.PublicKey; nil when revoked or when p=
	// does not parse.
	PublicKey crypto.PublicKey
	Bits      int  // RSA modulus length; 256 for ed25519
	Revoked   bool // p= is empty (RFC 6376 §3.6.1)
}

// Testing reports the t=y flag: verifiers may treat signed mail as unsigned.
func (k *DKIMKey) Testing() bool {
	for _, f := range k.Flags {
		if f == "y" {
			return true
		}
	}
	return false
}

// ParseDKIMKey parses and checks a DKIM key record ("v=DKIM1; k=rsa; p=…"), tag by
// tag: v (DKIM1, first), h (sha1/sha256; sha1 alone is a warning, RFC 8301), k (rsa or
// ed25519), n, p (base64: RSA as SubjectPublicKeyInfo or PKCS#1 DER, ed25519 as the raw
// 32-byte key; empty = revoked), s (must allow email), t (y is a warning). RSA keys under
// 1024 bits are errors, under 2048 warnings, over 4096 warnings. Unknown tags are
// warnings (verifiers ignore them).
//
// The key is nil when the record cannot be used at all (tag-list syntax, bad v=, no or
// undecodable p=, unknown k=); a non-nil key can still carry errors (revoked, too
// short). A key is fit to verify signatures when no problem has Severity Error.
func ParseDKIMKey(txt string) (*DKIMKey, []TagProblem) {
	tags, probs := parseTagList(txt, false)
	if HasError(probs) {
		return nil, probs
	}
	k := &DKIMKey{KeyType: "rsa", Services: []string{"*"}}
	var p *string
	fatal := false
	for i, t := range tags {
		switch t.name {
		case "v":
			if i != 0 {
				probs = append(probs, tagErr("v", -1, "v= must be the first tag"))
				fatal = true
			}
			if t.value != "DKIM1" {
				probs = append(probs, tagErr("v", -1, "v=%s: the only version is DKIM1", t.value))
				fatal = true
			}
			k.Version = t.value
		case "h":
			k.Hashes = splitList(t.value, ":")
			known := 0
			sha256 := false
			for j, h := range k.Hashes {
				switch h {
				case "sha256":
					known++
					sha256 = true
				case "sha1":
					known++
				default:
					probs = append(probs, tagWarn("h", j, "unknown hash algorithm %q, ignored by verifiers", h))
				}
			}
			switch {
			case known == 0:
				probs = append(probs, tagErr("h", -1, "h=%s lists no usable hash algorithm (sha256)", t.value))
			case !sha256:
				probs = append(probs, tagWarn("h", -1, "h=%s allows only sha1, which verifiers no longer accept (RFC 8301): allow sha256", t.value))
			}
		case "k":
			k.KeyType = t.value
			if t.value != "rsa" && t.value != "ed25519" {
				probs = append(probs, tagErr("k", -1, "unknown key type k=%s (rsa or ed25519)", t.value))
				fatal = true
			}
		case "n":
			k.Notes = t.value
		case "p":
			v := t.value
			p = &v
		case "s":
			k.Services = splitList(t.value, ":")
			ok := false
			for _, s := range k.Services {
				if s == "*" || s == "email" {
					ok = true
				}
			}
			if !ok {
				probs = append(probs, tagErr("s", -1, "s=%s does not allow email (use * or email)", t.value))
			}
		case "t":
			k.Flags = splitList(t.value, ":")
			for j, f := range k.Flags {
				switch f {
				case "y":
					probs = append(probs, tagWarn("t", j, "t=y: testing mode, verifiers may treat signed mail as unsigned"))
				case "s":
				default:
					probs = append(probs, tagWarn("t", j, "unknown flag %q, ignored by verifiers", f))
				}
			}
		case "g":
			probs = append(probs, tagWarn("g", -1, "g= (key granularity) was removed by RFC 6376 and is ignored"))
		default:
			probs = append(probs, tagWarn(t.name, -1, "unknown tag %s=, ignored by verifiers", t.name))
		}
	}
	if p == nil {
		return nil, append(probs, tagErr("p", -1, "p= (the public key) is required"))
	}
	if fatal {
		return nil, probs
	}
	b64 := strings.Map(func(r rune) rune {
		if r < 0x80 && isWSP(byte(r)) {
			return -1
		}
		return r
	}, *p)
	if b64 == "" {
		k.Revoked = true
		return k, append(probs, tagErr("p", -1, "p= is empty: the key is revoked and signatures with it fail"))
	}
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, append(probs, tagErr("p", -1, "p= is not valid base64: %v", err))
	}
	switch k.KeyType {
	case "ed25519":
		if len(der) != ed25519.PublicKeySize {
			msg := "p= must be the raw 32-byte Ed25519 key (RFC 8463), got %d bytes"
			if pub, err := x509.ParsePKIXPublicKey(der); err == nil {
				if _, ok := pub.(ed25519.PublicKey); ok {
					msg = "p= holds a SubjectPublicKeyInfo (%d bytes): Ed25519 keys are published as the raw 32-byte key (RFC 8463)"
				}
			}
			return nil, append(probs, tagErr("p", -1, msg, len(der)))
		}
		k.PublicKey = ed25519.PublicKey(der)
		k.Bits = 256
	default:
		var pub *rsa.PublicKey
		if parsed, err := x509.ParsePKIXPublicKey(der); err == nil {
			switch key := parsed.(type) {
			case *rsa.PublicKey:
				pub = key
			case ed25519.PublicKey:
				return nil, append(probs, tagErr("p", -1, "p= holds an Ed25519 key but k=rsa: set k=ed25519 and publish the raw 32-byte key"))
			default:
				return nil, append(probs, tagErr("p", -1, "p= holds a %T, not an RSA key", parsed))
			}
		} else if key, err2 := x509.ParsePKCS1PublicKey(der); err2 == nil {
			pub = key
		} else {
			return nil, append(probs, tagErr("p", -1, "p= is not an RSA public key (SubjectPublicKeyInfo or PKCS#1 DER): %v", err))
		}
		k.PublicKey = pub
		k.Bits = pub.N.BitLen()
		switch {
		case k.Bits < 1024:
			probs = append(probs, tagErr("p", -1, "RSA key of %d bits: verifiers reject keys under 1024 bits (RFC 8301); use 2048", k.Bits))
		case k.Bits < 2048:
			probs = append(probs, tagWarn("p", -1, "RSA key of %d bits: use 2048 bits (RFC 8301 recommends at least 2048)", k.Bits))
		case k.Bits > 4096:
			probs = append(probs, tagWarn("p", -1, "RSA key of %d bits: verifiers are only required to handle up to 4096 bits (RFC 8301)", k.Bits))
		}
	}
	return k, probs
}
