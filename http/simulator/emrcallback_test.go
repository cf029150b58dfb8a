package simulator

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/callback"
	"github.com/frontdesk-health/frontdesk/emr/demo"
)

// scheduleFor schedules an appointment reminder for phone through the
// page's route and returns its id.
func (r *remindersRig) scheduleFor(t *testing.T, phone string) string {
	t.Helper()
	code, out := r.postJSON(t, "/simulator/reminders", map[string]string{"kind": "appointment", "phone": phone, "hospital": "demo"})
	require.Equal(t, http.StatusCreated, code, out)
	return out["id"].(string)
}

// answer is the body the callback actor posts for a confirmed appointment.
func answer(t *testing.T, reminderID, hospital string) []byte {
	t.Helper()
	b, err := json.Marshal(callback.Body{ReminderID: reminderID, Hospital: hospital, Kind: "appointment",
		AppointmentID: "APT-R00C0DE", Answer: "confirmed", AnsweredAt: "2025-01-07T04:01:00Z"})
	require.NoError(t, err)
	return b
}

// postCallback posts body signed with secret at ts, as the callback actor
// does, and returns the status.
func (r *remindersRig) postCallback(t *testing.T, body []byte, secret string, ts time.Time, id string) int {
	t.Helper()
	return request(t, http.MethodPost, r.srv.URL+"/simulator/emr-callbacks", string(body), func(q *http.Request) {
		if secret != "" {
			q.Header.Set(callback.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
			q.Header.Set(callback.HeaderSignature, callback.Sign(secret, ts.Unix(), body))
		}
		q.Header.Set(callback.HeaderID, id)
	}).StatusCode
}

// notes are the EMR notes in phone's chat.
func (r *remindersRig) notes(phone string) []string {
	var out []string
	for _, m := range r.sink.After(phone, 0) {
		if m.Kind == KindEMRNote {
			out = append(out, m.Body)
		}
	}
	return out
}

func TestEMRCallbackShowsTheVerifiedAnswer(t *testing.T) {
	r := newRemindersRig(t, Options{})
	id := r.scheduleFor(t, demo.AshaMobile)
	secret := r.demo.CallbackSecret.Value()
	require.Equal(t, http.StatusOK, r.postCallback(t, answer(t, id, "demo"), secret, tuesday(), "cb-1"))

	got := r.sink.After(demo.AshaMobile, 0)
	require.Len(t, got, 1)
	assert.Equal(t, KindEMRNote, got[0].Kind)
	assert.Equal(t, r.demo.Sender, got[0].From, "shown in the demo hospital's chat")
	assert.Equal(t, "The EMR received: confirmed, appointment APT-R00C0DE (signature verified)", got[0].Body)

	// The page's stream carries it, marked as a note.
	code, _, raw := get(t, r.srv.URL+"/simulator/messages?phone=%2B919800000001&wait=0")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, string(raw), `"kind":"emr"`)

	// Delivery is at least once: the same callback again shows once.
	require.Equal(t, http.StatusOK, r.postCallback(t, answer(t, id, "demo"), secret, tuesday(), "cb-1"))
	assert.Len(t, r.notes(demo.AshaMobile), 1)
	assert.Empty(t, r.notes(demo.FamilyMobile), "only the reminder's own patient sees it")
}

func TestEMRCallbackRefusesForgeries(t *testing.T) {
	r := newRemindersRig(t, Options{})
	id := r.scheduleFor(t, demo.AshaMobile)
	secret := r.demo.CallbackSecret.Value()
	body := answer(t, id, "demo")
	tests := []struct {
		name string
		post func() int
	}{
		{"unsigned", func() int { return r.postCallback(t, body, "", tuesday(), "f1") }},
		{"another secret", func() int { return r.postCallback(t, body, "not-the-demo-secret-0123456789", tuesday(), "f2") }},
		{"stale timestamp", func() int { return r.postCallback(t, body, secret, tuesday().Add(-10*time.Minute), "f3") }},
		{"body changed after signing", func() int {
			return request(t, http.MethodPost, r.srv.URL+"/simulator/emr-callbacks",
				strings.Replace(string(body), "confirmed", "cancelled", 1), func(q *http.Request) {
					ts := tuesday().Unix()
					q.Header.Set(callback.HeaderTimestamp, strconv.FormatInt(ts, 10))
					q.Header.Set(callback.HeaderSignature, callback.Sign(secret, ts, body))
				}).StatusCode
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, http.StatusUnauthorized, tt.post())
		})
	}
	assert.Empty(t, r.notes(demo.AshaMobile), "nothing forged is shown")
}

func TestEMRCallbackRefusesWhatItCannotPlace(t *testing.T) {
	r := newRemindersRig(t, Options{})
	secret := r.demo.CallbackSecret.Value()
	id := r.scheduleFor(t, demo.AshaMobile)
	assert.Equal(t, http.StatusNotFound, r.postCallback(t, answer(t, "rem_00000000000000000000000000", "demo"), secret, tuesday(), "u1"), "unknown reminder")
	assert.Equal(t, http.StatusBadRequest, r.postCallback(t, answer(t, id, "abc"), secret, tuesday(), "u2"), "another hospital's")
	assert.Equal(t, http.StatusBadRequest, r.postCallback(t, []byte("answer=confirmed"), secret, tuesday(), "u3"), "not JSON")
	big := []byte(`{"reminder_id":"` + strings.Repeat("x", 70<<10) + `"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, r.postCallback(t, big, secret, tuesday(), "u4"))
	assert.Empty(t, r.notes(demo.AshaMobile))
}

func TestEMRCallbackNeedsNoSimulatorToken(t *testing.T) {
	// The callback actor knows the hospital's secret, not the simulator's
	// token: the signature is what admits it.
	r := newRemindersRig(t, Options{Token: testToken})
	code := request(t, http.MethodPost, r.srv.URL+"/simulator/reminders",
		`{"kind":"appointment","phone":"+919800000001","hospital":"demo"}`, bearer(testToken)).StatusCode
	require.Equal(t, http.StatusCreated, code)
	id := r.scheduled(t)[0].ID
	assert.Equal(t, http.StatusOK, r.postCallback(t, answer(t, id, "demo"), r.demo.CallbackSecret.Value(), tuesday(), "t1"))
	assert.Len(t, r.notes(demo.AshaMobile), 1)
}

func TestAnswerNotes(t *testing.T) {
	assert.Equal(t, "The EMR received: cancelled, appointment APT-1 (signature verified)",
		answerNote(callback.Body{Kind: "appointment", Answer: "cancelled", AppointmentID: "APT-1"}))
	assert.Equal(t, "The EMR received: confirmed (signature verified)",
		answerNote(callback.Body{Kind: "appointment", Answer: "confirmed"}))
	assert.Equal(t, "The EMR received: feedback doctor 5/5, staff 4/5, overall 3/5, wait 2/5, comment “kind staff” (signature verified)",
		answerNote(callback.Body{Kind: "feedback", Ratings: map[string]int{"overall": 3, "wait": 2, "staff": 4, "doctor": 5}, Comment: "kind staff"}),
		"ratings in the order the survey asks them")
	assert.Equal(t, "The EMR received: feedback overall 4/5 (signature verified)",
		answerNote(callback.Body{Kind: "feedback", Ratings: map[string]int{"overall": 4}}))
}
