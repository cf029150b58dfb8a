package conversation

import (
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// shard supervises the conversation actors of a slice of the key space:
// it spawns each by name on its first message, restarts it after a panic
// (its strategy), and passivates it without losing a message: while a
// child is asked to stop, the shard holds that key's messages and hands
// them to the child's successor.
type shard struct {
	deps    *Deps
	entries map[Key]*entry
	byPID   map[string]Key // child PID id → key
}

type entry struct {
	key      Key
	pid      *actor.PID
	stopping bool
	held     []held
}

type held struct {
	msg    any
	sender *actor.PID
}

func newShard(deps *Deps) *shard {
	return &shard{deps: deps, entries: map[Key]*entry{}, byPID: map[string]Key{}}
}

// Receive routes messages to children and runs passivation.
func (s *shard) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *Deliver:
		s.route(ctx, m.Key, m, ctx.Sender())
	case *passivate:
		if e := s.entryOf(ctx.Sender()); e != nil && !e.stopping {
			e.stopping = true
			ctx.Send(e.pid, &stopIfIdle{})
		}
	case *stayAlive:
		if e := s.entryOf(ctx.Sender()); e != nil {
			e.stopping = false
			s.release(ctx, e)
		}
	case *actor.Terminated:
		s.terminated(ctx, m.Who)
	}
}

// route hands msg to the key's child, spawning it when there is none.
func (s *shard) route(ctx actor.Context, key Key, msg any, sender *actor.PID) {
	e, ok := s.entries[key]
	if !ok {
		e = s.spawn(ctx, key)
	}
	if e.stopping {
		e.held = append(e.held, held{msg: msg, sender: sender})
		return
	}
	ctx.RequestWithCustomSender(e.pid, msg, sender)
}

// spawn starts a child named by the keyed hash of its key (the name shows
// in protoactor's own logs, so it must not be the phone number).
func (s *shard) spawn(ctx actor.Context, key Key) *entry {
	props := actor.PropsFromProducer(func() actor.Actor { return newConv(s.deps, key) }, s.deps.props()...)
	pid, err := ctx.SpawnNamed(props, s.deps.Hasher.Hash(key.String()))
	if err != nil {
		// ErrNameExists: a child of that name is still being removed;
		// SpawnNamed returns it, and it is stopping, so hold messages until
		// its Terminated arrives.
		e := &entry{key: key, pid: pid, stopping: true}
		s.entries[key], s.byPID[pid.Id] = e, key
		return e
	}
	s.deps.Metrics.Conversations.Inc()
	e := &entry{key: key, pid: pid}
	s.entries[key], s.byPID[pid.Id] = e, key
	return e
}

// terminated forgets a stopped child and starts its successor when
// messages arrived for it meanwhile.
func (s *shard) terminated(ctx actor.Context, who *actor.PID) {
	k, ok := s.byPID[who.Id]
	if !ok {
		return
	}
	delete(s.byPID, who.Id)
	e := s.entries[k]
	delete(s.entries, k)
	s.deps.Metrics.Conversations.Dec()
	if e == nil {
		return
	}
	if e.stopping {
		s.deps.Metrics.Passivations.Inc()
	}
	if len(e.held) == 0 {
		return
	}
	next := s.spawn(ctx, e.key)
	next.held = append(next.held, e.held...)
	if !next.stopping {
		s.release(ctx, next)
	}
}

// release forwards held messages in arrival order.
func (s *shard) release(ctx actor.Context, e *entry) {
	for _, h := range e.held {
		ctx.RequestWithCustomSender(e.pid, h.msg, h.sender)
	}
	e.held = nil
}

// entryOf is the entry of a child, or nil.
func (s *shard) entryOf(pid *actor.PID) *entry {
	if pid == nil {
		return nil
	}
	k, ok := s.byPID[pid.Id]
	if !ok {
		return nil
	}
	return s.entries[k]
}

// childStrategy restarts a panicking conversation from its last committed
// state; one that keeps failing (10 times in 10 seconds) is stopped and
// comes back on its next message.
func childStrategy() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(10, 10*time.Second, func(any) actor.Directive { return actor.RestartDirective })
}
