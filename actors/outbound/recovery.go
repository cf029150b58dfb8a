package outbound

import (
	"context"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// The outbound actor recovers from store failures by itself: a read of the
// pending entries that failed is tried again with backoff, and an outcome
// (sent, failed for good) that could not be written is written again until
// it is, with the entry still counted as known so that no read of the
// pending set sends it twice meanwhile.

// maxBackoff bounds the wait between two tries against the store.
const maxBackoff = 30 * time.Second

// backoff is the wait before the n-th try (n ≥ 1): 1 s, doubling, at most
// maxBackoff.
func backoff(n int) time.Duration {
	if n > 6 {
		return maxBackoff
	}
	return min(time.Second<<max(n-1, 0), maxBackoff)
}

// mark is a send's outcome to write to the store.
type mark struct {
	sent       bool
	providerID string // when sent
	reason     string // when failed for good
}

// write records the outcome of entry e.
func (m *mark) write(ctx context.Context, opts Options, e persistence.OutboxEntry) error {
	if m.sent {
		return opts.Store.MarkSent(ctx, e.Sender, e.ID, m.providerID, opts.Now())
	}
	return opts.Store.MarkFailed(ctx, e.Sender, e.ID, m.reason, true, opts.Now())
}

// remark asks the actor to write an unrecorded outcome again.
type remark struct {
	entry   persistence.OutboxEntry
	mark    *mark
	attempt int
}

// remarked is the result of one such write.
type remarked struct {
	remark
	err error
}

// reload reads the sender's pending entries, one read at a time.
func (s *sender) reload(ctx actor.Context) {
	if s.loading {
		s.again = true
		return
	}
	s.loading = true
	store, sender, timeout := s.opts.Store, s.opts.Sender, s.opts.Timeout
	system, self := ctx.ActorSystem(), ctx.Self()
	go func() {
		lctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		entries, err := store.Pending(lctx, sender, recoverBatch)
		system.Root.Send(self, &loaded{entries: entries, err: err})
	}()
}

// loadedBatch queues what a read found, minus what finished meanwhile; a
// failed read is tried again after a backoff.
func (s *sender) loadedBatch(ctx actor.Context, m *loaded) {
	s.loading = false
	settled := s.settled
	s.settled = map[string]bool{}
	if m.err != nil {
		s.loadFails++
		wait := backoff(s.loadFails)
		s.log.Error("load pending outbox; will try again", "in", wait, "err", m.err)
		s.later(ctx, &Reload{}, wait)
	} else {
		s.loadFails = 0
		s.more = len(m.entries) == recoverBatch
		fresh := make([]persistence.OutboxEntry, 0, len(m.entries))
		for _, e := range m.entries {
			if !settled[e.ID] {
				fresh = append(fresh, e)
			}
		}
		s.add(fresh)
		s.schedule(ctx)
	}
	if s.again && !s.loading {
		s.again = false
		s.reload(ctx)
	}
}

// forget drops a finished entry; a read in flight may still list it.
func (s *sender) forget(id string) {
	delete(s.known, id)
	s.recent.add(id)
	if s.loading {
		s.settled[id] = true
	}
}

// unrecorded takes a finished send whose outcome the store did not take:
// the entry stays known (a read would list it as pending) and the outcome
// is written again later.
func (s *sender) unrecorded(ctx actor.Context, r *result) {
	s.log.Warn("send outcome not recorded; will record it again", "entry", r.entry.ID, "sent", r.unrecorded.sent, "err", r.err)
	s.known[r.entry.ID] = true
	s.later(ctx, &remark{entry: r.entry, mark: r.unrecorded, attempt: 1}, backoff(1))
}

// remark writes an unrecorded outcome in a goroutine.
func (s *sender) remark(ctx actor.Context, m *remark) {
	opts := s.opts
	system, self := ctx.ActorSystem(), ctx.Self()
	opts.Sends.Add(1)
	go func() {
		defer opts.Sends.Done()
		wctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
		defer cancel()
		system.Root.Send(self, &remarked{remark: *m, err: m.mark.write(wctx, opts, m.entry)})
	}()
}

// remarked forgets the entry once its outcome is written, else tries again.
func (s *sender) remarked(ctx actor.Context, m *remarked) {
	if m.err != nil {
		next := m.remark
		next.attempt++
		s.log.Debug("record send outcome failed again", "entry", m.entry.ID, "attempt", m.attempt, "err", m.err)
		s.later(ctx, &next, backoff(next.attempt))
		return
	}
	s.log.Info("send outcome recorded", "entry", m.entry.ID, "attempts", m.attempt)
	s.forget(m.entry.ID)
}

// later sends msg to the actor itself after wait.
func (s *sender) later(ctx actor.Context, msg any, wait time.Duration) {
	system, self := ctx.ActorSystem(), ctx.Self()
	time.AfterFunc(wait, func() { system.Root.Send(self, msg) })
}
