package demo

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// OpConfirmPayment names ConfirmPayment in its errors. It is not an
// emr.Client operation, so SetFailure and Block do not apply to it.
const OpConfirmPayment = "confirm_payment"

// VideoLinkBase prefixes the video links ConfirmPayment hands out.
const VideoLinkBase = "https://meet.example/demo-"

// VideoConfirmation is what the demo EMR sends the bot once a video visit is
// paid. The JSON names are those of the seed-compatible
// /api/confirmvideoappt body; Mobile is E.164 with '+'.
type VideoConfirmation struct {
	AppointmentID string    `json:"appt_id"`
	Mobile        string    `json:"mobile"`
	Doctor        string    `json:"doctor"`
	DateTime      string    `json:"appdatetime"` // e.g. "Tue, 7 Jan 2025 at 9:45 AM"
	Link          string    `json:"link"`
	PatientID     string    `json:"-"`
	Start         time.Time `json:"-"`
}

// Upcoming lists the patient's appointments that have not ended yet, both
// kinds, earliest first. An appointment in progress is still listed, since
// the patient may be in the waiting room.
func (e *EMR) Upcoming(ctx context.Context, ref emr.PatientRef) ([]emr.Appointment, error) {
	if err := e.begin(ctx, OpUpcoming); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.patientLocked(OpUpcoming, ref.ID); err != nil {
		return nil, err
	}
	now := e.now()
	out := []emr.Appointment{}
	for _, a := range e.appointmentsLocked(ref.ID) {
		if !a.End.After(now) {
			continue
		}
		doc, _ := findDoctor(a.DoctorID)
		out = append(out, emr.Appointment{
			ID:     a.ID,
			Text:   describe(a, doc),
			Start:  a.Start,
			Doctor: doc.name,
			Video:  a.Visit == emr.Video,
		})
	}
	return out, nil
}

// describe is the EMR's own line for an appointment.
func describe(a Appointment, doc doctor) string {
	kind := "in person at the OPD"
	if a.Visit == emr.Video {
		kind = "video consultation, payment pending"
		if a.Paid {
			kind = "video consultation, paid"
		}
	}
	return fmt.Sprintf("%s: %s with %s (%s), %s", a.ID, a.Start.Format(whenLayout), doc.name, departmentName(doc.dept), kind)
}

// Appointments returns copies of every appointment of a patient, past and
// future, earliest first, for tests and the simulator to inspect.
func (e *EMR) Appointments(patientID string) []Appointment {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.appointmentsLocked(patientID)
}

// appointmentsLocked copies a patient's appointments, earliest first; the
// caller holds e.mu.
func (e *EMR) appointmentsLocked(patientID string) []Appointment {
	var out []Appointment
	for _, a := range e.appointments {
		if a.PatientID == patientID {
			out = append(out, *a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// ConfirmPayment marks a video appointment paid and returns what the EMR
// sends the bot's confirmation endpoint, video link included. Confirming
// twice returns the same confirmation again, as a payment gateway may
// notify twice.
func (e *EMR) ConfirmPayment(appointmentID string) (VideoConfirmation, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var a *Appointment
	for _, x := range e.appointments {
		if x.ID == appointmentID {
			a = x
			break
		}
	}
	if a == nil {
		return VideoConfirmation{}, rejected(OpConfirmPayment, errUnknownAppt, "")
	}
	if a.Visit != emr.Video {
		return VideoConfirmation{}, rejected(OpConfirmPayment, errNotVideo, "")
	}
	a.Paid = true
	doc, _ := findDoctor(a.DoctorID)
	return VideoConfirmation{
		AppointmentID: a.ID,
		Mobile:        e.byID[a.PatientID].mobile,
		Doctor:        doc.name,
		DateTime:      a.Start.Format(whenLayout),
		Link:          VideoLinkBase + a.ID,
		PatientID:     a.PatientID,
		Start:         a.Start,
	}, nil
}
