package runtime

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// fakeLiveness takes beats while up, and records the holder's retirement.
type fakeLiveness struct {
	mu      sync.Mutex
	down    bool
	beats   int
	retired string
}

func (f *fakeLiveness) Beat(context.Context, string, time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		return errors.New("store unreachable")
	}
	f.beats++
	return nil
}

func (f *fakeLiveness) Retire(_ context.Context, holder string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retired = holder
	return nil
}

func (f *fakeLiveness) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

// TestBeaterTellsOfALapse: beats keep Until ahead; when the store stops
// taking them, Until falls behind; the first beat taken after it passed
// records the lapse on the process clock, and a clean close retires the
// holder.
func TestBeaterTellsOfALapse(t *testing.T) {
	store := &fakeLiveness{}
	clock := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	m := metrics.New()
	b := startBeater(store, "live-test", 120*time.Millisecond, func() time.Time { return clock }, slog.New(slog.DiscardHandler), m)
	first := b.Alive()
	require.False(t, first.Until.IsZero(), "the first beat is taken at start")
	assert.True(t, first.Lapsed.IsZero())
	require.Eventually(t, func() bool { return b.Alive().Until.After(first.Until) }, 5*time.Second, 5*time.Millisecond,
		"later beats move Until on")

	store.setDown(true)
	require.Eventually(t, func() bool { return time.Now().After(b.Alive().Until.Add(50 * time.Millisecond)) }, 5*time.Second, 5*time.Millisecond,
		"no beat taken: Until falls behind")
	assert.True(t, b.Alive().Lapsed.IsZero(), "a lapse is known once the store answers again")

	store.setDown(false)
	require.Eventually(t, func() bool { return !b.Alive().Lapsed.IsZero() }, 5*time.Second, 5*time.Millisecond)
	assert.Equal(t, clock, b.Alive().Lapsed, "the lapse is dated on the process clock")
	assert.True(t, b.Alive().Until.After(time.Now()), "alive again")
	assert.Equal(t, 1.0, counted(t, m.BeatLapses), "one lapse counted")
	assert.Positive(t, counted(t, m.BeatFailures), "the beats refused were counted")

	require.NoError(t, b.close(context.Background(), true))
	assert.Equal(t, "live-test", store.retired)
}

// TestBeatTTLCoversASend: by default the beat outlives a whole attempt
// twice over, however long the send timeout; an explicit time to live is
// kept as given.
func TestBeatTTLCoversASend(t *testing.T) {
	assert.Equal(t, 34*time.Second, (&settings{}).beatTTLFor(), "15 s attempts and 2 s of slack, twice")
	assert.Equal(t, 134*time.Second, (&settings{sendTimeout: time.Minute}).beatTTLFor())
	assert.Equal(t, time.Second, (&settings{beatTTL: time.Second}).beatTTLFor())
}

// counted reads a counter.
func counted(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var out dto.Metric
	require.NoError(t, c.Write(&out))
	return out.GetCounter().GetValue()
}
