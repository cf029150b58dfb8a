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
type Reminders interface {
	// PutReminder creates a reminder or replaces it (same Hospital and ID)
	// when it is still scheduled; replacing a fired or cancelled reminder
	// is ErrConflict. Due is indexed.
	PutReminder(ctx context.Context, r Reminder) error
	// GetReminder returns one reminder, or ErrNotFound.
	GetReminder(ctx context.Context, hospital, id string) (Reminder, error)
	// ListReminders returns a hospital's reminders in due order from the
	// cursor on ("" from the start), at most limit, with the cursor of the
	// next page ("" at the end). A non-empty subject keeps only that
	// patient's; a non-empty state only that state.
	ListReminders(ctx context.Context, q ReminderQuery) ([]Reminder, string, error)
	// CancelReminder marks a scheduled reminder cancelled; cancelling one
	// already fired is ErrConflict, an unknown one ErrNotFound.
	CancelReminder(ctx context.Context, hospital, id string, at time.Time) error
	// ClaimDue leases up to limit scheduled reminders due at or before
	// now, earliest first, to lease holder for lease; a reminder leased and
	// not yet fired comes back only when its lease has run out.
	ClaimDue(ctx context.Context, now time.Time, limit int, holder string, lease time.Duration) ([]Reminder, error)
	// FireReminder completes a claimed reminder atomically: while holder
	// still holds its lease, enqueue entries and either mark it fired (Next
	// zero) or move it to Next (repeating or deferred reminders, which
	// stay scheduled with Fired incremented). A lost lease is ErrConflict
	// and writes nothing.
	FireReminder(ctx context.Context, f Firing) error
	// NextDue returns the earliest due time of any scheduled reminder, or
	// the zero time when there is none (the firing loop sleeps until then).
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
