package webhook

import (
	"net/http"
	"regexp"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// statusPattern lists the delivery statuses Twilio reports for messages.
var statusPattern = regexp.MustCompile(`^(accepted|scheduled|queued|sending|sent|delivered|read|undelivered|failed|canceled|receiving|received|partially_delivered)$`)

// Status handles POST /twilio/status: Twilio's delivery report for one of
// our outbound messages. This version checks and counts it; storing the
// status per message comes with the reliable-outbound work.
func (h *Handler) Status(c *gin.Context) { h.measure(c, "status", h.status) }

func (h *Handler) status(c *gin.Context) int {
	form, err := h.verifiedForm(c)
	if err != nil {
		return h.fail(c, err)
	}
	sid, st := form.Get("MessageSid"), form.Get("MessageStatus")
	if !sidPattern.MatchString(sid) {
		return h.fail(c, server.Errorf(http.StatusBadRequest, "MessageSid missing or malformed"))
	}
	if !statusPattern.MatchString(st) {
		return h.fail(c, server.Errorf(http.StatusBadRequest, "MessageStatus missing or unknown"))
	}
	h.opts.Logger.Debug("delivery status", "component", "webhook", "sid", sid, "status", st, "error_code", form.Get("ErrorCode"))
	c.Status(http.StatusNoContent)
	return http.StatusNoContent
}
