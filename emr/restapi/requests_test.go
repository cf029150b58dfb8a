package restapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// TestRequests checks that every operation sends exactly the fields of
// CONTRACT §4, all as JSON strings, with POST, the JSON content type and
// the configured auth header.
func TestRequests(t *testing.T) {
	hid := restapitest.HID
	want := map[string]map[string]string{
		"match_mobile": {"mobile": restapitest.KnownNational},
		"register":     {"name": newName, "mobile": "9123456780", "age": "41", "gender": "male", "hid": hid},
		"upcoming":     {"mobile": restapitest.KnownNational, "hid": hid},
		"departments":  {"hid": hid, "day_count": "2"},
		"doctors":      {"hid": hid, "dept_id": deptID, "day_count": "2"},
		"book_in_person": {
			"hid": hid, "did": doctorID, "pid": patientPID, "chiefcompliant": complaint,
			"day_count": "2", "encounter_type": "1",
		},
		"book_video": {
			"hid": hid, "did": doctorID, "pid": patientPID, "chiefcompliant": complaint,
			"day_count": "2", "encounter_type": "2",
		},
		"health_records":  {"pid": patientPID},
		"profile_pic":     {"pid": patientPID, "image_url": photoURL},
		"upload_document": {"pid": patientPID, "url": docURL, "content_type": "application/pdf", "caption": caption},
		"update_address":  {"pid": patientPID, "address": address},
	}
	require.Len(t, want, len(operations), "every operation has expected fields")

	for _, o := range operations {
		t.Run(o.op, func(t *testing.T) {
			c, fake := newClient(t)
			require.NoError(t, o.call(t.Context(), c))

			calls := fake.Calls()
			require.Len(t, calls, 1, "one request per call")
			got := calls[0]
			assert.Equal(t, o.op, got.Op)
			assert.Equal(t, http.MethodPost, got.Method)
			assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
			assert.Equal(t, restapitest.AuthHeader, got.Header.Get("Authorization"))
			assert.Equal(t, want[o.op], got.Fields)

			var raw map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(got.Body, &raw))
			for k, v := range raw {
				assert.Equal(t, byte('"'), v[0], "field %s is a JSON string", k)
			}
		})
	}
}

// TestRequestsWithoutAuthHeader checks that no Authorization header is
// sent when the hospital configures none (the fake then refuses).
func TestRequestsWithoutAuthHeader(t *testing.T) {
	c, fake := newClient(t, func(h *config.Hospital) { h.EMR.AuthHeader = "" })
	_, err := c.Departments(t.Context(), tomorrow)
	require.Error(t, err)
	calls := fake.Calls()
	require.Len(t, calls, 1)
	assert.Empty(t, calls[0].Header.Values("Authorization"))
}

// TestRegisterGender checks the gender words register sends.
func TestRegisterGender(t *testing.T) {
	for _, tc := range []struct {
		gender emr.Gender
		want   string
	}{
		{emr.Male, "male"},
		{emr.Female, "female"},
		{emr.Other, ""},
	} {
		t.Run(string(tc.gender), func(t *testing.T) {
			c, fake := newClient(t)
			_, err := c.Register(t.Context(), emr.NewPatient{Name: newName, Age: 41, Gender: tc.gender, Mobile: newMobile})
			require.NoError(t, err)
			calls := fake.CallsTo("register")
			require.Len(t, calls, 1)
			assert.Equal(t, tc.want, calls[0].Fields["gender"])
		})
	}
}
