package verify

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// Expiry thresholds: more than warnDays left passes, failDays..warnDays warns, fewer
// than failDays fails.
const (
	expiryWarnDays = 30
	expiryFailDays = 14
)

// wildcardProbeLabel stands for "*" when a wildcard name must be turned into a host.
const wildcardProbeLabel = "launchready-verify"

var tlsVersions = map[string]uint16{"1.0": tls.VersionTLS10, "1.1": tls.VersionTLS11, "1.2": tls.VersionTLS12, "1.3": tls.VersionTLS13}

func versionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLS 1.0"
	case tls.VersionTLS11:
		return "TLS 1.1"
	case tls.VersionTLS12:
		return "TLS 1.2"
	case tls.VersionTLS13:
		return "TLS 1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// inZone reports whether host is the zone's apex or below it.
func inZone(host, zone string) bool {
	return host == zone || strings.HasSuffix(host, "."+zone)
}

// settingOn reads a switch setting of the zone ("on").
func settingOn(z *schema.Zone, id string) bool {
	if z.Settings == nil {
		return false
	}
	v := strings.ToLower(z.Settings.Values[id])
	return v == "on" || v == "true"
}

func settingValue(z *schema.Zone, id string) string {
	if z.Settings == nil {
		return ""
	}
	return z.Settings.Values[id]
}

// httpsHosts lists every host name of the zone that serves HTTPS: proxied names,
// redirect sources and targets, and check URLs. A wildcard name is probed through a
// concrete label under it.
func httpsHosts(z *schema.Zone) []string {
	set := map[string]bool{}
	add := func(h string) {
		h = strings.ToLower(strings.TrimSuffix(h, "."))
		if h == "" || strings.ContainsAny(h, "*${}") {
			return
		}
		set[h] = true
	}
	addURL := func(raw string) {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" {
			return
		}
		add(u.Hostname())
	}
	for _, rec := range z.Records {
		if rec.Proxied && model.Proxiable(rec.Type) {
			add(concreteName(rec.Name))
		}
	}
	for _, rd := range z.Redirects {
		if rd.FromURL != "" {
			if u, ok := wildcardURLHost(rd.FromURL); ok && u.scheme != "http" {
				add(u.host)
			}
		}
		if rd.ToURL != "" {
			if u, ok := wildcardURLHost(rd.ToURL); ok && u.scheme == "https" {
				add(u.host)
			}
		} else if rd.Rule.Redirect != nil && rd.Rule.Redirect.TargetURL != "" {
			addURL(rd.Rule.Redirect.TargetURL)
		}
	}
	for _, c := range z.Checks {
		addURL(c.URL)
	}
	out := make([]string, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// concreteName turns a wildcard owner name into a host under it.
func concreteName(name string) string {
	if strings.HasPrefix(name, "*.") {
		return wildcardProbeLabel + name[1:]
	}
	return name
}

type urlParts struct{ scheme, host string }

// wildcardURLHost extracts scheme and host from a URL pattern that may contain "*"
// and "${n}" (which url.Parse does not always accept).
func wildcardURLHost(pattern string) (urlParts, bool) {
	scheme, rest, ok := strings.Cut(pattern, "://")
	if !ok {
		return urlParts{}, false
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	return urlParts{scheme: strings.ToLower(scheme), host: strings.ToLower(host)}, host != ""
}

func (r *runner) tlsTasks(z *schema.Zone) []task {
	var tasks []task
	for _, host := range httpsHosts(z) {
		tasks = append(tasks, task{label: "TLS " + host, run: func(ctx context.Context) []Result {
			return r.checkTLS(ctx, z, host)
		}})
	}
	return tasks
}

// checkTLS handshakes with host and judges the certificate, its expiry, the protocol
// version and, with always_use_https, the http:// redirect.
func (r *runner) checkTLS(ctx context.Context, z *schema.Zone, host string) []Result {
	owned := inZone(host, z.Name)
	var minVersion uint16
	if owned {
		if v, ok := tlsVersions[settingValue(z, model.SettingMinTLSVersion)]; ok {
			minVersion = v
		}
	}

	cs, addr, err := r.handshake(ctx, host, tls.VersionTLS10, 0)
	return r.judgeTLS(ctx, z, host, cs, addr, err, minVersion, owned && settingOn(z, model.SettingAlwaysUseHTTPS))
}

// judgeTLS turns one handshake's outcome into the certificate, expiry and version
// results (and, with httpToHTTPS, the http:// redirect check). minVersion 0 means no
// minimum is declared for the host.
func (r *runner) judgeTLS(ctx context.Context, z *schema.Zone, host string, cs tls.ConnectionState, addr string, err error, minVersion uint16, httpToHTTPS bool) []Result {
	base := Result{Zone: z.Name, Kind: KindTLS, Name: host}
	cert, expiry, version := base, base, base
	cert.Check, expiry.Check, version.Check = CheckCertificate, CheckExpiry, CheckTLSVersion
	detail := &TLSDetail{Host: host}
	if minVersion != 0 {
		detail.MinVersion = versionName(minVersion)
	}
	cert.TLS = detail
	detail.Address = addr
	cert.Target, expiry.Target, version.Target = addr, addr, addr
	var leafChain []*x509.Certificate
	var verr *tls.CertificateVerificationError
	switch {
	case err == nil:
		leafChain = cs.PeerCertificates
		if len(cs.VerifiedChains) > 0 {
			leafChain = cs.VerifiedChains[0]
		}
		leaf := cs.PeerCertificates[0]
		cert.Status = Pass
		cert.Reason = fmt.Sprintf("valid chain to a trusted root, issued by %s, covers %s", issuerName(leaf), host)
	case errors.As(err, &verr):
		leafChain = verr.UnverifiedCertificates
		cert.Status, cert.Reason = Fail, describeVerifyError(host, verr.Err)
	default:
		cert.Status, cert.Reason = Fail, err.Error()
	}
	if len(leafChain) > 0 {
		leaf := leafChain[0]
		detail.Subject = leaf.Subject.String()
		detail.Issuer = leaf.Issuer.String()
		detail.DNSNames = leaf.DNSNames
		// The earliest expiry of the chain below the root decides.
		notAfter := leaf.NotAfter
		for _, c := range leafChain[:max(1, len(leafChain)-1)] {
			if c.NotAfter.Before(notAfter) {
				notAfter = c.NotAfter
			}
		}
		detail.NotAfter = notAfter.UTC()
		expiry.TLS = &TLSDetail{Host: host, NotAfter: detail.NotAfter}
		expiry.Status, expiry.Reason, detail.DaysLeft = judgeExpiry(notAfter, leaf.NotBefore, r.now())
		expiry.TLS.DaysLeft = detail.DaysLeft
	} else {
		expiry.Status, expiry.Reason = Skip, "not checked: no certificate was received"
	}

	if err == nil {
		detail.Version = versionName(cs.Version)
		version.Status, version.Reason = r.judgeVersion(ctx, host, cs.Version, minVersion)
	} else {
		version.Status, version.Reason = Skip, "not checked: the TLS handshake did not complete (see certificate)"
	}
	out := []Result{cert, expiry, version}
	if httpToHTTPS {
		out = append(out, r.checkHTTPToHTTPS(ctx, z.Name, host))
	}
	return out
}

// handshake connects to host:443 (mapped to HTTPSPort) with SNI and the given version
// range; it returns the connection state and the address dialled.
func (r *runner) handshake(ctx context.Context, host string, minV, maxV uint16) (tls.ConnectionState, string, error) {
	return r.handshakeVia(ctx, r.dialer, host, minV, maxV)
}

// handshakeVia is handshake through dialer d. A failed connection is an error
// wrapping errCannotConnect.
func (r *runner) handshakeVia(ctx context.Context, d *dialer, host string, minV, maxV uint16) (tls.ConnectionState, string, error) {
	ctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	raw, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, "443"))
	if err != nil {
		return tls.ConnectionState{}, "", fmt.Errorf("%w: %w", errCannotConnect, err)
	}
	defer raw.Close()
	addr := raw.RemoteAddr().String()
	cfg := r.tlsConfig(host, minV)
	cfg.MaxVersion = maxV
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		var verr *tls.CertificateVerificationError
		if errors.As(err, &verr) {
			return tls.ConnectionState{}, addr, verr
		}
		return tls.ConnectionState{}, addr, fmt.Errorf("TLS handshake failed: %w", err)
	}
	return conn.ConnectionState(), addr, nil
}

// describeVerifyError explains why a certificate chain was refused.
func describeVerifyError(host string, err error) string {
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var unknown x509.UnknownAuthorityError
	switch {
	case errors.As(err, &hostErr):
		names := hostErr.Certificate.DNSNames
		if len(names) == 0 {
			names = []string{hostErr.Certificate.Subject.CommonName}
		}
		return fmt.Sprintf("certificate does not cover %s: it is valid for %s", host, joinLimit(names, 5))
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired && invalid.Cert != nil {
			c := invalid.Cert
			return fmt.Sprintf("certificate is outside its validity period (%s to %s)",
				c.NotBefore.UTC().Format(time.DateOnly), c.NotAfter.UTC().Format(time.DateOnly))
		}
		return "certificate invalid: " + err.Error()
	case errors.As(err, &unknown):
		issuer := "an unknown issuer"
		if unknown.Cert != nil {
			issuer = issuerName(unknown.Cert)
		}
		return fmt.Sprintf("certificate chain does not lead to a trusted root (issued by %s); for a private CA pass its root with --ca-file", issuer)
	}
	return "certificate not trusted: " + err.Error()
}

func issuerName(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	return c.Issuer.String()
}

// judgeExpiry grades the days left: more than 30 pass, 14 to 30 warn, fewer fail.
func judgeExpiry(notAfter, notBefore, now time.Time) (Status, string, int) {
	left := notAfter.Sub(now)
	days := int(left / (24 * time.Hour))
	date := notAfter.UTC().Format(time.DateOnly)
	switch {
	case now.Before(notBefore):
		return Fail, fmt.Sprintf("certificate is not valid before %s", notBefore.UTC().Format(time.DateOnly)), days
	case left <= 0:
		return Fail, fmt.Sprintf("certificate expired on %s (%d days ago)", date, int(-left/(24*time.Hour))), days
	case days < expiryFailDays:
		return Fail, fmt.Sprintf("certificate expires on %s, in %d days (renew now: fewer than %d days left)", date, days, expiryFailDays), days
	case days <= expiryWarnDays:
		return Warn, fmt.Sprintf("certificate expires on %s, in %d days (renew soon: verify fails below %d days)", date, days, expiryFailDays), days
	}
	return Pass, fmt.Sprintf("certificate expires on %s, in %d days", date, days), days
}

// judgeVersion checks the negotiated version against min_tls_version and, when one is
// set, that the host refuses the version just below it.
func (r *runner) judgeVersion(ctx context.Context, host string, negotiated, minVersion uint16) (Status, string) {
	if minVersion == 0 {
		if negotiated < tls.VersionTLS12 {
			return Warn, fmt.Sprintf("negotiated %s, which is deprecated (RFC 8996); set min_tls_version = \"1.2\"", versionName(negotiated))
		}
		return Pass, fmt.Sprintf("negotiated %s (no min_tls_version set)", versionName(negotiated))
	}
	if negotiated < minVersion {
		return Fail, fmt.Sprintf("negotiated %s, below min_tls_version %s", versionName(negotiated), versionName(minVersion))
	}
	if minVersion == tls.VersionTLS10 {
		return Pass, fmt.Sprintf("negotiated %s (min_tls_version %s)", versionName(negotiated), versionName(minVersion))
	}
	below := minVersion - 1
	_, _, err := r.handshake(ctx, host, tls.VersionTLS10, below)
	var verr *tls.CertificateVerificationError
	if err == nil || errors.As(err, &verr) {
		return Fail, fmt.Sprintf("negotiated %s, but %s is still accepted although min_tls_version is %s",
			versionName(negotiated), versionName(below), versionName(minVersion))
	}
	return Pass, fmt.Sprintf("negotiated %s; %s refused (min_tls_version %s)", versionName(negotiated), versionName(below), versionName(minVersion))
}

// checkHTTPToHTTPS requires http://host/ to redirect to https://host/.
func (r *runner) checkHTTPToHTTPS(ctx context.Context, zone, host string) Result {
	from := "http://" + host + "/"
	want := "https://" + host + "/"
	res := Result{Zone: zone, Kind: KindTLS, Name: host, Check: CheckHTTPToHTTPS, Target: from}
	hop := r.hop(ctx, from)
	res.Redirect = &RedirectDetail{URL: from, WantLocation: want, Hops: []Hop{hop}}
	switch {
	case hop.Error != "":
		res.Status, res.Reason = Fail, "always_use_https is on but "+from+" failed: "+hop.Error
	case !isRedirect(hop.Status):
		res.Status, res.Reason = Fail, fmt.Sprintf("always_use_https is on but %s answered %d instead of redirecting to %s", from, hop.Status, want)
	case !sameURL(hop.Location, want):
		res.Status, res.Reason = Fail, fmt.Sprintf("always_use_https is on but %s redirects to %s, want %s", from, hop.Location, want)
	default:
		res.Status, res.Reason = Pass, fmt.Sprintf("%s redirects to %s (%d)", from, want, hop.Status)
	}
	return res
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// sameURL compares two absolute URLs, ignoring default ports and host case.
func sameURL(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	norm := func(u *url.URL) string {
		c := *u
		c.Scheme = strings.ToLower(c.Scheme)
		host := strings.ToLower(c.Hostname())
		port := c.Port()
		if (c.Scheme == "https" && port == "443") || (c.Scheme == "http" && port == "80") {
			port = ""
		}
		c.Host = host
		if port != "" {
			c.Host = net.JoinHostPort(host, port)
		}
		if c.Path == "" {
			c.Path = "/"
		}
		return c.String()
	}
	return norm(ua) == norm(ub)
}
