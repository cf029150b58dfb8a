package redisstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// BenchmarkCommit measures group commit as the embedded backend's
// benchmark does: 64 conversations committing at once, each turn a 2 KiB
// snapshot, two outbox entries and a MessageSid. Parallelism is raised
// above GOMAXPROCS because writers mostly wait for the shared round trip,
// as actors would. It reports the mean pipeline size too.
func BenchmarkCommit(b *testing.B) {
	url := testRedis(b)
	var mu sync.Mutex
	var batches, ops int
	s := openStore(b, url, Options{Prefix: testPrefix(b, url), Observer: Observer{
		OnBatch: func(size int, _ time.Duration, _ error) {
			mu.Lock()
			batches++
			ops += size
			mu.Unlock()
		},
	}})
	data := make([]byte, 2048)
	rand.Read(data)
	payload := make([]byte, 300)
	rand.Read(payload)
	var writers atomic.Int64
	ctx := context.Background()

	b.SetParallelism(64 / max(1, testingProcs()))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		key := fmt.Sprintf("conv-%d", writers.Add(1))
		var version uint64
		for pb.Next() {
			now := time.Now()
			err := s.Commit(ctx, persistence.Commit{
				Key:           key,
				ExpectVersion: version,
				Snapshot:      persistence.Snapshot{Version: version + 1, Data: data},
				Outbox: []persistence.OutboxEntry{
					{ID: persistence.NewID(now), Sender: "S1", Lane: key, Payload: payload, CreatedAt: now},
					{ID: persistence.NewID(now), Sender: "S1", Lane: key, Payload: payload, CreatedAt: now},
				},
				MessageSids: []string{fmt.Sprintf("SM%s-%d", key, version)},
			})
			if err != nil {
				b.Error(err)
				return
			}
			version++
		}
	})
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	if batches > 0 {
		b.ReportMetric(float64(ops)/float64(batches), "commits/pipeline")
	}
}

// testingProcs is GOMAXPROCS, which RunParallel multiplies the
// parallelism by.
func testingProcs() int { return runtime.GOMAXPROCS(0) }

// BenchmarkClaimAndFire: 100k due reminders claimed in batches of 256 and
// fired with one outbox entry each (storetest.BenchClaimAndFire); the
// firings of a batch share pipelines. Run with -benchtime=1x.
func BenchmarkClaimAndFire(b *testing.B) {
	url := testRedis(b)
	s := openStore(b, url, Options{Prefix: testPrefix(b, url)})
	storetest.BenchClaimAndFire(b, s, 100_000)
}
