package storetest

import (
	"context"
	"testing"

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
}
