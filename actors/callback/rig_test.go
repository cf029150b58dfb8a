package callback

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/persistence/embedded"
	"github.com/frontdesk-health/frontdesk/persistence/seal"
	"github.com/frontdesk-health/frontdesk/runtime/metrics"
)

const testSecret = "abc-callback-secret-0123456789"

// emr is a fake EMR callback endpoint: it records every request and
// answers with the statuses scripted, then 200.
type emr struct {
	srv *httptest.Server

	mu       sync.Mutex
	got      []received
	statuses []int
}

// received is one request as the EMR saw it.
type received struct {
	header http.Header
	body   []byte
	at     time.Time
}

func newEMR(t *testing.T, statuses ...int) *emr {
	e := &emr{statuses: statuses}
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.got = append(e.got, received{header: r.Header.Clone(), body: b, at: time.Now()})
		status := http.StatusOK
		if len(e.statuses) > 0 {
			status, e.statuses = e.statuses[0], e.statuses[1:]
		}
		e.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *emr) requests() []received {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]received(nil), e.got...)
}

// rig is a callback actor over a real embedded store.
type rig struct {
	t       *testing.T
	store   *embedded.Store
	codec   *Codec
	metrics *metrics.Metrics
	now     time.Time
	system  *actor.ActorSystem
	pid     *actor.PID
	sends   *sync.WaitGroup
}

var rigNow = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

func newRig(t *testing.T) *rig {
	st, err := embedded.Open(filepath.Join(t.TempDir(), "cb.db"), embedded.Options{Now: func() time.Time { return rigNow }, SweepInterval: -1})
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	ring, err := seal.NewKeyring([]byte("callback-test-seal-key-32-bytes!"))
	require.NoError(t, err)
	return &rig{t: t, store: st, codec: NewCodec(ring), metrics: metrics.New(), now: rigNow}
}

// start runs a callback actor (a fresh process) on the rig's store.
func (r *rig) start() {
	r.system = actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return slog.New(slog.DiscardHandler) }))
	r.sends = &sync.WaitGroup{}
	props := Props(Options{
		Store: r.store, Codec: r.codec, Metrics: r.metrics, Logger: slog.New(slog.DiscardHandler), Sends: r.sends,
		Secret: func(h string) string {
			if h == "abc" {
				return testSecret
			}
			return ""
		},
		RetryBase: 10 * time.Millisecond, RetryCap: 40 * time.Millisecond, MaxAttempts: 4, Timeout: 2 * time.Second,
		Now: func() time.Time { return r.now },
	})
	r.pid = r.system.Root.Spawn(props)
}

// stop stops the actor and waits for its attempts, as shutdown does.
func (r *rig) stop() {
	require.NoError(r.t, r.system.Root.StopFuture(r.pid).Wait())
	r.sends.Wait()
	r.system.Shutdown()
}

// commit stores an answer as a conversation turn would, and returns its
// entry.
func (r *rig) commit(cb flow.Callback) persistence.OutboxEntry {
	r.t.Helper()
	entries, err := r.codec.Entries(r.now, cb)
	require.NoError(r.t, err)
	require.NoError(r.t, r.store.Enqueue(context.Background(), entries...))
	return entries[0]
}

// notify tells the actor of entries, as the conversation does after its
// commit.
func (r *rig) notify(entries ...persistence.OutboxEntry) {
	r.system.Root.Send(r.pid, &Notify{Entries: entries})
}

// entry reads an entry back from the store.
func (r *rig) entry(id string) persistence.OutboxEntry {
	r.t.Helper()
	e, err := r.store.Entry(context.Background(), Sender, id)
	require.NoError(r.t, err)
	return e
}

// waitState polls until the entry reaches state.
func (r *rig) waitState(id string, state persistence.OutboxState) persistence.OutboxEntry {
	r.t.Helper()
	var e persistence.OutboxEntry
	require.Eventually(r.t, func() bool {
		e = r.entry(id)
		return e.State == state
	}, 5*time.Second, 5*time.Millisecond, "entry %s never became %s", id, state)
	return e
}

// confirmed is an appointment confirmation to post to url.
func confirmed(url string) flow.Callback {
	return flow.Callback{Hospital: "abc", URL: url, ReminderID: "rem_1", AppointmentID: "APT-7", Kind: "appointment",
		Answer: flow.AnswerConfirmed, At: rigNow.Add(-time.Minute)}
}
