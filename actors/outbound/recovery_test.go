package outbound

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

const testSender = "whatsapp:+14155238886"

var errStoreDown = errors.New("dial tcp: connection refused")

// plainSealer leaves payloads readable: these tests are about the store
// calls, not sealing.
type plainSealer struct{}

func (plainSealer) Seal(b []byte) ([]byte, error) { return b, nil }
func (plainSealer) Open(b []byte) ([]byte, error) { return b, nil }

// fakeOutbox is an outbox whose reads and marks fail while told to, and
// whose reads can be held to race them with sends.
type fakeOutbox struct {
	persistence.Outbox // methods these tests do not use

	mu          sync.Mutex
	pending     map[string]persistence.OutboxEntry
	failPending int // the next n Pending calls fail
	failMarks   int // the next n MarkSent calls fail
	marked      map[string]int
	hold        chan []persistence.OutboxEntry // non-nil: Pending answers what arrives here
	pendingRuns int
}

func newFakeOutbox() *fakeOutbox {
	return &fakeOutbox{pending: map[string]persistence.OutboxEntry{}, marked: map[string]int{}}
}

func (f *fakeOutbox) Pending(ctx context.Context, _ string, _ int) ([]persistence.OutboxEntry, error) {
	f.mu.Lock()
	f.pendingRuns++
	hold := f.hold
	if f.failPending > 0 {
		f.failPending--
		f.mu.Unlock()
		return nil, errStoreDown
	}
	var out []persistence.OutboxEntry
	for _, e := range f.pending {
		out = append(out, e)
	}
	f.mu.Unlock()
	if hold != nil {
		select {
		case out = <-hold:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return out, nil
}

func (f *fakeOutbox) MarkSent(_ context.Context, _, id, _ string, _ time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failMarks > 0 {
		f.failMarks--
		return errStoreDown
	}
	f.marked[id]++
	delete(f.pending, id)
	return nil
}

func (f *fakeOutbox) MarkFailed(context.Context, string, string, string, bool, time.Time) error {
	return nil
}

// Claim grants every entry not yet marked sent: these tests have one
// process.
func (f *fakeOutbox) Claim(_ context.Context, _, id, _ string, now time.Time, lease time.Duration) (persistence.OutboxClaim, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.marked[id] > 0 {
		return persistence.OutboxClaim{Done: true}, nil
	}
	return persistence.OutboxClaim{Held: true, Until: now.Add(lease)}, nil
}

func (f *fakeOutbox) Release(context.Context, string, string, ...string) error { return nil }

func (f *fakeOutbox) runs() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.pendingRuns
}

func (f *fakeOutbox) marks(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.marked[id]
}

// recorder is a transport that counts what it sends, by body.
type recorder struct {
	mu   sync.Mutex
	sent map[string]int
}

func (r *recorder) Send(_ context.Context, m Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[m.Body]++
	return "SM" + m.Body, nil
}

func (r *recorder) count(body string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sent[body]
}

// rig is one outbound actor on a fake outbox.
type rig struct {
	system *actor.ActorSystem
	pid    *actor.PID
	store  *fakeOutbox
	sent   *recorder
}

// startRig spawns the actor; its first read of the outbox happens at once.
func startRig(t *testing.T, store *fakeOutbox) *rig {
	t.Helper()
	r := &rig{system: actor.NewActorSystem(), store: store, sent: &recorder{sent: map[string]int{}}}
	r.pid = r.system.Root.Spawn(Props(Options{
		Sender: testSender, Store: store, Codec: testCodec(), Transport: r.sent,
		Metrics: metrics.New(), Logger: slog.New(slog.DiscardHandler),
	}))
	t.Cleanup(func() {
		_ = r.system.Root.StopFuture(r.pid).Wait()
		r.system.Shutdown()
	})
	return r
}

func testCodec() *Codec { return NewCodec(plainSealer{}, pii.NewHasher(make([]byte, 32))) }

// entries makes outbox entries to one patient.
func entries(t *testing.T, bodies ...string) []persistence.OutboxEntry {
	t.Helper()
	msgs := make([]Message, len(bodies))
	for i, b := range bodies {
		msgs[i] = Message{To: "+919800000001", From: testSender, Body: b}
	}
	es, err := testCodec().Entries(time.Now(), testSender, msgs...)
	require.NoError(t, err)
	return es
}

// within polls cond for up to d.
func within(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		<-time.After(10 * time.Millisecond)
	}
	return true
}

// TestPendingReadRetried: when the store cannot be read as the actor
// starts, it reads again (after 1 s) and sends what was waiting, instead of
// leaving it until the next restart.
func TestPendingReadRetried(t *testing.T) {
	store := newFakeOutbox()
	store.failPending = 1
	for _, e := range entries(t, "left over") {
		store.pending[e.ID] = e
	}
	r := startRig(t, store)
	require.True(t, within(5*time.Second, func() bool { return r.sent.count("left over") == 1 }),
		"the entry waiting in the store should be sent once the store answers")
	assert.Equal(t, 2, store.runs(), "one failed read, one that worked")
}

// TestUnrecordedSendNotRepeated: a message sent while its outcome could
// not be written is recorded later, and a read of the pending entries
// meanwhile (it is still pending in the store) does not send it again.
func TestUnrecordedSendNotRepeated(t *testing.T) {
	store := newFakeOutbox()
	r := startRig(t, store)
	require.True(t, within(time.Second, func() bool { return store.runs() == 1 }), "the start-up read")
	es := entries(t, "hello")
	store.mu.Lock()
	store.failMarks = 2
	store.pending[es[0].ID] = es[0] // committed: pending in the store
	store.mu.Unlock()
	r.system.Root.Send(r.pid, &Notify{Entries: es})
	require.True(t, within(2*time.Second, func() bool { return r.sent.count("hello") == 1 }), "the message is sent")
	r.system.Root.Send(r.pid, &Reload{}) // as after an outage, while the mark is still unwritten
	require.True(t, within(5*time.Second, func() bool { return store.marks(es[0].ID) >= 1 }),
		"the outcome should be written once the store takes it (after 1 s, then 2 s)")
	r.system.Root.Send(r.pid, &Reload{})
	follow := entries(t, "after")
	r.system.Root.Send(r.pid, &Notify{Entries: follow})
	require.True(t, within(2*time.Second, func() bool { return r.sent.count("after") == 1 }))
	assert.Equal(t, 1, r.sent.count("hello"), "a message whose outcome was not yet written must not be sent twice")
}

// TestReadRacingASendNotRepeated: a read of the pending entries that began
// before an entry was sent and marked may still list it; it must not be
// sent again.
func TestReadRacingASendNotRepeated(t *testing.T) {
	store := newFakeOutbox()
	r := startRig(t, store)
	require.True(t, within(time.Second, func() bool { return store.runs() == 1 }), "the start-up read")
	hold := make(chan []persistence.OutboxEntry)
	store.mu.Lock()
	store.hold = hold
	store.mu.Unlock()
	r.system.Root.Send(r.pid, &Reload{})
	require.True(t, within(time.Second, func() bool { return store.runs() == 2 }), "the read is out")

	es := entries(t, "first", "second")
	r.system.Root.Send(r.pid, &Notify{Entries: es[:1]})
	require.True(t, within(2*time.Second, func() bool { return store.marks(es[0].ID) == 1 }), "the first is sent and marked")
	hold <- es // the read answers as of before the mark: both pending
	require.True(t, within(2*time.Second, func() bool { return r.sent.count("second") == 1 }),
		"the entry only the read knew about is sent")
	assert.Equal(t, 1, r.sent.count("first"), "the entry sent while the read was out must not be sent again")
}
