package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// heldEntry enqueues an entry of S1 leased to holder from now for lease.
func heldEntry(t *testing.T, s *Store, holder string, now time.Time, lease time.Duration) persistence.OutboxEntry {
	t.Helper()
	e := persistence.OutboxEntry{ID: persistence.NewID(now), Sender: "S1", Lane: "lane-" + holder, Payload: []byte("sealed"),
		CreatedAt: now, Holder: holder, LeasedUntil: now.Add(lease)}
	require.NoError(t, s.Enqueue(context.Background(), e))
	return e
}

// beatRig is a store on a fresh prefix and two live holders.
func beatRig(t *testing.T) (s *Store, now time.Time, a, b string) {
	t.Helper()
	url := testRedis(t)
	return openStore(t, url, Options{Prefix: testPrefix(t, url)}), time.Now(), persistence.NewLiveHolder(), persistence.NewLiveHolder()
}

// TestClaimOverABeatingHolder: a live holder's lease holds while it beats
// (the refusal says when its beat would lapse); once its beat is gone (a
// killed process stops beating) the lease is over for other holders at
// once; a holder that does not beat keeps its lease to its end.
func TestClaimOverABeatingHolder(t *testing.T) {
	s, now, a, b := beatRig(t)
	ctx := context.Background()
	require.NoError(t, s.Beat(ctx, a, time.Minute))
	e := heldEntry(t, s, a, now, 2*time.Minute)
	c, err := s.Claim(ctx, "S1", e.ID, b, now, 2*time.Minute)
	require.NoError(t, err)
	assert.False(t, c.Held, "A beats: its lease holds")
	assert.WithinDuration(t, now.Add(time.Minute), c.Until, 5*time.Second, "refused until A's beat would lapse, before its lease ends")

	require.NoError(t, s.Beat(ctx, a, 50*time.Millisecond)) // A's last beat, then A is killed
	require.Eventually(t, func() bool {
		c, err = s.Claim(ctx, "S1", e.ID, b, now, 2*time.Minute)
		return err == nil && c.Held
	}, 5*time.Second, 10*time.Millisecond, "B takes A's entry once A's beat lapsed")
	got, err := s.Entry(ctx, "S1", e.ID)
	require.NoError(t, err)
	assert.Equal(t, b, got.Holder)
	c, err = s.Claim(ctx, "S1", e.ID, a, now, 2*time.Minute)
	require.NoError(t, err)
	assert.True(t, c.Held, "a live holder with no beat (B never beat) holds nothing: such a process sends nothing either")
	require.NoError(t, s.Beat(ctx, a, time.Minute))
	c, err = s.Claim(ctx, "S1", e.ID, b, now, 2*time.Minute)
	require.NoError(t, err)
	assert.False(t, c.Held, "A beats again and holds the entry against B")

	run := persistence.NewHolder()
	old := heldEntry(t, s, run, now, 2*time.Minute)
	c, err = s.Claim(ctx, "S1", old.ID, b, now, 2*time.Minute)
	require.NoError(t, err)
	assert.False(t, c.Held, "a holder that does not beat keeps its lease")
	assert.WithinDuration(t, now.Add(2*time.Minute), c.Until, time.Second)
}

// TestRetireEndsTheBeat: a process that stopped cleanly retires its
// holder, and its leases are over at once.
func TestRetireEndsTheBeat(t *testing.T) {
	s, now, a, b := beatRig(t)
	ctx := context.Background()
	require.NoError(t, s.Beat(ctx, a, time.Hour))
	require.NoError(t, s.Beat(ctx, b, time.Hour))
	e := heldEntry(t, s, a, now, 2*time.Minute)
	c, err := s.Claim(ctx, "S1", e.ID, b, now, 2*time.Minute)
	require.NoError(t, err)
	require.False(t, c.Held)

	require.NoError(t, s.Retire(ctx, a))
	c, err = s.Claim(ctx, "S1", e.ID, b, now, 2*time.Minute)
	require.NoError(t, err)
	assert.True(t, c.Held, "A retired: B takes its entry")
	c, err = s.Claim(ctx, "S1", e.ID, a, now, 2*time.Minute)
	require.NoError(t, err)
	assert.False(t, c.Held, "B beats: its lease holds against A")
}

func TestBeatRefusesWhatCannotBeat(t *testing.T) {
	s, _, _, _ := beatRig(t)
	ctx := context.Background()
	assert.Error(t, s.Beat(ctx, persistence.NewHolder(), time.Minute), "a holder without the live prefix")
	assert.Error(t, s.Beat(ctx, persistence.NewLiveHolder(), 0), "no time to live")
	assert.Error(t, s.Retire(ctx, ""))
}
