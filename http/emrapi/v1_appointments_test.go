package emrapi

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
)

func TestV1ConfirmVideo(t *testing.T) {
	f := newFixture(t)
	res := f.client.Do(req(http.MethodPost, "/v1/appointments/APT%207/confirm-video",
		`{"phone":"`+testNational+`","doctor":"Dr. Rao","when":"1 Dec, 10:30 AM","link":"https://meet.example.org/abc"}`))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	assert.JSONEq(t, `{"appointment_id":"APT 7","status":"accepted"}`, string(res.Body))
	got := f.router.events()
	require.Len(t, got, 1)
	assert.Equal(t, conversation.Key{Sender: testSender, Phone: testPhone}, got[0].Key)
	assert.Equal(t, &flow.VideoConfirmed{Hospital: "abc", AppointmentID: "APT 7", Doctor: "Dr. Rao", When: "1 Dec, 10:30 AM", Link: "https://meet.example.org/abc"}, got[0].Event)

	// The seed route goes the same way.
	code, body := f.seed("/api/confirmvideoappt", `{"appt_id":"APT 8","mobile":"`+testNational+`","doctor":"Dr. Rao","appdatetime":"2 Dec","link":"https://meet.example.org/x"}`)
	require.Equal(t, http.StatusOK, code, body)
	require.Len(t, f.router.events(), 2)
	assert.Equal(t, "APT 8", f.router.events()[1].Event.(*flow.VideoConfirmed).AppointmentID)
}

func TestV1ConfirmVideoNotCommitted(t *testing.T) {
	f := newFixture(t)
	f.router.fail = errors.New("commit timed out")
	res := f.client.Do(req(http.MethodPost, "/v1/appointments/A1/confirm-video",
		`{"phone":"`+testNational+`","doctor":"Dr. Rao","when":"today","link":"https://meet.example.org/abc"}`))
	assert.Equal(t, http.StatusServiceUnavailable, res.Status)
	assert.Equal(t, "unavailable", res.Error.Code)
}
