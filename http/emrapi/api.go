package emrapi

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/config"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// Deliverer hands an event to a conversation and waits for its commit.
type Deliverer interface {
	Deliver(ctx context.Context, d *conversation.Deliver) (*conversation.Ack, error)
}

// Options wires the API to the rest of the process.
type Options struct {
	Keys   *Keys
	Store  persistence.Store
	Codec  *outbound.Codec
	Router Deliverer
	// Notify hands committed outbox entries to the sender's outbound actor.
	Notify  func(sender string, entries []persistence.OutboxEntry)
	Now     func() time.Time
	Hasher  *pii.Hasher
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Available, when set, says why calls cannot be accepted now (the
	// store is unreachable): an authenticated call is then answered 503
	// at once. Optional.
	Available func() error
	// Reminders schedules, lists, changes and cancels reminders for
	// /v1/reminders; nil answers those routes 503.
	Reminders reminder.Scheduler
}

// API serves the EMR-facing routes.
type API struct{ opts Options }

// New returns the API handlers.
func New(opts Options) *API { return &API{opts: opts} }

// Routes is the API's part of the route table.
func (a *API) Routes() []server.Route {
	return []server.Route{
		{Method: http.MethodPost, Path: "/api/notifyuserwa", Handler: a.handle("notifyuserwa", a.notify)},
		{Method: http.MethodPost, Path: "/api/notifyuserwa.php", Handler: a.handle("notifyuserwa", a.notify)},
		{Method: http.MethodPost, Path: "/api/confirmvideoappt", Handler: a.handle("confirmvideoappt", a.confirm)},
		{Method: http.MethodPost, Path: "/api/confirmvideoappt.php", Handler: a.handle("confirmvideoappt", a.confirm)},
	}
}

// handle runs one API call: answers {"status":"1"} on success and
// {"status":"0","error":...} with the error's HTTP status otherwise.
func (a *API) handle(route string, fn func(c *gin.Context) error) gin.HandlerFunc {
	return func(c *gin.Context) {
		status := http.StatusOK
		if err := fn(c); err != nil {
			var msg string
			status, msg = server.StatusOf(err)
			if status >= 500 {
				c.Header("Retry-After", "5")
				a.opts.Logger.Error("emr api call failed", "component", "emrapi", "route", route, "err", err)
			}
			c.AbortWithStatusJSON(status, gin.H{"status": "0", "error": msg})
		} else {
			c.JSON(http.StatusOK, gin.H{"status": "1"})
		}
		a.opts.Metrics.APIRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	}
}

// request authenticates a call and reads its body.
func (a *API) request(c *gin.Context) (*config.Hospital, map[string]string, error) {
	h, err := a.opts.Keys.hospital(c)
	if err != nil {
		return nil, nil, err
	}
	f, err := decode(c)
	if err != nil {
		return nil, nil, err
	}
	if a.opts.Available != nil {
		if err := a.opts.Available(); err != nil {
			return nil, nil, &server.Error{Status: http.StatusServiceUnavailable, Message: "temporarily unavailable, retry", Err: err}
		}
	}
	return h, f, nil
}

// notify sends a message from the EMR to a patient: message, a blank line
// and the call to action, with optional media.
func (a *API) notify(c *gin.Context) error {
	h, f, err := a.request(c)
	if err != nil {
		return err
	}
	mobile, err := required(f, "mobile")
	if err != nil {
		return err
	}
	message, err := required(f, "message")
	if err != nil {
		return err
	}
	phone, err := e164(mobile, h.CountryCode)
	if err != nil {
		return err
	}
	body := message
	if cta := f["calltoaction"]; cta != "" {
		body += "\n\n" + cta
	}
	var media []string
	if mp := f["mediapath"]; mp != "" {
		if !isHTTPURL(mp) {
			return server.Errorf(http.StatusBadRequest, "field \"mediapath\" must be an http(s) URL")
		}
		media = []string{mp}
	}
	_, err = a.send(c.Request.Context(), h, push{to: phone, body: body, media: media})
	return err
}

// confirm closes a patient's wait for payment and sends the video link.
func (a *API) confirm(c *gin.Context) error {
	h, f, err := a.request(c)
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, k := range []string{"appt_id", "mobile", "doctor", "appdatetime", "link"} {
		if vals[k], err = required(f, k); err != nil {
			return err
		}
	}
	if !isHTTPURL(vals["link"]) {
		return server.Errorf(http.StatusBadRequest, "field \"link\" must be an http(s) URL")
	}
	phone, err := e164(vals["mobile"], h.CountryCode)
	if err != nil {
		return err
	}
	return a.confirmVideo(c.Request.Context(), h, videoConfirmation{
		phone: phone, appointmentID: vals["appt_id"], doctor: vals["doctor"], when: vals["appdatetime"], link: vals["link"],
	})
}
