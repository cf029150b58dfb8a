package embedded

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// TestLeasesEndWithTheOpen: only one process can hold the file, so a
// lease written before the store was opened again is a stopped process's:
// the next process sends its entries at once instead of waiting for the
// lease to run out, and a lease taken after the reopen counts again.
func TestLeasesEndWithTheOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	st := openAt(t, path, Options{})
	held := persistence.OutboxEntry{ID: persistence.NewID(now), Sender: "S1", Lane: "l", Payload: []byte("p"),
		CreatedAt: now, Holder: "old-run", LeasedUntil: now.Add(time.Hour)}
	claimed := persistence.OutboxEntry{ID: persistence.NewID(now), Sender: "S1", Lane: "l", Payload: []byte("q"), CreatedAt: now}
	require.NoError(t, st.Enqueue(ctx, held, claimed))
	c, err := st.Claim(ctx, "S1", claimed.ID, "old-run", now, time.Hour)
	require.NoError(t, err)
	require.True(t, c.Held)
	c, err = st.Claim(ctx, "S1", held.ID, "new-run", now, time.Minute)
	require.NoError(t, err)
	require.False(t, c.Held, "the lease counts while its store is open")
	require.NoError(t, st.Close())

	st = openAt(t, path, Options{})
	t.Cleanup(func() { assert.NoError(t, st.Close()) })
	pending, err := st.Pending(ctx, "S1", 10)
	require.NoError(t, err)
	require.Len(t, pending, 2)
	for _, e := range pending {
		assert.Empty(t, e.Holder, "a lease from before the reopen reads as none")
		assert.True(t, e.LeasedUntil.IsZero())
	}
	for _, e := range []persistence.OutboxEntry{held, claimed} {
		c, err := st.Claim(ctx, "S1", e.ID, "new-run", now.Add(time.Second), time.Minute)
		require.NoError(t, err)
		assert.True(t, c.Held, "taken over at once after the reopen")
	}
	c, err = st.Claim(ctx, "S1", held.ID, "old-run", now.Add(2*time.Second), time.Minute)
	require.NoError(t, err)
	assert.False(t, c.Held, "the new lease counts")
}
