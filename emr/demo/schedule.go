package demo

import (
	"context"
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// BookingWindowDays is how many days, today included, the OPD takes
// bookings for. The conversation offers three; the rest is headroom.
const BookingWindowDays = 7

// Departments lists, in a fixed order, the departments with at least one
// doctor who still has a free slot on the day. A doctor whose OPD is over
// or fully booked is not offered, as the front desk would not offer them.
func (e *EMR) Departments(ctx context.Context, day emr.Day) ([]emr.Department, error) {
	if err := e.begin(ctx, OpDepartments); err != nil {
		return nil, err
	}
	date, err := e.resolveDay(OpDepartments, day)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []emr.Department{}
	for _, dept := range departments {
		for _, doc := range doctors {
			if doc.dept == dept.id && len(e.freeSlotsLocked(doc, date)) > 0 {
				out = append(out, emr.Department{ID: dept.id, Name: dept.name})
				break
			}
		}
	}
	return out, nil
}

// Doctors lists the department's doctors who still have a free slot on the
// day; an unknown department is refused.
func (e *EMR) Doctors(ctx context.Context, departmentID string, day emr.Day) ([]emr.Doctor, error) {
	if err := e.begin(ctx, OpDoctors); err != nil {
		return nil, err
	}
	date, err := e.resolveDay(OpDoctors, day)
	if err != nil {
		return nil, err
	}
	if _, ok := findDepartment(departmentID); !ok {
		return nil, rejected(OpDoctors, errUnknownDepartment, "That department is not available at this hospital.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []emr.Doctor{}
	for _, doc := range doctors {
		if doc.dept == departmentID && len(e.freeSlotsLocked(doc, date)) > 0 {
			out = append(out, emr.Doctor{ID: doc.id, Name: doc.name, Speciality: doc.speciality})
		}
	}
	return out, nil
}

// Slots lists the doctor's free slots on the day in time order: not booked
// and starting after now. A doctor off that day has none.
func (e *EMR) Slots(ctx context.Context, doctorID string, day emr.Day) ([]emr.Slot, error) {
	if err := e.begin(ctx, OpSlots); err != nil {
		return nil, err
	}
	date, err := e.resolveDay(OpSlots, day)
	if err != nil {
		return nil, err
	}
	doc, ok := findDoctor(doctorID)
	if !ok {
		return nil, rejected(OpSlots, errUnknownDoctor, "That doctor is not available at this hospital.")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.freeSlotsLocked(doc, date), nil
}

// resolveDay turns a Day into midnight of its date in the hospital's zone,
// refusing days before today or beyond the booking window. Day.Date wins
// when set (its calendar date is taken); otherwise Offset counts from today.
func (e *EMR) resolveDay(op string, day emr.Day) (time.Time, error) {
	today := e.today()
	date := today.AddDate(0, 0, day.Offset)
	if !day.Date.IsZero() {
		date = midnight(day.Date, e.opts.Location)
	}
	if date.Before(today) || !date.Before(today.AddDate(0, 0, BookingWindowDays)) {
		return time.Time{}, rejected(op, errBadDay, "Appointments can be booked for today and the next few days only.")
	}
	return date, nil
}

// allSlots is every slot of the doctor's OPD on date, booked or not.
func (e *EMR) allSlots(doc doctor, date time.Time) []emr.Slot {
	var out []emr.Slot
	step := int(doc.slot / time.Minute)
	for _, s := range doc.week[date.Weekday()] {
		for m := s.from; m+step <= s.to; m += step {
			start := time.Date(date.Year(), date.Month(), date.Day(), 0, m, 0, 0, e.opts.Location)
			out = append(out, emr.Slot{ID: slotID(doc.id, start), Start: start, End: start.Add(doc.slot)})
		}
	}
	return out
}

// freeSlotsLocked is the doctor's slots on date that start after now and
// are not booked; the caller holds e.mu. It is never nil, so an empty list
// encodes as [] rather than null.
func (e *EMR) freeSlotsLocked(doc doctor, date time.Time) []emr.Slot {
	now := e.now()
	out := []emr.Slot{}
	for _, s := range e.allSlots(doc, date) {
		if _, booked := e.taken[s.ID]; !booked && s.Start.After(now) {
			out = append(out, s)
		}
	}
	return out
}

// slotID names a slot stably: doctor, date and start time, e.g.
// "doc-11-20250107-0945".
func slotID(doctorID string, start time.Time) string {
	return doctorID + "-" + start.Format("20060102-1504")
}
