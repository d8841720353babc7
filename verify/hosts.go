package verify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/schema"
)

// errCannotConnect marks a handshake that failed before TLS began: nothing accepted
// the connection (or the name did not resolve).
var errCannotConnect = errors.New("cannot connect")

// errNotContacted marks an address Options.LoopbackOnly kept verify from dialling.
var errNotContacted = errors.New("not contacted")

// dnsOnlyHosts lists the zone's DNS-only A, AAAA and CNAME names that no other TLS
// check covers (proxied names, redirect hosts and check URLs are checked by
// tlsTasks), sorted. Wildcard owners are returned as they are ("*.preview.example.com").
func dnsOnlyHosts(z *schema.Zone) []string {
	covered := map[string]bool{}
	for _, h := range httpsHosts(z) {
		covered[h] = true
	}
	set := map[string]bool{}
	for _, rec := range z.Records {
		if rec.Proxied || !model.Proxiable(rec.Type) {
			continue
		}
		name := strings.ToLower(strings.TrimSuffix(rec.Name, "."))
		if name == "" || strings.ContainsAny(name, "${}") || covered[concreteName(name)] {
			continue
		}
		set[name] = true
	}
	out := make([]string, 0, len(set))
	for h := range set {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// hostTasks probes port 443 of every DNS-only name of the zone. A name where a TLS
// handshake completes (or a certificate is received and refused) gets the same
// certificate, expiry and version results as a proxied name; a name where nothing
// answers, or something that does not speak TLS, gets one skip result.
func (r *runner) hostTasks(z *schema.Zone) []task {
	var tasks []task
	for _, name := range dnsOnlyHosts(z) {
		tasks = append(tasks, task{label: "HTTPS probe " + name, run: func(ctx context.Context) []Result {
			return r.probeHost(ctx, z, name)
		}})
	}
	return tasks
}

func (r *runner) probeHost(ctx context.Context, z *schema.Zone, name string) []Result {
	skip := Result{Zone: z.Name, Kind: KindTLS, Name: name, Check: CheckCertificate, Status: Skip}
	if strings.HasPrefix(name, "*.") {
		skip.Reason = "DNS-only wildcard name: not probed on port 443 (no single host stands for it)"
		return []Result{skip}
	}
	d := *r.dialer
	d.timeout = r.opts.HostConnectTimeout
	cs, addr, err := r.handshakeVia(ctx, &d, name, tls.VersionTLS10, 0)
	var verr *tls.CertificateVerificationError
	switch {
	case err == nil || errors.As(err, &verr):
		// A certificate was presented: judge it as any HTTPS host. The origin's own
		// TLS configuration is not governed by the zone's edge settings
		// (min_tls_version, always_use_https), so none is required here.
		return r.judgeTLS(ctx, z, name, cs, addr, err, 0, false)
	case errors.Is(err, errNotContacted):
		skip.Reason = "DNS-only name: not probed on port 443 (" + shortDialError(err) + ")"
	case errors.Is(err, errCannotConnect):
		skip.Reason = "DNS-only name: nothing answers on port 443, not an HTTPS host (" + shortDialError(err) + ")"
	default:
		skip.Target = addr
		skip.Reason = fmt.Sprintf("DNS-only name: %s accepts connections on port 443 but no TLS handshake completed (%v)", addr, err)
	}
	return []Result{skip}
}

// shortDialError is the dial error without its "cannot connect" prefix.
func shortDialError(err error) string {
	return strings.TrimPrefix(err.Error(), errCannotConnect.Error()+": ")
}
