package outbound

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// Several processes may send for one sender (two replicas, or both sides
// of a rolling deploy), and each reads the sender's pending entries at
// start, after an outage and every Rescan. An entry is therefore sent only
// under a lease (persistence.OutboxLeases). The process that commits an
// entry holds it from the commit on (Codec.WithLease), so the usual path,
// commit then Notify then send, costs no store call for the lease. Before
// each attempt the sending goroutine checks that the lease it knows of has
// at least renewBelow left; with less, or for an entry it does not hold
// (read from the store), it claims the entry first, which also renews a
// lease of its own, so retries that go on for minutes keep their entry.
//
// A claim refused because another process holds the entry parks its lane:
// the entry stays at the head, so later messages to that patient wait
// behind it, and is claimed again after a wait that grows from 1 s to
// Rescan, never past the other lease's end. When the other process sends
// it, the next claim answers Done and the lane moves on; when that
// process died, its lease runs out and this one sends the entry. A
// stopping actor releases the leases of entries it did not send
// (handover.go), so the next process need not wait for them.

// A process that beats (persistence.Liveness) has its leases ended by the
// store as soon as its beat lapses, so another process takes over a
// killed one's entries within the beat's time to live instead of the
// lease. Its sends therefore check the beat too: one starts only while
// the last beat keeps the process alive for the send's timeout and
// persistence.BeatSlack more, and a lease the process took before its beat last
// lapsed is not trusted from memory (another process may have taken the
// entry meanwhile) but claimed again, which the store refuses when it
// was taken.

// leaseSlack is kept on top of a send's timeout: the clocks of two
// processes may differ by this much without both sending one entry.
const leaseSlack = 10 * time.Second

// renewBelow is the least lease an attempt starts with: with less left the
// entry is claimed again first. Half the lease, and at least one attempt's
// timeout with slack.
func (o *Options) renewBelow() time.Duration {
	return max(o.Lease/2, o.Timeout+leaseSlack)
}

// claimToSend makes sure this process holds e long enough to send it. It
// returns e with its lease as now held, and nil to go ahead, or the
// result that ends this attempt: the entry is held by another process
// (outHeld), no longer pending (outGone), or the store did not answer
// (outRetry, not counted as an attempt).
func claimToSend(ctx context.Context, opts Options, e persistence.OutboxEntry) (persistence.OutboxEntry, *result) {
	trusted := true // the lease this process knows of is still its own
	if opts.Alive != nil {
		b := opts.Alive()
		if time.Until(b.Until) < opts.Timeout+persistence.BeatSlack {
			// The beat may lapse before this send ends: another process
			// could take the entry meanwhile. The lane waits for the
			// next beat.
			return e, &result{entry: e, outcome: outRetry, code: codeStore,
				err: fmt.Errorf("outbox entry %s: this process's beat is lapsing: the store has not answered it", e.ID)}
		}
		trusted = e.LeasedUntil.Add(-opts.Lease).After(b.Lapsed)
	}
	now := opts.Now()
	if trusted && e.Holder == opts.Holder && e.LeasedUntil.Sub(now) >= opts.renewBelow() {
		return e, nil
	}
	c, err := opts.Store.Claim(ctx, e.Sender, e.ID, opts.Holder, now, opts.Lease)
	switch {
	case err != nil:
		return e, &result{entry: e, outcome: outRetry, code: codeStore, err: fmt.Errorf("claim outbox entry %s: %w", e.ID, err)}
	case c.Done:
		return e, &result{entry: e, outcome: outGone}
	case !c.Held:
		e.Holder, e.LeasedUntil = "", c.Until // someone else's: never trusted as ours
		return e, &result{entry: e, outcome: outHeld}
	}
	e.Holder, e.LeasedUntil = opts.Holder, c.Until
	return e, nil
}

// heldWait is how long a lane whose head another process holds waits
// before the next claim: 1 s, doubling per refusal, at most Rescan, and
// not much past the other lease's end (until).
func (s *sender) heldWait(id string, until time.Time) time.Duration {
	n := min(s.parked[id], 6)
	s.parked[id]++
	wait := min(time.Second<<n, s.opts.Rescan)
	if left := until.Sub(s.opts.Now()); left < wait {
		wait = max(left, 0) + time.Duration(rand.Int64N(int64(250*time.Millisecond)))
	}
	return wait
}

// rescan is the timer's signal to read the pending entries again; life
// names the actor instance that set the timer, so that the timers of an
// instance replaced after a panic die out.
type rescan struct{ life uint64 }

// lives numbers actor instances (sender.life).
var lives atomic.Uint64

// nextRescan asks for the next read after Rescan ±20 %, so processes
// started together do not read together.
func (s *sender) nextRescan(ctx actor.Context) {
	d := s.opts.Rescan
	s.later(ctx, &rescan{life: s.life}, d*4/5+time.Duration(rand.Int64N(int64(d*2/5)+1)))
}
