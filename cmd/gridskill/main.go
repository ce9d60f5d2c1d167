// Command gridskill runs Gridskill: `gridskill` (or `gridskill serve`) starts
// the server, `gridskill seed` loads the demo district, `gridskill healthcheck`
// asks a running server's /healthz (for container health checks, where the
// image has no shell or curl), `gridskill db` serves the embedded database
// alone, on its Unix socket, for several local instances to share, and
// `gridskill balance` balances requests over several instances.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	"gridskill/store"
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
	if len(args) > 0 && (args[0] == "serve" || args[0] == "seed" || args[0] == "healthcheck" || args[0] == "db" || args[0] == "balance") {
		cmd, args = args[0], args[1:]
	}
	if cmd == "balance" {
		return runBalance(ctx, args, getenv, out)
	}
	cfg, err := parseConfig(cmd, args, getenv)
	if err != nil {
		return err
	}
	switch cmd {
	case "healthcheck":
		return healthcheck(ctx, cfg.Addr)
	case "db":
		return serveDB(ctx, cfg.DataDir, out)
	}
	m := NewMain(cfg, out)
	defer m.Close()
	if cfg.CPUProfile != "" {
		f, err := os.Create(cfg.CPUProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	switch cmd {
	case "seed":
		if cfg.DistrictWorkers > 0 {
			return m.SeedDistrictYear(ctx)
		}
		return m.Seed(ctx)
	default:
		if err := m.Run(ctx); err != nil {
			return err
		}
		<-ctx.Done()
		return nil
	}
}

// serveDB runs the embedded engine over dataDir until ctx ends, and prints
// the MONGODB_URI that points an instance on this machine at it.
func serveDB(ctx context.Context, dataDir string, out io.Writer) error {
	e, err := store.StartEngine(ctx, dataDir, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	c, err := store.Connect(ctx, e.URI())
	if err != nil {
		return err
	}
	_ = c.Disconnect(context.Background())
	fmt.Fprintf(out, "embedded database over %s; point each instance at it with\nMONGODB_URI=%s\n", dataDir, e.URI())
	<-ctx.Done()
	return nil
}

// healthcheck exits non-zero unless the server on addr answers /healthz with 200.
func healthcheck(ctx context.Context, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 4*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %s", resp.Status)
	}
	return nil
}
