package storetest

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

var outboxChecks = []check{
	{"EnqueueKeepsEntryAsGiven", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		e := newEntry("S1", "lane-1")
		e.State = persistence.OutboxSent // the store decides the state
		require.NoError(t, st.Enqueue(ctx, e))
		got, err := st.Entry(ctx, "S1", e.ID)
		require.NoError(t, err)
		assert.Equal(t, e.ID, got.ID)
		assert.Equal(t, "S1", got.Sender)
		assert.Equal(t, "lane-1", got.Lane)
		assert.Equal(t, e.Payload, got.Payload)
		assert.WithinDuration(t, e.CreatedAt, got.CreatedAt, timeSlack)
		assert.Equal(t, persistence.OutboxPending, got.State)
		assert.Zero(t, got.Attempts)
		assert.Empty(t, got.ProviderID)
	}},
	{"PendingInIDOrderPerSender", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		var s1, s2 []persistence.OutboxEntry
		for i := range 12 {
			s1 = append(s1, newEntry("S1", "lane"))
			if i%3 == 0 {
				s2 = append(s2, newEntry("S2", "lane"))
			}
		}
		shuffled := slices.Concat(s1, s2)
		rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		require.NoError(t, st.Enqueue(ctx, shuffled[:5]...))
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "conv", Outbox: shuffled[5:]}))

		assert.Equal(t, ids(s1...), pendingIDs(t, st, "S1"))
		assert.Equal(t, ids(s2...), pendingIDs(t, st, "S2"))
		assert.Empty(t, pendingIDs(t, st, "S3"))

		first, err := st.Pending(ctx, "S1", 3)
		require.NoError(t, err)
		assert.Equal(t, ids(s1[:3]...), ids(first...), "limit honoured, oldest first")
		assert.Equal(t, s1[0].Payload, first[0].Payload)
		assert.Equal(t, persistence.OutboxPending, first[0].State)

		_, err = st.Pending(ctx, "S1", 0)
		assert.Error(t, err, "limit 0")
	}},
	{"SenderNamesDoNotOverlap", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		a, ab := newEntry("whatsapp:+1", "lane"), newEntry("whatsapp:+12", "lane")
		require.NoError(t, st.Enqueue(ctx, a, ab))
		assert.Equal(t, []string{a.ID}, pendingIDs(t, st, "whatsapp:+1"))
		assert.Equal(t, []string{ab.ID}, pendingIDs(t, st, "whatsapp:+12"))
		_, err := st.Entry(ctx, "whatsapp:+12", a.ID)
		assert.ErrorIs(t, err, persistence.ErrNotFound, "entries are per sender")
	}},
	{"EnqueueIsIdempotent", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		a, b := newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, a, b))
		require.NoError(t, st.MarkSent(ctx, "S1", a.ID, "SM-provider-a", baseTime))
		require.NoError(t, st.Enqueue(ctx, a, b), "retry of an earlier enqueue")
		assert.Equal(t, []string{b.ID}, pendingIDs(t, st, "S1"), "no duplicate, no revived entry")
		got, err := st.Entry(ctx, "S1", a.ID)
		require.NoError(t, err)
		assert.Equal(t, persistence.OutboxSent, got.State)
	}},
	{"EnqueueInvalidWritesNothing", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		good := newEntry("S1", "lane")
		require.Error(t, st.Enqueue(ctx, good, persistence.OutboxEntry{Sender: "S1"}))
		require.Error(t, st.Enqueue(ctx, good, persistence.OutboxEntry{ID: nextID()}))
		assert.Empty(t, pendingIDs(t, st, "S1"))
	}},
	{"MarkSent", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		a, b := newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, a, b))
		at := baseTime.Add(90 * time.Second)
		require.NoError(t, st.MarkSent(ctx, "S1", a.ID, "SMabc", at))
		assert.Equal(t, []string{b.ID}, pendingIDs(t, st, "S1"))
		got, err := st.Entry(ctx, "S1", a.ID)
		require.NoError(t, err)
		assert.Equal(t, persistence.OutboxSent, got.State)
		assert.Equal(t, "SMabc", got.ProviderID)
		assert.WithinDuration(t, at, got.UpdatedAt, timeSlack)
		assert.Equal(t, a.Payload, got.Payload)

		require.NoError(t, st.MarkSent(ctx, "S1", a.ID, "SMabc", at), "repeat is harmless")
		assert.Equal(t, []string{b.ID}, pendingIDs(t, st, "S1"))
	}},
	{"MarkFailedRetryThenFinal", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		a, b := newEntry("S1", "lane"), newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, a, b))

		require.NoError(t, st.MarkFailed(ctx, "S1", a.ID, "20429", false, baseTime))
		require.NoError(t, st.MarkFailed(ctx, "S1", a.ID, "timeout", false, baseTime))
		pending, err := st.Pending(ctx, "S1", 10)
		require.NoError(t, err)
		require.Equal(t, ids(a, b), ids(pending...), "a retried entry keeps its place")
		assert.Equal(t, 2, pending[0].Attempts)
		assert.Equal(t, "timeout", pending[0].LastError)
		assert.Equal(t, persistence.OutboxPending, pending[0].State)

		at := baseTime.Add(5 * time.Second)
		require.NoError(t, st.MarkFailed(ctx, "S1", a.ID, "63016", true, at))
		assert.Equal(t, []string{b.ID}, pendingIDs(t, st, "S1"))
		got, err := st.Entry(ctx, "S1", a.ID)
		require.NoError(t, err)
		assert.Equal(t, persistence.OutboxFailed, got.State)
		assert.Equal(t, 3, got.Attempts)
		assert.Equal(t, "63016", got.LastError)
		assert.WithinDuration(t, at, got.UpdatedAt, timeSlack)
	}},
	{"MarkUnknownEntry", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, e))
		_, err := st.Entry(ctx, "S1", "missing")
		assert.ErrorIs(t, err, persistence.ErrNotFound)
		assert.ErrorIs(t, st.MarkSent(ctx, "S1", "missing", "SM1", baseTime), persistence.ErrNotFound)
		assert.ErrorIs(t, st.MarkFailed(ctx, "S1", "missing", "x", true, baseTime), persistence.ErrNotFound)
		assert.ErrorIs(t, st.MarkSent(ctx, "S2", e.ID, "SM1", baseTime), persistence.ErrNotFound, "wrong sender")
		assert.Equal(t, []string{e.ID}, pendingIDs(t, st, "S1"))
	}},
}
