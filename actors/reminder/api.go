// Package reminder is the reminders capability: what an EMR can schedule
// (Spec), how a schedule becomes stored reminders, and the Scheduler the
// EMR-facing API calls. Reminders are data in the store, due-time indexed;
// the reminder actor of each hospital claims and fires them (once each,
// across restarts and processes), in the hospital's timezone, outside its
// quiet hours, and never to patients who opted out.
package reminder

import (
	"context"
	"errors"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/runtime/config"
)

// The kinds of reminder (the flow package writes their texts, so the
// names are its own).
const (
	KindAppointment = flow.KindAppointment
	KindMedicine    = flow.KindMedicine
	KindFollowUp    = flow.KindFollowUp
	KindFeedback    = flow.KindFeedback
)

// Spec is what an EMR asks for: one reminder at a time, or a series (at
// offsets before an appointment, or a medicine schedule).
type Spec struct {
	Kind  string `json:"kind"`
	Phone string `json:"phone"` // E.164, or national with the hospital's country code
	// At sends once at this time. Exactly one of At, Appointment and
	// Medicine is set.
	At          *time.Time   `json:"at,omitempty"`
	Appointment *Appointment `json:"appointment,omitempty"`
	Medicine    *Medicine    `json:"medicine,omitempty"`
	// Variables fill the message (and the approved template outside the
	// 24-hour window): e.g. patient_name, doctor, when, medicine, dose.
	Variables map[string]string `json:"variables,omitempty"`
	// CallbackURL receives the patient's answer (appointment confirm or
	// cancel, feedback), signed with the hospital's callback_secret; a
	// hospital without one cannot take it. With it, appointment and
	// feedback reminders are said by the patient's conversation, which
	// reads the answer.
	CallbackURL string `json:"callback_url,omitempty"`
}

// Appointment reminds before an appointment, once per offset.
type Appointment struct {
	ID      string          `json:"id"`
	Start   time.Time       `json:"start"`
	Offsets []time.Duration `json:"-"` // before Start; the API takes them as strings like "24h"
}

// Medicine reminds at times of day (hospital's zone) for a number of days
// from a first day.
type Medicine struct {
	Name  string   `json:"name"`
	Times []string `json:"times"` // "08:00", "20:30"
	Days  int      `json:"days"`
	From  string   `json:"from"` // YYYY-MM-DD, hospital's zone; empty: today
}

// View is a scheduled reminder as the API shows it. One Spec is one
// reminder with one ID, however many times it sends (offsets, doses):
// Next is its next time and Sent how many messages it has sent.
type View struct {
	ID       string     `json:"id"`
	Kind     string     `json:"kind"`
	State    string     `json:"state"` // scheduled, fired, cancelled
	Next     *time.Time `json:"next_at,omitempty"`
	Sent     int        `json:"sent"`
	Created  time.Time  `json:"created_at"`
	Updated  time.Time  `json:"updated_at"`
	Spec     Spec       `json:"spec"`
	Deferred bool       `json:"deferred,omitempty"` // moved out of quiet hours
}

// Query lists a hospital's reminders.
type Query struct {
	Phone  string
	State  string
	Cursor string
	Limit  int
}

// Patch changes a scheduled reminder: any field set replaces the stored
// one (the schedule is recomputed when a time field changes).
type Patch struct {
	At          *time.Time        `json:"at,omitempty"`
	Appointment *Appointment      `json:"appointment,omitempty"`
	Medicine    *Medicine         `json:"medicine,omitempty"`
	Variables   map[string]string `json:"variables,omitempty"`
	CallbackURL *string           `json:"callback_url,omitempty"`
}

// Scheduler is what the EMR-facing API needs of reminders. Errors are
// *Error for the caller's mistakes (the API answers them 4xx) and anything
// else for ours.
type Scheduler interface {
	// Schedule stores the reminders of a spec and returns them.
	Schedule(ctx context.Context, h *config.Hospital, s Spec) (View, error)
	// Get returns one reminder of the hospital.
	Get(ctx context.Context, h *config.Hospital, id string) (View, error)
	// List returns a page of the hospital's reminders and the next cursor.
	List(ctx context.Context, h *config.Hospital, q Query) ([]View, string, error)
	// Update changes a reminder that has not fired yet.
	Update(ctx context.Context, h *config.Hospital, id string, p Patch) (View, error)
	// Cancel cancels a reminder that has not fired yet.
	Cancel(ctx context.Context, h *config.Hospital, id string) error
}

// Error is a request the scheduler refuses: Code is stable for API
// clients (e.g. "invalid_kind", "time_in_past", "not_found",
// "already_fired"), Field names the offending field when there is one.
type Error struct {
	Code    string
	Field   string
	Message string
}

// Error implements error.
func (e *Error) Error() string {
	if e.Field != "" {
		return "reminder: " + e.Field + ": " + e.Message
	}
	return "reminder: " + e.Message
}

// IsRequestError reports whether err is the caller's mistake.
func IsRequestError(err error) bool {
	var e *Error
	return errors.As(err, &e)
}
