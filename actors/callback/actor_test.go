package callback

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/persistence"
)

func TestCallbackIsSignedAndVerifiable(t *testing.T) {
	r, e := newRig(t), newEMR(t)
	r.start()
	defer r.stop()
	entry := r.commit(confirmed(e.srv.URL + "/answers?hid=184"))
	r.notify(entry)
	r.waitState(entry.ID, persistence.OutboxSent)

	got := e.requests()
	require.Len(t, got, 1)
	req := got[0]
	assert.Equal(t, "application/json", req.header.Get("Content-Type"))
	assert.Equal(t, strconv.FormatInt(rigNow.Unix(), 10), req.header.Get(HeaderTimestamp))
	assert.Equal(t, entry.ID, req.header.Get(HeaderID))
	require.NoError(t, Verify(testSecret, req.header, req.body, rigNow, DefaultTolerance), "the EMR can verify it")
	assert.ErrorIs(t, Verify("another-secret-0123456789", req.header, req.body, rigNow, DefaultTolerance), ErrSignature)
	assert.ErrorIs(t, Verify(testSecret, req.header, append(req.body, ' '), rigNow, DefaultTolerance), ErrSignature, "the exact bytes are signed")

	var body map[string]any
	require.NoError(t, json.Unmarshal(req.body, &body))
	assert.Equal(t, map[string]any{
		"reminder_id": "rem_1", "hospital": "abc", "kind": "appointment", "appointment_id": "APT-7",
		"answer": "confirmed", "answered_at": "2026-11-24T09:59:00Z",
	}, body)
	r.waitCount(t, "sent", 1.0)
}

func TestCallbackRetriesServerErrors(t *testing.T) {
	r, e := newRig(t), newEMR(t, http.StatusInternalServerError, http.StatusServiceUnavailable)
	r.start()
	defer r.stop()
	entry := r.commit(confirmed(e.srv.URL))
	r.notify(entry)
	sent := r.waitState(entry.ID, persistence.OutboxSent)

	got := e.requests()
	require.Len(t, got, 3, "two failures, then the success; nothing after")
	assert.Equal(t, got[0].body, got[2].body, "the same answer each time")
	assert.Equal(t, entry.ID, got[2].header.Get(HeaderID), "one id for every attempt")
	assert.Equal(t, 2, sent.Attempts, "the failed attempts are recorded")
	r.waitCount(t, "retried", 2.0)
	r.waitCount(t, "sent", 1.0)
}

func TestCallbackGivesUp(t *testing.T) {
	t.Run("at once on a 4xx", func(t *testing.T) {
		r, e := newRig(t), newEMR(t, http.StatusBadRequest)
		r.start()
		defer r.stop()
		entry := r.commit(confirmed(e.srv.URL))
		r.notify(entry)
		failed := r.waitState(entry.ID, persistence.OutboxFailed)
		assert.Equal(t, "http_400", failed.LastError)
		assert.Len(t, e.requests(), 1, "a refusal is not retried")
		r.waitCount(t, "failed", 1.0)
	})
	t.Run("on a redirect, which is not followed", func(t *testing.T) {
		r, e := newRig(t), newEMR(t, http.StatusFound)
		r.start()
		defer r.stop()
		entry := r.commit(confirmed(e.srv.URL))
		r.notify(entry)
		assert.Equal(t, "http_302", r.waitState(entry.ID, persistence.OutboxFailed).LastError)
		assert.Len(t, e.requests(), 1)
	})
	t.Run("when the attempts run out", func(t *testing.T) {
		r, e := newRig(t), newEMR(t, 500, 500, 500, 500, 500)
		r.start()
		defer r.stop()
		entry := r.commit(confirmed(e.srv.URL))
		r.notify(entry)
		assert.Equal(t, "http_500", r.waitState(entry.ID, persistence.OutboxFailed).LastError)
		assert.Len(t, e.requests(), 4, "MaxAttempts")
	})
	t.Run("without the hospital's secret nothing is posted", func(t *testing.T) {
		r, e := newRig(t), newEMR(t)
		r.start()
		defer r.stop()
		cb := confirmed(e.srv.URL)
		cb.Hospital = "gone"
		entry := r.commit(cb)
		r.notify(entry)
		assert.Equal(t, "no_secret", r.waitState(entry.ID, persistence.OutboxFailed).LastError)
		assert.Empty(t, e.requests())
	})
}

func TestCallbackRetriesUnreachableEMR(t *testing.T) {
	r, e := newRig(t), newEMR(t)
	url := e.srv.URL
	e.srv.Close() // connection refused
	r.start()
	defer r.stop()
	entry := r.commit(confirmed(url))
	r.notify(entry)
	failed := r.waitState(entry.ID, persistence.OutboxFailed)
	assert.Equal(t, "transport", failed.LastError)
	r.waitCount(t, "retried", 3.0)
}

// TestCallbackSurvivesRestart: an answer committed before a crash (no
// actor was told) or left pending between retries is posted by the next
// run, once.
func TestCallbackSurvivesRestart(t *testing.T) {
	r, e := newRig(t), newEMR(t, http.StatusBadGateway)
	r.start()
	first := r.commit(confirmed(e.srv.URL))
	r.notify(first)
	require.Eventually(t, func() bool { return len(e.requests()) == 1 }, 5*time.Second, 5*time.Millisecond)
	r.stop() // before its retry
	assert.Equal(t, persistence.OutboxPending, r.entry(first.ID).State)

	second := r.commit(flow.Callback{Hospital: "abc", URL: e.srv.URL, ReminderID: "rem_2", Kind: "feedback",
		Ratings: map[string]int{"doctor": 5, "staff": 4, "overall": 5}, At: rigNow})
	r.start()
	r.waitState(first.ID, persistence.OutboxSent)
	r.waitState(second.ID, persistence.OutboxSent)
	r.notify(first, second) // a late Notify of the same entries
	r.stop()
	r.start() // nothing pending is left for the next run
	r.stop()

	ids := map[string]int{}
	for _, req := range e.requests() {
		ids[req.header.Get(HeaderID)]++
	}
	assert.Equal(t, map[string]int{first.ID: 2, second.ID: 1}, ids, "the failed attempt, then one post each")
}

// count reads frontdesk_callbacks_total for one result.
func (r *rig) count(t *testing.T, result string) float64 {
	t.Helper()
	var out dto.Metric
	require.NoError(t, r.metrics.Callbacks.WithLabelValues(result).(prometheus.Metric).Write(&out))
	return out.GetCounter().GetValue()
}

// waitCount waits until frontdesk_callbacks_total for result is n: the
// actor counts an attempt after the store has recorded it.
func (r *rig) waitCount(t *testing.T, result string, n float64) {
	t.Helper()
	require.Eventually(t, func() bool { return r.count(t, result) == n }, 5*time.Second, 5*time.Millisecond,
		"frontdesk_callbacks_total{result=%q} should be %v, is %v", result, n, r.count(t, result))
}

// TestCallbackTwoProcessesPostOnce: two processes' callback actors on one
// store, both told of the same answers (a rolling deploy, two replicas),
// post each answer once between them: an answer is posted only under the
// poster's lease.
func TestCallbackTwoProcessesPostOnce(t *testing.T) {
	r, e := newRig(t), newEMR(t)
	r.start()
	defer r.stop()
	other := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return slog.New(slog.DiscardHandler) }))
	defer other.Shutdown()
	sends := &sync.WaitGroup{}
	pid := other.Root.Spawn(Props(Options{
		Store: r.store, Codec: r.codec, Metrics: r.metrics, Logger: slog.New(slog.DiscardHandler), Sends: sends,
		Secret: func(string) string { return testSecret }, RetryBase: 10 * time.Millisecond, Timeout: 2 * time.Second,
		Now: func() time.Time { return r.now },
	}))
	defer func() {
		require.NoError(t, other.Root.StopFuture(pid).Wait())
		sends.Wait()
	}()

	const n = 20
	var entries []persistence.OutboxEntry
	for i := range n {
		cb := confirmed(e.srv.URL)
		cb.ReminderID = fmt.Sprintf("rem_%d", i)
		entries = append(entries, r.commit(cb))
	}
	r.notify(entries...)
	other.Root.Send(pid, &Notify{Entries: entries})
	for _, entry := range entries {
		r.waitState(entry.ID, persistence.OutboxSent)
	}
	ids := map[string]int{}
	for _, req := range e.requests() {
		ids[req.header.Get(HeaderID)]++
	}
	assert.Len(t, ids, n, "every answer posted")
	for id, c := range ids {
		assert.Equal(t, 1, c, "answer %s posted once", id)
	}
}
