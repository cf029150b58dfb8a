package runtime

import (
	"context"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// maxWakes bounds the conversations woken at start-up; only those waiting
// for an EMR answer at the moment of a crash have a mark.
const maxWakes = 10000

// A pass of wakeWaiting that leaves conversations unwoken is tried again
// after 1 s, doubling up to maxWakeBackoff, for at most maxWakePasses
// passes (not counting waits while the store is down): a conversation that
// cannot load for another reason than an outage is not tried for ever, and
// the end of an outage starts a new pass anyway.
const (
	maxWakeBackoff = 30 * time.Second
	maxWakePasses  = 6
)

// opener opens sealed bytes (the wake marks' addresses).
type opener interface{ Open([]byte) ([]byte, error) }

// startWaking runs wakeWaiting in the background unless a pass already
// runs. It is called at start-up and after each store outage, on the
// goroutine that wires the process or on the store pinger's, both counted
// in a.background, so Shutdown waits for the pass it starts.
func (a *App) startWaking(ctx context.Context, sealer opener) {
	if !a.waking.CompareAndSwap(false, true) {
		return
	}
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		defer a.waking.Store(false)
		a.wakeWaiting(ctx, sealer)
	}()
}

// wakeWaiting wakes the conversations that were waiting for an EMR answer
// when the previous process stopped (or whose actor left memory during a
// store outage), so each resumes its call without the patient writing
// again. While the store cannot be read, or a conversation cannot load,
// it tries again (see maxWakePasses) until every mark is woken, the marks
// have expired, or the process stops.
func (a *App) wakeWaiting(ctx context.Context, sealer opener) {
	ctx, cancel := context.WithTimeout(ctx, persistence.WakeTTL)
	defer cancel()
	wait := time.Second
	for passes := 0; ; {
		if a.health.err() == nil {
			if a.wakeOnce(ctx, sealer) {
				return
			}
			if passes++; passes == maxWakePasses {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, maxWakeBackoff)
	}
	a.log.Error("gave up waking some conversations waiting for the EMR; each resumes with its patient's next message",
		"component", "runtime", "passes", maxWakePasses)
}

// wakeOnce wakes every marked conversation once; it reports whether all
// are done with (woken, or unreadable for good).
func (a *App) wakeOnce(ctx context.Context, sealer opener) bool {
	lctx, cancel := context.WithTimeout(ctx, time.Minute)
	wakes, err := a.store.Wakes(lctx, maxWakes)
	cancel()
	if ctx.Err() != nil {
		return true // shutting down already
	}
	if err != nil {
		a.log.Warn("list conversations to wake; will try again", "component", "runtime", "err", err)
		return false
	}
	woken, left := 0, 0
	for _, w := range wakes {
		raw, err := sealer.Open(w.Data)
		if err != nil {
			a.log.Error("open wake mark", "component", "runtime", "conv", w.Key, "err", err)
			continue
		}
		key, ok := conversation.ParseKey(string(raw))
		if !ok {
			a.log.Error("malformed wake mark", "component", "runtime", "conv", w.Key)
			continue
		}
		if ctx.Err() != nil {
			return true
		}
		if a.health.err() != nil {
			return false // the store went away: the rest would fail too
		}
		ack, err := a.router.Deliver(ctx, &conversation.Deliver{Key: key})
		if err == nil {
			err = ack.Err
		}
		if err != nil {
			a.log.Warn("wake conversation; will try again", "component", "runtime", "conv", w.Key, "err", err)
			left++
			continue
		}
		woken++
	}
	if woken > 0 {
		a.log.Info("woke conversations waiting for the EMR", "component", "runtime", "count", woken)
	}
	return left == 0
}
