package runtime

import (
	"context"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
)

// maxWakes bounds the conversations woken at start-up; only those waiting
// for an EMR answer at the moment of a crash have a mark.
const maxWakes = 10000

// wakeWaiting wakes the conversations that were waiting for an EMR answer
// when the previous process stopped, so each resumes its call without the
// patient writing again. It runs in the background after start-up.
func (a *App) wakeWaiting(ctx context.Context, sealer interface{ Open([]byte) ([]byte, error) }) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	wakes, err := a.store.Wakes(ctx, maxWakes)
	if ctx.Err() != nil {
		return // shutting down already
	}
	if err != nil {
		a.log.Error("list conversations to wake", "component", "runtime", "err", err)
		return
	}
	woken := 0
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
			return
		}
		if _, err := a.router.Deliver(ctx, &conversation.Deliver{Key: key}); err != nil {
			a.log.Warn("wake conversation", "component", "runtime", "conv", w.Key, "err", err)
			continue
		}
		woken++
	}
	if len(wakes) > 0 {
		a.log.Info("woke conversations waiting for the EMR", "component", "runtime", "count", woken)
	}
}
