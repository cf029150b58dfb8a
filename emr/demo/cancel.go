package demo

import (
	"context"
	"errors"
	"slices"

	"github.com/frontdesk-health/frontdesk/emr"
)

var errApptOver = errors.New("appointment already started")

// Cancel cancels one of the patient's appointments that has not started
// and frees its slot. Someone else's appointment, or an unknown one, is
// Rejected.
func (e *EMR) Cancel(ctx context.Context, ref emr.PatientRef, appointmentID string) error {
	if err := e.begin(ctx, OpCancel); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.patientLocked(OpCancel, ref.ID); err != nil {
		return err
	}
	i := slices.IndexFunc(e.appointments, func(a *Appointment) bool {
		return a.ID == appointmentID && a.PatientID == ref.ID
	})
	if i < 0 {
		return rejected(OpCancel, errUnknownAppt, "We could not find that appointment.")
	}
	a := e.appointments[i]
	if !a.Start.After(e.now()) {
		return rejected(OpCancel, errApptOver, "That appointment has already started.")
	}
	delete(e.taken, a.SlotID)
	e.appointments = slices.Delete(e.appointments, i, i+1)
	return nil
}
