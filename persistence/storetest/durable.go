package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// RunDurable checks that everything a store promises survives Close and a
// new open of the same location. open gets a location string that is the
// same for both opens and unique to the subtest: a directory for file
// backends (it exists and is removed after the test), or usable as a
// namespace such as a key prefix for server backends. Call it in addition to
// Run.
func RunDurable(t *testing.T, open func(t *testing.T, dir string) persistence.Store) {
	t.Run("StateSurvivesReopen", func(t *testing.T) {
		dir := t.TempDir()
		ctx := context.Background()
		st := open(t, dir)

		sent, retried, final := newEntry("S1", "lane"), newEntry("S1", "lane"), newEntry("S1", "lane")
		c := snapshotCommit("conv", 0, "v1\x00")
		c.Outbox = []persistence.OutboxEntry{sent, retried, final}
		c.MessageSids = []string{"SM1"}
		c.Consent = []persistence.ConsentChange{{Hospital: "h", Subject: "p", OptedOut: true, At: baseTime}}
		require.NoError(t, st.Commit(ctx, c))
		require.NoError(t, st.MarkSent(ctx, "S1", sent.ID, "SMsent", baseTime))
		require.NoError(t, st.MarkFailed(ctx, "S1", retried.ID, "20429", false, baseTime))
		require.NoError(t, st.MarkFailed(ctx, "S1", final.ID, "63016", true, baseTime))
		require.NoError(t, st.Close())

		st = open(t, dir)
		t.Cleanup(func() { assert.NoError(t, st.Close()) })
		requireVersion(t, st, "conv", 1, "v1\x00")
		pending, err := st.Pending(ctx, "S1", 10)
		require.NoError(t, err)
		require.Equal(t, []string{retried.ID}, ids(pending...))
		assert.Equal(t, 1, pending[0].Attempts)
		assert.Equal(t, "20429", pending[0].LastError)
		got, err := st.Entry(ctx, "S1", sent.ID)
		require.NoError(t, err)
		assert.Equal(t, "SMsent", got.ProviderID)
		got, err = st.Entry(ctx, "S1", final.ID)
		require.NoError(t, err)
		assert.Equal(t, persistence.OutboxFailed, got.State)
		seen, err := st.Seen(ctx, "SM1")
		require.NoError(t, err)
		assert.True(t, seen)
		out, err := st.OptedOut(ctx, "h", "p")
		require.NoError(t, err)
		assert.True(t, out)

		require.ErrorIs(t, st.Commit(ctx, snapshotCommit("conv", 0, "again")), persistence.ErrConflict,
			"the version survives too")
		require.NoError(t, st.Commit(ctx, snapshotCommit("conv", 1, "v2")))
	})
	t.Run("RemindersStatusesAndLedgerSurviveReopen", func(t *testing.T) {
		dir := t.TempDir()
		ctx := context.Background()
		st := open(t, dir)
		putReminders(t, st, newReminder("h1", "claimed", "p1", at(-time.Minute)), newReminder("h1", "later", "p1", at(time.Hour)))
		require.Equal(t, []string{"claimed"}, claim(t, st, baseTime, 5, "A", time.Hour))
		sent := newEntry("S1", "lane")
		c := snapshotCommit("conv", 0, "v1")
		c.Outbox = []persistence.OutboxEntry{sent}
		c.Inbound = &persistence.Inbound{Sender: "S1", Subject: "p1", At: baseTime}
		c.Consent = []persistence.ConsentChange{{Hospital: "h1", Subject: "p1", Kind: "medicine", OptedOut: true, At: baseTime}}
		require.NoError(t, st.Commit(ctx, c))
		require.NoError(t, st.MarkSent(ctx, "S1", sent.ID, "SMdur", baseTime))
		require.NoError(t, st.RecordStatus(ctx, "SMdur", persistence.DeliveryStatus{Status: "delivered", At: baseTime}))
		_, _, err := st.Remember(ctx, idemRecord("h1", "k", "first"), time.Hour)
		require.NoError(t, err)
		require.NoError(t, st.PutMedia(ctx, "m1", []byte("sealed"), time.Hour))
		require.NoError(t, st.Close())

		st = open(t, dir)
		t.Cleanup(func() { assert.NoError(t, st.Close()) })
		assert.Equal(t, []string{"claimed", "later"}, listAll(t, st, persistence.ReminderQuery{Hospital: "h1", Limit: 1}))
		assert.Empty(t, claim(t, st, baseTime, 5, "B", time.Hour), "the lease survives too")
		require.NoError(t, st.FireReminder(ctx, persistence.Firing{Hospital: "h1", ID: "claimed", Holder: "A", At: baseTime}))
		next, err := st.NextDue(ctx)
		require.NoError(t, err)
		assert.WithinDuration(t, at(time.Hour), next, timeSlack)
		got, err := st.EntryByProviderID(ctx, "SMdur")
		require.NoError(t, err)
		assert.Equal(t, "delivered", got.Status)
		last, err := st.LastInbound(ctx, "S1", "p1")
		require.NoError(t, err)
		assert.WithinDuration(t, baseTime, last, timeSlack)
		out, err := st.OptedOutOf(ctx, "h1", "p1", "medicine")
		require.NoError(t, err)
		assert.True(t, out)
		history, err := st.ConsentHistory(ctx, "h1", "p1")
		require.NoError(t, err)
		assert.Len(t, history, 1)
		_, existed, err := st.Remember(ctx, idemRecord("h1", "k", "second"), time.Hour)
		require.NoError(t, err)
		assert.True(t, existed)
		media, err := st.GetMedia(ctx, "m1")
		require.NoError(t, err)
		assert.Equal(t, []byte("sealed"), media)
	})
}
