package runtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/gctune"
)

// shutdownGrace bounds graceful shutdown; Kubernetes' default termination
// grace period is 30 s.
const shutdownGrace = 25 * time.Second

// Run serves until ctx ends (a signal), then shuts down gracefully.
func Run(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	log.Info("starting frontdesk", "config", cfg)
	tuner := startGCTuner(cfg, log)
	defer tuner.Stop()
	app, err := New(cfg, log)
	if err != nil {
		return fmt.Errorf("start: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = app.Shutdown(context.Background())
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	announce(cfg, log, ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ln) }()
	select {
	case err = <-served:
	case <-ctx.Done():
		log.Info("shutting down: finishing conversations in progress")
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	return errors.Join(err, app.Shutdown(sctx))
}

// startGCTuner puts the configured floor under the heap goal
// (runtime/gctune), within the memory limits, and logs what it chose.
func startGCTuner(cfg config.Config, log *slog.Logger) *gctune.Tuner {
	floor := gctune.Floor(uint64(cfg.GCHeapFloorMiB) << 20)
	t := gctune.Start(floor)
	if t != nil {
		log.Debug("garbage collector tuned", "component", "runtime", "heap_floor_mib", floor>>20)
	}
	return t
}

// announce logs the one line that tells a person what is running where.
func announce(cfg config.Config, log *slog.Logger, addr string) {
	switch {
	case cfg.Demo:
		store := "embedded store in " + cfg.DataDir
		if cfg.StoreKind() == "redis" {
			store = "Redis store"
		}
		log.Info(fmt.Sprintf("frontdesk demo is running: open %s/ and send \"hi demo\" (demo EMR, %s, replies shown in the simulator, no Twilio)", cfg.PublicURL, store), "addr", addr)
	case !cfg.TwilioConfigured():
		log.Warn("TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN are unset: webhook signatures are NOT checked and replies go to the simulator only; do not expose this process", "addr", addr)
	default:
		log.Info("frontdesk is serving", "addr", addr, "public_url", cfg.PublicURL, "hospitals", len(cfg.Hospitals))
	}
}
