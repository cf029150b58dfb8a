package restapi_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
)

func TestFindPatients(t *testing.T) {
	c, _ := newClient(t)

	got, err := c.FindPatients(t.Context(), restapitest.KnownMobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{{
		ID: restapitest.KnownPatientID, Name: restapitest.KnownPatientName,
		Age: restapitest.KnownPatientAge, Gender: emr.Female,
	}}, got)

	// The seed EMR answers status "0" for an unknown number: not an error.
	got, err = c.FindPatients(t.Context(), restapitest.UnknownMobile)
	require.NoError(t, err)
	assert.NotNil(t, got)
	assert.Empty(t, got)
}

// TestRegisterThenFind checks the registration round trip a new patient
// goes through: the EMR's numeric patient_id comes back as a string and
// the patient is found by mobile afterwards.
func TestRegisterThenFind(t *testing.T) {
	c, _ := newClient(t)
	np := emr.NewPatient{Name: newName, Age: 41, Gender: emr.Male, Mobile: newMobile}

	p, err := c.Register(t.Context(), np)
	require.NoError(t, err)
	assert.Equal(t, emr.Patient{ID: "5001", Name: newName, Age: 41, Gender: emr.Male}, p)

	found, err := c.FindPatients(t.Context(), newMobile)
	require.NoError(t, err)
	assert.Equal(t, []emr.Patient{p}, found)

	// A new patient has no appointments: status 0 is an empty list.
	appts, err := c.Upcoming(t.Context(), emr.PatientRef{ID: p.ID, Mobile: newMobile})
	require.NoError(t, err)
	assert.Empty(t, appts)

	rec, err := c.HealthRecords(t.Context(), emr.PatientRef{ID: p.ID, Mobile: newMobile})
	require.NoError(t, err)
	assert.Equal(t, restapitest.NoRecords, rec.Text)
}

func TestDepartmentsAndDoctors(t *testing.T) {
	c, _ := newClient(t)

	deps, err := c.Departments(t.Context(), emr.Day{Offset: 0})
	require.NoError(t, err)
	assert.Equal(t, restapitest.Departments(), deps, "ids arrive as numbers, kept in the EMR's order")

	for _, d := range deps {
		docs, err := c.Doctors(t.Context(), d.ID, emr.Day{Offset: 2})
		require.NoError(t, err)
		assert.Equal(t, restapitest.Doctors(d.ID), docs, "department %s", d.ID)
		assert.NotEmpty(t, docs)
	}
}

func TestBookAndUpcoming(t *testing.T) {
	c, _ := newClient(t)

	before, err := c.Upcoming(t.Context(), known)
	require.NoError(t, err)
	assert.Equal(t, []emr.Appointment{{ID: "6001", Text: restapitest.KnownUpcoming}}, before)

	inPerson, err := c.Book(t.Context(), booking(emr.InPerson))
	require.NoError(t, err)
	assert.Equal(t, "7001", inPerson.AppointmentID)
	assert.Contains(t, inPerson.Message, "Dr. Sunil Nair")
	assert.Empty(t, inPerson.PaymentLink, "in-person visits are not paid online")

	video, err := c.Book(t.Context(), booking(emr.Video))
	require.NoError(t, err)
	assert.Equal(t, "7002", video.AppointmentID)
	assert.Equal(t, restapitest.PaymentLinkPrefix+"7002", video.PaymentLink)
	assert.NotEmpty(t, video.Message)

	after, err := c.Upcoming(t.Context(), known)
	require.NoError(t, err)
	require.Len(t, after, 3)
	assert.Contains(t, after[1].Text, "in person")
	assert.Contains(t, after[2].Text, "video")
}

func TestHealthRecordsAndUpdates(t *testing.T) {
	c, _ := newClient(t)

	rec, err := c.HealthRecords(t.Context(), known)
	require.NoError(t, err)
	assert.Equal(t, emr.Records{Text: restapitest.KnownRecords}, rec)

	require.NoError(t, c.SetProfilePhoto(t.Context(), known, photoURL))
	require.NoError(t, c.UploadDocument(t.Context(), known, emr.Document{URL: docURL, ContentType: "application/pdf"}))
	require.NoError(t, c.UpdateAddress(t.Context(), known, address))
}

// TestConcurrentUse runs operations from many goroutines at once; with
// -race it checks that one Client serves a whole hospital.
func TestConcurrentUse(t *testing.T) {
	c, fake := newClient(t)
	errs := make(chan error, 3*len(operations))
	for range 3 {
		for _, o := range operations {
			go func() { errs <- o.call(t.Context(), c) }()
		}
	}
	for range 3 * len(operations) {
		require.NoError(t, <-errs)
	}
	assert.Len(t, fake.Calls(), 3*len(operations))
}
