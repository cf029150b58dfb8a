package runtime

import (
	"net/http"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// Option adjusts how New wires the process; tests use them to inject a
// clock, EMR clients or faults. Production passes none.
type Option func(*settings)

type settings struct {
	now        func() time.Time
	emrs       map[string]emr.Client
	fault      func(flow.Event)
	transport  outbound.Transport
	httpClient *http.Client
	shards     int
	// sendTimeout and storeWrap: see WithSendTimeout, WithStoreWrap
	// (transport.go).
	sendTimeout time.Duration
	storeWrap   func(persistence.Store) persistence.Store
	window      *time.Duration // WithWindow; nil: 24 h with Twilio
	// mediaTransport: see WithMediaTransport (media.go).
	mediaTransport http.RoundTripper
	// reminderPoll and reminderFired: see WithReminderPoll and
	// WithReminderObserver.
	reminderPoll  time.Duration
	reminderFired func(r persistence.Reminder, result string, at time.Time)
	// probeInterval and probeTimeout tune the store health pings (see
	// WithStoreProbe); zero takes the defaults.
	probeInterval, probeTimeout time.Duration
	// callbackRetry: see WithCallbackRetry.
	callbackRetry time.Duration
	// outboxLease and outboxRescan: see WithOutboxLease (leases.go).
	outboxLease, outboxRescan time.Duration
	// beatTTL: see WithBeatTTL (beat.go).
	beatTTL time.Duration
}

// WithCallbackRetry sets the first wait before a failed callback to the
// EMR is posted again (default 2 s, doubling); tests make it short.
func WithCallbackRetry(d time.Duration) Option { return func(s *settings) { s.callbackRetry = d } }

// WithClock makes the process read time from now.
func WithClock(now func() time.Time) Option { return func(s *settings) { s.now = now } }

// WithEMR replaces the EMR adapter of one hospital.
func WithEMR(code string, c emr.Client) Option {
	return func(s *settings) { s.emrs[code] = c }
}

// WithFault runs f before every conversation decision (tests make a
// conversation panic with it).
func WithFault(f func(flow.Event)) Option { return func(s *settings) { s.fault = f } }

// WithTransport replaces the outbound transport (Twilio or simulator).
func WithTransport(t outbound.Transport) Option { return func(s *settings) { s.transport = t } }

// WithShards sets the number of conversation shard supervisors.
func WithShards(n int) Option { return func(s *settings) { s.shards = n } }
