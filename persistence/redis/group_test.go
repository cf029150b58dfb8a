package redisstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// batchLog records what the observer saw.
type batchLog struct {
	mu        sync.Mutex
	sizes     []int
	batchErrs []error
	commits   int
	conflicts int
	failures  int
}

func (l *batchLog) observer() Observer {
	return Observer{
		OnBatch: func(size int, _ time.Duration, err error) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.sizes = append(l.sizes, size)
			l.batchErrs = append(l.batchErrs, err)
		},
		OnCommit: func(_ time.Duration, err error) {
			l.mu.Lock()
			defer l.mu.Unlock()
			l.commits++
			switch {
			case errors.Is(err, persistence.ErrConflict):
				l.conflicts++
			case err != nil:
				l.failures++
			}
		},
	}
}

// turn is a commit moving key from version from, with one outbox entry and
// one MessageSid of its own.
func turn(key string, from uint64) persistence.Commit {
	now := time.Now()
	return persistence.Commit{
		Key:           key,
		ExpectVersion: from,
		Snapshot:      persistence.Snapshot{Version: from + 1, Data: fmt.Appendf(nil, "%s@%d", key, from+1)},
		Outbox: []persistence.OutboxEntry{{
			ID: persistence.NewID(now), Sender: "S1", Lane: key, Payload: []byte("sealed\x00"), CreatedAt: now,
		}},
		MessageSids: []string{fmt.Sprintf("SM-%s-%d", key, from)},
	}
}

// commitAll runs commits concurrently and returns their errors by index.
func commitAll(s *Store, commits []persistence.Commit) []error {
	errs := make([]error, len(commits))
	var wg sync.WaitGroup
	for i, c := range commits {
		wg.Go(func() { errs[i] = s.Commit(context.Background(), c) })
	}
	wg.Wait()
	return errs
}

func TestPipelineOf500CommitsPicksExactWinners(t *testing.T) {
	url := testRedis(t)
	prefix := testPrefix(t, url)
	const conversations = 500
	setup := openStore(t, url, Options{Prefix: prefix})
	var first []persistence.Commit
	for i := range conversations {
		first = append(first, persistence.Commit{
			Key: fmt.Sprintf("conv-%d", i), Snapshot: persistence.Snapshot{Version: 1, Data: []byte("v1")},
		})
	}
	for _, err := range commitAll(setup, first) {
		require.NoError(t, err)
	}

	var log batchLog
	s := openStore(t, url, Options{Prefix: prefix, MaxBatch: conversations, MaxWait: 5 * time.Second, Observer: log.observer()})
	var commits []persistence.Commit
	stale := func(i int) bool { return i%7 == 3 }
	for i := range conversations {
		from := uint64(1)
		if stale(i) {
			from = 0 // an old writer that missed version 1
		}
		commits = append(commits, turn(fmt.Sprintf("conv-%d", i), from))
	}
	errs := commitAll(s, commits)

	require.Equal(t, []int{conversations}, log.sizes, "one pipeline carried every commit")
	var winners []string
	ctx := context.Background()
	for i, c := range commits {
		seen, err := s.Seen(ctx, c.MessageSids[0])
		require.NoError(t, err)
		snap, loadErr := s.Load(ctx, c.Key)
		require.NoError(t, loadErr)
		if stale(i) {
			require.ErrorIs(t, errs[i], persistence.ErrConflict, "stale commit %d", i)
			assert.Equal(t, uint64(1), snap.Version)
			assert.False(t, seen, "sid of a losing commit")
			_, err := s.Entry(ctx, "S1", c.Outbox[0].ID)
			assert.ErrorIs(t, err, persistence.ErrNotFound, "entry of a losing commit")
			continue
		}
		require.NoError(t, errs[i], "commit %d", i)
		assert.Equal(t, uint64(2), snap.Version)
		assert.Equal(t, c.Snapshot.Data, snap.Data)
		assert.True(t, seen)
		winners = append(winners, c.Outbox[0].ID)
	}
	slices.Sort(winners)
	pending, err := s.Pending(ctx, "S1", 2*conversations)
	require.NoError(t, err)
	assert.Equal(t, winners, ids(pending), "exactly the winners' outbox entries")
	assert.Equal(t, conversations, log.commits)
	assert.Equal(t, conversations-len(winners), log.conflicts)
	assert.Zero(t, log.failures)
}

func TestTwoCommitsOfOneVersionInOnePipeline(t *testing.T) {
	url := testRedis(t)
	prefix := testPrefix(t, url)
	setup := openStore(t, url, Options{Prefix: prefix})
	require.NoError(t, setup.Commit(context.Background(), turn("conv", 0)))
	var log batchLog
	s := openStore(t, url, Options{Prefix: prefix, MaxBatch: 2, MaxWait: 5 * time.Second, Observer: log.observer()})

	a, b := turn("conv", 1), turn("conv", 1)
	errs := commitAll(s, []persistence.Commit{a, b})
	require.Equal(t, []int{2}, log.sizes, "both commits in one pipeline")
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			require.ErrorIs(t, err, persistence.ErrConflict)
		}
	}
	assert.Equal(t, 1, won, "exactly one of the two wins")
	snap, err := s.Load(context.Background(), "conv")
	require.NoError(t, err)
	assert.Equal(t, uint64(2), snap.Version)
	pending, err := s.Pending(context.Background(), "S1", 10)
	require.NoError(t, err)
	assert.Len(t, pending, 2, "the first turn's entry and the winner's, not the loser's")
}

func TestCommitWithdrawnWhileQueued(t *testing.T) {
	url := testRedis(t)
	s := openStore(t, url, Options{Prefix: testPrefix(t, url), MaxBatch: 10, MaxWait: 300 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	c := turn("conv", 0)
	err := s.Commit(ctx, c)
	require.ErrorIs(t, err, context.DeadlineExceeded, "the writer was still gathering: the commit is withdrawn")
	_, err = s.Load(context.Background(), "conv")
	require.ErrorIs(t, err, persistence.ErrNotFound)
	seen, err := s.Seen(context.Background(), c.MessageSids[0])
	require.NoError(t, err)
	assert.False(t, seen)
	require.NoError(t, s.Commit(context.Background(), c), "the same turn goes through later")
}

// TestResentCommitIsRecognised runs one commit's script twice, as go-redis
// does when it re-sends a pipeline whose reply was lost: the second run
// must answer ok, not conflict, and write nothing twice; another commit of
// the same version must still conflict.
func TestResentCommitIsRecognised(t *testing.T) {
	url := testRedis(t)
	s := openStore(t, url, Options{Prefix: testPrefix(t, url)})
	ctx := context.Background()
	c := turn("conv", 0)
	keys, args := s.commitArgs(c, "token1")
	for range 2 {
		reply, err := s.run(ctx, commitScript, keys, args)
		require.NoError(t, err)
		assert.Equal(t, "ok", reply)
	}
	keys, args = s.commitArgs(turn("conv", 0), "token2")
	reply, err := s.run(ctx, commitScript, keys, args)
	require.NoError(t, err)
	assert.Equal(t, "conflict:1", reply)
	pending, err := s.Pending(ctx, "S1", 10)
	require.NoError(t, err)
	assert.Equal(t, ids(c.Outbox), ids(pending))
}

func ids(entries []persistence.OutboxEntry) []string {
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.ID)
	}
	return out
}
