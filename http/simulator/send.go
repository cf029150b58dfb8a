package simulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// sendRequest is what the page posts to /simulator/send.
type sendRequest struct {
	Hospital string `json:"hospital"`
	Phone    string `json:"phone"`
	Body     string `json:"body"`
	MediaID  string `json:"media_id"`
}

// Limits of one simulated message, as WhatsApp and the webhook set them.
const (
	maxBodyRunes = 4096
	maxSendJSON  = 64 << 10
)

// e164 is a patient number as the page sends it.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// send handles POST /simulator/send: it turns the page's message into the
// form Twilio would post and runs it through the real webhook.
func (h *handlers) send(c *gin.Context) {
	var req sendRequest
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxSendJSON)
	if err := json.NewDecoder(c.Request.Body).Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			server.Abort(c, server.Errorf(http.StatusRequestEntityTooLarge, "request larger than %d bytes", maxSendJSON))
			return
		}
		server.Abort(c, server.Errorf(http.StatusBadRequest, "body must be JSON: {hospital, phone, body, media_id}"))
		return
	}
	form, err := h.inboundForm(c, req)
	if err != nil {
		server.Abort(c, err)
		return
	}
	status, err := h.opts.Submit(c.Request.Context(), form)
	if err != nil {
		h.opts.Logger.Error("simulated message not submitted", "component", "simulator", "err", err)
		server.Abort(c, &server.Error{Status: http.StatusBadGateway, Message: "the webhook could not be reached", Err: err})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": status, "sid": form.Get("MessageSid")})
}

// inboundForm validates req and builds a Twilio-shaped inbound webhook
// form from it.
func (h *handlers) inboundForm(c *gin.Context, req sendRequest) (url.Values, error) {
	hp, ok := h.hospital(strings.TrimSpace(req.Hospital))
	if !ok {
		return nil, server.Errorf(http.StatusBadRequest, "unknown hospital code")
	}
	phone := strings.TrimSpace(req.Phone)
	if !e164.MatchString(phone) {
		return nil, server.Errorf(http.StatusBadRequest, "phone must be E.164, like +919800000001")
	}
	if utf8.RuneCountInString(req.Body) > maxBodyRunes {
		return nil, server.Errorf(http.StatusBadRequest, "body longer than %d characters", maxBodyRunes)
	}
	form := url.Values{
		"MessageSid":  {"SM" + randomHex(16)},
		"AccountSid":  {h.account},
		"From":        {"whatsapp:" + phone},
		"To":          {hp.Sender},
		"Body":        {req.Body},
		"NumMedia":    {"0"},
		"ProfileName": {"Simulator"},
		"WaId":        {strings.TrimPrefix(phone, "+")},
	}
	if req.MediaID == "" {
		if strings.TrimSpace(req.Body) == "" {
			return nil, server.Errorf(http.StatusBadRequest, "a message needs a body or a media_id")
		}
		return form, nil
	}
	m, ok := h.media.get(req.MediaID)
	if !ok {
		return nil, server.Errorf(http.StatusBadRequest, "unknown media_id: upload the file again")
	}
	form.Set("NumMedia", "1")
	form.Set("MediaUrl0", h.mediaURL(c, req.MediaID))
	form.Set("MediaContentType0", m.contentType)
	return form, nil
}
