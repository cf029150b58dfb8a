package fhir

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/fhir/fhirtest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Specialty keys of the seed's departments.
const (
	sctGM    = "http://snomed.info/sct|394802001"
	sctPaed  = "http://snomed.info/sct|394537008"
	sctOrtho = "http://snomed.info/sct|394801008"
	sctDerm  = "http://snomed.info/sct|394582007"
	sctCardi = "http://snomed.info/sct|394579002"
	sctRehab = "http://snomed.info/sct|394602003"
)

// TestDepartments: only departments with a doctor free that day are
// listed, in the server's order, from HealthcareServices or from the
// roles' specialties, scoped to the configured location (by id or by
// identifier). Inactive services and roles never show.
func TestDepartments(t *testing.T) {
	t.Parallel()
	specialty := func(h *config.Hospital) { h.EMR.Departments = config.FHIRDepartmentsSpecialty }
	location := func(l string) func(*config.Hospital) { return func(h *config.Hospital) { h.EMR.Location = l } }
	tests := []struct {
		name  string
		edits []func(*config.Hospital)
		day   int
		want  []emr.Department
	}{
		{"services today (Tuesday)", nil, 0, []emr.Department{
			{ID: "hs-gm", Name: "General Medicine"}, {ID: "hs-paed", Name: "Paediatrics"},
			{ID: "hs-ortho", Name: "Orthopaedics"}, {ID: "hs-derm", Name: "Dermatology"},
		}},
		{"services tomorrow: no dermatology on Wednesdays, cardiology is in", nil, 1, []emr.Department{
			{ID: "hs-gm", Name: "General Medicine"}, {ID: "hs-paed", Name: "Paediatrics"},
			{ID: "hs-ortho", Name: "Orthopaedics"}, {ID: "hs-cardio", Name: "Cardiology"},
		}},
		{"specialties today", []func(*config.Hospital){specialty}, 0, []emr.Department{
			{ID: sctGM, Name: "General Medicine"}, {ID: sctPaed, Name: "Paediatrics"},
			{ID: sctOrtho, Name: "Orthopaedics"}, {ID: sctDerm, Name: "Dermatology"},
		}},
		{"location by identifier", []func(*config.Hospital){location(fhirtest.MainLocationIdentifier)}, 1, []emr.Department{
			{ID: "hs-gm", Name: "General Medicine"}, {ID: "hs-paed", Name: "Paediatrics"},
			{ID: "hs-ortho", Name: "Orthopaedics"}, {ID: "hs-cardio", Name: "Cardiology"},
		}},
		{"the annex", []func(*config.Hospital){location("Location/" + fhirtest.AnnexLocationID)}, 0, []emr.Department{
			{ID: "hs-physio", Name: "Physiotherapy"},
		}},
		{"no location: every building", []func(*config.Hospital){location(""), specialty}, 0, []emr.Department{
			{ID: sctGM, Name: "General Medicine"}, {ID: sctPaed, Name: "Paediatrics"},
			{ID: sctOrtho, Name: "Orthopaedics"}, {ID: sctDerm, Name: "Dermatology"}, {ID: sctRehab, Name: "Physiotherapy"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c, _ := setup(t, tt.edits...)
			got, err := c.Departments(ctx(t), day(tt.day))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestLocationIdentifierLookedUpOnce: the Location search behind an
// identifier is made once per client.
func TestLocationIdentifierLookedUpOnce(t *testing.T) {
	t.Parallel()
	srv, c, _ := setup(t, func(h *config.Hospital) { h.EMR.Location = fhirtest.MainLocationIdentifier })
	for range 2 {
		_, err := c.Departments(ctx(t), day(0))
		require.NoError(t, err)
	}
	assert.Equal(t, 1, srv.Count(http.MethodGet, "Location"))

	_, bad, _ := setup(t, func(h *config.Hospital) { h.EMR.Location = "https://lotus-hospital.example/location-id|NOWHERE" })
	_, err := bad.Departments(ctx(t), day(0))
	assert.Equal(t, emr.Unavailable, emr.KindOf(err), "a location that does not exist is a configuration error")
	assert.ErrorIs(t, err, errNoLocation)
}

// TestDoctors: a department's doctors are named after their Practitioner
// with their qualification, and only those still free that day are
// listed, whichever way departments are mapped.
func TestDoctors(t *testing.T) {
	t.Parallel()
	_, c, clk := setup(t)
	docs, err := c.Doctors(ctx(t), "hs-gm", day(0))
	require.NoError(t, err)
	assert.Equal(t, []emr.Doctor{
		{ID: "role-alok", Name: "Dr. Alok Mishra", Speciality: "MD, General Medicine"},
		{ID: "role-shalini", Name: "Dr. Shalini Rao", Speciality: "MD, Internal Medicine"},
	}, docs)

	docs, err = c.Doctors(ctx(t), "hs-cardio", day(0))
	require.NoError(t, err)
	assert.Empty(t, docs, "the cardiologist has no OPD on Tuesdays")

	docs, err = c.Doctors(ctx(t), "hs-ent", day(0))
	require.NoError(t, err)
	assert.Empty(t, docs, "the ENT surgeon's role is inactive")

	clk.now = time.Date(2026, 11, 24, 19, 20, 0, 0, kolkata(t))
	docs, err = c.Doctors(ctx(t), "hs-gm", day(0))
	require.NoError(t, err)
	assert.Equal(t, []string{"Dr. Shalini Rao"}, doctorNames(docs), "at 7:20 PM only the evening OPD has a time left")

	_, sc, _ := setup(t, func(h *config.Hospital) { h.EMR.Departments = config.FHIRDepartmentsSpecialty })
	docs, err = sc.Doctors(ctx(t), sctPaed, day(1))
	require.NoError(t, err)
	assert.Equal(t, []string{"Dr. Kavita Menon", "Dr. Farhan Qureshi"}, doctorNames(docs))

	_, err = c.Doctors(ctx(t), "", day(0))
	assert.Equal(t, emr.Rejected, emr.KindOf(err))
}

// TestSlots: a doctor's free slots of the day, in time order, without the
// busy ones, those already started and the seed's booked follow-up.
func TestSlots(t *testing.T) {
	t.Parallel()
	_, c, _ := setup(t)
	ist := kolkata(t)
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, ist) }
	times := func(ss []emr.Slot) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = s.Start.In(ist).Format("15:04")
		}
		return out
	}
	today, err := c.Slots(ctx(t), "role-alok", day(0))
	require.NoError(t, err)
	assert.Equal(t, []string{"09:15", "09:30", "10:00", "10:15", "10:30", "11:00", "11:15", "11:30", "12:00", "12:15", "12:30"}, times(today),
		"09:00 has started; every fourth slot is taken")
	assert.Equal(t, emr.Slot{ID: "alok-20261124-0915", Start: at(24, 9, 15), End: at(24, 9, 30)}, withZone(today[0], ist))

	tomorrow, err := c.Slots(ctx(t), "role-alok", emr.Day{Offset: 1, Date: at(25, 0, 0)})
	require.NoError(t, err)
	assert.Equal(t, "09:15", times(tomorrow)[0], "Asha's follow-up took 09:00")
	assert.Len(t, tomorrow, 11)

	none, err := c.Slots(ctx(t), "role-ashok", day(0))
	require.NoError(t, err)
	assert.Empty(t, none)

	_, err = c.Slots(ctx(t), "role-nobody", day(0))
	assert.Equal(t, emr.Rejected, emr.KindOf(err), "an unknown doctor")
}

// withZone puts a slot's times in loc, for comparison.
func withZone(s emr.Slot, loc *time.Location) emr.Slot {
	s.Start, s.End = s.Start.In(loc), s.End.In(loc)
	return s
}
