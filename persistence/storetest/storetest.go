// Package storetest is the contract suite every persistence.Store backend
// must pass. A backend's own test calls Run (and RunDurable when its data
// outlives a Close) with a function that opens a fresh, empty store.
//
// Beyond what persistence.go states, the suite pins down these choices, so
// that the embedded and Redis backends behave the same:
//
//   - Commit.Key must be non-empty. Snapshot.Key is ignored; Load reports
//     Commit.Key. UpdatedAt is stamped by the store from its own clock at
//     commit, and retention counts from there.
//   - With Snapshot.Data non-nil, Snapshot.Version must be ExpectVersion+1,
//     else Commit fails and writes nothing. With Snapshot.Data nil the
//     version is still checked (ErrConflict on mismatch) but the snapshot is
//     left as it is and its version is not bumped; outbox entries, sids and
//     consent changes are written. This lets a turn that changed no state
//     (or code outside the conversation) add outbox entries safely.
//   - A commit that fails for any reason (conflict, invalid input, cancelled
//     context) writes nothing: no snapshot, outbox entry, sid or consent.
//   - Outbox entries need an ID and a Sender; the store saves them with State
//     pending. Enqueueing an ID that the sender already has leaves the stored
//     entry untouched, so retrying an Enqueue whose answer was lost neither
//     duplicates a message nor revives a sent one.
//   - Pending with limit < 1 is an error. Entry, MarkSent and MarkFailed of
//     an unknown id return ErrNotFound.
//   - MarkSent sets State sent, ProviderID and UpdatedAt; repeating it is
//     harmless. MarkFailed adds one to Attempts and sets LastError and
//     UpdatedAt; final sets State failed and leaves the pending set, non-final
//     keeps a pending entry pending at its place in ID order.
//   - Outbox leases (persistence.OutboxLeases): entries are stored with
//     the Holder and LeasedUntil they carry (Enqueue, Commit and
//     FireReminder alike; a retried enqueue leaves the stored lease).
//     Claim grants an entry nobody holds, one whose lease ended at or
//     before now, or one the claimer holds (renewing it to now+lease);
//     it refuses another holder's live lease with that lease's end, and
//     answers Done for an entry that is not pending or unknown. A
//     non-final MarkFailed keeps the lease. Release clears only the
//     given holder's leases of pending entries. Claims of one entry
//     racing from many holders grant it to one. A backend only one
//     process can open at a time may drop leases at the next open
//     (embedded does; this suite does not check across opens).
//   - Sent and failed entries expire Retention after they were marked (they
//     hold sealed patient data); pending entries never expire.
//   - A MessageSid is Seen from the commit that carried it until DedupeTTL.
//   - Consent: per hospital, subject and kind, the change with the latest
//     At wins (a change older than the stored one is ignored; on equal At
//     the later commit wins); no subject is opted out by default; consent
//     never expires. OptedOut weighs only changes for everything (Kind "");
//     OptedOutOf follows persistence.OptedOutOfKind. ConsentHistory has
//     every change of a committed turn, by At, equal At in commit order.
//   - Commit.Inbound needs a sender, a subject and a time; it replaces the
//     stored time only when later, and a refused commit leaves it. It is
//     kept for Retention after the latest inbound.
//   - MarkSent makes the entry findable by its provider id for as long as
//     the entry lives. RecordStatus keeps the status of highest
//     persistence.StatusRank (equal ranks keep the first), with its code
//     and time, and leaves State alone; an empty status is an error.
//   - Reminders need Hospital, ID, Subject and Due. Put stamps UpdatedAt
//     from the store's clock, keeps CreatedAt and Fired across a replace,
//     and refuses (ErrConflict) to replace a fired or cancelled reminder
//     until it has expired; a replace or cancel takes a lease away.
//     Listing is by (Due, ID) with a position cursor (limit < 1 and unknown
//     states are errors, a foreign cursor is ErrBadCursor). ClaimDue
//     orders by claim time (Due, or lease end); "due" means at or before
//     now, both on the caller's clock, which backends may keep to the
//     millisecond. FireReminder checks only the lease holder: a holder
//     whose lease ran out with nobody claiming since still fires. Fired
//     counts firings with outbox entries. Cancelling a cancelled reminder
//     is a no-op. Fired and cancelled reminders expire Retention after
//     that (store clock); scheduled ones never expire.
//   - Idempotency records and media expire after the TTL given with them;
//     a TTL below a millisecond, an empty key or id is an error.
//   - Wake marks: a commit with Snapshot.Data sets the mark (Wake non-nil)
//     or clears it (nil); a commit without Data or a refused commit leaves
//     it as it was. Wakes lists live marks with their data, any order, up
//     to limit (limit < 1 is an error); a mark expires WakeTTL after it was
//     set.
//   - Meta values never expire; PutMeta without replace keeps a present
//     value and returns it, so concurrent first puts agree.
//   - Ping succeeds on an open store and fails after Close; Commit fails
//     after Close.
//
// Expiry is checked only when the backend's test passes WithExpiry. A backend
// whose time is injectable (embedded) passes a *Clock and the suite advances
// it; a backend that expires with wall-clock time (Redis TTLs) passes no
// Clock and short TTLs (about a second), and the suite polls until the data
// is gone, with a deadline of the TTL plus a few seconds.
//
// The suite runs its subtests one after another and closes every store it
// opens; open functions should not close the store themselves, or Close must
// tolerate a second call.
package storetest

import (
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Option tunes the suite to what a backend supports.
type Option func(*config)

type config struct {
	expiry *Expiry
}

// Expiry describes the TTLs the store under test was opened with and how
// the suite can make them pass.
type Expiry struct {
	// Retention is the snapshot retention the store was opened with; sent
	// and failed outbox entries, their provider ids, inbound marks and
	// fired or cancelled reminders are kept as long. The suite also uses it
	// as the TTL of the idempotency records and media it stores.
	Retention time.Duration
	// DedupeTTL is how long the store remembers a MessageSid.
	DedupeTTL time.Duration
	// WakeTTL is how long a wake mark lives (persistence.WakeTTL unless the
	// backend was opened with another).
	WakeTTL time.Duration
	// Clock is the store's time source. With a Clock the suite advances it
	// (TTLs must then exceed a second); nil means the store expires on
	// wall-clock time and the suite waits, polling.
	Clock *Clock
}

// WithExpiry turns on the expiry checks. Every store the open function
// returns must use e's TTLs (and e.Clock, when set).
func WithExpiry(e Expiry) Option {
	return func(c *config) { c.expiry = &e }
}

// suite carries what every subtest needs.
type suite struct {
	open func(t *testing.T) persistence.Store
	cfg  config
}

// check is one named subtest of the contract.
type check struct {
	name string
	run  func(t *testing.T, s *suite)
}

// Run checks every promise of persistence.Store against stores made by
// open, one fresh store per subtest.
func Run(t *testing.T, open func(t *testing.T) persistence.Store, opts ...Option) {
	s := &suite{open: open}
	for _, o := range opts {
		o(&s.cfg)
	}
	var checks []check
	for _, group := range [][]check{
		snapshotChecks, wakeChecks, metaChecks, outboxChecks, dedupeChecks, consentChecks,
		consentKindChecks, reminderChecks, claimChecks, claimRaceChecks, outboxLeaseChecks, deliveryChecks,
		idempotencyChecks, mediaChecks, lifecycleChecks, concurrencyChecks, expiryChecks,
		moreExpiryChecks,
	} {
		checks = append(checks, group...)
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.run(t, s) })
	}
}

// fresh opens a store for one subtest and closes it when the subtest ends.
func (s *suite) fresh(t *testing.T) persistence.Store {
	t.Helper()
	st := s.open(t)
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return st
}
