package e2e

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/http/webhook"
)

// Log messages of the store health monitor (one per change).
const (
	logStoreDown = `"msg":"store unreachable`
	logStoreUp   = `"msg":"store reachable again"`
)

// commitTimeout is the conversation's commit timeout (runtime.New).
const commitTimeout = 5 * time.Second

// detectWithin bounds how long the process takes to find the store gone
// with its default probe: the wait for the next ping (1 s), then two
// failed pings of 500 ms each, 100 ms apart, with slack for -race.
const detectWithin = 2500 * time.Millisecond

// refusedWithin bounds a 503 once the outage is known: no store access.
const refusedWithin = time.Second

// timedAnswer is a webhook's answer and how long it took.
type timedAnswer struct {
	status     int
	retryAfter string
	took       time.Duration
}

// postTimed posts a signed webhook and times the answer.
func postTimed(t *testing.T, h *harness, f url.Values) timedAnswer {
	t.Helper()
	a, err := postTimedErr(h, f)
	require.NoError(t, err)
	return a
}

// postTimedErr is postTimed for another goroutine than the test's.
func postTimedErr(h *harness, f url.Values) (timedAnswer, error) {
	req, err := http.NewRequest(http.MethodPost, h.base+"/twilio/messages", strings.NewReader(f.Encode()))
	if err != nil {
		return timedAnswer{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Twilio-Signature", webhook.Sign(authToken, h.base+"/twilio/messages", f))
	began := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return timedAnswer{}, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return timedAnswer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), took: time.Since(began)}, nil
}

// requireRefusedFast checks that a message sent while the store is down is
// answered 503 with Retry-After within limit.
func requireRefusedFast(t *testing.T, a timedAnswer, limit time.Duration, what string) {
	t.Helper()
	require.Equalf(t, http.StatusServiceUnavailable, a.status, "%s: the webhook should answer 503 so Twilio retries", what)
	assert.NotEmptyf(t, a.retryAfter, "%s: a 503 should say when to retry", what)
	assert.Lessf(t, a.took, limit, "%s: the 503 should come within %s", what, limit)
}

// readiness is GET /readyz: the status code and the reason given.
func readiness(t *testing.T, h *harness) (int, string) {
	t.Helper()
	res, err := http.Get(h.base + "/readyz")
	require.NoError(t, err)
	defer res.Body.Close()
	var body struct{ Reason string }
	require.NoError(t, json.NewDecoder(res.Body).Decode(&body))
	return res.StatusCode, body.Reason
}

// requireStoreDown checks what operators see during an outage: /readyz
// false with the reason, frontdesk_store_up 0.
func requireStoreDown(t *testing.T, h *harness) {
	t.Helper()
	require.True(t, pollUntil(h, 5*time.Second, func() bool { code, _ := readiness(t, h); return code == http.StatusServiceUnavailable }),
		"/readyz should turn 503 while the store is unreachable")
	_, reason := readiness(t, h)
	assert.Contains(t, reason, "store unreachable", "/readyz should say why it is not ready")
	assert.Equal(t, 0.0, procSample(procMetrics(t, h), "frontdesk_store_up"), "frontdesk_store_up should be 0 during the outage")
}

// requireStoreBack waits for the process to find the store again and
// checks what operators see then.
func requireStoreBack(t *testing.T, h *harness) {
	t.Helper()
	began := time.Now()
	require.True(t, pollUntil(h, 10*time.Second, func() bool { code, _ := readiness(t, h); return code == http.StatusOK }),
		"/readyz should be 200 again once the store answers")
	t.Logf("the process found the store back %s after it answered", time.Since(began).Round(time.Millisecond))
	m := procMetrics(t, h)
	assert.Equal(t, 1.0, procSample(m, "frontdesk_store_up"), "frontdesk_store_up should be 1 again")
	assert.Equal(t, 1.0, procSample(m, "frontdesk_store_outages_total"), "one outage should be counted")
}

// requireOneOutageLogged checks the log tells the outage once, both ways.
func requireOneOutageLogged(t *testing.T, h *harness) {
	t.Helper()
	logs := h.logs.String()
	assert.Equal(t, 1, strings.Count(logs, logStoreDown), "one log line when the store goes away")
	assert.Equal(t, 1, strings.Count(logs, logStoreUp), "one log line when it is back")
	assert.Contains(t, logs, `"down_for"`, "the recovery line says how long the store was down")
}

// startOutageEnv starts a private Redis and a process on it. These tests
// bring their own Redis, so they run in the default pass of the suite only.
func startOutageEnv(t *testing.T, urlSuffix string) (*redisServer, *harness) {
	t.Helper()
	if onRedis() {
		t.Skip("the outage tests start a Redis of their own; they run when " + envE2EStore + " is unset")
	}
	srv := startRedisServer(t)
	return srv, startEnv(t, redisEnv(t, srv.url+urlSuffix))
}

// requireNothingPending waits until every reply sent so far is marked sent
// in Redis, so that no store write is in flight.
func requireNothingPending(t *testing.T, h *harness, url string) {
	t.Helper()
	c := redisClient(t, url)
	defer c.Close()
	key := h.cfg.RedisPrefix + "p:" + sender
	require.True(t, pollUntil(h, 5*time.Second, func() bool {
		n, err := c.ZCard(context.Background(), key).Result()
		return err == nil && n == 0
	}), "the replies sent so far should be marked sent")
}

// TestRedisGoesAway kills Redis under a conversation in the middle of
// registration, and as a new patient writes (whose conversation cannot be
// loaded): messages are refused quickly (503, Retry-After, nothing sent to
// the patient), EMR pushes too, /readyz and /metrics say so, and when
// Redis is back both conversations go on by themselves: each message
// Twilio retries is processed exactly once.
func TestRedisGoesAway(t *testing.T) {
	srv, h := startOutageEnv(t, "")
	p, q := "+919720000101", "+919720000104"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	before := len(h.replies(p))

	srv.kill()
	age, hi := h.form(p, "34"), h.form(q, "hi abc")
	newcomer := make(chan timedAnswer, 1)
	go func() {
		a, err := postTimedErr(h, hi)
		if err != nil {
			t.Errorf("post the new patient's message: %v", err)
		}
		newcomer <- a
	}()
	first := postTimed(t, h, age)
	t.Logf("first webhook after Redis died answered %d after %s", first.status, first.took.Round(time.Millisecond))
	requireRefusedFast(t, first, detectWithin, "the first message after Redis died")
	requireRefusedFast(t, <-newcomer, detectWithin, "a new patient's first message after Redis died")
	requireStoreDown(t, h)
	retry := postTimed(t, h, age)
	t.Logf("webhook during the known outage answered %d after %s", retry.status, retry.took.Round(time.Millisecond))
	requireRefusedFast(t, retry, refusedWithin, "Twilio's retry during the outage")
	requireRefusedFast(t, postTimed(t, h, h.form(p, "35")), refusedWithin, "another message during the outage")
	assert.Equal(t, http.StatusServiceUnavailable, pushStatus(t, h, apiKey, p[3:], "Your report is ready"),
		"an EMR push should be refused while nothing can be stored")
	assert.Len(t, h.replies(p), before, "nothing may be sent for messages that were refused")
	// Redis stays away until the new patient's conversation has failed to
	// load (the Redis client retries for a few seconds), so that its next
	// message is the first after a failed load.
	require.True(t, pollUntil(h, 2*commitTimeout, func() bool { return strings.Contains(h.logs.String(), `"msg":"load conversation"`) }),
		"the new patient's conversation should have failed to load")

	srv.start()
	requireStoreBack(t, h)
	// The refused message's commit may still have landed when Redis came
	// back (the Redis client retries); either way its retry is accepted
	// and it is answered once.
	requireEmptyTwiML(t, postHookForm(t, h, age), "Twilio's retry after the outage")
	h.waitFor(p, before, "the answer to the message refused during the outage", "Gender")
	requireEmptyTwiML(t, postHookForm(t, h, age), "Twilio retrying a message already processed")
	h.say(p, "1", "photo")
	all := strings.Join(h.replies(p)[before:], "\n")
	assert.Equal(t, 1, strings.Count(all, "Gender"), "the retried message is processed once; got %q", all)
	assert.NotContains(t, all, "Your report is ready", "the refused push must not be sent")
	requireEmptyTwiML(t, postHookForm(t, h, hi), "the new patient's retry after the outage")
	h.waitFor(q, 0, "the answer to the first message, once Redis is back", askName)
	assert.Equal(t, 1, strings.Count(strings.Join(h.replies(q), "\n"), askName), "the new patient is answered once")
	requireOneOutageLogged(t, h)
}

// TestRedisHangs freezes Redis (it accepts bytes and answers nothing)
// while a message is being committed. That message is answered 503 as
// soon as the hang is detected (within the commit timeout), later ones at
// once, and nothing is sent meanwhile. Whether the frozen commit runs when
// Redis wakes up depends on the Redis client's timeouts; either way, once
// Twilio retries, each message is processed exactly once.
func TestRedisHangs(t *testing.T) {
	srv, h := startOutageEnv(t, "")
	p := "+919720000102"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	before := len(h.replies(p))

	srv.freeze()
	age := h.form(p, "34")
	first := postTimed(t, h, age)
	t.Logf("first webhook into a hung Redis answered %d after %s", first.status, first.took.Round(time.Millisecond))
	requireRefusedFast(t, first, commitTimeout, "the message whose commit hung")
	requireStoreDown(t, h)
	gender := h.form(p, "1")
	requireRefusedFast(t, postTimed(t, h, gender), refusedWithin, "a message once the hang is known")
	assert.Len(t, h.replies(p), before, "nothing may be sent while the outcome is unknown")

	srv.thaw()
	requireStoreBack(t, h)
	requireEmptyTwiML(t, postHookForm(t, h, age), "Twilio's retry after the outage")
	h.waitFor(p, before, "the answer to the message whose commit hung", "Gender")
	h.sendExpect(gender, "photo")
	all := strings.Join(h.replies(p)[before:], "\n")
	assert.Equal(t, 1, strings.Count(all, "Gender"), "the message whose commit hung is processed once; got %q", all)
	requireOneOutageLogged(t, h)
}

// TestCommitLandsAfterItsTimeout makes a commit land after the
// conversation gave up on it: Redis freezes with the commit in hand, and
// the Redis client is told to wait longer than the conversation does. The
// webhook was answered 503, so the commit's reply must still reach the
// patient (once, without the patient writing again), and Twilio's retry of
// the message must be acknowledged as a duplicate, not processed again.
func TestCommitLandsAfterItsTimeout(t *testing.T) {
	srv, h := startOutageEnv(t, "?read_timeout=9s")
	p := "+919720000103"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	before := len(h.replies(p))
	requireNothingPending(t, h, srv.url) // the commit is the only write Redis holds

	srv.freeze()
	age := h.form(p, "34")
	requireRefusedFast(t, postTimed(t, h, age), commitTimeout, "the message whose commit hung")
	require.True(t, pollUntil(h, 2*commitTimeout, func() bool {
		return procSample(procMetrics(t, h), `frontdesk_store_commit_failures_total{reason="error"}`) >= 1
	}), "the conversation should have given up on the commit after its timeout")
	assert.Len(t, h.replies(p), before, "nothing may be sent while the outcome is unknown")

	srv.thaw() // well before the client's 9 s: the frozen commit runs now
	requireStoreBack(t, h)
	h.waitFor(p, before, "the reply of the commit that landed after its 503, without writing again", "Gender")
	requireEmptyTwiML(t, postHookForm(t, h, age), "Twilio retrying the message whose commit landed late")
	h.say(p, "1", "photo")
	all := strings.Join(h.replies(p)[before:], "\n")
	assert.Equal(t, 1, strings.Count(all, "Gender"), "the message whose commit landed late is processed once; got %q", all)
	requireOneOutageLogged(t, h)
}

// TestRedisGoesAwayDuringEMRCall kills Redis while a conversation waits
// for the EMR, so the answer cannot be committed. When Redis is back the
// conversation asks the EMR again by itself and the patient gets the list
// without writing again (and never the failure that could not be stored).
func TestRedisGoesAwayDuringEMRCall(t *testing.T) {
	srv, h := startOutageEnv(t, "")
	p := openMenu(h, abc)
	h.say(p, "1", "When would you like")
	before := len(h.replies(p))
	requireNothingPending(t, h, srv.url)        // no write but the EMR answer's will meet the outage
	h.emr.Fail("departments", restapitest.Hang) // until the hospital's 1 s timeout
	requireEmptyTwiML(t, postHookForm(t, h, h.form(p, "2")), "the day, before the outage")
	require.True(t, pollUntil(h, 5*time.Second, func() bool { return len(h.emr.CallsTo("departments")) == 1 }),
		"the department list should have been asked for")
	srv.kill()
	h.emr.Fail("departments", restapitest.Normal)
	requireStoreDown(t, h)
	// Redis stays away until the failed commit of the EMR's answer has
	// given up for good; restarted sooner, Redis would take it late (see
	// TestRedisHangs for that case).
	require.True(t, pollUntil(h, 15*time.Second, func() bool {
		return procSample(procMetrics(t, h), `frontdesk_store_commit_failures_total{reason="pipeline"}`) >= 1
	}), "the commit of the EMR's answer should have failed")
	assert.Len(t, h.replies(p), before, "the EMR's failure could not be stored, so it must not be sent")

	srv.start()
	requireStoreBack(t, h)
	h.waitFor(p, before, "the department list, asked again by itself after the outage", "Choose a *department*")
	assert.Len(t, h.emr.CallsTo("departments"), 2, "the read lost in the outage should be asked again, once")
	all := strings.Join(h.replies(p)[before:], "\n")
	assert.NotContains(t, all, "not responding", "the failure that could not be committed must not reach the patient")
	h.say(p, "1", "Choose a *doctor*")
	requireOneOutageLogged(t, h)
}
