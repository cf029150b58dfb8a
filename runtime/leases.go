package runtime

import (
	"time"

	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// Every process run has one lease holder name (persistence.NewHolder),
// for its reminder claims and its outbox entries alike: the entries it
// commits are leased to it from the commit on, and its outbound actors
// claim with that name what other processes left (docs/actors.md). On a
// store that ends a silent holder's leases (Redis), the holder beats
// (beat.go), so a killed process's entries are taken over within the
// beat's time to live.

// WithOutboxLease sets how long this process holds an outbox entry it
// made or claimed (default FRONTDESK_OUTBOX_LEASE, else
// outbound.DefaultLease, 2 min) and about how
// often its outbound actors read their pending entries again (default
// outbound.DefaultRescan, 30 s); zero keeps a default. Tests shorten both
// to see a stopped process's entries taken over quickly.
func WithOutboxLease(lease, rescan time.Duration) Option {
	return func(s *settings) { s.outboxLease, s.outboxRescan = lease, rescan }
}

// leaseOutbox sets the lease fields of an outbound actor's options.
func (a *App) leaseOutbox(opts *outbound.Options, s *settings) {
	opts.Holder, opts.Lease, opts.Rescan = a.holder, s.lease(), s.outboxRescan
	opts.Alive = a.alive()
}

// alive is what the process knows of its beat, for the actors that send
// under leases; nil on a store without beats.
func (a *App) alive() func() persistence.Beat {
	if a.beat == nil {
		return nil
	}
	return a.beat.Alive
}

// lease is the outbox lease this process takes.
func (s *settings) lease() time.Duration {
	if s.outboxLease > 0 {
		return s.outboxLease
	}
	return outbound.DefaultLease
}
