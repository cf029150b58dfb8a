package fhir

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
)

// wednesday is the day after the test's today, as the conversation names
// it (Date wins over Offset, so moving the clock keeps the day).
var wednesday = emr.Day{Offset: 1, Date: time.Date(2026, 11, 24, 18, 30, 0, 0, time.UTC)}

// booking is a booking of Ramesh with Dr. Alok Mishra on Wednesday.
func booking(slotID string, visit emr.Visit) emr.BookingRequest {
	return emr.BookingRequest{
		Patient: emr.PatientRef{ID: fhirtest.RameshID, Mobile: fhirtest.FamilyMobile}, Visit: visit, Day: wednesday,
		DepartmentID: "hs-gm", DoctorID: "role-alok", SlotID: slotID, Complaint: "fever since monday",
	}
}

// TestBook: the Appointment names the patient, the doctor and the slot,
// with the complaint and the kind of visit, and the Slot is busy; both in
// one transaction.
func TestBook(t *testing.T) {
	t.Parallel()
	for _, visit := range []emr.Visit{emr.InPerson, emr.Video} {
		t.Run(string(visit), func(t *testing.T) {
			srv, c, _ := setup(t)
			b, err := c.Book(ctx(t), booking("alok-20261125-0930", visit))
			require.NoError(t, err)
			require.NotEmpty(t, b.AppointmentID)
			assert.Empty(t, b.PaymentLink, "FHIR has no payment links")

			a := srv.Read("Appointment", b.AppointmentID)
			require.NotNil(t, a)
			assert.Equal(t, "booked", a["status"])
			assert.Equal(t, "2026-11-25T09:30:00+05:30", a["start"])
			assert.Equal(t, "2026-11-25T09:45:00+05:30", a["end"])
			assert.Equal(t, "Slot/alok-20261125-0930", field(a, "slot", 0, "reference"))
			assert.Equal(t, "Patient/"+fhirtest.RameshID, field(a, "participant", 0, "actor", "reference"))
			assert.Equal(t, "Practitioner/pr-alok", field(a, "participant", 1, "actor", "reference"))
			assert.Equal(t, "PractitionerRole/role-alok", field(a, "participant", 2, "actor", "reference"))
			assert.Equal(t, "fever since monday", field(a, "reasonCode", 0, "text"))
			code := map[emr.Visit]string{emr.InPerson: "AMB", emr.Video: "VR"}[visit]
			assert.Equal(t, code, field(a, "appointmentType", "coding", 0, "code"))
			assert.Equal(t, "busy", srv.Read("Slot", "alok-20261125-0930")["status"])
			assert.Equal(t, 1, srv.Count(http.MethodPost, "Bundle"), "one transaction")
			assert.Zero(t, srv.Count(http.MethodPut, "Slot")+srv.Count(http.MethodPost, "Appointment"), "no writes outside it")

			up, err := c.Upcoming(ctx(t), emr.PatientRef{ID: fhirtest.RameshID})
			require.NoError(t, err)
			require.Len(t, up, 1)
			assert.Equal(t, visit == emr.Video, up[0].Video)
			assert.Equal(t, "Dr. Alok Mishra", up[0].Doctor)
		})
	}
}

// TestBookConflicts: a slot someone else holds, one that started, or one
// taken between our read and our write (If-Match) is a Conflict; one that
// is not the doctor's is refused.
func TestBookConflicts(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t)
	_, err := c.Book(ctx(t), booking("alok-20261125-0945", emr.InPerson))
	assert.Equal(t, emr.Conflict, emr.KindOf(err), "a busy slot")
	assert.ErrorIs(t, err, errSlotTaken)

	_, err = c.Book(ctx(t), booking("alok-20261125-0915", emr.InPerson))
	require.NoError(t, err)
	_, err = c.Book(ctx(t), booking("alok-20261125-0915", emr.Video))
	assert.Equal(t, emr.Conflict, emr.KindOf(err), "the same slot twice")

	_, err = c.Book(ctx(t), booking("vikram-20261125-0900", emr.InPerson))
	assert.Equal(t, emr.Rejected, emr.KindOf(err), "another doctor's slot")

	clk.now = time.Date(2026, 11, 25, 10, 5, 0, 0, kolkata(t))
	_, err = c.Book(ctx(t), booking("alok-20261125-1000", emr.InPerson))
	assert.Equal(t, emr.Conflict, emr.KindOf(err), "a slot that started")
	assert.ErrorIs(t, err, errSlotPassed)

	// The Slot changes after we read it: the server refuses our If-Match.
	srv.Fail(fhirtest.Fault{Mode: fhirtest.Outcome, Method: http.MethodPost, Resource: "Bundle", Status: http.StatusPreconditionFailed,
		Issues: []fhirtest.Issue{{Severity: "error", Code: "conflict", Diagnostics: "version mismatch"}}})
	_, err = c.Book(ctx(t), booking("alok-20261125-1015", emr.InPerson))
	assert.Equal(t, emr.Conflict, emr.KindOf(err))
	assert.Contains(t, err.Error(), "HTTP 412")
	assert.Equal(t, "free", srv.Read("Slot", "alok-20261125-1015")["status"])
}

// TestBookFirstFreeSlot: without a slot, the doctor's first free time of
// the day is booked; none left is a Conflict.
func TestBookFirstFreeSlot(t *testing.T) {
	t.Parallel()
	srv, c, clk := setup(t)
	b, err := c.Book(ctx(t), booking("", emr.InPerson))
	require.NoError(t, err)
	assert.Equal(t, "Slot/alok-20261125-0915", field(srv.Read("Appointment", b.AppointmentID), "slot", 0, "reference"))

	clk.now = time.Date(2026, 11, 25, 12, 50, 0, 0, kolkata(t))
	_, err = c.Book(ctx(t), booking("", emr.InPerson))
	assert.Equal(t, emr.Conflict, emr.KindOf(err), "OPD over")
	assert.ErrorIs(t, err, errNoFreeSlot)
}

// TestSlotRace: two patients book the same slot at the same moment, many
// times over: exactly one gets it each time, the other a Conflict, and
// the server holds one Appointment per slot.
func TestSlotRace(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	slots, err := c.Slots(ctx(t), "role-kavita", day(1))
	require.NoError(t, err)
	rounds := min(len(slots), 8)
	require.GreaterOrEqual(t, rounds, 5)
	patients := []string{fhirtest.RameshID, fhirtest.SavitaID}
	for _, s := range slots[:rounds] {
		var wg sync.WaitGroup
		errs := make([]error, len(patients))
		for i, p := range patients {
			wg.Go(func() {
				_, errs[i] = c.Book(ctx(t), emr.BookingRequest{
					Patient: emr.PatientRef{ID: p}, Visit: emr.InPerson, Day: day(1), DepartmentID: "hs-paed",
					DoctorID: "role-kavita", SlotID: s.ID, Complaint: "cough",
				})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				assert.Equal(t, emr.Conflict, emr.KindOf(err), "the loser is told the slot was taken: %v", err)
			}
		}
		assert.Equal(t, 1, won, "slot %s: exactly one booking", s.ID)
		appts := srv.Search("Appointment", q("slot", "Slot/"+s.ID))
		assert.Len(t, appts, 1, "slot %s: one Appointment, none left over by the losing transaction", s.ID)
	}
}

func TestBookRefusesBadRequests(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t)
	b := booking("alok-20261125-0930", "phone")
	_, err := c.Book(ctx(t), b)
	assert.Equal(t, emr.Rejected, emr.KindOf(err))
	b = booking("alok-20261125-0930", emr.InPerson)
	b.Patient.ID = ""
	_, err = c.Book(ctx(t), b)
	assert.Equal(t, emr.Rejected, emr.KindOf(err))
	assert.Empty(t, srv.Requests())
}
