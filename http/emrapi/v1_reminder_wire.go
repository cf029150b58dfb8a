package emrapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/reminder"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// reminderSpecJSON is reminder.Spec as the API reads and shows it: times
// as RFC 3339 text and appointment offsets as durations ("24h", "2h30m"),
// so that each refusal can name its field.
type reminderSpecJSON struct {
	Kind        string             `json:"kind"`
	Phone       string             `json:"phone"`
	At          *string            `json:"at,omitempty"`
	Appointment *appointmentJSON   `json:"appointment,omitempty"`
	Medicine    *reminder.Medicine `json:"medicine,omitempty"`
	Variables   map[string]string  `json:"variables,omitempty"`
	CallbackURL string             `json:"callback_url,omitempty"`
}

// appointmentJSON is reminder.Appointment on the wire.
type appointmentJSON struct {
	ID      string   `json:"id"`
	Start   string   `json:"start"`
	Offsets []string `json:"offsets"`
}

// reminderPatchJSON is reminder.Patch on the wire.
type reminderPatchJSON struct {
	At          *string            `json:"at"`
	Appointment *appointmentJSON   `json:"appointment"`
	Medicine    *reminder.Medicine `json:"medicine"`
	Variables   map[string]string  `json:"variables"`
	CallbackURL *string            `json:"callback_url"`
}

// reminderJSON is reminder.View on the wire.
type reminderJSON struct {
	ID        string           `json:"id"`
	Kind      string           `json:"kind"`
	State     string           `json:"state"`
	NextAt    *time.Time       `json:"next_at,omitempty"`
	Sent      int              `json:"sent"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
	Deferred  bool             `json:"deferred"`
	Spec      reminderSpecJSON `json:"spec"`
}

// reminderListJSON is a page of reminders.
type reminderListJSON struct {
	Reminders  []reminderJSON `json:"reminders"`
	NextCursor *string        `json:"next_cursor"`
}

// spec turns the request into a reminder.Spec: the phone as E.164, times
// and offsets parsed. What a reminder may be (kinds, limits, the callback
// URL) is the scheduler's to say.
func (s reminderSpecJSON) spec(h *config.Hospital) (reminder.Spec, error) {
	out := reminder.Spec{Kind: s.Kind, Medicine: s.Medicine, Variables: s.Variables, CallbackURL: s.CallbackURL}
	var err error
	if out.Phone, err = phoneField("phone", s.Phone, h.CountryCode); err != nil {
		return reminder.Spec{}, err
	}
	if out.At, err = timeField("at", s.At); err != nil {
		return reminder.Spec{}, err
	}
	if out.Appointment, err = s.Appointment.appointment(); err != nil {
		return reminder.Spec{}, err
	}
	return out, nil
}

// patch turns the request into a reminder.Patch.
func (p reminderPatchJSON) patch() (reminder.Patch, error) {
	if p.At == nil && p.Appointment == nil && p.Medicine == nil && p.Variables == nil && p.CallbackURL == nil {
		return reminder.Patch{}, fail(http.StatusBadRequest, "empty_patch", "", "the patch changes nothing")
	}
	out := reminder.Patch{Medicine: p.Medicine, Variables: p.Variables, CallbackURL: p.CallbackURL}
	var err error
	if out.At, err = timeField("at", p.At); err != nil {
		return reminder.Patch{}, err
	}
	if out.Appointment, err = p.Appointment.appointment(); err != nil {
		return reminder.Patch{}, err
	}
	return out, nil
}

// appointment parses start and offsets (nil stays nil).
func (a *appointmentJSON) appointment() (*reminder.Appointment, error) {
	if a == nil {
		return nil, nil
	}
	out := &reminder.Appointment{ID: a.ID}
	if err := need("appointment.start", a.Start); err != nil {
		return nil, err
	}
	start, err := timeField("appointment.start", &a.Start)
	if err != nil {
		return nil, err
	}
	out.Start = *start
	for i, o := range a.Offsets {
		d, err := time.ParseDuration(strings.TrimSpace(o))
		if err != nil || d <= 0 {
			field := fmt.Sprintf("appointment.offsets[%d]", i)
			return nil, fail(http.StatusBadRequest, "invalid_offset", field,
				"field %q must be a positive duration such as \"24h\" or \"2h30m\"", field)
		}
		out.Offsets = append(out.Offsets, d)
	}
	return out, nil
}

// timeField parses an optional RFC 3339 time.
func timeField(field string, v *string) (*time.Time, error) {
	if v == nil {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(*v))
	if err != nil {
		return nil, fail(http.StatusBadRequest, "invalid_time", field, "field %q must be an RFC 3339 time such as 2026-12-01T09:30:00+05:30", field)
	}
	return &t, nil
}

// reminderOut shows a view.
func reminderOut(v reminder.View) reminderJSON {
	s := v.Spec
	spec := reminderSpecJSON{Kind: s.Kind, Phone: s.Phone, Medicine: s.Medicine, Variables: s.Variables, CallbackURL: s.CallbackURL}
	if s.At != nil {
		at := s.At.Format(time.RFC3339Nano)
		spec.At = &at
	}
	if ap := s.Appointment; ap != nil {
		spec.Appointment = &appointmentJSON{ID: ap.ID, Start: ap.Start.Format(time.RFC3339Nano), Offsets: []string{}}
		for _, d := range ap.Offsets {
			spec.Appointment.Offsets = append(spec.Appointment.Offsets, formatOffset(d))
		}
	}
	return reminderJSON{ID: v.ID, Kind: v.Kind, State: v.State, NextAt: v.Next, Sent: v.Sent,
		CreatedAt: v.Created, UpdatedAt: v.Updated, Deferred: v.Deferred, Spec: spec}
}

// formatOffset writes a duration the way people write them: "24h",
// "2h30m", "90s" rather than time.Duration's "24h0m0s".
func formatOffset(d time.Duration) string {
	if d%time.Second != 0 {
		return d.String()
	}
	var b strings.Builder
	for _, u := range []struct {
		size time.Duration
		unit string
	}{{time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if n := d / u.size; n > 0 {
			fmt.Fprintf(&b, "%d%s", n, u.unit)
			d -= n * u.size
		}
	}
	if b.Len() == 0 {
		return "0s"
	}
	return b.String()
}
