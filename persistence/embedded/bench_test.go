package embedded

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// BenchmarkCommit measures group commit: many conversations committing at
// once, each turn a 2 KiB snapshot and two outbox entries, as after a
// patient's message. Parallelism is raised above GOMAXPROCS because the
// writers mostly wait for the shared fsync, as actors would.
func BenchmarkCommit(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "store.db"), Options{SweepInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	data := make([]byte, 2048)
	rand.Read(data)
	payload := make([]byte, 300)
	rand.Read(payload)
	var writers atomic.Int64
	ctx := context.Background()

	b.SetParallelism(32)
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
}

// BenchmarkClaimAndFire: 100k due reminders claimed in batches of 256 and
// fired with one outbox entry each (storetest.BenchClaimAndFire). Run with
// -benchtime=1x.
func BenchmarkClaimAndFire(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "store.db"), Options{SweepInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	storetest.BenchClaimAndFire(b, s, 100_000)
}
