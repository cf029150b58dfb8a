package redisstore

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClientLogsGoThroughSlog: go-redis's complaint about a Redis it
// cannot dial arrives as a structured debug record of ours, not a raw
// line on stderr.
func TestClientLogsGoThroughSlog(t *testing.T) {
	var buf syncBuffer
	RouteClientLogs(slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { RouteClientLogs(slog.Default()) })

	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(buf.String(), `"component":"redis-client"`) && time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		require.Error(t, c.Ping(ctx).Err(), "nothing listens on port 1")
		cancel()
	}
	out := buf.String()
	assert.Contains(t, out, `"level":"DEBUG"`)
	assert.Contains(t, out, `"component":"redis-client"`)
	assert.Contains(t, out, "dial")
}

// syncBuffer is a bytes.Buffer safe for go-redis's goroutines to write.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
