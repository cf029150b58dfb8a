package reminder

import (
	"context"
	"errors"
	"fmt"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Update changes a reminder that is still scheduled (a medicine schedule
// part-way through too: the doses sent stay counted). A patch with a new
// schedule is checked like a new spec and the reminder moves to the new
// schedule's first time; one without keeps the due time it has (deferred
// or part-way through a series), and only its variables or callback change.
func (s *Service) Update(ctx context.Context, h *config.Hospital, id string, p Patch) (View, error) {
	r, err := s.load(ctx, h, id)
	if err != nil {
		return View{}, err
	}
	if err := notScheduled(r.State); err != nil {
		return View{}, err
	}
	spec, err := openSpec(s.o.Sealer, r)
	if err != nil {
		return View{}, err
	}
	now := s.o.Now()
	if p.At != nil || p.Appointment != nil || p.Medicine != nil {
		spec.At, spec.Appointment, spec.Medicine = p.At, p.Appointment, p.Medicine
		if spec, err = checkSchedule(h, spec, now); err != nil {
			return View{}, err
		}
		r.Due, _ = firstDue(spec, h.Location, now)
	}
	if p.Variables != nil {
		spec.Variables = p.Variables
	}
	if p.CallbackURL != nil {
		spec.CallbackURL = *p.CallbackURL
	}
	if err := checkDetails(h, spec); err != nil {
		return View{}, err
	}
	if r.Payload, err = sealSpec(s.o.Sealer, spec); err != nil {
		return View{}, err
	}
	err = s.o.Store.PutReminder(ctx, r)
	if errors.Is(err, persistence.ErrConflict) {
		// It fired or was cancelled since we read it.
		if cur, gerr := s.o.Store.GetReminder(ctx, h.Code, id); gerr == nil {
			if serr := notScheduled(cur.State); serr != nil {
				return View{}, serr
			}
		}
		return View{}, bad(CodeAlreadyFired, "id", "the reminder has fired already")
	}
	if err != nil {
		return View{}, fmt.Errorf("store reminder %s: %w", id, err)
	}
	s.o.Wake(r.Due)
	r.UpdatedAt = now
	return view(h, r, spec), nil
}

// notScheduled is the error for changing a reminder in state st, if any.
func notScheduled(st persistence.ReminderState) error {
	switch st {
	case persistence.ReminderFired:
		return bad(CodeAlreadyFired, "id", "the reminder has fired already")
	case persistence.ReminderCancelled:
		return bad(CodeCancelled, "id", "the reminder was cancelled")
	}
	return nil
}
