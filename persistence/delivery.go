package persistence

import (
	"context"
	"time"
)

// Deliveries records what Twilio reports about messages after they were
// sent, and when each patient last wrote (WhatsApp's 24-hour window).
type Deliveries interface {
	// RecordStatus stores a delivery status (queued, sent, delivered,
	// read, failed, undelivered) with Twilio's error code for the message
	// Twilio knows as providerID, when MarkSent recorded that id; an
	// unknown id is ErrNotFound. A status never moves a message back
	// (delivered after read is ignored), and repeats are harmless.
	RecordStatus(ctx context.Context, providerID string, s DeliveryStatus) error
	// EntryByProviderID returns the outbox entry Twilio knows as
	// providerID, or ErrNotFound.
	EntryByProviderID(ctx context.Context, providerID string) (OutboxEntry, error)
	// LastInbound returns when subject last wrote to sender, or the zero
	// time. Commits carry it (Commit.Inbound).
	LastInbound(ctx context.Context, sender, subject string) (time.Time, error)
}

// DeliveryStatus is one status callback.
type DeliveryStatus struct {
	Status    string
	ErrorCode string
	At        time.Time
}

// Inbound is a patient's message time, carried by the commit of its turn.
type Inbound struct {
	Sender  string
	Subject string
	At      time.Time
}

// Idempotency remembers answers to API requests made with an
// Idempotency-Key, so a retried request gets the first answer and a key
// reused with a different request is refused.
type Idempotency interface {
	// Remember stores rec under (Hospital, Key) unless a record is there,
	// and returns the record stored afterwards and whether it was already
	// there. Records expire after ttl.
	Remember(ctx context.Context, rec IdempotencyRecord, ttl time.Duration) (IdempotencyRecord, bool, error)
}

// IdempotencyRecord is one API request's answer under its key.
type IdempotencyRecord struct {
	Hospital    string
	Key         string
	RequestHash string // SHA-256 of method, path and body
	Status      int
	Body        []byte
	CreatedAt   time.Time
}

// Media holds inbound media downloaded from Twilio, sealed, for the EMR
// to fetch from frontdesk's own URL for a while.
type Media interface {
	// PutMedia stores sealed bytes under id for ttl.
	PutMedia(ctx context.Context, id string, sealed []byte, ttl time.Duration) error
	// GetMedia returns them, or ErrNotFound once expired.
	GetMedia(ctx context.Context, id string) ([]byte, error)
}

// ConsentLedger extends Consent with opt-outs per reminder kind and the
// history of changes (ConsentChange.Kind names the kind; "" is everything).
type ConsentLedger interface {
	// OptedOutOf reports whether subject has opted out of kind from
	// hospital: of that kind, or of everything.
	OptedOutOf(ctx context.Context, hospital, subject, kind string) (bool, error)
	// ConsentHistory returns a subject's changes at a hospital, oldest
	// first.
	ConsentHistory(ctx context.Context, hospital, subject string) ([]ConsentChange, error)
}
