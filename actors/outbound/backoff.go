package outbound

import (
	"math/rand/v2"
	"time"
)

// Retry waits use decorrelated jitter (Brooker, "Exponential Backoff And
// Jitter", AWS Architecture Blog, 2015): each wait is drawn uniformly
// from [base, 3 × the previous wait], capped. It grows about
// exponentially like plain doubling but spreads the retries of many
// messages that failed together (a Twilio incident fails every lane at
// once), and unlike full jitter it never retries at once after a 5xx:
// the shortest wait is base. Twilio's Retry-After, when it gives one, is
// a floor: the wait is never shorter than it.
//
// With the defaults (base 1 s, cap 60 s, 8 attempts) a message that keeps
// failing is tried over roughly two minutes before it fails for good.

// decorrelated is the next wait after prev (0 for the first retry),
// drawn with rnd (uniform in [0, n)).
func decorrelated(prev, base, ceiling time.Duration, rnd func(n int64) int64) time.Duration {
	if prev < base {
		prev = base
	}
	hi := min(3*prev, ceiling)
	if hi <= base {
		return min(base, ceiling)
	}
	return base + time.Duration(rnd(int64(hi-base)+1))
}

// retryWait is how long the entry waits before its next attempt, and
// remembers it for the next draw.
func (s *sender) retryWait(id string, retryAfter time.Duration) time.Duration {
	w := decorrelated(s.waits[id], s.opts.RetryBase, s.opts.RetryCap, rand.Int64N)
	s.waits[id] = w
	return max(w, retryAfter)
}
