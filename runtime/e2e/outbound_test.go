package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/frontdesk-health/frontdesk/actors/outbound/twilio/twiliotest"
	"github.com/frontdesk-health/frontdesk/emr/restapi/restapitest"
	"github.com/frontdesk-health/frontdesk/persistence"
	"github.com/frontdesk-health/frontdesk/runtime"
)

// Reliable outbound end to end: the rate limit, retries, the 24-hour
// window and its templates, and delivery statuses, through the real
// process, its Twilio client and store, against the fake Twilio.

const (
	pushSID    = "HX0123456789abcdef0123456789abcdef"
	sendRateE2 = 20
)

// outboundYAML adds a send rate to every hospital and a push template to
// abc only (the demo hospital has none). {{1}} is the hospital's name,
// {{2}} the pushed text.
func outboundYAML(t *testing.T) string {
	t.Helper()
	y := hospitalsYAML
	rate := fmt.Sprintf("    country_code: \"91\"\n    send_rate: %d\n", sendRateE2)
	require.Equal(t, 3, strings.Count(y, "    country_code: \"91\"\n"), "the harness's hospitals changed shape")
	y = strings.ReplaceAll(y, "    country_code: \"91\"\n", rate)
	abcKeys := "    api_keys_sha256: [\"%[2]s\"]\n"
	require.Contains(t, y, abcKeys)
	return strings.Replace(y, abcKeys, abcKeys+"    templates:\n      push: {sid: "+pushSID+", variables: [hospital, body]}\n", 1)
}

// outboxTap records every outbox entry the process commits or enqueues,
// so a test can check how each one ended in the store.
type outboxTap struct {
	persistence.Store
	mu      sync.Mutex
	entries []persistence.OutboxEntry
}

func (s *outboxTap) Commit(ctx context.Context, c persistence.Commit) error {
	err := s.Store.Commit(ctx, c)
	if err == nil {
		s.add(c.Outbox)
	}
	return err
}

func (s *outboxTap) Enqueue(ctx context.Context, es ...persistence.OutboxEntry) error {
	err := s.Store.Enqueue(ctx, es...)
	if err == nil {
		s.add(es)
	}
	return err
}

func (s *outboxTap) add(es []persistence.OutboxEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = append(s.entries, es...)
}

func (s *outboxTap) all() []persistence.OutboxEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]persistence.OutboxEntry(nil), s.entries...)
}

// settled waits until no entry the process made is pending and returns
// them as stored.
func (s *outboxTap) settled(t *testing.T, h *harness, timeout time.Duration) []persistence.OutboxEntry {
	t.Helper()
	var out []persistence.OutboxEntry
	pending := 0
	deadline := time.Now().Add(timeout)
	for {
		out, pending = out[:0], 0
		for _, e := range s.all() {
			got, err := s.Entry(context.Background(), e.Sender, e.ID)
			require.NoError(t, err)
			if got.State == persistence.OutboxPending {
				pending++
			}
			out = append(out, got)
		}
		// The store is marked by the sending goroutine; the outbound actor
		// counts the outcome (metrics) when the result reaches it.
		if pending == 0 && metric(t, h, `frontdesk_outbox_pending{sender="`+sender+`"}`) == 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d outbox entries still pending after %s", pending, len(out), timeout)
		}
		<-time.After(20 * time.Millisecond)
	}
}

// startOutbound runs a process with outboundYAML and a tap on its store.
func startOutbound(t *testing.T, opts ...runtime.Option) (*harness, *outboxTap) {
	t.Helper()
	tap := &outboxTap{}
	wrap := runtime.WithStoreWrap(func(st persistence.Store) persistence.Store { tap.Store = st; return tap })
	h := &harness{
		t:       t,
		twilio:  twiliotest.NewServer(t, accountSID, authToken),
		emr:     restapitest.NewServer(t),
		clock:   &clock{now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)},
		dataDir: t.TempDir(),
		logs:    &syncBuffer{},
	}
	h.storeEnv = e2eStoreEnv(t)
	path := filepath.Join(h.dataDir, "hospitals.yaml")
	require.NoError(t, os.WriteFile(path, []byte(h.hospitalsFile(outboundYAML(t))), 0o600))
	h.opts = append([]runtime.Option{runtime.WithClock(h.clock.Now), runtime.WithShards(2), wrap}, opts...)
	h.bootWithEnv(path, nil)
	t.Cleanup(h.stop)
	return h, tap
}

// push sends message to the national number through /api/notifyuserwa
// as the hospital the key belongs to.
func push(t *testing.T, h *harness, key, national, message string) {
	t.Helper()
	body := fmt.Sprintf(`{"mobile":%q,"message":%q}`, national, message)
	req, err := http.NewRequest(http.MethodPost, h.base+"/api/notifyuserwa", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "push to %s", national)
}

// greet has a new patient activate code (her 24-hour window opens) and
// returns how many messages she got: the welcome and the first
// registration question.
func greet(h *harness, phone, code string) int {
	h.t.Helper()
	h.say(phone, "hi "+code, "*full name*")
	return len(sentTo(h, phone))
}

// sentTo lists what the fake Twilio accepted for phone: bodies, or the
// template SID and its variables.
func sentTo(h *harness, phone string) []string {
	var out []string
	for _, m := range h.twilio.MessagesTo("whatsapp:" + phone) {
		if m.ContentSID != "" {
			out = append(out, m.ContentSID+" "+m.ContentVariables)
			continue
		}
		out = append(out, m.Body)
	}
	return out
}

// metric reads one series from /metrics, 0 when absent.
func metric(t *testing.T, h *harness, series string) float64 {
	t.Helper()
	res, err := http.Get(h.base + "/metrics")
	require.NoError(t, err)
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), series+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return f
		}
	}
	return 0
}

// TestOutboundFaultsKeepOrderAndRate is the first "done when":
// with the fake Twilio answering 429 with Retry-After, 500s, timeouts,
// 63016 and a permanent error, each patient gets her messages in order,
// no second holds more requests than the sender's rate, every message
// ends sent or failed with a reason, and none is sent twice.
func TestOutboundFaultsKeepOrderAndRate(t *testing.T) {
	t.Parallel()
	h, tap := startOutbound(t, runtime.WithSendTimeout(500*time.Millisecond))
	const n = 8
	phone := func(i int) string { return fmt.Sprintf("+9198113000%02d", i) }
	greeted := make([]int, n)
	for i := range n {
		greeted[i] = greet(h, phone(i), "abc") // opens each patient's 24-hour window
	}
	to := func(i int) string { return "whatsapp:" + phone(i) }
	h.twilio.FailTo(to(0), 2, twiliotest.Fault{Code: 20429, RetryAfter: "1"})
	h.twilio.FailTo(to(1), 2, twiliotest.Fault{Status: 500})
	h.twilio.FailTo(to(2), 1, twiliotest.Fault{Hang: true})
	h.twilio.FailTo(to(3), 1, twiliotest.Fault{Code: 63016})
	h.twilio.FailTo(to(4), 1, twiliotest.Fault{Code: 21211})
	h.twilio.FailTo(to(5), 1, twiliotest.Fault{Status: 503, RetryAfter: "2"})
	before := len(h.twilio.Messages())
	for round := 1; round <= 4; round++ {
		for i := range n {
			push(t, h, apiKey, strings.TrimPrefix(phone(i), "+91"), fmt.Sprintf("p%d push %d", i, round))
		}
	}
	entries := tap.settled(t, h, 30*time.Second)

	for i := range n {
		var want []string
		for round := 1; round <= 4; round++ {
			body := fmt.Sprintf("p%d push %d", i, round)
			switch {
			case i == 3 && round == 1:
				body = pushSID + ` {"1":"ABC Hospital","2":"` + body + `"}`
			case i == 4 && round == 1:
				continue // refused for good
			}
			want = append(want, body)
		}
		assert.Equal(t, want, sentTo(h, phone(i))[greeted[i]:], "patient %d: her pushes, in order, each once", i)
	}

	byState := map[persistence.OutboxState]int{}
	for _, e := range entries {
		byState[e.State]++
		if e.State == persistence.OutboxFailed {
			assert.Equal(t, "21211", e.LastError, "the one failure carries Twilio's code")
		}
	}
	assert.Equal(t, 1, byState[persistence.OutboxFailed])
	assert.Equal(t, len(entries)-1, byState[persistence.OutboxSent], "every other message was sent")

	sids := map[string]bool{}
	for _, m := range h.twilio.Messages() {
		assert.False(t, sids[m.SID], "accepted twice")
		sids[m.SID] = true
	}
	reqs := h.twilio.RequestLog()
	// The process spaces the starts of its sends 1/rate apart; the fake
	// sees them after a goroutine start, a store read and an HTTP round
	// trip, which under load shift single requests by tens of
	// milliseconds, so windows are a second less that allowance.
	assert.LessOrEqual(t, twiliotest.MaxInWindow(reqs, time.Second-50*time.Millisecond), sendRateE2,
		"at most %d requests in any second", sendRateE2)
	assert.Equal(t, 4*n-1, len(h.twilio.Messages())-before, "pushes accepted")
	assert.Equal(t, 2.0, metric(t, h, "frontdesk_send_throttled_total"))
	assert.Equal(t, 1.0, metric(t, h, `frontdesk_send_errors_total{code="21211"}`))
	assert.Equal(t, 1.0, metric(t, h, "frontdesk_template_fallbacks_total"))
	assert.GreaterOrEqual(t, metric(t, h, "frontdesk_send_retries_total"), 6.0, "2 × 429, 2 × 500, a timeout, a 503")
}

// TestOutboundWindowTemplates: a push inside the patient's 24-hour window
// goes as text; 25 hours after her last message it goes as the
// hospital's template, with its ContentSid and ContentVariables; a
// hospital without a push template holds it as not deliverable.
func TestOutboundWindowTemplates(t *testing.T) {
	t.Parallel()
	h, tap := startOutbound(t)
	p := "+919811300101"
	n := greet(h, p, "abc")
	push(t, h, apiKey, "9811300101", "Your lab report is ready.")
	svcWaitSent(h, p, n+1, "the push as text")
	assert.Equal(t, "Your lab report is ready.", sentTo(h, p)[n])

	h.clock.Advance(25 * time.Hour)
	push(t, h, apiKey, "9811300101", "Clinic closed tomorrow.")
	got := svcWaitSent(h, p, n+2, "the push as a template")[n+1]
	assert.Equal(t, pushSID, got.ContentSID)
	assert.JSONEq(t, `{"1":"ABC Hospital","2":"Clinic closed tomorrow."}`, got.ContentVariables)
	assert.Empty(t, got.Body, "a template carries no body")

	never := "+919811300102" // never wrote: outside the window too
	push(t, h, apiKey, "9811300102", "Welcome to ABC.")
	assert.Equal(t, pushSID, svcWaitSent(h, never, 1, "the template")[0].ContentSID)

	held := "+919811300103"
	greeting := greet(h, held, "demo")
	h.clock.Advance(25 * time.Hour)
	push(t, h, demoAPIKey, "9811300103", "Demo news.")
	var failed []persistence.OutboxEntry
	for _, e := range tap.settled(t, h, 10*time.Second) {
		if e.State == persistence.OutboxFailed {
			failed = append(failed, e)
		}
	}
	require.Len(t, failed, 1, "the demo hospital's push is held")
	assert.Equal(t, "outside_window_no_template", failed[0].LastError)
	assert.Len(t, sentTo(h, held), greeting, "only the replies to hi reached the patient")
	assert.Equal(t, 1.0, metric(t, h, `frontdesk_undeliverable_total{reason="outside_window_no_template"}`))
	assert.Equal(t, 2.0, metric(t, h, "frontdesk_template_fallbacks_total"))
}

// TestOutbound63016FallsBackOnce: Twilio's 63016, on the send itself or
// later in a status callback, makes the message go again as the
// hospital's template, once.
func TestOutbound63016FallsBackOnce(t *testing.T) {
	t.Parallel()
	h, tap := startOutbound(t)
	p := "+919811300201"
	n := greet(h, p, "abc")
	push(t, h, apiKey, "9811300201", "Report ready.")
	text := svcWaitSent(h, p, n+1, "the push as text")[n]
	require.Empty(t, text.ContentSID)
	require.Eventually(t, func() bool {
		_, err := tap.EntryByProviderID(context.Background(), text.SID)
		return err == nil
	}, 10*time.Second, 10*time.Millisecond, "the send is recorded (else the first callback waits for it)")

	for _, status := range []string{"undelivered", "failed", "undelivered"} {
		code, err := h.twilio.Report(context.Background(), text, status, 63016)
		require.NoError(t, err)
		assert.Equal(t, http.StatusNoContent, code)
	}
	tpl := svcWaitSent(h, p, n+2, "the template after 63016")[n+1]
	assert.Equal(t, pushSID, tpl.ContentSID)
	assert.JSONEq(t, `{"1":"ABC Hospital","2":"Report ready."}`, tpl.ContentVariables)
	code, err := h.twilio.Report(context.Background(), tpl, "undelivered", 63016)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, code)
	tap.settled(t, h, 10*time.Second)
	assert.Never(t, func() bool { return len(sentTo(h, p)) > n+2 }, 500*time.Millisecond, 50*time.Millisecond,
		"three callbacks, one fallback; a fallback is not copied again")
	e, err := tap.EntryByProviderID(context.Background(), text.SID)
	require.NoError(t, err)
	assert.Equal(t, "undelivered", e.Status)
	assert.Equal(t, "63016", e.ErrorCode)
}

// TestOutboundStatusCallbacks: statuses are stored on the message,
// ranked (a late "sent" does not undo "delivered"), also when the first
// one arrives before the process has recorded the send; an unknown SID is
// answered 2xx and counted.
func TestOutboundStatusCallbacks(t *testing.T) {
	t.Parallel()
	h, tap := startOutbound(t)
	p := "+919811300301"
	reported := make(chan error, 1)
	h.twilio.SetOnAccept(func(m twiliotest.Sent) {
		if m.To != "whatsapp:"+p {
			return
		}
		_, err := h.twilio.Report(context.Background(), m, "sent", 0) // before the create answer
		select {
		case reported <- err:
		default:
		}
	})
	greet(h, p, "abc")
	require.NoError(t, <-reported)
	sid := h.twilio.MessagesTo("whatsapp:" + p)[0].SID
	status := func() string {
		e, err := tap.EntryByProviderID(context.Background(), sid)
		if err != nil {
			return "not found"
		}
		return e.Status
	}
	require.Eventually(t, func() bool { return status() == "sent" }, 10*time.Second, 20*time.Millisecond,
		"the early status is kept once the send is recorded")
	h.twilio.SetOnAccept(nil)

	m := h.twilio.MessagesTo("whatsapp:" + p)[0]
	for _, st := range []struct{ status, want string }{{"delivered", "delivered"}, {"sent", "delivered"}, {"read", "read"}, {"delivered", "read"}} {
		code, err := h.twilio.Report(context.Background(), m, st.status, 0)
		require.NoError(t, err)
		require.Equal(t, http.StatusNoContent, code)
		assert.Equal(t, st.want, status(), "after %s", st.status)
	}

	unknown := twiliotest.Sent{SID: "SM" + strings.Repeat("9", 32), StatusCallback: m.StatusCallback, To: m.To, From: m.From}
	code, err := h.twilio.Report(context.Background(), unknown, "delivered", 0)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, code, "an unknown SID is answered 2xx: Twilio would not retry usefully")
	require.Eventually(t, func() bool {
		return metric(t, h, `frontdesk_message_status_total{error_code="none",status="unknown_message"}`) == 1
	}, 10*time.Second, 100*time.Millisecond, "counted once the retries give up")
	assert.Equal(t, 1.0, metric(t, h, `frontdesk_message_status_total{error_code="none",status="read"}`))
}

// TestOutboundWindowOff: runtime.WithWindow(0), for tests that push to
// patients who never wrote and expect the text, turns the check off.
func TestOutboundWindowOff(t *testing.T) {
	t.Parallel()
	h, _ := startOutbound(t, runtime.WithWindow(0))
	push(t, h, apiKey, "9811300401", "Plain text.")
	assert.Equal(t, "Plain text.", svcWaitSent(h, "+919811300401", 1, "the push as text")[0].Body)
}
