package flow

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

func TestQueueWhileAwaiting(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.send("3")
	// Eight errands opened and left again, each answer depending on the one before.
	queued := []string{"1", "0", "7", "0", "5", "0", "6", "0"}
	require.Len(t, queued, maxQueued)
	for _, m := range queued {
		f.advance(time.Second)
		fx := f.send(m)
		assert.Empty(t, fx.Replies, "nothing is said while the EMR answers")
		assert.Nil(t, fx.Call)
	}
	assert.Len(t, f.s.Queued, maxQueued)

	fx := f.send("exit")
	assert.Equal(t, f.text("please_wait"), body(fx))
	assert.Len(t, f.s.Queued, maxQueued, "a message beyond the queue is not kept")

	fx = f.answer(emr.Result{})
	b := body(fx)
	order := []string{"no_upcoming", "ask_when", "ask_address", "ask_new_photo", "ask_document"}
	last := -1
	for _, k := range order {
		i := strings.Index(b, f.text(k))
		require.GreaterOrEqual(t, i, 0, "reply lacks %s", k)
		assert.Greater(t, i, last, "%s out of order", k)
		last = i
	}
	assert.Equal(t, stepMenu, f.s.Step, "the last queued message was 0: back to the menu")
	assert.True(t, f.s.Open(), "the dropped exit was not acted on")
	assert.Nil(t, f.s.Queued)
	assert.Equal(t, f.env.Now, f.s.LastInbound)
}

func TestQueueStopsAtTheNextCall(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.send("3")
	f.send("1")
	f.send("2")
	f.send("2")
	fx := f.answer(emr.Result{Appointments: []emr.Appointment{{Text: "Dr. Rao, Mon 10 AM"}}})
	require.NotNil(t, fx.Call, "the second message asks for departments")
	assert.Equal(t, emr.OpDepartments, fx.Call.Op)
	assert.Equal(t, 1, fx.Call.Day.Offset)
	require.Len(t, f.s.Queued, 1, "the third waits for that answer")

	fx = f.answer(emr.Result{Departments: departments})
	assert.Equal(t, emr.OpDoctors, fx.Call.Op)
	assert.Equal(t, "D2", fx.Call.DepartmentID)
	assert.Nil(t, f.s.Queued)
}

func TestInactivity(t *testing.T) {
	t.Run("closes and does not take the message as an answer", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toDept(f)
		f.advance(15*time.Minute + time.Second)
		fx := f.send("1")
		assert.Equal(t, f.text("closed_inactivity", "start", "hi abc"), body(fx))
		assert.Nil(t, fx.Call)
		assert.False(t, f.s.Open())
		assert.Nil(t, f.s.Options)
		assert.Equal(t, f.env.Now, f.s.LastInbound)
		fx = f.send("1")
		assert.Equal(t, f.text("how_to_start", "start", "hi abc"), body(fx), "the note is said once")
	})
	t.Run("an activation starts again at once", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.advance(time.Hour)
		fx := f.send("Hi ABC")
		assert.Equal(t, f.text("closed_inactivity", "start", "hi abc")+"\n\n"+f.text("welcome", "hospital", "ABC Hospital"), body(fx))
		require.NotNil(t, fx.Call)
		assert.Equal(t, emr.OpFindPatients, fx.Call.Op)
	})
	t.Run("just inside the timeout", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.advance(15 * time.Minute)
		fx := f.send("1")
		assert.Equal(t, stepBookWhen, f.s.Step)
		assert.NotContains(t, body(fx), f.text("closed_inactivity", "start", "hi abc"))
	})
	t.Run("each message restarts the clock", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		for range 4 {
			f.advance(10 * time.Minute)
			f.send("menu")
			require.Equal(t, stepMenu, f.s.Step)
		}
	})
	t.Run("closed conversation gets no note", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.send("exit")
		f.advance(time.Hour)
		fx := f.send("1")
		assert.Equal(t, f.text("how_to_start", "start", "hi abc"), body(fx))
	})
}

func TestVideoConfirmed(t *testing.T) {
	confirm := &VideoConfirmed{Hospital: "abc", AppointmentID: "V1", Doctor: "Dr. Rao", When: "Thu 27 Nov, 10:00 AM", Link: "https://meet.example/V1"}
	want := func(f *fixture, doctor string) string {
		return f.text("video_confirmed", "doctor", doctor, "when", confirm.When, "link", confirm.Link)
	}
	t.Run("in the wait step", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toStep[stepVideoWait](f)
		fx := f.apply(confirm)
		assert.Equal(t, want(f, "Dr. Rao")+"\n\n"+f.text("menu_again"), body(fx))
		assert.Equal(t, stepMenu, f.s.Step)
		assert.Nil(t, f.s.Video)
	})
	t.Run("doctor from the booking when the EMR omits it", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toStep[stepVideoWait](f)
		c := *confirm
		c.Doctor = ""
		fx := f.apply(&c)
		assert.Contains(t, body(fx), want(f, "Dr. Rao"))
	})
	t.Run("elsewhere in the conversation", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toStep[stepVideoWait](f)
		f.send("menu")
		f.send("1")
		fx := f.apply(confirm)
		assert.Equal(t, want(f, "Dr. Rao"), body(fx))
		assert.Equal(t, stepBookWhen, f.s.Step, "the patient's errand goes on")
		assert.Nil(t, f.s.Video)
	})
	t.Run("another appointment keeps the wait", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toStep[stepVideoWait](f)
		f.send("menu")
		c := *confirm
		c.AppointmentID = "OTHER"
		f.apply(&c)
		require.NotNil(t, f.s.Video)
		assert.Equal(t, "V1", f.s.Video.AppointmentID)
	})
	t.Run("while a call is awaited", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toStep[stepVideoWait](f)
		f.send("menu")
		f.send("3")
		aw := *f.s.Awaiting
		fx := f.apply(confirm)
		assert.Equal(t, want(f, "Dr. Rao"), body(fx))
		assert.Equal(t, aw, *f.s.Awaiting)
	})
	t.Run("closed conversation", func(t *testing.T) {
		f := newFixture(t, allCaps)
		fx := f.apply(confirm)
		assert.Equal(t, want(f, "Dr. Rao"), body(fx))
		assert.False(t, f.s.Open())
	})
}

func TestConsent(t *testing.T) {
	tests := []struct {
		name  string
		open  bool
		msg   string
		want  []Consent
		reply func(f *fixture) string
	}{
		{"stop in a conversation", true, "STOP", []Consent{{Hospital: "abc", OptedOut: true}},
			func(f *fixture) string { return f.text("stopped", "hospital", "ABC Hospital") }},
		{"start while closed", false, "start", []Consent{{Hospital: "abc"}},
			func(f *fixture) string { return f.text("started", "hospital", "ABC Hospital") }},
		{"stop with code", false, "stop ABC", []Consent{{Hospital: "abc", OptedOut: true}},
			func(f *fixture) string { return f.text("stopped", "hospital", "ABC Hospital") }},
		{"stop with unknown code", false, "stop xyz", nil,
			func(f *fixture) string { return f.text("consent_which") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			if tc.open {
				f.toMenu()
			}
			step := f.s.Step
			fx := f.send(tc.msg)
			assert.Equal(t, tc.want, fx.Consent)
			assert.Equal(t, tc.reply(f), body(fx))
			assert.Equal(t, step, f.s.Step, "consent does not move the conversation")
		})
	}
}

func TestConsentNeedsCodeWithSeveralHospitals(t *testing.T) {
	f := newFixture(t, allCaps)
	other := *f.hospital()
	cfg := *other.Config
	cfg.Code, cfg.Name = "xyz", "XYZ Clinic"
	other.Config = &cfg
	f.env.Hospitals["xyz"] = &other
	fx := f.send("stop")
	assert.Nil(t, fx.Consent)
	assert.Equal(t, f.text("consent_which"), body(fx))
	fx = f.send("stop xyz")
	assert.Equal(t, []Consent{{Hospital: "xyz", OptedOut: true}}, fx.Consent)
	assert.Equal(t, f.text("stopped", "hospital", "XYZ Clinic"), body(fx))
}

func TestCallIDsAreUnique(t *testing.T) {
	f := newFixture(t, allCaps)
	seen := map[string]bool{}
	f.send("hi abc")
	seen[f.call().ID] = true
	f.answer(emr.Result{Patients: []emr.Patient{patient}})
	for i := range 5 {
		f.send("3")
		id := f.call().ID
		assert.False(t, seen[id], "call %d reuses id %s", i, id)
		seen[id] = true
		f.answer(emr.Result{})
	}
	f.send("exit")
	f.send("hi abc")
	assert.False(t, seen[f.call().ID], "a new conversation must not reuse an id a late answer may carry")
	assert.Equal(t, fmt.Sprintf("c%d", len(seen)+1), f.call().ID)
}

func TestQueuedActivationKeepsLaterMessages(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.send("3")
	f.send("hi abc")
	f.send("4")
	fx := f.answer(emr.Result{})
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.OpFindPatients, fx.Call.Op, "the queued activation starts again")
	require.Len(t, f.s.Queued, 1, "the message after it still waits")
	fx = f.answer(emr.Result{Patients: []emr.Patient{patient}})
	require.NotNil(t, fx.Call)
	assert.Equal(t, emr.OpHealthRecords, fx.Call.Op)
	assert.Nil(t, f.s.Queued)
}
