package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/callback"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/http/emrapi/v1test"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// Patients answer reminders: an appointment reminder scheduled through /v1
// is confirmed or cancelled, a feedback reminder runs its survey, and the
// EMR's callback endpoint receives each answer once, signed.

// answers is the EMR's callback endpoint: it checks each request's
// signature on the harness clock, as an EMR would on its own, and keeps
// the bodies it accepted.
type answers struct {
	t   *testing.T
	h   *harness
	srv *httptest.Server

	mu     sync.Mutex
	bodies []map[string]any
	raw    [][]byte
	ids    []string
}

func newAnswers(h *harness) *answers {
	a := &answers{t: h.t, h: h}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if err := callback.Verify(callbackSecret, r.Header, b, h.clock.Now(), callback.DefaultTolerance); err != nil {
			a.t.Errorf("callback signature: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var body map[string]any
		if err := json.Unmarshal(b, &body); err != nil {
			a.t.Errorf("callback body: %v", err)
		}
		a.mu.Lock()
		a.bodies, a.raw, a.ids = append(a.bodies, body), append(a.raw, b), append(a.ids, r.Header.Get(callback.HeaderID))
		a.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	h.t.Cleanup(a.srv.Close)
	return a
}

// wait waits until n answers came and returns them.
func (a *answers) wait(n int) []map[string]any {
	a.t.Helper()
	require.Eventually(a.t, func() bool {
		a.mu.Lock()
		defer a.mu.Unlock()
		return len(a.bodies) >= n
	}, 10*time.Second, 10*time.Millisecond, "the EMR should have received %d answers", n)
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]map[string]any(nil), a.bodies...)
}

// check validates every body received against the document's
// ReminderAnswer schema and returns how many came.
func (a *answers) check() int {
	a.t.Helper()
	doc, err := v1test.Load()
	require.NoError(a.t, err)
	schema := doc.T.Components.Schemas["ReminderAnswer"].Value
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, b := range a.raw {
		var v any
		require.NoError(a.t, json.Unmarshal(b, &v))
		assert.NoError(a.t, schema.VisitJSON(v), "%s", b)
	}
	return len(a.bodies)
}

func TestAppointmentReminderConfirmed(t *testing.T) {
	h := startReminders(t)
	emr := newAnswers(h)
	patient := restapitest.KnownMobile
	c := v1Client(h, apiKey)
	start := h.clock.Now().Add(3 * time.Hour).Truncate(time.Minute)
	before := len(h.replies(patient))
	res := c.Do(v1Post("/v1/reminders", map[string]any{
		"kind": "appointment", "phone": v1National, "callback_url": emr.srv.URL + "/answers",
		"appointment": map[string]any{"id": "APT-7", "start": start.In(ist).Format(time.RFC3339), "offsets": []string{"3h"}},
		"variables":   map[string]string{"patient_name": "Asha", "doctor": "Dr. Rao"},
	}))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	var rem struct {
		ID string `json:"id"`
	}
	res.JSON(t, &rem)

	h.waitFor(patient, before, "the reminder with its question", "Hello Asha,", "appointment on *Tue 24 Nov, 6:30 PM*",
		"Doctor: Dr. Rao", "Reply *1* to confirm or *2* to cancel")
	h.say(patient, "maybe", "did not understand", "Reply *1* to confirm")
	h.say(patient, "1", "your appointment is confirmed", "send *hi abc*")

	got := emr.wait(1)
	assert.Equal(t, "confirmed", got[0]["answer"])
	assert.Equal(t, rem.ID, got[0]["reminder_id"])
	assert.Equal(t, "APT-7", got[0]["appointment_id"])
	assert.Equal(t, "abc", got[0]["hospital"])
	assert.Equal(t, "appointment", got[0]["kind"])
	assert.Equal(t, h.clock.Now().UTC().Format(time.RFC3339), got[0]["answered_at"])

	h.say(patient, "1", "send *hi abc*") // the question was answered: no second answer
	assert.Eventually(t, func() bool {
		return strings.Contains(h.reminderView(abc, rem.ID).State, "fired")
	}, 10*time.Second, 10*time.Millisecond)
	h.restart() // a callback posted is not posted again by the next run
	h.say(patient, "start abc", "ABC Hospital")
	assert.Equal(t, 1, emr.check(), "the EMR hears the answer exactly once")
}

func TestAppointmentReminderCancelledWithAButton(t *testing.T) {
	h := startReminders(t)
	emr := newAnswers(h)
	patient := "+919800000077" // a demo patient
	h.say(patient, "start demo", "Demo Hospital")
	start := h.clock.Now().Add(26 * time.Hour)
	before := len(h.replies(patient))
	h.remind(demo, reminder.Spec{Kind: reminder.KindAppointment, Phone: patient, CallbackURL: emr.srv.URL,
		Appointment: &reminder.Appointment{ID: "D-1", Start: start, Offsets: []time.Duration{26 * time.Hour}}})
	h.waitFor(patient, before, "the reminder", "Reply *1* to confirm or *2* to cancel")

	f := h.form(patient, "Cancel")
	f.Set("ButtonText", "Cancel")
	f.Set("ButtonPayload", "cancel")
	h.sendExpect(f, "We have told *Demo Hospital* that you cannot come")
	got := emr.wait(1)
	assert.Equal(t, "cancelled", got[0]["answer"])
	assert.Equal(t, "D-1", got[0]["appointment_id"])
	assert.Equal(t, 1, emr.check())
}

func TestFeedbackSurveyReachesTheEMR(t *testing.T) {
	h := startReminders(t)
	emr := newAnswers(h)
	patient := restapitest.KnownMobile
	at := h.clock.Now()
	before := len(h.replies(patient))
	v := h.remind(abc, reminder.Spec{Kind: reminder.KindFeedback, Phone: patient, At: &at, CallbackURL: emr.srv.URL})
	h.waitFor(patient, before, "the survey's first question", "Thank you for visiting *ABC Hospital*", "3 quick questions",
		"*1/3* How well did the doctor")
	h.say(patient, "5", "*2/3*")
	h.say(patient, "9", "number from *1* to *5*", "*2/3*")
	h.say(patient, "4", "*3/3*")
	h.say(patient, "4", "add a comment")
	h.say(patient, "Very kind nurses", "Thank you for your feedback")

	got := emr.wait(1)
	assert.Equal(t, map[string]any{"doctor": 5.0, "staff": 4.0, "overall": 4.0}, got[0]["ratings"])
	assert.Equal(t, "Very kind nurses", got[0]["comment"])
	assert.Equal(t, v.ID, got[0]["reminder_id"])
	assert.Equal(t, "feedback", got[0]["kind"])
	assert.Equal(t, 1, emr.check())
}

// apptTemplateSID is abc's approved appointment reminder, whose quick
// replies send the payloads confirm and cancel.
const apptTemplateSID = "HXaaaabbbbccccddddeeeeffff00001111"

// TestAppointmentReminderOutsideTheWindow: a patient who has not written
// for a day gets the hospital's appointment_reminder template (WhatsApp
// allows nothing else) and answers with its button.
func TestAppointmentReminderOutsideTheWindow(t *testing.T) {
	abcKeys := "    api_keys_sha256: [\"%[2]s\"]\n"
	require.Contains(t, hospitalsYAML, abcKeys)
	tmpl := strings.Replace(hospitalsYAML, abcKeys,
		abcKeys+"    templates:\n      appointment_reminder: {sid: "+apptTemplateSID+", variables: [patient_name, when]}\n", 1)
	h := startYAML(t, tmpl, nil, runtime.WithReminderPoll(10*time.Millisecond))
	emr := newAnswers(h)
	patient := restapitest.KnownMobile
	start := h.clock.Now().Add(5 * time.Hour)
	h.remind(abc, reminder.Spec{Kind: reminder.KindAppointment, Phone: patient, CallbackURL: emr.srv.URL,
		Appointment: &reminder.Appointment{ID: "APT-9", Start: start, Offsets: []time.Duration{5 * time.Hour}},
		Variables:   map[string]string{"patient_name": "Asha"}})

	var got []string
	require.Eventually(t, func() bool { got = sentTo(h, patient); return len(got) == 1 }, 10*time.Second, 10*time.Millisecond)
	assert.Equal(t, apptTemplateSID+` {"1":"Asha","2":"Tue 24 Nov, 8:30 PM"}`, got[0], "the template, filled")

	f := h.form(patient, "Yes, I'll come")
	f.Set("ButtonText", "Yes, I'll come")
	f.Set("ButtonPayload", "confirm")
	h.sendExpect(f, "your appointment is confirmed")
	answers := emr.wait(1)
	assert.Equal(t, "confirmed", answers[0]["answer"])
	assert.Equal(t, "APT-9", answers[0]["appointment_id"])
}
