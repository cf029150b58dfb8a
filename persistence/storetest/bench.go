package storetest

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// ClaimBatch is how many reminders BenchClaimAndFire claims at a time,
// and fireWorkers how many firings it runs at once (the firing loop hands
// a claimed batch to workers, which fire as the store's group writer
// takes them).
const (
	ClaimBatch  = 256
	fireWorkers = 256
)

// BenchClaimAndFire is the reminder benchmark both backends run: per
// iteration it stores reminders that are all due (not timed), then claims
// them in batches of ClaimBatch and fires each with one outbox entry of a
// 300-byte payload, a batch's firings in parallel. It reports the
// throughput as reminders/s; run it with -benchtime=1x, as one iteration
// is already large.
func BenchClaimAndFire(b *testing.B, st persistence.Store, reminders int) {
	ctx := context.Background()
	payload := make([]byte, 300)
	rand.Read(payload)
	now := time.Now().Truncate(time.Millisecond) // due times may be kept to the millisecond
	var timed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		hospital := fmt.Sprintf("bench-%d-%d", now.UnixNano(), i)
		parallel(b, reminders, func(j int) error {
			return st.PutReminder(ctx, persistence.Reminder{Hospital: hospital, ID: fmt.Sprintf("r%06d", j),
				Subject: fmt.Sprintf("p%d", j%5000), Kind: "medicine", Due: now.Add(-time.Duration(j) * time.Millisecond), Payload: payload})
		})
		b.StartTimer()
		start := time.Now()
		fired := 0
		for {
			batch, err := st.ClaimDue(ctx, now, ClaimBatch, "bench", time.Minute)
			if err != nil {
				b.Fatal(err)
			}
			if len(batch) == 0 {
				break
			}
			parallel(b, len(batch), func(j int) error {
				r := batch[j]
				e := persistence.OutboxEntry{ID: persistence.NewID(now), Sender: "S-" + hospital, Lane: r.Subject, Payload: payload, CreatedAt: now}
				return st.FireReminder(ctx, persistence.Firing{Hospital: r.Hospital, ID: r.ID, Holder: "bench",
					Outbox: []persistence.OutboxEntry{e}, At: now})
			})
			fired += len(batch)
		}
		timed += time.Since(start)
		if fired != reminders {
			b.Fatalf("fired %d of %d reminders", fired, reminders)
		}
	}
	b.ReportMetric(float64(reminders*b.N)/timed.Seconds(), "reminders/s")
}

// parallel runs do(0..n-1) on fireWorkers goroutines and fails b on the
// first error.
func parallel(b *testing.B, n int, do func(int) error) {
	var wg sync.WaitGroup
	next := make(chan int)
	errs := make(chan error, fireWorkers)
	for range min(fireWorkers, n) {
		wg.Go(func() {
			for j := range next {
				if err := do(j); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for j := range n {
		select {
		case next <- j:
		case err := <-errs:
			close(next)
			wg.Wait()
			b.Fatal(err)
		}
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}
