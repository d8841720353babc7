package rfc2136

import (
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/providers"
)

// Kind is the provider kind, as in `provider "rfc2136" "<name>"`.
const Kind = "rfc2136"

// DefaultTimeout bounds each network exchange (dial, one message read or write) when
// Config.Timeout is zero. A whole AXFR or apply is further bounded by the context.
const DefaultTimeout = 10 * time.Second

// Config is what the CLI passes to New: the provider block's fields plus the secret
// read from the environment. Its String method hides the secret, so a Config printed
// by mistake does not leak it.
type Config struct {
	// Server is the primary's address, "host:port"; a missing port means 53.
	Server string
	// TSIGKey is the key's name ("launch-key."); a trailing dot is added if missing.
	TSIGKey string
	// TSIGAlgorithm is BIND's algorithm name: hmac-sha256 (recommended),
	// hmac-sha512, hmac-sha384, hmac-sha224 or hmac-sha1. hmac-md5 is not supported.
	TSIGAlgorithm string
	// TSIGSecret is the key's base64 secret, read by the CLI from the environment.
	// It is never logged or included in an error.
	TSIGSecret string
	// TSIGSecretEnv names the environment variable the secret came from, so errors
	// can say where to look ("check the secret in LAUNCH_TSIG_SECRET"). Optional.
	TSIGSecretEnv string
	// Timeout bounds each network exchange; 0 means DefaultTimeout.
	Timeout time.Duration
}

// String describes the config without its secret.
func (c Config) String() string {
	return fmt.Sprintf("rfc2136{server=%s key=%s algorithm=%s secret=<redacted>}", c.Server, c.TSIGKey, c.TSIGAlgorithm)
}

// GoString hides the secret from %#v too.
func (c Config) GoString() string { return c.String() }

// Provider manages zones on one RFC 2136 server with one TSIG key. It is safe for
// concurrent use by several goroutines (it holds no mutable state).
type Provider struct {
	server    string
	key       *tsigKey
	secretEnv string
	timeout   time.Duration
	// maxMsgSize is the largest UPDATE message sent; tests lower it to exercise
	// splitting without building 64 KiB of records.
	maxMsgSize int
}

var _ providers.Provider = (*Provider)(nil)

// New checks cfg and returns a provider. Nothing is sent on the network: a wrong
// secret or an unreachable server shows up on the first ReadZone.
func New(cfg Config) (*Provider, error) {
	server, err := normaliseServer(cfg.Server)
	if err != nil {
		return nil, err
	}
	name := strings.ToLower(strings.TrimSpace(cfg.TSIGKey))
	if name == "" {
		return nil, fmt.Errorf("rfc2136 %s: tsig_key is empty", server)
	}
	name = dns.Fqdn(name)
	if _, ok := dns.IsDomainName(name); !ok || name == "." {
		return nil, fmt.Errorf("rfc2136 %s: tsig_key %q is not a valid key name (a domain name such as \"launch-key.\")", server, cfg.TSIGKey)
	}
	alg, err := algorithmName(cfg.TSIGAlgorithm)
	if err != nil {
		return nil, fmt.Errorf("rfc2136 %s: %w", server, err)
	}
	where := "the TSIG secret"
	if cfg.TSIGSecretEnv != "" {
		where = "the TSIG secret in $" + cfg.TSIGSecretEnv
	}
	if strings.TrimSpace(cfg.TSIGSecret) == "" {
		return nil, fmt.Errorf("rfc2136 %s: %s is empty", server, where)
	}
	secret, err := base64.StdEncoding.DecodeString(strings.TrimSpace(cfg.TSIGSecret))
	if err != nil || len(secret) == 0 {
		// Never echo the value: it is a secret even when malformed.
		return nil, fmt.Errorf("rfc2136 %s: %s is not valid base64 (generate one with `tsig-keygen -a %s %s`)", server, where, strings.TrimSuffix(alg, "."), strings.TrimSuffix(name, "."))
	}
	if cfg.Timeout < 0 {
		return nil, fmt.Errorf("rfc2136 %s: timeout %v is negative", server, cfg.Timeout)
	}
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return &Provider{
		server:     server,
		key:        &tsigKey{name: name, algorithm: alg, secret: secret},
		secretEnv:  cfg.TSIGSecretEnv,
		timeout:    timeout,
		maxMsgSize: dns.MaxMsgSize,
	}, nil
}

// Kind returns "rfc2136".
func (p *Provider) Kind() string { return Kind }

// String describes the provider without its secret.
func (p *Provider) String() string {
	return fmt.Sprintf("rfc2136{server=%s key=%s algorithm=%s}", p.server, p.key.name, strings.TrimSuffix(p.key.algorithm, "."))
}

// GoString hides the secret from %#v too.
func (p *Provider) GoString() string { return p.String() }

// Server returns the server address the provider talks to ("host:port"), e.g. for
// verify to query the same server.
func (p *Provider) Server() string { return p.server }

// defaultTTL is what a record declared without a TTL (0, automatic) is written with.
func defaultTTL() int {
	if c, ok := model.ProviderKinds[Kind]; ok && c.DefaultTTL > 0 {
		return c.DefaultTTL
	}
	return 300
}

func normaliseServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("rfc2136: server is empty (want host:port, e.g. \"ns1.example.com:53\")")
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		// No port: DNS's own. A bare IPv6 address has colons but no brackets.
		if strings.Contains(err.Error(), "missing port") || strings.Count(s, ":") > 1 && !strings.HasPrefix(s, "[") {
			host, port = strings.Trim(s, "[]"), "53"
		} else {
			return "", fmt.Errorf("rfc2136: server %q is not host:port: %v", s, err)
		}
	}
	if host == "" {
		return "", fmt.Errorf("rfc2136: server %q has no host", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("rfc2136: server %q: port %q is not a number from 1 to 65535", s, port)
	}
	return net.JoinHostPort(host, port), nil
}
