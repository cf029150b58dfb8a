package outbound

import (
	"context"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// deliver sends one entry and records the outcome; it runs outside the
// actor. A failed send stays in the outbox as failed with its reason
// (retries with backoff come with the reliable-outbound work).
func deliver(opts Options, e persistence.OutboxEntry) *result {
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	msg, err := opts.Codec.Decode(e)
	if err != nil {
		markFailed(ctx, opts, e, "undecodable payload")
		return &result{entry: e, err: err}
	}
	begin := time.Now()
	id, err := opts.Transport.Send(ctx, msg)
	opts.Metrics.SendDuration.Observe(time.Since(begin).Seconds())
	if err != nil {
		markFailed(ctx, opts, e, err.Error())
		return &result{entry: e, err: fmt.Errorf("send outbox entry %s: %w", e.ID, err)}
	}
	if merr := opts.Store.MarkSent(ctx, e.Sender, e.ID, id, opts.Now()); merr != nil {
		// Sent but not recorded: after a restart it would go again. Say so.
		return &result{entry: e, providerID: id, err: fmt.Errorf("record sent entry %s: %w", e.ID, merr)}
	}
	return &result{entry: e, providerID: id}
}

func markFailed(ctx context.Context, opts Options, e persistence.OutboxEntry, reason string) {
	if err := opts.Store.MarkFailed(ctx, e.Sender, e.ID, reason, true, opts.Now()); err != nil {
		opts.Logger.Error("record failed outbox entry", "component", "outbound", "entry", e.ID, "err", err)
	}
}
