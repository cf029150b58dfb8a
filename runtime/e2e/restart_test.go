package e2e

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/conversation/catalog"
	"github.com/frontdesk-health/frontdesk/actors/conversation/flow"
	"github.com/frontdesk-health/frontdesk/actors/outbound"
	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/runtime"
	"github.com/frontdesk-health/frontdesk/runtime/pii"
)

// pollUntil reports whether cond became true within d, checking whenever
// the fake Twilio records a message and at least every 50 ms.
func pollUntil(h *harness, d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		select {
		case <-h.twilio.Changed():
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true
}

// repliedSince reports whether the replies to phone after index from
// contain want.
func repliedSince(h *harness, phone string, from int, want string) bool {
	all := h.replies(phone)
	return strings.Contains(strings.Join(all[min(from, len(all)):], "\n"), want)
}

// procMetrics scrapes the process's /metrics.
func procMetrics(t *testing.T, h *harness) string {
	t.Helper()
	res, err := http.Get(h.base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, "GET /metrics")
	return string(b)
}

// procSample is the value of one series (name with its labels, exactly as
// exposed) in a scrape; 0 when absent.
func procSample(text, series string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, series+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return 0
}

// TestRestartMidRegistration restarts between two registration answers:
// the next answer is read by the step the patient had reached.
func TestRestartMidRegistration(t *testing.T) {
	h := start(t)
	p := "+919720000001"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	h.say(p, "34", "Gender")
	h.restart()
	out := h.say(p, "1", "photo")
	assert.NotContains(t, out, "Gender", "after a restart `1` must answer the gender question, not repeat it")
	h.say(p, "skip", "patient ID")
	reg := h.emr.CallsTo("register")
	require.Len(t, reg, 1, "one registration expected")
	assert.Equal(t, map[string]string{"name": "Ravi Kumar", "age": "34", "gender": "male"},
		map[string]string{"name": reg[0].Fields["name"], "age": reg[0].Fields["age"], "gender": reg[0].Fields["gender"]},
		"the answers given before the restart must reach the EMR")
}

// TestRestartMidBooking restarts with the doctor list on screen: the next
// number picks a doctor from that list.
func TestRestartMidBooking(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	h.say(p, "hi abc", "Main menu")
	h.say(p, "1", "When would you like")
	h.say(p, "2", "Choose a *department*")
	h.say(p, "1", "Choose a *doctor*")
	h.restart()
	h.say(p, "2", "what is the problem")
	h.say(p, "fever for three days", "is booked")
	calls := h.emr.CallsTo("book_in_person")
	require.Len(t, calls, 1, "one booking expected")
	assert.Equal(t, "12", calls[0].Fields["did"], "doctor 2 of General Medicine (Dr. Kavita Rao) was chosen after the restart")
	assert.Equal(t, "2", calls[0].Fields["day_count"], "tomorrow was chosen before the restart")
}

// injectPending leaves messages for phone in the stopped process's outbox,
// as a crash right after a commit would.
func injectPending(t *testing.T, h *harness, phone string, bodies ...string) {
	t.Helper()
	st, ring := openTestStore(t, h)
	defer func() { require.NoError(t, st.Close()) }()
	codec := outbound.NewCodec(ring, pii.NewHasher(make([]byte, 32))) // lanes only order sends
	msgs := make([]outbound.Message, len(bodies))
	for i, b := range bodies {
		msgs[i] = outbound.Message{To: phone, From: sender, Body: b, Hospital: abc}
	}
	entries, err := codec.Entries(h.clock.Now(), sender, msgs...)
	require.NoError(t, err)
	require.NoError(t, st.Enqueue(context.Background(), entries...))
}

// TestRestartSendsPendingOutboxOnce starts a process on a store holding
// committed, unsent replies: they go out in order, once, and a further
// restart does not send them again.
func TestRestartSendsPendingOutboxOnce(t *testing.T) {
	h := start(t)
	p := "+919720000003"
	h.say(p, "hi abc", askName)
	before := len(h.replies(p))
	h.stop()
	injectPending(t, h, p, "pending reply one", "pending reply two")
	h.bootWithEnv(h.cfg.ConfigPath, nil)
	h.waitReplies(p, before, "pending reply one", "pending reply two")
	h.restart()
	h.say(p, "Ravi Kumar", "age")
	got := h.replies(p)
	require.Len(t, got, before+3, "each pending reply once, then the answer to the next message; got %q", got)
	assert.Equal(t, []string{"pending reply one", "pending reply two"}, got[before:before+2], "pending replies go out in commit order")
}

// TestRestartWithSendInFlight restarts while Twilio holds a reply
// unanswered. The reply was committed before the webhook's 200, so the
// patient must still get it, once.
func TestRestartWithSendInFlight(t *testing.T) {
	h := start(t)
	p := "+919720000004"
	// A closed conversation answers "1" with one reply and no EMR call, so
	// exactly one send is in flight at shutdown.
	h.twilio.FailNext(1, twiliotest.Fault{Hang: true})
	code, body := h.post(h.form(p, "1"))
	require.Equal(t, http.StatusOK, code, body)
	require.True(t, pollUntil(h, 5*time.Second, func() bool { return h.twilio.Requests() >= 1 }), "the reply should have reached Twilio")
	began := time.Now()
	h.restart()
	t.Logf("graceful restart with a send hanging took %s", time.Since(began).Round(time.Millisecond))
	if !pollUntil(h, 3*time.Second, func() bool { return repliedSince(h, p, 0, howToStart) }) {
		t.Errorf("BUG: the reply was committed (the webhook answered 200) but never delivered: the send in flight at "+
			"shutdown timed out, was marked failed for good and was not retried after the restart; the patient got %q", h.replies(p))
	}
	h.say(p, "hi abc", askName)
	all := strings.Join(h.replies(p), "\n")
	assert.LessOrEqual(t, strings.Count(all, howToStart), 1, "the reply must not be sent twice")
}

// TestShutdownWithSendsQueuedBehindAHang shuts down while a patient's
// second reply waits behind a hanging first one. Shutdown must complete
// (and both replies reach the patient after the restart).
func TestShutdownWithSendsQueuedBehindAHang(t *testing.T) {
	h := start(t)
	p := "+919720000005"
	h.twilio.FailNext(1, twiliotest.Fault{Hang: true})
	code, body := h.post(h.form(p, "hi abc")) // welcome now, the name question after the EMR lookup
	require.Equal(t, http.StatusOK, code, body)
	require.True(t, pollUntil(h, 5*time.Second, func() bool {
		return h.twilio.Requests() >= 1 && len(h.emr.CallsTo("match_mobile")) == 1
	}), "the welcome should hang at Twilio and the lookup should be done")
	h.restart()
	h.waitReplies(p, 0, "Welcome to", askName)
	h.say(p, "Ravi Kumar", "age")
	all := strings.Join(h.replies(p), "\n")
	assert.Equal(t, 1, strings.Count(all, "Welcome to"), "the welcome exactly once; got %q", all)
	assert.Equal(t, 1, strings.Count(all, askName), "the name question exactly once; got %q", all)
}

// TestRestartReissuesEMRRead restarts while a department list is being
// fetched: a read is safe to repeat, so it is asked again and the patient
// gets the list.
func TestRestartReissuesEMRRead(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	h.say(p, "hi abc", "Main menu")
	h.say(p, "1", "When would you like")
	h.emr.Fail("departments", restapitest.Hang)
	before := len(h.replies(p))
	code, body := h.post(h.form(p, "2"))
	require.Equal(t, http.StatusOK, code, body)
	require.True(t, pollUntil(h, 5*time.Second, func() bool { return len(h.emr.CallsTo("departments")) == 1 }),
		"the department list should have been asked for")
	h.emr.Fail("departments", restapitest.Normal)
	h.restart()
	const list = "Choose a *department*"
	if !pollUntil(h, 3*time.Second, func() bool { return repliedSince(h, p, before, list) }) {
		t.Errorf("BUG: after the restart the department list did not come until the patient wrote again: " +
			"a conversation waiting for the EMR is only resumed when its next message re-spawns it")
		h.say(p, "?", list)
	}
	assert.Len(t, h.emr.CallsTo("departments"), 2, "the read in flight at the restart should be asked again, once")
	assert.False(t, repliedSince(h, p, before, "not responding"), "the restart must not look like an EMR failure to the patient")
	h.say(p, "1", "Choose a *doctor*")
}

// TestRestartDoesNotRepeatEMRWrite restarts while a booking is being made:
// a write must not be made twice, so the patient is told we could not
// confirm it, and nothing the patient writes next books again.
func TestRestartDoesNotRepeatEMRWrite(t *testing.T) {
	h := start(t)
	p := restapitest.KnownMobile
	h.say(p, "hi abc", "Main menu")
	h.say(p, "1", "When would you like")
	h.say(p, "2", "Choose a *department*")
	h.say(p, "1", "Choose a *doctor*")
	h.say(p, "1", "what is the problem")
	h.emr.Fail("book_in_person", restapitest.Hang)
	before := len(h.replies(p))
	code, body := h.post(h.form(p, "fever for three days"))
	require.Equal(t, http.StatusOK, code, body)
	require.True(t, pollUntil(h, 5*time.Second, func() bool { return len(h.emr.CallsTo("book_in_person")) == 1 }),
		"the booking should have been sent to the EMR")
	h.emr.Fail("book_in_person", restapitest.Normal)
	h.restart()
	// In the catalog's emr_outcome_unknown and its booking variant.
	const unknown = "could not confirm whether"
	if !pollUntil(h, 3*time.Second, func() bool { return repliedSince(h, p, before, unknown) }) {
		t.Errorf("BUG: after the restart the patient heard nothing about the booking until writing again: " +
			"a conversation waiting for the EMR is only resumed when its next message re-spawns it")
		// A patient who hears nothing asks; the question must not be
		// taken as a new complaint and book again.
		h.say(p, "hello?", unknown)
	}
	h.say(p, "3", "upcoming")
	assert.Len(t, h.emr.CallsTo("book_in_person"), 1, "a booking in flight at a restart must never be sent again")
	assert.False(t, repliedSince(h, p, before, "is booked"), "nothing may be booked without the patient asking again")
}

// TestPanicRestartsConversation makes the decision about "boom" panic: the
// webhook still answers 200, the patient gets an apology, the conversation
// goes on from its last committed step, the message is not processed again
// when Twilio retries it, and operators see the restart (without the text).
func TestPanicRestartsConversation(t *testing.T) {
	var booms atomic.Int32
	h := start(t, runtime.WithFault(func(ev flow.Event) {
		if in, ok := ev.(*flow.Inbound); ok && in.Body == "boom" {
			booms.Add(1)
			panic("injected fault")
		}
	}))
	p := "+919720000008"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	boom := h.form(p, "boom")
	sorry := catalog.MustLoad().Text("en", nil, "internal_error")
	h.sendExpect(boom, sorry)
	h.say(p, "34", "Gender")
	requireEmptyTwiML(t, postHookForm(t, h, boom), "Twilio retrying the message that panicked")
	h.say(p, "1", "photo")
	assert.Equal(t, int32(1), booms.Load(), "a retried MessageSid must not be decided again")
	assert.Equal(t, 1, strings.Count(strings.Join(h.replies(p), "\n"), sorry), "one apology for one failed message")
	assert.Equal(t, 1.0, procSample(procMetrics(t, h), `frontdesk_actor_restarts_total{actor="conversation"}`),
		"the restart must be counted for operators")
	logs := h.logs.String()
	assert.Contains(t, logs, "restarting from its last committed state", "the log should say the conversation restarted")
	assert.NotContains(t, logs, "boom", "the log must not hold the message that panicked")
	assert.NotContains(t, logs, "Ravi Kumar", "the log must not hold patient data")
}

// TestPassivatedConversationResumes lets an idle conversation leave memory
// and checks the next message continues where it stood.
func TestPassivatedConversationResumes(t *testing.T) {
	h := startEnv(t, map[string]string{"FRONTDESK_PASSIVATE_AFTER": "200ms"})
	p := "+919720000009"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	deadline := time.Now().Add(10 * time.Second)
	for {
		m := procMetrics(t, h)
		if procSample(m, "frontdesk_conversations_passivated_total") >= 1 && procSample(m, "frontdesk_conversations_active") == 0 {
			break
		}
		require.False(t, time.Now().After(deadline), "the idle conversation should have passivated within 10 s of a 200 ms limit")
		<-time.After(50 * time.Millisecond)
	}
	h.say(p, "34", "Gender")
	assert.Equal(t, 1.0, procSample(procMetrics(t, h), "frontdesk_conversations_active"), "the next message brings it back")
}

// TestConstantPassivation passivates conversations as soon as they are
// idle, so messages keep arriving while actors stop and start: nothing may
// be lost, repeated or reordered.
func TestConstantPassivation(t *testing.T) {
	h := startEnv(t, map[string]string{"FRONTDESK_PASSIVATE_AFTER": "1ms"})
	p := "+919720000010"
	h.say(p, "hi abc", askName)
	h.say(p, "Ravi Kumar", "age")
	h.say(p, "34", "Gender")
	h.say(p, "1", "photo")
	h.say(p, "skip", "patient ID", "Main menu")
	h.say(p, "1", "When would you like")
	h.say(p, "2", "Choose a *department*")
	h.say(p, "1", "Choose a *doctor*")
	h.say(p, "1", "what is the problem")
	h.say(p, "cough", "is booked")
	assert.Len(t, h.emr.CallsTo("register"), 1, "one registration")
	assert.Len(t, h.emr.CallsTo("book_in_person"), 1, "one booking")
	assert.Greater(t, procSample(procMetrics(t, h), "frontdesk_conversations_passivated_total"), 1.0,
		"the conversation should have left memory between messages")
}
