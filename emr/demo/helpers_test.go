package demo

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// ist is the demo hospital's zone in tests.
var ist = india()

// tuesday0930 is the fixed "now" of most tests: Tuesday 7 January 2025,
// 09:30 in India.
var tuesday0930 = time.Date(2025, time.January, 7, 9, 30, 0, 0, ist)

// newAt returns a demo EMR whose clock starts at now, and that clock.
func newAt(t *testing.T, now time.Time) (*EMR, *storetest.Clock) {
	t.Helper()
	c := storetest.NewClock(now)
	return New(Options{Now: c.Now}), c
}

// dayFrom is the Day offset days after now's date, as the conversation
// builds it.
func dayFrom(now time.Time, offset int) emr.Day {
	return emr.Day{Offset: offset, Date: midnight(now, ist).AddDate(0, 0, offset)}
}

// ids lists the ids of departments, doctors or slots.
func ids[T any](xs []T, id func(T) string) []string {
	out := []string{}
	for _, x := range xs {
		out = append(out, id(x))
	}
	return out
}

func deptIDs(ds []emr.Department) []string {
	return ids(ds, func(d emr.Department) string { return d.ID })
}
func docIDs(ds []emr.Doctor) []string { return ids(ds, func(d emr.Doctor) string { return d.ID }) }
func slotIDs(ss []emr.Slot) []string  { return ids(ss, func(s emr.Slot) string { return s.ID }) }

// requireKind asserts an *emr.Error of the kind for op.
func requireKind(t *testing.T, err error, op string, kind emr.Kind) {
	t.Helper()
	require.Error(t, err)
	var e *emr.Error
	require.ErrorAs(t, err, &e)
	require.Equal(t, kind, e.Kind, "kind of %v", err)
	require.Equal(t, op, e.Op)
}

// asha is the single patient on AshaMobile.
var asha = emr.PatientRef{ID: "DEMO-0001", Mobile: AshaMobile}

// calls runs each emr.Client operation once with valid arguments, keyed by
// operation name, so fault tests cover every op.
func calls(e *EMR, now time.Time) map[string]func(context.Context) error {
	day := dayFrom(now, 1)
	return map[string]func(context.Context) error{
		OpFindPatients: func(ctx context.Context) error { _, err := e.FindPatients(ctx, AshaMobile); return err },
		OpRegister: func(ctx context.Context) error {
			_, err := e.Register(ctx, emr.NewPatient{Name: "Test Person", Age: 30, Gender: emr.Other, Mobile: "+919800000009"})
			return err
		},
		OpUpcoming:    func(ctx context.Context) error { _, err := e.Upcoming(ctx, asha); return err },
		OpDepartments: func(ctx context.Context) error { _, err := e.Departments(ctx, day); return err },
		OpDoctors:     func(ctx context.Context) error { _, err := e.Doctors(ctx, "dept-gm", day); return err },
		OpSlots:       func(ctx context.Context) error { _, err := e.Slots(ctx, "doc-11", day); return err },
		OpBook: func(ctx context.Context) error {
			_, err := e.Book(ctx, emr.BookingRequest{Patient: asha, Visit: emr.InPerson, Day: day, DepartmentID: "dept-gm", DoctorID: "doc-11"})
			return err
		},
		OpHealthRecords: func(ctx context.Context) error { _, err := e.HealthRecords(ctx, asha); return err },
		OpProfilePhoto:  func(ctx context.Context) error { return e.SetProfilePhoto(ctx, asha, "https://media.example/p.jpg") },
		OpUploadDocument: func(ctx context.Context) error {
			return e.UploadDocument(ctx, asha, emr.Document{URL: "https://media.example/d.pdf"})
		},
		OpUpdateAddress: func(ctx context.Context) error { return e.UpdateAddress(ctx, asha, "12 MG Road, Pune") },
		OpCancel:        func(ctx context.Context) error { return e.Cancel(ctx, asha, SeedAppointmentID) },
	}
}
