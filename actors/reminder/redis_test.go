package reminder

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	redisstore "github.com/frontdesk-health/frontdesk/persistence/redis"
)

// redisURL is the Redis the multi-process tests share: REDIS_URL, else
// 127.0.0.1:6379. Without one the test is skipped, loudly, or fails when
// CI=true or REDIS_URL names it.
func redisURL(t *testing.T) string {
	t.Helper()
	url, explicit := os.Getenv("REDIS_URL"), true
	if url == "" {
		url, explicit = "redis://127.0.0.1:6379/0", false
	}
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	opts.MaxRetries = -1
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		msg := "NO REDIS FOR TESTS at " + url + " (set REDIS_URL): " + err.Error()
		if explicit || os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return url
}

// openRedis opens one "process's" store on url under prefix; every key
// under the prefix is deleted when the test ends.
func openRedis(t *testing.T, url, prefix string) *redisstore.Store {
	t.Helper()
	st, err := redisstore.Open(context.Background(), redisstore.Options{URL: url, Prefix: prefix})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// testPrefix is a fresh key prefix whose keys are deleted at the end.
func testPrefix(t *testing.T, url string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "fdrem:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() {
		opts, _ := redis.ParseURL(url)
		c := redis.NewClient(opts)
		defer c.Close()
		ctx := context.Background()
		iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
		for iter.Next(ctx) {
			c.Unlink(ctx, iter.Val())
		}
	})
	return prefix
}
