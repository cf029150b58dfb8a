package conversation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Router delivers events to conversations. It is safe for concurrent use
// by HTTP handlers.
type Router struct {
	system *actor.ActorSystem
	shards []*actor.PID
	wait   time.Duration
}

// NewRouter spawns n shard supervisors (at least 1). wait bounds how long
// Deliver waits for a conversation to commit.
func NewRouter(system *actor.ActorSystem, deps *Deps, n int, wait time.Duration) (*Router, error) {
	if n < 1 {
		n = 1
	}
	r := &Router{system: system, wait: wait}
	for i := 0; i < n; i++ {
		props := actor.PropsFromProducer(func() actor.Actor { return newShard(deps) },
			deps.props(actor.WithSupervisor(childStrategy()))...)
		pid, err := system.Root.SpawnNamed(props, fmt.Sprintf("conversations-%d", i))
		if err != nil {
			return nil, fmt.Errorf("spawn conversation shard %d: %w", i, err)
		}
		r.shards = append(r.shards, pid)
	}
	return r, nil
}

// ErrTimeout means the conversation did not answer in time; the event may
// or may not have been committed, and a retry is deduplicated.
var ErrTimeout = errors.New("conversation: no answer in time")

// Deliver hands an event to its conversation and waits until it is
// committed (or found to be a duplicate), for at most the router's wait,
// or until ctx ends.
func (r *Router) Deliver(ctx context.Context, d *Deliver) (*Ack, error) {
	var expired <-chan time.Time // nil: ctx ends the wait first
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > r.wait {
		timer := time.NewTimer(r.wait)
		defer timer.Stop()
		expired = timer.C
	}
	box := &replyBox{answers: make(chan any, 1)}
	registry := r.system.ProcessRegistry
	pid, ok := registry.Add(box, "reply"+registry.NextId())
	if !ok {
		return nil, errors.New("deliver to conversation: reply address taken")
	}
	defer registry.Remove(pid)
	for attempt := 0; attempt < 3; attempt++ {
		r.system.Root.RequestWithCustomSender(r.shardFor(d.Key), d, pid)
		select {
		case <-expired:
			return nil, ErrTimeout
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, ErrTimeout
			}
			return nil, fmt.Errorf("deliver to conversation: %w", context.Cause(ctx))
		case res := <-box.answers:
			switch res := res.(type) {
			case *Ack:
				return res, nil
			case *actor.DeadLetterResponse:
				continue // the child stopped just as the message went out: route again
			default:
				return nil, fmt.Errorf("deliver to conversation: unexpected answer %T", res)
			}
		}
	}
	return nil, fmt.Errorf("deliver to conversation: %w", ErrNotAccepted)
}

// Shards returns the shard supervisors (for shutdown).
func (r *Router) Shards() []*actor.PID { return r.shards }

// shardFor picks the key's shard by the FNV-1a hash of its internal form,
// computed without building that string (this runs for every message).
func (r *Router) shardFor(k Key) *actor.PID {
	const offset, prime = 2166136261, 16777619
	h := uint32(offset)
	for _, part := range [...]string{k.Sender, "|", k.Phone} {
		for i := 0; i < len(part); i++ {
			h = (h ^ uint32(part[i])) * prime
		}
	}
	return r.shards[h%uint32(len(r.shards))]
}
