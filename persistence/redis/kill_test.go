package redisstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// privateRedis starts a redis-server (with extra flags) for one test that
// pauses, kills, flushes or configures what every client of the server
// would feel; the shared Redis is left alone.
func privateRedis(t *testing.T, extra ...string) string {
	t.Helper()
	srv, err := startRedisServer(extra...)
	if err != nil {
		msg := "needs its own redis-server: " + err.Error()
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(srv.stop)
	return srv.url
}

// TestCommitsSurviveKilledConnection holds a pipeline in flight (CLIENT
// PAUSE WRITE), kills the store's connections (CLIENT KILL TYPE normal from
// a second client) and lets Redis go on. Without go-redis retries the
// commits in flight fail with an error and wrote nothing; with the default
// retries they go through once. Either way later commits succeed.
func TestCommitsSurviveKilledConnection(t *testing.T) {
	url := privateRedis(t)
	for _, tc := range []struct {
		name    string
		query   string
		retries bool
	}{
		{"without retries", "?max_retries=-1", false},
		{"with default retries", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			const convs = 8
			// Every batch carries all eight commits, so all are in flight.
			var log batchLog
			s := openStore(t, url+tc.query, Options{
				Prefix: testPrefix(t, url), MaxBatch: convs, MaxWait: 5 * time.Second, Observer: log.observer(),
			})
			admin := newClient(t, url)
			t.Cleanup(func() { admin.Close() })
			setup := make([]persistence.Commit, convs)
			for i := range setup {
				setup[i] = turn(fmt.Sprintf("conv-%d", i), 0)
			}
			for _, err := range commitAll(s, setup) {
				require.NoError(t, err)
			}

			require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", 10000, "WRITE").Err())
			paused := true
			t.Cleanup(func() {
				if paused {
					admin.Do(ctx, "CLIENT", "UNPAUSE")
				}
			})
			commits := make([]persistence.Commit, convs)
			for i := range commits {
				commits[i] = turn(fmt.Sprintf("conv-%d", i), 1)
			}
			result := make(chan []error, 1)
			go func() { result <- commitAll(s, commits) }()
			waitFor(t, 5*time.Second, "a pipeline held by the pause", func() bool {
				list, err := admin.ClientList(ctx).Result()
				require.NoError(t, err)
				return strings.Contains(list, "flags=b ")
			})
			killed, err := admin.Do(ctx, "CLIENT", "KILL", "TYPE", "normal").Int()
			require.NoError(t, err)
			require.Positive(t, killed)
			require.NoError(t, admin.Do(ctx, "CLIENT", "UNPAUSE").Err())
			paused = false
			errs := <-result

			failed := 0
			for i, c := range commits {
				snap, loadErr := s.Load(ctx, c.Key)
				require.NoError(t, loadErr, "reads work after the kill")
				seen, seenErr := s.Seen(ctx, c.MessageSids[0])
				require.NoError(t, seenErr)
				_, entryErr := s.Entry(ctx, "S1", c.Outbox[0].ID)
				if errs[i] != nil {
					failed++
					assert.False(t, errors.Is(errs[i], persistence.ErrConflict), "a lost connection is no conflict: %v", errs[i])
					assert.Equal(t, uint64(1), snap.Version, "a failed commit wrote nothing")
					assert.False(t, seen)
					assert.ErrorIs(t, entryErr, persistence.ErrNotFound)
					continue
				}
				assert.Equal(t, uint64(2), snap.Version, "a reported commit is there")
				assert.True(t, seen)
				assert.NoError(t, entryErr)
			}
			if tc.retries {
				assert.Zero(t, failed, "go-redis re-sent the pipeline")
			} else {
				assert.Equal(t, convs, failed, "every commit in flight reports the lost connection")
				assert.Equal(t, convs, log.failures, "the observer counts the failed commits")
				assert.Error(t, log.batchErrs[1], "the observer sees the failed pipeline")
			}

			later := make([]persistence.Commit, convs)
			for i, c := range commits {
				from := uint64(2)
				if errs[i] != nil {
					from = 1
				}
				later[i] = turn(c.Key, from)
			}
			for _, err := range commitAll(s, later) {
				require.NoError(t, err, "later commits succeed")
			}
		})
	}
}

// TestScriptCacheLoss flushes Redis's script cache, as a restart or a
// failover does: writes fall back to EVAL, which caches the scripts again.
func TestScriptCacheLoss(t *testing.T) {
	url := privateRedis(t)
	ctx := context.Background()
	s := openStore(t, url, Options{Prefix: testPrefix(t, url)})
	admin := newClient(t, url)
	t.Cleanup(func() { admin.Close() })
	first := turn("conv", 0)
	require.NoError(t, s.Commit(ctx, first))

	require.NoError(t, admin.ScriptFlush(ctx).Err())
	require.NoError(t, s.Commit(ctx, turn("conv", 1)))
	require.NoError(t, s.MarkSent(ctx, "S1", first.Outbox[0].ID, "SM1", time.Now()))
	cached, err := admin.ScriptExists(ctx, commitScript.sha, markScript.sha).Result()
	require.NoError(t, err)
	assert.Equal(t, []bool{true, true}, cached)
	requireSnapshot(t, s, "conv", 2)
}

// requireSnapshot checks key's live version.
func requireSnapshot(t *testing.T, s *Store, key string, version uint64) {
	t.Helper()
	snap, err := s.Load(context.Background(), key)
	require.NoError(t, err)
	assert.Equal(t, version, snap.Version)
}

// waitFor polls cond until it holds, failing the test after within.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	require.Eventuallyf(t, cond, within, 10*time.Millisecond, "%s: not within %v", what, within)
}
