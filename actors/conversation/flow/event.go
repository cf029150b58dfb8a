package flow

import (
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Event is what reaches a conversation: *Inbound, *EMRDone,
// *VideoConfirmed or *ReminderDue.
type Event interface{ event() }

// Inbound is a message from the patient.
type Inbound struct {
	Sid    string    `json:"sid"`
	Body   string    `json:"b,omitempty"`
	Media  []Media   `json:"m,omitempty"`
	Button string    `json:"btn,omitempty"` // ButtonPayload or ButtonText
	Lat    string    `json:"lat,omitempty"`
	Lon    string    `json:"lon,omitempty"`
	At     time.Time `json:"at"`
}

// Media is one attachment of an inbound message.
type Media struct {
	URL         string `json:"u"`
	ContentType string `json:"ct"`
}

// EMRDone is the answer to the call the conversation waits for.
type EMRDone struct {
	Result emr.Result
}

// VideoConfirmed is the EMR's confirmation that a video appointment is paid.
type VideoConfirmed struct {
	Hospital      string // code of the confirming hospital
	AppointmentID string
	Doctor        string
	When          string
	Link          string
}

// ReminderDue is a reminder that expects the patient's answer (an
// appointment to confirm or cancel, a feedback survey), handed to the
// conversation by the reminder actor: the message, the question and the
// step that reads the answer are committed together, and the answer goes
// to the EMR's callback URL. It is kept in the state while an EMR call is
// awaited, hence the JSON names.
type ReminderDue struct {
	// ID names this occurrence of the reminder (its id and due time): a
	// firing repeated after a crash is recognised and not said twice.
	ID         string `json:"id"`
	ReminderID string `json:"rid"` // the id the EMR's API knows
	Hospital   string `json:"h"`   // code of the reminding hospital
	Kind       string `json:"k"`   // KindAppointment or KindFeedback
	// Variables fill the text (and the template outside WhatsApp's
	// window): patient_name, when, doctor, note, ...
	Variables     map[string]string `json:"v,omitempty"`
	CallbackURL   string            `json:"cb"`
	AppointmentID string            `json:"aid,omitempty"`
	// AppointmentStart, when known, is when answers stop being taken.
	AppointmentStart time.Time `json:"ast,omitzero"`
}

func (*Inbound) event()        {}
func (*EMRDone) event()        {}
func (*VideoConfirmed) event() {}
func (*ReminderDue) event()    {}

// Reply is one message to the patient.
type Reply struct {
	Body  string
	Media []string
	// Reminder is set on a reminder's own message to its kind: the
	// hospital starts that message, so WhatsApp's 24-hour window applies
	// and outside it the hospital's "<kind>_reminder" template goes
	// instead, filled from Variables. Empty for answers to the patient.
	Reminder  string
	Variables map[string]string
}

// Effects is what a decision asks the outside world to do, in order, once
// the new state is committed.
type Effects struct {
	Replies   []Reply
	Call      *emr.Call
	Consent   []Consent
	Callbacks []Callback
}

// Consent is a `stop` or `start` for one hospital: for every message, or
// for one kind of reminder (Kind, e.g. "medicine").
type Consent struct {
	Hospital string
	Kind     string
	OptedOut bool
}

// Callback is a patient's answer to a reminder, to post to the EMR's
// callback URL (durably, with the turn that took the answer).
type Callback struct {
	Hospital      string
	URL           string
	ReminderID    string
	AppointmentID string
	Kind          string
	// Answer is AnswerConfirmed or AnswerCancelled for an appointment.
	Answer string
	// Ratings (question key → 1..5) and Comment answer a feedback survey.
	Ratings map[string]int
	Comment string
	At      time.Time
}

// The answers to an appointment reminder.
const (
	AnswerConfirmed = "confirmed"
	AnswerCancelled = "cancelled"
)
