package runtime

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// defaultBeatTTL is how long one beat keeps this process's leases live
// on a store that ends a silent holder's leases (persistence.Liveness):
// about the longest a killed process's outbox entries wait for another
// one, instead of the outbox lease. A beat goes every sixth of it.
const defaultBeatTTL = 30 * time.Second

// WithBeatTTL sets how long one beat keeps this process's leases live,
// as is; tests shorten it to see a killed process's entries taken over
// quickly (a process whose beat is shorter than a send's timeout and
// persistence.BeatSlack sends nothing itself).
func WithBeatTTL(d time.Duration) Option { return func(s *settings) { s.beatTTL = d } }

// beatTTLFor is the beat's time to live: as set, else defaultBeatTTL or,
// with a long send timeout, twice the send's timeout and
// persistence.BeatSlack, so that a send can start for about half of it
// after each beat.
func (s *settings) beatTTLFor() time.Duration {
	if s.beatTTL > 0 {
		return s.beatTTL
	}
	return max(defaultBeatTTL, 2*(s.outboundTimeout()+persistence.BeatSlack))
}

// beater keeps this process run's lease holder beating in the store and
// tells the outbound actors what it knows of the beat (persistence.Beat).
type beater struct {
	store  persistence.Liveness
	holder string
	ttl    time.Duration
	now    func() time.Time // the process clock, for Beat.Lapsed
	log    *slog.Logger
	m      *metrics.Metrics

	state atomic.Pointer[persistence.Beat]
	ctx   context.Context // ends a beat in flight when the beater stops
	stop  context.CancelFunc
	done  chan struct{}
}

// startBeater beats once (a failure is logged: sends wait for the first
// beat that the store takes) and then every ttl/6 until stopped.
func startBeater(store persistence.Liveness, holder string, ttl time.Duration, now func() time.Time, log *slog.Logger, m *metrics.Metrics) *beater {
	b := &beater{store: store, holder: holder, ttl: ttl, now: now, log: log.With("component", "leases"), m: m,
		done: make(chan struct{})}
	b.ctx, b.stop = context.WithCancel(context.Background())
	b.state.Store(&persistence.Beat{})
	b.beat()
	go b.run()
	return b
}

// Alive is what the process knows of its beat now.
func (b *beater) Alive() persistence.Beat { return *b.state.Load() }

func (b *beater) run() {
	defer close(b.done)
	t := time.NewTicker(b.ttl / 6)
	defer t.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-t.C:
			b.beat()
		}
	}
}

// beat sends one beat. The store keeps it for ttl from when it takes it,
// which is after sent, so sent+ttl is when it ends at the earliest. The
// previous beat may have ended before this one was taken (which is
// before it returned): then another process may have taken over this
// one's leases meanwhile, and Lapsed says so.
func (b *beater) beat() {
	sent := time.Now()
	ctx, cancel := context.WithTimeout(b.ctx, b.ttl/6)
	err := b.store.Beat(ctx, b.holder, b.ttl)
	cancel()
	if b.ctx.Err() != nil {
		return // stopped meanwhile
	}
	if err != nil {
		b.m.BeatFailures.Inc()
		b.log.Warn("lease holder beat failed; sends pause before it lapses", "err", err)
		return
	}
	prev := b.state.Load()
	next := &persistence.Beat{Until: sent.Add(b.ttl), Lapsed: prev.Lapsed}
	if !prev.Until.IsZero() && time.Now().After(prev.Until) {
		next.Lapsed = b.now()
		b.m.BeatLapses.Inc()
		b.log.Error("lease holder beat lapsed: other processes may have taken over this one's outbox entries; they are claimed again before they are sent")
	}
	b.state.Store(next)
}

// close stops the beats; with retire (the process stopped cleanly, no
// send in flight) it also ends the beat in the store, so other processes
// need not wait for it to lapse.
func (b *beater) close(ctx context.Context, retire bool) error {
	b.stop()
	<-b.done
	if !retire {
		return nil
	}
	return b.store.Retire(ctx, b.holder)
}
