package edge

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/launchready/launchready/model"
)

var minTLSVersions = map[string]uint16{"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11, "1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}

// tlsConfigFor chooses the certificate and protocol versions for one handshake from
// its SNI: only proxied names get a certificate (as on Cloudflare, a name that is not
// proxied has no edge certificate and the handshake fails).
func (e *Edge) tlsConfigFor(hello *tls.ClientHelloInfo) (*tls.Config, error) {
	host := strings.ToLower(strings.TrimSuffix(hello.ServerName, "."))
	if host == "" {
		return nil, fmt.Errorf("no server name (SNI) in the client hello")
	}
	zv := viewFor(e.opts.Source, host)
	if zv == nil {
		return nil, fmt.Errorf("no zone serves %s", host)
	}
	if !e.proxiedHost(zv, host) {
		return nil, fmt.Errorf("%s is not a proxied name of zone %s", host, zv.name)
	}
	certName := host
	if e.opts.CertName != nil {
		certName = e.opts.CertName(host)
	}
	cert, err := e.ca.certFor(certName)
	if err != nil {
		return nil, err
	}
	minV, maxV := tlsRange(zv)
	return &tls.Config{
		Certificates: []tls.Certificate{*cert},
		MinVersion:   minV,
		MaxVersion:   maxV,
		// HTTP/1.1 only: an h2 connection negotiated over TLS 1.0 would be refused by
		// Go's HTTP/2 server, and the checks launchready runs do not need h2.
		NextProtos: []string{"http/1.1"},
	}, nil
}

// tlsRange is the zone's accepted TLS versions: from min_tls_version (default 1.0,
// Cloudflare's) to 1.3, or 1.2 when tls_1_3 is off (unless the minimum is 1.3).
func tlsRange(zv *zoneView) (minV, maxV uint16) {
	minV = tls.VersionTLS10
	if v, ok := minTLSVersions[zv.setting(model.SettingMinTLSVersion)]; ok {
		minV = v
	}
	maxV = tls.VersionTLS13
	if zv.setting(model.SettingTLS13) == "off" && minV < tls.VersionTLS13 {
		maxV = tls.VersionTLS12
	}
	return minV, maxV
}

// proxiedHost reports whether host is a proxied name of the zone (directly or through
// a wildcard) and not delegated away.
func (e *Edge) proxiedHost(zv *zoneView, host string) bool {
	if cut, _ := zv.delegation(host); cut != "" {
		return false
	}
	r := zv.lookup(host)
	return r.exists && r.node.proxied()
}
