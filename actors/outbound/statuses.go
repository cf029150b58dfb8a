package outbound

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Twilio reports each message's fate to its StatusCallback (/twilio/status):
// queued, sent, delivered, read, failed, undelivered, with an ErrorCode on
// failures. Statuses stores each report on the outbox entry Twilio knows by
// the SID (the store keeps the highest-ranked status, so reports arriving
// out of order never move a message back) and counts it.
//
// A report can beat its own MarkSent: Twilio may call back while the
// sending goroutine is still writing the SID to the store, and the store
// then answers ErrNotFound. Twilio does not retry status callbacks
// usefully, so the webhook answers 2xx at once either way, and Statuses
// tries such a report again in the background a few times (after 250 ms,
// 1 s and 3 s by default) before counting it as unknown_message: the SID
// was not ours, or its entry expired. What is lost that way is a report
// whose entry could not be written within those seconds, at worst an
// early "queued" or "sent" that a later report outranks anyway.

// StatusOptions configures Statuses.
type StatusOptions struct {
	Store persistence.Deliveries
	// OutsideWindow hands an entry Twilio failed with 63016 after
	// accepting it to its sender's outbound actor (as *OutsideWindow).
	OutsideWindow func(e persistence.OutboxEntry)
	// Retries are the waits before each further try of a report whose
	// message is not (yet) known; default 250 ms, 1 s, 3 s.
	Retries []time.Duration
	// MaxWaiting bounds the reports being retried; past it a report is
	// counted unknown at once. Default 10000.
	MaxWaiting int
	Metrics    *metrics.Metrics
	Logger     *slog.Logger
}

// Statuses records delivery status callbacks. It is safe for concurrent
// use; Close stops its background retries.
type Statuses struct {
	opts    StatusOptions
	waiting atomic.Int64
	stop    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
}

// NewStatuses returns a recorder.
func NewStatuses(opts StatusOptions) *Statuses {
	if opts.Retries == nil {
		opts.Retries = []time.Duration{250 * time.Millisecond, time.Second, 3 * time.Second}
	}
	if opts.MaxWaiting <= 0 {
		opts.MaxWaiting = 10000
	}
	return &Statuses{opts: opts, stop: make(chan struct{})}
}

// errorCodeRe is a Twilio error code; anything else is labelled "other"
// so a forged callback cannot grow the metric's label set.
var errorCodeRe = regexp.MustCompile(`^[0-9]{1,6}$`)

// Record stores one status report for the message Twilio knows as
// providerID. It tries once within ctx and, when the message is not
// known yet or the store failed, again in the background; it never
// blocks longer than that first try.
func (s *Statuses) Record(ctx context.Context, providerID string, st persistence.DeliveryStatus) {
	err := s.opts.Store.RecordStatus(ctx, providerID, st)
	if err == nil {
		s.recorded(ctx, providerID, st)
		return
	}
	select {
	case <-s.stop:
		s.gaveUp(providerID, st, err)
		return
	default:
	}
	if int(s.waiting.Add(1)) > s.opts.MaxWaiting {
		s.waiting.Add(-1)
		s.gaveUp(providerID, st, err)
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer s.waiting.Add(-1)
		s.retry(providerID, st)
	}()
}

// retry tries a report again after each of the waits.
func (s *Statuses) retry(providerID string, st persistence.DeliveryStatus) {
	var err error
	for _, wait := range s.opts.Retries {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-s.stop:
			t.Stop()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = s.opts.Store.RecordStatus(ctx, providerID, st)
		if err == nil {
			s.recorded(ctx, providerID, st)
			cancel()
			return
		}
		cancel()
	}
	s.gaveUp(providerID, st, err)
}

// recorded counts a stored report and starts the template fallback for
// a 63016 failure.
func (s *Statuses) recorded(ctx context.Context, providerID string, st persistence.DeliveryStatus) {
	s.opts.Metrics.MessageStatus.WithLabelValues(st.Status, codeLabel(st.ErrorCode)).Inc()
	if st.ErrorCode != "63016" || (st.Status != "failed" && st.Status != "undelivered") || s.opts.OutsideWindow == nil {
		return
	}
	e, err := s.opts.Store.EntryByProviderID(ctx, providerID)
	if err != nil {
		s.opts.Logger.Error("find message refused with 63016", "component", "outbound", "sid", providerID, "err", err)
		return
	}
	s.opts.OutsideWindow(e)
}

// gaveUp counts a report that could not be stored.
func (s *Statuses) gaveUp(providerID string, st persistence.DeliveryStatus, err error) {
	if errors.Is(err, persistence.ErrNotFound) {
		s.opts.Metrics.MessageStatus.WithLabelValues("unknown_message", codeLabel(st.ErrorCode)).Inc()
		s.opts.Logger.Info("status for an unknown message", "component", "outbound", "sid", providerID, "status", st.Status)
		return
	}
	s.opts.Logger.Error("status not recorded", "component", "outbound", "sid", providerID, "status", st.Status, "err", err)
}

// Close stops the background retries and waits for them to end.
func (s *Statuses) Close() {
	s.once.Do(func() { close(s.stop) })
	s.wg.Wait()
}

func codeLabel(code string) string {
	switch {
	case code == "":
		return "none"
	case errorCodeRe.MatchString(code):
		return code
	}
	return "other"
}
