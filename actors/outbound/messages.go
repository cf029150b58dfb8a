// Package outbound is the outbound actor: one per WhatsApp sender. It
// drains the outbox (entries committed with the conversation's state or
// enqueued by EMR pushes), sends each message with the configured sender
// (Twilio or the simulator), in order per patient, and records the outcome.
package outbound

import "github.com/frontdesk-health/frontdesk/persistence"

// Notify tells the outbound actor that entries were committed and can be
// sent. Entries are sent in slice order per lane.
type Notify struct {
	Entries []persistence.OutboxEntry
	// Messages, when set, holds each entry's message as its payload holds
	// it (Codec.Prepare makes both), so that the send need not open and
	// decode the payload it was just given. Optional.
	Messages []Message
}

// Reload tells the outbound actor to read its sender's pending entries from
// the store again. The runtime sends it when the store answers again after
// an outage: a commit whose answer was lost may have landed all the same,
// with replies no actor was told about. Entries the actor already holds are
// not sent twice.
type Reload struct{}
