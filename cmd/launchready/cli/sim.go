package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/providers/cloudflare/sim"
)

func newSimCmd(e *env) *cobra.Command {
	var (
		listen, state, token string
		zones                []string
		batchLimit           int
	)
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Run the local Cloudflare API simulator",
		Long: `sim serves a faithful local copy of the parts of Cloudflare API v4 that launchready uses, so you can try launchready without an account:

  launchready sim --listen 127.0.0.1:8787 --zone example.com &
  export CLOUDFLARE_BASE_URL=http://127.0.0.1:8787/client/v4 CLOUDFLARE_API_TOKEN=dev

Request counts per endpoint are served at GET /__sim/stats; faults (429, 5xx, latency, dropped connections) can be injected with POST /__sim/faults.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := sim.New(sim.Options{Token: token, Zones: zones, StatePath: state, BatchLimit: batchLimit, Logger: e.log})
			if err != nil {
				return exitCode(ExitError, err)
			}
			base, err := s.Start(listen)
			if err != nil {
				return exitCode(ExitError, err)
			}
			defer s.Close()
			fmt.Fprintf(e.stdout, "Cloudflare API simulator listening on %s\n", base)
			fmt.Fprintf(e.stdout, "  export CLOUDFLARE_BASE_URL=%s CLOUDFLARE_API_TOKEN=%s\n", base, tokenHint(token))
			for _, z := range s.ZoneNames() {
				fmt.Fprintf(e.stdout, "  zone %s\n", z)
			}
			<-cmd.Context().Done()
			fmt.Fprintln(e.stdout, "simulator stopped")
			return nil
		},
	}
	cmd.Flags().StringVar(&listen, "listen", "127.0.0.1:8787", "address to listen on")
	cmd.Flags().StringVar(&state, "state", "", "persist state in FILE across restarts")
	cmd.Flags().StringVar(&token, "token", "", "accept only this API token (default: any non-empty bearer token)")
	cmd.Flags().StringArrayVar(&zones, "zone", nil, "create this zone at start (repeatable)")
	cmd.Flags().IntVar(&batchLimit, "batch-limit", 200, "records per batch request (Cloudflare Free: 200)")
	return cmd
}

// tokenHint is what to export as the token: the fixed one is the user's own choice
// (given on the command line), so echoing it back is no leak; otherwise any value.
func tokenHint(token string) string {
	if token != "" {
		return "<the --token value>"
	}
	return "dev"
}
