package restapi_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

// TestStatusValues checks which status values count as success.
func TestStatusValues(t *testing.T) {
	tests := []struct {
		body string
		ok   bool
	}{
		{`{"status":1,"message":"r"}`, true},
		{`{"status":"1","message":"r"}`, true},
		{`{"status":true,"message":"r"}`, true},
		{`{"status":1.0,"message":"r"}`, true},
		{`{"status":" 1 ","message":"r"}`, true},
		{`{"status":0,"message":"r"}`, false},
		{`{"status":"0","message":"r"}`, false},
		{`{"status":false,"message":"r"}`, false},
		{`{"status":null,"message":"r"}`, false},
		{`{"message":"r"}`, false},
		{`{"status":2,"message":"r"}`, false},
		{`{"status":"success","message":"r"}`, false},
		{`{"status":[1],"message":"r"}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			c, fake := newClient(t)
			fake.RespondRaw("health_records", http.StatusOK, tc.body)
			rec, err := c.HealthRecords(t.Context(), known)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, "r", rec.Text)
				return
			}
			require.Error(t, err)
			assert.Equal(t, emr.Rejected, emr.KindOf(err))
		})
	}
}

// TestTolerantDepartmentsAndDoctors checks ids as numbers or strings
// (long numbers kept digit for digit), unknown fields ignored, and
// entries without an id skipped.
func TestTolerantDepartmentsAndDoctors(t *testing.T) {
	c, fake := newClient(t)
	fake.RespondRaw("departments", http.StatusOK, `{"status":"1","extra":{"x":1},"departments":{"count":4,"results":[
		{"id":7,"name":"ENT","floor":2},
		{"id":"8","name":" Dermatology "},
		{"id":12345678901234567890,"name":"Oncology"},
		{"name":"no id"},
		{"id":null,"name":"null id"}]}}`)
	deps, err := c.Departments(t.Context(), tomorrow)
	require.NoError(t, err)
	assert.Equal(t, []emr.Department{
		{ID: "7", Name: "ENT"}, {ID: "8", Name: "Dermatology"}, {ID: "12345678901234567890", Name: "Oncology"},
	}, deps)

	fake.RespondRaw("doctors", http.StatusOK, `{"status":true,"Doctors":{"results":[
		{"id":31,"name":"Dr. A","speciality":"Cardiologist","fee":500},
		{"id":"32","name":"Dr. B","speciality":null}]}}`)
	docs, err := c.Doctors(t.Context(), "3", tomorrow)
	require.NoError(t, err)
	assert.Equal(t, []emr.Doctor{{ID: "31", Name: "Dr. A", Speciality: "Cardiologist"}, {ID: "32", Name: "Dr. B"}}, docs)
}

// TestTolerantMatchMobile checks the patient fields in their various
// spellings.
func TestTolerantMatchMobile(t *testing.T) {
	tests := []struct {
		body string
		want emr.Patient
	}{
		{`{"status":1,"healthcard_id":1001,"name":"A","age":34,"gender":"Male"}`,
			emr.Patient{ID: "1001", Name: "A", Age: 34, Gender: emr.Male}},
		{`{"status":"1","healthcard_id":"HC9","name":"A","age":"34 years","gender":"FEMALE"}`,
			emr.Patient{ID: "HC9", Name: "A", Age: 34, Gender: emr.Female}},
		{`{"status":true,"healthcard_id":"HC9","name":"A","age":null,"gender":""}`,
			emr.Patient{ID: "HC9", Name: "A", Gender: emr.Other}},
		{`{"status":1,"healthcard_id":"HC9","name":"A","age":"1985-02-01","gender":"Transgender"}`,
			emr.Patient{ID: "HC9", Name: "A", Gender: emr.Other}},
		{`{"status":1,"healthcard_id":"HC9","name":"A","age":34.0,"gender":"male","city":"Pune"}`,
			emr.Patient{ID: "HC9", Name: "A", Age: 34, Gender: emr.Male}},
	}
	for _, tc := range tests {
		t.Run(tc.body, func(t *testing.T) {
			c, fake := newClient(t)
			fake.RespondRaw("match_mobile", http.StatusOK, tc.body)
			got, err := c.FindPatients(t.Context(), "+919000000001")
			require.NoError(t, err)
			assert.Equal(t, []emr.Patient{tc.want}, got)
		})
	}
}

// TestUnusableSuccess checks answers that say status 1 but cannot be
// used: they are Unavailable (the patient tries later), never a patient
// or booking made up from nothing.
func TestUnusableSuccess(t *testing.T) {
	tests := []struct {
		op, body string
	}{
		{op: "match_mobile", body: `{"status":1,"name":"A"}`},
		{op: "register", body: `{"status":1,"message":"done"}`},
		{op: "departments", body: `{"status":1,"departments":{"results":[{"id":{"x":1},"name":"A"}]}}`},
		{op: "doctors", body: `{"status":1,"Doctors":{"results":"none"}}`},
		{op: "upcoming", body: `{"status":1,"appointments":[1,2]}`},
	}
	for _, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			c, fake := newClient(t)
			fake.RespondRaw(tc.op, http.StatusOK, tc.body)
			err := operationNamed(tc.op).call(t.Context(), c)
			requireEMRError(t, err, tc.op, emr.Unavailable)
		})
	}
}

// TestRegisterStringID checks a patient_id sent as a string.
func TestRegisterStringID(t *testing.T) {
	c, fake := newClient(t)
	fake.RespondRaw("register", http.StatusOK, `{"status":"1","patient_id":"P-77"}`)
	p, err := c.Register(t.Context(), emr.NewPatient{Name: newName, Age: 41, Gender: emr.Other, Mobile: newMobile})
	require.NoError(t, err)
	assert.Equal(t, "P-77", p.ID)
}
