package outbound

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecorrelatedJitterBounds(t *testing.T) {
	const base, ceiling = time.Second, 60 * time.Second
	lowest := func(int64) int64 { return 0 }
	highest := func(n int64) int64 { return n - 1 }
	tests := []struct {
		name string
		prev time.Duration
		rnd  func(int64) int64
		want time.Duration
	}{
		{"first retry, low draw", 0, lowest, base},
		{"first retry, high draw", 0, highest, 3 * base},
		{"grows up to 3x", 4 * time.Second, highest, 12 * time.Second},
		{"never below base", 40 * time.Second, lowest, base},
		{"capped", 50 * time.Second, highest, ceiling},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, decorrelated(tt.prev, base, ceiling, tt.rnd), tt.name)
	}
	// With real draws the waits spread out: many messages failing together
	// do not come back together.
	seen := map[time.Duration]bool{}
	for range 50 {
		w := decorrelated(0, base, ceiling, rand.Int64N)
		require.GreaterOrEqual(t, w, base)
		require.LessOrEqual(t, w, 3*base)
		seen[w.Round(10*time.Millisecond)] = true
	}
	assert.Greater(t, len(seen), 10, "jitter spreads the first retries")
}

func TestRetryWaitHonoursRetryAfter(t *testing.T) {
	s := newSender(Options{RetryBase: 10 * time.Millisecond, RetryCap: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	assert.Equal(t, 5*time.Second, s.retryWait("e1", 5*time.Second), "Retry-After is a floor")
	w := s.retryWait("e2", 0)
	assert.True(t, w >= 10*time.Millisecond && w <= 20*time.Millisecond, "without it, the jittered backoff: %s", w)
}

func TestBucket(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	b := newBucket(20)
	assert.Zero(t, b.take(t0), "full at first")
	assert.Equal(t, 50*time.Millisecond, b.take(t0), "then empty for 1/20 s")
	assert.Equal(t, 10*time.Millisecond, b.take(t0.Add(40*time.Millisecond)))
	assert.Zero(t, b.take(t0.Add(50*time.Millisecond)))
	assert.Zero(t, b.take(t0.Add(time.Second)), "one token after a quiet spell")
	assert.Equal(t, 50*time.Millisecond, b.take(t0.Add(time.Second)), "not a second's worth")

	b.hold(t0.Add(3 * time.Second))
	assert.Equal(t, time.Second, b.take(t0.Add(2*time.Second)), "held until Retry-After")
	b.hold(t0) // an earlier hold does not shorten it
	assert.Equal(t, time.Second, b.take(t0.Add(2*time.Second)))

	assert.Equal(t, 333333334*time.Nanosecond, newBucket(3).interval, "rounded up: 3/s never allows a 4th start within a second")
	assert.Equal(t, time.Millisecond, newBucket(1000).interval)
}

// TestOldestAgeGauge: the age of the oldest waiting message grows while
// nothing can be sent, and drops to 0 once everything went.
func TestOldestAgeGauge(t *testing.T) {
	gate := &gatedTransport{open: make(chan struct{})}
	r := newTwilioRig(t, func(o *Options) { o.Transport = gate })
	es := r.enqueue(Message{To: patientN(1), Body: "a"}, Message{To: patientN(2), Body: "b"})
	age := func() float64 { return value(t, r.metrics.OutboxOldestAge.WithLabelValues(testSender)) }
	r.clock.Advance(90 * time.Second)
	require.Eventually(t, func() bool { return age() == 90 }, 5*time.Second, 10*time.Millisecond, "stuck for 90 s by the process clock")
	assert.Equal(t, 2.0, value(t, r.metrics.OutboxPending.WithLabelValues(testSender)))
	close(gate.open)
	r.settled(5*time.Second, es...)
	require.Eventually(t, func() bool { return age() == 0 }, 5*time.Second, 10*time.Millisecond)
	assert.Equal(t, 0.0, value(t, r.metrics.OutboxPending.WithLabelValues(testSender)))
}

// gatedTransport holds every send until open is closed.
type gatedTransport struct{ open chan struct{} }

func (g *gatedTransport) Send(ctx context.Context, m Message) (string, error) {
	select {
	case <-g.open:
		return "SM" + m.Body, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
