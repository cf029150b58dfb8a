package outbound

import (
	"context"
	"sync"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// handover lets a stopping actor give back the leases of entries it will
// not send, so the next process (a rolling deploy, a restart) sends them
// at once rather than after the leases run out. Entries being sent are
// not given back until their goroutine is done with them: one that ends
// after the actor stopped gives its entry back itself when it is still
// pending (a retry or 63016 was due). An entry sent but not recorded as
// sent is never given back: another process would send it again at once.
type handover struct {
	mu       sync.Mutex
	stopped  bool
	inflight map[string]bool // entries whose send goroutine has not finished
	keep     map[string]bool // sent or failed, but the store did not take the outcome
}

func newHandover() *handover {
	return &handover{inflight: map[string]bool{}, keep: map[string]bool{}}
}

// begin marks an entry as being sent.
func (h *handover) begin(id string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inflight[id] = true
}

// end marks an entry's attempt done and reports whether the actor still
// runs to take its result.
func (h *handover) end(r *result) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.inflight, r.entry.ID)
	if r.unrecorded != nil {
		h.keep[r.entry.ID] = true
	}
	return !h.stopped
}

// stop marks the actor stopped and returns the entries of lanes to give
// back: every one not being sent and not kept.
func (h *handover) stop(lanes map[string][]persistence.OutboxEntry) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.stopped = true
	var ids []string
	for _, q := range lanes {
		for _, e := range q {
			if !h.inflight[e.ID] && !h.keep[e.ID] {
				ids = append(ids, e.ID)
			}
		}
	}
	return ids
}

// handOver gives back what the stopping actor will not send, in a
// goroutine that shutdown waits for (Sends) before the store closes.
func (s *sender) handOver() {
	ids := s.hand.stop(s.lanes)
	if len(ids) == 0 {
		return
	}
	opts := s.opts
	opts.Sends.Add(1)
	go func() {
		defer opts.Sends.Done()
		release(opts, ids...)
	}()
}

// orphaned gives back the entry of an attempt that ended after the actor
// stopped, when it is still pending and this process's.
func orphaned(opts Options, r *result) {
	if (r.outcome == outRetry || r.outcome == outTemplate) && r.unrecorded == nil {
		release(opts, r.entry.ID)
	}
}

// release ends this process's leases on ids; a failure only means the
// next process waits for them to run out.
func release(opts Options, ids ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
	defer cancel()
	if err := opts.Store.Release(ctx, opts.Sender, opts.Holder, ids...); err != nil {
		opts.Logger.Warn("release outbox leases; another process sends these entries once the leases run out",
			"component", "outbound", "entries", len(ids), "err", err)
		return
	}
	opts.Logger.Info("released outbox leases of unsent entries", "component", "outbound", "entries", len(ids))
}
