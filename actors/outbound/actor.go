package outbound

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Transport delivers one message: Twilio in production, the simulator in
// the demo. It returns the provider's message id.
type Transport interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// Options configures one outbound actor.
type Options struct {
	Sender      string
	Store       persistence.Outbox
	Codec       *Codec
	Transport   Transport
	MaxInFlight int           // concurrent sends across patients; default 16
	Timeout     time.Duration // per send, including the store update; default 15s
	Now         func() time.Time
	Metrics     *metrics.Metrics
	Logger      *slog.Logger
	// Sends counts sends in flight so shutdown can wait for them. Optional.
	Sends *sync.WaitGroup
}

func (o *Options) defaults() {
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = 16
	}
	if o.Timeout <= 0 {
		o.Timeout = 15 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sends == nil {
		o.Sends = &sync.WaitGroup{}
	}
}

// Props returns the props of the outbound actor of one sender.
func Props(opts Options) *actor.Props {
	opts.defaults()
	return actor.PropsFromProducer(func() actor.Actor { return newSender(opts) })
}

// recoverBatch is how many pending entries are loaded at a time after a
// restart.
const recoverBatch = 1000

type sender struct {
	opts    Options
	log     *slog.Logger
	lanes   map[string][]persistence.OutboxEntry
	busy    map[string]bool
	known   map[string]bool // entry ids queued or in flight
	order   []string        // lanes in the order they got work
	running int
	more    bool // the last recovery batch was full: load again when drained

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

// result is one finished send.
type result struct {
	entry      persistence.OutboxEntry
	providerID string
	err        error
	retryIn    time.Duration // > 0: still pending, try again after this
	// unrecorded is the outcome that could not be written to the store;
	// it is written again until it is (recovery.go).
	unrecorded *mark
}

// retry is the timer's signal that a lane's head may be tried again.
type retry struct{ lane string }

func newSender(opts Options) *sender {
	return &sender{
		opts:    opts,
		log:     opts.Logger.With("component", "outbound"),
		lanes:   map[string][]persistence.OutboxEntry{},
		busy:    map[string]bool{},
		known:   map[string]bool{},
		settled: map[string]bool{},
	}
}

// Receive is the actor's mailbox loop.
func (s *sender) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		s.reload(ctx)
	case *Reload:
		s.reload(ctx)
	case *loaded:
		s.loadedBatch(ctx, m)
	case *remark:
		s.remark(ctx, m)
	case *remarked:
		s.remarked(ctx, m)
	case *Notify:
		s.add(m.Entries)
		s.schedule(ctx)
	case *result:
		s.finished(ctx, m)
	case *retry:
		if q := s.lanes[m.lane]; len(q) > 0 && s.running < s.opts.MaxInFlight {
			s.start(ctx, q[0])
			return
		}
		s.busy[m.lane] = false
		s.order = append(s.order, m.lane)
		s.schedule(ctx)
	case *actor.Restarting:
		s.opts.Metrics.ActorRestarts.WithLabelValues("outbound").Inc()
	}
}

// add queues entries on their lanes, once each.
func (s *sender) add(entries []persistence.OutboxEntry) {
	for _, e := range entries {
		if s.known[e.ID] {
			continue
		}
		s.known[e.ID] = true
		if len(s.lanes[e.Lane]) == 0 && !s.busy[e.Lane] {
			s.order = append(s.order, e.Lane)
		}
		s.lanes[e.Lane] = append(s.lanes[e.Lane], e)
	}
	s.gauge()
}

// schedule starts the head of every idle lane, up to MaxInFlight.
func (s *sender) schedule(ctx actor.Context) {
	kept := s.order[:0]
	for _, lane := range s.order {
		if s.running >= s.opts.MaxInFlight || s.busy[lane] {
			kept = append(kept, lane)
			continue
		}
		q := s.lanes[lane]
		if len(q) == 0 {
			continue
		}
		s.start(ctx, q[0])
	}
	s.order = kept
	if s.running == 0 && len(s.order) == 0 && s.more {
		s.more = false
		s.reload(ctx)
	}
}

// start sends one entry and records the outcome in the store, in a
// goroutine; the result comes back as a message.
func (s *sender) start(ctx actor.Context, e persistence.OutboxEntry) {
	s.running++
	s.busy[e.Lane] = true
	opts := s.opts
	system, self := ctx.ActorSystem(), ctx.Self()
	opts.Sends.Add(1)
	go func() {
		defer opts.Sends.Done()
		system.Root.Send(self, deliver(opts, e))
	}()
}

// finished moves the lane on.
func (s *sender) finished(ctx actor.Context, r *result) {
	s.running--
	lane := r.entry.Lane
	if r.retryIn > 0 {
		// The lane waits: later messages to this patient must not pass it.
		s.opts.Metrics.SendRetries.Inc()
		s.log.Warn("send failed; will retry", "entry", r.entry.ID, "lane", lane, "in", r.retryIn, "err", r.err)
		s.lanes[lane][0] = r.entry
		system, self := ctx.ActorSystem(), ctx.Self()
		time.AfterFunc(r.retryIn, func() { system.Root.Send(self, &retry{lane: lane}) })
		s.schedule(ctx)
		return
	}
	s.busy[lane] = false
	s.forget(r.entry.ID)
	if q := s.lanes[lane]; len(q) > 0 && q[0].ID == r.entry.ID {
		s.lanes[lane] = q[1:]
	}
	if len(s.lanes[lane]) == 0 {
		delete(s.lanes, lane)
		delete(s.busy, lane)
	} else {
		s.order = append(s.order, lane)
	}
	switch {
	case r.unrecorded != nil:
		s.unrecorded(ctx, r)
	case r.err != nil:
		s.opts.Metrics.MessagesOut.WithLabelValues("failed").Inc()
		s.log.Warn("send message failed", "entry", r.entry.ID, "lane", lane, "err", r.err)
	default:
		s.opts.Metrics.MessagesOut.WithLabelValues("sent").Inc()
	}
	s.gauge()
	s.schedule(ctx)
}

func (s *sender) gauge() {
	n := 0
	for _, q := range s.lanes {
		n += len(q)
	}
	s.opts.Metrics.OutboxPending.WithLabelValues(s.opts.Sender).Set(float64(n))
}
