package flow

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr"
)

const testCallback = "https://emr.example/frontdesk/answers"

// apptStart is the appointment the test reminders are about: tomorrow
// morning.
var apptStart = testNow.Add(20 * time.Hour)

// dueAppt is an appointment reminder occurrence handed to the conversation.
func dueAppt(occurrence string) *ReminderDue {
	return &ReminderDue{
		ID: occurrence, ReminderID: "rem_appt", Hospital: "abc", Kind: KindAppointment,
		Variables:   map[string]string{"patient_name": "Asha", "when": "Thu 27 Nov, 10:30", "doctor": "Dr. Rao"},
		CallbackURL: testCallback, AppointmentID: "APT-7", AppointmentStart: apptStart,
	}
}

// dueFeedback is a feedback reminder occurrence.
func dueFeedback(occurrence string) *ReminderDue {
	return &ReminderDue{ID: occurrence, ReminderID: "rem_fb", Hospital: "abc", Kind: KindFeedback, CallbackURL: testCallback}
}

// toConfirm: a patient at the menu gets an appointment reminder.
func toConfirm(f *fixture) {
	f.toMenu()
	f.apply(dueAppt("rem_appt@1"))
}

// toSurvey: a patient at the menu gets a feedback reminder and rates the
// first n questions 4.
func toSurvey(n int) func(*fixture) {
	return func(f *fixture) {
		f.toMenu()
		f.apply(dueFeedback("rem_fb@1"))
		for range n {
			f.send("4")
		}
	}
}

func TestAppointmentReminderAsks(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	fx := f.apply(dueAppt("rem_appt@1"))
	require.Len(t, fx.Replies, 1, "the reminder is one message")
	r := fx.Replies[0]
	assert.Equal(t, KindAppointment, r.Reminder, "it goes as a reminder: a template outside the 24-hour window")
	assert.Equal(t, "Thu 27 Nov, 10:30", r.Variables["when"], "the template's variables")
	assert.Contains(t, r.Body, f.text("reminder_appointment", "hospital", "ABC Hospital", "when", "Thu 27 Nov, 10:30"))
	assert.Contains(t, r.Body, f.text("reply_confirm_ask"))
	assert.Contains(t, r.Body, "*stop appointment*")
	assert.Nil(t, fx.Call)
	assert.Empty(t, fx.Callbacks)
	assert.Equal(t, stepReplyConfirm, f.s.Step)
	require.NotNil(t, f.s.Reply)
	assert.Equal(t, stepMenu, f.s.Reply.Return)
	assert.True(t, apptStart.Equal(f.s.Reply.Until), "answers are taken until the appointment starts")
	assert.True(t, testNow.Equal(f.s.LastInbound), "a reminder is not the patient writing")
}

func TestAppointmentReminderAnswers(t *testing.T) {
	tests := []struct {
		name   string
		in     Inbound
		answer string
		says   string
	}{
		{"1 confirms", Inbound{Body: "1"}, AnswerConfirmed, "reply_confirmed"},
		{"2 cancels", Inbound{Body: " २ "}, AnswerCancelled, "reply_cancelled"},
		{"the confirm button", Inbound{Body: "Confirm", Button: "confirm"}, AnswerConfirmed, "reply_confirmed"},
		{"the cancel button", Inbound{Body: "I can't come", Button: "CANCEL"}, AnswerCancelled, "reply_cancelled"},
		{"a button's text alone", Inbound{Button: "Yes"}, AnswerConfirmed, "reply_confirmed"},
		{"a word", Inbound{Body: "Cancel!"}, AnswerCancelled, "reply_cancelled"},
		{"hindi", Inbound{Body: "हाँ"}, AnswerConfirmed, "reply_confirmed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, allCaps)
			toConfirm(f)
			f.advance(3 * time.Minute)
			fx := f.sendIn(tc.in)
			require.Len(t, fx.Callbacks, 1)
			assert.Equal(t, Callback{
				Hospital: "abc", URL: testCallback, ReminderID: "rem_appt", AppointmentID: "APT-7",
				Kind: KindAppointment, Answer: tc.answer, At: f.env.Now,
			}, fx.Callbacks[0])
			assert.Contains(t, body(fx), f.text(tc.says, "hospital", "ABC Hospital"))
			assert.Nil(t, f.s.Reply)
			assert.Equal(t, stepMenu, f.s.Step, "back where the patient was")
			assert.Contains(t, body(fx), f.text("menu_heading"))

			fx = f.send("1")
			assert.Empty(t, fx.Callbacks, "answered once: 1 is the menu's again")
		})
	}
}

func TestAppointmentReminderBadAnswer(t *testing.T) {
	f := newFixture(t, allCaps)
	toConfirm(f)
	for _, bad := range []string{"3", "maybe", "0", ""} {
		fx := f.send(bad)
		assert.Empty(t, fx.Callbacks, "%q is no answer", bad)
		assert.Equal(t, f.text("reply_invalid")+"\n\n"+f.text("reply_confirm_ask"), body(fx), "%q", bad)
		assert.Equal(t, stepReplyConfirm, f.s.Step)
	}
	fx := f.send("1")
	assert.Len(t, fx.Callbacks, 1, "a good answer after bad ones still counts")
}

func TestReminderAnswerHours(t *testing.T) {
	t.Run("hours later the question is still open, then the conversation closes", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toConfirm(f)
		f.advance(5 * time.Hour) // far past the session timeout
		fx := f.send("1")
		require.Len(t, fx.Callbacks, 1)
		assert.Contains(t, body(fx), f.text("reply_confirmed"))
		assert.Contains(t, body(fx), f.text("reply_done", "start", "hi abc"))
		assert.False(t, f.s.Open(), "the menu left hours ago does not come back")
	})
	t.Run("after the appointment started it is too late", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toConfirm(f)
		f.advance(apptStart.Sub(f.env.Now))
		fx := f.send("1")
		assert.Empty(t, fx.Callbacks)
		assert.Equal(t, f.text("reply_expired", "helpline", testHelpline, "start", "hi abc"), body(fx))
		assert.False(t, f.s.Open())
		assert.Nil(t, f.s.Reply)
	})
	t.Run("an activation after it expired starts afresh", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toConfirm(f)
		f.advance(21 * time.Hour)
		fx := f.send("hi abc")
		assert.Contains(t, body(fx), f.text("reply_expired", "helpline", testHelpline, "start", "hi abc"))
		require.NotNil(t, fx.Call)
		assert.Equal(t, emr.OpFindPatients, fx.Call.Op)
	})
	t.Run("a reminder whose appointment began is not said", func(t *testing.T) {
		f := newFixture(t, allCaps)
		f.toMenu()
		f.advance(21 * time.Hour)
		fx := f.apply(dueAppt("rem_appt@1"))
		assert.Empty(t, fx.Replies)
		assert.Equal(t, stepMenu, f.s.Step)
	})
}

func TestRepeatedReminderIsIgnored(t *testing.T) {
	f := newFixture(t, allCaps)
	toConfirm(f)
	fx := f.apply(dueAppt("rem_appt@1"))
	assert.Empty(t, fx.Replies, "a firing repeated after a crash is not said twice")
	f.send("1")
	fx = f.apply(dueAppt("rem_appt@1"))
	assert.Empty(t, fx.Replies, "nor after it was answered")
	assert.Equal(t, stepMenu, f.s.Step)

	fx = f.apply(dueAppt("rem_appt@2")) // the next offset, 2 h before
	assert.Len(t, fx.Replies, 1)
	assert.Equal(t, stepReplyConfirm, f.s.Step)
}

func TestReminderDuringEMRWait(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.send("4") // health records: the EMR is asked
	require.NotNil(t, f.s.Awaiting)
	fx := f.apply(dueAppt("rem_appt@1"))
	assert.Empty(t, fx.Replies, "nothing is said while the EMR answers")
	require.NotNil(t, f.s.Due)
	f.send("2") // the patient types ahead: an answer to the records list

	fx = f.answer(emr.Result{Records: records})
	assert.Nil(t, f.s.Due)
	require.Len(t, fx.Replies, 4, "the records list, the patient's pick with its note, then the reminder")
	assert.Equal(t, []string{"https://emr.example/r2.jpg"}, fx.Replies[1].Media, "what the patient typed first is answered first")
	assert.Equal(t, KindAppointment, fx.Replies[3].Reminder)
	assert.Empty(t, fx.Replies[2].Reminder)
	assert.Equal(t, stepReplyConfirm, f.s.Step)
	assert.Equal(t, stepRecords, f.s.Reply.Return)

	fx = f.apply(dueAppt("rem_appt@1"))
	assert.Empty(t, fx.Replies, "the parked occurrence counts as taken")
	fx = f.send("1")
	require.Len(t, fx.Callbacks, 1)
	assert.Equal(t, stepRecords, f.s.Step, "back to the records")
	assert.Contains(t, body(fx), f.text("choose_record"))
}

func TestReminderCommands(t *testing.T) {
	t.Run("menu leaves the question unanswered", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toConfirm(f)
		fx := f.send("menu")
		assert.Empty(t, fx.Callbacks)
		assert.Nil(t, f.s.Reply)
		fx = f.send("1")
		assert.Empty(t, fx.Callbacks, "1 is the menu's again")
		assert.Equal(t, stepBookWhen, f.s.Step)
	})
	t.Run("stop keeps the question", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toConfirm(f)
		fx := f.send("stop appointment")
		assert.Equal(t, []Consent{{Hospital: "abc", Kind: KindAppointment, OptedOut: true}}, fx.Consent)
		assert.Equal(t, stepReplyConfirm, f.s.Step)
	})
	t.Run("language comes back to the question", func(t *testing.T) {
		f := newFixture(t, allCaps)
		toConfirm(f)
		f.send("language")
		fx := f.send("2")
		assert.Equal(t, stepReplyConfirm, f.s.Step)
		assert.Contains(t, body(fx), f.text("reply_confirm_ask"))
		fx = f.send("हाँ")
		assert.Len(t, fx.Callbacks, 1)
	})
}

func TestReminderForAClosedConversation(t *testing.T) {
	f := newFixture(t, allCaps)
	fx := f.apply(dueAppt("rem_appt@1"))
	require.Len(t, fx.Replies, 1)
	assert.Equal(t, "abc", f.s.Hospital)
	assert.Equal(t, stepReplyConfirm, f.s.Step)
	fx = f.send("2")
	require.Len(t, fx.Callbacks, 1)
	assert.Equal(t, AnswerCancelled, fx.Callbacks[0].Answer)
	assert.False(t, f.s.Open(), "nothing to go back to: closed")
	assert.Contains(t, body(fx), f.text("reply_done", "start", "hi abc"))
}

func TestReminderInThePatientsLanguage(t *testing.T) {
	f := newFixture(t, allCaps)
	f.toMenu()
	f.s.Lang = "hi"
	fx := f.apply(dueAppt("rem_appt@1"))
	assert.Contains(t, body(fx), f.text("reply_confirm_ask"))
	assert.Contains(t, body(fx), "*stop appointment*")
}

func TestNewerReminderReplacesUnanswered(t *testing.T) {
	f := newFixture(t, allCaps)
	toConfirm(f)
	fx := f.apply(dueFeedback("rem_fb@1"))
	require.Len(t, fx.Replies, 1)
	assert.Equal(t, stepSurvey(0), f.s.Step)
	assert.Equal(t, "rem_fb", f.s.Reply.ReminderID)
	assert.Equal(t, stepMenu, f.s.Reply.Return, "the place before the first question is kept")
}

// TestReminderWritesWhenInThePatientsLanguage: when the EMR sends no
// `when`, the conversation writes the appointment's start itself, on the
// hospital's clock and in the patient's language, for the text and the
// template alike.
func TestReminderWritesWhenInThePatientsLanguage(t *testing.T) {
	for lang, want := range map[string]string{"en": "Thu 27 Nov, 11:30 AM", "hi": "गुरुवार, 27 नवंबर, 11:30 AM"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t, allCaps)
			f.toMenu()
			f.s.Lang = lang
			d := dueAppt("rem_appt@1")
			delete(d.Variables, "when")
			fx := f.apply(d)
			require.Len(t, fx.Replies, 1)
			assert.Equal(t, want, fx.Replies[0].Variables["when"])
			assert.Contains(t, fx.Replies[0].Body, want)
			assert.NotContains(t, d.Variables, "when", "the event itself is left as it came")
		})
	}
}
