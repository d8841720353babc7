package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// useSimEdge points verify flags at the simulator's edge when CLOUDFLARE_BASE_URL is
// a launchready simulator (and --resolver does not say otherwise): its DNS server,
// its HTTPS and HTTP ports and its CA (added to --ca-file's roots, if any), dialling
// loopback only so that a DNS-only record's documentation address is never
// contacted. It returns the line to print and a cleanup removing the CA file.
func (e *env) useSimEdge(ctx context.Context, f *verifyFlags) (msg string, cleanup func(), err error) {
	cleanup = func() {}
	base := e.getenv("CLOUDFLARE_BASE_URL")
	if base == "" || f.resolver != "" {
		return "", cleanup, nil
	}
	info, ok := fetchSimEdge(ctx, base, e.getenv("CLOUDFLARE_API_TOKEN"))
	if !ok {
		return "", cleanup, nil
	}
	if f.caFile != "" {
		extra, err := os.ReadFile(f.caFile)
		if err != nil {
			return "", cleanup, fmt.Errorf("--ca-file: %w", err)
		}
		info.CAPEM = strings.TrimRight(info.CAPEM, "\n") + "\n" + string(extra)
	}
	sf, cleanup, err := simEdgeFlags(info)
	if err != nil {
		return "", func() {}, fmt.Errorf("writing the simulator's CA: %w", err)
	}
	f.resolver, f.caFile, f.httpPort, f.httpsPort = sf.resolver, sf.caFile, sf.httpPort, sf.httpsPort
	f.loopbackOnly = true
	return fmt.Sprintf("(CLOUDFLARE_BASE_URL is the launchready simulator: checking its DNS server %s and HTTPS edge; addresses outside loopback are not contacted)", f.resolver), cleanup, nil
}

// parseConnectTo reads --connect-to values, ADDRESS:PORT=HOST:PORT.
func parseConnectTo(values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	for _, v := range values {
		from, to, ok := strings.Cut(v, "=")
		if !ok || from == "" || to == "" {
			return nil, fmt.Errorf("--connect-to %q: want ADDRESS:PORT=HOST:PORT (e.g. 203.0.113.50:443=127.0.0.1:8443)", v)
		}
		out[from] = to
	}
	return out, nil
}
