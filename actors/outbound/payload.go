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
}

// Codec turns messages into outbox entries and back: bodies split to
// WhatsApp's limit, payloads sealed, the recipient kept only as a keyed
// hash (the lane) outside the seal.
type Codec struct {
	sealer persistence.Sealer
	hasher *pii.Hasher
}

// NewCodec returns a codec sealing with sealer and hashing with hasher.
func NewCodec(sealer persistence.Sealer, hasher *pii.Hasher) *Codec {
	return &Codec{sealer: sealer, hasher: hasher}
}

// Lane is the ordering lane of a recipient.
func (c *Codec) Lane(to string) string { return c.hasher.Hash(to) }

// Entries makes the outbox entries for messages sent from sender, in order,
// splitting bodies longer than WhatsApp allows.
func (c *Codec) Entries(now time.Time, sender string, msgs ...Message) ([]persistence.OutboxEntry, error) {
	var out []persistence.OutboxEntry
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
				return nil, fmt.Errorf("encode outbound message: %w", err)
			}
			sealed, err := c.sealer.Seal(raw)
			if err != nil {
				return nil, fmt.Errorf("seal outbound message: %w", err)
			}
			out = append(out, persistence.OutboxEntry{
				ID:        persistence.NewID(now),
				Sender:    sender,
				Lane:      c.Lane(m.To),
				Payload:   sealed,
				CreatedAt: now,
				State:     persistence.OutboxPending,
				UpdatedAt: now,
			})
		}
	}
	return out, nil
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
