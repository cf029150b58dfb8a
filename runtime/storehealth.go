package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Default store probe: a ping every second, given half a second to answer.
// Two failed pings in a row (or one commit that could not reach the store)
// mark the store down; one answered ping marks it up again. A failed ping
// is confirmed by the next one soon after, not a whole interval later, so
// an outage is known within about interval + 2 × timeout.
const (
	defaultProbeInterval = time.Second
	defaultProbeTimeout  = 500 * time.Millisecond
	storeDownAfter       = 2
	confirmAfter         = 100 * time.Millisecond
)

// storeHealth knows whether the store can be reached, so that requests
// are refused at once while it cannot (a webhook that would wait for a
// commit doomed to fail answers 503 immediately, and Twilio retries or
// uses its fallback) instead of each one waiting out a timeout. It learns
// from its own pings and from the failures conversations meet; only a ping
// brings it back up. Each change is logged once and exported as
// frontdesk_store_up.
type storeHealth struct {
	ping     func(ctx context.Context) error
	interval time.Duration
	timeout  time.Duration
	log      *slog.Logger
	metrics  *metrics.Metrics
	// onUp runs after each recovery, on the pinger's goroutine.
	onUp func()

	mu       sync.Mutex
	down     bool
	failures int       // failed pings in a row while up
	since    time.Time // when it went down
	reason   string    // why, for /readyz
	upAt     time.Time // when it last came up (or the monitor started)
	// upCtx is cancelled when the store goes down; new at each recovery.
	upCtx    context.Context
	cancelUp context.CancelFunc
}

func newStoreHealth(ping func(context.Context) error, interval, timeout time.Duration, log *slog.Logger, m *metrics.Metrics) *storeHealth {
	if interval <= 0 {
		interval = defaultProbeInterval
	}
	if timeout <= 0 {
		timeout = defaultProbeTimeout
	}
	m.StoreUp.Set(1) // the store answered when it was opened
	h := &storeHealth{ping: ping, interval: interval, timeout: timeout, log: log, metrics: m, upAt: time.Now()}
	h.upCtx, h.cancelUp = context.WithCancel(context.Background())
	return h
}

// run pings the store until ctx ends: every interval, or confirmAfter
// after a failed ping that has not yet marked the store down.
func (h *storeHealth) run(ctx context.Context) {
	wait := h.interval
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		pctx, cancel := context.WithTimeout(ctx, h.timeout)
		err := h.ping(pctx)
		cancel()
		if ctx.Err() != nil {
			return // shutting down: a cancelled ping says nothing
		}
		h.pinged(err)
		wait = h.interval
		if err != nil && h.err() == nil {
			wait = min(confirmAfter, h.interval)
		}
	}
}

// pinged takes one ping's outcome.
func (h *storeHealth) pinged(err error) {
	if err == nil {
		h.markUp()
		return
	}
	h.mu.Lock()
	h.failures++
	enough := h.failures >= storeDownAfter
	h.mu.Unlock()
	if enough {
		h.markDown(fmt.Errorf("%d pings failed, the last with: %w", storeDownAfter, err))
	}
}

// failed takes the error of a store operation that began at began (a
// commit, a load). Only an error that says the store could not be reached
// counts, and only for an operation begun since the store last came up:
// one that hung through an outage already over must not start another.
func (h *storeHealth) failed(began time.Time, err error) {
	if !isOutage(err) {
		return
	}
	h.mu.Lock()
	stale := began.Before(h.upAt)
	h.mu.Unlock()
	if !stale {
		h.markDown(err)
	}
}

// markDown records an outage; the first report of one is logged.
func (h *storeHealth) markDown(err error) {
	h.mu.Lock()
	if h.down {
		h.mu.Unlock()
		return
	}
	h.down, h.since, h.reason = true, time.Now(), err.Error()
	h.cancelUp()
	h.mu.Unlock()
	h.metrics.StoreUp.Set(0)
	h.metrics.StoreOutages.Inc()
	h.log.Error("store unreachable: webhooks and EMR pushes answer 503 until it is back",
		"component", "store", "err", err)
}

// markUp records an answered ping; the end of an outage is logged with
// its length, then onUp runs.
func (h *storeHealth) markUp() {
	h.mu.Lock()
	h.failures = 0
	if !h.down {
		h.mu.Unlock()
		return
	}
	now := time.Now()
	downFor := now.Sub(h.since)
	h.down, h.upAt, h.reason = false, now, ""
	h.upCtx, h.cancelUp = context.WithCancel(context.Background())
	h.mu.Unlock()
	h.metrics.StoreUp.Set(1)
	h.log.Info("store reachable again", "component", "store", "down_for", downFor.Round(time.Millisecond).String())
	if h.onUp != nil {
		h.onUp()
	}
}

// outage returns a context cancelled when the store is found unreachable
// (already cancelled while it is), so a request waiting for a commit can
// give up as soon as the outage is known instead of at the commit's
// timeout.
func (h *storeHealth) outage() context.Context {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.upCtx
}

// err is nil while the store is up, else why it is not, for /readyz and
// the 503 answers.
func (h *storeHealth) err() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.down {
		return nil
	}
	return fmt.Errorf("store unreachable for %s: %s", time.Since(h.since).Round(time.Second), h.reason)
}

// WithStoreProbe sets how often the store is pinged and how long a ping
// may take (defaults 1 s and 500 ms); tests shorten or lengthen them.
func WithStoreProbe(interval, timeout time.Duration) Option {
	return func(s *settings) { s.probeInterval, s.probeTimeout = interval, timeout }
}

// storeBack runs on the pinger's goroutine when the store answers again
// after an outage: outbound actors re-read their pending messages (a
// commit whose answer was lost may have landed, with replies no actor was
// told about), and conversations waiting for the EMR whose actor left
// memory meanwhile are woken so their calls resume.
func (a *App) storeBack(ctx context.Context, sealer opener) {
	for _, pid := range a.outbound.all() {
		a.system.Root.Send(pid, &outbound.Reload{})
	}
	a.reloadCallbacks()
	a.wakeReminders() // rather than after its own back-off
	a.startWaking(ctx, sealer)
}
