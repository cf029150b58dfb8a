package reminder

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// The results of one firing (frontdesk_reminders_fired_total's result).
const (
	ResultSent      = "sent"       // message enqueued
	ResultDeferred  = "deferred"   // moved to the end of the hospital's quiet hours
	ResultOptedOut  = "opted_out"  // the patient sent stop (for everything or this kind)
	ResultExpired   = "expired"    // an appointment reminder whose appointment has begun
	ResultDropped   = "dropped"    // unreadable payload or unknown hospital: retired unsent
	ResultFailed    = "failed"     // the store failed; the lease runs out and it is tried again
	ResultLeaseLost = "lease_lost" // another holder claimed, or it was replaced or cancelled
)

// firer fires claimed reminders, one call per reminder, off the actor's
// mailbox (it runs in the batch's goroutines and holds no actor state).
type firer struct {
	o   *ActorOptions
	log *slog.Logger
}

// plan is what a firing does, decided before it is written.
type plan struct {
	result  string
	next    time.Time
	sender  string
	entries []persistence.OutboxEntry
	// handoff is a reminder that expects an answer, for the conversation
	// of phone on sender to say (instead of entries).
	handoff *flow.ReminderDue
	phone   string
}

// fire decides and writes one firing, then notifies the sender's outbound
// actor of what it enqueued. It returns the result for metrics and tests.
func (f *firer) fire(r persistence.Reminder) string {
	ctx, cancel := context.WithTimeout(context.Background(), f.o.Timeout)
	defer cancel()
	now := f.o.Now()
	p, err := f.decide(ctx, r, now)
	if err != nil {
		f.log.Warn("decide reminder firing; it is tried again when its lease runs out", "hospital", r.Hospital, "reminder", r.ID, "err", err)
		return f.count(r, ResultFailed)
	}
	if p.handoff != nil {
		// The conversation commits the message with the step that reads
		// the answer. If the firing is not recorded after that, the
		// occurrence comes again and the conversation recognises it.
		if err := f.o.Handoff(ctx, p.sender, p.phone, p.handoff); err != nil {
			f.log.Warn("hand reminder to the conversation; it is tried again when its lease runs out", "hospital", r.Hospital, "reminder", r.ID, "err", err)
			return f.count(r, ResultFailed)
		}
	}
	err = f.o.Store.FireReminder(ctx, persistence.Firing{
		Hospital: r.Hospital, ID: r.ID, Holder: f.o.Holder, Outbox: p.entries, Next: p.next, At: now,
	})
	switch {
	case errors.Is(err, persistence.ErrConflict), errors.Is(err, persistence.ErrNotFound):
		return f.count(r, ResultLeaseLost)
	case err != nil:
		f.log.Warn("fire reminder; it is tried again when its lease runs out", "hospital", r.Hospital, "reminder", r.ID, "err", err)
		return f.count(r, ResultFailed)
	}
	if len(p.entries) > 0 && f.o.Notify != nil {
		f.o.Notify(p.sender, p.entries)
	}
	f.o.Metrics.ReminderLag.Observe(f.o.Now().Sub(r.Due).Seconds())
	return f.count(r, p.result)
}

// decide works out one firing at now: retire it unsent when it cannot or
// must not go out, defer it out of quiet hours, skip an opted-out patient,
// or build its message; and where the reminder goes next (the spec's
// first time after both its due time and now, so times missed while no
// process ran are not sent late in a burst).
func (f *firer) decide(ctx context.Context, r persistence.Reminder, now time.Time) (plan, error) {
	h := f.o.Hospitals[r.Hospital]
	if h == nil {
		f.log.Error("reminder of a hospital no longer configured: retired unsent", "hospital", r.Hospital, "reminder", r.ID)
		return plan{result: ResultDropped}, nil
	}
	if !h.IsActive() {
		// An inactive hospital (active: false) has stopped using the bot:
		// its API refuses new reminders, and the ones it left say nothing.
		f.log.Warn("reminder of an inactive hospital: retired unsent", "hospital", r.Hospital, "reminder", r.ID)
		return plan{result: ResultDropped}, nil
	}
	spec, err := openSpec(f.o.Sealer, r)
	if err != nil {
		f.log.Error("unreadable reminder: retired unsent", "hospital", r.Hospital, "reminder", r.ID, "err", err)
		return plan{result: ResultDropped}, nil
	}
	if a := spec.Appointment; a != nil && !now.Before(a.Start) {
		return plan{result: ResultExpired}, nil
	}
	if until, quiet := h.QuietHours.Until(now, h.Location); quiet {
		return plan{result: ResultDeferred, next: until}, nil
	}
	next, _ := after(occurrences(spec, h.Location), laterOf(r.Due, now))
	out, err := f.o.Store.OptedOutOf(ctx, h.Code, r.Subject, r.Kind)
	if err != nil {
		return plan{}, err
	}
	if out {
		return plan{result: ResultOptedOut, next: next}, nil
	}
	if f.o.Handoff != nil && spec.CallbackURL != "" && flow.ExpectsAnswer(spec.Kind) {
		return plan{result: ResultSent, next: next, sender: h.Sender, phone: spec.Phone, handoff: due(r, h, spec)}, nil
	}
	lang, err := f.language(ctx, h, spec)
	if err != nil {
		return plan{}, err
	}
	entries, err := f.entries(h, spec, lang, now)
	if err != nil {
		return plan{}, err
	}
	return plan{result: ResultSent, next: next, sender: h.Sender, entries: entries}, nil
}

// entries are the outbox entries of one reminder message, written in lang.
func (f *firer) entries(h *config.Hospital, spec Spec, lang string, now time.Time) ([]persistence.OutboxEntry, error) {
	v := facts(f.o.Catalog, h, lang, spec)
	return f.o.Codec.Entries(now, h.Sender, message(h, spec, v, text(f.o.Catalog, h, lang, spec.Kind, v)))
}

// due is the occurrence of r at its due time, as the conversation takes
// it: its id names the reminder and the time, so a firing repeated after
// a crash is recognised.
func due(r persistence.Reminder, h *config.Hospital, s Spec) *flow.ReminderDue {
	d := &flow.ReminderDue{
		ID: r.ID + "@" + strconv.FormatInt(r.Due.UnixMilli(), 10), ReminderID: r.ID, Hospital: h.Code, Kind: s.Kind,
		Variables: known(s), CallbackURL: s.CallbackURL, // the conversation writes `when` in the patient's language
	}
	if a := s.Appointment; a != nil {
		d.AppointmentID, d.AppointmentStart = a.ID, a.Start
	}
	return d
}

// count records a firing's result.
func (f *firer) count(r persistence.Reminder, result string) string {
	f.o.Metrics.RemindersFired.WithLabelValues(r.Kind, result).Inc()
	if f.o.Fired != nil {
		f.o.Fired(r, result, f.o.Now())
	}
	return result
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
