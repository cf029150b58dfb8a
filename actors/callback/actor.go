package callback

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// loadBatch is how many pending callbacks are read at a time at start-up.
const loadBatch = 500

// recentSize is how many finished ids are remembered, so a Notify that
// arrives after a read of the pending set already sent its entry does
// not send it again.
const recentSize = 2048

// Messages the actor sends itself.
type (
	loaded struct {
		entries []persistence.OutboxEntry
		err     error
	}
	retryDue struct{ entry persistence.OutboxEntry }
)

// poster is the callback actor. It holds the callbacks to post (waiting
// for a slot, in flight, or waiting for a retry), never blocks in
// Receive, and gets every attempt's end back as a message.
type poster struct {
	o       *Options
	log     *slog.Logger
	waiting []persistence.OutboxEntry
	known   map[string]bool        // waiting, in flight or waiting for a retry
	timers  map[string]*time.Timer // retry waits by entry id
	done    map[string]bool        // finished lately (ring below)
	ring    []string
	next    int
	running int

	loading   bool
	again     bool // a Reload came during a read: read once more after it
	more      bool // the last read was full: read again once idle
	loadFails int
	stopped   bool
	// gone is set when the actor stops, for attempts still running then
	// (see handOver).
	gone atomic.Bool
}

func newPoster(o *Options) *poster {
	return &poster{
		o: o, log: o.Logger.With("component", "callbacks"),
		known: map[string]bool{}, timers: map[string]*time.Timer{}, done: map[string]bool{}, ring: make([]string, recentSize),
	}
}

// Receive is the actor's mailbox loop.
func (p *poster) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		p.load(ctx)
	case *Notify:
		p.add(ctx, m.Entries)
	case *loaded:
		p.gotLoaded(ctx, m)
	case *Reload:
		p.load(ctx)
	case *finished:
		p.finished(ctx, m)
	case *retryDue:
		delete(p.timers, m.entry.ID)
		p.waiting = append(p.waiting, m.entry)
		p.pump(ctx)
	case *actor.Stopping:
		p.stopped = true
		p.gone.Store(true)
		ids := make([]string, 0, len(p.waiting)+len(p.timers))
		for _, e := range p.waiting {
			ids = append(ids, e.ID)
		}
		for id, t := range p.timers {
			t.Stop()
			delete(p.timers, id)
			ids = append(ids, id)
		}
		p.handOver(ids...)
	}
}

// load reads pending callbacks, such as those a previous run left.
func (p *poster) load(ctx actor.Context) {
	if p.stopped {
		return
	}
	if p.loading {
		p.again = true
		return
	}
	p.loading = true
	store, system, self := p.o.Store, ctx.ActorSystem(), ctx.Self()
	p.o.Sends.Add(1)
	go func() {
		defer p.o.Sends.Done()
		c, cancel := context.WithTimeout(context.Background(), markTimeout)
		defer cancel()
		entries, err := store.Pending(c, Sender, loadBatch)
		system.Root.Send(self, &loaded{entries: entries, err: err})
	}()
}

func (p *poster) gotLoaded(ctx actor.Context, m *loaded) {
	p.loading = false
	if m.err != nil {
		p.loadFails++
		wait := min(time.Second<<min(p.loadFails-1, 5), 30*time.Second)
		p.log.Warn("read pending callbacks; will try again", "err", m.err, "in", wait)
		p.later(ctx, "", &Reload{}, wait)
		return
	}
	p.loadFails = 0
	p.more = len(m.entries) == loadBatch
	p.add(ctx, m.entries)
	if p.again {
		p.again = false
		p.load(ctx)
	}
}

// add takes entries not already held or finished.
func (p *poster) add(ctx actor.Context, entries []persistence.OutboxEntry) {
	for _, e := range entries {
		if e.Sender != Sender || p.known[e.ID] || p.done[e.ID] {
			continue
		}
		p.known[e.ID] = true
		p.waiting = append(p.waiting, e)
	}
	p.pump(ctx)
}

// pump starts attempts while there are slots.
func (p *poster) pump(ctx actor.Context) {
	for !p.stopped && p.running < p.o.MaxInFlight && len(p.waiting) > 0 {
		e := p.waiting[0]
		p.waiting = p.waiting[1:]
		p.running++
		o, system, self := p.o, ctx.ActorSystem(), ctx.Self()
		o.Sends.Add(1)
		go func() {
			defer o.Sends.Done()
			f := attempt(o, e)
			if f.outcome == outRetry && p.gone.Load() {
				release(o, e.ID) // the actor stopped meanwhile: nobody retries it here
				return
			}
			system.Root.Send(self, f)
		}()
	}
	if p.running == 0 && len(p.waiting) == 0 && len(p.timers) == 0 && p.more {
		p.more = false
		p.load(ctx)
	}
}

// finished counts an attempt's end and schedules what follows.
func (p *poster) finished(ctx actor.Context, f *finished) {
	p.running--
	id := f.entry.ID
	switch f.outcome {
	case outSent:
		p.o.Metrics.Callbacks.WithLabelValues("sent").Inc()
		if f.err != nil {
			p.log.Error("callback posted but not recorded; a restart posts it again", "entry", id, "err", f.err)
		}
	case outGone:
		// Another process posted it (or gave it up): not ours to count.
	case outWait:
		wait := max(f.retryAfter, p.o.RetryBase)
		p.log.Debug("callback held elsewhere or not claimed; will look again", "entry", id, "code", f.code, "in", wait, "err", f.err)
		p.later(ctx, id, &retryDue{entry: f.entry}, wait)
		p.pump(ctx)
		return
	case outRetry:
		p.o.Metrics.Callbacks.WithLabelValues("retried").Inc()
		wait := p.wait(f.entry.Attempts, f.retryAfter)
		p.log.Warn("callback failed; will retry", "entry", id, "attempts", f.entry.Attempts, "code", f.code, "in", wait, "err", f.err)
		p.later(ctx, id, &retryDue{entry: f.entry}, wait)
		p.pump(ctx)
		return
	default:
		p.o.Metrics.Callbacks.WithLabelValues("failed").Inc()
		p.log.Error("callback failed for good", "entry", id, "attempts", f.entry.Attempts+1, "code", f.code, "err", f.err)
	}
	delete(p.known, id)
	p.remember(id)
	p.pump(ctx)
}

// wait is the pause before attempt n+1: exponential from RetryBase, at
// most RetryCap, drawn in its upper half so failures spread out, and
// never shorter than the EMR's Retry-After.
func (p *poster) wait(n int, retryAfter time.Duration) time.Duration {
	d := min(p.o.RetryBase<<min(max(n-1, 0), 20), p.o.RetryCap)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	return min(max(d, retryAfter), max(p.o.RetryCap, retryAfter))
}

// later sends msg to the actor after d; id names a retry timer.
func (p *poster) later(ctx actor.Context, id string, msg any, d time.Duration) {
	if p.stopped {
		return
	}
	system, self := ctx.ActorSystem(), ctx.Self()
	t := time.AfterFunc(d, func() { system.Root.Send(self, msg) })
	if id != "" {
		p.timers[id] = t
	}
}

// remember adds a finished id to the ring, forgetting the oldest.
func (p *poster) remember(id string) {
	if old := p.ring[p.next]; old != "" {
		delete(p.done, old)
	}
	p.ring[p.next] = id
	p.done[id] = true
	p.next = (p.next + 1) % len(p.ring)
}

// handOver gives back this process's leases on callbacks it will not post
// (waiting, or waiting for a retry) as it stops, so the next process posts
// them at once rather than when the leases run out.
func (p *poster) handOver(ids ...string) {
	if len(ids) == 0 {
		return
	}
	o := p.o
	o.Sends.Add(1)
	go func() {
		defer o.Sends.Done()
		release(o, ids...)
	}()
}

// release ends this process's leases on ids; a failure only means the
// next process waits for them to run out.
func release(o *Options, ids ...string) {
	ctx, cancel := context.WithTimeout(context.Background(), markTimeout)
	defer cancel()
	if err := o.Store.Release(ctx, Sender, o.Holder, ids...); err != nil {
		o.Logger.Warn("release callback leases; another process posts these answers once the leases run out",
			"component", "callbacks", "entries", len(ids), "err", err)
	}
}
