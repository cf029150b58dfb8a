package outbound

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// outcome is what became of one attempt.
type outcome int

const (
	outSent     outcome = iota // sent and (unless unrecorded) marked sent
	outFailed                  // failed for good and (unless unrecorded) marked failed
	outRetry                   // failed for a reason that may pass: still pending
	outTemplate                // refused with 63016: send it again as a template
	outHeld                    // another process holds it: the lane waits (lease.go)
	outGone                    // no longer pending: another process finished it
)

// result is one finished attempt, sent back to the actor.
type result struct {
	entry      persistence.OutboxEntry // Attempts as stored after this attempt
	outcome    outcome
	providerID string
	err        error
	// code is the failure's label: Twilio's error code, http_<status>,
	// timeout, transport, or one of the Reason constants.
	code string
	// undeliverable is set when the message was held, not refused.
	undeliverable bool
	retryAfter    time.Duration // Twilio's Retry-After, for outRetry
	throttled     bool          // Twilio's 429 / 20429
	template      bool          // it went (or would have gone) as a template
	// unrecorded is the outcome that could not be written to the store;
	// it is written again until it is (recovery.go).
	unrecorded *mark
}

// codeStore marks an attempt that did not reach Twilio because the store
// could not say when the patient last wrote.
const codeStore = "store"

// deliver makes one attempt at entry e and records the outcome; it runs
// outside the actor. plain is e's message when the actor was given it
// (Notify.Messages), else nil and the payload is opened. forceTemplate is
// set after a 63016 for e.
func deliver(opts Options, e persistence.OutboxEntry, plain *Message, forceTemplate bool) *result {
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	e, stop := claimToSend(ctx, opts, e)
	if stop != nil {
		return stop
	}
	msg, err := message(opts, e, plain)
	if err != nil {
		return finalFailure(ctx, opts, e, err, "undecodable_payload", false)
	}
	template := forceTemplate || msg.Fallback
	if !template {
		out, err := outsideWindow(ctx, opts, e, msg)
		if err != nil {
			// The store did not answer: not the message's fault, so not
			// an attempt; the lane waits and tries again.
			return &result{entry: e, outcome: outRetry, code: codeStore, err: fmt.Errorf("outbox entry %s: %w", e.ID, err)}
		}
		template = out
	}
	if template {
		if reason := asTemplate(&msg, opts.hospital(msg.Hospital)); reason != "" {
			return finalFailure(ctx, opts, e, fmt.Errorf("outbox entry %s: not deliverable: %s", e.ID, reason), reason, true)
		}
	}
	begin := time.Now()
	id, err := opts.Transport.Send(ctx, msg)
	opts.Metrics.SendDuration.Observe(time.Since(begin).Seconds())
	if err != nil {
		return failedSend(ctx, opts, e, err, template)
	}
	if merr := opts.Store.MarkSent(ctx, e.Sender, e.ID, id, opts.Now()); merr != nil {
		// Sent but not recorded: the actor records it again until it
		// can; a restart meanwhile would send it again.
		return &result{entry: e, outcome: outSent, providerID: id, template: template,
			err: fmt.Errorf("record sent entry %s: %w", e.ID, merr), unrecorded: &mark{sent: true, providerID: id}}
	}
	return &result{entry: e, outcome: outSent, providerID: id, template: template}
}

// message is the message to send for e: plain when given, else e's
// payload opened.
func message(opts Options, e persistence.OutboxEntry, plain *Message) (Message, error) {
	if plain != nil {
		return *plain, nil
	}
	return opts.Codec.Decode(e)
}

// failedSend sorts a refused or failed send: 63016 for a free-form
// message is sent again as a template; a failure that may pass is tried
// again until the attempts run out; anything else fails for good.
func failedSend(ctx context.Context, opts Options, e persistence.OutboxEntry, err error, template bool) *result {
	code := failureCode(err)
	wrapped := fmt.Errorf("send outbox entry %s: %w", e.ID, err)
	if twilio.IsOutsideWindow(err) && !template {
		return &result{entry: e, outcome: outTemplate, code: code, err: wrapped, template: true}
	}
	if !twilio.IsRetryable(err) || e.Attempts+1 >= opts.MaxAttempts {
		return finalFailure(ctx, opts, e, wrapped, code, false)
	}
	// Kept pending: this actor tries again after a wait, and a restart
	// meanwhile sends it from the store.
	if merr := opts.Store.MarkFailed(ctx, e.Sender, e.ID, code, false, opts.Now()); merr != nil {
		opts.Logger.Error("record failed attempt", "component", "outbound", "entry", e.ID, "err", merr)
	}
	e.Attempts++
	r := &result{entry: e, outcome: outRetry, code: code, err: wrapped, template: template}
	var se *twilio.SendError
	if errors.As(err, &se) {
		r.retryAfter = se.RetryAfter
		r.throttled = se.Status == 429 || se.Code == twilio.CodeTooManyRequests
	}
	return r
}

// finalFailure marks e failed for good with reason (its code).
func finalFailure(ctx context.Context, opts Options, e persistence.OutboxEntry, err error, reason string, held bool) *result {
	m := &mark{reason: reason}
	r := &result{entry: e, outcome: outFailed, code: reason, err: err, undeliverable: held, template: held}
	if werr := m.write(ctx, opts, e); werr != nil {
		opts.Logger.Error("record failed outbox entry", "component", "outbound", "entry", e.ID, "err", werr)
		r.unrecorded = m
	}
	return r
}

// failureCode names a send failure without patient data: Twilio's error
// code when it gave one, else the HTTP status, else what happened on
// the way. It is the entry's LastError and a metric label.
func failureCode(err error) string {
	var se *twilio.SendError
	switch {
	case errors.As(err, &se) && se.Code != 0:
		return strconv.Itoa(se.Code)
	case se != nil && se.Status >= 200 && se.Status < 300:
		return "unreadable_answer"
	case se != nil && se.Status != 0:
		return "http_" + strconv.Itoa(se.Status)
	case errors.Is(err, twilio.ErrInvalidMessage):
		return "invalid_message"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	if se != nil {
		return "transport"
	}
	return "error"
}
