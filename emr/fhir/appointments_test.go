package fhir

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
)

// TestUpcoming: the booked follow-up is listed with its doctor; past and
// closed appointments are not; a new booking joins in time order.
func TestUpcoming(t *testing.T) {
	t.Parallel()
	_, c, clk := setup(t)
	asha := emr.PatientRef{ID: fhirtest.AshaID, Mobile: fhirtest.AshaMobile}
	up, err := c.Upcoming(ctx(t), asha)
	require.NoError(t, err)
	assert.Equal(t, []emr.Appointment{{
		ID: fhirtest.AshaFollowUpID, Start: time.Date(2026, 11, 25, 9, 0, 0, 0, kolkata(t)), Doctor: "Dr. Alok Mishra",
	}}, withZones(up, kolkata(t)), "the follow-up; not last week's fulfilled visit")

	b, err := c.Book(ctx(t), emr.BookingRequest{Patient: asha, Visit: emr.Video, Day: day(0), DoctorID: "role-priya",
		SlotID: "priya-20261124-1100", Complaint: "rash"})
	require.NoError(t, err)
	up, err = c.Upcoming(ctx(t), asha)
	require.NoError(t, err)
	require.Len(t, up, 2)
	assert.Equal(t, b.AppointmentID, up[0].ID, "today's video visit comes first")
	assert.True(t, up[0].Video)
	assert.Equal(t, "Dr. Priya Nambiar", up[0].Doctor)

	clk.now = time.Date(2026, 11, 25, 9, 10, 0, 0, kolkata(t))
	up, err = c.Upcoming(ctx(t), asha)
	require.NoError(t, err)
	assert.Equal(t, []string{fhirtest.AshaFollowUpID}, apptIDs(up), "an appointment in progress is still listed; a past one is not")

	none, err := c.Upcoming(ctx(t), emr.PatientRef{ID: fhirtest.ImranID})
	require.NoError(t, err)
	assert.Empty(t, none)
	assert.NotNil(t, none, "an empty list, not nil")
}

// TestCancel: the appointment is cancelled and its slot free again, in
// one transaction; another patient's appointment or a past one is
// refused; cancelling twice is harmless.
func TestCancel(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t)
	asha := emr.PatientRef{ID: fhirtest.AshaID, Mobile: fhirtest.AshaMobile}
	slotID := field(srv.Read("Appointment", fhirtest.AshaFollowUpID), "slot", 0, "reference").(string)[len("Slot/"):]
	require.Equal(t, "busy", srv.Read("Slot", slotID)["status"])

	err := c.Cancel(ctx(t), emr.PatientRef{ID: fhirtest.RameshID}, fhirtest.AshaFollowUpID)
	assert.Equal(t, emr.Rejected, emr.KindOf(err), "Ramesh cannot cancel Asha's appointment")
	assert.Zero(t, srv.Count(http.MethodPost, "Bundle"))

	require.NoError(t, c.Cancel(ctx(t), asha, fhirtest.AshaFollowUpID))
	a := srv.Read("Appointment", fhirtest.AshaFollowUpID)
	assert.Equal(t, "cancelled", a["status"])
	assert.NotEmpty(t, field(a, "cancelationReason", "text"))
	assert.Equal(t, "Asha Verma", field(a, "participant", 0, "actor", "display"), "fields the adapter does not model are kept")
	assert.Equal(t, "free", srv.Read("Slot", slotID)["status"])
	assert.Equal(t, 1, srv.Count(http.MethodPost, "Bundle"), "one transaction")

	up, err := c.Upcoming(ctx(t), asha)
	require.NoError(t, err)
	assert.Empty(t, up)
	slots, err := c.Slots(ctx(t), "role-alok", wednesday)
	require.NoError(t, err)
	assert.Equal(t, slotID, slots[0].ID, "the freed time is offered again")

	require.NoError(t, c.Cancel(ctx(t), asha, fhirtest.AshaFollowUpID), "cancelling again is harmless")

	b, err := c.Book(ctx(t), booking("alok-20261125-1000", emr.InPerson))
	require.NoError(t, err)
	clk.now = time.Date(2026, 11, 25, 10, 1, 0, 0, kolkata(t))
	err = c.Cancel(ctx(t), emr.PatientRef{ID: fhirtest.RameshID}, b.AppointmentID)
	assert.Equal(t, emr.Rejected, emr.KindOf(err), "an appointment that started")

	err = c.Cancel(ctx(t), asha, "no-such-appointment")
	assert.Equal(t, emr.Rejected, emr.KindOf(err))
}

// TestCancelRetriesAConflict: when the appointment changed between our
// read and our write, it is read again and cancelled.
func TestCancelRetriesAConflict(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	srv.Fail(fhirtest.Fault{Mode: fhirtest.Outcome, Method: http.MethodPost, Resource: "Bundle", Status: http.StatusPreconditionFailed})
	require.NoError(t, c.Cancel(ctx(t), emr.PatientRef{ID: fhirtest.AshaID}, fhirtest.AshaFollowUpID))
	assert.Equal(t, "cancelled", srv.Read("Appointment", fhirtest.AshaFollowUpID)["status"])
	assert.Equal(t, 2, srv.Count(http.MethodPost, "Bundle"))
}

func apptIDs(as []emr.Appointment) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

func withZones(as []emr.Appointment, loc *time.Location) []emr.Appointment {
	for i := range as {
		as[i].Start = as[i].Start.In(loc)
	}
	return as
}
