package outbound

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// Message is one WhatsApp message as it sits, sealed, in the outbox.
type Message struct {
	To       string   `json:"to"`
	From     string   `json:"from"`
	Body     string   `json:"body,omitempty"`
	Media    []string `json:"media,omitempty"`
	Hospital string   `json:"h,omitempty"`
	// Kind says whether the message answers the patient (KindReply, the
	// zero value: inside WhatsApp's 24-hour window by construction) or
	// starts from the hospital's side, which is checked against the
	// window before it is sent (window.go).
	Kind Kind `json:"k,omitempty"`
	// ReminderKind is the reminder's kind (appointment, medicine, ...)
	// for KindReminder; it picks the template "<kind>_reminder".
	ReminderKind string `json:"rk,omitempty"`
	// Template names the hospital's template (config templates:) to send
	// outside the window; empty: the kind's usual name (templateNames).
	Template string `json:"tpl,omitempty"`
	// Variables fill the template's placeholders by name; see
	// config.Template for how names map to {{1}}, {{2}}, ...
	Variables map[string]string `json:"vars,omitempty"`
	// Fallback marks the copy of a message that Twilio refused with
	// 63016 after it was sent: it goes as a template, and only once.
	Fallback bool `json:"fb,omitempty"`

	// ContentSID and ContentVariables are set only on the way to the
	// Transport, when the message goes as a template; they are never
	// stored.
	ContentSID       string `json:"-"`
	ContentVariables string `json:"-"`
}

// Kind is why a message is sent.
type Kind string

// The kinds of outbound message.
const (
	KindReply        Kind = "reply"        // an answer within a conversation
	KindPush         Kind = "push"         // an EMR's message (/api/notifyuserwa, /v1)
	KindReminder     Kind = "reminder"     // a scheduled reminder
	KindConfirmation Kind = "confirmation" // an EMR's confirmation (video link, ...)
)

// initiated reports whether the hospital's side starts the message, so
// that WhatsApp's 24-hour window applies to it.
func (k Kind) initiated() bool { return k != "" && k != KindReply }

// Codec turns messages into outbox entries and back: bodies split to
// WhatsApp's limit, payloads sealed, the recipient kept only as a keyed
// hash (the lane) outside the seal.
type Codec struct {
	sealer persistence.Sealer
	hasher *pii.Hasher
	holder string        // lease holder of the entries it makes; "" none
	lease  time.Duration // their lease, from their creation time
}

// NewCodec returns a codec sealing with sealer and hashing with hasher.
func NewCodec(sealer persistence.Sealer, hasher *pii.Hasher) *Codec {
	return &Codec{sealer: sealer, hasher: hasher}
}

// WithLease returns a copy of c whose entries are held by holder for
// lease from their creation (persistence.OutboxLeases): the process that
// commits an entry holds it from that commit on, so its outbound actor
// sends it without claiming it first. holder is the process run's, the
// one its outbound actors claim with (Options.Holder).
func (c *Codec) WithLease(holder string, lease time.Duration) *Codec {
	cp := *c
	cp.holder, cp.lease = holder, lease
	return &cp
}

// hold sets the lease an entry made at now starts with.
func (c *Codec) hold(e *persistence.OutboxEntry, now time.Time) {
	if c.holder != "" && c.lease > 0 {
		e.Holder, e.LeasedUntil = c.holder, now.Add(c.lease)
	}
}

// Lane is the ordering lane of a recipient.
func (c *Codec) Lane(to string) string { return c.hasher.Hash(to) }

// Entries makes the outbox entries for messages sent from sender, in order,
// splitting bodies longer than WhatsApp allows.
func (c *Codec) Entries(now time.Time, sender string, msgs ...Message) ([]persistence.OutboxEntry, error) {
	out, _, err := c.Prepare(now, sender, msgs...)
	return out, err
}

// Prepare is Entries that also returns each entry's message as its payload
// holds it, for Notify.Messages.
func (c *Codec) Prepare(now time.Time, sender string, msgs ...Message) ([]persistence.OutboxEntry, []Message, error) {
	var out []persistence.OutboxEntry
	var plain []Message
	for _, m := range msgs {
		parts := Split(m.Body, MaxBody)
		if len(parts) == 0 {
			parts = []string{""}
		}
		for i, body := range parts {
			p := m
			p.Body = body
			if i < len(parts)-1 {
				p.Media = nil // media goes with the last part
			}
			raw, err := json.Marshal(p)
			if err != nil {
				return nil, nil, fmt.Errorf("encode outbound message: %w", err)
			}
			sealed, err := c.sealer.Seal(raw)
			if err != nil {
				return nil, nil, fmt.Errorf("seal outbound message: %w", err)
			}
			e := persistence.OutboxEntry{
				ID:        persistence.NewID(now),
				Sender:    sender,
				Lane:      c.Lane(m.To),
				Payload:   sealed,
				CreatedAt: now,
				State:     persistence.OutboxPending,
				UpdatedAt: now,
			}
			c.hold(&e, now)
			out, plain = append(out, e), append(plain, p)
		}
	}
	return out, plain, nil
}

// fallbackEntry is the copy of e to send as a template after Twilio
// reported 63016 for e: same sender, lane and creation time, id e.ID+"t",
// which sorts right after e and makes a second enqueue of the same
// fallback a no-op.
func (c *Codec) fallbackEntry(e persistence.OutboxEntry, m Message, now time.Time) (persistence.OutboxEntry, error) {
	m.Fallback = true
	raw, err := json.Marshal(m)
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("encode fallback of outbox entry %s: %w", e.ID, err)
	}
	sealed, err := c.sealer.Seal(raw)
	if err != nil {
		return persistence.OutboxEntry{}, fmt.Errorf("seal fallback of outbox entry %s: %w", e.ID, err)
	}
	fb := persistence.OutboxEntry{
		ID: e.ID + "t", Sender: e.Sender, Lane: e.Lane, Payload: sealed,
		CreatedAt: e.CreatedAt, State: persistence.OutboxPending, UpdatedAt: now,
	}
	c.hold(&fb, now)
	return fb, nil
}

// Decode opens an entry's payload.
func (c *Codec) Decode(e persistence.OutboxEntry) (Message, error) {
	raw, err := c.sealer.Open(e.Payload)
	if err != nil {
		return Message{}, fmt.Errorf("open outbox entry %s: %w", e.ID, err)
	}
	var m Message
	if err := json.Unmarshal(raw, &m); err != nil {
		return Message{}, fmt.Errorf("decode outbox entry %s: %w", e.ID, err)
	}
	return m, nil
}
