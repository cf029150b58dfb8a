package flow

import (
	"time"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Event is what reaches a conversation: *Inbound, *EMRDone or
// *VideoConfirmed.
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

func (*Inbound) event()        {}
func (*EMRDone) event()        {}
func (*VideoConfirmed) event() {}

// Reply is one message to the patient.
type Reply struct {
	Body  string
	Media []string
}

// Effects is what a decision asks the outside world to do, in order, once
// the new state is committed.
type Effects struct {
	Replies []Reply
	Call    *emr.Call
	Consent []Consent
}

// Consent is a `stop` or `start` for one hospital: for every message, or
// for one kind of reminder (Kind, e.g. "medicine").
type Consent struct {
	Hospital string
	Kind     string
	OptedOut bool
}
