package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// commitAsync runs CommitAsync and waits for its outcome.
func commitAsync(t *testing.T, s *Store, ctx context.Context, c persistence.Commit) error {
	t.Helper()
	out := make(chan error, 2)
	s.CommitAsync(ctx, c, func(err error) { out <- err })
	select {
	case err := <-out:
		select {
		case <-out:
			t.Fatal("done was called twice")
		case <-time.After(50 * time.Millisecond):
		}
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("CommitAsync never called done")
		return nil
	}
}

// TestCommitAsync: the asynchronous commit lands as Commit's does, reports
// a version conflict as one, and refuses work it cannot do without
// writing it.
func TestCommitAsync(t *testing.T) {
	url := testRedis(t)
	log := &batchLog{}
	s := openStore(t, url, Options{Prefix: testPrefix(t, url), Observer: log.observer()})
	ctx := context.Background()

	c := turn("conv-a", 0)
	require.NoError(t, commitAsync(t, s, ctx, c))
	snap, err := s.Load(ctx, "conv-a")
	require.NoError(t, err)
	require.Equal(t, uint64(1), snap.Version)
	e, err := s.Entry(ctx, "S1", c.Outbox[0].ID)
	require.NoError(t, err)
	require.Equal(t, persistence.OutboxPending, e.State)

	require.ErrorIs(t, commitAsync(t, s, ctx, turn("conv-a", 0)), persistence.ErrConflict)

	ended, cancel := context.WithCancel(ctx)
	cancel()
	require.ErrorIs(t, commitAsync(t, s, ended, turn("conv-b", 0)), context.Canceled)
	_, err = s.Load(ctx, "conv-b")
	require.ErrorIs(t, err, persistence.ErrNotFound, "a withdrawn commit writes nothing")

	bad := turn("conv-c", 0)
	bad.Key = ""
	require.Error(t, commitAsync(t, s, ctx, bad), "an invalid commit is refused")

	log.mu.Lock()
	require.Equal(t, 4, log.commits, "every outcome is observed")
	require.Equal(t, 1, log.conflicts)
	log.mu.Unlock()

	require.NoError(t, s.Close())
	require.ErrorIs(t, commitAsync(t, s, ctx, turn("conv-d", 0)), errClosed)
}
