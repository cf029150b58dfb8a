package flow

import (
	"maps"
	"time"
)

// A reminder that expects an answer (an appointment to confirm or cancel,
// a feedback survey) is said by the conversation, not sent past it: the
// message, the question and the step that reads the answer are committed
// in one turn, in the patient's language, and the answer is posted to the
// EMR's callback URL (Effects.Callbacks). One that arrives while an EMR
// call is awaited (or messages wait behind one) is parked in State.Due
// and said once the conversation is free, after the messages the patient
// sent meanwhile. A later reminder replaces one still unanswered: the
// latest question is the one the patient's answer goes to.

// replyWindow is how long an answer is taken when the reminder names no
// appointment start (feedback, or an appointment reminder sent at a time).
const replyWindow = 72 * time.Hour

// ExpectsAnswer reports whether a kind of reminder asks the patient
// something: such reminders go through the conversation when the EMR gave
// a callback URL to post the answer to.
func ExpectsAnswer(kind string) bool { return kind == KindAppointment || kind == KindFeedback }

// reminderDue takes a reminder handed over by the reminder actor: one
// already taken (a firing repeated after a crash) is ignored; otherwise it
// is parked, and Apply says it as soon as nothing is awaited.
func (t *turn) reminderDue(d ReminderDue) {
	if d.ID == "" || t.s.WasReminded(d.ID) || !ExpectsAnswer(d.Kind) {
		return
	}
	t.s.RememberReminder(d.ID)
	t.settleStale()
	t.s.Due = &d
}

// sayDue says the parked reminder, if any, once nothing is awaited.
func (t *turn) sayDue() {
	if t.s.Awaiting != nil || len(t.s.Queued) > 0 || t.s.Due == nil {
		return
	}
	d := *t.s.Due
	t.s.Due = nil
	t.remind(d)
}

// remind says a reminder and makes its reply step current. The patient
// keeps their place: the step they were in is shown again after the
// answer (Return), unless the reminder comes from another hospital than
// the open conversation's, which then ends.
func (t *turn) remind(d ReminderDue) {
	h := t.env.Hospitals[d.Hospital]
	until := d.AppointmentStart
	if until.IsZero() {
		until = t.env.Now.Add(replyWindow)
	}
	if h == nil || !t.env.Now.Before(until) {
		return // the hospital left the configuration, or it is too late to ask
	}
	ret := StepID("")
	switch {
	case t.s.Reply != nil:
		ret = t.s.Reply.Return // a newer question replaces an unanswered one
	case t.s.Hospital == h.Config.Code:
		ret = t.s.Step
	}
	if st := t.eng.steps[t.s.Return]; st != nil && st.Reminder {
		t.s.Return = "" // the language step no longer leads to the old question
	}
	if t.s.Hospital != h.Config.Code {
		t.close()
		t.s.Hospital, t.s.Patient, t.s.Chosen = h.Config.Code, nil, "" // patient ids belong to one EMR
	}
	t.h = h
	if t.s.Lang != "" && !supports(h, t.s.Lang) {
		t.s.Lang = h.Config.DefaultLanguage()
	}
	t.s.Reply = &ReminderReply{
		ID: d.ID, ReminderID: d.ReminderID, Hospital: d.Hospital, Kind: d.Kind, CallbackURL: d.CallbackURL,
		AppointmentID: d.AppointmentID, Until: until, Return: ret,
	}
	first, ask := stepReplyConfirm, t.text("reply_confirm_ask")
	if d.Kind == KindFeedback {
		first, ask = stepSurvey(0), t.text("survey_intro", "count", itoa(len(surveyQuestions)))+"\n\n"+surveyQuestion(t, 0)
	}
	t.s.Step = first
	t.flush() // what was said before goes first
	vars := d.Variables
	if vars["when"] == "" && !d.AppointmentStart.IsZero() {
		vars = maps.Clone(vars)
		if vars == nil {
			vars = map[string]string{}
		}
		vars["when"] = t.date(d.AppointmentStart) + ", " + t.clock(d.AppointmentStart)
	}
	body := ReminderText(t.eng.cat, h.Config, t.lang(), d.Kind, vars, ask)
	t.fx.Replies = append(t.fx.Replies, Reply{Body: body, Reminder: d.Kind, Variables: vars})
}

// inReply reports whether the conversation waits for a reminder's answer.
func (t *turn) inReply() bool {
	st := t.eng.steps[t.s.Step]
	return st != nil && st.Reminder && t.s.Reply != nil
}

// replyExpired answers a message that comes after the reminder stopped
// taking answers: the question is withdrawn and the conversation closes,
// as after inactivity (an activation still starts afresh).
func (t *turn) replyExpired(form string) {
	kind := t.s.Reply.Kind
	t.close()
	t.s.LastInbound = t.env.Now
	if kind == KindFeedback {
		t.say("survey_expired", "start", t.startHint())
	} else {
		t.say("reply_expired", "helpline", t.helpline(), "start", t.startHint())
	}
	if code, ok := activation(form); ok {
		if h, ok := t.env.hospitalFor(code); ok {
			t.activate(h)
		}
	}
}

// answered posts the patient's answer to the EMR and leaves the reply
// step: back to where the patient was when the reminder came, while that
// conversation is still fresh, else the conversation closes.
func (t *turn) answered(cb Callback) {
	r := t.s.Reply
	cb.Hospital, cb.URL, cb.ReminderID, cb.AppointmentID, cb.Kind, cb.At = r.Hospital, r.CallbackURL, r.ReminderID, r.AppointmentID, r.Kind, t.env.Now
	t.fx.Callbacks = append(t.fx.Callbacks, cb)
	t.s.Reply = nil
	if st := t.eng.steps[r.Return]; st != nil && st.Read != nil && !st.Reminder && t.resume &&
		(!st.NeedsPatient || t.s.Patient != nil) {
		t.show(r.Return)
		return
	}
	t.close()
	t.say("reply_done", "start", t.startHint())
}
