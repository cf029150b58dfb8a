package simulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/emr/demo"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// Options wires the simulator to the running process.
type Options struct {
	// Sink receives the bot's outbound messages in place of Twilio. Nil
	// when replies go out through Twilio to the real WhatsApp number: the
	// page then says so and shows only what the person sends.
	Sink *Sink
	// Submit runs an inbound form through the real Twilio webhook handler
	// (signed like Twilio when a token is configured) and returns the HTTP
	// status it answered, so the page exercises the same path as WhatsApp.
	Submit func(ctx context.Context, form url.Values) (status int, err error)
	// Hospitals are offered on the page; a message goes to its hospital's
	// sender.
	Hospitals []config.Hospital
	// Demo, when set, adds the demo EMR's record and payment pages.
	Demo *demo.EMR
	// Confirm delivers a paid video appointment's confirmation to the
	// conversation waiting for it; it may be nil when Demo is nil.
	Confirm func(ctx context.Context, hospitalCode string, v demo.VideoConfirmation) error
	// Reminders, with Demo, lets the page schedule a reminder of each kind
	// for the chat's number at the demo hospital through the process's own
	// scheduler (the one /v1 uses), and adds the route where the
	// simulator plays the EMR receiving the patient's answers. Nil: the
	// page offers no reminders.
	Reminders reminder.Scheduler
	// OptedOut reports whether the patient phone sent stop for reminders
	// of kind from hospital, so the page can say that the reminder it
	// scheduled will be skipped. Optional.
	OptedOut func(ctx context.Context, hospital, phone, kind string) (bool, error)
	// Now is the process's clock, which the scheduler and the callback
	// signatures use too. Nil: time.Now.
	Now func() time.Time
	// PublicURL is the base URL media links are built on, so that the
	// EMR, which receives them, can fetch the files. Empty: the request's
	// own host.
	PublicURL string
	// Token, when set, is required by every simulator route (as a
	// bearer header, or a cookie the page gets from /?token=...), except
	// the unguessable media URLs the EMR fetches.
	Token string
	// LoopbackOnly refuses requests whose Host is not a loopback name: set
	// when the simulator reaches real data without a token, so that a web
	// page rebinding its own name to 127.0.0.1 cannot drive it.
	LoopbackOnly bool
	// Logger records failures of the webhook or of payment confirmations,
	// never message contents or numbers. Nil discards.
	Logger *slog.Logger
}

// longPoll bounds one GET /simulator/messages: short enough for proxies
// and browsers to keep the request open, long enough to be cheap.
const longPoll = 25 * time.Second

// handlers holds the simulator's state shared by its routes.
type handlers struct {
	opts  Options
	media *mediaStore
	// account is the AccountSid put on simulated webhooks; the runtime's
	// Submit may replace it when it signs.
	account string
	// epoch changes with every process, so a page kept open across a
	// restart knows its message cursor no longer applies.
	epoch string
	poll  time.Duration
	gate  gate
	// answers are the callback ids the simulated EMR has shown, so that a
	// callback posted again (delivery is at least once) shows once.
	answers *recent
}

// Routes returns the simulator's part of the route table: the chat page
// and its API, plus the demo EMR's record and payment pages when
// opts.Demo is set, all behind the token when one is set. Submit is
// required.
func Routes(opts Options) []server.Route {
	return newHandlers(opts).routes()
}

func newHandlers(opts Options) *handlers {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.PublicURL = strings.TrimRight(opts.PublicURL, "/")
	return &handlers{
		opts:    opts,
		media:   newMediaStore(maxMediaFiles),
		account: "AC" + randomHex(16),
		epoch:   randomHex(8),
		poll:    longPoll,
		gate:    newGate(opts),
		answers: newRecent(maxAnswers),
	}
}

func (h *handlers) routes() []server.Route {
	guarded := []server.Route{
		{Method: http.MethodGet, Path: "/", Handler: h.page},
		{Method: http.MethodGet, Path: "/simulator/assets/:name", Handler: h.asset},
		{Method: http.MethodPost, Path: "/simulator/send", Handler: h.send},
		{Method: http.MethodPost, Path: "/simulator/media", Handler: h.upload},
		{Method: http.MethodGet, Path: "/simulator/messages", Handler: h.messages},
		{Method: http.MethodPost, Path: "/simulator/reset", Handler: h.reset},
	}
	if h.opts.Demo != nil {
		guarded = append(guarded,
			server.Route{Method: http.MethodGet, Path: "/demo/records/:file", Handler: h.record},
			server.Route{Method: http.MethodGet, Path: "/demo/pay/:id", Handler: h.payPage},
			server.Route{Method: http.MethodPost, Path: "/demo/pay/:id", Handler: h.pay},
		)
	}
	if h.offersReminders() {
		guarded = append(guarded, server.Route{Method: http.MethodPost, Path: "/simulator/reminders", Handler: h.scheduleReminder})
	}
	for i := range guarded {
		guarded[i].Handler = h.gate.wrap(guarded[i].Handler)
	}
	// An uploaded file's URL is handed to the EMR, which fetches it from
	// elsewhere without the token: its unguessable id is its only key, as
	// for Twilio's own media URLs.
	routes := append(guarded, server.Route{Method: http.MethodGet, Path: "/simulator/media/:id", Handler: h.serveMedia})
	if h.offersReminders() {
		// The callback actor posts here as it posts to a real EMR, without
		// the simulator's token: the signature under the demo hospital's
		// callback_secret is what admits a request, as at an EMR.
		routes = append(routes, server.Route{Method: http.MethodPost, Path: emrCallbackPath, Handler: h.emrCallback})
	}
	return routes
}

// hospital finds a hospital by activation code, case-insensitively as
// patients type it.
func (h *handlers) hospital(code string) (config.Hospital, bool) {
	for _, hp := range h.opts.Hospitals {
		if strings.EqualFold(hp.Code, code) {
			return hp, true
		}
	}
	return config.Hospital{}, false
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}
