package persistence

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Several processes may send for one sender from one store (two replicas,
// or the old and the new process of a rolling deploy), and each reads the
// sender's pending entries at start-up and now and then. Without more, a
// process would send an entry that another one is sending at that moment:
// a patient would get the message twice. So an entry is sent only under a
// lease: the process that makes an entry holds it first (Enqueue, Commit
// and FireReminder store OutboxEntry.Holder and LeasedUntil as given, in
// the same atomic write), and any other process must Claim it, which the
// store refuses while that lease is live. A send starts only with enough
// of its lease left to finish within it, so two processes never send one
// entry at once while their clocks agree to within that margin.
//
// MarkSent and a final MarkFailed end the lease with the entry: it is no
// longer pending, and a claim answers Done. A lease that runs out (its
// process was killed) lets another process claim the entry and send it;
// when the killed process had already handed it to Twilio, the patient
// gets it twice. That is the one duplicate leases leave, and it needs a
// crash in the moment between Twilio's acceptance and the mark.
//
// Leases are compared with the now the caller passes, like reminder
// leases. A holder names one process run (not a node), so a restarted
// process never mistakes the leases of its previous run for its own. A
// backend that only one process can open at a time (the embedded file)
// may treat leases written before it was opened as ended: their holder is
// gone.

// OutboxLeases lets a process take pending outbox entries to send.
type OutboxLeases interface {
	// Claim leases entry id of sender to holder until now+lease, unless
	// another holder's lease on it is live (ends after now); a claim by
	// the holder itself renews its lease. An entry that is not pending
	// (sent, failed for good, unknown or expired) is Done and never
	// claimed. holder must be non-empty and lease positive.
	Claim(ctx context.Context, sender, id, holder string, now time.Time, lease time.Duration) (OutboxClaim, error)
	// Release ends holder's leases on those of ids still pending, so that
	// another process may send them at once: a process stopping with
	// entries it did not send hands them over. Entries another holder
	// leases, and unknown ids, are left alone.
	Release(ctx context.Context, sender, holder string, ids ...string) error
}

// OutboxClaim is the answer to a claim.
type OutboxClaim struct {
	// Held means the claimer holds the entry until Until and may send it.
	Held bool
	// Done means the entry is no longer pending: nobody may send it.
	Done bool
	// Until is the end of the live lease: the claimer's when Held,
	// another holder's when neither Held nor Done.
	Until time.Time
}

// ValidateOutboxClaim refuses a Claim no backend could serve.
func ValidateOutboxClaim(holder string, lease time.Duration) error {
	if holder == "" {
		return errors.New("outbox claim without lease holder")
	}
	if lease <= 0 {
		return errors.New("outbox claim with a lease that is not positive")
	}
	return nil
}

// A process killed without releasing its outbox leases (kill -9, an
// out-of-memory kill, a lost node) leaves them live until they run out,
// and its entries wait that long for another process. A backend that
// implements Liveness shortens the wait: a process run whose holder name
// starts with LiveHolderPrefix (NewLiveHolder) beats every few seconds,
// and a claim over such a holder's live lease succeeds once its beat has
// lapsed. A beating process starts a send only while its last beat keeps
// it alive for the whole send and the mark that follows, so a claim that
// finds the beat lapsed never races a send of the holder's.

// Beat is what a beating process knows of its own beat.
type Beat struct {
	// Until is when (real time) the last beat the store took ends,
	// reckoned from before it was sent; zero before the first.
	Until time.Time
	// Lapsed is when (process clock) the beat was last found to have
	// lapsed; zero if it never has. Leases the process took before it
	// may have been taken over meanwhile.
	Lapsed time.Time
}

// BeatSlack is kept on top of an attempt's timeout when a beating process
// checks its beat before the attempt. The beat's end is reckoned on the
// process's own clock from before the beat was sent, so no other clock is
// involved: the slack covers a mark that rides with a later pipeline, and
// clocks that run at slightly different rates. A beat's time to live must
// exceed an attempt's timeout and this, by enough for a few beats to fail
// in a row.
const BeatSlack = 2 * time.Second

// LiveHolderPrefix starts the name of a holder that beats (NewLiveHolder).
const LiveHolderPrefix = "live-"

// Liveness keeps beating holders alive in a store shared by processes.
type Liveness interface {
	// Beat declares holder alive for ttl from when the store takes it;
	// until then, Claim refuses another holder its live leases, and after
	// it Claim treats them as ended. holder must start with
	// LiveHolderPrefix and ttl be positive.
	Beat(ctx context.Context, holder string, ttl time.Duration) error
	// Retire ends holder's beat at once: a process that stopped cleanly,
	// with no send in flight.
	Retire(ctx context.Context, holder string) error
}

// ValidateBeat refuses a Beat no backend could serve.
func ValidateBeat(holder string, ttl time.Duration) error {
	if !strings.HasPrefix(holder, LiveHolderPrefix) {
		return errors.New("beat of a holder that is not a live holder")
	}
	if ttl <= 0 {
		return errors.New("beat with a time to live that is not positive")
	}
	return nil
}

// NewLiveHolder is NewHolder for a process run that beats (Liveness).
func NewLiveHolder() string { return LiveHolderPrefix + randomName() }

// NewHolder returns a lease holder name for one process run: stores tell
// leases (of outbox entries and reminders) apart by it alone, so it must
// differ between processes and between runs of one process.
func NewHolder() string { return "run-" + randomName() }

// randomName is 16 random hex digits.
func randomName() string {
	var b [8]byte
	rand.Read(b[:]) // never fails: it crashes the program first (Go 1.24)
	return hex.EncodeToString(b[:])
}
