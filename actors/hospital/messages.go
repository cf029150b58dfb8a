// Package hospital is the hospital actor: one per hospital location. It
// owns the location's EMR adapter and calls it off the conversations'
// mailboxes, with a timeout per call, a limit on concurrent calls, a
// circuit breaker and a short cache of department and doctor lists.
// Answers go back to the asking conversation as messages.
package hospital

import (
	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/emr"
)

// Request asks for one EMR call. ReplyTo receives an *Answer.
type Request struct {
	Call    emr.Call
	ReplyTo *actor.PID
	// Resume is set by a conversation that found the call in its snapshot
	// after a restart: the hospital answers a write it did not see being
	// made with OutcomeUnknown rather than making it twice.
	Resume bool
}

// Answer is the result of a Request.
type Answer struct {
	Result emr.Result
}
