package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestLoadConcurrentlyAsSequentially: loading with several processors (zones decoded
// and pieces parsed concurrently) gives the configuration and diagnostics that
// loading on one processor gives, for every fixture (valid and invalid) and a large
// file. Run with -race, it also checks that decoding zones shares nothing it writes.
func TestLoadConcurrentlyAsSequentially(t *testing.T) {
	_, srcs := fixtureSources(t, "*")
	srcs["big.hcl"] = recordsSource(4, 300)
	load := func(procs int) map[string]string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out := map[string]string{}
		withPieceBytes(64, func() {
			for name, src := range srcs {
				cfg, diags := LoadSource(name, src, Options{})
				out[name] = cfg.Fingerprint + "\n" + diagText(diags)
				if name == "big.hcl" && len(cfg.Zones) != 4 {
					t.Errorf("big.hcl: %d zones", len(cfg.Zones))
				}
			}
		})
		return out
	}
	one, many := load(1), load(4)
	for name := range srcs {
		if one[name] != many[name] {
			t.Errorf("%s: one processor:\n%s\nfour:\n%s", name, one[name], many[name])
		}
	}
}

// TestFingerprintEncoding: the fingerprint, hashed zone by zone, is the sha256 of
// json.Marshal of the whole canonical form, for every fixture that loads.
func TestFingerprintEncoding(t *testing.T) {
	_, srcs := fixtureSources(t, "valid")
	srcs["big.hcl"] = recordsSource(4, 50)
	for name, src := range srcs {
		cfg, diags := LoadSource(name, src, Options{})
		if diags.HasErrors() {
			continue
		}
		fp := fpConfig{Version: fingerprintVersion, Providers: []fpProvider{}, Zones: []fpZone{}}
		for _, r := range slices.Sorted(maps.Keys(cfg.Providers)) {
			p := cfg.Providers[r]
			fp.Providers = append(fp.Providers, fpProvider{Ref: r, Server: p.Server, TSIGKey: p.TSIGKey, TSIGAlgorithm: p.TSIGAlgorithm, TSIGSecretEnv: p.TSIGSecretEnv})
		}
		zones := slices.SortedFunc(slices.Values(cfg.Zones), func(a, b *Zone) int { return strings.Compare(a.Name, b.Name) })
		for _, z := range zones {
			fp.Zones = append(fp.Zones, fingerprintZone(z))
		}
		b, err := json.Marshal(fp)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if want := hex.EncodeToString(sum[:]); cfg.Fingerprint != want {
			t.Errorf("%s: fingerprint %s, want %s", name, cfg.Fingerprint, want)
		}
	}
}
