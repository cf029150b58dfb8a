// Package persistence defines the durable state of frontdesk: conversation
// snapshots with versions, the outbox of messages to send with what Twilio
// reported about them, MessageSid marks for dedupe, scheduled reminders,
// when each patient last wrote (WhatsApp's 24-hour window), answers to
// idempotent API requests, downloaded media and the consent ledger.
// Backends (persistence/embedded, persistence/redis) implement Store and
// must pass persistence/storetest, whose package comment lists the rules
// beyond these interfaces.
//
// The store never interprets payloads: snapshot and outbox data arrive
// already encoded (and sealed, where they hold patient data) and leave as
// they came. Identifiers that would reveal a patient (phone numbers) are
// replaced by keyed hashes before they reach the store's keys.
package persistence

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound means the key has no live snapshot (never written or expired).
var ErrNotFound = errors.New("not found")

// ErrConflict means a commit's expected version is not the stored one:
// another writer committed first. The caller reloads and tries again.
var ErrConflict = errors.New("version conflict")

// ErrBadCursor means a listing cursor is not one the store handed out: a
// caller mistake (an API answers 400), not a store failure.
var ErrBadCursor = errors.New("bad cursor")

// Store is everything frontdesk keeps durably.
type Store interface {
	Snapshots
	Outbox
	Dedupe
	Consent
	ConsentLedger
	Reminders
	Deliveries
	Idempotency
	Media
	Meta
	// Ping reports whether the store can serve requests now.
	Ping(ctx context.Context) error
	// Close flushes and releases the store.
	Close() error
}

// Snapshots holds one versioned snapshot per conversation.
type Snapshots interface {
	// Load returns the conversation's latest committed snapshot, or
	// ErrNotFound.
	Load(ctx context.Context, key string) (Snapshot, error)
	// Commit writes one conversation turn atomically: the snapshot (when
	// Snapshot.Data is non-nil), its outbox entries, its MessageSid marks,
	// its consent changes and its inbound time, all or nothing. The stored
	// version must equal ExpectVersion (0 for a conversation never
	// stored), else ErrConflict and nothing is written.
	Commit(ctx context.Context, c Commit) error
	// Wakes lists up to limit conversations marked to be woken after a
	// restart (see Commit.Wake) whose mark has not expired.
	Wakes(ctx context.Context, limit int) ([]Wake, error)
}

// WakeTTL is how long a wake mark lives: a conversation waits for an EMR
// answer for seconds, and treats a call older than a few minutes as lost,
// so an older mark would wake it for nothing.
const WakeTTL = 10 * time.Minute

// Wake is a conversation to wake after a restart: its key and the sealed
// address (sender and patient) to route a message to it.
type Wake struct {
	Key  string
	Data []byte
}

// Snapshot is a conversation's serialised state at one version.
type Snapshot struct {
	Key       string
	Version   uint64
	Data      []byte
	UpdatedAt time.Time
}

// Commit is one conversation turn to make durable.
type Commit struct {
	Key           string
	ExpectVersion uint64
	Snapshot      Snapshot // Version must be ExpectVersion+1
	Outbox        []OutboxEntry
	MessageSids   []string
	Consent       []ConsentChange
	// Wake applies to commits with Snapshot.Data: non-nil marks the
	// conversation to be woken after a restart (it waits for an answer
	// that a restart would lose) for WakeTTL, holding these sealed bytes;
	// nil clears the mark. Commits without Snapshot.Data leave it alone.
	Wake []byte
	// Inbound, when set, records when the patient last wrote (for
	// Deliveries.LastInbound); a later time replaces an earlier one only.
	Inbound *Inbound
}

// Outbox holds messages accepted for sending and not yet sent.
type Outbox interface {
	// Enqueue adds entries outside a conversation turn (EMR pushes). Like
	// Commit and FireReminder it stores each entry's Holder and
	// LeasedUntil as given: the process that makes an entry holds it first.
	Enqueue(ctx context.Context, entries ...OutboxEntry) error
	// Pending returns up to limit entries of a sender still to be sent,
	// oldest first (by ID).
	Pending(ctx context.Context, sender string, limit int) ([]OutboxEntry, error)
	// MarkSent records the provider's message id and removes the entry from
	// the pending set; the entry is then found by that id too
	// (Deliveries.EntryByProviderID) until it expires.
	MarkSent(ctx context.Context, sender, id, providerID string, at time.Time) error
	// MarkFailed records a failed attempt. A final failure removes the entry
	// from the pending set; otherwise it stays pending for a retry.
	MarkFailed(ctx context.Context, sender, id, reason string, final bool, at time.Time) error
	// Entry returns one entry by id, pending or not.
	Entry(ctx context.Context, sender, id string) (OutboxEntry, error)
	// Claim and Release lease pending entries to one sending process at a
	// time (lease.go).
	OutboxLeases
}

// OutboxState is where an outbox entry is in its life.
type OutboxState string

// The states of an outbox entry.
const (
	OutboxPending OutboxState = "pending"
	OutboxSent    OutboxState = "sent"
	OutboxFailed  OutboxState = "failed"
)

// OutboxEntry is one message to send. Payload is opaque to the store (the
// outbound side encodes recipient, body and media into it, sealed).
type OutboxEntry struct {
	ID         string // sortable: creation order within a sender
	Sender     string // the Twilio sender it goes out from
	Lane       string // keyed hash of the recipient: order is kept per lane
	Payload    []byte
	CreatedAt  time.Time
	State      OutboxState
	Attempts   int
	LastError  string // provider's error code or our reason; no patient data
	ProviderID string // Twilio's message SID once sent
	UpdatedAt  time.Time
	// Holder and LeasedUntil are the entry's lease (lease.go): the process
	// run that may send it, until when. Empty: nobody holds it.
	Holder      string
	LeasedUntil time.Time
	// Status is the highest-ranked delivery status Twilio reported after
	// the send (see StatusRank), with its error code and the time it
	// carried; empty until the first status callback.
	Status    string
	ErrorCode string
	StatusAt  time.Time
}

// Dedupe answers whether an inbound MessageSid was already committed.
type Dedupe interface {
	Seen(ctx context.Context, messageSid string) (bool, error)
}

// Consent is the opt-out ledger: `stop` and `start` per hospital, for all
// messages or one reminder kind, every change kept with its time and
// source (see ConsentLedger for kinds and the history).
type Consent interface {
	// OptedOut reports whether subject (keyed hash of a phone number) has
	// opted out of pushes and reminders from hospital: of everything, by
	// the latest change with an empty Kind. Per-kind changes do not count
	// here; ConsentLedger.OptedOutOf weighs them.
	OptedOut(ctx context.Context, hospital, subject string) (bool, error)
}

// ConsentChange is one `stop` or `start`, kept with its time and source.
type ConsentChange struct {
	Hospital string
	Subject  string
	Kind     string // "" for everything, else one reminder kind
	OptedOut bool
	At       time.Time
	Source   string // "patient", "api", ...
}

// Sealer seals and opens payloads that hold patient data (AES-GCM in
// persistence/seal). Backends store sealed bytes only.
type Sealer interface {
	Seal(plain []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// Meta holds a few small named values the process itself needs across
// restarts and processes, such as the sealed key of the keyed hashes.
type Meta interface {
	// GetMeta returns the value stored under name, or ErrNotFound.
	GetMeta(ctx context.Context, name string) ([]byte, error)
	// PutMeta stores value under name, replacing what is there only when
	// replace is set, and returns the value stored afterwards: with
	// replace false and a value present, the present one. Two processes
	// starting together therefore agree on one value.
	PutMeta(ctx context.Context, name string, value []byte, replace bool) ([]byte, error)
}
