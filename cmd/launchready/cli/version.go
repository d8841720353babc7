package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/internal/buildinfo"
)

// addVersion gives root the `version` command and the `--version` flag. cobra's
// default version output ("launchready version …") is kept on purpose: a custom
// template pulls in text/template, whose reflection disables the linker's dead-code
// elimination and triples the binary.
func addVersion(e *env, root *cobra.Command) {
	root.Version = buildinfo.Get().String()
	root.AddCommand(newVersionCmd(e))
}

func newVersionCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Long:  "version prints launchready's version, the commit it was built from and the build date (stamped by the release build; a plain `go build` shows the commit and its time from the VCS information Go embeds).",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := buildinfo.Get()
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			fmt.Fprintf(e.stdout, "launchready %s\ncommit:   %s\nbuilt:    %s\ngo:       %s\nplatform: %s\n",
				info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
