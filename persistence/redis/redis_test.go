package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// shared is the Redis every test of the package uses, found or started
// once; TestMain stops a server the tests started.
var shared struct {
	once     sync.Once
	url      string
	err      error
	explicit bool // REDIS_URL named it: failing to reach it is an error
	server   *redisServer
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.server != nil {
		shared.server.stop()
	}
	os.Exit(code)
}

// testRedis returns the URL of a Redis for tests: REDIS_URL when set, else
// 127.0.0.1:6379 when it answers, else a redis-server from PATH started on
// a free port for this test binary. Without any, the test is skipped with a
// loud message, or fails when CI=true (CI must test against real Redis);
// a REDIS_URL that does not answer always fails.
func testRedis(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() {
		if url := os.Getenv("REDIS_URL"); url != "" {
			shared.url, shared.err, shared.explicit = url, ping(url), true
			if shared.err != nil {
				shared.err = fmt.Errorf("REDIS_URL is set but does not answer: %w", shared.err)
			}
			return
		}
		if url := "redis://127.0.0.1:6379/0"; ping(url) == nil {
			shared.url = url
			return
		}
		shared.server, shared.err = startRedisServer()
		if shared.err == nil {
			shared.url = shared.server.url
		}
	})
	if shared.err != nil {
		msg := "NO REDIS FOR TESTS: set REDIS_URL, run redis on 127.0.0.1:6379, or put redis-server on PATH: " + shared.err.Error()
		if shared.explicit || os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return shared.url
}

// ping reports whether the Redis at url answers within a second.
func ping(url string) error {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return err
	}
	opts.MaxRetries = -1
	c := redis.NewClient(opts)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return c.Ping(ctx).Err()
}

// redisServer is a redis-server process the tests started.
type redisServer struct {
	url string
	cmd *exec.Cmd
	dir string
}

// startRedisServer starts redis-server from PATH on a free loopback port,
// without persistence, in a temporary directory; extra are more flags.
func startRedisServer(extra ...string) (*redisServer, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, errors.New("redis-server is not on PATH")
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "redisstore-test-")
	if err != nil {
		return nil, err
	}
	args := append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", dir}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	srv := &redisServer{url: fmt.Sprintf("redis://127.0.0.1:%d/0", port), cmd: cmd, dir: dir}
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for ping(srv.url) != nil {
		select {
		case <-deadline:
			srv.stop()
			return nil, errors.New("redis-server started but does not answer within 10s")
		case <-tick.C:
		}
	}
	return srv, nil
}

func (s *redisServer) stop() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
	os.RemoveAll(s.dir)
}

// freePort asks the kernel for a loopback port that is free now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// testPrefix returns a key prefix unique to this call and deletes every key
// under it when the test ends.
func testPrefix(t testing.TB, url string) string {
	t.Helper()
	b := make([]byte, 6)
	rand.Read(b)
	prefix := "fdtest:" + hex.EncodeToString(b) + ":"
	t.Cleanup(func() { deletePrefix(t, url, prefix) })
	return prefix
}

// deletePrefix removes every key under prefix (SCAN + UNLINK).
func deletePrefix(t testing.TB, url, prefix string) {
	t.Helper()
	c := newClient(t, url)
	defer c.Close()
	ctx := context.Background()
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 1000 {
			require.NoError(t, c.Unlink(ctx, batch...).Err())
			batch = batch[:0]
		}
	}
	require.NoError(t, iter.Err())
	if len(batch) > 0 {
		require.NoError(t, c.Unlink(ctx, batch...).Err())
	}
}

// newClient is a plain client for the test's own reads and admin commands.
func newClient(t testing.TB, url string) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(url)
	require.NoError(t, err)
	return redis.NewClient(opts)
}

// openStore opens a store on url with opts and closes it when the test
// ends (Close tolerates a second call).
func openStore(t testing.TB, url string, opts Options) *Store {
	t.Helper()
	if opts.Client == nil {
		opts.URL = url
	}
	s, err := Open(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}
