// Package callback posts patients' answers to reminders to the EMR's
// callback URL. The conversation commits each answer as an outbox entry of
// the special sender Sender in the same turn that took it, so an answer is
// never lost; the callback actor (one per process) drains those entries:
// it POSTs the JSON body signed with the hospital's callback_secret
// (Sign), retries with backoff while the EMR fails or cannot be reached,
// gives up at once on a 4xx, and sends what a previous run left pending
// when it starts. Delivery is at least once: the EMR recognises a repeat
// by the X-Frontdesk-Callback-Id header (or the reminder id and answer).
package callback

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// Sender is the outbox sender of callbacks. It cannot be a WhatsApp
// sender (those are "whatsapp:+<number>"), so no outbound actor takes
// these entries.
const Sender = "frontdesk:callbacks"

// Body is the JSON the EMR receives. For an appointment reminder Answer is
// "confirmed" or "cancelled"; for a feedback survey Ratings holds each
// question's rating (1 to 5) by name and Comment the optional comment.
type Body struct {
	ReminderID    string         `json:"reminder_id"`
	Hospital      string         `json:"hospital"`
	Kind          string         `json:"kind"`
	AppointmentID string         `json:"appointment_id,omitempty"`
	Answer        string         `json:"answer,omitempty"`
	Ratings       map[string]int `json:"ratings,omitempty"`
	Comment       string         `json:"comment,omitempty"`
	AnsweredAt    string         `json:"answered_at"` // RFC 3339, UTC
}

// payload is what an outbox entry of Sender holds, sealed: where to post,
// whose secret signs it, and the body exactly as it will be sent.
type payload struct {
	Hospital string          `json:"h"`
	URL      string          `json:"u"`
	Body     json.RawMessage `json:"b"`
}

// Codec turns answers into outbox entries and back; payloads are sealed
// (the comment and the URL may say things about the patient).
type Codec struct {
	sealer persistence.Sealer
}

// NewCodec returns a codec sealing with sealer.
func NewCodec(sealer persistence.Sealer) *Codec { return &Codec{sealer: sealer} }

// Entries makes one outbox entry of Sender per answer.
func (c *Codec) Entries(now time.Time, cbs ...flow.Callback) ([]persistence.OutboxEntry, error) {
	out := make([]persistence.OutboxEntry, 0, len(cbs))
	for _, cb := range cbs {
		body, err := json.Marshal(Body{
			ReminderID: cb.ReminderID, Hospital: cb.Hospital, Kind: cb.Kind, AppointmentID: cb.AppointmentID,
			Answer: cb.Answer, Ratings: cb.Ratings, Comment: cb.Comment, AnsweredAt: cb.At.UTC().Format(time.RFC3339),
		})
		if err != nil {
			return nil, fmt.Errorf("encode callback body: %w", err)
		}
		raw, err := json.Marshal(payload{Hospital: cb.Hospital, URL: cb.URL, Body: body})
		if err != nil {
			return nil, fmt.Errorf("encode callback payload: %w", err)
		}
		sealed, err := c.sealer.Seal(raw)
		if err != nil {
			return nil, fmt.Errorf("seal callback payload: %w", err)
		}
		out = append(out, persistence.OutboxEntry{
			ID: persistence.NewID(now), Sender: Sender, Lane: cb.Hospital, Payload: sealed,
			CreatedAt: now, State: persistence.OutboxPending, UpdatedAt: now,
		})
	}
	return out, nil
}

// decode opens an entry's payload.
func (c *Codec) decode(e persistence.OutboxEntry) (payload, error) {
	raw, err := c.sealer.Open(e.Payload)
	if err != nil {
		return payload{}, fmt.Errorf("open callback entry %s: %w", e.ID, err)
	}
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil {
		return payload{}, fmt.Errorf("decode callback entry %s: %w", e.ID, err)
	}
	return p, nil
}
