package persistence

import (
	"context"
	"time"
)

// Deliveries records what Twilio reports about messages after they were
// sent, and when each patient last wrote (WhatsApp's 24-hour window).
type Deliveries interface {
	// RecordStatus stores a delivery status (queued, sent, delivered,
	// read, failed, undelivered) with Twilio's error code on the outbox
	// entry Twilio knows as providerID, when MarkSent recorded that id
	// and the entry has not expired; otherwise ErrNotFound. The entry
	// keeps the status of highest StatusRank: callbacks arrive out of
	// order, so a status never moves a message back (delivered after read
	// is ignored), and repeats are harmless. The entry's State and expiry
	// are left as they are.
	RecordStatus(ctx context.Context, providerID string, s DeliveryStatus) error
	// EntryByProviderID returns the outbox entry Twilio knows as
	// providerID, or ErrNotFound.
	EntryByProviderID(ctx context.Context, providerID string) (OutboxEntry, error)
	// LastInbound returns when subject last wrote to sender, or the zero
	// time. Commits carry it (Commit.Inbound); it is kept for the store's
	// retention after the latest inbound message.
	LastInbound(ctx context.Context, sender, subject string) (time.Time, error)
}

// DeliveryStatus is one status callback.
type DeliveryStatus struct {
	Status    string
	ErrorCode string
	At        time.Time
}

// StatusRank orders Twilio's message statuses for RecordStatus: a status
// replaces the stored one only when its rank is higher. The usual path
// queued < sending < sent < delivered < read ranks in order. failed,
// undelivered and canceled are final failures: they win over everything
// before delivered (Twilio reports failed or undelivered after sent), but
// not over delivered or read, which prove the message arrived, so a late
// or stray failure callback cannot hide that. Equal ranks (repeats, or
// failed after undelivered) keep the first. accepted and scheduled come
// before queued; an unknown status ranks 0 and is kept only when none is
// stored.
func StatusRank(status string) int {
	switch status {
	case "accepted", "scheduled":
		return 1
	case "queued":
		return 2
	case "sending":
		return 3
	case "sent":
		return 4
	case "failed", "undelivered", "canceled":
		return 5
	case "delivered":
		return 6
	case "read":
		return 7
	}
	return 0
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
	// Remember stores rec under (Hospital, Key) unless a live record is
	// there, and returns the record stored afterwards and whether it was
	// already there: of concurrent calls with one key exactly one stores
	// its record, and every call gets that one back. Records expire after
	// ttl (at least a millisecond; Hospital and Key non-empty); the caller
	// compares RequestHash to tell a retry from a reused key.
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
	// PutMedia stores sealed bytes under id for ttl, replacing what is
	// there (id non-empty, ttl at least a millisecond).
	PutMedia(ctx context.Context, id string, sealed []byte, ttl time.Duration) error
	// GetMedia returns them, or ErrNotFound once expired.
	GetMedia(ctx context.Context, id string) ([]byte, error)
}

// ConsentLedger extends Consent with opt-outs per reminder kind and the
// history of changes (ConsentChange.Kind names the kind; "" is everything).
// The store keeps the latest change per (hospital, subject, kind), by At
// as for Consent, and every change in the history.
type ConsentLedger interface {
	// OptedOutOf reports whether subject has opted out of kind from
	// hospital, by OptedOutOfKind's rule; with kind "" it is OptedOut.
	OptedOutOf(ctx context.Context, hospital, subject, kind string) (bool, error)
	// ConsentHistory returns a subject's changes at a hospital, every
	// kind, oldest first by At (equal At in commit order).
	ConsentHistory(ctx context.Context, hospital, subject string) ([]ConsentChange, error)
}

// OptedOutOfKind is the rule of ConsentLedger.OptedOutOf, given the latest
// change for everything and the latest for the kind (nil when there is
// none): a `stop` for everything covers every kind until a `start` for
// everything; a change for the kind counts only when it is not older than
// the latest change for everything. So `stop` then `start medicine` keeps
// medicine reminders off (only `start` undoes `stop`), and `stop
// medicine` then `start` turns them on again, as the patient who typed
// `start` expects.
func OptedOutOfKind(everything, kind *ConsentChange) bool {
	if everything != nil && everything.OptedOut {
		return true
	}
	if kind == nil || !kind.OptedOut {
		return false
	}
	return everything == nil || !kind.At.Before(everything.At)
}
