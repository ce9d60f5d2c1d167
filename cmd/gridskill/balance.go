package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"gridskill/cluster"
)

// runBalance is `gridskill balance -addr :8080 -backends http://127.0.0.1:8081,...`:
// the Go load balancer (cluster.Balancer) in front of several instances, for
// a machine without nginx. It runs until ctx ends.
func runBalance(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("gridskill balance", flag.ContinueOnError)
	addr := fs.String("addr", envOr(getenv, "GRIDSKILL_ADDR", ":8080"), "listen address (GRIDSKILL_ADDR)")
	list := fs.String("backends", getenv("GRIDSKILL_BACKENDS"), "the instances' base URLs, comma-separated, e.g. http://127.0.0.1:8081,http://127.0.0.1:8082 (GRIDSKILL_BACKENDS)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var backends []string
	for _, s := range strings.Split(*list, ",") {
		if s = strings.TrimRight(strings.TrimSpace(s), "/"); s != "" {
			backends = append(backends, s)
		}
	}
	if len(backends) == 0 {
		return errors.New("balance: -backends names no instance; give their base URLs, e.g. -backends http://127.0.0.1:8081,http://127.0.0.1:8082")
	}
	log := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelInfo}))
	b, err := cluster.NewBalancer(backends, log)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	b.Start(ctx)
	srv := &http.Server{Handler: b, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	fmt.Fprintf(out, "balancing over %s on http://%s\n", strings.Join(backends, ", "), l.Addr())
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Event streams never end on their own: give other requests a moment, then close.
	sctx, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	return nil
}
