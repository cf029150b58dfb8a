package runtime

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

// lockedBuffer collects log lines written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *lockedBuffer) count(msg string) int { return strings.Count(b.String(), msg) }

// newTestHealth is a monitor whose pings answer what ping returns.
func newTestHealth(ping func(context.Context) error) (*storeHealth, *lockedBuffer, *metrics.Metrics) {
	logs := &lockedBuffer{}
	m := metrics.New()
	h := newStoreHealth(ping, 5*time.Millisecond, 50*time.Millisecond, slog.New(slog.NewJSONHandler(logs, nil)), m)
	return h, logs, m
}

var errRefused = fmt.Errorf("ping store: %w", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED})

const (
	downMsg = `"msg":"store unreachable`
	upMsg   = `"msg":"store reachable again"`
)

// TestStoreHealthPings: one failed ping is not an outage, two are; the
// outage is logged and counted once however long it lasts; one answered
// ping ends it, logged once with its length, and runs onUp once.
func TestStoreHealthPings(t *testing.T) {
	h, logs, m := newTestHealth(nil)
	ups := 0
	h.onUp = func() { ups++ }

	h.pinged(errRefused)
	assert.NoError(t, h.err(), "a single failed ping must not mark the store down")
	h.pinged(nil)
	h.pinged(errRefused)
	assert.NoError(t, h.err(), "failures must be in a row to count")

	h.pinged(errRefused)
	require.Error(t, h.err(), "two failed pings in a row mark the store down")
	assert.Contains(t, h.err().Error(), "connection refused", "the reason says why")
	for range 5 {
		h.pinged(errRefused)
	}
	assert.Equal(t, 0.0, metricValue(t, m, "frontdesk_store_up"))
	assert.Equal(t, 1.0, metricValue(t, m, "frontdesk_store_outages_total"), "one outage however many pings fail")
	assert.Equal(t, 1, logs.count(downMsg), "one log line per outage")

	h.pinged(nil)
	assert.NoError(t, h.err(), "one answered ping ends the outage")
	h.pinged(nil)
	assert.Equal(t, 1.0, metricValue(t, m, "frontdesk_store_up"))
	assert.Equal(t, 1, logs.count(upMsg), "one log line per recovery")
	assert.Contains(t, logs.String(), `"down_for"`, "the recovery says how long the store was down")
	assert.Equal(t, 1, ups, "onUp runs once per recovery")
}

// TestStoreHealthOperationErrors: a commit that could not reach the store
// marks it down at once; answers about one request do not; and a failure
// of an operation begun before the last recovery is old news.
func TestStoreHealthOperationErrors(t *testing.T) {
	h, logs, _ := newTestHealth(nil)
	began := time.Now()
	for _, err := range []error{
		fmt.Errorf("commit: %w", persistence.ErrConflict),
		fmt.Errorf("load snapshot: %w", persistence.ErrNotFound),
		fmt.Errorf("commit: %w", context.Canceled),
		errors.New("commit: unexpected answer from redis"),
	} {
		h.failed(began, err)
		assert.NoError(t, h.err(), "%v must not mark the store down", err)
	}
	h.failed(began, fmt.Errorf("commit: %w", context.DeadlineExceeded))
	require.Error(t, h.err(), "a commit timeout marks the store down at once")

	h.pinged(nil)
	require.NoError(t, h.err())
	h.failed(began, fmt.Errorf("commit: %w", context.DeadlineExceeded))
	assert.NoError(t, h.err(), "a commit begun before the recovery must not start another outage")
	h.failed(time.Now(), errRefused)
	assert.Error(t, h.err(), "a commit begun after the recovery counts")
	assert.Equal(t, 2, logs.count(downMsg))
}

// TestStoreHealthRun: the pinger finds an outage and its end by itself.
func TestStoreHealthRun(t *testing.T) {
	var failing atomic.Bool
	h, logs, _ := newTestHealth(func(ctx context.Context) error {
		if failing.Load() {
			<-ctx.Done() // a hung store: the ping's own timeout ends it
			return ctx.Err()
		}
		return nil
	})
	back := make(chan struct{}, 1)
	h.onUp = func() { back <- struct{}{} }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.run(ctx)
	}()
	defer func() {
		cancel()
		<-done
	}()
	failing.Store(true)
	require.True(t, eventually(2*time.Second, func() bool { return h.err() != nil }), "a hung store should be found down")
	failing.Store(false)
	select {
	case <-back:
	case <-time.After(2 * time.Second):
		t.Fatal("the pinger should have found the store back")
	}
	assert.NoError(t, h.err())
	assert.Equal(t, 1, logs.count(downMsg))
	assert.Equal(t, 1, logs.count(upMsg))
}

// metricValue is the value of an unlabelled gauge or counter.
func metricValue(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	require.NoError(t, err)
	for _, f := range families {
		if f.GetName() == name && len(f.GetMetric()) == 1 {
			if g := f.GetMetric()[0].GetGauge(); g != nil {
				return g.GetValue()
			}
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// eventually polls cond until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-time.After(5 * time.Millisecond)
	}
	return true
}

// TestIsOutage lists which store errors mean the store is unreachable.
func TestIsOutage(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"conflict", fmt.Errorf("commit: %w", persistence.ErrConflict), false},
		{"not found", fmt.Errorf("load: %w", persistence.ErrNotFound), false},
		{"cancelled", fmt.Errorf("commit: %w", context.Canceled), false},
		{"unknown", errors.New("commit: unexpected answer from redis"), false},
		{"script refused", fmt.Errorf("commit: %w", replyErr("NOSCRIPT No matching script")), false},
		{"out of memory", fmt.Errorf("commit: %w", replyErr("OOM command not allowed")), false},
		{"deadline", fmt.Errorf("commit: %w", context.DeadlineExceeded), true},
		{"refused", errRefused, true},
		{"reset", fmt.Errorf("commit: %w", syscall.ECONNRESET), true},
		{"eof", fmt.Errorf("commit: %w", io.EOF), true},
		{"pool timeout", fmt.Errorf("commit: %w", redis.ErrPoolTimeout), true},
		{"i/o timeout", fmt.Errorf("commit: %w", &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}), true},
		{"loading", fmt.Errorf("load: %w", replyErr("LOADING Redis is loading the dataset in memory")), true},
		{"replica", fmt.Errorf("commit: %w", replyErr("READONLY You can't write against a read only replica.")), true},
		{"disk full", fmt.Errorf("commit: %w", syscall.ENOSPC), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, isOutage(c.err), "%v", c.err)
		})
	}
}

// replyErr is an error reply from Redis.
type replyErr string

func (e replyErr) Error() string { return string(e) }
func (replyErr) RedisError()     {}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }
