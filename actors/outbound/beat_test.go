package outbound

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
)

// heart is a settable beat, as the runtime's beater reports it, counting
// how often the actor asked.
type heart struct {
	mu    sync.Mutex
	beat  persistence.Beat
	asked int
}

func (h *heart) Alive() persistence.Beat {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.asked++
	return h.beat
}

func (h *heart) set(b persistence.Beat) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.beat = b
}

func (h *heart) askedTimes() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.asked
}

// TestSendsWaitForTheBeat: a process that beats sends nothing until its
// beat keeps it alive for a whole attempt; after its beat lapsed, it
// trusts no lease it took before (another process may have taken the
// entry: the claim is refused and the entry is not sent here), while
// leases taken since are sent without a claim.
func TestSendsWaitForTheBeat(t *testing.T) {
	h := &heart{}
	r, spy := newLeaseRig(t, func(o *Options) { o.Alive = h.Alive })
	p := patientN(1)
	mine := r.enqueue(Message{To: p, Body: "before the lapse"})
	require.Eventually(t, func() bool { return h.askedTimes() >= 3 }, 5*time.Second, 5*time.Millisecond,
		"the actor tries again and again")
	assert.Empty(t, r.fake.RequestLog(), "no beat yet: nothing is sent")
	refused, granted := spy.counts()
	assert.Zero(t, refused+granted, "not even claimed")

	// While this process's beat was lapsed, another one took the entry.
	ctx := context.Background()
	require.NoError(t, r.store.Release(ctx, testSender, "rig-run", mine[0].ID))
	c, err := r.store.Claim(ctx, testSender, mine[0].ID, "other-run", r.clock.Now(), DefaultLease)
	require.NoError(t, err)
	require.True(t, c.Held)
	r.clock.Advance(time.Second)
	h.set(persistence.Beat{Until: time.Now().Add(time.Hour), Lapsed: r.clock.Now()})
	require.Eventually(t, func() bool { refused, _ := spy.counts(); return refused >= 1 }, 5*time.Second, 5*time.Millisecond,
		"the lease from before the lapse is claimed again, and refused")
	assert.Empty(t, r.fake.RequestLog(), "the other process's entry is not sent here")
	require.NoError(t, r.store.MarkSent(ctx, testSender, mine[0].ID, "SMother", r.clock.Now()))
	r.settled(5*time.Second, mine...)

	r.clock.Advance(time.Second)
	_, before := spy.counts()
	later := r.enqueue(Message{To: p, Body: "after the lapse"})
	got := r.settled(5*time.Second, later...)
	assert.Equal(t, persistence.OutboxSent, got[0].State)
	assert.Equal(t, []string{"after the lapse"}, bodiesTo(r.fake, p), "only this process's own entry went out here")
	_, after := spy.counts()
	assert.Equal(t, before, after, "a lease taken since the lapse is trusted without a claim")
}
