package demo

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// inPerson is a valid in-person booking of Dr. Rajesh Kumar Sharma on the
// day offset days after tuesday0930.
func inPerson(offset int, slotID string) emr.BookingRequest {
	return emr.BookingRequest{Patient: asha, Visit: emr.InPerson, Day: dayFrom(tuesday0930, offset),
		DepartmentID: "dept-gm", DoctorID: "doc-11", SlotID: slotID, Complaint: "fever for three days"}
}

func TestBookInPersonConfirmsAndTakesSlot(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	b, err := e.Book(ctx, inPerson(0, "doc-11-20250107-0945"))
	require.NoError(t, err)
	assert.Equal(t, "APT-5001", b.AppointmentID)
	assert.Empty(t, b.PaymentLink)
	assert.Contains(t, b.Message, "Dr. Rajesh Kumar Sharma")
	assert.Contains(t, b.Message, "Tue, 7 Jan 2025 at 9:45 AM")
	assert.Contains(t, b.Message, "APT-5001")

	slots, err := e.Slots(ctx, "doc-11", dayFrom(tuesday0930, 0))
	require.NoError(t, err)
	assert.NotContains(t, slotIDs(slots), "doc-11-20250107-0945")
	assert.Len(t, slots, 12)

	got := e.Appointments("DEMO-0001")
	require.Len(t, got, 2, "the seed follow-up and the new booking")
	assert.Equal(t, Appointment{ID: "APT-5001", PatientID: "DEMO-0001", DepartmentID: "dept-gm", DoctorID: "doc-11",
		SlotID: "doc-11-20250107-0945", Visit: emr.InPerson, Start: time.Date(2025, 1, 7, 9, 45, 0, 0, ist),
		End: time.Date(2025, 1, 7, 10, 0, 0, 0, ist), Complaint: "fever for three days"}, got[0])
}

func TestDoubleBookingIsAConflict(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	_, err := e.Book(ctx, inPerson(0, "doc-11-20250107-1000"))
	require.NoError(t, err)
	other := inPerson(0, "doc-11-20250107-1000")
	other.Patient = emr.PatientRef{ID: "DEMO-0002", Mobile: FamilyMobile}
	_, err = e.Book(ctx, other)
	requireKind(t, err, OpBook, emr.Conflict)
	assert.NotEmpty(t, emr.DisplayOf(err))
	assert.Empty(t, e.Appointments("DEMO-0002"))
}

func TestBookVideoAnswersPaymentLink(t *testing.T) {
	e := New(Options{Now: func() time.Time { return tuesday0930 }, PaymentBaseURL: "https://bot.example.org/demo/pay/"})
	req := inPerson(1, "doc-11-20250108-0900")
	req.Visit = emr.Video
	b, err := e.Book(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, emr.Booking{AppointmentID: "APT-5001", PaymentLink: "https://bot.example.org/demo/pay/APT-5001"}, b)
}

func TestDefaultPaymentLink(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	req := inPerson(1, "")
	req.Visit = emr.Video
	b, err := e.Book(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8080/demo/pay/APT-5001", b.PaymentLink)
}

func TestBookByDayTakesFirstFreeSlot(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	for _, want := range []string{"doc-11-20250107-0945", "doc-11-20250107-1000"} {
		b, err := e.Book(ctx, inPerson(0, ""))
		require.NoError(t, err)
		got := e.Appointments("DEMO-0001")
		var slot string
		for _, a := range got {
			if a.ID == b.AppointmentID {
				slot = a.SlotID
			}
		}
		assert.Equal(t, want, slot)
	}
}

func TestBookByDayWhenOPDIsOverIsAConflict(t *testing.T) {
	late := time.Date(2025, 1, 7, 13, 30, 0, 0, ist)
	e, _ := newAt(t, late)
	_, err := e.Book(context.Background(), emr.BookingRequest{Patient: asha, Visit: emr.InPerson,
		Day: dayFrom(late, 0), DepartmentID: "dept-gm", DoctorID: "doc-11"})
	requireKind(t, err, OpBook, emr.Conflict)
}

func TestInvalidBookingsAreRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(*emr.BookingRequest)
		kind   emr.Kind
	}{
		{"unknown patient", func(b *emr.BookingRequest) { b.Patient.ID = "DEMO-9999" }, emr.Rejected},
		{"unknown visit kind", func(b *emr.BookingRequest) { b.Visit = "home" }, emr.Rejected},
		{"unknown department", func(b *emr.BookingRequest) { b.DepartmentID = "dept-x" }, emr.Rejected},
		{"unknown doctor", func(b *emr.BookingRequest) { b.DoctorID = "doc-99" }, emr.Rejected},
		{"doctor of another department", func(b *emr.BookingRequest) { b.DepartmentID = "dept-ent" }, emr.Rejected},
		{"doctor off that day", func(b *emr.BookingRequest) {
			b.DepartmentID, b.DoctorID, b.SlotID = "dept-ortho", "doc-41", ""
		}, emr.Rejected},
		{"unknown slot", func(b *emr.BookingRequest) { b.SlotID = "slot-1" }, emr.Rejected},
		{"slot of another doctor", func(b *emr.BookingRequest) { b.SlotID = "doc-13-20250107-1000" }, emr.Rejected},
		{"slot of another day", func(b *emr.BookingRequest) { b.SlotID = "doc-11-20250108-1000" }, emr.Rejected},
		{"day before today", func(b *emr.BookingRequest) { b.Day = emr.Day{Offset: -1} }, emr.Rejected},
		{"slot already started", func(b *emr.BookingRequest) { b.SlotID = "doc-11-20250107-0930" }, emr.Conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := newAt(t, tuesday0930)
			req := inPerson(0, "doc-11-20250107-1100")
			tt.change(&req)
			_, err := e.Book(context.Background(), req)
			requireKind(t, err, OpBook, tt.kind)
			assert.NotEmpty(t, emr.DisplayOf(err), "the patient is told why")
			assert.Len(t, e.Appointments("DEMO-0001"), 1, "only the seed appointment")
		})
	}
}

func TestUpcomingListsFutureAppointmentsOfBothKinds(t *testing.T) {
	e, clk := newAt(t, tuesday0930)
	ctx := context.Background()

	seed, err := e.Upcoming(ctx, asha)
	require.NoError(t, err)
	require.Len(t, seed, 1)
	assert.Equal(t, SeedAppointmentID, seed[0].ID)
	assert.Equal(t, time.Date(2025, 1, 9, 10, 0, 0, 0, ist), seed[0].Start, "Dr. Gupta's next OPD after today")
	assert.Equal(t, "Dr. Sanjay Gupta", seed[0].Doctor)

	_, err = e.Book(ctx, inPerson(0, "doc-11-20250107-1100"))
	require.NoError(t, err)
	video := inPerson(1, "doc-11-20250108-0900")
	video.Visit = emr.Video
	vb, err := e.Book(ctx, video)
	require.NoError(t, err)

	got, err := e.Upcoming(ctx, asha)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, []string{"APT-5001", "APT-5002", SeedAppointmentID},
		ids(got, func(a emr.Appointment) string { return a.ID }), "earliest first")
	assert.False(t, got[0].Video)
	assert.True(t, got[1].Video)
	assert.Equal(t, "Dr. Rajesh Kumar Sharma", got[1].Doctor)
	assert.Contains(t, got[0].Text, "Tue, 7 Jan 2025 at 11:00 AM")
	assert.Contains(t, got[1].Text, "payment pending")

	_, err = e.ConfirmPayment(vb.AppointmentID)
	require.NoError(t, err)
	got, err = e.Upcoming(ctx, asha)
	require.NoError(t, err)
	assert.Contains(t, got[1].Text, "paid")
	assert.NotContains(t, got[1].Text, "pending")

	clk.Set(time.Date(2025, 1, 8, 9, 10, 0, 0, ist))
	got, err = e.Upcoming(ctx, asha)
	require.NoError(t, err)
	assert.Equal(t, []string{"APT-5002", SeedAppointmentID}, ids(got, func(a emr.Appointment) string { return a.ID }),
		"ended appointments drop off; one in progress stays")
}

func TestUpcomingOfPatientWithoutAppointmentsIsEmpty(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	got, err := e.Upcoming(context.Background(), emr.PatientRef{ID: "DEMO-0003", Mobile: FamilyMobile})
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
}

func TestUpcomingOfUnknownPatientIsRefused(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	_, err := e.Upcoming(context.Background(), emr.PatientRef{ID: "nobody"})
	requireKind(t, err, OpUpcoming, emr.Rejected)
}

func TestConfirmPayment(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	ramesh := emr.PatientRef{ID: "DEMO-0002", Mobile: FamilyMobile}
	b, err := e.Book(ctx, emr.BookingRequest{Patient: ramesh, Visit: emr.Video, Day: dayFrom(tuesday0930, 1),
		DepartmentID: "dept-cardio", DoctorID: "doc-71", SlotID: "doc-71-20250108-1020"})
	require.NoError(t, err)

	c, err := e.ConfirmPayment(b.AppointmentID)
	require.NoError(t, err)
	assert.Equal(t, VideoConfirmation{
		AppointmentID: "APT-5001", Mobile: FamilyMobile, Doctor: "Dr. Ashok Chatterjee",
		DateTime: "Wed, 8 Jan 2025 at 10:20 AM", Link: "https://meet.example/demo-APT-5001",
		PatientID: "DEMO-0002", Start: time.Date(2025, 1, 8, 10, 20, 0, 0, ist),
	}, c)
	assert.True(t, e.Appointments("DEMO-0002")[0].Paid)

	again, err := e.ConfirmPayment(b.AppointmentID)
	require.NoError(t, err)
	assert.Equal(t, c, again, "a repeated payment notice confirms the same visit")

	body, err := json.Marshal(c)
	require.NoError(t, err)
	assert.JSONEq(t, `{"appt_id":"APT-5001","mobile":"+919800000002","doctor":"Dr. Ashok Chatterjee",
		"appdatetime":"Wed, 8 Jan 2025 at 10:20 AM","link":"https://meet.example/demo-APT-5001"}`, string(body))
}

func TestConfirmPaymentRefusesUnknownAndInPersonVisits(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	_, err := e.ConfirmPayment("APT-9999")
	requireKind(t, err, OpConfirmPayment, emr.Rejected)
	_, err = e.ConfirmPayment(SeedAppointmentID)
	requireKind(t, err, OpConfirmPayment, emr.Rejected)
}
