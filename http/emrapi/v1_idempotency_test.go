package emrapi

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const followUp = `{"kind":"follow_up","phone":"` + testNational + `","at":"2026-12-01T09:00:00Z"}`

func TestV1IdempotentReplay(t *testing.T) {
	f := newFixture(t)
	key := "Idempotency-Key"
	first := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, key, "sched-1"))
	require.Equal(t, http.StatusCreated, first.Status, "%s", first.Body)
	assert.Empty(t, first.Header.Get("Idempotent-Replayed"))

	again := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, key, "sched-1"))
	assert.Equal(t, http.StatusCreated, again.Status)
	assert.Equal(t, first.Body, again.Body, "the retry gets the first answer")
	assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	assert.Len(t, f.sched.mutations(), 1, "and nothing is scheduled twice")

	other := f.client.Do(req(http.MethodPost, "/v1/reminders", `{"kind":"feedback","phone":"`+testNational+`","at":"2026-12-01T09:00:00Z"}`, key, "sched-1"))
	assert.Equal(t, http.StatusConflict, other.Status)
	assert.Equal(t, "idempotency_key_reused", other.Error.Code)
	assert.Equal(t, "Idempotency-Key", other.Error.Field)
	otherRoute := f.client.Do(req(http.MethodPost, "/v1/messages", followUp, key, "sched-1"))
	assert.Equal(t, "idempotency_key_reused", otherRoute.Error.Code, "the key covers method and path too")
	assert.Len(t, f.sched.mutations(), 1)
	assert.Empty(t, f.pending(t, testSender))

	fresh := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, key, "sched-2"))
	assert.Equal(t, http.StatusCreated, fresh.Status, "another key is another request")
	assert.NotEqual(t, first.Body, fresh.Body)

	f.client.Key = otherKey
	elsewhere := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, key, "sched-1"))
	assert.Equal(t, http.StatusCreated, elsewhere.Status, "keys are per hospital")
	assert.Empty(t, elsewhere.Header.Get("Idempotent-Replayed"))
	assert.Len(t, f.sched.mutations(), 3)

	f.advance(idemTTL + time.Minute)
	f.client.Key = testKey
	late := f.client.Do(req(http.MethodPost, "/v1/reminders", `{"kind":"feedback","phone":"`+testNational+`","at":"2026-12-01T09:00:00Z"}`, key, "sched-1"))
	assert.Equal(t, http.StatusCreated, late.Status, "a key is kept 24 hours: %s", late.Body)
}

// TestV1IdempotentRefusalsAndCancel: 4xx answers are kept like any other,
// and so is a cancel's 204: the retry gets it even once the reminder has
// fired meanwhile.
func TestV1IdempotentRefusalsAndCancel(t *testing.T) {
	f := newFixture(t)
	f.optOut(t, testPhone)
	msg := `{"to":"` + testNational + `","body":"hi"}`
	res := f.client.Do(req(http.MethodPost, "/v1/messages", msg, "Idempotency-Key", "m1"))
	assert.Equal(t, "opted_out", res.Error.Code)
	res = f.client.Do(req(http.MethodPost, "/v1/messages", msg, "Idempotency-Key", "m1"))
	assert.Equal(t, http.StatusConflict, res.Status)
	assert.Equal(t, "opted_out", res.Error.Code)
	assert.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))

	made := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp))
	var v reminderJSON
	made.JSON(t, &v)
	res = f.client.Do(req(http.MethodDelete, "/v1/reminders/"+v.ID, nil, "Idempotency-Key", "c1"))
	assert.Equal(t, http.StatusNoContent, res.Status, "%s", res.Body)
	f.sched.mu.Lock()
	fired := f.sched.views["abc/"+v.ID]
	fired.State = "fired"
	f.sched.views["abc/"+v.ID] = fired
	f.sched.mu.Unlock()
	res = f.client.Do(req(http.MethodDelete, "/v1/reminders/"+v.ID, nil, "Idempotency-Key", "c1"))
	assert.Equal(t, http.StatusNoContent, res.Status, "%s", res.Body)
	assert.Equal(t, "true", res.Header.Get("Idempotent-Replayed"))
	res = f.client.Do(req(http.MethodDelete, "/v1/reminders/"+v.ID, nil))
	assert.Equal(t, http.StatusConflict, res.Status, "without the key the state decides")
}

// TestV1IdempotentFailureNotKept: our failures (5xx) are not remembered,
// so the retry does the work.
func TestV1IdempotentFailureNotKept(t *testing.T) {
	f := newFixture(t)
	f.sched.failNext(errors.New("scheduler broke"))
	res := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, "Idempotency-Key", "k"))
	assert.Equal(t, http.StatusInternalServerError, res.Status)
	for i := range 2 {
		res = f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, "Idempotency-Key", "k"))
		assert.Equal(t, http.StatusCreated, res.Status, "%s", res.Body)
		assert.Equal(t, i == 1, res.Header.Get("Idempotent-Replayed") == "true")
	}
	assert.Len(t, f.sched.mutations(), 1)
}

// TestV1IdempotentConcurrent: a duplicate that arrives while the first
// request works is refused (request_in_progress) without doing the work;
// after the first answers, duplicates get its answer.
func TestV1IdempotentConcurrent(t *testing.T) {
	f := newFixture(t)
	hold, entered := make(chan struct{}), make(chan struct{}, 1)
	f.sched.mu.Lock()
	f.sched.hold, f.sched.entered = hold, entered
	f.sched.mu.Unlock()
	done := make(chan []byte)
	go func() {
		res := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, "Idempotency-Key", "same"))
		done <- res.Body
	}()
	<-entered
	for range 3 {
		dup := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, "Idempotency-Key", "same"))
		assert.Equal(t, http.StatusConflict, dup.Status)
		assert.Equal(t, "request_in_progress", dup.Error.Code)
	}
	f.sched.mu.Lock()
	f.sched.hold = nil
	f.sched.mu.Unlock()
	close(hold)
	first := <-done
	dup := f.client.Do(req(http.MethodPost, "/v1/reminders", followUp, "Idempotency-Key", "same"))
	assert.Equal(t, http.StatusCreated, dup.Status, "%s", dup.Body)
	assert.Equal(t, first, dup.Body)
	assert.Len(t, f.sched.mutations(), 1)
}

// TestV1IdempotentRace: many identical requests at once do the work once
// and every one that is not refused as in progress gets the one answer.
func TestV1IdempotentRace(t *testing.T) {
	f := newFixture(t)
	const n = 16
	bodies := make([][]byte, n)
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res := f.client.Do(req(http.MethodPost, "/v1/messages", `{"to":"`+testNational+`","body":"once"}`, "Idempotency-Key", "race"))
			statuses[i], bodies[i] = res.Status, res.Body
		})
	}
	wg.Wait()
	require.Len(t, f.pending(t, testSender), 1, "the message is queued once")
	var answer []byte
	for i := range n {
		switch statuses[i] {
		case http.StatusAccepted:
			if answer == nil {
				answer = bodies[i]
			}
			assert.Equal(t, answer, bodies[i])
		case http.StatusConflict:
			assert.Contains(t, string(bodies[i]), "request_in_progress")
		default:
			t.Errorf("status %d: %s", statuses[i], bodies[i])
		}
	}
	assert.NotNil(t, answer)
}

// TestIdempotencyStaleClaim: a claim whose process died (no answer, older
// than idemStale) is taken over, so the key does not stay blocked.
func TestIdempotencyStaleClaim(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	l := &idemLog{store: f.store, hospital: "abc", key: "k", hash: "h1", now: f.clock}
	owner, replay, err := l.begin(ctx)
	require.NoError(t, err)
	require.Nil(t, replay)
	require.NotNil(t, owner)

	_, _, err = l.begin(ctx)
	assert.ErrorContains(t, err, "request_in_progress")
	other := &idemLog{store: f.store, hospital: "abc", key: "k", hash: "h2", now: f.clock}
	_, _, err = other.begin(ctx)
	assert.ErrorContains(t, err, "idempotency_key_reused", "a different request is refused even while the first runs")

	f.advance(idemStale)
	taker, replay, err := l.begin(ctx)
	require.NoError(t, err)
	require.Nil(t, replay)
	require.NotNil(t, taker, "the stale claim is taken over")
	assert.NotEqual(t, owner.token, taker.token)

	// The dead owner's late answer does not count for the new claim.
	require.NoError(t, l.finish(ctx, owner, answer{status: 201, body: []byte(`{"old":true}`)}))
	_, _, err = l.begin(ctx)
	assert.ErrorContains(t, err, "request_in_progress")
	require.NoError(t, l.finish(ctx, taker, answer{status: 201, body: []byte(`{"new":true}`)}))
	_, replay, err = l.begin(ctx)
	require.NoError(t, err)
	require.NotNil(t, replay)
	assert.Equal(t, `{"new":true}`, string(replay.body))
}
