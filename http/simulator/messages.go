package simulator

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/http/server"
)

// messages handles GET /simulator/messages?phone=&after=N[&wait=0]: the
// bot's messages to phone after seq N, waiting up to the long-poll bound
// for the first one unless wait=0. epoch lets the page notice a restart
// (seqs start again from 1).
func (h *handlers) messages(c *gin.Context) {
	if h.opts.Sink == nil {
		server.Abort(c, server.Errorf(http.StatusConflict, "replies go out through Twilio and are not kept here"))
		return
	}
	phone, err := queryPhone(c.Query("phone"))
	if err != nil {
		server.Abort(c, err)
		return
	}
	after := 0
	if s := c.Query("after"); s != "" {
		after, err = strconv.Atoi(s)
		if err != nil || after < 0 {
			server.Abort(c, server.Errorf(http.StatusBadRequest, "after must be a whole number"))
			return
		}
	}
	var out []Sent
	if c.Query("wait") == "0" {
		out = h.opts.Sink.After(phone, after)
	} else {
		ctx, cancel := context.WithTimeout(c.Request.Context(), h.poll)
		defer cancel()
		out = h.opts.Sink.Wait(ctx, phone, after)
	}
	if out == nil {
		out = []Sent{}
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"messages": out, "epoch": h.epoch})
}

// queryPhone reads a patient number from a query string, where an
// unescaped '+' arrives as a space.
func queryPhone(s string) (string, error) {
	if strings.HasPrefix(s, " ") {
		s = "+" + strings.TrimSpace(s)
	}
	if !e164.MatchString(s) {
		return "", server.Errorf(http.StatusBadRequest, "phone must be E.164, like +919800000001")
	}
	return s, nil
}

// reset handles POST /simulator/reset {"phone"}: forgets the bot's
// messages to that number.
func (h *handlers) reset(c *gin.Context) {
	var req struct {
		Phone string `json:"phone"`
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 4<<10)
	if err := json.NewDecoder(c.Request.Body).Decode(&req); err != nil {
		server.Abort(c, server.Errorf(http.StatusBadRequest, `body must be JSON: {"phone": "+91..."}`))
		return
	}
	phone := strings.TrimSpace(req.Phone)
	if !e164.MatchString(phone) {
		server.Abort(c, server.Errorf(http.StatusBadRequest, "phone must be E.164, like +919800000001"))
		return
	}
	if h.opts.Sink != nil {
		h.opts.Sink.Reset(phone)
	}
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}
