package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/importer"
	"github.com/launchready/launchready/model"
	"github.com/launchready/launchready/plan"
	"github.com/launchready/launchready/schema"
)

// allSettings are the zone settings launch.hcl can manage, read by import --settings.
var allSettings = []string{model.SettingSSL, model.SettingAlwaysUseHTTPS, model.SettingMinTLSVersion, model.SettingTLS13, model.SettingAutomaticHTTPSRewrites, model.SettingSecurityLevel, model.SettingSecurityHeader}

func newImportCmd(e *env) *cobra.Command {
	var (
		out, provider           string
		authoritative, settings bool
		force                   bool
		owner                   string
	)
	cmd := &cobra.Command{
		Use:   "import ZONE",
		Short: "Write launch.hcl reproducing a live zone",
		Long: `import reads a live zone and writes HCL that reproduces it: records grouped into record sets, the settings launchready manages there (all settings with --settings), and redirect and cache rules — launchready's and hand-made ones — as blocks.

Nothing becomes launchready's by importing: the next plan shows every imported record set as "adopt" (no change to the record itself), and ownership is taken only when you apply it.

The file is written for the owner whose marks the zone's records and rules carry (owner = "NAME" when it is not "default"). When several launch.hcl files (several owners) manage the zone, name the one to import with --owner NAME: what the other owners marked is listed as not imported.

For an RFC 2136 zone, name the provider (--provider rfc2136.NAME) and keep its provider block in --config.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			zone, err := model.CanonicalZone(args[0])
			if err != nil {
				return exitCode(ExitError, fmt.Errorf("zone %q: %w", args[0], err))
			}
			if out != "" && !force {
				if _, err := os.Stat(out); err == nil {
					return exitCode(ExitError, fmt.Errorf("%s exists; choose another --out or pass --force to overwrite it", out))
				}
			}
			cfg := &schema.Config{Providers: map[string]*schema.Provider{}}
			var pblock *schema.Provider
			if provider != "cloudflare" {
				c, err := e.rollbackConfig()
				if err != nil {
					return err
				}
				cfg = c
				pblock = cfg.Providers[provider]
				if pblock == nil {
					return exitCode(ExitError, fmt.Errorf("--provider %s: no such provider block in %s", provider, e.configPath))
				}
			}
			cfg.Zones = []*schema.Zone{{Name: zone, Provider: provider}}
			eng, err := e.engineFor(cfg, nil)
			if err != nil {
				return err
			}
			live, err := eng.ReadZoneFrom(cmd.Context(), zone, provider, nil)
			if err != nil {
				return exitCode(ExitError, err)
			}
			ids := plan.ManagedSettings(live)
			if settings {
				ids = allSettings
			}
			if len(ids) > 0 && strings.HasPrefix(provider, "cloudflare") {
				if live, err = eng.ReadZoneFrom(cmd.Context(), zone, provider, ids); err != nil {
					return exitCode(ExitError, err)
				}
			}
			opts := importer.Options{Provider: provider, Authoritative: authoritative, Settings: len(ids) > 0, ProviderBlock: pblock, Owner: owner}
			who, err := importer.Owner(live, opts)
			if err != nil {
				return exitCode(ExitError, err)
			}
			src, err := importer.Zone(live, opts)
			if err != nil {
				return exitCode(ExitError, err)
			}
			if out == "" {
				_, err = e.stdout.Write(src)
				return err
			}
			if err := writeFileAtomic(out, src, 0o644); err != nil {
				return exitCode(ExitError, err)
			}
			fmt.Fprintf(e.stdout, "Wrote %s (%d records read; owner %s). Next: launchready plan --config %s — imported record sets show as \"adopt\" until you apply.\n", out, len(live.Records), who, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write to FILE instead of standard output")
	cmd.Flags().StringVar(&provider, "provider", "cloudflare", `the zone's provider: "cloudflare" or "rfc2136.NAME" (declared in --config)`)
	cmd.Flags().BoolVar(&authoritative, "authoritative", false, "write authoritative = true (records later removed from the file are deleted)")
	cmd.Flags().BoolVar(&settings, "settings", false, "import every zone setting launch.hcl can manage, not only those launchready already manages")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite --out if it exists")
	cmd.Flags().StringVar(&owner, "owner", "", `import the file of this owner (default: the one owner whose marks the zone carries, else "default"); needed when several launch.hcl files manage the zone`)
	return cmd
}
