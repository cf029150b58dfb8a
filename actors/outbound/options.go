package outbound

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Transport delivers one message: Twilio in production, the simulator in
// the demo. It returns the provider's message id. A message with a
// ContentSID goes as that template, with ContentVariables, instead of its
// body and media.
type Transport interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// Options configures one outbound actor.
type Options struct {
	Sender    string
	Store     persistence.Outbox
	Codec     *Codec
	Transport Transport
	// Rate is how many sends per second the actor starts at most (the
	// sender's send_rate); default config.DefaultSendRate.
	Rate        int
	MaxInFlight int           // concurrent sends across patients; default 64
	Timeout     time.Duration // per send, including the store updates; default 15s
	// Window is WhatsApp's customer-service window: a message the
	// hospital's side starts (not a reply) to a patient who has not
	// written for this long goes as a template. 0 turns the check off
	// (the simulator has no window). Deliveries must be set with it.
	Window     time.Duration
	Deliveries persistence.Deliveries
	// Hospitals returns a hospital's configuration (templates, name) by
	// code; nil or a nil answer means no templates.
	Hospitals func(code string) *config.Hospital
	// MaxAttempts bounds the sends of one message that fail for a reason
	// that may pass; default 8.
	MaxAttempts int
	// RetryBase and RetryCap bound the waits between those attempts
	// (decorrelated jitter, backoff.go); default 1 s and 60 s.
	RetryBase, RetryCap time.Duration
	// AgeEvery is how often the oldest-pending-age gauge is refreshed;
	// default 5 s.
	AgeEvery time.Duration
	// Holder names this process run in outbox leases (lease.go); default
	// the Codec's (Codec.WithLease), else a new persistence.NewHolder.
	Holder string
	// Lease is how long a claim holds an entry; default the Codec's, else
	// DefaultLease.
	Lease time.Duration
	// Alive, when set, tells what this process knows of its own beat
	// (persistence.Liveness; lease.go). Optional: without it leases are
	// only time-bound.
	Alive func() persistence.Beat
	// Rescan is about how often the sender's pending entries are read
	// again (±20 %), so that entries of a stopped process are taken over
	// once their lease runs out; default DefaultRescan.
	Rescan time.Duration
	// Now is the process clock: the window and entry ages are measured
	// with it. The rate limit and retry waits use real time.
	Now     func() time.Time
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Sends counts sends in flight so shutdown can wait for them. Optional.
	Sends *sync.WaitGroup
	// Dispatcher runs the actor's mailbox; optional, protoactor's default
	// (a goroutine each time) when nil.
	Dispatcher actor.Dispatcher
	// Go runs each send (a goroutine: it waits for Twilio); optional, a
	// new goroutine each when nil. It must never wait to start fn.
	Go func(fn func())
}

// Defaults of Options.
const (
	DefaultMaxInFlight = 64
	DefaultTimeout     = 15 * time.Second
	DefaultMaxAttempts = 8
	DefaultRetryBase   = time.Second
	DefaultRetryCap    = 60 * time.Second
	DefaultLease       = 2 * time.Minute
	DefaultRescan      = 30 * time.Second
)

func (o *Options) defaults() {
	if o.Rate <= 0 {
		o.Rate = config.DefaultSendRate
	}
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.RetryCap < o.RetryBase {
		o.RetryCap = max(DefaultRetryCap, o.RetryBase)
	}
	if o.AgeEvery <= 0 {
		o.AgeEvery = 5 * time.Second
	}
	if o.Holder == "" && o.Codec != nil {
		o.Holder = o.Codec.holder
	}
	if o.Holder == "" {
		o.Holder = persistence.NewHolder()
	}
	if o.Lease <= 0 && o.Codec != nil {
		o.Lease = o.Codec.lease
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Rescan <= 0 {
		o.Rescan = DefaultRescan
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Go == nil {
		o.Go = func(fn func()) { go fn() }
	}
	if o.Sends == nil {
		o.Sends = &sync.WaitGroup{}
	}
	if o.Deliveries == nil {
		o.Window = 0
	}
}

// hospital returns the configuration of code, or nil.
func (o *Options) hospital(code string) *config.Hospital {
	if o.Hospitals == nil || code == "" {
		return nil
	}
	return o.Hospitals(code)
}

// Props returns the props of the outbound actor of one sender.
func Props(opts Options) *actor.Props {
	opts.defaults()
	props := []actor.PropsOption(nil)
	if opts.Dispatcher != nil {
		props = append(props, actor.WithDispatcher(opts.Dispatcher))
	}
	return actor.PropsFromProducer(func() actor.Actor { return newSender(opts) }, props...)
}
