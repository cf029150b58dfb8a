package conversation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/hospital"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// conv is one conversation's actor.
type conv struct {
	deps     *Deps
	key      Key
	storeKey string // "conv:" and the keyed hash of the key

	state   flow.State
	version uint64
	loadErr error

	busy    bool       // a commit is in flight
	queue   []*pending // events waiting for the commit in flight
	current *pending   // the event being decided (for panic recovery)

	lastActive time.Time   // last event, for passivation (real time)
	idleTimer  *time.Timer // see idle.go
}

// pending is an event with whoever waits for its Ack.
type pending struct {
	deliver *Deliver
	replyTo *actor.PID
	failed  bool // its decision panicked once: commit it as an apology
}

// convPrefix starts the store key of every conversation.
const convPrefix = "conv:"

// newConv is the actor of the conversation key, before its snapshot is
// loaded (Started).
func newConv(deps *Deps, key Key) *conv {
	return &conv{deps: deps, key: key, storeKey: storeKey(deps.Hasher, key)}
}

// logger is the conversation's logger, made when something is to be
// logged: a resident conversation does not keep one (it would cost each
// of them a few hundred bytes for lines that are rarely written).
func (c *conv) logger() *slog.Logger {
	return c.deps.Logger.With("component", "conversation", "conv", strings.TrimPrefix(c.storeKey, convPrefix))
}

// Receive is the actor's mailbox loop.
func (c *conv) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		c.started(ctx)
	case *Deliver:
		c.touch()
		c.enqueue(ctx, &pending{deliver: m, replyTo: ctx.Sender()})
	case *replayed:
		c.touch()
		c.enqueue(ctx, &pending{deliver: m.deliver, replyTo: ctx.Sender(), failed: m.failed})
	case *hospital.Answer:
		c.touch()
		c.enqueue(ctx, &pending{deliver: &Deliver{Key: c.key, Event: &flow.EMRDone{Result: m.Result}}})
	case *idleTick:
		c.idle(ctx)
	case *stopIfIdle:
		if c.isIdle() {
			ctx.Stop(ctx.Self())
			return
		}
		ctx.Request(ctx.Parent(), &stayAlive{}) // the shard finds the child by its sender
	case *actor.Restarting:
		c.restarting(ctx)
	case *actor.Stopping:
		c.stopping(ctx)
	}
}

// started loads the last committed state and resumes a call in flight.
func (c *conv) started(ctx actor.Context) {
	c.touch()
	c.armIdle(ctx, c.deps.PassivateAfter)
	began := time.Now()
	if err := c.load(); err != nil {
		c.deps.storeError(began, err)
		c.loadErr = err
		c.logger().Error("load conversation", "err", err)
		return
	}
	if aw := c.state.Awaiting; aw != nil {
		ctx.Send(c.deps.HospitalPID(c.state.Hospital), &hospital.Request{Call: aw.Call, ReplyTo: ctx.Self(), Resume: true})
	}
}

// load reads the snapshot; a conversation never stored starts empty.
func (c *conv) load() error {
	lctx, cancel := context.WithTimeout(context.Background(), c.deps.CommitTimeout)
	defer cancel()
	st, version, err := readState(lctx, c.deps.Store, c.deps.Sealer, c.storeKey)
	switch {
	case errors.Is(err, persistence.ErrNotFound):
		c.state, c.version = flow.State{}, 0
		return nil
	case errors.Is(err, errUnreadable):
		// Sealed with a key that was retired too early: the state cannot
		// be read, ever. Start afresh (the patient is asked to send hi
		// again) rather than refuse this patient's every message.
		c.logger().Error("snapshot sealed with an unknown key: starting the conversation afresh", "err", err)
		c.state, c.version = flow.State{}, version
		return nil
	case err != nil:
		return err
	}
	c.state, c.version = st, version
	return nil
}

// enqueue takes an event in arrival order and processes what it can.
func (c *conv) enqueue(ctx actor.Context, p *pending) {
	if c.loadErr != nil {
		// The store could not be read: answer so Twilio retries, and leave
		// memory so the next attempt loads afresh.
		c.respond(ctx, p, &Ack{Err: fmt.Errorf("%w: %v", ErrNotAccepted, c.loadErr)})
		ctx.Stop(ctx.Self())
		return
	}
	if p.deliver.Event == nil {
		c.respond(ctx, p, &Ack{}) // a wake-up: Started has done the work
		return
	}
	c.queue = append(c.queue, p)
	c.pump(ctx)
}

// respond sends an Ack to whoever waits for the event, if anyone does.
func (c *conv) respond(ctx actor.Context, p *pending, ack *Ack) {
	if p.replyTo != nil {
		ctx.Send(p.replyTo, ack)
	}
}

// isIdle reports whether the actor can leave memory without losing work.
func (c *conv) isIdle() bool {
	return !c.busy && len(c.queue) == 0 && c.state.Awaiting == nil
}

// restarting hands the events this instance holds to the next instance:
// the one whose decision panicked is marked, so it is answered with an
// apology instead of panicking again.
func (c *conv) restarting(ctx actor.Context) {
	c.stopIdle()
	c.deps.Metrics.ActorRestarts.WithLabelValues("conversation").Inc()
	c.logger().Error("conversation panicked; restarting from its last committed state")
	if p := c.current; p != nil {
		ctx.RequestWithCustomSender(ctx.Self(), &replayed{deliver: p.deliver, failed: true}, p.replyTo)
	}
	for _, p := range c.queue {
		if p != c.current {
			ctx.RequestWithCustomSender(ctx.Self(), &replayed{deliver: p.deliver, failed: p.failed}, p.replyTo)
		}
	}
	c.queue, c.current = nil, nil
}

// stopping answers whoever still waits, so no webhook hangs on shutdown.
func (c *conv) stopping(ctx actor.Context) {
	c.stopIdle()
	for _, p := range c.queue {
		c.respond(ctx, p, &Ack{Err: fmt.Errorf("%w: shutting down", ErrNotAccepted)})
	}
	c.queue = nil
}
