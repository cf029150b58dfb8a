package restapitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// post sends a raw request to op and decodes the JSON answer, if any.
func post(t *testing.T, s *Server, op, auth, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.Endpoints()[op], bytes.NewBufferString(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestRequestChecks(t *testing.T) {
	s := NewServer(t)
	tests := []struct {
		name, auth, body string
		code             int
	}{
		{"valid", AuthHeader, `{"mobile":"` + KnownNational + `"}`, http.StatusOK},
		{"no auth", "", `{"mobile":"1"}`, http.StatusUnauthorized},
		{"wrong auth", "Bearer nope", `{"mobile":"1"}`, http.StatusUnauthorized},
		{"number value", AuthHeader, `{"mobile":9876543210}`, http.StatusBadRequest},
		{"not an object", AuthHeader, `["9876543210"]`, http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.Reset()
			code, _ := post(t, s, "match_mobile", tc.auth, tc.body)
			assert.Equal(t, tc.code, code)
			calls := s.CallsTo("match_mobile")
			require.Len(t, calls, 1, "recorded even when refused")
			assert.Equal(t, []byte(tc.body), calls[0].Body)
		})
	}
}

func TestRegisterIsFoundAndResetForgets(t *testing.T) {
	s := NewServer(t)
	code, out := post(t, s, "register", AuthHeader,
		`{"name":"Test Patient","mobile":"9000000001","age":"30","gender":"female","hid":"`+HID+`"}`)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, true, out["status"])
	id := out["patient_id"]

	_, out = post(t, s, "match_mobile", AuthHeader, `{"mobile":"9000000001"}`)
	assert.Equal(t, "1", out["status"])
	assert.Equal(t, id, out["healthcard_id"])
	assert.Equal(t, "Female", out["gender"])

	s.Reset()
	_, out = post(t, s, "match_mobile", AuthHeader, `{"mobile":"9000000001"}`)
	assert.Equal(t, "0", out["status"])
	assert.Len(t, s.Calls(), 1, "Reset forgot earlier calls")
}

func TestFailModes(t *testing.T) {
	s := NewServer(t)
	s.Fail("departments", HTTP500)
	code, _ := post(t, s, "departments", AuthHeader, `{"hid":"184","day_count":"1"}`)
	assert.Equal(t, http.StatusInternalServerError, code)

	s.RejectWith("departments", "Closed for Diwali")
	code, out := post(t, s, "departments", AuthHeader, `{"hid":"184","day_count":"1"}`)
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "Closed for Diwali", out["message"])

	s.Fail("departments", Normal)
	_, out = post(t, s, "departments", AuthHeader, `{"hid":"184","day_count":"1"}`)
	assert.EqualValues(t, 1, out["status"])
}

// TestHangReleasedOnClose checks that a hanging call ends when the server
// closes, so test cleanup never waits on it.
func TestHangReleasedOnClose(t *testing.T) {
	s := NewServer(t)
	s.Fail("doctors", Hang)
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, s.Endpoints()["doctors"], bytes.NewBufferString(`{}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", AuthHeader)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	require.Eventually(t, func() bool { return len(s.CallsTo("doctors")) == 1 }, 5*time.Second, 5*time.Millisecond)
	s.close()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("hanging call not released by close")
	}
}

func TestHospital(t *testing.T) {
	s := NewServer(t)
	h := s.Hospital("abc")
	assert.Equal(t, "abc", h.Code)
	assert.Equal(t, "restapi", h.EMR.Kind)
	assert.Equal(t, HID, h.EMR.HID)
	assert.Equal(t, AuthHeader, h.EMR.AuthHeader.Value())
	assert.Len(t, h.EMR.Endpoints, 11)
	assert.True(t, h.IsActive())
	require.NotNil(t, h.Location)
	h.EMR.Endpoints["register"] = "changed"
	assert.NotEqual(t, "changed", s.Hospital("abc").EMR.Endpoints["register"], "each hospital gets its own map")
}
