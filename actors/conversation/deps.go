// Package conversation is the conversation actor: one per (sender, patient
// number), spawned on the first message under a shard supervisor, holding
// the conversation's state in memory. Each event (inbound message, EMR
// answer, video confirmation, reminder) is decided by the flow engine, committed to
// the store together with its replies and MessageSid, and only then
// acknowledged and acted upon. A panic restarts the actor from its last
// committed state; idle actors passivate and come back on the next message.
package conversation

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/actors/callback"
	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// Deps is what conversation actors share. Every field is required unless
// marked optional.
type Deps struct {
	Engine    *flow.Engine
	Catalog   *catalog.Catalog
	Hospitals map[string]*flow.Hospital
	Store     persistence.Snapshots
	Sealer    persistence.Sealer
	Hasher    *pii.Hasher
	Codec     *outbound.Codec
	// Callbacks encodes patients' answers to reminders for the callback
	// actor, CallbackPID, which is told of them after each commit. A turn
	// with answers fails to commit without Callbacks; CallbackPID is
	// optional (the entries wait for the next start).
	Callbacks   *callback.Codec
	CallbackPID *actor.PID
	// HospitalPID returns the hospital actor of a hospital code.
	HospitalPID func(code string) *actor.PID
	// OutboundPID returns the outbound actor of a sender.
	OutboundPID func(sender string) *actor.PID
	Now         func() time.Time
	// SessionTimeout closes idle conversations (FRONTDESK_SESSION_TIMEOUT).
	SessionTimeout time.Duration
	// PassivateAfter is how long an idle actor stays in memory.
	PassivateAfter time.Duration
	// CommitTimeout bounds one commit.
	CommitTimeout time.Duration
	Metrics       *metrics.Metrics
	Logger        *slog.Logger
	// Fault, when set, runs before every decision; tests use it to make a
	// conversation panic. Optional.
	Fault func(ev flow.Event)
	// Dispatcher runs the mailboxes of shards and conversations;
	// optional, protoactor's default (a goroutine each time) when nil.
	Dispatcher actor.Dispatcher
	// Commits counts commits in flight so shutdown can wait for them
	// before closing the store.
	Commits *sync.WaitGroup
	// StoreError hears of every load or commit that failed for another
	// reason than a version conflict, with when it began, so the runtime
	// learns of a store outage at the first failed commit instead of at
	// its next ping. It must return quickly. Optional.
	StoreError func(began time.Time, err error)
}

// props are the options of the actors' props: the dispatcher, and the
// extra options given.
func (d *Deps) props(extra ...actor.PropsOption) []actor.PropsOption {
	if d.Dispatcher != nil {
		extra = append(extra, actor.WithDispatcher(d.Dispatcher))
	}
	return extra
}

// storeError reports a failed store operation, if anyone listens.
func (d *Deps) storeError(began time.Time, err error) {
	if d.StoreError != nil {
		d.StoreError(began, err)
	}
}

// asyncCommitter is a store that tells of a commit's outcome through a
// callback (the Redis store), so no goroutine waits for each turn.
type asyncCommitter interface {
	CommitAsync(ctx context.Context, c persistence.Commit, done func(error))
}

// commit runs one store commit with the configured timeout and calls done
// with its outcome, from another goroutine than the caller's; done must
// return quickly. Commits counts it until done has returned.
func (d *Deps) commit(c persistence.Commit, done func(error)) {
	d.Commits.Add(1)
	ctx, cancel := context.WithTimeout(context.Background(), d.CommitTimeout)
	finish := func(err error) {
		cancel()
		done(err)
		d.Commits.Done()
	}
	if ac, ok := d.Store.(asyncCommitter); ok {
		ac.CommitAsync(ctx, c, finish)
		return
	}
	go func() { finish(d.Store.Commit(ctx, c)) }()
}
