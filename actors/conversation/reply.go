package conversation

import "github.com/asynkron/protoactor-go/actor"

// replyBox is where a conversation's answer to one Deliver arrives: a
// process in the actor system's registry, as a future is, that puts the
// answer on a channel. Unlike a future's, the wait can be a select on the
// caller's context, so a caller that must also give up on another signal
// (the store found unreachable) needs no goroutine of its own to wait.
type replyBox struct {
	answers chan any // buffered: a late answer never blocks its sender
}

var _ actor.Process = (*replyBox)(nil)

// SendUserMessage implements actor.Process: it keeps the first answer of
// each attempt (the caller drains it before the next).
func (b *replyBox) SendUserMessage(_ *actor.PID, message any) {
	select {
	case b.answers <- actor.UnwrapEnvelopeMessage(message):
	default:
	}
}

// SendSystemMessage implements actor.Process; a reply box has none.
func (b *replyBox) SendSystemMessage(*actor.PID, any) {}

// Stop implements actor.Process; the caller removes the box itself.
func (b *replyBox) Stop(*actor.PID) {}
