package simulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/actors/callback"
	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/server"
)

// emrCallbackPath is where the demo's reminders post the patients'
// answers: the simulator plays the EMR there.
const emrCallbackPath = "/simulator/emr-callbacks"

// Bounds of the simulated EMR.
const (
	maxCallbackBody = 64 << 10
	maxAnswers      = 256 // callback ids remembered to show repeats once
)

// surveyOrder is the order the survey asks its questions in; ratings
// under other names follow, sorted.
var surveyOrder = []string{"doctor", "staff", "overall"}

// emrCallback handles POST /simulator/emr-callbacks: it does what an EMR
// integrating frontdesk does with a patient's answer to a reminder (see
// docs/callbacks.md). It checks the signature with callback.Verify under
// the demo hospital's callback_secret (401 when it does not match,
// showing nothing), then records the answer as a note in the patient's
// chat, so a person trying the demo sees the whole loop.
func (h *handlers) emrCallback(c *gin.Context) {
	hp, _ := h.demoHospitalConfig()
	raw, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxCallbackBody))
	if err != nil {
		server.Abort(c, server.Errorf(http.StatusRequestEntityTooLarge, "callback larger than %d bytes", maxCallbackBody))
		return
	}
	if err := callback.Verify(hp.CallbackSecret.Value(), c.Request.Header, raw, h.opts.Now(), callback.DefaultTolerance); err != nil {
		h.opts.Logger.Warn("simulated EMR refused a callback", "component", "simulator", "err", err)
		server.Abort(c, server.Errorf(http.StatusUnauthorized, "signature not verified: %v", err))
		return
	}
	var body callback.Body
	if err := json.Unmarshal(raw, &body); err != nil || body.ReminderID == "" {
		server.Abort(c, server.Errorf(http.StatusBadRequest, "body must be a frontdesk callback (JSON with reminder_id)"))
		return
	}
	if !strings.EqualFold(body.Hospital, hp.Code) {
		server.Abort(c, server.Errorf(http.StatusBadRequest, "not a callback of the demo hospital"))
		return
	}
	id := c.GetHeader(callback.HeaderID)
	if id != "" && h.answers.has(id) {
		c.JSON(http.StatusOK, gin.H{"status": "repeat"}) // shown already
		return
	}
	// The reminder's spec knows the patient's number; the body does not.
	v, err := h.opts.Reminders.Get(c.Request.Context(), &hp, body.ReminderID)
	var bad *reminder.Error
	switch {
	case errors.As(err, &bad):
		server.Abort(c, server.Errorf(http.StatusNotFound, "no such reminder"))
		return
	case err != nil:
		h.opts.Logger.Error("simulated EMR could not read the reminder", "component", "simulator", "err", err)
		server.Abort(c, &server.Error{Status: http.StatusServiceUnavailable, Message: "try again", Err: err})
		return
	}
	if h.opts.Sink != nil {
		h.opts.Sink.Note(v.Spec.Phone, hp.Sender, KindEMRNote, answerNote(body))
	}
	if id != "" {
		h.answers.add(id)
	}
	c.JSON(http.StatusOK, gin.H{"status": "recorded"})
}

// answerNote says what the EMR received, for the page.
func answerNote(b callback.Body) string {
	var what string
	switch {
	case b.Answer != "" && b.AppointmentID != "":
		what = fmt.Sprintf("%s, appointment %s", b.Answer, b.AppointmentID)
	case b.Answer != "":
		what = b.Answer
	case len(b.Ratings) > 0:
		what = "feedback " + ratings(b.Ratings)
		if b.Comment != "" {
			what += fmt.Sprintf(", comment “%s”", b.Comment)
		}
	default:
		what = b.Kind + " answer"
	}
	return "The EMR received: " + what + " (signature verified)"
}

// ratings writes a survey's ratings in the order it asked them.
func ratings(r map[string]int) string {
	names := make([]string, 0, len(r))
	for name := range r {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		ia, ib := slices.Index(surveyOrder, a), slices.Index(surveyOrder, b)
		switch {
		case ia >= 0 && ib >= 0:
			return ia - ib
		case ia >= 0:
			return -1
		case ib >= 0:
			return 1
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%s %d/5", name, r[name])
	}
	return strings.Join(parts, ", ")
}

// recent is a bounded set of strings, forgetting the oldest first.
type recent struct {
	mu    sync.Mutex
	max   int
	set   map[string]bool
	order []string
}

func newRecent(max int) *recent { return &recent{max: max, set: map[string]bool{}} }

func (r *recent) has(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.set[s]
}

func (r *recent) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set[s] {
		return
	}
	r.set[s] = true
	r.order = append(r.order, s)
	for len(r.order) > r.max {
		delete(r.set, r.order[0])
		r.order = r.order[1:]
	}
}
