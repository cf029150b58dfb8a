package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// status is one callback in a table of status sequences.
type status struct {
	status, code string
	at           time.Duration
}

var deliveryChecks = []check{
	{"EntryByProviderID", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		a, b := newEntry("S1", "lane"), newEntry("S2", "lane")
		require.NoError(t, st.Enqueue(ctx, a, b))
		_, err := st.EntryByProviderID(ctx, "SMa")
		require.ErrorIs(t, err, persistence.ErrNotFound, "not sent yet")
		require.NoError(t, st.MarkSent(ctx, "S1", a.ID, "SMa", baseTime))
		require.NoError(t, st.MarkSent(ctx, "S2", b.ID, "SMb", baseTime))
		got, err := st.EntryByProviderID(ctx, "SMa")
		require.NoError(t, err)
		assert.Equal(t, a.ID, got.ID)
		assert.Equal(t, "S1", got.Sender)
		assert.Equal(t, a.Payload, got.Payload)
		assert.Empty(t, got.Status, "no status before the first callback")
		got, err = st.EntryByProviderID(ctx, "SMb")
		require.NoError(t, err)
		assert.Equal(t, b.ID, got.ID)
		for _, unknown := range []string{"SM", "SMab", ""} {
			_, err = st.EntryByProviderID(ctx, unknown)
			assert.ErrorIs(t, err, persistence.ErrNotFound, "%q", unknown)
			assert.ErrorIs(t, st.RecordStatus(ctx, unknown, persistence.DeliveryStatus{Status: "sent", At: baseTime}),
				persistence.ErrNotFound, "%q", unknown)
		}
	}},
	{"StatusKeepsHighestRank", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		tests := map[string]struct {
			seq  []status
			want status
		}{
			"in order":                 {[]status{{"queued", "", 1}, {"sent", "", 2}, {"delivered", "", 3}, {"read", "", 4}}, status{"read", "", 4}},
			"delivered after read":     {[]status{{"read", "", 2}, {"delivered", "", 1}}, status{"read", "", 2}},
			"sent after delivered":     {[]status{{"delivered", "", 2}, {"sent", "", 1}, {"queued", "", 0}}, status{"delivered", "", 2}},
			"failed after sent":        {[]status{{"sent", "", 1}, {"failed", "63016", 2}}, status{"failed", "63016", 2}},
			"undelivered over queued":  {[]status{{"queued", "", 1}, {"undelivered", "30008", 2}, {"sent", "", 3}}, status{"undelivered", "30008", 2}},
			"failure after delivered":  {[]status{{"delivered", "", 1}, {"failed", "30001", 2}}, status{"delivered", "", 1}},
			"read after failed":        {[]status{{"failed", "30001", 1}, {"read", "", 2}}, status{"read", "", 2}},
			"repeat keeps the first":   {[]status{{"sent", "", 1}, {"sent", "", 2}}, status{"sent", "", 1}},
			"two failures: the first":  {[]status{{"undelivered", "30003", 1}, {"failed", "30001", 2}}, status{"undelivered", "30003", 1}},
			"unknown then known":       {[]status{{"partially_delivered", "", 1}, {"queued", "", 2}}, status{"queued", "", 2}},
			"unknown after known":      {[]status{{"sent", "", 1}, {"mystery", "", 2}}, status{"sent", "", 1}},
			"accepted before queued":   {[]status{{"queued", "", 1}, {"accepted", "", 2}}, status{"queued", "", 1}},
			"code kept with its state": {[]status{{"failed", "30007", 1}, {"failed", "", 2}}, status{"failed", "30007", 1}},
		}
		for name, tc := range tests {
			e := newEntry("S1", "lane")
			require.NoError(t, st.Enqueue(ctx, e))
			require.NoError(t, st.MarkSent(ctx, "S1", e.ID, "SM-"+e.ID, baseTime))
			for _, cb := range tc.seq {
				require.NoError(t, st.RecordStatus(ctx, "SM-"+e.ID, persistence.DeliveryStatus{
					Status: cb.status, ErrorCode: cb.code, At: at(cb.at * time.Second)}), name)
			}
			got, err := st.Entry(ctx, "S1", e.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want.status, got.Status, name)
			assert.Equal(t, tc.want.code, got.ErrorCode, name)
			assert.WithinDuration(t, at(tc.want.at*time.Second), got.StatusAt, timeSlack, name)
			assert.Equal(t, persistence.OutboxSent, got.State, "%s: the entry's state is the sender's", name)
			assert.Equal(t, "SM-"+e.ID, got.ProviderID, name)
		}
		e := newEntry("S1", "lane")
		require.NoError(t, st.Enqueue(ctx, e))
		require.NoError(t, st.MarkSent(ctx, "S1", e.ID, "SMx", baseTime))
		assert.Error(t, st.RecordStatus(ctx, "SMx", persistence.DeliveryStatus{At: baseTime}), "an empty status")
	}},
	{"LastInboundOnlyMovesForward", func(t *testing.T, s *suite) {
		st := s.fresh(t)
		ctx := context.Background()
		last := func(sender, subject string) time.Time {
			t.Helper()
			got, err := st.LastInbound(ctx, sender, subject)
			require.NoError(t, err)
			return got
		}
		inbound := func(v uint64, sender, subject string, d time.Duration) persistence.Commit {
			c := snapshotCommit("conv", v, "turn")
			c.Inbound = &persistence.Inbound{Sender: sender, Subject: subject, At: at(d)}
			return c
		}
		assert.True(t, last("S1", "p1").IsZero(), "never wrote")
		require.NoError(t, st.Commit(ctx, inbound(0, "S1", "p1", 2*time.Minute)))
		assert.WithinDuration(t, at(2*time.Minute), last("S1", "p1"), timeSlack)
		require.NoError(t, st.Commit(ctx, inbound(1, "S1", "p1", time.Minute)), "a late, older message")
		assert.WithinDuration(t, at(2*time.Minute), last("S1", "p1"), timeSlack, "an earlier time does not replace a later one")
		require.NoError(t, st.Commit(ctx, inbound(2, "S1", "p1", 3*time.Minute)))
		assert.WithinDuration(t, at(3*time.Minute), last("S1", "p1"), timeSlack)

		assert.ErrorIs(t, st.Commit(ctx, inbound(0, "S1", "p1", time.Hour)), persistence.ErrConflict)
		assert.WithinDuration(t, at(3*time.Minute), last("S1", "p1"), timeSlack, "a refused commit leaves it")
		require.NoError(t, st.Commit(ctx, persistence.Commit{Key: "other", Inbound: &persistence.Inbound{Sender: "S2", Subject: "p1", At: at(time.Hour)}}),
			"a commit without data carries it too")
		assert.WithinDuration(t, at(time.Hour), last("S2", "p1"), timeSlack)
		assert.WithinDuration(t, at(3*time.Minute), last("S1", "p1"), timeSlack, "per sender")
		assert.True(t, last("S1", "p2").IsZero(), "per subject")
		assert.True(t, last("S", "1p1").IsZero(), "sender and subject do not run together")

		for name, in := range map[string]persistence.Inbound{
			"no sender":  {Subject: "p1", At: baseTime},
			"no subject": {Sender: "S1", At: baseTime},
			"no time":    {Sender: "S1", Subject: "p1"},
		} {
			c := inbound(3, "", "", 0)
			c.Inbound = &in
			assert.Error(t, st.Commit(ctx, c), name)
		}
		requireVersion(t, st, "conv", 3, "turn")
	}},
}
