package redisstore

import (
	"context"
	"sync"
	"time"
)

// Marking a reply sent is the second write of every message, and under a
// light load it would be a Redis round trip of its own: the writer wakes,
// sends one script, Redis wakes, answers, the writer wakes again. A mark
// is therefore a lazy op: it does not wake the writer, it rides with the
// next pipeline that another write starts (usually the next message's
// commit, a fraction of a millisecond later under load), and a timer sends
// it on its own after LazyWait when nothing else comes. Its caller still
// waits for its outcome, so nothing is reported written before it is; what
// grows, by at most LazyWait, is the window in which a crash after a send
// leaves the entry pending and it is sent again after the restart
// (docs/storage.md).

// lazyOps holds the lazy ops waiting for a pipeline.
type lazyOps struct {
	mu    sync.Mutex
	ops   []*op
	timer *time.Timer // armed while ops wait; nil until the first
}

// runLazy runs a lazy op: it waits for the next pipeline, or LazyWait at
// most; with LazyWait zero or less it is an ordinary op.
func (s *Store) runLazy(ctx context.Context, sc *script, keys []string, args []any) (any, error) {
	if s.opts.LazyWait <= 0 {
		return s.run(ctx, sc, keys, args)
	}
	o, err := s.submit(ctx, sc, keys, args, s.deferLazy)
	if err != nil {
		return nil, err
	}
	return s.await(ctx, o)
}

// deferLazy puts o with the lazy ops and arms the timer for the first.
func (s *Store) deferLazy(o *op) error {
	s.lazy.mu.Lock()
	defer s.lazy.mu.Unlock()
	s.lazy.ops = append(s.lazy.ops, o)
	if len(s.lazy.ops) == 1 {
		if s.lazy.timer == nil {
			s.lazy.timer = time.AfterFunc(s.opts.LazyWait, s.flushLazy)
		} else {
			s.lazy.timer.Reset(s.opts.LazyWait)
		}
	}
	return nil
}

// takeLazy removes up to n waiting lazy ops (all of them when n is
// negative), for a pipeline about to go.
func (s *Store) takeLazy(n int) []*op {
	s.lazy.mu.Lock()
	defer s.lazy.mu.Unlock()
	if n == 0 || len(s.lazy.ops) == 0 {
		return nil
	}
	if n < 0 || n > len(s.lazy.ops) {
		n = len(s.lazy.ops)
	}
	taken := s.lazy.ops[:n:n]
	s.lazy.ops = s.lazy.ops[n:]
	if len(s.lazy.ops) == 0 {
		s.lazy.ops = nil
		s.lazy.timer.Stop()
	}
	return taken
}

// flushLazy is the timer's: lazy ops that no pipeline took within
// LazyWait are queued for the writer as ordinary ops.
func (s *Store) flushLazy() {
	s.queueMu.RLock()
	defer s.queueMu.RUnlock()
	if s.closed.Load() {
		return // Close queues them itself
	}
	s.drainLazy()
}

// drainLazy queues every waiting lazy op, its caller holding queueMu:
// the timer, and Close before it closes the queue, so each gets an
// outcome.
func (s *Store) drainLazy() {
	for _, o := range s.takeLazy(-1) {
		s.queue <- o
	}
}
