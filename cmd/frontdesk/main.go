// Command frontdesk serves a WhatsApp front desk for hospitals and clinics.
// With no configuration it runs the demo: a demo hospital on the built-in
// demo EMR, an embedded store in ./data and a web simulator at
// http://127.0.0.1:8080/. See README.md for the configuration.
//
// `frontdesk -healthcheck` instead asks a running process for /healthz
// and exits 0 when it is healthy, 1 otherwise (the container image's
// HEALTHCHECK: the image has no shell or curl).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

func main() {
	probe := flag.Bool("healthcheck", false, "GET /healthz of the process at "+config.EnvAddr+", exit 0 if it answers 200, else 1")
	flag.Parse()
	if *probe {
		if err := healthcheck(context.Background(), os.Getenv(config.EnvAddr), healthcheckTimeout); err != nil {
			fmt.Fprintln(os.Stderr, "frontdesk: unhealthy:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "frontdesk:", err)
		os.Exit(1)
	}
}

// run loads the configuration, builds the logger and runs the process
// until SIGINT or SIGTERM.
func run() error {
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := runtime.NewLogger(os.Stderr, cfg.SlogLevel(), cfg.Demo)
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runtime.Run(ctx, cfg, log)
}
