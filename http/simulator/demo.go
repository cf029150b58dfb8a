package simulator

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/emr"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// appointmentID bounds what a payment URL may carry.
var appointmentID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// confirmWait bounds how long the payment page waits for the conversation
// to take the confirmation.
const confirmWait = 10 * time.Second

// record handles GET /demo/records/:file, the demo EMR's record PDFs that
// its health-record links point at.
func (h *handlers) record(c *gin.Context) {
	pdf, ok := h.opts.Demo.RecordPDF(c.Param("file"))
	if !ok {
		server.Abort(c, server.Errorf(http.StatusNotFound, "no such record"))
		return
	}
	c.Header("Content-Disposition", "inline")
	c.Header("Cache-Control", "private, no-store")
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// payPage handles GET /demo/pay/:id: the fake payment gateway a video
// booking's payment link leads to.
func (h *handlers) payPage(c *gin.Context) {
	id := c.Param("id")
	if !appointmentID.MatchString(id) {
		h.renderPay(c, http.StatusNotFound, payView{Title: "Payment not found", Message: "This payment link is not valid."})
		return
	}
	h.renderPay(c, http.StatusOK, payView{Title: "Demo payment", AppointmentID: id, Amount: "₹500", Form: true})
}

// pay handles POST /demo/pay/:id: marks the appointment paid in the demo
// EMR and sends the confirmation, as a real EMR would after its gateway's
// callback.
func (h *handlers) pay(c *gin.Context) {
	id := c.Param("id")
	if !appointmentID.MatchString(id) {
		h.renderPay(c, http.StatusNotFound, payView{Title: "Payment not found", Message: "This payment link is not valid."})
		return
	}
	code, ok := h.demoHospital()
	if !ok || h.opts.Confirm == nil {
		h.renderPay(c, http.StatusServiceUnavailable, payView{Title: "Payment unavailable", Message: "No demo hospital is configured to confirm payments."})
		return
	}
	v, err := h.opts.Demo.ConfirmPayment(id)
	if err == nil {
		ctx, cancel := context.WithTimeout(c.Request.Context(), confirmWait)
		err = h.opts.Confirm(ctx, code, v)
		cancel()
	}
	if err != nil {
		status := payStatus(err)
		if status >= 500 {
			h.opts.Logger.Error("demo payment not confirmed", "component", "simulator", "err", err)
		}
		// ConfirmPayment is idempotent, so a temporary failure may be retried
		// from the same page.
		h.renderPay(c, status, payView{Title: "Payment not completed", Message: payMessage(status),
			AppointmentID: id, Amount: "₹500", Form: status >= 500})
		return
	}
	h.renderPay(c, http.StatusOK, payView{Title: "Payment received", Message: "Payment received: the video link was sent to your WhatsApp.", Done: true})
}

// demoHospital is the code of the first hospital served by the demo EMR.
func (h *handlers) demoHospital() (string, bool) {
	hp, ok := h.demoHospitalConfig()
	return hp.Code, ok
}

// demoHospitalConfig is the first hospital served by the demo EMR.
func (h *handlers) demoHospitalConfig() (config.Hospital, bool) {
	for _, hp := range h.opts.Hospitals {
		if hp.EMR.Kind == config.EMRKindDemo {
			return hp, true
		}
	}
	return config.Hospital{}, false
}

// payStatus maps a failed payment to its HTTP status: an appointment the
// demo EMR refuses to take payment for is not found, a race is a
// conflict, anything else is ours and temporary.
func payStatus(err error) int {
	var se *server.Error
	if errors.As(err, &se) {
		return se.Status
	}
	switch emr.KindOf(err) {
	case emr.Rejected:
		return http.StatusNotFound
	case emr.Conflict:
		return http.StatusConflict
	}
	return http.StatusServiceUnavailable
}

// payMessage is what the payer is told for a status.
func payMessage(status int) string {
	switch {
	case status == http.StatusNotFound:
		return "There is no video appointment awaiting payment with this number."
	case status == http.StatusConflict:
		return "This appointment cannot be confirmed now: it may have been changed or cancelled on WhatsApp."
	case status < 500:
		return "This payment could not be processed."
	}
	return "The confirmation could not be sent to WhatsApp right now. Please press Pay now again in a minute; you will not be charged twice."
}
