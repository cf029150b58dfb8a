package runtime

import (
	"fmt"
	"net/http"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// newTwilioTransport sends outbox messages as WhatsApp messages via Twilio,
// asking for delivery reports on /twilio/status. timeout bounds one send
// (0: the client's default). Every sender's outbound actor sends through
// it to the same host, each up to outbound.DefaultMaxInFlight at once, so
// it keeps that many connections alive per sender: with fewer, the
// connections beyond them are closed after each send and opened again for
// the next (a TLS handshake each, with Twilio).
func newTwilioTransport(cfg config.Config, timeout time.Duration) (*outbound.TwilioTransport, error) {
	conns := outbound.DefaultMaxInFlight * max(len(config.SenderRates(cfg.Hospitals)), 1)
	c, err := twilio.New(twilio.Options{
		AccountSID: cfg.TwilioAccountSID, AuthToken: cfg.TwilioAuthToken.Value(), BaseURL: cfg.TwilioAPIBaseURL, Timeout: timeout,
		Transport: twilioHTTPTransport(conns),
	})
	if err != nil {
		return nil, fmt.Errorf("set up twilio client: %w", err)
	}
	return &outbound.TwilioTransport{Client: c, StatusCallback: cfg.PublicURL + "/twilio/status"}, nil
}

// WithSendTimeout bounds one send to Twilio (default 10 s); tests shorten
// it to exercise timeouts quickly.
func WithSendTimeout(d time.Duration) Option { return func(s *settings) { s.sendTimeout = d } }

// outboundTimeout bounds one attempt of an outbound actor: the send, then
// the store updates (outbound.Options.Timeout).
func (s *settings) outboundTimeout() time.Duration {
	if s.sendTimeout > 0 {
		return s.sendTimeout + 5*time.Second
	}
	return outbound.DefaultTimeout
}

// WithStoreWrap lets a test see (or disturb) every store call: wrap gets
// the opened store and returns the one the process uses.
func WithStoreWrap(wrap func(persistence.Store) persistence.Store) Option {
	return func(s *settings) { s.storeWrap = wrap }
}

// WithWindow sets the customer-service window the outbound actors check
// messages the hospital starts against (default: WhatsApp's 24 h when
// Twilio sends, none with the simulator); 0 turns the check off, for
// tests whose fake Twilio does not enforce the window either.
func WithWindow(d time.Duration) Option { return func(s *settings) { s.window = &d } }

// outboundOptions configures the outbound actor of sender: the lowest
// send_rate of the hospitals sharing it, WhatsApp's 24 h window unless
// the simulator sends (it has none), and the hospitals' templates.
func (a *App) outboundOptions(sender string, transport outbound.Transport, s *settings) outbound.Options {
	hospitals := make(map[string]*config.Hospital, len(a.cfg.Hospitals))
	for i := range a.cfg.Hospitals {
		hospitals[a.cfg.Hospitals[i].Code] = &a.cfg.Hospitals[i]
	}
	opts := outbound.Options{
		Sender: sender, Store: a.store, Codec: a.codec, Transport: transport,
		Rate: config.SenderRates(a.cfg.Hospitals)[sender], Deliveries: a.store,
		Hospitals: func(code string) *config.Hospital { return hospitals[code] },
		Now:       a.now, Metrics: a.metrics, Logger: a.log, Sends: &a.sends,
		Dispatcher: a.mailboxes, Go: a.sendPool.Schedule,
	}
	opts.Timeout = s.outboundTimeout()
	a.leaseOutbox(&opts, s)
	switch {
	case s.window != nil:
		opts.Window = *s.window
	case a.sink == nil:
		opts.Window = outbound.DefaultWindow
	}
	return opts
}

// newStatuses records Twilio's status callbacks and hands 63016 failures
// to the sender's outbound actor for the template fallback.
func (a *App) newStatuses() *outbound.Statuses {
	return outbound.NewStatuses(outbound.StatusOptions{
		Store: a.store, Metrics: a.metrics, Logger: a.log,
		OutsideWindow: func(e persistence.OutboxEntry) {
			if pid := a.outbound.pid(e.Sender); pid != nil {
				a.system.Root.Send(pid, &outbound.OutsideWindow{Entry: e})
			}
		},
	})
}

// twilioHTTPTransport is http.DefaultTransport's configuration keeping up
// to conns idle connections to Twilio (nil, the client's default, when
// http.DefaultTransport was replaced by something else).
func twilioHTTPTransport(conns int) http.RoundTripper {
	d, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return nil
	}
	t := d.Clone()
	t.MaxIdleConns = max(t.MaxIdleConns, conns)
	t.MaxIdleConnsPerHost = conns
	return t
}
