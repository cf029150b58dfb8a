package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// CommitAsync is Commit without a goroutine waiting for it: done is called
// once with Commit's outcome, on the group writer's goroutine (or at once
// when the commit is refused before it is queued), and must return
// quickly. A conversation actor uses it to hear of its commit as a message
// instead of parking a goroutine per turn. An ended ctx withdraws the
// commit if the writer has not taken it yet, as with Commit.
func (s *Store) CommitAsync(ctx context.Context, c persistence.Commit, done func(error)) {
	start := time.Now()
	finish := func(err error) {
		s.opts.Observer.commit(time.Since(start), err)
		done(err)
	}
	if err := s.check(ctx); err != nil {
		finish(fmt.Errorf("commit: %w", err))
		return
	}
	if err := c.Validate(); err != nil {
		finish(fmt.Errorf("commit: %w", err))
		return
	}
	keys, args := s.commitArgs(c, newToken())
	s.runAsync(ctx, commitScript, keys, args, func(r opResult) {
		finish(commitOutcome(c, r.reply, r.err))
	})
}

// runAsync queues a script for the group writer and returns; then gets
// the outcome. When the queue is full the op is queued from a goroutine
// of its own, so the caller (an actor's mailbox) never waits for the
// writer.
func (s *Store) runAsync(ctx context.Context, sc *script, keys []string, args []any, then func(opResult)) {
	o := &op{ctx: ctx, script: sc, keys: keys, args: args, then: then}
	s.queueMu.RLock()
	if s.closed.Load() {
		s.queueMu.RUnlock()
		then(opResult{err: errClosed})
		return
	}
	select {
	case s.queue <- o:
		s.queueMu.RUnlock()
		return
	default:
	}
	s.queueMu.RUnlock()
	go func() {
		s.queueMu.RLock()
		defer s.queueMu.RUnlock()
		if s.closed.Load() {
			then(opResult{err: errClosed})
			return
		}
		select {
		case s.queue <- o:
		case <-ctx.Done():
			then(opResult{err: ctx.Err()})
		}
	}()
}
