// Command launchready makes a small product launch-ready from one reviewed file. See
// README.md; all behaviour lives in package cli and below.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/launchready/launchready/cmd/launchready/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
