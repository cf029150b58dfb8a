package outbound

import (
	"log/slog"
	"slices"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// recoverBatch is how many pending entries are loaded at a time after a
// restart.
const recoverBatch = 1000

// sender is the outbound actor of one WhatsApp sender.
type sender struct {
	opts    Options
	log     *slog.Logger
	lanes   map[string][]persistence.OutboxEntry
	busy    map[string]bool    // a send in flight, or waiting for a retry
	known   map[string]bool    // entry ids queued or in flight
	plain   map[string]Message // messages of queued entries, as Notify gave them
	recent  *recent            // entry ids finished lately (recent.go)
	order   []string           // idle lanes with work, in turn (round robin)
	running int
	count   int  // entries in lanes
	peak    int  // the most entries known at once since the maps were made (shrink)
	more    bool // the last recovery batch was full: load again when drained

	bucket *bucket
	armed  bool                     // a tick is coming for the bucket
	force  map[string]bool          // entries to send as a template (after 63016)
	waits  map[string]time.Duration // the last retry wait per entry (backoff.go)
	// fellBack holds entries whose 63016 callback was handled, so a
	// repeated callback does not make a second fallback (fallback.go).
	fellBack map[string]bool
	quit     chan struct{} // stops the age ticker
	// parked counts the refused claims of entries another process holds
	// (lease.go); hand gives back leases when the actor stops.
	parked map[string]int
	hand   *handover
	life   uint64 // this instance among restarts (rescan)

	// The sender's gauges, looked up once: they change with every entry.
	pendingGauge, oldestGauge prometheus.Gauge

	// Reading pending entries (recovery.go): one read at a time; again
	// asks for one more after it. settled holds the entries finished while
	// a read was out, which that read may still list as pending.
	loading   bool
	again     bool
	loadFails int
	settled   map[string]bool
}

// loaded is a batch of pending entries read after a (re)start.
type loaded struct {
	entries []persistence.OutboxEntry
	err     error
}

// retry is the timer's signal that a lane's head may be tried again.
type retry struct{ lane string }

// tick is the timer's signal that the bucket has a token again.
type tick struct{}

func newSender(opts Options) *sender {
	return &sender{
		opts:     opts,
		log:      opts.Logger.With("component", "outbound"),
		lanes:    map[string][]persistence.OutboxEntry{},
		busy:     map[string]bool{},
		known:    map[string]bool{},
		plain:    map[string]Message{},
		recent:   newRecent(recentSize),
		settled:  map[string]bool{},
		bucket:   newBucket(opts.Rate),
		force:    map[string]bool{},
		waits:    map[string]time.Duration{},
		fellBack: map[string]bool{},
		parked:   map[string]int{},
		hand:     newHandover(),
		life:     lives.Add(1),
	}
}

// gauges looks the sender's gauges up the first time they are needed.
func (s *sender) gauges() {
	if s.pendingGauge == nil {
		s.pendingGauge = s.opts.Metrics.OutboxPending.WithLabelValues(s.opts.Sender)
		s.oldestGauge = s.opts.Metrics.OutboxOldestAge.WithLabelValues(s.opts.Sender)
	}
}

// Receive is the actor's mailbox loop. Nothing here waits: sends, store
// writes and the pauses of the rate limit and of retries happen in
// goroutines and timers whose outcome comes back as a message.
func (s *sender) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		s.startAgeTicker(ctx)
		s.reload(ctx)
		s.nextRescan(ctx)
	case *Reload:
		s.reload(ctx)
	case *rescan:
		if m.life == s.life {
			s.reload(ctx)
			s.nextRescan(ctx)
		}
	case *loaded:
		s.loadedBatch(ctx, m)
	case *remark:
		s.remark(ctx, m)
	case *remarked:
		s.remarked(ctx, m)
	case *Notify:
		s.add(m.Entries)
		if len(m.Messages) == len(m.Entries) {
			for i, e := range m.Entries {
				if s.known[e.ID] {
					s.plain[e.ID] = m.Messages[i]
				}
			}
		}
		s.schedule(ctx)
	case *OutsideWindow:
		s.fallBack(ctx, m.Entry)
	case *result:
		s.finished(ctx, m)
	case *retry:
		s.busy[m.lane] = false
		if len(s.lanes[m.lane]) > 0 {
			s.order = append(s.order, m.lane)
		}
		s.schedule(ctx)
	case *tick:
		s.armed = false
		s.schedule(ctx)
	case *ageTick:
		s.refreshAge()
	case *actor.Stopping:
		s.stopAgeTicker()
		s.handOver()
	case *actor.Restarting:
		s.stopAgeTicker()
		s.opts.Metrics.ActorRestarts.WithLabelValues("outbound").Inc()
	}
}

// add queues entries on their lanes, once each, in id (creation) order
// behind the head of a busy lane: an entry another process made and a
// read of the store found may be older than this process's own.
func (s *sender) add(entries []persistence.OutboxEntry) {
	for _, e := range entries {
		if s.known[e.ID] || s.recent.has(e.ID) {
			continue
		}
		s.known[e.ID] = true
		s.peak = max(s.peak, len(s.known))
		s.count++
		q := s.lanes[e.Lane]
		if len(q) == 0 && !s.busy[e.Lane] {
			s.order = append(s.order, e.Lane)
		}
		first := 0
		if s.busy[e.Lane] {
			first = 1 // its head is being sent or waits for a retry
		}
		i := len(q)
		for i > first && q[i-1].ID > e.ID {
			i--
		}
		s.lanes[e.Lane] = slices.Insert(q, i, e)
	}
	s.gauge()
}

// schedule starts the heads of idle lanes in turn, as the bucket and
// MaxInFlight allow. Lanes take turns (a lane goes to the back of the
// order after each send), so one patient with many messages cannot hold
// back the others; within a lane one send at a time keeps the order.
// When the bucket is empty a timer brings the next token.
func (s *sender) schedule(ctx actor.Context) {
	for s.running < s.opts.MaxInFlight && len(s.order) > 0 {
		lane := s.order[0]
		q := s.lanes[lane]
		if s.busy[lane] || len(q) == 0 {
			s.order = s.order[1:]
			continue
		}
		if wait := s.bucket.take(time.Now()); wait > 0 {
			s.arm(ctx, wait)
			return
		}
		s.order = s.order[1:]
		s.start(ctx, q[0])
	}
	if s.running == 0 && len(s.order) == 0 && s.more {
		s.more = false
		s.reload(ctx)
	}
}

// arm asks for a tick after wait, unless one is coming.
func (s *sender) arm(ctx actor.Context, wait time.Duration) {
	if s.armed {
		return
	}
	s.armed = true
	s.later(ctx, &tick{}, wait)
}

// start makes one attempt at an entry in a goroutine; the result comes
// back as a message.
func (s *sender) start(ctx actor.Context, e persistence.OutboxEntry) {
	s.running++
	s.busy[e.Lane] = true
	// The send's closure holds a pointer to the options, which do not
	// change, rather than a copy of their few hundred bytes.
	opts, force, hand := &s.opts, s.force[e.ID], s.hand
	plain, known := s.plain[e.ID]
	var msg *Message
	if known {
		msg = &plain
	}
	system, self := ctx.ActorSystem(), ctx.Self()
	opts.Sends.Add(1)
	hand.begin(e.ID)
	opts.Go(func() {
		defer opts.Sends.Done()
		r := deliver(*opts, e, msg, force)
		if hand.end(r) {
			system.Root.Send(self, r)
			return
		}
		orphaned(*opts, r)
	})
}

// gauge exports how many entries wait. It is called on every change, so
// it costs nothing per entry; the age of the oldest is refreshed by the
// age ticker (age.go).
func (s *sender) gauge() {
	s.gauges()
	s.pendingGauge.Set(float64(s.count))
	if s.count == 0 {
		s.oldestGauge.Set(0)
	}
}

// shrinkAfter is the backlog beyond which the per-entry maps are made
// afresh once it has drained: a Go map keeps the size of its busiest
// moment, and a burst of thousands of replies would otherwise hold that
// memory for as long as the process runs.
const shrinkAfter = 1024

// shrink replaces the lane and entry maps, empty by now, once a backlog
// that grew them past shrinkAfter is gone.
func (s *sender) shrink() {
	if s.peak < shrinkAfter || len(s.known) > 0 || s.count > 0 || len(s.busy) > 0 {
		return
	}
	s.lanes, s.busy, s.known = map[string][]persistence.OutboxEntry{}, map[string]bool{}, map[string]bool{}
	s.plain = map[string]Message{}
	s.peak = 0
}
