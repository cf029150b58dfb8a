package outbound

import (
	"context"
	"fmt"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// A free-form message can pass the window check and still be refused
// with 63016: the window closed while it waited, or the patient's last
// message was to another number. When Twilio refuses the send itself the
// actor sends the same entry again as a template (finish.go). When the
// refusal comes later, as the ErrorCode of a status callback, the entry
// is already marked sent; the status webhook then hands it here, and a
// copy marked Fallback is enqueued (id: the original's + "t") and sent as
// the hospital's template, or held as not deliverable when there is none.
// The copy is made once: a second callback for the same message finds the
// original in fellBack, or the copy already in the store (Enqueue leaves
// an existing id untouched) and no longer pending; a copy is never copied
// again.

// OutsideWindow tells the outbound actor of Entry's sender that Twilio
// reported error 63016 for Entry after accepting it.
type OutsideWindow struct {
	Entry persistence.OutboxEntry
}

// maxFellBack bounds the memory of handled callbacks; past it the map
// starts over and the store's check alone stops repeats.
const maxFellBack = 10000

// fallBack enqueues the template copy of e in a goroutine; the copy comes
// back as a Notify.
func (s *sender) fallBack(ctx actor.Context, e persistence.OutboxEntry) {
	if s.fellBack[e.ID] {
		return
	}
	if len(s.fellBack) >= maxFellBack {
		s.fellBack = map[string]bool{}
	}
	s.fellBack[e.ID] = true
	opts := s.opts
	system, self := ctx.ActorSystem(), ctx.Self()
	opts.Sends.Add(1)
	go func() {
		defer opts.Sends.Done()
		fctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
		defer cancel()
		fb, err := enqueueFallback(fctx, opts, e)
		switch {
		case err != nil:
			opts.Logger.Error("enqueue template fallback after 63016", "component", "outbound", "entry", e.ID, "err", err)
		case fb != nil:
			opts.Logger.Info("63016 reported after sending; template fallback queued", "component", "outbound", "entry", e.ID, "fallback", fb.ID)
			system.Root.Send(self, &Notify{Entries: []persistence.OutboxEntry{*fb}})
		}
	}()
}

// enqueueFallback stores the template copy of e and returns it while it
// is still to be sent; nil when e is itself a copy or the copy was
// already handled.
func enqueueFallback(ctx context.Context, opts Options, e persistence.OutboxEntry) (*persistence.OutboxEntry, error) {
	m, err := opts.Codec.Decode(e)
	if err != nil {
		return nil, err
	}
	if m.Fallback {
		return nil, nil
	}
	fe, err := opts.Codec.fallbackEntry(e, m, opts.Now())
	if err != nil {
		return nil, err
	}
	if err := opts.Store.Enqueue(ctx, fe); err != nil {
		return nil, fmt.Errorf("enqueue fallback of outbox entry %s: %w", e.ID, err)
	}
	stored, err := opts.Store.Entry(ctx, fe.Sender, fe.ID)
	if err != nil {
		return nil, fmt.Errorf("read fallback of outbox entry %s: %w", e.ID, err)
	}
	if stored.State != persistence.OutboxPending {
		return nil, nil
	}
	return &stored, nil
}
