package outbound

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/persistence"
)

// These tests play the other process at the store: entries another run
// holds are enqueued with its holder and lease, as its commits would
// write them, and it marks them as it would after sending.

// claimSpy counts the claims the actor makes and how they were answered.
type claimSpy struct {
	persistence.Outbox
	mu      sync.Mutex
	refused int // held by another holder
	granted int
}

func (c *claimSpy) Claim(ctx context.Context, sender, id, holder string, now time.Time, lease time.Duration) (persistence.OutboxClaim, error) {
	res, err := c.Outbox.Claim(ctx, sender, id, holder, now, lease)
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err == nil && res.Held:
		c.granted++
	case err == nil && !res.Done:
		c.refused++
	}
	return res, err
}

func (c *claimSpy) counts() (refused, granted int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.refused, c.granted
}

// newLeaseRig is a rig that reads the store again every 100 ms, with its
// claims counted.
func newLeaseRig(t *testing.T, adjust func(*Options)) (*twilioRig, *claimSpy) {
	t.Helper()
	var spy *claimSpy
	r := newTwilioRig(t, func(o *Options) {
		spy = &claimSpy{Outbox: o.Store}
		o.Store, o.Rescan = spy, 100*time.Millisecond
		if adjust != nil {
			adjust(o)
		}
	})
	return r, spy
}

// foreign stores messages as another process's commit would: held by
// holder until its lease end.
func (r *twilioRig) foreign(holder string, lease time.Duration, msgs ...Message) []persistence.OutboxEntry {
	r.t.Helper()
	for i := range msgs {
		msgs[i].From, msgs[i].Hospital = testSender, r.hosp.Code
	}
	es, err := testCodec().WithLease(holder, lease).Entries(r.clock.Now(), testSender, msgs...)
	require.NoError(r.t, err)
	require.NoError(r.t, r.store.Enqueue(context.Background(), es...))
	return es
}

// TestEntryOfALiveProcessNotSent: an entry that a read of the store finds
// while another process holds it is not sent here; the patient's next
// message, committed here, waits behind it until the other process has
// sent it, and goes after.
func TestEntryOfALiveProcessNotSent(t *testing.T) {
	r, spy := newLeaseRig(t, nil)
	p := patientN(1)
	theirs := r.foreign("other-run", DefaultLease, Message{To: p, Body: "theirs"})
	require.Eventually(t, func() bool { refused, _ := spy.counts(); return refused >= 2 }, 5*time.Second, 5*time.Millisecond,
		"the actor finds the entry and is refused it")
	mine := r.enqueue(Message{To: p, Body: "mine"})
	require.Eventually(t, func() bool { refused, _ := spy.counts(); return refused >= 4 }, 5*time.Second, 5*time.Millisecond)
	assert.Empty(t, r.fake.RequestLog(), "nothing is sent while the other process holds the head of the lane")

	marked := time.Now()
	require.NoError(t, r.store.MarkSent(context.Background(), testSender, theirs[0].ID, "SMtheirs", r.clock.Now()))
	got := r.settled(5*time.Second, mine...)
	assert.Equal(t, persistence.OutboxSent, got[0].State)
	assert.Equal(t, []string{"mine"}, bodiesTo(r.fake, p), "the other process's entry is not sent here")
	assert.True(t, r.fake.RequestLog()[0].Time.After(marked), "the later message waited for the earlier one")
	assert.Equal(t, 1.0, value(t, r.metrics.MessagesOut.WithLabelValues("sent")), "only this process's send counts here")
}

// TestEntryOfADeadProcessTakenOver: an entry whose holder stopped without
// sending it is sent once its lease has run out, exactly once.
func TestEntryOfADeadProcessTakenOver(t *testing.T) {
	r, spy := newLeaseRig(t, nil)
	dead := r.foreign("dead-run", time.Minute, Message{To: patientN(1), Body: "left behind"}, Message{To: patientN(2), Body: "also left"})
	require.Eventually(t, func() bool { refused, _ := spy.counts(); return refused >= 4 }, 5*time.Second, 5*time.Millisecond,
		"refused while the lease is live")
	assert.Empty(t, r.fake.RequestLog())

	r.clock.Advance(time.Minute)
	for _, e := range r.settled(5*time.Second, dead...) {
		assert.Equal(t, persistence.OutboxSent, e.State)
		assert.Equal(t, "rig-run", e.Holder, "sent under this process's lease")
	}
	assert.Equal(t, []string{"left behind"}, bodiesTo(r.fake, patientN(1)))
	assert.Equal(t, []string{"also left"}, bodiesTo(r.fake, patientN(2)))
}

// gate is a transport whose first send waits until the test opens it,
// then fails as a 503 would: an attempt that takes as long as the test
// wants, followed by a retry.
type gate struct {
	Transport
	once    sync.Once
	started chan struct{}
	open    chan struct{}
}

func (g *gate) Send(ctx context.Context, m Message) (string, error) {
	first := false
	g.once.Do(func() { first = true })
	if !first {
		return g.Transport.Send(ctx, m)
	}
	close(g.started)
	<-g.open
	return "", &twilio.SendError{Status: 503, Code: 20503, Retryable: true}
}

// TestLongRetriesRenewTheLease: an entry whose attempts go on past half
// its lease is claimed again before the next attempt, so another process
// cannot take it over between two attempts.
func TestLongRetriesRenewTheLease(t *testing.T) {
	g := &gate{started: make(chan struct{}), open: make(chan struct{})}
	r, spy := newLeaseRig(t, func(o *Options) { g.Transport, o.Transport = o.Transport, g })
	p := patientN(1)
	es := r.enqueue(Message{To: p, Body: "slow"})
	start := r.clock.Now()
	<-g.started
	r.clock.Advance(90 * time.Second) // during the first attempt: 30 s of the 2 min lease left
	close(g.open)
	got := r.settled(5*time.Second, es...)
	assert.Equal(t, persistence.OutboxSent, got[0].State)
	assert.Equal(t, []string{"slow"}, bodiesTo(r.fake, p))
	_, granted := spy.counts()
	assert.Equal(t, 1, granted, "one claim: the retry's; the first attempt had its lease from the commit")
	assert.WithinDuration(t, start.Add(90*time.Second+DefaultLease), got[0].LeasedUntil, time.Millisecond,
		"the retry renewed the lease")
}

// TestStopHandsOverUnsentEntries: an actor that stops gives back the
// leases of entries it did not send, the one whose attempt was still out
// too, so the next process sends them at once.
func TestStopHandsOverUnsentEntries(t *testing.T) {
	sends := &sync.WaitGroup{}
	r, _ := newLeaseRig(t, func(o *Options) { o.Rate, o.Sends = 1, sends })
	r.fake.FailTo("whatsapp:"+patientN(1), 1, twiliotest.Fault{Hang: true})
	es := r.enqueue(Message{To: patientN(1), Body: "a"}, Message{To: patientN(2), Body: "b"}, Message{To: patientN(3), Body: "c"})
	require.Eventually(t, func() bool { return len(r.fake.RequestLog()) == 1 }, 5*time.Second, 5*time.Millisecond,
		"the first send is out (and hangs); the rate holds the others back")
	require.NoError(t, r.system.Root.StopFuture(r.pid).Wait())
	sends.Wait() // the hanging attempt times out; the releases are written
	pending := 0
	for _, e := range es {
		got := r.entry(e.ID)
		if got.State == persistence.OutboxSent {
			continue
		}
		pending++
		assert.Empty(t, got.Holder, "entry %s given back", e.ID)
		c, err := r.store.Claim(context.Background(), testSender, e.ID, "next-run", r.clock.Now(), time.Minute)
		require.NoError(t, err)
		assert.True(t, c.Held, "the next process takes entry %s at once", e.ID)
	}
	assert.GreaterOrEqual(t, pending, 2, "the hanging one and at least one held back by the rate")
}
