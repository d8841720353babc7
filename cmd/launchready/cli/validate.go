package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Parse and validate the config offline",
		Long:  "validate parses launch.hcl and checks it without touching any API. Diagnostics are printed as file:line:col: message. Exit 0 when valid, 1 when not.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			records := 0
			for _, z := range cfg.Zones {
				records += len(z.Records)
			}
			fmt.Fprintf(e.stdout, "%s is valid: %d zone%s, %d record set%s.\n", e.configPath, len(cfg.Zones), plural(len(cfg.Zones)), records, plural(records))
			return nil
		},
	}
}
