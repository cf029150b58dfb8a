package webhook

import (
	"context"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// StatusRecorder stores a delivery status reported for the outbound
// message Twilio knows as providerID (outbound.Statuses). It does not
// fail: what it cannot store now it retries or counts by itself, since
// Twilio does not send a status callback again usefully.
type StatusRecorder interface {
	Record(ctx context.Context, providerID string, s persistence.DeliveryStatus)
}

// statusPattern lists the delivery statuses Twilio reports for messages.
var statusPattern = regexp.MustCompile(`^(accepted|scheduled|queued|sending|sent|delivered|read|undelivered|failed|canceled|receiving|received|partially_delivered)$`)

// errorCodePattern is a Twilio error code (ErrorCode, on failures).
var errorCodePattern = regexp.MustCompile(`^[0-9]{1,6}$`)

// statusWait bounds the store write a status callback waits for; what is
// not written by then is retried in the background.
const statusWait = 5 * time.Second

// Status handles POST /twilio/status: Twilio's delivery report for one of
// our outbound messages (queued, sent, delivered, read, failed,
// undelivered, with ErrorCode on failures). A signed, well-formed report
// is handed to the recorder and answered 204, also for a message we do
// not know: Twilio would not send it again, so an error answer would
// only fill its debugger.
func (h *Handler) Status(c *gin.Context) { h.measure(c, "status", h.status) }

func (h *Handler) status(c *gin.Context) int {
	form, err := h.verifiedForm(c)
	if err != nil {
		return h.fail(c, err)
	}
	sid, st, code := form.Get("MessageSid"), form.Get("MessageStatus"), form.Get("ErrorCode")
	if !sidPattern.MatchString(sid) {
		return h.fail(c, server.Errorf(http.StatusBadRequest, "MessageSid missing or malformed"))
	}
	if !statusPattern.MatchString(st) {
		return h.fail(c, server.Errorf(http.StatusBadRequest, "MessageStatus missing or unknown"))
	}
	if code != "" && !errorCodePattern.MatchString(code) {
		return h.fail(c, server.Errorf(http.StatusBadRequest, "ErrorCode malformed"))
	}
	h.opts.Logger.Debug("delivery status", "component", "webhook", "sid", sid, "status", st, "error_code", code)
	if h.opts.Statuses != nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), statusWait)
		defer cancel()
		h.opts.Statuses.Record(ctx, sid, persistence.DeliveryStatus{Status: st, ErrorCode: code, At: h.opts.Now()})
	}
	c.Status(http.StatusNoContent)
	return http.StatusNoContent
}
