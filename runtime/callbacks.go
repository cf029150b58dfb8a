package runtime

import (
	"context"
	"fmt"
	"sync"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/callback"
	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// callbackPoster is the process's callback actor (patients' answers to
// reminders, posted to the EMR) and the posts it has in flight.
type callbackPoster struct {
	pid   *actor.PID
	codec *callback.Codec
	sends sync.WaitGroup
}

// startCallbacks spawns the callback actor. It starts before the
// conversations that tell it of answers, and reads what a previous run
// left pending as it starts.
func (a *App) startCallbacks(s *settings, sealer persistence.Sealer) error {
	secrets := make(map[string]string, len(a.cfg.Hospitals))
	for _, h := range a.cfg.Hospitals {
		secrets[h.Code] = h.CallbackSecret.Value()
	}
	a.callbacks = &callbackPoster{codec: callback.NewCodec(sealer)}
	props := callback.Props(callback.Options{
		Store: a.store, Codec: a.callbacks.codec, Secret: func(code string) string { return secrets[code] },
		Client: s.httpClient, RetryBase: s.callbackRetry, Holder: a.holder, Lease: s.lease(), Now: a.now, Metrics: a.metrics, Logger: a.log, Sends: &a.callbacks.sends,
		Alive: a.alive(),
	})
	pid, err := a.system.Root.SpawnNamed(props, "callbacks")
	if err != nil {
		return fmt.Errorf("spawn callback actor: %w", err)
	}
	a.callbacks.pid = pid
	return nil
}

// handoff gives a reminder that expects an answer to the patient's
// conversation and waits until the conversation has committed it.
func (a *App) handoff(ctx context.Context, sender, phone string, due *flow.ReminderDue) error {
	ack, err := a.router.Deliver(ctx, &conversation.Deliver{Key: conversation.Key{Sender: sender, Phone: phone}, Event: due})
	if err != nil {
		return fmt.Errorf("hand reminder %s to its conversation: %w", due.ReminderID, err)
	}
	if ack.Err != nil {
		return fmt.Errorf("hand reminder %s to its conversation: %w", due.ReminderID, ack.Err)
	}
	return nil
}

// reloadCallbacks has the callback actor read the pending callbacks again
// (the store answers again after an outage).
func (a *App) reloadCallbacks() {
	if a.callbacks != nil && a.callbacks.pid != nil {
		a.system.Root.Send(a.callbacks.pid, &callback.Reload{})
	}
}

// stopCallbacks stops the callback actor once no conversation can tell it
// of more answers, then waits for the posts in flight; callbacks waiting
// for a retry stay pending for the next start.
func (a *App) stopCallbacks(ctx context.Context) error {
	if a.callbacks == nil || a.callbacks.pid == nil {
		return nil
	}
	if err := a.system.Root.StopFuture(a.callbacks.pid).Wait(); err != nil {
		return fmt.Errorf("stop callback actor: %w", err)
	}
	if err := wait(ctx, &a.callbacks.sends); err != nil {
		return fmt.Errorf("wait for callback posts: %w", err)
	}
	return nil
}
