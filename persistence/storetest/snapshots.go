package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var snapshotChecks = []check{
	{"LoadUnknownKey", func(t *testing.T, s *suite) {
		requireAbsent(t, s.fresh(t), "never-written")
	}},
	{"CommitCreatesVersionOne", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		data := "state\x00\xff\x01"
		c := snapshotCommit("conv-a", 0, data)
		c.Snapshot.Key = "ignored"
		c.Snapshot.UpdatedAt = baseTime.Add(-24 * time.Hour)
		require.NoError(t, st.Commit(ctx, c))
		snap, err := st.Load(ctx, "conv-a")
		require.NoError(t, err)
		assert.Equal(t, persistence.Snapshot{Key: "conv-a", Version: 1, Data: []byte(data), UpdatedAt: snap.UpdatedAt}, snap)
		assert.False(t, snap.UpdatedAt.IsZero(), "UpdatedAt is stamped by the store")
		if clock := s.clock(); clock != nil {
			assert.WithinDuration(t, clock.Now(), snap.UpdatedAt, timeSlack, "UpdatedAt comes from the store's clock")
		}
		requireAbsent(t, st, "conv-b")
	}},
	{"CommitAdvancesVersion", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		for v := uint64(0); v < 5; v++ {
			require.NoError(t, st.Commit(ctx, snapshotCommit("conv", v, string(rune('a'+v)))))
		}
		requireVersion(t, st, "conv", 5, "e")
	}},
	{"LoadReturnsACopy", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		c := snapshotCommit("conv", 0, "original")
		require.NoError(t, st.Commit(ctx, c))
		c.Snapshot.Data[0] = 'X'
		snap, err := st.Load(ctx, "conv")
		require.NoError(t, err)
		snap.Data[0] = 'Y'
		requireVersion(t, st, "conv", 1, "original")
	}},
	{"StaleVersionConflictsAndWritesNothing", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")))
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 1, "v2")))
		for _, expect := range []uint64{0, 1, 3, 100} {
			c := snapshotCommit("conv", expect, "loser")
			c.Outbox = []persistence.OutboxEntry{newEntry("S1", "lane")}
			c.MessageSids = []string{"SM-loser"}
			c.Consent = []persistence.ConsentChange{{Hospital: "h", Subject: "p", OptedOut: true, At: baseTime, Source: "patient"},
				{Hospital: "h", Subject: "p", Kind: "medicine", OptedOut: true, At: baseTime, Source: "patient"}}
			c.Inbound = &persistence.Inbound{Sender: "S1", Subject: "p", At: baseTime}
			err := st.Commit(ctx, c)
			require.ErrorIs(t, err, persistence.ErrConflict, "expect version %d", expect)
			requireNoTrace(t, st, c)
		}
		requireVersion(t, st, "conv", 2, "v2")
	}},
	{"ExpectVersionOnUnknownKeyConflicts", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		c := snapshotCommit("conv", 1, "v2")
		c.Outbox = []persistence.OutboxEntry{newEntry("S1", "lane")}
		require.ErrorIs(t, st.Commit(context.Background(), c), persistence.ErrConflict)
		requireNoTrace(t, st, c)
		requireAbsent(t, st, "conv")
	}},
	{"NilDataChecksVersionButKeepsSnapshot", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")))

		e := newEntry("S1", "lane")
		ok := persistence.Commit{
			Key: "conv", ExpectVersion: 1,
			Outbox:      []persistence.OutboxEntry{e},
			MessageSids: []string{"SM-nil-data"},
			Consent:     []persistence.ConsentChange{{Hospital: "h", Subject: "p", OptedOut: true, At: baseTime}},
		}
		require.NoError(t, st.Commit(ctx, ok))
		requireVersion(t, st, "conv", 1, "v1")
		assert.Equal(t, []string{e.ID}, pendingIDs(t, st, "S1"))
		seen, err := st.Seen(ctx, "SM-nil-data")
		require.NoError(t, err)
		assert.True(t, seen)
		out, err := st.OptedOut(ctx, "h", "p")
		require.NoError(t, err)
		assert.True(t, out)

		stale := persistence.Commit{Key: "conv", ExpectVersion: 0, Outbox: []persistence.OutboxEntry{newEntry("S1", "lane")}}
		require.ErrorIs(t, st.Commit(ctx, stale), persistence.ErrConflict)
		requireNoTrace(t, st, stale)

		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 1, "v2")), "a nil-data commit does not bump the version")
		requireVersion(t, st, "conv", 2, "v2")
	}},
	{"NilDataOnUnknownKeyCreatesNoSnapshot", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		e := newEntry("S1", "lane")
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Outbox: []persistence.OutboxEntry{e}}))
		requireAbsent(t, st, "conv")
		assert.Equal(t, []string{e.ID}, pendingIDs(t, st, "S1"))
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")))
	}},
	{"InvalidCommitsWriteNothing", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 0, "v1")))
		withTrace := func(c persistence.Commit) persistence.Commit {
			c.Outbox = append(c.Outbox, newEntry("S1", "lane"))
			c.MessageSids = []string{"SM-invalid"}
			c.Inbound = &persistence.Inbound{Sender: "S1", Subject: "p", At: baseTime}
			return c
		}
		badVersion := snapshotCommit("conv", 1, "v3")
		badVersion.Snapshot.Version = 3
		noID := snapshotCommit("conv", 1, "v2")
		noID.Outbox = []persistence.OutboxEntry{{Sender: "S1", Payload: []byte("x")}}
		noSender := snapshotCommit("conv", 1, "v2")
		noSender.Outbox = []persistence.OutboxEntry{{ID: nextID(), Payload: []byte("x")}}
		tests := map[string]persistence.Commit{
			"empty key":                {Key: "", Snapshot: persistence.Snapshot{Version: 1, Data: []byte("x")}},
			"version not expect+1":     badVersion,
			"outbox entry without id":  noID,
			"outbox entry w/o sender":  noSender,
			"snapshot version zero":    {Key: "conv", ExpectVersion: 1, Snapshot: persistence.Snapshot{Data: []byte("x")}},
			"version equal to current": {Key: "conv", ExpectVersion: 1, Snapshot: persistence.Snapshot{Version: 1, Data: []byte("x")}},
		}
		for name, c := range tests {
			c = withTrace(c)
			err := st.Commit(ctx, c)
			require.Error(t, err, name)
			requireNoTrace(t, st, c)
		}
		requireVersion(t, st, "conv", 1, "v1")
	}},
	{"CancelledContextWritesNothing", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		c := snapshotCommit("conv", 0, "v1")
		c.Outbox = []persistence.OutboxEntry{newEntry("S1", "lane")}
		c.MessageSids = []string{"SM-cancelled"}
		c.Consent = []persistence.ConsentChange{{Hospital: "h", Subject: "p", OptedOut: true, At: baseTime}}
		c.Inbound = &persistence.Inbound{Sender: "S1", Subject: "p", At: baseTime}
		require.Error(t, st.Commit(ctx, c))
		requireAbsent(t, st, "conv")
		requireNoTrace(t, st, c)
	}},
}

// clock is the store's fake clock, or nil.
func (s *suite) clock() *Clock {
	if s.cfg.expiry == nil {
		return nil
	}
	return s.cfg.expiry.Clock
}
