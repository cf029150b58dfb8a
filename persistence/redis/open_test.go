package redisstore

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenRefusesBadOptions(t *testing.T) {
	url := testRedis(t)
	client := newClient(t, url)
	t.Cleanup(func() { client.Close() })
	port, err := freePort()
	require.NoError(t, err)
	tests := map[string]struct {
		opts Options
		want string
	}{
		"neither URL nor client": {Options{}, "neither URL nor Client"},
		"both URL and client":    {Options{URL: url, Client: client}, "both URL and Client"},
		"cluster client":         {Options{Client: redis.NewClusterClient(&redis.ClusterOptions{})}, "cluster is not supported"},
		"bad scheme":             {Options{URL: "http://h:6379"}, "invalid URL scheme"},
		"nobody listening":       {Options{URL: fmt.Sprintf("redis://127.0.0.1:%d/0?max_retries=-1", port)}, "ping"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			s, err := Open(ctx, tc.opts)
			require.Error(t, err)
			assert.Nil(t, s)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestOpenErrorHidesPassword(t *testing.T) {
	_, err := Open(context.Background(), Options{URL: "redis://user:s3cret-pw@127.0.0.1:notaport/0"})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "s3cret-pw")
}

func TestCallerClientStaysOpen(t *testing.T) {
	url := testRedis(t)
	client := newClient(t, url)
	t.Cleanup(func() { client.Close() })
	s := openStore(t, url, Options{Client: client, Prefix: testPrefix(t, url)})
	ctx := context.Background()
	require.NoError(t, s.Commit(ctx, turn("conv", 0)))
	require.NoError(t, s.Close())
	assert.Error(t, s.Ping(ctx), "the store is closed")
	assert.Error(t, s.Enqueue(ctx, turn("conv", 1).Outbox...), "writes after Close fail")
	_, err := s.Load(ctx, "conv")
	assert.Error(t, err, "reads after Close fail")
	assert.NoError(t, client.Ping(ctx).Err(), "the caller's client is the caller's to close")
}

// TestCloseFinishesQueuedWrites holds the writer in a pipeline (CLIENT
// PAUSE WRITE on a private server) while commits queue up behind it, then
// closes the store: Close waits until every queued commit is done, and a
// commit after Close fails at once.
func TestCloseFinishesQueuedWrites(t *testing.T) {
	url := privateRedis(t)
	prefix := testPrefix(t, url)
	s := openStore(t, url, Options{Prefix: prefix, MaxBatch: 32})
	admin := newClient(t, url)
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	require.NoError(t, admin.Do(ctx, "CLIENT", "PAUSE", 10000, "WRITE").Err())
	t.Cleanup(func() { admin.Do(ctx, "CLIENT", "UNPAUSE") })

	const n = 20
	errs := make(chan error, n)
	commit := func(i int) { errs <- s.Commit(ctx, turn(fmt.Sprintf("conv-%d", i), 0)) }
	go commit(0)
	waitFor(t, 5*time.Second, "the first commit held by the pause", func() bool {
		list, err := admin.ClientList(ctx).Result()
		require.NoError(t, err)
		return strings.Contains(list, "flags=b ")
	})
	for i := 1; i < n; i++ {
		go commit(i)
	}
	waitFor(t, 5*time.Second, "commits queued behind it", func() bool { return len(s.queue) == n-1 })

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	waitFor(t, 5*time.Second, "Close to stop taking writes", s.closed.Load)
	require.ErrorIs(t, s.Commit(ctx, turn("late", 0)), errClosed)
	select {
	case <-closed:
		t.Fatal("Close returned while commits were still queued")
	default:
	}

	require.NoError(t, admin.Do(ctx, "CLIENT", "UNPAUSE").Err())
	require.NoError(t, <-closed)
	for range n {
		require.NoError(t, <-errs, "a commit queued before Close completes")
	}
	check := openStore(t, url, Options{Prefix: prefix})
	for i := range n {
		requireSnapshot(t, check, fmt.Sprintf("conv-%d", i), 1)
	}
}

func TestOpenWarnsWhenRedisMayEvict(t *testing.T) {
	url := privateRedis(t, "--maxmemory-policy", "allkeys-lru")
	var buf bytes.Buffer
	openStore(t, url, Options{Prefix: testPrefix(t, url), Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	assert.Contains(t, buf.String(), "maxmemory_policy=allkeys-lru")

	buf.Reset()
	url = privateRedis(t) // noeviction is Redis's default
	openStore(t, url, Options{Prefix: testPrefix(t, url), Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	assert.Empty(t, buf.String(), "no warning with noeviction")
}
