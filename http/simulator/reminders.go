package simulator

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/http/server"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// reminderRequest is what the page posts to /simulator/reminders.
type reminderRequest struct {
	Kind     string `json:"kind"`
	Phone    string `json:"phone"`
	Hospital string `json:"hospital"`
}

// What the demo's reminders say: a doctor of the demo EMR, a medicine and
// its dose.
const (
	demoDoctor   = "Dr. Rajesh Kumar Sharma"
	demoMedicine = "Paracetamol 650 mg"
	demoDose     = "1 tablet after food"
)

// lookupTimeout bounds asking the demo EMR for the patient's name.
const lookupTimeout = 2 * time.Second

// maxReminderJSON bounds the page's request.
const maxReminderJSON = 4 << 10

// offersReminders reports whether the page may schedule reminders: only
// in front of the demo EMR, with the process's scheduler.
func (h *handlers) offersReminders() bool {
	_, ok := h.demoHospitalConfig()
	return h.opts.Demo != nil && h.opts.Reminders != nil && ok
}

// scheduleReminder handles POST /simulator/reminders {kind, phone,
// hospital}: it schedules, through the process's own scheduler, a
// reminder of that kind due now for the number at the demo hospital.
// Appointment and feedback reminders carry a callback URL on this process,
// where the simulator plays the EMR (emrCallback). It answers 201 with the
// reminder's id; the reminder itself arrives in the chat like any
// message of the bot.
func (h *handlers) scheduleReminder(c *gin.Context) {
	var req reminderRequest
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxReminderJSON)
	if err := json.NewDecoder(c.Request.Body).Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			server.Abort(c, server.Errorf(http.StatusRequestEntityTooLarge, "request larger than %d bytes", maxReminderJSON))
			return
		}
		server.Abort(c, server.Errorf(http.StatusBadRequest, "body must be JSON: {kind, phone, hospital}"))
		return
	}
	hp, err := h.reminderTarget(req)
	if err != nil {
		server.Abort(c, err)
		return
	}
	phone := strings.TrimSpace(req.Phone)
	spec := demoSpec(req.Kind, phone, &hp, h.opts.Now(), h.baseURL(c)+emrCallbackPath)
	if name := h.patientName(c.Request.Context(), phone); name != "" {
		spec.Variables["patient_name"] = name
	}
	v, err := h.opts.Reminders.Schedule(c.Request.Context(), &hp, spec)
	var bad *reminder.Error
	switch {
	case errors.As(err, &bad):
		server.Abort(c, server.Errorf(http.StatusUnprocessableEntity, "%s", bad.Error()))
		return
	case err != nil:
		h.opts.Logger.Error("demo reminder not scheduled", "component", "simulator", "kind", req.Kind, "err", err)
		server.Abort(c, &server.Error{Status: http.StatusServiceUnavailable, Message: "the reminder could not be scheduled", Err: err})
		return
	}
	c.JSON(http.StatusCreated, gin.H{"id": v.ID, "kind": v.Kind, "due": v.Next, "answer_to_emr": spec.CallbackURL != "",
		"opted_out": h.optedOut(c.Request.Context(), hp.Code, phone, v.Kind)})
}

// optedOut reports whether the reminder just scheduled will be skipped
// because the patient sent stop (false when that cannot be told: the
// reminder's own firing checks again).
func (h *handlers) optedOut(ctx context.Context, hospital, phone, kind string) bool {
	if h.opts.OptedOut == nil {
		return false
	}
	out, err := h.opts.OptedOut(ctx, hospital, phone, kind)
	if err != nil {
		h.opts.Logger.Warn("demo reminder: consent not read", "component", "simulator", "kind", kind, "err", err)
		return false
	}
	return out
}

// reminderTarget checks a request and returns the demo hospital it is for.
func (h *handlers) reminderTarget(req reminderRequest) (config.Hospital, error) {
	if !slices.Contains(reminder.Kinds(), req.Kind) {
		return config.Hospital{}, server.Errorf(http.StatusBadRequest, "kind must be one of %s", strings.Join(reminder.Kinds(), ", "))
	}
	if !e164.MatchString(strings.TrimSpace(req.Phone)) {
		return config.Hospital{}, server.Errorf(http.StatusBadRequest, "phone must be E.164, like +919800000001")
	}
	hp, _ := h.demoHospitalConfig()
	if !strings.EqualFold(strings.TrimSpace(req.Hospital), hp.Code) {
		return config.Hospital{}, server.Errorf(http.StatusBadRequest, "reminders can be tried at the demo hospital (code %s) only", hp.Code)
	}
	return hp, nil
}

// patientName is the name the demo EMR has for phone (the first patient
// on a family phone), or "" when it knows none.
func (h *handlers) patientName(ctx context.Context, phone string) string {
	ctx, cancel := context.WithTimeout(ctx, lookupTimeout)
	defer cancel()
	ps, err := h.opts.Demo.FindPatients(ctx, phone)
	if err != nil || len(ps) == 0 {
		return ""
	}
	return ps[0].Name
}

// demoSpec is a reminder of kind for phone due at now, with what a real
// EMR would fill in: the doctor, an appointment an hour from now, a
// medicine and its dose, a follow-up visit a week from now. Appointment
// and feedback reminders ask the patient and post the answer to
// callbackURL.
func demoSpec(kind, phone string, hp *config.Hospital, now time.Time, callbackURL string) reminder.Spec {
	s := reminder.Spec{Kind: kind, Phone: phone, Variables: map[string]string{"doctor": demoDoctor}}
	at := now
	switch kind {
	case reminder.KindAppointment:
		// A round start time reads better; the offset makes it due now.
		start := now.Add(time.Hour).Truncate(5 * time.Minute).Add(5 * time.Minute)
		s.Appointment = &reminder.Appointment{ID: "APT-R" + strings.ToUpper(randomHex(3)), Start: start,
			Offsets: []time.Duration{start.Sub(now)}}
		s.CallbackURL = callbackURL
	case reminder.KindMedicine:
		s.At = &at
		s.Variables["medicine"], s.Variables["dose"] = demoMedicine, demoDose
	case reminder.KindFollowUp:
		s.At = &at
		d := now.In(hp.Location).AddDate(0, 0, 7)
		visit := time.Date(d.Year(), d.Month(), d.Day(), 10, 30, 0, 0, hp.Location)
		s.Variables["when"] = visit.Format("Mon 2 Jan, 3:04 PM")
	case reminder.KindFeedback:
		s.At = &at
		s.CallbackURL = callbackURL
	}
	return s
}
