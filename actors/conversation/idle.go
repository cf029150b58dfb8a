package conversation

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// idleTick is the idle timer's message to its actor.
type idleTick struct{}

// The idle timer replaces protoactor's ReceiveTimeout, whose timer
// goroutine writes the actor context's fields while the mailbox reads them
// (a data race whenever a message arrives as the timeout fires). This
// timer's goroutine only sends a message; the actor itself decides, from
// the time of its last event, whether it has been idle long enough.

// touch records activity: the idle time counts from here.
func (c *conv) touch() { c.lastActive = time.Now() }

// armIdle starts the timer; no-op when passivation is off.
func (c *conv) armIdle(ctx actor.Context, after time.Duration) {
	if c.deps.PassivateAfter <= 0 {
		return
	}
	system, self := ctx.ActorSystem(), ctx.Self()
	c.idleTimer = time.AfterFunc(after, func() { system.Root.Send(self, &idleTick{}) })
}

// stopIdle stops the timer when the actor leaves.
func (c *conv) stopIdle() {
	if c.idleTimer != nil {
		c.idleTimer.Stop()
	}
}

// idle asks the shard to passivate this actor once it has been idle for
// PassivateAfter, or waits the time that is left. The request carries the
// actor as sender: the shard knows its children by PID.
func (c *conv) idle(ctx actor.Context) {
	if rest := c.deps.PassivateAfter - time.Since(c.lastActive); rest > 0 {
		c.armIdle(ctx, rest)
		return
	}
	if c.isIdle() {
		ctx.Request(ctx.Parent(), &passivate{})
	}
	c.armIdle(ctx, c.deps.PassivateAfter)
}
