package hospital

import "time"

// breaker is a circuit breaker over one EMR: after Threshold consecutive
// failures it opens and calls fail fast for OpenFor; then one trial call
// is let through (half-open) and its outcome closes or reopens it. Only
// failures that mean the EMR is unreachable count; a refusal shows it up.
type breaker struct {
	threshold int
	openFor   time.Duration

	failures  int
	openUntil time.Time
	trial     bool // a half-open trial call is running
}

// allow reports whether a call may go to the EMR now.
func (b *breaker) allow(now time.Time) bool {
	if b.openUntil.IsZero() {
		return true
	}
	if now.Before(b.openUntil) || b.trial {
		return false
	}
	b.trial = true
	return true
}

// record takes the outcome of a call that was allowed. It reports whether
// the breaker changed between open and closed.
func (b *breaker) record(now time.Time, failed bool) (changed bool) {
	wasOpen := !b.openUntil.IsZero()
	b.trial = false
	if !failed {
		b.failures = 0
		b.openUntil = time.Time{}
		return wasOpen
	}
	b.failures++
	if wasOpen || b.failures >= b.threshold {
		b.openUntil = now.Add(b.openFor)
	}
	return !wasOpen && !b.openUntil.IsZero()
}

// release ends a trial call that never reached the EMR, so that the next
// call may try instead.
func (b *breaker) release() { b.trial = false }

// open reports whether calls currently fail fast.
func (b *breaker) open() bool { return !b.openUntil.IsZero() }
