package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/http/emrapi/v1test"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// The native API (/v1) on the running process, every call checked against
// docs/openapi.yaml by the v1test client: what an EMR integrator built
// from the document sees.

// v1National is the restapi fake's known patient, as the EMR writes it.
var v1National = strings.TrimPrefix(restapitest.KnownMobile, "+91")

// v1Client calls the process with a hospital's key.
func v1Client(h *harness, key string) *v1test.Client {
	return v1test.New(h.t, nil, h.base, key)
}

func v1Post(path string, body any, header ...string) v1test.Request {
	r := v1test.Request{Method: http.MethodPost, Path: path, Body: body, Header: map[string]string{}}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header[header[i]] = header[i+1]
	}
	return r
}

// v1Reminders lists the hospital's reminders for the patient.
func v1Reminders(t *testing.T, c *v1test.Client, query string) []map[string]any {
	t.Helper()
	res := c.Do(v1test.Request{Method: http.MethodGet, Path: "/v1/reminders" + query})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	var page struct {
		Reminders []map[string]any `json:"reminders"`
	}
	res.JSON(t, &page)
	return page.Reminders
}

func TestV1SendMessage(t *testing.T) {
	h := start(t)
	patient := restapitest.KnownMobile
	h.say(patient, "start abc", "ABC Hospital") // inside WhatsApp's 24-hour window
	c := v1Client(h, apiKey)

	msg := map[string]any{"to": v1National, "body": "Your lab report is ready.", "media_url": "https://emr.example.test/r/1.pdf"}
	res := c.Do(v1Post("/v1/messages", msg, "Idempotency-Key", "report-1"))
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	got := h.waitFor(patient, 0, "the EMR's message with its media", "Your lab report is ready. [media https://emr.example.test/r/1.pdf]")
	assert.NotEmpty(t, got)

	again := c.Do(v1Post("/v1/messages", msg, "Idempotency-Key", "report-1"))
	assert.Equal(t, http.StatusAccepted, again.Status)
	assert.Equal(t, res.Body, again.Body)
	assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	reused := c.Do(v1Post("/v1/messages", map[string]any{"to": v1National, "body": "Another text"}, "Idempotency-Key", "report-1"))
	assert.Equal(t, http.StatusConflict, reused.Status)
	assert.Equal(t, "idempotency_key_reused", reused.Error.Code)

	// Messages to one patient keep their order: once this one arrived, a
	// second copy of the first would have arrived before it.
	require.Equal(t, http.StatusAccepted, c.Do(v1Post("/v1/messages", map[string]any{"to": patient, "body": "Marker one"})).Status)
	h.waitFor(patient, 0, "the marker", "Marker one")
	assert.Equal(t, 1, v1Count(h, patient, "Your lab report is ready."), "the retry was not sent again")
	assert.Zero(t, v1Count(h, patient, "Another text"), "the reused key sent nothing")

	h.say(patient, "stop abc", "no longer receive")
	res = c.Do(v1Post("/v1/messages", map[string]any{"to": v1National, "body": "After stop"}))
	assert.Equal(t, http.StatusConflict, res.Status, "%s", res.Body)
	assert.Equal(t, "opted_out", res.Error.Code)
	h.say(patient, "start abc", "ABC Hospital")
	require.Equal(t, http.StatusAccepted, c.Do(v1Post("/v1/messages", map[string]any{"to": patient, "body": "Marker two"})).Status)
	h.waitFor(patient, 0, "the second marker", "Marker two")
	assert.Zero(t, v1Count(h, patient, "After stop"), "nothing reaches a patient who sent stop")
}

func v1Count(h *harness, phone, s string) int {
	n := 0
	for _, r := range h.replies(phone) {
		if strings.Contains(r, s) {
			n++
		}
	}
	return n
}

func TestV1ReminderLifecycle(t *testing.T) {
	h := start(t, runtime.WithReminderPoll(10*time.Millisecond))
	patient := restapitest.KnownMobile
	h.say(patient, "start abc", "ABC Hospital")
	c := v1Client(h, apiKey)
	now := h.clock.Now()
	at := now.Add(2 * time.Hour).Truncate(time.Second)

	res := c.Do(v1Post("/v1/reminders", map[string]any{"kind": "follow_up", "phone": v1National, "at": at.Format(time.RFC3339),
		"variables": map[string]string{"patient_name": "Asha"}, "callback_url": "https://emr.example.test/answers"}))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	var followUp struct {
		ID     string `json:"id"`
		State  string `json:"state"`
		NextAt string `json:"next_at"`
		Spec   struct {
			Phone string `json:"phone"`
		} `json:"spec"`
	}
	res.JSON(t, &followUp)
	assert.Equal(t, "scheduled", followUp.State)
	assert.Equal(t, patient, followUp.Spec.Phone)
	next, err := time.Parse(time.RFC3339, followUp.NextAt)
	require.NoError(t, err)
	assert.True(t, next.Equal(at))

	start := now.Add(72 * time.Hour).Truncate(time.Minute)
	res = c.Do(v1Post("/v1/reminders", map[string]any{"kind": "appointment", "phone": patient,
		"appointment": map[string]any{"id": "APT-9", "start": start.In(ist).Format(time.RFC3339), "offsets": []string{"24h", "2h"}}}))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	var appt map[string]any
	res.JSON(t, &appt)
	assert.Equal(t, []any{"24h", "2h"}, appt["spec"].(map[string]any)["appointment"].(map[string]any)["offsets"])
	apptID := appt["id"].(string)

	assert.Len(t, v1Reminders(t, c, "?phone="+v1National), 2)
	first := c.Do(v1test.Request{Method: http.MethodGet, Path: "/v1/reminders?state=scheduled&limit=1"})
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
	var page struct {
		Reminders  []map[string]any `json:"reminders"`
		NextCursor *string          `json:"next_cursor"`
	}
	first.JSON(t, &page)
	require.Len(t, page.Reminders, 1)
	require.NotNil(t, page.NextCursor, "a second page")
	second := c.Do(v1test.Request{Method: http.MethodGet, Path: "/v1/reminders?state=scheduled&limit=1&cursor=" + *page.NextCursor})
	require.Equal(t, http.StatusOK, second.Status, "%s", second.Body)
	var page2 struct {
		Reminders []map[string]any `json:"reminders"`
	}
	second.JSON(t, &page2)
	require.Len(t, page2.Reminders, 1)
	assert.NotEqual(t, page.Reminders[0]["id"], page2.Reminders[0]["id"])
	assert.Empty(t, v1Reminders(t, v1Client(h, demoAPIKey), ""), "another hospital's key sees none of them")

	res = c.Do(v1test.Request{Method: http.MethodPatch, Path: "/v1/reminders/" + followUp.ID, Body: `{"variables":{"patient_name":"Asha","doctor":"Dr. Rao"}}`})
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	assert.Contains(t, string(res.Body), `"doctor":"Dr. Rao"`)

	res = c.Do(v1test.Request{Method: http.MethodDelete, Path: "/v1/reminders/" + apptID, Header: map[string]string{"Idempotency-Key": "cancel-apt-9"}})
	require.Equal(t, http.StatusNoContent, res.Status, "%s", res.Body)
	res = c.Do(v1test.Request{Method: http.MethodGet, Path: "/v1/reminders/" + apptID})
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `"state":"cancelled"`)
	assert.NotContains(t, string(res.Body), `"next_at"`)

	before := len(h.replies(patient))
	h.clock.Advance(at.Sub(now) + time.Second)
	h.waitFor(patient, before, "the follow-up reminder", "follow-up", "Asha")
	var view string
	assert.Eventually(t, func() bool {
		view = string(c.Do(v1test.Request{Method: http.MethodGet, Path: "/v1/reminders/" + followUp.ID}).Body)
		return strings.Contains(view, `"state":"fired"`)
	}, 10*time.Second, 20*time.Millisecond, "the reminder shows as fired: %s", view)
	assert.Contains(t, view, `"sent":1`)

	res = c.Do(v1test.Request{Method: http.MethodPatch, Path: "/v1/reminders/" + followUp.ID, Body: `{"variables":{"doctor":"Dr. Sen"}}`})
	assert.Equal(t, http.StatusConflict, res.Status, "%s", res.Body)
	assert.Equal(t, "already_fired", res.Error.Code)
	res = c.Do(v1test.Request{Method: http.MethodDelete, Path: "/v1/reminders/" + followUp.ID})
	assert.Equal(t, http.StatusConflict, res.Status, "%s", res.Body)
	assert.Equal(t, "already_fired", res.Error.Code)
}

// TestV1BadInputChangesNothing: the list of bad input, on the
// real scheduler, each answered with its precise status and code, and none
// storing a reminder or sending a message.
func TestV1BadInputChangesNothing(t *testing.T) {
	h := start(t)
	c := v1Client(h, apiKey)
	future := h.clock.Now().Add(24 * time.Hour).Format(time.RFC3339)
	past := h.clock.Now().Add(-time.Hour).Format(time.RFC3339)
	good := `{"kind":"follow_up","phone":"` + v1National + `","at":"` + future + `"}`
	vars := map[string]string{}
	for i := range 21 {
		vars[fmt.Sprintf("v%d", i)] = "x"
	}
	withVars := fmt.Sprintf(`{"kind":"follow_up","phone":"%s","at":"%s","variables":%s}`, v1National, future, v1JSON(t, vars))
	require.Equal(t, http.StatusCreated, c.Do(v1Post("/v1/reminders", good, "Idempotency-Key", "taken")).Status)
	cases := []struct {
		name  string
		r     v1test.Request
		code  int
		error string
	}{
		{"unknown hospital's key", v1Post("/v1/reminders", good, "Authorization", "Bearer key-of-no-hospital"), 401, "invalid_api_key"},
		{"no key", v1Post("/v1/reminders", good, "Authorization", ""), 401, "missing_api_key"},
		{"malformed JSON", v1Post("/v1/reminders", `{"kind":"follow_up",`), 400, "malformed_json"},
		{"past time", v1Post("/v1/reminders", `{"kind":"follow_up","phone":"`+v1National+`","at":"`+past+`"}`), 400, "time_in_past"},
		{"unknown kind", v1Post("/v1/reminders", `{"kind":"birthday","phone":"`+v1National+`","at":"`+future+`"}`), 400, "invalid_kind"},
		{"oversized body", v1Post("/v1/messages", map[string]string{"to": v1National, "body": strings.Repeat("x", 70<<10)}), 413, "body_too_large"},
		{"reused idempotency key", v1Post("/v1/reminders", `{"kind":"feedback","phone":"`+v1National+`","at":"`+future+`"}`, "Idempotency-Key", "taken"), 409, "idempotency_key_reused"},
		{"unknown field", v1Post("/v1/reminders", `{"kind":"follow_up","phone":"`+v1National+`","at":"`+future+`","time":"9am"}`), 400, "unknown_field"},
		{"wrong type", v1Post("/v1/reminders", `{"kind":"follow_up","phone":`+v1National+`,"at":"`+future+`"}`), 400, "invalid_type"},
		{"bad phone", v1Post("/v1/reminders", `{"kind":"follow_up","phone":"+0","at":"`+future+`"}`), 400, "invalid_phone"},
		{"bad callback URL", v1Post("/v1/reminders", `{"kind":"follow_up","phone":"`+v1National+`","at":"`+future+`","callback_url":"emr.example.test/answers"}`), 400, "invalid_callback_url"},
		{"too many variables", v1Post("/v1/reminders", withVars), 400, "invalid_variables"},
		{"two schedules", v1Post("/v1/reminders", `{"kind":"follow_up","phone":"`+v1National+`","at":"`+future+`","medicine":{"name":"A","times":["08:00"],"days":1}}`), 400, "invalid_schedule"},
		{"offset in words", v1Post("/v1/reminders", `{"kind":"appointment","phone":"`+v1National+`","appointment":{"id":"A","start":"`+future+`","offsets":["a day"]}}`), 400, "invalid_offset"},
		{"not JSON", v1Post("/v1/reminders", good, "Content-Type", "text/plain"), 415, "unsupported_media_type"},
	}
	for _, cs := range cases {
		res := c.Do(cs.r)
		assert.Equal(t, cs.code, res.Status, "%s: %s", cs.name, res.Body)
		assert.Equal(t, cs.error, res.Error.Code, "%s: %s", cs.name, res.Body)
	}
	assert.Len(t, v1Reminders(t, c, ""), 1, "only the good reminder is stored")
	assert.Empty(t, h.replies(restapitest.KnownMobile), "nothing was sent")
}

// TestV1IdempotencyAcrossRestart: the kept answer survives a restart.
func TestV1IdempotencyAcrossRestart(t *testing.T) {
	h := start(t)
	c := v1Client(h, apiKey)
	body := `{"kind":"feedback","phone":"` + v1National + `","at":"` + h.clock.Now().Add(time.Hour).Format(time.RFC3339) + `"}`
	first := c.Do(v1Post("/v1/reminders", body, "Idempotency-Key", "visit-77"))
	require.Equal(t, http.StatusCreated, first.Status, "%s", first.Body)
	h.restart()
	c.Base = h.base
	again := c.Do(v1Post("/v1/reminders", body, "Idempotency-Key", "visit-77"))
	assert.Equal(t, http.StatusCreated, again.Status)
	assert.Equal(t, first.Body, again.Body)
	assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	assert.Len(t, v1Reminders(t, c, ""), 1)
}

// TestV1ConfirmVideo: the native twin of /api/confirmvideoappt sends the
// patient the video link.
func TestV1ConfirmVideo(t *testing.T) {
	h := start(t)
	patient := restapitest.KnownMobile
	h.say(patient, "hi abc", "ABC Hospital")
	c := v1Client(h, apiKey)
	before := len(h.replies(patient))
	res := c.Do(v1Post("/v1/appointments/APT-31/confirm-video",
		`{"phone":"`+v1National+`","doctor":"Dr. Rao","when":"25 Nov, 6 PM","link":"https://meet.example.test/apt-31"}`,
		"Idempotency-Key", "video-31"))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	assert.JSONEq(t, `{"appointment_id":"APT-31","status":"accepted"}`, string(res.Body))
	h.waitFor(patient, before, "the video confirmation", "Dr. Rao", "25 Nov, 6 PM", "https://meet.example.test/apt-31")
}

func v1JSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

// TestV1MessageStatus: the EMR follows a message it sent by the id the
// API answered: sent, with Twilio's SID, then Twilio's callbacks move
// its delivery status; the answers match the document.
func TestV1MessageStatus(t *testing.T) {
	h := start(t)
	patient := restapitest.KnownMobile
	h.say(patient, "start abc", "ABC Hospital")
	c := v1Client(h, apiKey)
	res := c.Do(v1Post("/v1/messages", map[string]any{"to": v1National, "body": "Your lab report is ready."}))
	require.Equal(t, http.StatusAccepted, res.Status, "%s", res.Body)
	var sent struct{ ID string }
	res.JSON(t, &sent)

	state := func() map[string]any {
		r := c.Do(v1test.Request{Method: http.MethodGet, Path: "/v1/messages/" + sent.ID})
		require.Equal(t, http.StatusOK, r.Status, "%s", r.Body)
		var out map[string]any
		r.JSON(t, &out)
		return out
	}
	require.Eventually(t, func() bool { return state()["state"] == "sent" }, 10*time.Second, 20*time.Millisecond)
	var m twiliotest.Sent
	for _, s := range h.twilio.MessagesTo("whatsapp:" + patient) {
		if s.Body == "Your lab report is ready." {
			m = s
		}
	}
	require.NotEmpty(t, m.SID, "the message reached Twilio")
	assert.Equal(t, m.SID, state()["twilio_sid"])

	code, err := h.twilio.Report(t.Context(), m, "undelivered", 63024)
	require.NoError(t, err)
	require.Equal(t, http.StatusNoContent, code)
	got := state()
	assert.Equal(t, "undelivered", got["status"])
	assert.Equal(t, "63024", got["error_code"])

	other := v1Client(h, demoAPIKey).Do(v1test.Request{Method: http.MethodGet, Path: "/v1/messages/" + sent.ID})
	assert.Equal(t, http.StatusNotFound, other.Status, "another hospital does not see it")
}
