package callback

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// Options configures the callback actor.
type Options struct {
	Store persistence.Outbox
	Codec *Codec
	// Secret returns a hospital's callback_secret; "" (a hospital gone
	// from the configuration, or its secret removed) fails the callback
	// for good rather than post it unsigned.
	Secret func(hospital string) string
	// Client makes the requests; redirects are never followed (a POST
	// would turn into a GET). Default: a plain client.
	Client *http.Client
	// Timeout bounds one attempt; default 10 s.
	Timeout time.Duration
	// MaxAttempts bounds the attempts at one callback whose failures may
	// pass (5xx, 408, 425, 429, timeouts, no connection); default 10.
	MaxAttempts int
	// RetryBase and RetryCap bound the waits between attempts
	// (exponential with jitter); default 2 s and 10 min: with the defaults
	// a callback is tried for about half an hour.
	RetryBase, RetryCap time.Duration
	// MaxInFlight bounds the requests at once; default 16.
	MaxInFlight int
	// Holder names this process run and Lease is how long a claim on a
	// callback lasts: an answer is posted only under this process's lease,
	// so two processes sharing the store never post it both (see
	// persistence.OutboxLeases). Holder is required; Lease defaults to
	// DefaultLease.
	Holder string
	Lease  time.Duration
	// Alive, when set, tells what this process knows of its own beat
	// (persistence.Liveness): an attempt starts only while the beat
	// outlives it (its Timeout, recording the outcome and
	// persistence.BeatSlack), since another process may take the
	// callback once the beat has lapsed. Optional.
	Alive func() persistence.Beat
	// Now is the process clock: it stamps the signatures and the marks.
	Now     func() time.Time
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Sends counts attempts in flight so shutdown can wait for them.
	// Optional.
	Sends *sync.WaitGroup
}

// Defaults of Options.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultMaxAttempts = 10
	DefaultRetryBase   = 2 * time.Second
	DefaultRetryCap    = 10 * time.Minute
	DefaultMaxInFlight = 16
	// DefaultLease covers one attempt (Timeout) and recording it many
	// times over.
	DefaultLease = 2 * time.Minute
)

func (o *Options) defaults() {
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
	if o.MaxInFlight <= 0 {
		o.MaxInFlight = DefaultMaxInFlight
	}
	if o.Lease <= 0 {
		o.Lease = DefaultLease
	}
	if o.Holder == "" {
		o.Holder = persistence.NewHolder()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Sends == nil {
		o.Sends = &sync.WaitGroup{}
	}
	c := http.Client{}
	if o.Client != nil {
		c = *o.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	o.Client = &c
}

// Props returns the props of the process's callback actor.
func Props(o Options) *actor.Props {
	o.defaults()
	return actor.PropsFromProducer(func() actor.Actor { return newPoster(&o) })
}

// Notify tells the callback actor that entries of Sender were committed.
type Notify struct {
	Entries []persistence.OutboxEntry
}

// Reload tells the callback actor to read the pending callbacks from the
// store again: the runtime sends it when the store answers after an
// outage, since a commit whose answer was lost may have landed with
// answers no actor was told about. Entries it holds are not sent twice.
type Reload struct{}
