// Command frontdesk serves a WhatsApp front desk for hospitals and clinics.
// With no configuration it runs the demo: a demo hospital on the built-in
// demo EMR, an embedded store in ./data and a web simulator at
// http://127.0.0.1:8080/. See README.md for the configuration.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

func main() {
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
