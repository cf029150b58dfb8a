// Package webhook receives Twilio's webhooks: inbound WhatsApp messages on
// POST /twilio/messages and delivery statuses on POST /twilio/status. Each
// request is handled in one sequence: limit the body, parse the form,
// verify the signature, decode and validate, hand off, answer; an inbound
// message is answered 200 only once its conversation has committed it.
package webhook

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/twilio/twilio-go/client"

	"github.com/frontdesk-health/frontdesk/actors/conversation"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// Deliverer hands an event to its conversation and waits for the commit,
// or until ctx ends.
type Deliverer interface {
	Deliver(ctx context.Context, d *conversation.Deliver) (*conversation.Ack, error)
}

// Options configures the webhook handlers.
type Options struct {
	// PublicURL is the base URL Twilio calls, used to check signatures.
	PublicURL string
	// AccountSID and AuthToken are Twilio's; with an empty token signatures
	// are not checked (demo mode only).
	AccountSID string
	AuthToken  string
	Router     Deliverer
	Now        func() time.Time
	// Wait bounds how long a webhook waits for the commit (Twilio gives up
	// after 15 s). Default 10 s.
	Wait    time.Duration
	Hasher  *pii.Hasher
	Metrics *metrics.Metrics
	Logger  *slog.Logger
	// Available, when set, says why messages cannot be accepted now (the
	// store is unreachable): a message is then answered 503 at once,
	// before it reaches its conversation, instead of after a commit that
	// cannot succeed. Optional.
	Available func() error
	// Outage, when set, returns a context cancelled when the store is
	// found unreachable: a message waiting for its commit is then answered
	// 503 at once (its outcome is unknown; Twilio's retry is
	// deduplicated). Optional.
	Outage func() context.Context
	// Statuses stores delivery status callbacks (status.go). Optional:
	// without it callbacks are checked and answered only.
	Statuses StatusRecorder
}

// Handler serves the Twilio webhooks.
type Handler struct {
	opts      Options
	validator *client.RequestValidator // nil: signature checks are off (demo)
}

// maxForm bounds a webhook body: Twilio's are a few KiB at most.
const maxForm = 64 << 10

// emptyTwiML is the answer that sends nothing: replies go out through the
// outbox, not the webhook response.
const emptyTwiML = `<?xml version="1.0" encoding="UTF-8"?><Response></Response>`

// New returns the handlers.
func New(opts Options) *Handler {
	if opts.Wait <= 0 {
		opts.Wait = 10 * time.Second
	}
	h := &Handler{opts: opts}
	if opts.AuthToken != "" {
		v := client.NewRequestValidator(opts.AuthToken)
		h.validator = &v
	}
	return h
}

// Messages handles POST /twilio/messages.
func (h *Handler) Messages(c *gin.Context) { h.measure(c, "messages", h.messages) }

// measure runs a handler and records its status and duration.
func (h *Handler) measure(c *gin.Context, route string, fn func(*gin.Context) int) {
	begin := time.Now()
	status := fn(c)
	h.opts.Metrics.WebhookRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	h.opts.Metrics.WebhookDuration.WithLabelValues(route).Observe(time.Since(begin).Seconds())
}

func (h *Handler) messages(c *gin.Context) int {
	form, err := h.verifiedForm(c)
	if err != nil {
		return h.fail(c, err)
	}
	in, err := decodeInbound(form)
	if err != nil {
		return h.fail(c, err)
	}
	if h.opts.Available != nil {
		if err := h.opts.Available(); err != nil {
			h.opts.Logger.Debug("inbound message refused while the store is unreachable", "component", "webhook", "sid", in.MessageSid)
			return h.fail(c, &server.Error{Status: http.StatusServiceUnavailable, Message: "temporarily unavailable, retry", Err: err})
		}
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), h.opts.Wait)
	defer cancel()
	d := &conversation.Deliver{
		Key:   conversation.Key{Sender: in.To, Phone: in.phone()},
		Event: in.event(h.opts.Now()),
	}
	err = h.deliver(ctx, d)
	if err != nil {
		h.opts.Logger.Error("inbound message not accepted", "component", "webhook",
			"from", h.opts.Hasher.Hash(in.phone()), "sid", in.MessageSid, "err", err)
		c.Header("Retry-After", "5")
		return h.fail(c, &server.Error{Status: http.StatusServiceUnavailable, Message: "message not accepted, retry", Err: err})
	}
	c.Data(http.StatusOK, "text/xml; charset=utf-8", []byte(emptyTwiML))
	return http.StatusOK
}

// errStoreLost ends the wait of a message whose store was found
// unreachable meanwhile.
var errStoreLost = errors.New("the store became unreachable while the message was being committed")

// deliver hands the message to its conversation and waits for the commit,
// or until the store is found unreachable meanwhile (the outage context
// then ends the wait: no goroutine watches it).
func (h *Handler) deliver(ctx context.Context, d *conversation.Deliver) error {
	if h.opts.Outage == nil {
		return ackErr(h.opts.Router.Deliver(ctx, d))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(h.opts.Outage(), func() { cancel(errStoreLost) })
	defer stop()
	err := ackErr(h.opts.Router.Deliver(ctx, d))
	if err != nil && errors.Is(context.Cause(ctx), errStoreLost) {
		return errStoreLost
	}
	return err
}

// ackErr is the error of a Deliver, or of its Ack.
func ackErr(ack *conversation.Ack, err error) error {
	if err == nil && ack.Err != nil {
		err = ack.Err
	}
	return err
}

// verifiedForm reads the form within the size limit and checks Twilio's
// signature and account.
func (h *Handler) verifiedForm(c *gin.Context) (url.Values, error) {
	r := c.Request
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil, server.Errorf(http.StatusBadRequest, "body must be application/x-www-form-urlencoded")
	}
	r.Body = http.MaxBytesReader(c.Writer, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, server.Errorf(http.StatusRequestEntityTooLarge, "body larger than %d bytes", maxForm)
		}
		return nil, &server.Error{Status: http.StatusBadRequest, Message: "malformed form body", Err: err}
	}
	if h.validator != nil {
		// twilio-go's validator, as issue 2 and CONTRACT §5 ask: the
		// signature check is Twilio's own code, not ours.
		params := make(map[string]string, len(r.PostForm))
		for k, v := range r.PostForm {
			params[k] = v[0]
		}
		sig := r.Header.Get("X-Twilio-Signature")
		if sig == "" || !h.validator.Validate(h.opts.PublicURL+r.URL.RequestURI(), params, sig) {
			return nil, server.Errorf(http.StatusForbidden, "invalid Twilio signature")
		}
		if acc := r.PostForm.Get("AccountSid"); h.opts.AccountSID != "" && acc != h.opts.AccountSID {
			return nil, server.Errorf(http.StatusForbidden, "webhook for another Twilio account")
		}
	}
	return r.PostForm, nil
}

// fail answers an error and returns its status.
func (h *Handler) fail(c *gin.Context, err error) int {
	status, msg := server.StatusOf(err)
	if status >= 500 {
		c.Header("Retry-After", "5")
	}
	c.String(status, msg)
	return status
}
