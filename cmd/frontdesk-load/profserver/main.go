// Command profserver is the frontdesk server with Go's profiler on a
// second, loopback-only port (FRONTDESK_PPROF_ADDR, default
// 127.0.0.1:6060), for profiling under the load tool:
//
//	go build -o bin/frontdesk-prof ./cmd/frontdesk-load/profserver
//	bin/frontdesk-load run --server-bin bin/frontdesk-prof --duration 30s &
//	go tool pprof -seconds 20 http://127.0.0.1:6060/debug/pprof/profile
//
// It is the product's own runtime.Run with the same configuration; the
// product binary does not expose the profiler.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// main runs the server and exits non-zero on error.
func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "profserver:", err)
		os.Exit(1)
	}
}

// run serves the profiler, then runs the product until SIGINT or SIGTERM.
func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := runtime.NewLogger(os.Stderr, cfg.SlogLevel(), cfg.Demo)
	addr := os.Getenv("FRONTDESK_PPROF_ADDR")
	if addr == "" {
		addr = "127.0.0.1:6060"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	prof := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := prof.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.Error("profiler", "err", err)
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer prof.Close()
	slog.SetDefault(log)
	return runtime.Run(ctx, cfg, log)
}
