package flow

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/frontdesk-health/frontdesk/emr"
)

// dayKeys name today, tomorrow and the day after in the catalog.
var dayKeys = []string{"day_today", "day_tomorrow", "day_after"}

func promptWhen(t *turn) {
	lines := []string{t.text("ask_when")}
	for i, k := range dayKeys {
		lines = append(lines, itoa(i+1)+". "+t.text(k)+" ("+t.date(t.day(i).Date)+")")
	}
	t.sayRaw(strings.Join(lines, "\n"))
	t.hint()
}

func readWhen(t *turn, in Inbound) {
	n, ok := number(in.Body)
	if !ok || n < 1 || n > len(dayKeys) {
		t.retry("invalid_choice", "max", itoa(len(dayKeys)))
		return
	}
	t.s.Answers.DayOffset = n - 1
	t.goTo(stepBookDept)
}

// day is the booking day offset days from today in the hospital's zone.
func (t *turn) day(offset int) emr.Day {
	loc := t.location()
	now := t.env.Now.In(loc)
	d := time.Date(now.Year(), now.Month(), now.Day()+offset, 0, 0, 0, 0, loc)
	return emr.Day{Offset: offset, Date: d}
}

func (t *turn) location() *time.Location {
	if t.h != nil && t.h.Config.Location != nil {
		return t.h.Config.Location
	}
	return time.UTC
}

func loadDepts(t *turn) emr.Call {
	return emr.Call{Op: emr.OpDepartments, Day: t.day(t.s.Answers.DayOffset)}
}

func deptsLoaded(t *turn, r emr.Result) bool {
	if len(r.Departments) == 0 {
		t.retry("no_departments")
		return false
	}
	t.s.Options = make([]Option, len(r.Departments))
	for i, d := range r.Departments {
		t.s.Options[i] = Option{ID: d.ID, Label: d.Name}
	}
	return true
}

func readDept(t *turn, in Inbound) {
	o, ok := t.choose(in)
	if !ok {
		t.retryChoice()
		return
	}
	t.s.Answers.Dept = o
	t.goTo(stepBookDoctor)
}

func loadDoctors(t *turn) emr.Call {
	return emr.Call{Op: emr.OpDoctors, Day: t.day(t.s.Answers.DayOffset), DepartmentID: t.s.Answers.Dept.ID}
}

func doctorsLoaded(t *turn, r emr.Result) bool {
	if len(r.Doctors) == 0 {
		t.retry("no_doctors")
		return false
	}
	t.s.Options = make([]Option, len(r.Doctors))
	for i, d := range r.Doctors {
		label := d.Name
		if d.Speciality != "" {
			label += " (" + d.Speciality + ")"
		}
		t.s.Options[i] = Option{ID: d.ID, Label: label}
	}
	return true
}

func readDoctor(t *turn, in Inbound) {
	o, ok := t.choose(in)
	if !ok {
		t.retryChoice()
		return
	}
	t.s.Answers.Doctor = o
	t.s.Answers.Slot = Option{}
	if t.h.Caps.Slots {
		t.goTo(stepBookSlot)
		return
	}
	t.show(stepBookReason)
}

func loadSlots(t *turn) emr.Call {
	return emr.Call{Op: emr.OpSlots, Day: t.day(t.s.Answers.DayOffset), DoctorID: t.s.Answers.Doctor.ID}
}

func slotsLoaded(t *turn, r emr.Result) bool {
	if len(r.Slots) == 0 {
		if t.s.Step != stepBookDoctor {
			// Reloaded after the chosen slot was taken: the doctors' list
			// is no longer the one on screen, so load it again.
			t.say("no_slots")
			t.goTo(stepBookDoctor)
			return false
		}
		t.retry("no_slots")
		return false
	}
	t.s.Options = make([]Option, len(r.Slots))
	for i, s := range r.Slots {
		t.s.Options[i] = Option{ID: s.ID, Label: t.clock(s.Start)}
	}
	return true
}

func readSlot(t *turn, in Inbound) {
	o, ok := t.choose(in)
	if !ok {
		t.retryChoice()
		return
	}
	t.s.Answers.Slot = o
	if t.s.Answers.Complaint != "" {
		// Back here after the slot was taken: the complaint still stands.
		t.goTo(stepBookSubmit)
		return
	}
	t.show(stepBookReason)
}

func promptComplaint(t *turn) {
	t.say("ask_complaint")
	t.hint()
}

func complaintBack(t *turn) StepID {
	if t.h.Caps.Slots {
		return stepBookSlot
	}
	return stepBookDoctor
}

func readComplaint(t *turn, in Inbound) {
	c := in.Body
	if n := utf8.RuneCountInString(c); n < 2 || n > 500 || !hasLetter(c) {
		t.retry("invalid_complaint")
		return
	}
	t.s.Answers.Complaint = c
	t.goTo(stepBookSubmit)
}

func loadBook(t *turn) emr.Call {
	a := t.s.Answers
	return emr.Call{Op: emr.OpBook, Booking: emr.BookingRequest{
		Patient: t.patient(), Visit: a.Visit, Day: t.day(a.DayOffset),
		DepartmentID: a.Dept.ID, DoctorID: a.Doctor.ID, SlotID: a.Slot.ID, Complaint: a.Complaint,
	}}
}

func booked(t *turn, r emr.Result) bool {
	a := t.s.Answers
	when := t.date(t.day(a.DayOffset).Date)
	if a.Slot.Label != "" {
		when += ", " + a.Slot.Label
	}
	if a.Visit == emr.Video {
		t.s.Video = &VideoWait{AppointmentID: r.Booking.AppointmentID, PaymentLink: r.Booking.PaymentLink, Doctor: a.Doctor.Label}
		t.say("video_booked", "doctor", a.Doctor.Label, "when", when)
		if r.Booking.PaymentLink == "" {
			// No payment step at this hospital: the link comes when the
			// EMR confirms; the patient need not wait here.
			t.say("video_link_later")
			t.backToMenu()
			return false
		}
		t.show(stepVideoWait)
		return false
	}
	t.say("booked", "doctor", a.Doctor.Label, "when", when)
	if r.Booking.Message != "" {
		t.sayRaw(r.Booking.Message)
	}
	t.backToMenu()
	return false
}

// bookFailed offers other slots when the chosen one was just taken. When
// the EMR may have booked (the call was lost in a restart or timed out),
// the patient goes back to the menu to check, instead of being asked for
// the complaint again: the next answer there would book a second time.
func bookFailed(t *turn, err error) {
	switch {
	case emr.KindOf(err) == emr.Conflict && t.h.Caps.Slots:
		t.say("slot_taken")
		t.goTo(stepBookSlot)
	case emr.KindOf(err) == emr.OutcomeUnknown:
		t.say("booking_outcome_unknown", "helpline", t.helpline())
		t.backToMenu()
	default:
		t.emrFailed(err)
	}
}

func promptVideoWait(t *turn) {
	link := ""
	if t.s.Video != nil {
		link = t.s.Video.PaymentLink
	}
	t.say("pay_link", "link", link)
	t.hint()
}

func readVideoWait(t *turn, _ Inbound) {
	t.retry("still_waiting_payment")
}

// videoConfirmed sends the video link, wherever the conversation is.
func (t *turn) videoConfirmed(v VideoConfirmed) {
	if t.h == nil {
		t.h = t.env.Hospitals[v.Hospital]
	}
	doctor, when := v.Doctor, v.When
	if doctor == "" && t.s.Video != nil {
		doctor = t.s.Video.Doctor
	}
	t.say("video_confirmed", "doctor", doctor, "when", when, "link", v.Link)
	if t.s.Step == stepVideoWait && t.s.Awaiting == nil {
		t.s.Video = nil
		t.backToMenu()
		return
	}
	if t.s.Video != nil && (v.AppointmentID == "" || v.AppointmentID == t.s.Video.AppointmentID) {
		t.s.Video = nil
	}
}
