package restapi

import (
	"context"
	"errors"
	"strconv"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// namedEntry is one department of departments.results.
type namedEntry struct {
	ID   flexID   `json:"id"`
	Name flexText `json:"name"`
}

// departmentsAnswer is departments' success answer.
type departmentsAnswer struct {
	Departments struct {
		Results []namedEntry `json:"results"`
	} `json:"departments"`
}

// Departments lists the departments taking appointments on a day, in the
// EMR's order (the patient picks by number). Entries without an id cannot
// be booked and are skipped.
func (c *Client) Departments(ctx context.Context, day emr.Day) ([]emr.Department, error) {
	fields := map[string]string{"hid": c.hid, "day_count": dayCount(day)}
	var d departmentsAnswer
	if err := c.post(ctx, config.EndpointDepartments, fields, &d); err != nil {
		return nil, err
	}
	out := make([]emr.Department, 0, len(d.Departments.Results))
	for _, r := range d.Departments.Results {
		if r.ID != "" {
			out = append(out, emr.Department{ID: string(r.ID), Name: string(r.Name)})
		}
	}
	return out, nil
}

// doctorsAnswer is doctors' success answer; the seed EMR spells the key
// with a capital D.
type doctorsAnswer struct {
	Doctors struct {
		Results []struct {
			ID         flexID   `json:"id"`
			Name       flexText `json:"name"`
			Speciality flexText `json:"speciality"`
		} `json:"results"`
	} `json:"Doctors"`
}

// Doctors lists a department's doctors available on a day, in the EMR's
// order; entries without an id are skipped.
func (c *Client) Doctors(ctx context.Context, departmentID string, day emr.Day) ([]emr.Doctor, error) {
	fields := map[string]string{"hid": c.hid, "dept_id": departmentID, "day_count": dayCount(day)}
	var d doctorsAnswer
	if err := c.post(ctx, config.EndpointDoctors, fields, &d); err != nil {
		return nil, err
	}
	out := make([]emr.Doctor, 0, len(d.Doctors.Results))
	for _, r := range d.Doctors.Results {
		if r.ID != "" {
			out = append(out, emr.Doctor{ID: string(r.ID), Name: string(r.Name), Speciality: string(r.Speciality)})
		}
	}
	return out, nil
}

// Slots is not offered: the seed contract books a doctor for a day.
func (c *Client) Slots(context.Context, string, emr.Day) ([]emr.Slot, error) {
	return nil, opError(OpSlots, emr.NotSupported, errors.New("seed contract books by day"))
}

// bookAnswer is the success answer of both booking operations. appt_id is
// not in the seed contract but is read when present, because the EMR's
// later video confirmation names the appointment by it.
type bookAnswer struct {
	Message     flexText `json:"message"`
	PaymentLink flexText `json:"payment_link"`
	ApptID      flexID   `json:"appt_id"`
}

// Book books an in-person (book_in_person, encounter_type 1) or video
// (book_video, encounter_type 2) appointment for a day. A video booking
// without a payment link is still returned as booked: the appointment
// exists, and failing here would invite the patient to book it twice.
func (c *Client) Book(ctx context.Context, b emr.BookingRequest) (emr.Booking, error) {
	var op, encounter string
	switch b.Visit {
	case emr.InPerson:
		op, encounter = config.EndpointBookInPerson, "1"
	case emr.Video:
		op, encounter = config.EndpointBookVideo, "2"
	default:
		return emr.Booking{}, opError("book", emr.NotSupported, errors.New("unknown visit kind"))
	}
	fields := map[string]string{
		"hid":            c.hid,
		"did":            b.DoctorID,
		"pid":            b.Patient.ID,
		"chiefcompliant": b.Complaint,
		"day_count":      dayCount(b.Day),
		"encounter_type": encounter,
	}
	var a bookAnswer
	if err := c.post(ctx, op, fields, &a); err != nil {
		return emr.Booking{}, err
	}
	booking := emr.Booking{AppointmentID: string(a.ApptID), Message: string(a.Message)}
	if b.Visit == emr.Video {
		booking.PaymentLink = string(a.PaymentLink)
	}
	return booking, nil
}

// dayCount is the seed contract's day_count: "1" today, "2" tomorrow,
// "3" the day after.
func dayCount(d emr.Day) string { return strconv.Itoa(d.Count()) }

// Cancel is not in the seed contract.
func (c *Client) Cancel(context.Context, emr.PatientRef, string) error {
	return opError("cancel", emr.NotSupported, errors.New("seed contract has no cancellation"))
}
