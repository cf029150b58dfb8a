package emrapi

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/emrapi/v1test"
	"github.com/frontdesk-health/frontdesk/persistence"
)

func TestV1ReminderLifecycle(t *testing.T) {
	f := newFixture(t)
	spec := map[string]any{
		"kind": "appointment", "phone": testNational,
		"appointment":  map[string]any{"id": "APT-1", "start": "2026-12-01T10:30:00+05:30", "offsets": []string{"24h", "2h30m"}},
		"variables":    map[string]string{"doctor": "Dr. Rao"},
		"callback_url": "https://emr.example.org/answers",
	}
	res := f.client.Do(req(http.MethodPost, "/v1/reminders", spec))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	var made reminderJSON
	res.JSON(t, &made)
	assert.Equal(t, "scheduled", made.State)
	assert.Equal(t, testPhone, made.Spec.Phone, "the phone is stored as E.164")
	assert.Equal(t, []string{"24h", "2h30m"}, made.Spec.Appointment.Offsets, "offsets are shown as they are written")
	start := time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)
	stored := f.sched.views["abc/"+made.ID].Spec
	assert.True(t, stored.Appointment.Start.Equal(start))
	assert.Equal(t, []time.Duration{24 * time.Hour, 150 * time.Minute}, stored.Appointment.Offsets)
	assert.Equal(t, "https://emr.example.org/answers", stored.CallbackURL)

	res = f.client.Do(req(http.MethodGet, "/v1/reminders/"+made.ID, nil))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	var got reminderJSON
	res.JSON(t, &got)
	assert.Equal(t, made, got)

	f.sched.next = "page-2"
	res = f.client.Do(req(http.MethodGet, "/v1/reminders?phone=0"+testNational+"&state=scheduled&limit=10&cursor=page-1", nil))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	var page reminderListJSON
	res.JSON(t, &page)
	require.Len(t, page.Reminders, 1)
	assert.Equal(t, made.ID, page.Reminders[0].ID)
	require.NotNil(t, page.NextCursor)
	assert.Equal(t, "page-2", *page.NextCursor)
	assert.Equal(t, reminder.Query{Phone: testPhone, State: "scheduled", Cursor: "page-1", Limit: 10}, f.sched.lastQuery)

	f.sched.next = ""
	res = f.client.Do(req(http.MethodGet, "/v1/reminders", nil))
	require.Equal(t, http.StatusOK, res.Status)
	assert.Contains(t, string(res.Body), `"next_cursor":null`, "the last page says so")
	assert.Equal(t, defaultListLimit, f.sched.lastQuery.Limit)

	res = f.client.Do(req(http.MethodPatch, "/v1/reminders/"+made.ID, `{"at":"2026-12-02T09:00:00+05:30","variables":{"doctor":"Dr. Sen"},"callback_url":""}`))
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	p := f.sched.lastPatch
	require.NotNil(t, p.At)
	assert.True(t, p.At.Equal(time.Date(2026, 12, 2, 3, 30, 0, 0, time.UTC)))
	assert.Equal(t, map[string]string{"doctor": "Dr. Sen"}, p.Variables)
	require.NotNil(t, p.CallbackURL, "an empty callback_url removes it")
	assert.Empty(t, *p.CallbackURL)
	assert.Nil(t, p.Appointment)

	res = f.client.Do(req(http.MethodDelete, "/v1/reminders/"+made.ID, nil))
	assert.Equal(t, http.StatusNoContent, res.Status, "%s", res.Body)
	assert.Empty(t, res.Body)
	res = f.client.Do(req(http.MethodPatch, "/v1/reminders/"+made.ID, `{"variables":{"doctor":"Dr. Sen"}}`))
	assert.Equal(t, http.StatusConflict, res.Status, "a cancelled reminder cannot change")
	assert.Equal(t, reminder.CodeCancelled, res.Error.Code)
	assert.Equal(t, "id", res.Error.Field)

	f.client.Key = otherKey
	res = f.client.Do(req(http.MethodGet, "/v1/reminders/"+made.ID, nil))
	assert.Equal(t, http.StatusNotFound, res.Status, "another hospital's key does not see it")
	assert.Equal(t, reminder.CodeNotFound, res.Error.Code)
}

func TestV1MedicineReminderRoundTrip(t *testing.T) {
	f := newFixture(t)
	res := f.client.Do(req(http.MethodPost, "/v1/reminders", `{"kind":"medicine","phone":"+919811100001",
		"medicine":{"name":"Amoxicillin","times":["08:00","20:00"],"days":5,"from":"2026-12-01"}}`))
	require.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
	require.NoError(t, res.RequestErr)
	var made reminderJSON
	res.JSON(t, &made)
	assert.Equal(t, &reminder.Medicine{Name: "Amoxicillin", Times: []string{"08:00", "20:00"}, Days: 5, From: "2026-12-01"}, made.Spec.Medicine)
}

// TestV1SchedulerRefusals: the scheduler's refusals keep their code and
// field and get the status their code means; its own failures are 500.
func TestV1SchedulerRefusals(t *testing.T) {
	schedule := req(http.MethodPost, "/v1/reminders", `{"kind":"follow_up","phone":"`+testNational+`","at":"2026-12-01T09:00:00Z"}`)
	patch := req(http.MethodPatch, "/v1/reminders/r1", `{"at":"2026-12-01T09:00:00Z"}`)
	cases := []struct {
		r           v1test.Request
		err         error
		status      int
		code, field string
	}{
		{schedule, &reminder.Error{Code: reminder.CodeInvalidKind, Field: "kind", Message: "must be one of ..."}, 400, reminder.CodeInvalidKind, "kind"},
		{schedule, &reminder.Error{Code: reminder.CodeTimeInPast, Field: "at", Message: "must not be in the past"}, 400, reminder.CodeTimeInPast, "at"},
		{schedule, &reminder.Error{Code: reminder.CodeInvalidCallback, Field: "callback_url", Message: "bad"}, 400, reminder.CodeInvalidCallback, "callback_url"},
		{schedule, &reminder.Error{Code: reminder.CodeInvalidVars, Field: "variables", Message: "at most 20 entries"}, 400, reminder.CodeInvalidVars, "variables"},
		{schedule, &reminder.Error{Code: reminder.CodeCallbackSecretMissing, Field: "callback_url", Message: "no callback_secret"}, 422, reminder.CodeCallbackSecretMissing, "callback_url"},
		{patch, &reminder.Error{Code: reminder.CodeCallbackSecretMissing, Field: "callback_url", Message: "no callback_secret"}, 422, reminder.CodeCallbackSecretMissing, "callback_url"},
		{patch, &reminder.Error{Code: reminder.CodeNotFound, Message: "no such reminder"}, 404, reminder.CodeNotFound, ""},
		{patch, &reminder.Error{Code: reminder.CodeAlreadyFired, Message: "fired"}, 409, reminder.CodeAlreadyFired, ""},
		{req(http.MethodDelete, "/v1/reminders/r1", nil), &reminder.Error{Code: reminder.CodeAlreadyFired, Field: "id", Message: "fired"}, 409, reminder.CodeAlreadyFired, "id"},
		{patch, &reminder.Error{Code: reminder.CodeCancelled, Field: "id", Message: "cancelled"}, 409, reminder.CodeCancelled, "id"},
		{req(http.MethodGet, "/v1/reminders?cursor=zzz", nil), persistence.ErrBadCursor, 400, "invalid_cursor", "cursor"},
		{schedule, errors.New("redis: connection refused +919811100001"), 500, "internal", ""},
	}
	for _, c := range cases {
		f := newFixture(t)
		f.sched.failNext(c.err)
		res := f.client.Do(c.r)
		assert.Equal(t, c.status, res.Status, "%v: %s", c.err, res.Body)
		assert.Equal(t, c.code, res.Error.Code, "%v", c.err)
		assert.Equal(t, c.field, res.Error.Field, "%v", c.err)
		assert.NotContains(t, string(res.Body), "9811100001", "an internal error's text is not shown")
		if c.status >= 500 {
			assert.Equal(t, "5", res.Header.Get("Retry-After"))
			assert.Contains(t, f.logs.String(), "emr api call failed", "our failures are logged")
		}
		f.requireUnchanged(t, c.err.Error())
	}
}

// TestV1StoreDown: while the store is unreachable every call is 503 with
// Retry-After, and nothing is done.
func TestV1StoreDown(t *testing.T) {
	f := newFixture(t)
	f.setDown(errors.New("store unreachable for 3s"))
	for _, r := range []struct{ method, path, body string }{
		{http.MethodPost, "/v1/messages", `{"to":"` + testNational + `","body":"hi"}`},
		{http.MethodPost, "/v1/reminders", `{"kind":"follow_up","phone":"` + testNational + `","at":"2026-12-01T09:00:00Z"}`},
		{http.MethodGet, "/v1/reminders", ""},
		{http.MethodDelete, "/v1/reminders/r1", ""},
		{http.MethodPost, "/v1/appointments/A1/confirm-video", `{"phone":"` + testNational + `","doctor":"D","when":"today","link":"https://meet.example.org/x"}`},
	} {
		var body any
		if r.body != "" {
			body = r.body
		}
		res := f.client.Do(req(r.method, r.path, body, "Idempotency-Key", "k-"+strings.ReplaceAll(r.path, "/", "-")))
		assert.Equal(t, http.StatusServiceUnavailable, res.Status, "%s %s", r.method, r.path)
		assert.Equal(t, "unavailable", res.Error.Code)
	}
	f.requireUnchanged(t, "store down")

	f.setDown(nil)
	res := f.client.Do(req(http.MethodPost, "/v1/messages", `{"to":"`+testNational+`","body":"hi"}`, "Idempotency-Key", "k--v1-messages"))
	assert.Equal(t, http.StatusAccepted, res.Status, "a 503 keeps nothing under the key: the retry does the work")
	assert.Empty(t, res.Header.Get("Idempotent-Replayed"))
}

func TestFormatOffset(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour: "24h", 150 * time.Minute: "2h30m", 90 * time.Second: "1m30s", 30 * time.Minute: "30m",
		49*time.Hour + 5*time.Second: "49h5s", 1500 * time.Millisecond: "1.5s", 0: "0s",
	} {
		assert.Equal(t, want, formatOffset(d))
		if d > 0 {
			back, err := time.ParseDuration(want)
			require.NoError(t, err)
			assert.Equal(t, d, back, "%s reads back as the same duration", want)
		}
	}
}
