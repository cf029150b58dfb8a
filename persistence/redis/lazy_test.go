package redisstore

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// lazyWaiting polls until n marks wait for a pipeline.
func lazyWaiting(t *testing.T, s *Store, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		s.lazy.mu.Lock()
		defer s.lazy.mu.Unlock()
		return len(s.lazy.ops) == n
	}, 5*time.Second, time.Millisecond, "%d marks waiting", n)
}

// pendingMark commits one turn on key and starts marking its entry sent
// (as sid) in the background, once the mark waits for a pipeline: the
// entry, and the channel that gets the mark's outcome.
func pendingMark(t *testing.T, s *Store, ctx context.Context, key, sid string) (persistence.OutboxEntry, <-chan error) {
	t.Helper()
	c := turn(key, 0)
	require.NoError(t, s.Commit(ctx, c))
	e := c.Outbox[0]
	marked := make(chan error, 1)
	go func() { marked <- s.MarkSent(ctx, e.Sender, e.ID, sid, time.Now()) }()
	lazyWaiting(t, s, 1)
	return e, marked
}

// TestMarkRidesWithNextCommit: a mark waits for the next pipeline instead
// of sending its own; a commit's pipeline takes it along, so the mark is
// done long before its own timer (here an hour) would send it.
func TestMarkRidesWithNextCommit(t *testing.T) {
	url := testRedis(t)
	log := &batchLog{}
	s := openStore(t, url, Options{Prefix: testPrefix(t, url), LazyWait: time.Hour, Observer: log.observer()})
	ctx := context.Background()
	e, marked := pendingMark(t, s, ctx, "conv-a", "SMlazy1")
	select {
	case err := <-marked:
		t.Fatalf("the mark finished (%v) before any pipeline went", err)
	default:
	}
	require.NoError(t, s.Commit(ctx, turn("conv-b", 0)))
	select {
	case err := <-marked:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("the mark did not go with the commit's pipeline")
	}
	got, err := s.Entry(ctx, e.Sender, e.ID)
	require.NoError(t, err)
	require.Equal(t, persistence.OutboxSent, got.State)
	require.Equal(t, "SMlazy1", got.ProviderID)
	log.mu.Lock()
	defer log.mu.Unlock()
	require.Equal(t, []int{1, 2}, log.sizes, "the second commit and the mark shared a pipeline")
}

// TestMarkGoesAloneAfterLazyWait: with nothing else to ride with, a mark is
// sent on its own after LazyWait.
func TestMarkGoesAloneAfterLazyWait(t *testing.T) {
	url := testRedis(t)
	s := openStore(t, url, Options{Prefix: testPrefix(t, url), LazyWait: 20 * time.Millisecond})
	ctx := context.Background()
	c := turn("conv-a", 0)
	require.NoError(t, s.Commit(ctx, c))
	e := c.Outbox[0]
	began := time.Now()
	require.NoError(t, s.MarkSent(ctx, e.Sender, e.ID, "SMalone", time.Now()))
	require.GreaterOrEqual(t, time.Since(began), 20*time.Millisecond, "it waited for a pipeline to ride with")
	got, err := s.Entry(ctx, e.Sender, e.ID)
	require.NoError(t, err)
	require.Equal(t, persistence.OutboxSent, got.State)
}

// TestCloseSendsWaitingMarks: closing the store sends the marks still
// waiting for a pipeline; none is dropped or left hanging.
func TestCloseSendsWaitingMarks(t *testing.T) {
	url := testRedis(t)
	prefix := testPrefix(t, url)
	s, err := Open(context.Background(), Options{URL: url, Prefix: prefix, LazyWait: time.Hour})
	require.NoError(t, err)
	ctx := context.Background()
	e, marked := pendingMark(t, s, ctx, "conv-a", "SMclose")
	require.NoError(t, s.Close())
	select {
	case err := <-marked:
		require.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("a waiting mark hung across Close")
	}
	other := openStore(t, url, Options{Prefix: prefix})
	got, err := other.Entry(ctx, e.Sender, e.ID)
	require.NoError(t, err)
	require.Equal(t, persistence.OutboxSent, got.State)
	require.ErrorIs(t, s.MarkSent(ctx, e.Sender, e.ID, "SMafter", time.Now()), errClosed)
}

// TestAbandonedMarkIsNotWritten: a mark whose caller gives up while it
// waits is not sent with a later pipeline.
func TestAbandonedMarkIsNotWritten(t *testing.T) {
	url := testRedis(t)
	s := openStore(t, url, Options{Prefix: testPrefix(t, url), LazyWait: time.Hour})
	mctx, cancel := context.WithCancel(context.Background())
	ctx := context.Background()
	e, marked := pendingMark(t, s, mctx, "conv-a", "SMgone")
	cancel()
	require.ErrorIs(t, <-marked, context.Canceled)
	require.NoError(t, s.Commit(ctx, turn("conv-b", 0)))
	got, err := s.Entry(ctx, e.Sender, e.ID)
	require.NoError(t, err)
	require.Equal(t, persistence.OutboxPending, got.State, "an abandoned mark is never written")
}
