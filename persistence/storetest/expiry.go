package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// realSlack is how long after a TTL a wall-clock backend may take to drop
// the data.
const realSlack = 5 * time.Second

var expiryChecks = []check{
	{"SnapshotExpiresAfterRetention", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")))
		s.expire(t, ex.Retention, "snapshot expiry", func() bool {
			_, err := st.Load(ctx, "conv")
			return errors.Is(err, persistence.ErrNotFound)
		})
		require.ErrorIs(t, st.Commit(ctx, snapshotCommit("conv", 1, "v2")), persistence.ErrConflict,
			"an expired snapshot has no version to build on")
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "new")), "an expired conversation starts afresh")
		requireVersion(t, st, "conv", 1, "new")
	}},
	{"CommitRenewsRetention", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		if ex.Clock == nil {
			t.Skip("needs a Clock: renewal cannot be checked on wall-clock time without long waits")
		}
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")))
		ex.Clock.Advance(ex.Retention * 6 / 10)
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 1, "v2")))
		ex.Clock.Advance(ex.Retention * 6 / 10)
		requireVersion(t, st, "conv", 2, "v2")
	}},
	{"SidsExpireAfterDedupeTTL", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		c := snapshotCommit("conv", 0, "v1")
		c.MessageSids = []string{"SM1"}
		require.NoError(t, st.Commit(ctx, c))
		s.expire(t, ex.DedupeTTL, "sid expiry", func() bool {
			seen, err := st.Seen(ctx, "SM1")
			require.NoError(t, err)
			return !seen
		})
	}},
	{"DoneEntriesExpirePendingAndConsentStay", func(t *testing.T, s *suite) {
		ex := s.expiry(t)
		st := s.fresh(t)
		ctx := context.Background()
		sent, failed, pending := newEntry("S1", "lane"), newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.Commit(ctx, persistence.Commit{
			Key:     "conv",
			Outbox:  []persistence.OutboxEntry{sent, failed, pending},
			Consent: []persistence.ConsentChange{{Hospital: "h", Subject: "p", OptedOut: true, At: baseTime}},
		}))
		require.NoError(t, st.MarkSent(ctx, "S1", sent.ID, "SM1", baseTime))
		require.NoError(t, st.MarkFailed(ctx, "S1", failed.ID, "63016", true, baseTime))
		require.NoError(t, st.MarkFailed(ctx, "S1", pending.ID, "20429", false, baseTime))
		s.expire(t, ex.Retention, "sent and failed entries expiry", func() bool {
			_, errSent := st.Entry(ctx, "S1", sent.ID)
			_, errFailed := st.Entry(ctx, "S1", failed.ID)
			return errors.Is(errSent, persistence.ErrNotFound) && errors.Is(errFailed, persistence.ErrNotFound)
		})
		got, err := st.Entry(ctx, "S1", pending.ID)
		require.NoError(t, err, "a pending entry never expires")
		assert.Equal(t, persistence.OutboxPending, got.State)
		assert.Equal(t, []string{pending.ID}, pendingIDs(t, st, "S1"))
		out, err := st.OptedOut(ctx, "h", "p")
		require.NoError(t, err)
		assert.True(t, out, "consent never expires")
	}},
}

// expiry returns the expiry settings, skipping the subtest without them.
func (s *suite) expiry(t *testing.T) *Expiry {
	t.Helper()
	if s.cfg.expiry == nil {
		t.Skip("expiry not checked: pass storetest.WithExpiry")
	}
	return s.cfg.expiry
}

// expire lets ttl pass and requires gone to turn true only then: with a
// Clock, gone must be false just before ttl and true just after; on wall
// clock time, gone must be false now and true within ttl plus realSlack.
func (s *suite) expire(t *testing.T, ttl time.Duration, what string, gone func() bool) {
	t.Helper()
	require.False(t, gone(), "%s: gone before its time", what)
	clock := s.cfg.expiry.Clock
	if clock == nil {
		waitFor(t, ttl+realSlack, what, gone)
		return
	}
	clock.Advance(ttl - ttl/10)
	require.False(t, gone(), "%s: gone before its time", what)
	clock.Advance(ttl / 5)
	require.True(t, gone(), "%s: still there after its time", what)
}
