package outbound

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// deliver sends one entry and records the outcome; it runs outside the
// actor. A send that failed for a reason that may pass (Twilio's 429, 5xx,
// a timeout) stays pending and is tried again; any other failure, or the
// last attempt, leaves the entry failed with its reason.
func deliver(opts Options, e persistence.OutboxEntry) *result {
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	msg, err := opts.Codec.Decode(e)
	if err != nil {
		return &result{entry: e, err: err, unrecorded: markFailed(ctx, opts, e, "undecodable payload")}
	}
	begin := time.Now()
	id, err := opts.Transport.Send(ctx, msg)
	opts.Metrics.SendDuration.Observe(time.Since(begin).Seconds())
	if err != nil {
		if wait, again := retryAfter(err, e.Attempts+1); again {
			// Kept pending: this actor tries again after wait, and a
			// restart meanwhile sends it from the store.
			if merr := opts.Store.MarkFailed(ctx, e.Sender, e.ID, err.Error(), false, opts.Now()); merr != nil {
				opts.Logger.Error("record failed attempt", "component", "outbound", "entry", e.ID, "err", merr)
			}
			e.Attempts++
			return &result{entry: e, err: fmt.Errorf("send outbox entry %s: %w", e.ID, err), retryIn: wait}
		}
		return &result{entry: e, err: fmt.Errorf("send outbox entry %s: %w", e.ID, err), unrecorded: markFailed(ctx, opts, e, err.Error())}
	}
	if merr := opts.Store.MarkSent(ctx, e.Sender, e.ID, id, opts.Now()); merr != nil {
		// Sent but not recorded: the actor records it again until it
		// can; a restart meanwhile would send it again.
		return &result{entry: e, providerID: id, err: fmt.Errorf("record sent entry %s: %w", e.ID, merr),
			unrecorded: &mark{sent: true, providerID: id}}
	}
	return &result{entry: e, providerID: id}
}

// markFailed records a final failure; it returns the mark to write again
// when the store did not take it.
func markFailed(ctx context.Context, opts Options, e persistence.OutboxEntry, reason string) *mark {
	m := &mark{reason: reason}
	if err := m.write(ctx, opts, e); err != nil {
		opts.Logger.Error("record failed outbox entry", "component", "outbound", "entry", e.ID, "err", err)
		return m
	}
	return nil
}

// maxAttempts bounds the tries of one message.
const maxAttempts = 5

// retryAfter says whether a failed attempt (the n-th) is tried again and
// after how long: Twilio's Retry-After when it gave one, else 1 s, 2 s,
// 4 s, 8 s.
func retryAfter(err error, n int) (time.Duration, bool) {
	if n >= maxAttempts || !twilio.IsRetryable(err) {
		return 0, false
	}
	var se *twilio.SendError
	if errors.As(err, &se) && se.RetryAfter > 0 {
		return se.RetryAfter, true
	}
	return time.Second << (n - 1), true
}
