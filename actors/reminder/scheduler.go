package reminder

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/emr/phone"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// Pages of List.
const (
	DefaultPage = 50
	MaxPage     = 200
)

// SchedulerOptions configures a Service.
type SchedulerOptions struct {
	Store  persistence.Reminders
	Sealer persistence.Sealer
	Hasher *pii.Hasher // the process's: subjects must match the consent ledger's
	Now    func() time.Time
	// Wake tells this process's firing loop that a reminder is due at a
	// time, so one due before the loop's next look fires on time.
	// Optional: without it the loop finds it at its next poll.
	Wake func(due time.Time)
}

// Service is the Scheduler: it validates specs and keeps each one as ONE
// stored reminder whose id is the API's id. The reminder moves through the
// spec's times (appointment offsets, medicine doses) with Firing.Next, so
// listing, updating and cancelling a spec are single store operations and
// never half done.
type Service struct {
	o SchedulerOptions
}

var _ Scheduler = (*Service)(nil)

// NewScheduler returns the scheduler over a store.
func NewScheduler(o SchedulerOptions) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Wake == nil {
		o.Wake = func(time.Time) {}
	}
	return &Service{o: o}
}

// Schedule validates s and stores it as one reminder due at its first time.
func (s *Service) Schedule(ctx context.Context, h *config.Hospital, spec Spec) (View, error) {
	now := s.o.Now()
	spec, err := validate(h, spec, now)
	if err != nil {
		return View{}, err
	}
	due, _ := firstDue(spec, h.Location, now) // validate saw one
	sealed, err := sealSpec(s.o.Sealer, spec)
	if err != nil {
		return View{}, err
	}
	r := persistence.Reminder{
		Hospital: h.Code, ID: newID(now), Subject: s.o.Hasher.Hash(spec.Phone), Kind: spec.Kind,
		Due: due, Payload: sealed, CreatedAt: now,
	}
	if err := s.o.Store.PutReminder(ctx, r); err != nil {
		return View{}, fmt.Errorf("store reminder %s: %w", r.ID, err)
	}
	s.o.Wake(due)
	r.State, r.UpdatedAt = persistence.ReminderScheduled, now
	return view(h, r, spec), nil
}

// Get returns one reminder of the hospital.
func (s *Service) Get(ctx context.Context, h *config.Hospital, id string) (View, error) {
	r, err := s.load(ctx, h, id)
	if err != nil {
		return View{}, err
	}
	spec, err := openSpec(s.o.Sealer, r)
	if err != nil {
		return View{}, err
	}
	return view(h, r, spec), nil
}

// List returns a page of the hospital's reminders in due order, with the
// cursor of the next page ("" after the last).
func (s *Service) List(ctx context.Context, h *config.Hospital, q Query) ([]View, string, error) {
	pq := persistence.ReminderQuery{Hospital: h.Code, Cursor: q.Cursor, Limit: q.Limit}
	if q.Phone != "" {
		p, err := phone.E164(q.Phone, h.CountryCode)
		if err != nil {
			return nil, "", bad(CodeInvalidPhone, "phone", "must be an E.164 number or a national number of the hospital's country")
		}
		pq.Subject = s.o.Hasher.Hash(p)
	}
	switch persistence.ReminderState(q.State) {
	case "", persistence.ReminderScheduled, persistence.ReminderFired, persistence.ReminderCancelled:
		pq.State = persistence.ReminderState(q.State)
	default:
		return nil, "", bad(CodeInvalidState, "state", "must be scheduled, fired or cancelled")
	}
	switch {
	case q.Limit == 0:
		pq.Limit = DefaultPage
	case q.Limit < 0 || q.Limit > MaxPage:
		return nil, "", bad(CodeInvalidLimit, "limit", "must be 1 to %d", MaxPage)
	}
	rs, next, err := s.o.Store.ListReminders(ctx, pq)
	if errors.Is(err, persistence.ErrBadCursor) {
		return nil, "", bad(CodeInvalidCursor, "cursor", "not a cursor this API handed out")
	}
	if err != nil {
		return nil, "", fmt.Errorf("list reminders: %w", err)
	}
	out := make([]View, 0, len(rs))
	for _, r := range rs {
		spec, err := openSpec(s.o.Sealer, r)
		if err != nil {
			return nil, "", err
		}
		out = append(out, view(h, r, spec))
	}
	return out, next, nil
}

// Cancel cancels a reminder that has not fired for good; cancelling it
// again changes nothing.
func (s *Service) Cancel(ctx context.Context, h *config.Hospital, id string) error {
	err := s.o.Store.CancelReminder(ctx, h.Code, id, s.o.Now())
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		return bad(CodeNotFound, "id", "no such reminder")
	case errors.Is(err, persistence.ErrConflict):
		return bad(CodeAlreadyFired, "id", "the reminder has fired already")
	case err != nil:
		return fmt.Errorf("cancel reminder %s: %w", id, err)
	}
	return nil
}

// load reads one reminder, turning "missing" into the caller's mistake.
func (s *Service) load(ctx context.Context, h *config.Hospital, id string) (persistence.Reminder, error) {
	if id == "" {
		return persistence.Reminder{}, bad(CodeNotFound, "id", "no such reminder")
	}
	r, err := s.o.Store.GetReminder(ctx, h.Code, id)
	if errors.Is(err, persistence.ErrNotFound) {
		return r, bad(CodeNotFound, "id", "no such reminder")
	}
	if err != nil {
		return r, fmt.Errorf("read reminder %s: %w", id, err)
	}
	return r, nil
}

// view is a stored reminder as the API shows it.
func view(h *config.Hospital, r persistence.Reminder, spec Spec) View {
	v := View{
		ID: r.ID, Kind: r.Kind, State: string(r.State), Sent: r.Fired,
		Created: r.CreatedAt, Updated: r.UpdatedAt, Spec: spec,
	}
	if r.State == persistence.ReminderScheduled {
		next := r.Due
		v.Next = &next
		v.Deferred = !isOccurrence(spec, h.Location, r.Due)
	}
	return v
}
