package outbound

import "time"

// bucket is the sender's rate limit: a token bucket of capacity one that
// refills at the sender's rate, so sends start at least 1/rate apart and
// any one-second window holds at most rate starts. Capacity one is
// deliberate: Twilio and WhatsApp meter a sender per second, and a
// larger bucket would let a second's worth of sends out in a few
// milliseconds after a quiet spell, on top of the next second's.
//
// A token not taken when it is due is not saved up (a late timer does
// not let the next send follow sooner), so the bucket errs on the slow
// side by the timer's lateness. It is only used from the actor's
// goroutine and measures real (monotonic) time, not the process clock,
// which tests may stop.
type bucket struct {
	interval time.Duration
	next     time.Time // when the next token is there
}

// newBucket returns a full bucket for rate sends per second (rate ≥ 1).
func newBucket(rate int) *bucket {
	r := time.Duration(max(rate, 1))
	// Round up: 1 s / 3 must not allow four starts in one second.
	return &bucket{interval: (time.Second + r - 1) / r}
}

// take consumes the token and returns 0 when one is there at now, else
// returns how long until it is (and takes nothing).
func (b *bucket) take(now time.Time) time.Duration {
	if now.Before(b.next) {
		return b.next.Sub(now)
	}
	b.next = now.Add(b.interval)
	return 0
}

// hold keeps the bucket empty until t: Twilio said "too many requests,
// retry after", which concerns every send of the sender, not only the
// one it refused.
func (b *bucket) hold(t time.Time) {
	if t.After(b.next) {
		b.next = t
	}
}
