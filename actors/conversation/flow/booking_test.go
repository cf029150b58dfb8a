package flow

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

var (
	departments = []emr.Department{{ID: "D1", Name: "General Medicine"}, {ID: "D2", Name: "Paediatrics"}}
	doctors     = []emr.Doctor{{ID: "DR7", Name: "Dr. Mehta", Speciality: "Child specialist"}, {ID: "DR8", Name: "Dr. Rao"}}
	slots       = []emr.Slot{
		{ID: "S1", Start: time.Date(2025, 11, 27, 4, 30, 0, 0, time.UTC)}, // 10:00 IST
		{ID: "S2", Start: time.Date(2025, 11, 27, 5, 0, 0, 0, time.UTC)},  // 10:30 IST
	}
)

// istDay is midnight of a day in the hospital's zone.
func istDay(day int) time.Time { return time.Date(2025, 11, day, 0, 0, 0, 0, ist) }

func TestBookingInPerson(t *testing.T) {
	for _, withSlots := range []bool{true, false} {
		name := "by day"
		if withSlots {
			name = "with slots"
		}
		t.Run(name, func(t *testing.T) {
			caps := allCaps
			caps.Slots = withSlots
			f := newFixture(t, caps)
			f.toMenu()

			fx := f.send("1")
			assert.Nil(t, fx.Call)
			assert.Equal(t, stepBookWhen, f.s.Step)
			assert.Equal(t, emr.InPerson, f.s.Answers.Visit)
			assert.Equal(t, f.text("ask_when")+"\n1. Today (Wed 26 Nov)\n2. Tomorrow (Thu 27 Nov)\n3. Day after tomorrow (Fri 28 Nov)\n\n"+
				f.text("hint_back_menu"), body(fx))

			fx = f.send("2")
			require.NotNil(t, fx.Call)
			tomorrow := emr.Day{Offset: 1, Date: istDay(27)}
			assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpDepartments, Day: tomorrow}, *fx.Call)
			assert.Empty(t, fx.Replies, "nothing to say until the list is there")
			assert.Equal(t, stepBookWhen, f.s.Step, "the step changes only once its list is loaded")

			fx = f.answer(emr.Result{Departments: departments})
			assert.Equal(t, stepBookDept, f.s.Step)
			assert.Equal(t, f.text("choose_department")+"\n1. General Medicine\n2. Paediatrics\n\n"+f.text("hint_back_menu"), body(fx))

			fx = f.send("3")
			assert.Contains(t, body(fx), f.text("invalid_choice", "max", "2"))
			assert.Contains(t, body(fx), "2. Paediatrics", "a wrong choice shows the list again")

			fx = f.send("2")
			require.NotNil(t, fx.Call)
			assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpDoctors, Day: tomorrow, DepartmentID: "D2"}, *fx.Call)
			fx = f.answer(emr.Result{Doctors: doctors})
			assert.Equal(t, stepBookDoctor, f.s.Step)
			assert.Contains(t, body(fx), "1. Dr. Mehta (Child specialist)\n2. Dr. Rao")

			fx = f.send("1")
			slotID, when := "", "Thu 27 Nov"
			if withSlots {
				require.NotNil(t, fx.Call)
				assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpSlots, Day: tomorrow, DoctorID: "DR7"}, *fx.Call)
				fx = f.answer(emr.Result{Slots: slots})
				assert.Equal(t, stepBookSlot, f.s.Step)
				assert.Contains(t, body(fx), f.text("choose_slot")+"\n1. 10:00 AM\n2. 10:30 AM")
				fx = f.send("2")
				slotID, when = "S2", "Thu 27 Nov, 10:30 AM"
			}
			assert.Nil(t, fx.Call)
			assert.Equal(t, stepBookReason, f.s.Step)
			assert.Equal(t, f.text("ask_complaint")+"\n\n"+f.text("hint_back_menu"), body(fx))

			fx = f.send("Fever for 3 days")
			require.NotNil(t, fx.Call)
			assert.Equal(t, emr.Call{ID: fx.Call.ID, Op: emr.OpBook, Booking: emr.BookingRequest{
				Patient: emr.PatientRef{ID: "P-100", Mobile: testPhone}, Visit: emr.InPerson, Day: tomorrow,
				DepartmentID: "D2", DoctorID: "DR7", SlotID: slotID, Complaint: "Fever for 3 days",
			}}, *fx.Call)

			fx = f.answer(emr.Result{Booking: emr.Booking{AppointmentID: "A1", Message: "Token 14, room 3"}})
			assert.Equal(t, f.text("booked", "doctor", "Dr. Mehta (Child specialist)", "when", when)+
				"\n\nToken 14, room 3\n\n"+f.text("menu_again"), body(fx))
			assert.Equal(t, stepMenu, f.s.Step)
			assert.Equal(t, Answers{}, f.s.Answers)
			assert.Nil(t, f.s.Options)
		})
	}
}

// toComplaint books up to the chief complaint.
func toComplaint(f *fixture, menuItem string) {
	f.t.Helper()
	f.toMenu()
	f.send(menuItem)
	f.send("1")
	f.answer(emr.Result{Departments: departments})
	f.send("1")
	f.answer(emr.Result{Doctors: doctors})
	f.send("2")
	if f.hospital().Caps.Slots {
		f.answer(emr.Result{Slots: slots})
		f.send("1")
	}
	require.Equal(f.t, stepBookReason, f.s.Step)
}

func TestBookingVideo(t *testing.T) {
	f := newFixture(t, allCaps)
	toComplaint(f, "2")
	assert.Equal(t, emr.Video, f.s.Answers.Visit)
	fx := f.send("cough")
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.Video, fx.Call.Booking.Visit)

	fx = f.answer(emr.Result{Booking: emr.Booking{AppointmentID: "V9", PaymentLink: "https://pay.example/V9"}})
	assert.Equal(t, f.text("video_booked", "doctor", "Dr. Rao", "when", "Wed 26 Nov, 10:00 AM")+"\n\n"+
		f.text("pay_link", "link", "https://pay.example/V9")+"\n\n"+f.text("hint_menu"), body(fx))
	assert.Equal(t, stepVideoWait, f.s.Step)
	assert.Equal(t, &VideoWait{AppointmentID: "V9", PaymentLink: "https://pay.example/V9", Doctor: "Dr. Rao"}, f.s.Video)

	fx = f.send("paid?")
	assert.Equal(t, f.text("still_waiting_payment")+"\n\n"+f.text("pay_link", "link", "https://pay.example/V9")+"\n\n"+f.text("hint_menu"), body(fx))
	assert.Equal(t, stepVideoWait, f.s.Step)
	fx = f.send("0")
	assert.Contains(t, body(fx), f.text("still_waiting_payment"), "the wait has no step before it")
}

func TestBookingVideoWithoutPaymentLink(t *testing.T) {
	f := newFixture(t, allCaps)
	toComplaint(f, "2")
	f.send("cough")
	fx := f.answer(emr.Result{Booking: emr.Booking{AppointmentID: "V9"}})
	assert.Contains(t, body(fx), f.text("video_link_later"), "no payment step: the link comes with the confirmation")
	assert.Equal(t, stepMenu, f.s.Step, "the patient is not held in a payment wait")
	require.NotNil(t, f.s.Video)
	fx = f.apply(&VideoConfirmed{AppointmentID: "V9", Doctor: "Dr. Rao", When: "Wed 10:00", Link: "https://meet.example/V9"})
	assert.Contains(t, body(fx), "https://meet.example/V9")
	assert.Nil(t, f.s.Video)
}

func TestEmptyLists(t *testing.T) {
	t.Run("no departments", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("1")
		f.send("3")
		fx := f.answer(emr.Result{})
		assert.Equal(t, stepBookWhen, f.s.Step)
		assert.Contains(t, body(fx), f.text("no_departments"))
		assert.Contains(t, body(fx), f.text("ask_when"))
	})
	t.Run("no doctors", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("1")
		f.send("1")
		f.answer(emr.Result{Departments: departments})
		f.send("1")
		fx := f.answer(emr.Result{})
		assert.Equal(t, stepBookDept, f.s.Step)
		assert.Contains(t, body(fx), f.text("no_doctors"))
		assert.Contains(t, body(fx), "1. General Medicine", "the departments are shown again")
	})
	t.Run("no slots", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("1")
		f.send("1")
		f.answer(emr.Result{Departments: departments})
		f.send("1")
		f.answer(emr.Result{Doctors: doctors})
		f.send("1")
		fx := f.answer(emr.Result{})
		assert.Equal(t, stepBookDoctor, f.s.Step)
		assert.Contains(t, body(fx), f.text("no_slots"))
		assert.Contains(t, body(fx), "2. Dr. Rao", "the doctors are shown again")
	})
}

func TestBookingSlotTaken(t *testing.T) {
	f := newFixture(t, allCaps)
	toComplaint(f, "1")
	f.send("back pain")
	fx := f.fail(emr.Conflict)
	assert.Equal(t, f.text("slot_taken"), body(fx))
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.OpSlots, fx.Call.Op)
	assert.Equal(t, "DR8", fx.Call.DoctorID)

	fx = f.answer(emr.Result{Slots: slots[1:]})
	assert.Equal(t, stepBookSlot, f.s.Step)
	assert.Contains(t, body(fx), "1. 10:30 AM")
	fx = f.send("1")
	require.NotNil(t, fx.Call, "the complaint already given still stands")
	assert.Equal(t, emr.OpBook, fx.Call.Op)
	assert.Equal(t, "S2", fx.Call.Booking.SlotID)
	assert.Equal(t, "back pain", fx.Call.Booking.Complaint)
}

func TestBookingSlotTakenAndNoneLeft(t *testing.T) {
	f := newFixture(t, allCaps)
	toComplaint(f, "1")
	f.send("back pain")
	f.fail(emr.Conflict)
	fx := f.answer(emr.Result{})
	assert.Contains(t, body(fx), f.text("no_slots"))
	assert.NotContains(t, body(fx), f.text("ask_complaint"), "asking for the complaint again would book the taken slot again")
	require.NotNil(t, fx.Call, "the doctors are loaded again to choose another")
	assert.Equal(t, emr.OpDoctors, fx.Call.Op)
	fx = f.answer(emr.Result{Doctors: doctors})
	assert.Equal(t, stepBookDoctor, f.s.Step)
	assert.Contains(t, body(fx), "1. Dr. Mehta")
}

func TestBookingConflictWithoutSlots(t *testing.T) {
	caps := allCaps
	caps.Slots = false
	f := newFixture(t, caps)
	toComplaint(f, "1")
	f.send("back pain")
	fx := f.fail(emr.Conflict)
	assert.Nil(t, fx.Call)
	assert.Contains(t, body(fx), f.text("emr_unavailable", "helpline", testHelpline))
	assert.Equal(t, stepBookReason, f.s.Step)
}

func TestRejectedComplaint(t *testing.T) {
	f := newFixture(t, allCaps)
	toComplaint(f, "1")
	for _, c := range []string{"x", "123", "!!"} {
		fx := f.send(c)
		assert.Nil(t, fx.Call)
		assert.Contains(t, body(fx), f.text("invalid_complaint"))
		assert.Equal(t, stepBookReason, f.s.Step)
	}
}
