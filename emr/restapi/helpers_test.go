package restapi_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/restapi"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// newClient starts a fake EMR and an adapter for it; edit may change the
// hospital first (timeout, endpoints, country code).
func newClient(t *testing.T, edit ...func(*config.Hospital)) (*restapi.Client, *restapitest.Server) {
	t.Helper()
	fake := restapitest.NewServer(t)
	h := fake.Hospital("abc")
	for _, e := range edit {
		e(&h)
	}
	c, err := restapi.New(h, nil)
	require.NoError(t, err)
	return c, fake
}

// Inputs the tests send; none of them may appear in an error text.
const (
	newName    = "Ravi Shankar Prasad"
	newMobile  = "+919123456780"
	complaint  = "persistent cough and mild fever"
	address    = "14 Lotus Residency, MG Road, Pune"
	docURL     = "https://media.example.test/prescription-77.pdf"
	caption    = "old prescription from Dr. Gupta"
	photoURL   = "https://media.example.test/selfie-42.jpg"
	doctorID   = "21"
	deptID     = "2"
	patientPID = restapitest.KnownPatientID
)

// known is the seed patient as the flows refer to them.
var known = emr.PatientRef{ID: restapitest.KnownPatientID, Mobile: restapitest.KnownMobile}

// tomorrow is day_count 2.
var tomorrow = emr.Day{Offset: 1}

// operation is one adapter method called with fixed, realistic inputs.
type operation struct {
	op   string // CONTRACT §4 name, also the error's Op
	call func(ctx context.Context, c *restapi.Client) error
}

// operations calls every operation of CONTRACT §4 once.
var operations = []operation{
	{"match_mobile", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.FindPatients(ctx, restapitest.KnownMobile)
		return err
	}},
	{"register", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.Register(ctx, emr.NewPatient{Name: newName, Age: 41, Gender: emr.Male, Mobile: newMobile})
		return err
	}},
	{"upcoming", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.Upcoming(ctx, known)
		return err
	}},
	{"departments", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.Departments(ctx, tomorrow)
		return err
	}},
	{"doctors", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.Doctors(ctx, deptID, tomorrow)
		return err
	}},
	{"book_in_person", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.Book(ctx, booking(emr.InPerson))
		return err
	}},
	{"book_video", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.Book(ctx, booking(emr.Video))
		return err
	}},
	{"health_records", func(ctx context.Context, c *restapi.Client) error {
		_, err := c.HealthRecords(ctx, known)
		return err
	}},
	{"profile_pic", func(ctx context.Context, c *restapi.Client) error {
		return c.SetProfilePhoto(ctx, known, photoURL)
	}},
	{"upload_document", func(ctx context.Context, c *restapi.Client) error {
		return c.UploadDocument(ctx, known, emr.Document{URL: docURL, ContentType: "application/pdf", Caption: caption})
	}},
	{"update_address", func(ctx context.Context, c *restapi.Client) error {
		return c.UpdateAddress(ctx, known, address)
	}},
}

func booking(v emr.Visit) emr.BookingRequest {
	return emr.BookingRequest{
		Patient: known, Visit: v, Day: tomorrow,
		DepartmentID: deptID, DoctorID: doctorID, Complaint: complaint,
	}
}

// patientData is everything the tests send or the fake holds about
// patients: none of it may appear in an error text.
var patientData = []string{
	newName, "9123456780", complaint, address, docURL, caption, photoURL,
	restapitest.KnownPatientName, restapitest.KnownNational, restapitest.KnownMobile,
	"Asha", "Hb 12.8", restapitest.KnownPatientID,
}

// operationNamed returns the operation with a CONTRACT §4 name.
func operationNamed(op string) operation {
	for _, o := range operations {
		if o.op == op {
			return o
		}
	}
	panic("no operation " + op)
}

// requireEMRError checks that err is an *emr.Error of op and kind whose
// text names the operation and carries no patient data.
func requireEMRError(t *testing.T, err error, op string, kind emr.Kind) *emr.Error {
	t.Helper()
	require.Error(t, err)
	var e *emr.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, op, e.Op)
	assert.Equal(t, kind, e.Kind, "kind of %v", err)
	assert.Contains(t, err.Error(), op)
	for _, data := range patientData {
		assert.NotContains(t, err.Error(), data)
	}
	return e
}
