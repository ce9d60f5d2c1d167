// Command gridskill runs Gridskill: `gridskill` (or `gridskill serve`) starts
// the server, `gridskill seed` loads the demo district.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gridskill:", err)
		}
		os.Exit(1)
	}
}

// run dispatches the subcommand and waits until it is done or ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "serve" || args[0] == "seed") {
		cmd, args = args[0], args[1:]
	}
	cfg, err := parseConfig(cmd, args, getenv)
	if err != nil {
		return err
	}
	m := NewMain(cfg, out)
	defer m.Close()
	switch cmd {
	case "seed":
		return m.Seed(ctx)
	default:
		if err := m.Run(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
}
