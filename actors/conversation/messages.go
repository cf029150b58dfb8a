package conversation

import (
	"errors"
	"strings"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
)

// Key identifies a conversation: the sender the patient writes to and the
// patient's number.
type Key struct {
	Sender string // "whatsapp:+14155238886"
	Phone  string // "+919812345678"
}

// String is the key's internal form; it holds a phone number, so it is
// never logged or stored as is (see Deps.Hasher).
func (k Key) String() string { return k.Sender + "|" + k.Phone }

// Deliver carries an event to a conversation. The sender of the request
// receives an *Ack once the event is committed, or an error. A Deliver
// without an Event only wakes the conversation (after a restart, one that
// waits for the EMR resumes its call as it starts).
type Deliver struct {
	Key   Key
	Event flow.Event
}

// Ack answers a Deliver.
type Ack struct {
	Duplicate bool  // the MessageSid was already processed
	Err       error // nil when the event is durably accepted
}

// ErrNotAccepted is the cause in an Ack when an event could not be
// committed; the caller should answer so that the event is retried.
var ErrNotAccepted = errors.New("conversation: event not committed")

// passivate is a child's request to leave memory.
type passivate struct{}

// stopIfIdle is the shard's answer: stop now if still idle.
type stopIfIdle struct{}

// stayAlive is a child's answer when work arrived meanwhile.
type stayAlive struct{}

// replayed is a Deliver re-sent by an actor instance that is restarting,
// so the new instance processes it; failed marks the one whose decision
// panicked.
type replayed struct {
	deliver *Deliver
	failed  bool
}

// committed is the result of a commit, back in the actor.
type committed struct{ err error }

// ParseKey reads a Key from its String form.
func ParseKey(s string) (Key, bool) {
	sender, phone, ok := strings.Cut(s, "|")
	if !ok || sender == "" || phone == "" {
		return Key{}, false
	}
	return Key{Sender: sender, Phone: phone}, true
}
