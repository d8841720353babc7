package cli

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/spf13/cobra"

	"github.com/launchready/launchready/email"
)

func newSPFCmd(e *env) *cobra.Command {
	spf := &cobra.Command{
		Use:   "spf",
		Short: "SPF tools",
	}
	var ip, sender, helo, resolver string
	var all bool
	check := &cobra.Command{
		Use:   "check --ip ADDR --sender user@example.com [--helo NAME]",
		Short: "Evaluate RFC 7208 check_host() against live DNS",
		Long: `spf check evaluates SPF for a message from --ip with MAIL FROM --sender (and HELO --helo) against live DNS (or --resolver), printing the result and the path of mechanisms that decided it.

Exit codes: 0 pass, 1 error (including temperror: DNS prevented the check), 4 any other result (fail, softfail, neutral, none, permerror).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			addr := net.ParseIP(ip)
			if addr == nil {
				return exitCode(ExitError, fmt.Errorf("--ip %q is not an IP address", ip))
			}
			if sender == "" && helo == "" {
				return exitCode(ExitError, fmt.Errorf("give --sender (MAIL FROM) or --helo"))
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			res, trace := email.CheckHost(ctx, email.NewDNSResolver(resolver), addr, sender, helo)
			if err := email.WriteTrace(e.stdout, trace, all); err != nil {
				return exitCode(ExitError, err)
			}
			switch res {
			case email.SPFPass:
				return nil
			case email.SPFTempError:
				return exitCode(ExitError, fmt.Errorf("DNS prevented the check (temperror): %s", trace.Reason))
			}
			return exitCode(ExitCheckFailed, nil)
		},
	}
	check.Flags().StringVar(&ip, "ip", "", "the sending server's IP address")
	check.Flags().StringVar(&sender, "sender", "", "the MAIL FROM address")
	check.Flags().StringVar(&helo, "helo", "", "the HELO/EHLO name")
	check.Flags().StringVar(&resolver, "resolver", "", "send DNS queries to HOST:PORT instead of the system resolver")
	check.Flags().BoolVar(&all, "all", false, "print every mechanism evaluated, not only the deciding path")
	_ = check.MarkFlagRequired("ip")
	spf.AddCommand(check)
	return spf
}
