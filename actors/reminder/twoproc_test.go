package reminder

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/storetest"
)

// Two processes on one Redis fire every reminder once: while one of them
// restarts in the middle, and while a third, dead one holds leases it will
// never fire.
func TestTwoProcessesFireEachReminderOnce(t *testing.T) {
	url := redisURL(t)
	prefix := testPrefix(t, url)
	ctx := context.Background()
	stA, stB, stA2 := openRedis(t, url, prefix), openRedis(t, url, prefix), openRedis(t, url, prefix)
	e := newEnvOn(t, storetest.NewClock(time.Time{}), stA, testKeyring(t))
	sched := NewScheduler(SchedulerOptions{Store: stA, Sealer: e.sealer, Hasher: e.hasher})
	sent := newOutbox(e.codec)
	fast := func(o *ActorOptions) { o.Lease, o.Poll, o.Batch = time.Second, 50*time.Millisecond, 64 }
	a := e.startLoop(stA, sent, time.Now, fast)
	b := e.startLoop(stB, sent, time.Now, fast)

	const n = 2000
	base := time.Now().Add(1500 * time.Millisecond)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			due := base.Add(time.Duration(i) * 500 * time.Microsecond)
			_, err := sched.Schedule(ctx, e.hospitals["abc"], Spec{Kind: KindFollowUp, Phone: fmt.Sprintf("+9198%08d", i), At: &due})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	t.Logf("scheduled %d in %v", n, time.Since(base.Add(-1500*time.Millisecond)))
	dead, err := stB.ClaimDue(ctx, base.Add(100*time.Millisecond), 50, "dead-process", time.Second)
	require.NoError(t, err)
	t.Logf("a dead process holds %d leases", len(dead))

	eventually(t, 30*time.Second, "half the reminders", func() bool { return len(sent.messages()) >= n/2 })
	a.stop()
	a2 := e.startLoop(stA2, sent, time.Now, fast)
	eventually(t, 30*time.Second, "every reminder", func() bool { return len(sent.messages()) >= n })
	t.Logf("all fired %v after the first was due", time.Since(base))
	b.stop()
	a2.stop() // every firing in flight is done: the counts below are final

	perPatient := map[string]int{}
	for _, m := range sent.messages() {
		perPatient[m.To]++
	}
	assert.Len(t, perPatient, n, "every reminder sent")
	for _, c := range perPatient {
		if c != 1 {
			t.Errorf("a patient got %d messages", c)
		}
	}
	var fired int
	for cursor := ""; ; {
		rs, next, err := stA.ListReminders(ctx, persistence.ReminderQuery{Hospital: "abc", Cursor: cursor, Limit: 500})
		require.NoError(t, err)
		for _, r := range rs {
			assert.Equal(t, persistence.ReminderFired, r.State)
			assert.Equal(t, 1, r.Fired, "fired once in the store")
			fired++
		}
		if cursor = next; next == "" {
			break
		}
	}
	assert.Equal(t, n, fired)
}
