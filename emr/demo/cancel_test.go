package demo

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestCancelFreesTheSlot(t *testing.T) {
	e, _ := newAt(t, tuesday0930)
	ctx := context.Background()
	asha := emr.PatientRef{ID: "DEMO-0001", Mobile: AshaMobile}
	day := dayFrom(tuesday0930, 1)
	depts, err := e.Departments(ctx, day)
	require.NoError(t, err)
	docs, err := e.Doctors(ctx, depts[0].ID, day)
	require.NoError(t, err)
	slots, err := e.Slots(ctx, docs[0].ID, day)
	require.NoError(t, err)
	b, err := e.Book(ctx, emr.BookingRequest{Patient: asha, Visit: emr.InPerson, Day: day,
		DepartmentID: depts[0].ID, DoctorID: docs[0].ID, SlotID: slots[0].ID, Complaint: "cough"})
	require.NoError(t, err)

	other := emr.PatientRef{ID: "DEMO-0002", Mobile: FamilyMobile}
	assert.Equal(t, emr.Rejected, emr.KindOf(e.Cancel(ctx, other, b.AppointmentID)), "someone else's appointment")
	require.NoError(t, e.Cancel(ctx, asha, b.AppointmentID))
	assert.Equal(t, emr.Rejected, emr.KindOf(e.Cancel(ctx, asha, b.AppointmentID)), "already cancelled")

	again, err := e.Slots(ctx, docs[0].ID, day)
	require.NoError(t, err)
	assert.Equal(t, slots[0].ID, again[0].ID, "the slot is free again")
	up, err := e.Upcoming(ctx, asha)
	require.NoError(t, err)
	for _, a := range up {
		assert.NotEqual(t, b.AppointmentID, a.ID)
	}
}
