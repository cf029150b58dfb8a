package loadgen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"
)

// MemoryConfig is a measurement of the memory a resident conversation
// costs: the server keeps every conversation actor in memory
// (FRONTDESK_PASSIVATE_AFTER=1h) while Conversations patients each send
// one message.
type MemoryConfig struct {
	Target        Target
	Conversations int
	// Message is what each patient sends ("{code}" is its hospital's
	// code); "hi {code}" leaves the conversation open at the
	// registration's first question, after one call to the demo EMR (two
	// replies).
	Message     string
	RepliesEach int
	Concurrency int
	// Warmup conversations are made before the first sample, so code paths
	// and pools are warm.
	Warmup int
	// GCWait bounds the wait for the server's next garbage collection
	// before each sample (an idle Go process collects every 2 minutes).
	GCWait time.Duration
	// Sample is how many stored snapshots are sized.
	Sample int
	// Batch is how many conversations are made before waiting for their
	// replies: it keeps the server's outbox short, since a long one slows
	// the outbound actor down (see docs/performance.md).
	Batch int
}

// DefaultMemoryConfig is the memory measurement with no flags.
func DefaultMemoryConfig() MemoryConfig {
	return MemoryConfig{Conversations: 100000, Message: "hi {code}", RepliesEach: 2, Concurrency: 64,
		Warmup: 500, GCWait: 150 * time.Second, Sample: 2000, Batch: 2000}
}

// MemSample is the server's memory at one moment, right after a garbage
// collection.
type MemSample struct {
	Process     Memory  `json:"process"`
	HeapAlloc   float64 `json:"heap_alloc_bytes"` // live heap (just after a GC)
	HeapInuse   float64 `json:"heap_inuse_bytes"` // heap spans in use
	HeapObjects float64 `json:"heap_objects"`
	Goroutines  float64 `json:"goroutines"`
	Active      float64 `json:"conversations_active"`
}

// MemoryReport is what a memory measurement found.
type MemoryReport struct {
	Label         string        `json:"label"`
	Conversations int           `json:"conversations"`
	Message       string        `json:"message"`
	Before        MemSample     `json:"before"`
	After         MemSample     `json:"after"`
	FillTime      time.Duration `json:"fill_ns"`
	// Per conversation: the growth of each figure divided by Conversations.
	PerConvRSS       float64 `json:"per_conversation_rss_bytes"`
	PerConvHeap      float64 `json:"per_conversation_heap_bytes"`
	PerConvHeapInuse float64 `json:"per_conversation_heap_inuse_bytes"`
	PerConvObjects   float64 `json:"per_conversation_objects"`
	// Snapshot sizes in Redis (averages over SnapshotsSized records):
	// the stored value and Redis's MEMORY USAGE of the key.
	SnapshotValue  float64 `json:"snapshot_value_bytes"`
	SnapshotRedis  float64 `json:"snapshot_redis_bytes"`
	SnapshotsSized int     `json:"snapshots_sized"`
}

// MeasureMemory runs the measurement.
func MeasureMemory(ctx context.Context, cfg MemoryConfig, log *slog.Logger) (rep MemoryReport, err error) {
	t := cfg.Target
	if t.Extra == nil {
		t.Extra = map[string]string{}
	}
	t.Extra["FRONTDESK_PASSIVATE_AFTER"] = "1h"
	cleanup, err := t.prepare(ctx)
	if err != nil {
		return rep, err
	}
	defer cleanup()
	f := newFiller(cfg.Concurrency, t.Hospitals())
	sink, err := StartSink(AccountSID, AuthToken, f.onReply)
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, sink.Close()) }()
	addr, err := FreeAddr()
	if err != nil {
		return rep, err
	}
	proc, err := Start(ctx, t.Spec(addr, sink.URL()))
	if err != nil {
		return rep, err
	}
	defer func() { err = errors.Join(err, proc.Stop(time.Minute)) }()
	f.base = "http://" + addr
	n, warm := cfg.Conversations, cfg.Warmup
	rep = MemoryReport{Label: t.Label(), Conversations: n, Message: cfg.Message}

	// Warm-up patients are numbered after the measured ones.
	if err := f.send(ctx, n, n+warm, cfg.Concurrency, cfg.Message); err != nil {
		return rep, fmt.Errorf("warm up: %w", err)
	}
	if err := f.waitReplies(ctx, int64(warm*cfg.RepliesEach), time.Minute); err != nil {
		return rep, fmt.Errorf("warm up: %w", err)
	}
	log.Info("warm; waiting for the server's next garbage collection", "max", cfg.GCWait)
	if rep.Before, err = sampleAfterGC(ctx, proc, cfg.GCWait); err != nil {
		return rep, err
	}
	log.Info("making conversations", "count", n)
	begin := time.Now()
	batch := max(cfg.Batch, 1)
	for from := 0; from < n; from += batch {
		to := min(from+batch, n)
		if err := f.send(ctx, from, to, cfg.Concurrency, cfg.Message); err != nil {
			return rep, fmt.Errorf("make conversations: %w", err)
		}
		if err := f.waitReplies(ctx, int64((to+warm)*cfg.RepliesEach), 2*time.Minute); err != nil {
			return rep, fmt.Errorf("make conversations: %w", err)
		}
	}
	rep.FillTime = time.Since(begin)
	log.Info("conversations made; waiting for the server's next garbage collection", "took", rep.FillTime.Round(time.Millisecond))
	if rep.After, err = sampleAfterGC(ctx, proc, cfg.GCWait); err != nil {
		return rep, err
	}
	per := func(a, b float64) float64 { return (a - b) / float64(n) }
	rep.PerConvRSS = per(float64(rep.After.Process.RSS), float64(rep.Before.Process.RSS))
	rep.PerConvHeap = per(rep.After.HeapAlloc, rep.Before.HeapAlloc)
	rep.PerConvHeapInuse = per(rep.After.HeapInuse, rep.Before.HeapInuse)
	rep.PerConvObjects = per(rep.After.HeapObjects, rep.Before.HeapObjects)
	if t.Store == StoreRedis {
		if err := sizeSnapshots(ctx, t, cfg.Sample, &rep); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// sizeSnapshots averages the size of a sample of the run's snapshots.
func sizeSnapshots(ctx context.Context, t Target, sample int, rep *MemoryReport) error {
	r, err := OpenRedis(ctx, t.RedisURL, t.Prefix)
	if err != nil {
		return err
	}
	defer r.Close()
	value, mem, n, err := r.SnapshotSizes(ctx, sample)
	if err != nil || n == 0 {
		return err
	}
	rep.SnapshotValue, rep.SnapshotRedis, rep.SnapshotsSized = float64(value)/float64(n), float64(mem)/float64(n), n
	return nil
}

// sampleAfterGC waits for the server's next garbage collection and reads
// its memory right after, so the heap figures are live data, not garbage.
func sampleAfterGC(ctx context.Context, proc *Process, wait time.Duration) (MemSample, error) {
	names := []string{"go_gc_duration_seconds_count", "go_memstats_heap_alloc_bytes", "go_memstats_heap_inuse_bytes",
		"go_memstats_heap_objects", "go_goroutines", "frontdesk_conversations_active"}
	first, err := scrape(ctx, proc.Addr, names...)
	if err != nil {
		return MemSample{}, err
	}
	deadline := time.Now().Add(wait)
	for {
		select {
		case <-ctx.Done():
			return MemSample{}, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		m, err := scrape(ctx, proc.Addr, names...)
		if err != nil {
			return MemSample{}, err
		}
		if m["go_gc_duration_seconds_count"] > first["go_gc_duration_seconds_count"] || time.Now().After(deadline) {
			mem, err := proc.Memory()
			if err != nil {
				return MemSample{}, err
			}
			return MemSample{Process: mem, HeapAlloc: m["go_memstats_heap_alloc_bytes"], HeapInuse: m["go_memstats_heap_inuse_bytes"],
				HeapObjects: m["go_memstats_heap_objects"], Goroutines: m["go_goroutines"], Active: m["frontdesk_conversations_active"]}, nil
		}
	}
}

// WriteText prints the report.
func (r MemoryReport) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, `%s: %d conversations resident, each after %q (made in %s)
                       before        after      per conversation
  VmRSS            %10s   %10s   %8.0f B
  heap (live)      %10s   %10s   %8.0f B
  heap in use      %10s   %10s   %8.0f B
  heap objects     %10.0f   %10.0f   %8.1f
  goroutines       %10.0f   %10.0f
  actors active    %10.0f   %10.0f
  snapshot in Redis: %.0f B value, %.0f B MEMORY USAGE (average of %d)
`, r.Label, r.Conversations, r.Message, r.FillTime.Round(time.Millisecond),
		mib(r.Before.Process.RSS), mib(r.After.Process.RSS), r.PerConvRSS,
		mib(int64(r.Before.HeapAlloc)), mib(int64(r.After.HeapAlloc)), r.PerConvHeap,
		mib(int64(r.Before.HeapInuse)), mib(int64(r.After.HeapInuse)), r.PerConvHeapInuse,
		r.Before.HeapObjects, r.After.HeapObjects, r.PerConvObjects,
		r.Before.Goroutines, r.After.Goroutines, r.Before.Active, r.After.Active,
		r.SnapshotValue, r.SnapshotRedis, r.SnapshotsSized)
	return err
}
