package handover

import (
	"sort"
	"strconv"
	"strings"

	"github.com/launchready/launchready/schema"
)

// secretRow is one environment variable that holds a secret.
type secretRow struct {
	env   string
	holds string
	users []string
}

// collectSecrets lists where each secret lives: only environment variable names.
func collectSecrets(cfg *schema.Config, views []*zoneView) []*secretRow {
	rows := map[string]*secretRow{}
	add := func(env, holds, user string) {
		r := rows[env]
		if r == nil {
			r = &secretRow{env: env, holds: holds}
			rows[env] = r
		} else if !strings.Contains(r.holds, holds) {
			r.holds += "; " + holds
		}
		r.users = append(r.users, user)
	}
	for _, v := range views {
		if v.kind == "cloudflare" {
			add("CLOUDFLARE_API_TOKEN", "Cloudflare API token", "zone "+v.z.Name)
		}
		if p := cfg.Providers[v.z.Provider]; p != nil && p.TSIGSecretEnv != "" {
			holds := "TSIG secret of key " + p.TSIGKey
			if p.TSIGAlgorithm != "" {
				holds += " (" + p.TSIGAlgorithm + ")"
			}
			add(p.TSIGSecretEnv, holds, "provider "+p.Ref()+", zone "+v.z.Name)
		}
		for _, c := range v.z.Checks {
			for h, s := range c.Headers {
				if s.Env != "" {
					add(s.Env, "value of the "+h+" header", "check "+c.Name+" in zone "+v.z.Name)
				}
			}
		}
	}
	out := make([]*secretRow, 0, len(rows))
	for _, r := range rows {
		r.users = sortedUnique(r.users)
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].env < out[j].env })
	return out
}

func renderSecrets(d *md, cfg *schema.Config, views []*zoneView) {
	d.heading(2, "Secrets")
	d.para("No secret is written in launch.hcl, in saved plans, in snapshots or in this map. ",
		"Each one lives in an environment variable: on a laptop, set it from the team's password manager; ",
		"in CI, store it as an encrypted repository or environment secret. Only the variable names are listed here.")
	rows := collectSecrets(cfg, views)
	if len(rows) == 0 {
		d.para("This configuration uses no secret.")
	} else {
		out := make([][]string, 0, len(rows))
		for _, r := range rows {
			users := make([]string, len(r.users))
			for i, u := range r.users {
				users[i] = text(u)
			}
			out = append(out, []string{code(r.env), text(r.holds), strings.Join(users, "<br>")})
		}
		d.table([]string{"Environment variable", "Holds", "Used by"}, out)
	}
	if len(zoneNames(views, "cloudflare")) > 0 {
		d.para("`CLOUDFLARE_BASE_URL` (not a secret) points launchready at another API endpoint, such as the local simulator (`launchready sim`); leave it unset for Cloudflare itself.")
	}
	d.para("DKIM private keys are not in DNS: each sending service keeps the key for its selector.")
}

func renderRunbooks(d *md, cfg *schema.Config, views []*zoneView) {
	d.heading(2, "Runbooks")
	d.para("Commands read `launch.hcl` in the current directory; add `--config FILE` when the file lives elsewhere.")

	if cf := zoneNames(views, "cloudflare"); len(cf) > 0 {
		d.heading(3, "Rotate the Cloudflare API token")
		perms := []string{"Zone → Zone → Read", "Zone → DNS → Edit"}
		settings, redirects, caches := false, false, false
		for _, v := range views {
			if v.kind != "cloudflare" {
				continue
			}
			settings = settings || v.z.Settings != nil
			redirects = redirects || len(v.z.Redirects) > 0
			caches = caches || len(v.z.Caches) > 0
		}
		if settings {
			perms = append(perms, "Zone → Zone Settings → Edit")
		}
		if redirects {
			perms = append(perms, "Zone → Single Redirect → Edit")
		}
		if caches {
			perms = append(perms, "Zone → Cache Rules → Edit")
		}
		zones := make([]string, len(cf))
		for i, z := range cf {
			zones[i] = code(z)
		}
		d.line("1. In the Cloudflare dashboard, open My Profile → API Tokens → Create Token → Create Custom Token. Grant ",
			strings.Join(perms, ", "), ", limited to the zone resources ", strings.Join(zones, ", "), ".")
		d.line("2. Store the new token where the old one was: the `CLOUDFLARE_API_TOKEN` secret of the CI workflows, and the team's password manager.")
		d.line("3. Check it: `CLOUDFLARE_API_TOKEN=<new token> launchready plan --detailed-exitcode` must exit 0 (no changes) or 2 (changes), never 1 (an authentication error exits 1). Prefer reading the token from the password manager over typing it into the shell history.")
		d.line("4. Revoke the old token (API Tokens → … → Delete), then run the CI plan workflow once to prove CI uses the new one.")
		d.blank()
	}

	var tsig []*schema.Provider
	refs := make([]string, 0, len(cfg.Providers))
	for ref := range cfg.Providers {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		if p := cfg.Providers[ref]; p != nil && p.TSIGSecretEnv != "" {
			tsig = append(tsig, p)
		}
	}
	if len(tsig) > 0 {
		d.heading(3, "Rotate a TSIG key")
		for _, p := range tsig {
			alg := p.TSIGAlgorithm
			if alg == "" {
				alg = "hmac-sha256"
			}
			d.line("- Provider ", code(p.Ref()), ": generate a new key on the DNS server (BIND: ", code("tsig-keygen -a "+alg+" "+strings.TrimSuffix(p.TSIGKey, ".")),
				"), allow it to update and transfer the zone next to the old key, set ", code(p.TSIGSecretEnv),
				" to the new secret, run `launchready plan` (exit 0 or 2), then remove the old key from the server.")
		}
		d.blank()
	}

	d.heading(3, "Test email flows")
	renderEmailRunbook(d, views)

	d.heading(3, "Roll back a change")
	d.line("1. `launchready snapshots` lists the snapshots `apply` wrote before each change, with time, zone and what the apply changed.")
	d.line("2. `launchready rollback SNAPSHOT` shows the plan that restores that snapshot's managed objects; answer `yes` to apply it. Records made by hand are never touched.")
	d.line("3. Run `launchready verify`, then `launchready handover` to refresh this map.")
	d.blank()

	d.heading(3, "Re-run verify")
	d.line("- `launchready verify` checks DNS on every authoritative server, TLS, redirects, email authentication and the HTTP checks; it exits 0 when all pass, 4 when a check failed, 1 when something prevented checking.")
	d.line("- `launchready verify --json > verify.json` keeps a report; `launchready verify --baseline verify.json` fails when a p95 latency regressed.")
	d.line("- `launchready handover` rewrites this map with the latest results.")
	d.blank()
}

// renderEmailRunbook writes the email test steps, with this configuration's senders.
func renderEmailRunbook(d *md, views []*zoneView) {
	n := 1
	step := func(parts ...string) {
		d.line(append([]string{strconv.Itoa(n), ". "}, parts...)...)
		n++
	}
	found := false
	for _, v := range views {
		m := v.matrix
		if m == nil {
			continue
		}
		found = true
		sender := code("postmaster@" + v.z.Name)
		ip := "ADDR"
		for _, s := range m.senders {
			for _, term := range s.SPF {
				mech, arg, ok := strings.Cut(term, ":")
				if !ok || mech != "ip4" && mech != "ip6" || ip != "ADDR" {
					continue
				}
				addr, bits, hasBits := strings.Cut(arg, "/")
				if !hasBits || mech == "ip4" && bits == "32" || mech == "ip6" && bits == "128" {
					ip = addr
				}
			}
		}
		step("SPF for ", code(v.z.Name), ": ", code("launchready spf check --ip "+ip+" --sender postmaster@"+v.z.Name),
			" must print `pass` for each sending server (use the address of the server that sends, e.g. from a received message's headers) and `fail` or `softfail` for an address that must not send as ", sender, ".")
		if m.dmarc != nil && len(m.dmarc.rua) > 0 {
			step("Send a test message from each service in the sending matrix of ", code(v.z.Name), " to a mailbox you can read; its `Authentication-Results` header must say `spf=pass`, `dkim=pass` (with the service's selector) and `dmarc=pass`. Aggregate reports arrive at ",
				codeList(m.dmarc.rua), " within a day: check that the service appears there as passing.")
		} else {
			step("Send a test message from each service in the sending matrix of ", code(v.z.Name), " to a mailbox you can read; its `Authentication-Results` header must say `spf=pass`, `dkim=pass` and `dmarc=pass`. Add `rua` to the DMARC policy to receive daily reports.")
		}
	}
	if !found {
		d.para("No zone publishes email authentication yet: declare an `email` block (SPF, DKIM, DMARC) before sending mail.")
		return
	}
	step("After changing an `email` block: `launchready plan`, `launchready apply`, then `launchready verify` (its email checks resolve the SPF include tree and the DMARC report authorisations).")
	d.blank()
}
