package e2e

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	redisstore "github.com/frontdesk-health/frontdesk/persistence/redis"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
)

// The e2e suite runs on the embedded store by default and on Redis with
// FRONTDESK_E2E_STORE=redis (REDIS_URL, else 127.0.0.1:6379), so one set
// of tests covers both backends.
const (
	envE2EStore     = "FRONTDESK_E2E_STORE"
	defaultRedisURL = "redis://127.0.0.1:6379/0"
)

// e2eRedisKey seals data at rest in Redis mode (the embedded store makes
// its own key file instead).
var e2eRedisKey = base64.StdEncoding.EncodeToString([]byte("e2e-redis-encryption-key-32bytes"))

// onRedis reports whether the suite runs against Redis.
func onRedis() bool { return os.Getenv(envE2EStore) == "redis" }

// e2eStoreEnv is the environment that puts a test's process on the store
// the suite runs against: nothing for the embedded store; for Redis, its
// URL, an encryption key and a key prefix of the test's own, whose keys are
// deleted when the test ends (after the process has stopped: cleanups run
// last registered first, and this one is registered before the harness's).
func e2eStoreEnv(t *testing.T) map[string]string {
	t.Helper()
	if !onRedis() {
		return nil
	}
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = defaultRedisURL
	}
	return redisEnv(t, url)
}

// redisEnv points a process at the Redis at url under a fresh prefix.
func redisEnv(t *testing.T, url string) map[string]string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "fde2e:" + hex.EncodeToString(b) + ":"
	requireRedis(t, url)
	t.Cleanup(func() { deleteRedisPrefix(t, url, prefix) })
	return map[string]string{"REDIS_URL": url, "FRONTDESK_ENCRYPTION_KEY": e2eRedisKey, "FRONTDESK_REDIS_PREFIX": prefix}
}

// requireRedis fails the test with a clear message when url does not answer.
func requireRedis(t *testing.T, url string) {
	t.Helper()
	c := redisClient(t, url)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("%s=redis but no Redis answers at %s (set REDIS_URL): %v", envE2EStore, url, err)
	}
}

// redisClient is a plain client for the tests' own reads and admin
// commands.
func redisClient(t *testing.T, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	opts.MaxRetries = -1
	return redis.NewClient(opts)
}

// deleteRedisPrefix removes every key under prefix. A Redis that is gone
// by now (a test stopped it) has nothing left to delete.
func deleteRedisPrefix(t *testing.T, url, prefix string) {
	t.Helper()
	c := redisClient(t, url)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if iter.Err() != nil {
		return
	}
	for len(keys) > 0 {
		n := min(len(keys), 1000)
		if err := c.Unlink(ctx, keys[:n]...).Err(); err != nil {
			t.Errorf("delete test keys under %s: %v", prefix, err)
			return
		}
		keys = keys[n:]
	}
}

// openTestStore opens the store of a stopped process, with the keyring it
// seals with, for a test that plants or reads state directly.
func openTestStore(t *testing.T, h *harness) (persistence.Store, *seal.Keyring) {
	t.Helper()
	if h.cfg.RedisURL.Value() == "" {
		key, err := seal.LoadOrCreateKeyFile(filepath.Join(h.dataDir, "encryption.key"))
		require.NoError(t, err)
		ring, err := seal.NewKeyring(key)
		require.NoError(t, err)
		st, err := embedded.Open(filepath.Join(h.dataDir, "frontdesk.db"), embedded.Options{Now: h.clock.Now})
		require.NoError(t, err)
		return st, ring
	}
	key, err := seal.ParseKey(h.cfg.EncryptionKey.Value())
	require.NoError(t, err)
	ring, err := seal.NewKeyring(key)
	require.NoError(t, err)
	st, err := redisstore.Open(context.Background(), redisstore.Options{URL: h.cfg.RedisURL.Value(), Prefix: h.cfg.RedisPrefix, Now: h.clock.Now})
	require.NoError(t, err)
	return st, ring
}

// storedValues is every value the process's store holds, by a name for
// failure messages: the files of the data directory, or the keys of the
// test's Redis prefix (strings, hashes, sorted sets and streams).
func storedValues(t *testing.T, h *harness) map[string]string {
	t.Helper()
	out := map[string]string{}
	if h.cfg.RedisURL.Value() == "" {
		err := filepath.WalkDir(h.dataDir, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			out["data file "+filepath.Base(path)] = string(b)
			return err
		})
		require.NoError(t, err)
		return out
	}
	c := redisClient(t, h.cfg.RedisURL.Value())
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, h.cfg.RedisPrefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		out["redis key "+key] = key + " " + dumpKey(t, c, key)
	}
	require.NoError(t, iter.Err())
	return out
}

// dumpKey is one Redis value as text, whatever its type.
func dumpKey(t *testing.T, c *redis.Client, key string) string {
	t.Helper()
	ctx := context.Background()
	kind, err := c.Type(ctx, key).Result()
	require.NoError(t, err)
	var parts []string
	switch kind {
	case "string":
		v, err := c.Get(ctx, key).Result()
		require.NoError(t, err)
		parts = append(parts, v)
	case "hash":
		m, err := c.HGetAll(ctx, key).Result()
		require.NoError(t, err)
		for k, v := range m {
			parts = append(parts, k, v)
		}
	case "zset":
		m, err := c.ZRange(ctx, key, 0, -1).Result()
		require.NoError(t, err)
		parts = append(parts, m...)
	case "stream":
		msgs, err := c.XRange(ctx, key, "-", "+").Result()
		require.NoError(t, err)
		for _, m := range msgs {
			for k, v := range m.Values {
				parts = append(parts, k, toString(v))
			}
		}
	}
	return strings.Join(parts, " ")
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}
