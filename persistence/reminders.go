package persistence

import (
	"context"
	"time"
)

// Reminders holds scheduled reminders by due time. A reminder is fired
// exactly once: a firing process first claims it with a lease, then fires
// it atomically with the outbox entries it sends (or the next due time of
// a repeating reminder) while its lease still holds. A process that dies
// between the two lets the lease run out, and another claims it again.
//
// Due times and leases are compared with the now the caller passes, so the
// firing loop's clock decides what is due; retention of fired and
// cancelled reminders runs on the store's own clock. A backend may index
// due times to the millisecond, rounded up: a reminder is never claimed
// before its Due, and at most a millisecond after it.
type Reminders interface {
	// PutReminder creates a reminder or replaces it (same Hospital and ID)
	// when it is still scheduled; replacing a fired or cancelled reminder
	// is ErrConflict until it has expired. Due is indexed. The store sets
	// State scheduled, keeps Fired and CreatedAt of the reminder it
	// replaces (a new one starts at Fired 0 with CreatedAt as given, or
	// the store's clock when zero) and stamps UpdatedAt from its clock. Replacing a claimed
	// reminder takes its lease away: that firing is refused (ErrConflict)
	// and the new version fires at its own Due. Hospital, ID, Subject and
	// Due are required (Reminder.Validate).
	PutReminder(ctx context.Context, r Reminder) error
	// GetReminder returns one reminder, or ErrNotFound (never stored, or
	// fired or cancelled longer than the store's retention ago).
	GetReminder(ctx context.Context, hospital, id string) (Reminder, error)
	// ListReminders returns a hospital's reminders in due order (equal Due
	// by ID) from the cursor on ("" from the start), at most limit (limit
	// < 1 is an error), with the cursor of the next page ("" when nothing
	// follows). A non-empty subject keeps only that patient's; a non-empty
	// state only that state. The cursor is a position, not a snapshot:
	// reminders added after it show on later pages, those added before it
	// do not, and none is repeated or skipped unless its Due changes
	// meanwhile. A cursor the store did not hand out is ErrBadCursor.
	ListReminders(ctx context.Context, q ReminderQuery) ([]Reminder, string, error)
	// CancelReminder marks a scheduled reminder cancelled (a claimed one
	// too: its firing is then refused) with UpdatedAt at; cancelling one
	// already fired is ErrConflict, one already cancelled changes nothing,
	// an unknown one is ErrNotFound.
	CancelReminder(ctx context.Context, hospital, id string, at time.Time) error
	// ClaimDue leases up to limit scheduled reminders due at or before
	// now, earliest first, to holder until now+lease; a reminder leased
	// and not yet fired comes back only when its lease has run out (it is
	// then ordered by its lease end). holder must be non-empty and name
	// one claimer (a process run, not a node): the store tells leases
	// apart by it alone. limit < 1 or lease <= 0 is an error.
	ClaimDue(ctx context.Context, now time.Time, limit int, holder string, lease time.Duration) ([]Reminder, error)
	// FireReminder completes a claimed reminder atomically: while holder
	// still holds its lease, enqueue entries and either mark it fired
	// (Next zero) or move it to Next (repeating or deferred reminders,
	// which stay scheduled and unclaimed). Fired counts firings that
	// enqueued at least one entry, so a deferral (no entries) is not an
	// occurrence sent. UpdatedAt becomes At. The lease is lost when the
	// reminder was claimed by another holder, replaced, cancelled or
	// fired: then ErrConflict and nothing is written. A lease that ran out
	// but that nobody claimed since still fires (the reminder is late,
	// not doubled). An unknown or expired reminder is ErrNotFound.
	FireReminder(ctx context.Context, f Firing) error
	// NextDue returns the earliest time any scheduled reminder can be
	// claimed (its Due, or its lease end while claimed), or the zero time
	// when there is none: the firing loop sleeps until then.
	NextDue(ctx context.Context) (time.Time, error)
}

// ReminderState is where a reminder is in its life.
type ReminderState string

// The states of a reminder.
const (
	ReminderScheduled ReminderState = "scheduled"
	ReminderFired     ReminderState = "fired"
	ReminderCancelled ReminderState = "cancelled"
)

// Reminder is one scheduled message to a patient. Payload holds what
// identifies the patient and what to send (sealed by the caller); the
// store sees only the subject's keyed hash.
type Reminder struct {
	Hospital  string
	ID        string
	Subject   string // keyed hash of the patient's number
	Kind      string // appointment, medicine, follow_up, feedback
	Due       time.Time
	State     ReminderState
	Fired     int // occurrences sent so far (medicine schedules repeat)
	Payload   []byte
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ReminderQuery selects reminders to list.
type ReminderQuery struct {
	Hospital string
	Subject  string
	State    ReminderState
	Cursor   string
	Limit    int
}

// Firing completes one claimed reminder.
type Firing struct {
	Hospital string
	ID       string
	Holder   string
	Outbox   []OutboxEntry
	Next     time.Time // zero: fired for good; else the next due time
	At       time.Time
}
