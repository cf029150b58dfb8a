package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// firstAppointmentNumber numbers the first appointment (APT-5001).
const firstAppointmentNumber = 5001

// whenLayout is how dates and times read in the demo's texts:
// "Tue, 7 Jan 2025 at 9:45 AM".
const whenLayout = "Mon, 2 Jan 2006 at 3:04 PM"

// Appointment is a booking as the demo EMR holds it, for tests and the
// simulator to inspect.
type Appointment struct {
	ID           string
	PatientID    string
	DepartmentID string
	DoctorID     string
	SlotID       string
	Visit        emr.Visit
	Start        time.Time
	End          time.Time
	Complaint    string
	Paid         bool // video visits: ConfirmPayment was called
}

// Book books the slot (or, with an empty SlotID, the doctor's first free
// slot that day). Unknown or mismatched ids and days outside the window are
// Rejected; a slot someone else took, or that started meanwhile, is a
// Conflict. In-person bookings answer a confirmation Message, video
// bookings a PaymentLink.
func (e *EMR) Book(ctx context.Context, b emr.BookingRequest) (emr.Booking, error) {
	if err := e.begin(ctx, OpBook); err != nil {
		return emr.Booking{}, err
	}
	if b.Visit != emr.InPerson && b.Visit != emr.Video {
		return emr.Booking{}, rejected(OpBook, errBadVisit, "Please choose an in-person or a video appointment.")
	}
	date, err := e.resolveDay(OpBook, b.Day)
	if err != nil {
		return emr.Booking{}, err
	}
	if _, ok := findDepartment(b.DepartmentID); !ok {
		return emr.Booking{}, rejected(OpBook, errUnknownDepartment, "That department is not available at this hospital.")
	}
	doc, ok := findDoctor(b.DoctorID)
	if !ok || doc.dept != b.DepartmentID {
		return emr.Booking{}, rejected(OpBook, errUnknownDoctor, "That doctor is not available in this department.")
	}
	if len(doc.week[date.Weekday()]) == 0 {
		return emr.Booking{}, rejected(OpBook, errUnknownDoctor,
			fmt.Sprintf("%s does not hold OPD on %s.", doc.name, date.Weekday()))
	}

	e.mu.Lock()
	defer e.mu.Unlock()
	if _, err := e.patientLocked(OpBook, b.Patient.ID); err != nil {
		return emr.Booking{}, err
	}
	slot, err := e.pickSlotLocked(doc, date, b.SlotID)
	if err != nil {
		return emr.Booking{}, err
	}
	a := &Appointment{
		ID:           fmt.Sprintf("APT-%d", e.nextAppt),
		PatientID:    b.Patient.ID,
		DepartmentID: doc.dept,
		DoctorID:     doc.id,
		SlotID:       slot.ID,
		Visit:        b.Visit,
		Start:        slot.Start,
		End:          slot.End,
		Complaint:    b.Complaint,
	}
	e.nextAppt++
	e.addAppointmentLocked(a)
	if a.Visit == emr.Video {
		return emr.Booking{AppointmentID: a.ID, PaymentLink: e.opts.PaymentBaseURL + "/" + a.ID}, nil
	}
	msg := fmt.Sprintf("Appointment %s confirmed with %s (%s) on %s. Please reach the OPD reception 15 minutes early.",
		a.ID, doc.name, departmentName(doc.dept), a.Start.Format(whenLayout))
	return emr.Booking{AppointmentID: a.ID, Message: msg}, nil
}

// pickSlotLocked finds the requested slot, or the first free one when id is
// empty; the caller holds e.mu.
func (e *EMR) pickSlotLocked(doc doctor, date time.Time, id string) (emr.Slot, error) {
	if id == "" {
		free := e.freeSlotsLocked(doc, date)
		if len(free) == 0 {
			return emr.Slot{}, conflict(OpBook, errNoFreeSlot,
				fmt.Sprintf("%s has no free time left that day.", doc.name))
		}
		return free[0], nil
	}
	for _, s := range e.allSlots(doc, date) {
		if s.ID != id {
			continue
		}
		if _, booked := e.taken[id]; booked {
			return emr.Slot{}, conflict(OpBook, errSlotTaken, "Sorry, that time was just booked by someone else.")
		}
		if !s.Start.After(e.now()) {
			return emr.Slot{}, conflict(OpBook, errSlotPassed, "Sorry, that time has already passed.")
		}
		return s, nil
	}
	return emr.Slot{}, rejected(OpBook, errUnknownSlot, "That time slot is not available with this doctor on that day.")
}

// addAppointmentLocked files a booking and takes its slot; the caller
// holds e.mu.
func (e *EMR) addAppointmentLocked(a *Appointment) {
	e.appointments = append(e.appointments, a)
	e.taken[a.SlotID] = a.ID
}
